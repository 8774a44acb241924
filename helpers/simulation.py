"""Classroom simulations: teams play Seoul, Tokyo and Washington through a crisis.

A scenario is data (``datasets/simulations/<id>.yaml``): roles with confidential briefs,
rounds with options per role, rules that say how options combine, and a debrief.
:func:`validate_scenario` checks a scenario and names the file and field of every
problem; :func:`missing_references` lists the ``events``/``claims`` ids a scenario cites
that the datasets do not hold.

How a round resolves (every number is a teaching assumption written in the scenario,
not an estimate): the state holds, from 0 to 100, each role's *interests met*, each
role's *domestic approval* and the *alliance cohesion* of the three. Each chosen option
adds its ``effects``; then every rule of the round whose ``when`` matches the choices
(each listed role chose one of the listed options) adds its ``effects`` and its
``explain`` text, which names the theory it draws on (Putnam's two-level game, the
alliance model of lesson 06). Where the scenario has a ``model`` block, the common ally's
move is read as a perceived US commitment to Japan and to South Korea, lesson 06's
``models.quasi_alliance`` scores it, and cohesion moves by ``weight x score`` (rounded).
Values are clipped to 0-100.

Two ways to play:

- one room: ``game = new_game("gsomia_2019", ["Team A", "Team B", "Team C"])``; the
  instructor enters each team's choice (``game.submit(role, option)`` or
  ``game.move_panel()``), then ``game.resolve()``; ``game.state_table()`` shows the
  running state and ``game.write_record(path)`` saves the game.
- class folder (a JupyterHub with ``ALLIES_CLASS_DIR``): the instructor runs
  ``ClassGame.start(scenario, game, teams)``; each team runs ``join(game)`` in its own
  notebook, which shows only that team's brief and writes its move as its own file in
  ``$ALLIES_CLASS_DIR/simulation/<game>/moves/<round>/`` (atomically, readable by the
  instructors' group only, named like the class folder's progress files). A team's seat
  reads only its own move and resolved rounds; the instructor's ``ClassGame.resolve()``
  reads the moves and publishes the result.
"""
from __future__ import annotations

import html
import json
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from helpers import DATASETS_DIR, class_folder
from helpers.errors import CourseError
from helpers.quiz import store as _progress

SIM_DIR = DATASETS_DIR / "simulations"
MEASURES = ("interests", "approval")
KINDS = ("historical", "open")
BRIEF_PARTS = ("interests", "red_lines", "domestic", "knows")
#: A round's moves folder: owner rwx, group r-x, others -wx, setgid and sticky.
MOVES_DIR_MODE = 0o3753
_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,40}")


class SimulationError(CourseError):
    """A scenario, a move or a game folder that cannot be used, said in plain words."""


# --------------------------------------------------------------------------- scenarios

def scenario_path(name) -> Path:
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


# --------------------------------------------------------------------------- briefs

def _role(scenario, role_id) -> dict:
    for role in scenario["roles"]:
        if role["id"] == role_id:
            return role
    raise SimulationError(f"No role '{role_id}' in {scenario['id']}: roles are "
                          f"{', '.join(r['id'] for r in scenario['roles'])}.")


def _source_text(fact) -> str:
    bits = []
    if fact.get("events"):
        bits.append("events " + ", ".join(fact["events"]))
    if fact.get("claims"):
        bits.append("claims " + ", ".join(fact["claims"]))
    if fact.get("cite"):
        bits.append(str(fact["cite"]))
    return "; ".join(bits)


_PART_TITLES = {"interests": "Interests", "red_lines": "Red lines",
                "domestic": "Domestic constraints", "knows": "What you know"}


def brief_text(scenario, role_id, level="basic") -> str:
    """Return one role's confidential brief as plain text, each fact with its source."""
    role = _role(scenario, role_id)
    if level not in ("basic", "advanced"):
        raise SimulationError(f"Brief level must be 'basic' or 'advanced', not {level!r}.")
    extra = role.get("advanced_brief") or {} if level == "advanced" else {}
    title = "Confidential brief" + (" (advanced)" if extra else "")
    gov = str(role.get("government", "")).strip()
    lines = [f"{title}: {role['name']}" + (f", {gov}" if gov else ""), ""]
    for part in BRIEF_PARTS:
        lines.append(_PART_TITLES[part])
        for fact in list(role["brief"][part]) + list(extra.get(part, [])):
            lines.append(f"- {' '.join(str(fact['text']).split())} [{_source_text(fact)}]")
        lines.append("")
    return "\n".join(lines).rstrip()


def brief_html(scenario, role_id, level="basic") -> str:
    text = brief_text(scenario, role_id, level)
    out, in_list = [], False
    for line in text.splitlines():
        if line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if line.startswith("Confidential brief"):
            out.append(f"<h4>{html.escape(line)}</h4>")
        elif line:
            out.append(f"<p><strong>{html.escape(line)}</strong></p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def setting_text(scenario) -> str:
    """Return the scenario's title, summary and setting, each fact with its source."""
    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    lines = [sc["title"], " ".join(sc["summary"].split()), ""]
    if sc.get("premise"):
        lines += ["Premise: " + " ".join(sc["premise"].split()), "", "Background (sourced):"]
    lines += [f"- {' '.join(f['text'].split())} [{_source_text(f)}]" for f in sc["setting"]]
    return "\n".join(lines)


def round_text(scenario, round_id) -> str:
    """Return one round as the rules read it: each role's options with their effects, then the rules."""
    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    rnd = next((r for r in sc["rounds"] if r["id"] == round_id), None)
    if rnd is None:
        raise SimulationError(f"No round '{round_id}' in {sc['id']}: rounds are {', '.join(r['id'] for r in sc['rounds'])}.")

    def eff(e):
        parts = []
        for key, value in (e or {}).items():
            if key == "cohesion":
                parts.append(f"cohesion {value:+d}")
            else:
                word = "interests" if key == "interests" else "approval"
                parts += [f"{role} {word} {num:+d}" for role, num in value.items()]
        return ", ".join(parts) or "no change"
    lines = [f"{rnd['id']} ({rnd['minutes']} min): {rnd['title']}"]
    for role in (r["id"] for r in sc["roles"]):
        lines.append(f"{_role(sc, role)['name']}:")
        lines += [f"  {o['id']}: {o['label']} ({eff(o.get('effects'))})" for o in rnd["options"][role]]
    lines.append("Rules (added when every listed team chose one of the listed options):")
    for rule in rnd.get("rules") or []:
        cond = " and ".join(f"{role} {'/'.join(ids)}" for role, ids in rule["when"].items())
        lines.append(f"  if {cond}: {eff(rule.get('effects'))}")
    model = sc.get("model")
    if model:
        lines.append(f"Lesson 06's model (cohesion + {model['weight']} x score), {model['role']}'s move read as "
                     "the perceived US commitment to Japan / to South Korea:")
        for oid, r in model["readings"][round_id].items():
            lines.append(f"  {oid}: {r['japan']} / {r['korea']}")
    return "\n".join(lines)


def deal_roles(teams, scenario, seed=None) -> dict[str, str]:
    """Deal one role to each team: ``{team: role_id}``. Teams are shuffled when ``seed`` is given."""
    teams = [str(t).strip() for t in teams]
    roles = [r["id"] for r in scenario["roles"]]
    if len(teams) != len(roles) or len(set(teams)) != len(teams) or not all(teams):
        raise SimulationError(
            f"{scenario['title']} needs {len(roles)} teams with different, non-empty names "
            f"(one for each of {', '.join(roles)}); got {teams}.")
    order = list(teams)
    if seed is not None:
        random.Random(seed).shuffle(order)
    return dict(zip(order, roles))


# --------------------------------------------------------------------------- the game

@dataclass
class RoundResult:
    round_id: str
    title: str
    moves: dict
    rules: list
    state: dict

    def text(self, scenario) -> str:
        rnd = next(r for r in scenario["rounds"] if r["id"] == self.round_id)
        lines = [f"Round {self.round_id}: {self.title}"]
        for role, oid in self.moves.items():
            label = next(o["label"] for o in rnd["options"][role] if o["id"] == oid)
            lines.append(f"- {_role(scenario, role)['name']}: {label}")
        if self.rules:
            lines.append("What followed, and why:")
            for rule in self.rules:
                lines.append(f"- {' '.join(rule['explain'].split())}")
        else:
            lines.append("No combination rule applied: each side's choice counted on its own.")
        return "\n".join(lines)


def _clip(x):
    return max(0, min(100, x))


def _apply(state, effects):
    for key, value in (effects or {}).items():
        if key == "cohesion":
            state["cohesion"] = _clip(state["cohesion"] + value)
        else:
            for role, num in value.items():
                state[key][role] = _clip(state[key][role] + num)


def resolve_moves(scenario, round_id, moves, state) -> RoundResult:
    """Apply one round's ``moves`` ({role: option_id}) to a copy of ``state`` by the rules."""
    rnd = next((r for r in scenario["rounds"] if r["id"] == round_id), None)
    if rnd is None:
        raise SimulationError(f"No round '{round_id}' in {scenario['id']}.")
    roles = [r["id"] for r in scenario["roles"]]
    missing = [r for r in roles if r not in moves]
    if missing:
        raise SimulationError(f"Round {round_id} cannot be resolved yet: no move from {', '.join(missing)}.")
    new = json.loads(json.dumps(state))
    for role in roles:
        opt = _option(scenario, rnd, role, moves[role])
        _apply(new, opt.get("effects"))
    fired = []
    for rule in rnd.get("rules") or []:
        if all(moves[role] in ids for role, ids in rule["when"].items()):
            _apply(new, rule.get("effects"))
            fired.append({"id": rule["id"], "explain": rule["explain"]})
    model = scenario.get("model")
    if model:
        reading = model["readings"][round_id][moves[model["role"]]]
        from helpers.models import quasi_alliance
        pred = quasi_alliance(reading["japan"], reading["korea"])
        score = float(pred.score)
        change = math.floor(model["weight"] * score + 0.5)
        _apply(new, {"cohesion": change})
        fired.append({"id": "model", "explain": (
            f"Lesson 06's model: {_role(scenario, model['role'])['name']}'s move, read as a perceived US "
            f"commitment of {reading['japan']} to Japan and {reading['korea']} to South Korea, gives a score "
            f"of {score:+.2f} ({pred.label}): cohesion {change:+d}.")})
    return RoundResult(round_id, rnd["title"], {r: moves[r] for r in roles}, fired, new)


def _option(scenario, rnd, role, option_id):
    for opt in rnd["options"].get(role, []):
        if opt["id"] == option_id:
            return opt
    valid = ", ".join(o["id"] for o in rnd["options"].get(role, []))
    raise SimulationError(f"'{option_id}' is not an option for {role} in round {rnd['id']}: choose one of {valid}.")


def _start_state(scenario):
    s = scenario["start"]
    return {"cohesion": s["cohesion"], "interests": dict(s["interests"]), "approval": dict(s["approval"])}


def state_frame(scenario, state):
    """Return the running state as a table: one row per side, plus alliance cohesion."""
    import pandas as pd
    rows = [{"side": _role(scenario, r["id"])["name"], "interests met": state["interests"][r["id"]],
             "domestic approval": state["approval"][r["id"]], "alliance cohesion": state["cohesion"]}
            for r in scenario["roles"]]
    return pd.DataFrame(rows)


def state_text(scenario, state) -> str:
    lines = [f"Alliance cohesion: {state['cohesion']}/100"]
    for r in scenario["roles"]:
        lines.append(f"- {r['name']}: interests met {state['interests'][r['id']]}/100, "
                     f"domestic approval {state['approval'][r['id']]}/100")
    return "\n".join(lines)


@dataclass
class Game:
    """One game of a scenario: teams, moves, resolved rounds and the running state."""
    scenario: dict
    teams: dict  # team -> role
    state: dict = field(default_factory=dict)
    results: list = field(default_factory=list)
    pending: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.state:
            self.state = _start_state(self.scenario)

    @property
    def round(self) -> dict | None:
        """The round now being played, or None when every round is resolved."""
        done = len(self.results)
        rounds = self.scenario["rounds"]
        return rounds[done] if done < len(rounds) else None

    @property
    def finished(self) -> bool:
        return self.round is None

    def role_of(self, team) -> str:
        if team in self.teams:
            return self.teams[team]
        if team in self.teams.values():
            return team
        raise SimulationError(f"'{team}' is neither a team ({', '.join(self.teams)}) nor a role in this game.")

    def submit(self, team_or_role, option_id) -> None:
        """Enter a team's choice for the current round (the team's name or its role)."""
        if self.finished:
            raise SimulationError("The game is over: every round is resolved. Start a new game to play again.")
        role = self.role_of(team_or_role)
        _option(self.scenario, self.round, role, option_id)
        self.pending[role] = option_id

    def resolve(self) -> RoundResult:
        """Resolve the current round by the scenario's rules and move to the next."""
        if self.finished:
            raise SimulationError("The game is over: every round is already resolved.")
        result = resolve_moves(self.scenario, self.round["id"], self.pending, self.state)
        self.state = result.state
        self.results.append(result)
        self.pending = {}
        return result

    def state_table(self):
        from helpers.display import table
        return table(state_frame(self.scenario, self.state), caption="Running state (0-100)")

    def state_text(self) -> str:
        return state_text(self.scenario, self.state)

    def record(self) -> dict:
        """Return the whole game as plain data: teams, each round's moves, rules and state."""
        return {"scenario": self.scenario["id"], "title": self.scenario["title"], "teams": dict(self.teams),
                "start": _start_state(self.scenario),
                "rounds": [{"round": r.round_id, "moves": r.moves, "rules": [x["id"] for x in r.rules],
                            "state": r.state} for r in self.results],
                "finished": self.finished}

    def write_record(self, path) -> Path:
        """Write :meth:`record` as JSON to ``path`` atomically; return the path."""
        path = Path(path)
        _progress.write_text_atomic(path, json.dumps(self.record(), indent=2, ensure_ascii=False) + "\n")
        return path

    def debrief_text(self) -> str:
        return debrief_text(self.scenario, self)

    def move_panel(self):
        """Widgets for the instructor: one menu per role, a Resolve button, the outcome."""
        return _move_panel(self)


def new_game(scenario, teams, seed=None) -> Game:
    """Start a one-room game: ``scenario`` (id or dict) and the team names, one per role."""
    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else validate_scenario(scenario)
    return Game(sc, deal_roles(teams, sc, seed))


def debrief_text(scenario, game: Game | None = None) -> str:
    d = scenario["debrief"]
    lines = []
    if d.get("what_happened"):
        lines.append("What actually happened")
        lines += [f"- {' '.join(f['text'].split())} [{_source_text(f)}]" for f in d["what_happened"]]
    hist = d.get("historical_moves") or {}
    if game is not None and hist:
        lines.append("Your moves and the historical ones")
        for res in game.results:
            for role, oid in res.moves.items():
                real = hist.get(res.round_id, {}).get(role)
                if real:
                    same = "same as" if real == oid else "different from"
                    lines.append(f"- {res.round_id}, {_role(scenario, role)['name']}: {oid} ({same} the historical {real})")
        if d.get("historical_note"):
            lines.append(" ".join(d["historical_note"].split()))
    lines.append("Debrief questions")
    lines += [f"- {q}" for q in d["questions"]]
    return "\n".join(lines)


def _text_html(text: str) -> str:
    return "<pre style='white-space:pre-wrap'>" + html.escape(text) + "</pre>"


def _move_panel(game: Game):
    import ipywidgets as w
    from helpers.display import WithFallback
    out = w.Output()
    menus = {}
    box = w.VBox()

    def build():
        rnd = game.round
        if rnd is None:
            menus.clear()
            box.children = [w.HTML("<p>Every round is resolved.</p>"), out]
            return
        menus.clear()
        rows = []
        for role in (r["id"] for r in game.scenario["roles"]):
            menus[role] = w.Dropdown(options=[(o["label"], o["id"]) for o in rnd["options"][role]],
                                     description=_role(game.scenario, role)["name"],
                                     style={"description_width": "initial"}, layout=w.Layout(width="95%"))
            rows.append(menus[role])
        button = w.Button(description=f"Resolve {rnd['id']}", button_style="primary")
        button.on_click(lambda _b: resolve_clicked())
        box.children = [w.HTML(f"<h4>{html.escape(rnd['title'])}</h4><p>{html.escape(rnd['situation'])}</p>"),
                        *rows, button, out]

    def resolve_clicked():
        for role, menu in menus.items():
            game.submit(role, menu.value)
        result = game.resolve()
        with out:
            out.clear_output()
            print(result.text(game.scenario))
            print(game.state_text())
        build()

    build()

    def plain():
        rnd = game.round
        if rnd is None:
            return game.state_text()
        lines = [f"{rnd['title']}: {' '.join(rnd['situation'].split())}"]
        for role, opts in rnd["options"].items():
            lines.append(f"{role}: " + "; ".join(f"{o['id']} = {o['label']}" for o in opts))
        lines.append("Enter each choice with game.submit(role, option_id), then run game.resolve().")
        return "\n".join(lines)
    return WithFallback(box, lambda: _text_html(plain()), plain)


# --------------------------------------------------------------------------- class folder

def _safe(name: str) -> str:
    return class_folder.file_name(name)[: -len(".csv")]


def game_dir(game: str, folder=None) -> Path:
    """Return ``<class folder>/simulation/<game>``; the game name is made safe like a user name."""
    base = Path(folder) if folder is not None else class_folder.class_dir()
    if base is None:
        raise SimulationError(
            f"There is no class folder: {class_folder.ENV_CLASS_DIR} is not set. Play in one room "
            "with new_game(...), or ask the hub's administrator to set the class folder.")
    return base / "simulation" / _safe(game)


def _write_json(path: Path, data, mode=class_folder.MIRROR_MODE):
    path.parent.mkdir(parents=True, exist_ok=True)
    with _progress._locked(path):
        _progress.write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=mode)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise SimulationError(f"{path} cannot be read ({exc}). Ask your instructor.") from None


class ClassGame:
    """The instructor's side of a class-folder game: start it, resolve rounds, show results."""

    def __init__(self, game: str, folder=None):
        self.dir = game_dir(game, folder)
        setup = _read_json(self.dir / "game.json")
        if setup is None:
            raise SimulationError(f"No game '{game}' in {self.dir.parent}: start it with ClassGame.start(...).")
        self.name = game
        self.scenario = load_scenario(setup["scenario"])
        self.teams = setup["teams"]

    @classmethod
    def start(cls, scenario: str, game: str, teams, folder=None, seed=None) -> "ClassGame":
        """Create the game folder, deal the roles and publish who plays whom."""
        sc = load_scenario(scenario)
        dealt = deal_roles(teams, sc, seed)
        d = game_dir(game, folder)
        if (d / "game.json").exists():
            raise SimulationError(f"A game called '{game}' already exists in {d.parent}; choose another name.")
        d.mkdir(parents=True, exist_ok=True)
        # Teams may add files to a round's moves folder but not list it (others: -wx), nor
        # replace another team's file (sticky bit); the instructors' group reads it (setgid).
        for rnd in sc["rounds"]:
            moves = d / "moves" / rnd["id"]
            moves.mkdir(parents=True, exist_ok=True)
            try:
                moves.chmod(MOVES_DIR_MODE)
            except OSError:
                pass
        (d / "resolved").mkdir(exist_ok=True)
        _write_json(d / "game.json", {"scenario": sc["id"], "teams": dealt}, mode=0o644)
        return cls(game, folder)

    def _resolved(self) -> list[dict]:
        out = []
        for rnd in self.scenario["rounds"]:
            data = _read_json(self.dir / "resolved" / f"{rnd['id']}.json")
            if data is None:
                break
            out.append(data)
        return out

    def game(self) -> Game:
        """Rebuild the game so far from the folder (resolved rounds only)."""
        g = Game(self.scenario, dict(self.teams))
        for data in self._resolved():
            g.results.append(RoundResult(data["round"], data["title"], data["moves"], data["rules"], data["state"]))
            g.state = data["state"]
        return g

    def waiting_for(self) -> list[str]:
        """The teams whose move for the current round is not in yet."""
        g = self.game()
        if g.finished:
            return []
        mdir = self.dir / "moves" / g.round["id"]
        return [t for t in self.teams if not (mdir / f"{_safe(t)}.json").exists()]

    def resolve(self) -> RoundResult:
        """Read every team's move for the current round, resolve it and publish the result."""
        g = self.game()
        if g.finished:
            raise SimulationError("The game is over: every round is already resolved.")
        rid = g.round["id"]
        waiting = self.waiting_for()
        if waiting:
            raise SimulationError(f"Round {rid} cannot be resolved yet: no move from {', '.join(waiting)}.")
        for team, role in self.teams.items():
            move = _read_json(self.dir / "moves" / rid / f"{_safe(team)}.json")
            if not isinstance(move, dict) or move.get("team") != team or move.get("round") != rid:
                raise SimulationError(f"The move file of {team} for {rid} is not one this helper wrote; ask the team to submit again.")
            g.submit(role, move.get("option"))
        result = g.resolve()
        _write_json(self.dir / "resolved" / f"{rid}.json",
                    {"round": rid, "title": result.title, "moves": result.moves, "rules": result.rules,
                     "state": result.state}, mode=0o644)
        return result

    def write_record(self, path=None) -> Path:
        return self.game().write_record(path or self.dir / "record.json")


class TeamSeat:
    """A team's side of a class-folder game: its own brief, its own move, resolved rounds.

    It never opens another team's brief or move file: it reads ``game.json`` (who plays
    which role), its own move file and the rounds the instructor has resolved.
    """

    def __init__(self, game: str, team: str | None = None, folder=None, level="basic"):
        self.dir = game_dir(game, folder)
        setup = _read_json(self.dir / "game.json")
        if setup is None:
            raise SimulationError(f"No game '{game}' has been started in the class folder yet. Ask your instructor.")
        self.team = team or class_folder.owner()
        if self.team not in setup["teams"]:
            raise SimulationError(f"'{self.team}' is not a team in game '{game}'. Teams: {', '.join(setup['teams'])}.")
        self.role = setup["teams"][self.team]
        self._scenario = load_scenario(setup["scenario"])
        self.level = level

    def brief(self) -> str:
        """This team's confidential brief, and no one else's."""
        return brief_text(self._scenario, self.role, self.level)

    def resolved(self) -> list[dict]:
        out = []
        for rnd in self._scenario["rounds"]:
            data = _read_json(self.dir / "resolved" / f"{rnd['id']}.json")
            if data is None:
                break
            out.append(data)
        return out

    def current_round(self) -> dict | None:
        done = len(self.resolved())
        rounds = self._scenario["rounds"]
        return rounds[done] if done < len(rounds) else None

    def options(self) -> list[tuple[str, str]]:
        rnd = self.current_round()
        return [] if rnd is None else [(o["id"], o["label"]) for o in rnd["options"][self.role]]

    def submit(self, option_id: str) -> Path:
        """Write this team's move for the current round as its own file (atomically)."""
        rnd = self.current_round()
        if rnd is None:
            raise SimulationError("The game is over: every round is resolved.")
        _option(self._scenario, rnd, self.role, option_id)
        path = self.dir / "moves" / rnd["id"] / f"{_safe(self.team)}.json"
        _write_json(path, {"team": self.team, "role": self.role, "round": rnd["id"], "option": option_id,
                           "at": _progress.now_iso()})
        return path

    def my_move(self):
        rnd = self.current_round()
        if rnd is None:
            return None
        data = _read_json(self.dir / "moves" / rnd["id"] / f"{_safe(self.team)}.json")
        return None if data is None else data.get("option")

    def results_text(self) -> str:
        done = self.resolved()
        if not done:
            return "No round has been resolved yet."
        lines = []
        for data in done:
            res = RoundResult(data["round"], data["title"], data["moves"], data["rules"], data["state"])
            lines.append(res.text(self._scenario))
        lines.append(state_text(self._scenario, done[-1]["state"]))
        return "\n\n".join(lines)

    def move_panel(self):
        """Widgets for the team: its brief, a menu of its options, a Submit button."""
        import ipywidgets as w
        from helpers.display import WithFallback
        out = w.Output()
        rnd = self.current_round()
        if rnd is None:
            box = w.VBox([w.HTML(_text_html(self.results_text()))])
        else:
            menu = w.Dropdown(options=[(label, oid) for oid, label in self.options()], layout=w.Layout(width="95%"))
            button = w.Button(description="Submit our move", button_style="primary")

            def click(_b):
                with out:
                    out.clear_output()
                    try:
                        self.submit(menu.value)
                        print(f"Move saved for {rnd['id']}: {menu.value}. You can change it until the instructor resolves the round.")
                    except CourseError as exc:
                        print(exc)
            button.on_click(click)
            box = w.VBox([w.HTML(brief_html(self._scenario, self.role, self.level)),
                          w.HTML(f"<h4>{html.escape(rnd['title'])}</h4>"), menu, button, out])

        def plain():
            r = self.current_round()
            if r is None:
                return self.results_text()
            opts = "; ".join(f"{oid} = {label}" for oid, label in self.options())
            return f"{self.brief()}\n\n{r['title']}\nOptions: {opts}\nSubmit with seat.submit(option_id)."
        return WithFallback(box, lambda: _text_html(plain()), plain)


def join(game: str, team: str | None = None, folder=None, level="basic") -> TeamSeat:
    """Join a class-folder game as ``team`` (default: your hub user name)."""
    return TeamSeat(game, team, folder, level)
