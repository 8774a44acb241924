"""Display order: which questions a quiz shows, and in what order their choices and items come.

Shared by the widgets and the static copy, so both show the same order. Choices keep the
bank's order unless shuffled from a seed; ordering items are always scrambled in a fixed
way that is never already the right order.
"""
from __future__ import annotations

import random

from helpers.errors import QuizError


def _choice_order(q: dict, rng: random.Random | None) -> list[int]:
    order = list(range(len(q["choices"])))
    if rng is not None and q.get("shuffle", True):
        rng.shuffle(order)
    return order


def scrambled_items(q: dict, lesson: str, seed=None) -> list[str]:
    """Return the ordering question's items in the order shown: fixed, never already solved."""
    items = list(q["items"])
    rng = random.Random(f"order:{lesson}:{q['id']}:{'' if seed is None else seed}")
    shown = items[:]
    rng.shuffle(shown)
    if shown == items:
        shown = shown[1:] + shown[:1]
    return shown


def _layout(bank: dict, ids, shuffle: bool, seed) -> list[dict]:
    """Return the questions to show, each with its display order of choices or items."""
    questions = bank["questions"]
    if ids is not None:
        if not isinstance(ids, (str, list, tuple)) or not all(isinstance(i, str) for i in ([ids] if isinstance(ids, str) else ids)):
            raise QuizError(
                f"ids= takes a question id or a list of them (text), for example ids=['{questions[0]['id']}']; "
                f"got {type(ids).__name__}."
            )
        ids = [ids] if isinstance(ids, str) else list(ids)
        known = {q["id"]: q for q in questions}
        missing = [i for i in ids if i not in known]
        if missing:
            raise QuizError(
                f"Lesson {bank['lesson']} has no question {', '.join(map(repr, missing))}. "
                f"Its ids are: {', '.join(known)}."
            )
        questions = [known[i] for i in ids]
    if shuffle and seed is None:
        seed = 0
    out = []
    for q in questions:
        entry = {"q": q}
        if q["type"] in ("single", "multiple"):
            rng = random.Random(f"choices:{bank['lesson']}:{q['id']}:{seed}") if shuffle else None
            entry["order"] = _choice_order(q, rng)
        elif q["type"] == "ordering":
            entry["shown"] = scrambled_items(q, bank["lesson"], seed if shuffle else None)
        out.append(entry)
    return out


