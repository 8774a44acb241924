"""The scenario in words: briefs, setting, rounds and debrief, each fact with its source."""
from __future__ import annotations

from pathlib import Path

from helpers.simulation.scenarios import (
    BRIEF_PARTS,
    SimulationError,
    load_scenario,
    role,
)

PART_TITLES = {"interests": "Interests", "red_lines": "Red lines",
               "domestic": "Domestic constraints", "knows": "What you know"}


def words(text) -> str:
    """``text`` on one line, runs of white space (YAML's folded lines) made single spaces."""
    return " ".join(str(text).split())


def source_text(fact) -> str:
    """Return where a fact comes from: its events and claims ids and its citation."""
    bits = []
    if fact.get("events"):
        bits.append("events " + ", ".join(fact["events"]))
    if fact.get("claims"):
        bits.append("claims " + ", ".join(fact["claims"]))
    if fact.get("cite"):
        bits.append(str(fact["cite"]))
    return "; ".join(bits)


def fact_line(fact) -> str:
    """One sourced fact as a line: its text, then its sources in brackets."""
    return f"{words(fact['text'])} [{source_text(fact)}]"


def brief(scenario, role_id, level="basic") -> dict:
    """Return one role's brief as data: ``{"heading": ..., "parts": [(title, [fact lines])]}``."""
    r = role(scenario, role_id)
    if level not in ("basic", "advanced"):
        raise SimulationError(f"Brief level must be 'basic' or 'advanced', not {level!r}.")
    extra = r.get("advanced_brief") or {} if level == "advanced" else {}
    title = "Confidential brief" + (" (advanced)" if extra else "")
    gov = str(r.get("government", "")).strip()
    parts = [(PART_TITLES[part], [fact_line(f) for f in list(r["brief"][part]) + list(extra.get(part, []))])
             for part in BRIEF_PARTS]
    return {"heading": f"{title}: {r['name']}" + (f", {gov}" if gov else ""), "parts": parts}


def format_brief(b: dict) -> str:
    """A brief from :func:`brief` as plain text: heading, then each part's facts as a list."""
    lines = [b["heading"], ""]
    for title, facts in b["parts"]:
        lines += [title, *(f"- {line}" for line in facts), ""]
    return "\n".join(lines).rstrip()


def brief_text(scenario, role_id, level="basic") -> str:
    """Return one role's confidential brief as plain text, each fact with its source."""
    return format_brief(brief(scenario, role_id, level))


def setting_text(scenario) -> str:
    """Return the scenario's title, summary and setting, each fact with its source."""
    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    lines = [sc["title"], words(sc["summary"]), ""]
    if sc.get("premise"):
        lines += ["Premise: " + words(sc["premise"]), "", "Background (sourced):"]
    lines += [f"- {fact_line(f)}" for f in sc["setting"]]
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
                parts += [f"{rid} {word} {num:+d}" for rid, num in value.items()]
        return ", ".join(parts) or "no change"
    lines = [f"{rnd['id']} ({rnd['minutes']} min): {rnd['title']}"]
    for rid in (r["id"] for r in sc["roles"]):
        lines.append(f"{role(sc, rid)['name']}:")
        lines += [f"  {o['id']}: {o['label']} ({eff(o.get('effects'))})" for o in rnd["options"][rid]]
    lines.append("Rules (added when every listed team chose one of the listed options):")
    for rule in rnd.get("rules") or []:
        cond = " and ".join(f"{rid} {'/'.join(ids)}" for rid, ids in rule["when"].items())
        lines.append(f"  if {cond}: {eff(rule.get('effects'))}")
    model = sc.get("model")
    if model:
        lines.append(f"Lesson 06's model (cohesion + {model['weight']} x score), {model['role']}'s move read as "
                     "the perceived US commitment to Japan / to South Korea:")
        for oid, r in model["readings"][round_id].items():
            lines.append(f"  {oid}: {r['japan']} / {r['korea']}")
    return "\n".join(lines)


def debrief_text(scenario, game=None) -> str:
    """Return what happened, the teams' moves beside the historical ones (given a game), and the questions."""
    d = scenario["debrief"]
    lines = []
    if d.get("what_happened"):
        lines.append("What actually happened")
        lines += [f"- {fact_line(f)}" for f in d["what_happened"]]
    hist = d.get("historical_moves") or {}
    if game is not None and hist:
        lines.append("Your moves and the historical ones")
        for res in game.results:
            for rid, oid in res.moves.items():
                real = hist.get(res.round_id, {}).get(rid)
                if real:
                    same = "same as" if real == oid else "different from"
                    lines.append(f"- {res.round_id}, {role(scenario, rid)['name']}: {oid} ({same} the historical {real})")
        if d.get("historical_note"):
            lines.append(words(d["historical_note"]))
    lines.append("Debrief questions")
    lines += [f"- {q}" for q in d["questions"]]
    return "\n".join(lines)
