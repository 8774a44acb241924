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


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _date_words(value, precision="day") -> str:
    """An ISO date as a student reads it ("22 August 2019"), only as precise as it is known."""
    year, month, day = (str(value)[:10].split("-") + ["", ""])[:3]
    precision = str(precision or "day").lower()
    if precision.startswith("year") or not month:
        return year
    if precision.startswith("month") or not day:
        return f"{MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}"


_ROWS: dict = {}


def _rows(kind: str) -> dict:
    """The ``events`` or ``claims`` rows by id (read once)."""
    if kind not in _ROWS:
        from helpers.data import load_dataset

        key = "event_id" if kind == "events" else "claim_id"
        _ROWS[kind] = {str(r[key]): r for r in load_dataset(kind).to_dict("records")}
    return _ROWS[kind]


def source_ids(fact) -> str:
    """Where a fact comes from as dataset ids, for instructors: ``events ev2019_57; claims gsomia_2019_01``."""
    bits = [f"{kind} " + ", ".join(fact[kind]) for kind in ("events", "claims") if fact.get(kind)]
    return "; ".join(bits)


def source_text(fact, ids: bool = False) -> str:
    """Where a fact comes from, in words a student can follow.

    An ``events`` id reads as the event's date and title in the course timeline, a
    ``claims`` id as the positions table it belongs to (its topic and aspect), a
    citation as written. With ``ids=True`` the dataset ids follow in brackets, for
    instructors who want to open the rows.
    """
    from helpers.positions import TOPIC_TITLES

    bits = []
    events = _rows("events") if fact.get("events") else {}
    dated = []
    for eid in fact.get("events") or []:
        row = events.get(str(eid))
        dated.append(f"{_date_words(row['date'], row.get('date_precision'))}, {words(row['title'])}"
                     if row else str(eid))
    if dated:
        bits.append("course timeline: " + "; ".join(dated))
    claims = _rows("claims") if fact.get("claims") else {}
    topics: dict[str, list[str]] = {}
    for cid in fact.get("claims") or []:
        row = claims.get(str(cid))
        topic = str(row["topic"]) if row else str(cid)
        title = TOPIC_TITLES.get(topic, topic.replace("_", " "))
        aspects = topics.setdefault(title, [])
        if row and str(row.get("aspect") or "").strip() and row["aspect"] not in aspects:
            aspects.append(words(row["aspect"]))
    for title, aspects in topics.items():
        bits.append(f"positions on {title}" + (f" ({'; '.join(aspects)})" if aspects else ""))
    if fact.get("cite"):
        bits.append(words(fact["cite"]))
    text = "; ".join(bits)
    if ids and source_ids(fact):
        text += f" [{source_ids(fact)}]"
    return text


def fact_line(fact, ids: bool = False) -> str:
    """One sourced fact as a line: its text, then where it comes from in brackets."""
    return f"{words(fact['text'])} (Source: {source_text(fact, ids)})"


def fact_item(fact, ids: bool = False) -> dict:
    """One sourced fact as data for a brief: its text, its sources in words, its dataset ids."""
    return {"text": words(fact["text"]), "sources": source_text(fact, ids), "ids": source_ids(fact)}


def brief(scenario, role_id, level="basic", ids: bool = False) -> dict:
    """Return one role's brief as data: ``{"heading": ..., "parts": [(title, [facts])]}``.

    Each fact is a :func:`fact_item`: its text, its sources in words and its dataset ids.
    """
    r = role(scenario, role_id)
    if level not in ("basic", "advanced"):
        raise SimulationError(f"Brief level must be 'basic' or 'advanced', not {level!r}.")
    extra = r.get("advanced_brief") or {} if level == "advanced" else {}
    title = "Confidential brief" + (" (advanced)" if extra else "")
    gov = str(r.get("government", "")).strip()
    parts = [(PART_TITLES[part], [fact_item(f, ids) for f in list(r["brief"][part]) + list(extra.get(part, []))])
             for part in BRIEF_PARTS]
    return {"heading": f"{title}: {r['name']}" + (f", {gov}" if gov else ""), "parts": parts}


def _line(fact) -> str:
    """A brief's fact as one line (a fact dealt as a plain string stays as it is)."""
    if isinstance(fact, str):
        return fact
    return f"{fact['text']} (Source: {fact['sources']})"


def format_brief(b: dict) -> str:
    """A brief from :func:`brief` as plain text: heading, then each part's facts as a list."""
    lines = [b["heading"], ""]
    for title, facts in b["parts"]:
        lines += [title, *(f"- {_line(fact)}" for fact in facts), ""]
    return "\n".join(lines).rstrip()


def brief_text(scenario, role_id, level="basic", ids: bool = False) -> str:
    """Return one role's confidential brief as plain text, each fact with its source in words.

    ``ids=True`` adds the dataset ids after each source (the instructor's copy).
    """
    return format_brief(brief(scenario, role_id, level, ids))


def setting_text(scenario, ids: bool = False) -> str:
    """Return the scenario's title, summary and setting, each fact with its source in words.

    ``ids=True`` adds the dataset ids after each source (the instructor's copy).
    """
    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    lines = [sc["title"], words(sc["summary"]), ""]
    if sc.get("premise"):
        lines += ["Premise: " + words(sc["premise"]), "", "Background (sourced):"]
    lines += [f"- {fact_line(f, ids)}" for f in sc["setting"]]
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


def debrief_text(scenario, game=None, ids: bool = False) -> str:
    """Return what happened, the teams' moves beside the historical ones (given a game), and the questions.

    Each fact carries its source in words; ``ids=True`` adds the dataset ids (the instructor's copy).
    """
    d = scenario["debrief"]
    lines = []
    if d.get("what_happened"):
        lines.append("What actually happened")
        lines += [f"- {fact_line(f, ids)}" for f in d["what_happened"]]
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
