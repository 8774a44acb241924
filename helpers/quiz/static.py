"""The static copy: a quiz as plain HTML for GitHub, nbviewer and exported notebooks.

Questions and choices are visible; each answer, its feedback and the explanation are
folded inside ``<details>``. Rendered from ``helpers/templates/quiz/static.html``, so
every bank text is escaped.
"""
from __future__ import annotations

from helpers.render import render

_STOPS = (".", "?", "!", ":", ";")


def _choice(c: dict) -> dict:
    text = c["text"].rstrip()
    return {"text": text, "correct": c["correct"], "feedback": c["feedback"],
            "stop": "" if text.endswith(_STOPS) else "."}


def _question(entry: dict) -> dict:
    q = entry["q"]
    out = {"type": q["type"], "prompt": q["prompt"], "explanation": q["explanation"], "see": q["see"]}
    if q["type"] in ("single", "multiple"):
        out["choices"] = [_choice(q["choices"][i]) for i in entry["order"]]
    elif q["type"] == "numeric":
        out.update(unit=q["unit"].strip(), answer=f"{q['answer']:g}",
                   tolerance=f"{q['tolerance']:g}" if q["tolerance"] else "")
    else:
        out.update(shown=entry["shown"], right_order=q["items"])
    return out


def static_html(bank: dict, layout: list[dict]) -> str:
    """Return the quiz as plain HTML: questions visible, answers folded in <details>."""
    return render("quiz/static.html", lesson=bank["lesson"], title=bank["title"],
                  questions=[_question(entry) for entry in layout])
