"""Scenario files: where they live, what a valid one holds, and the sources they cite.

A scenario is data (``datasets/simulations/<id>.yaml``): roles with confidential briefs,
rounds with options per role, rules that say how options combine, and a debrief.
:func:`validate_scenario` checks a scenario and names the file and field of every
problem; :func:`missing_references` lists the ``events``/``claims`` ids a scenario cites
that the datasets do not hold. PyYAML is imported when a file is read, not at import.
"""
from __future__ import annotations

import re
from pathlib import Path

from helpers import DATASETS_DIR
from helpers.errors import CourseError

SIM_DIR = DATASETS_DIR / "simulations"
MEASURES = ("interests", "approval")
KINDS = ("historical", "open")
BRIEF_PARTS = ("interests", "red_lines", "domestic", "knows")
_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,40}")


class SimulationError(CourseError):
    """A scenario, a move or a game folder that cannot be used, said in plain words."""


def scenario_path(name) -> Path:
    """Return the file of scenario ``name``: a path ending in .yaml/.yml as it is, else datasets/simulations/<name>.yaml."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        return path
    return SIM_DIR / f"{name}.yaml"


def list_scenarios() -> list[str]:
    """Return the ids of the scenarios in ``datasets/simulations``."""
    return sorted(p.stem for p in SIM_DIR.glob("*.yaml"))


def _facts(node, where, problems, *, require_source=True):
    """Check a list of sourced facts: each has text and events/claims/cite."""
    if not isinstance(node, list) or not node:
        problems.append(f"{where}: must be a non-empty list of facts (each with 'text' and a source)")
        return
    for i, fact in enumerate(node):
        at = f"{where}[{i}]"
        if not isinstance(fact, dict) or not str(fact.get("text", "")).strip():
            problems.append(f"{at}: needs a 'text'")
            continue
        for key in ("events", "claims"):
            if key in fact and not (isinstance(fact[key], list) and all(isinstance(x, str) for x in fact[key])):
                problems.append(f"{at}.{key}: must be a list of ids, e.g. [ev2019_57]")
        if require_source and not (fact.get("events") or fact.get("claims") or str(fact.get("cite", "")).strip()):
            problems.append(f"{at}: has no source: add 'events', 'claims' or 'cite'")
        if "$" in str(fact.get("text", "")):
            problems.append(f"{at}.text: write money as 'US$300 million' or 'USD 300 million', not with a bare '$'")


def _effects(node, where, roles, problems):
    if node is None:
        return
    if not isinstance(node, dict):
        problems.append(f"{where}: must be a mapping like {{cohesion: 5, interests: {{seoul: 3}}}}")
        return
    for key, value in node.items():
        if key == "cohesion":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                problems.append(f"{where}.cohesion: must be a number")
        elif key in MEASURES:
            if not isinstance(value, dict):
                problems.append(f"{where}.{key}: must map roles to numbers")
                continue
            for role, num in value.items():
                if role not in roles:
                    problems.append(f"{where}.{key}.{role}: no such role (roles: {', '.join(roles)})")
                elif not isinstance(num, (int, float)) or isinstance(num, bool):
                    problems.append(f"{where}.{key}.{role}: must be a number")
        else:
            problems.append(f"{where}.{key}: unknown effect (use cohesion, interests, approval)")


def _model_problems(model, rounds, role_ids, p):
    """Check the optional ``model`` block: how the common ally's moves read in lesson 06's model."""
    if model is None:
        return
    if not isinstance(model, dict) or model.get("role") not in role_ids:
        p.append(f"model.role: must name the role whose moves set the perceived US commitment ({', '.join(role_ids)})")
        return
    if not isinstance(model.get("weight"), (int, float)) or isinstance(model.get("weight"), bool):
        p.append("model.weight: must be a number (cohesion points per unit of the model's score)")
    readings = model.get("readings")
    if not isinstance(readings, dict):
        p.append("model.readings: must map rounds to {option: {japan: 0-1, korea: 0-1}}")
        return
    for rnd in rounds:
        if not isinstance(rnd, dict):
            continue
        rid = rnd.get("id")
        valid = [o.get("id") for o in (rnd.get("options") or {}).get(model["role"], []) if isinstance(o, dict)]
        got = readings.get(rid)
        if not isinstance(got, dict) or set(got) != set(valid):
            p.append(f"model.readings.{rid}: must give a reading for each option of {model['role']} ({', '.join(map(str, valid))})")
            continue
        for oid, r in got.items():
            for side in ("japan", "korea"):
                v = r.get(side) if isinstance(r, dict) else None
                if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 <= v <= 1:
                    p.append(f"model.readings.{rid}.{oid}.{side}: must be a number from 0 to 1")


def scenario_problems(data, source="scenario") -> list[str]:
    """Return every problem in scenario ``data`` as '<source>: <field>: <what to fix>'."""
    p: list[str] = []
    if not isinstance(data, dict):
        return [f"{source}: the file must hold a mapping (id, title, roles, rounds, debrief)"]
    for key in ("id", "title", "kind", "summary", "current_to", "minutes", "roles", "rounds", "debrief", "start", "setting"):
        if key not in data:
            p.append(f"missing field '{key}'")
    if data.get("kind") not in (None, *KINDS):
        p.append(f"kind: must be one of {', '.join(KINDS)}, not {data.get('kind')!r}")
    if "current_to" in data and not re.fullmatch(r"\d{4}-\d{2}", str(data["current_to"])):
        p.append("current_to: must be YYYY-MM, e.g. '2026-11'")
    if data.get("kind") == "open" and not str(data.get("premise", "")).strip():
        p.append("premise: an open scenario needs a premise that says plainly it is hypothetical")
    if "setting" in data:
        _facts(data["setting"], "setting", p)
    roles = data.get("roles") or []
    role_ids: list[str] = []
    if not isinstance(roles, list) or not roles:
        p.append("roles: must be a non-empty list")
        roles = []
    for i, role in enumerate(roles):
        at = f"roles[{i}]"
        if not isinstance(role, dict):
            p.append(f"{at}: must be a mapping with id, name, brief")
            continue
        rid = str(role.get("id", ""))
        if not _ID.fullmatch(rid):
            p.append(f"{at}.id: must be a short lower-case id like 'seoul', not {rid!r}")
        elif rid in role_ids:
            p.append(f"{at}.id: '{rid}' is used twice")
        role_ids.append(rid)
        if not str(role.get("name", "")).strip():
            p.append(f"{at}.name: missing")
        brief = role.get("brief")
        if not isinstance(brief, dict):
            p.append(f"{at}.brief: missing, or not a mapping with {', '.join(BRIEF_PARTS)}")
        else:
            for part in BRIEF_PARTS:
                if part not in brief:
                    p.append(f"{at}.brief.{part}: missing")
                else:
                    _facts(brief[part], f"{at}.brief.{part}", p)
        if "advanced_brief" in role:  # additions for the advanced version: any of the parts
            extra = role["advanced_brief"]
            if not isinstance(extra, dict) or not extra or set(extra) - set(BRIEF_PARTS):
                p.append(f"{at}.advanced_brief: must be a mapping of some of {', '.join(BRIEF_PARTS)}")
            else:
                for part, facts in extra.items():
                    _facts(facts, f"{at}.advanced_brief.{part}", p)
    start = data.get("start")
    if start is not None:
        if not isinstance(start, dict) or not isinstance(start.get("cohesion"), (int, float)):
            p.append("start.cohesion: must be a number from 0 to 100")
        else:
            for m in MEASURES:
                vals = start.get(m)
                if not isinstance(vals, dict) or set(vals) != set(role_ids):
                    p.append(f"start.{m}: must give a number for each role ({', '.join(role_ids)})")
    rounds = data.get("rounds") or []
    if not isinstance(rounds, list) or not rounds:
        p.append("rounds: must be a non-empty list")
        rounds = []
    round_ids = []
    for i, rnd in enumerate(rounds):
        at = f"rounds[{i}]"
        if not isinstance(rnd, dict):
            p.append(f"{at}: must be a mapping")
            continue
        rid = str(rnd.get("id", ""))
        round_ids.append(rid)
        if not _ID.fullmatch(rid):
            p.append(f"{at}.id: must be a short lower-case id like 'r1'")
        for key in ("title", "situation"):
            if not str(rnd.get(key, "")).strip():
                p.append(f"{at}.{key}: missing")
        if not isinstance(rnd.get("minutes"), int) or rnd.get("minutes", 0) <= 0:
            p.append(f"{at}.minutes: must be a whole number of minutes")
        opts = rnd.get("options")
        if not isinstance(opts, dict):
            p.append(f"{at}.options: must map each role to its options")
            opts = {}
        for role in role_ids:
            if role not in opts:
                p.append(f"{at}.options.{role}: missing (every role needs options in every round)")
        for role, choices in opts.items():
            oat = f"{at}.options.{role}"
            if role not in role_ids:
                p.append(f"{oat}: no such role (roles: {', '.join(role_ids)})")
                continue
            if not isinstance(choices, list) or len(choices) < 2:
                p.append(f"{oat}: needs at least two options")
                continue
            seen = set()
            for j, opt in enumerate(choices):
                if not isinstance(opt, dict) or not _ID.fullmatch(str(opt.get("id", ""))):
                    p.append(f"{oat}[{j}].id: must be a short lower-case id")
                    continue
                if opt["id"] in seen:
                    p.append(f"{oat}[{j}].id: '{opt['id']}' is used twice")
                seen.add(opt["id"])
                if not str(opt.get("label", "")).strip():
                    p.append(f"{oat}[{j}].label: missing")
                _effects(opt.get("effects"), f"{oat}[{j}].effects", role_ids, p)
        for j, rule in enumerate(rnd.get("rules") or []):
            rat = f"{at}.rules[{j}]"
            if not isinstance(rule, dict):
                p.append(f"{rat}: must be a mapping with id, when, explain, effects")
                continue
            if not str(rule.get("explain", "")).strip():
                p.append(f"{rat}.explain: missing (say in words why this happens)")
            when = rule.get("when")
            if not isinstance(when, dict) or not when:
                p.append(f"{rat}.when: must map roles to lists of option ids")
                continue
            for role, ids in when.items():
                valid = {o.get("id") for o in opts.get(role, []) if isinstance(o, dict)}
                if role not in role_ids:
                    p.append(f"{rat}.when.{role}: no such role")
                elif not isinstance(ids, list) or not ids:
                    p.append(f"{rat}.when.{role}: must be a list of option ids")
                else:
                    for oid in ids:
                        if oid not in valid:
                            p.append(f"{rat}.when.{role}: '{oid}' is not an option of {role} in {rid}")
            _effects(rule.get("effects"), f"{rat}.effects", role_ids, p)
    _model_problems(data.get("model"), rounds, role_ids, p)
    debrief = data.get("debrief")
    if isinstance(debrief, dict):
        if data.get("kind") == "historical":
            _facts(debrief.get("what_happened"), "debrief.what_happened", p)
        if not debrief.get("questions"):
            p.append("debrief.questions: give at least one debrief question")
        for rid_, moves in (debrief.get("historical_moves") or {}).items():
            rnd = next((r for r in rounds if isinstance(r, dict) and r.get("id") == rid_), None)
            if rnd is None:
                p.append(f"debrief.historical_moves.{rid_}: no such round")
                continue
            for role, oid in (moves or {}).items():
                valid = {o.get("id") for o in (rnd.get("options") or {}).get(role, []) if isinstance(o, dict)}
                if oid not in valid:
                    p.append(f"debrief.historical_moves.{rid_}.{role}: '{oid}' is not an option")
        if data.get("kind") == "open":
            rubric = debrief.get("rubric")
            if not isinstance(rubric, list) or not rubric:
                p.append("debrief.rubric: an open scenario needs a rubric (criteria with levels)")
    elif "debrief" in data:
        p.append("debrief: must be a mapping with what_happened/questions")
    return [f"{source}: {x}" for x in p]


def validate_scenario(data_or_path) -> dict:
    """Return the scenario if valid, else raise SimulationError listing every problem."""
    if isinstance(data_or_path, (str, Path)):
        import yaml

        path = scenario_path(data_or_path)
        source = path.name
        if not path.is_file():
            raise SimulationError(
                f"No scenario file {path}. Scenarios available: {', '.join(list_scenarios()) or 'none'}.")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SimulationError(f"{source}: is not valid YAML ({exc}).") from None
    else:
        data, source = data_or_path, "scenario"
    problems = scenario_problems(data, source)
    if problems:
        raise SimulationError("The scenario has problems:\n- " + "\n- ".join(problems))
    return data


def cited_ids(scenario: dict) -> dict[str, set[str]]:
    """Return every events id and claims id the scenario cites, anywhere in it."""
    found = {"events": set(), "claims": set()}

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in found and isinstance(value, list):
                    found[key].update(str(v) for v in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(scenario)
    return found


def missing_references(scenario: dict) -> list[str]:
    """Return 'events id X' / 'claims id X' for each cited id that the datasets lack."""
    from helpers.data import load_dataset
    have = {"events": set(load_dataset("events")["event_id"]), "claims": set(load_dataset("claims")["claim_id"])}
    ids = cited_ids(scenario)
    return [f"{scenario.get('id')}: {kind} id {i} is not in datasets/{kind}.csv"
            for kind in ("events", "claims") for i in sorted(ids[kind] - have[kind])]


def load_scenario(name) -> dict:
    """Load and validate a scenario by id ('gsomia_2019') or path."""
    return validate_scenario(name)


def role(scenario, role_id) -> dict:
    """Return the role ``role_id`` of ``scenario``, or say plainly which roles there are."""
    for r in scenario["roles"]:
        if r["id"] == role_id:
            return r
    raise SimulationError(f"No role '{role_id}' in {scenario['id']}: roles are "
                          f"{', '.join(r['id'] for r in scenario['roles'])}.")
