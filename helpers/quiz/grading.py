"""Grading: :func:`check` turns one answer to one bank question into a :class:`Result`.

It needs no kernel, widgets or files, so a test, a script or the widgets call it alike.

Grading rules
-------------
- single: one choice (its text, or its 0-based index in the bank); score 1 or 0.
- multiple: a list/set of choices (texts or indices). Score =
  (right picks - wrong picks) / number of correct choices, never below 0; it is
  correct only when every right choice and no wrong one is picked.
- numeric: a number, or text such as "87.4", "87,4", "87.4 km", "28,500". Correct when
  ``|answer - value| <= tolerance`` (inclusive; a few units in the last place of the
  numbers compared absorb floating-point error at the edge, so a tolerance of 0 still
  means exactly: 2019.000001 is not 2019). Text: ``1,234,567`` groups thousands; a single comma followed by other
  than three digits is a decimal comma (``87,4``); with both ``,`` and ``.`` the later
  one is the decimal mark. A single comma followed by exactly three digits is ambiguous
  (``0,200`` is 0.2 in much of Europe, ``28,500`` is 28500 in English): a leading ``0``
  makes it decimal, otherwise the reading nearer the size of the question's answer wins,
  and the feedback says how the text was read. Digits of other scripts (full-width
  ``２０１９``, Arabic-Indic) are read as digits, since input methods produce them.
- ordering: a list of all items (texts, or 0-based indices into the bank's ``items``,
  which are stored in the correct order). Score = share of items in the right position.

An answer that cannot be read (nothing chosen, text in a numeric question, an unknown
choice, a repeated item...) gives ``Result(valid=False, score=0)`` with a plain message;
it is never raised. Only a malformed *question* raises :class:`QuizError`.
"""
from __future__ import annotations

import itertools
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

from helpers.errors import QuizError
from helpers.quiz.bank import _normalise, _question_problems, _text_ok

# Floating-point slack at the tolerance edge: a few units in the last place of the numbers
# compared (0.4 - 0.3 is 0.10000000000000003), far below any difference a student types.
_ULPS = 8


@dataclass(frozen=True)
class Result:
    """The outcome of checking one answer.

    ``valid`` is False when the answer could not be read (then score is 0 and feedback
    says what to type); ``given`` is the answer as understood, ready to save.
    """

    correct: bool
    score: float
    feedback: str
    valid: bool = True
    given: object = None


def _unreadable(message: str) -> Result:
    return Result(False, 0.0, message, valid=False)


def _checked_question(question) -> dict:
    problems = _question_problems(question)
    if not problems and not _text_ok(question.get("id")):
        problems = ["missing 'id'"]
    if problems:
        qid = question.get("id", "?") if isinstance(question, dict) else "?"
        raise QuizError(f"Question {qid!r} is malformed: {'; '.join(problems)}.")
    return _normalise(question)


def _is_index(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _choice_index(q: dict, pick):
    """Return the 0-based index of a pick (text or index), or None if it is not a choice."""
    texts = [c["text"] for c in q["choices"]]
    if _is_index(pick):
        return int(pick) if 0 <= int(pick) < len(texts) else None
    if isinstance(pick, str):
        s = pick.strip()
        if s in texts:
            return texts.index(s)
        folded = [t.casefold() for t in texts]
        if s.casefold() in folded:
            return folded.index(s.casefold())
    return None


def _check_single(q: dict, answer) -> Result:
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return _unreadable("Choose one answer, then press Check.")
    if isinstance(answer, (list, tuple, set, frozenset)):
        return _unreadable("Choose only one answer: this question has a single right choice.")
    i = _choice_index(q, answer)
    if i is None:
        return _unreadable("That is not one of the choices. Choose one of the options shown.")
    choice = q["choices"][i]
    right = choice["correct"]
    return Result(right, 1.0 if right else 0.0, choice["feedback"], given=choice["text"])


def _check_multiple(q: dict, answer) -> Result:
    if isinstance(answer, (str, numbers.Integral)) and not isinstance(answer, bool):
        answer = [answer]
    if answer is None or not isinstance(answer, (list, tuple, set, frozenset)) or not answer:
        return _unreadable("Tick at least one box, then press Check.")
    picked = set()
    for pick in answer:
        i = _choice_index(q, pick)
        if i is None:
            return _unreadable(f"{pick!r} is not one of the choices. Tick only the options shown.")
        picked.add(i)
    choices = q["choices"]
    n_correct = sum(c["correct"] for c in choices)
    right = sum(1 for i in picked if choices[i]["correct"])
    wrong = len(picked) - right
    score = max(0.0, (right - wrong) / n_correct)
    missed = n_correct - right
    lines = []
    for i in sorted(picked):
        verdict = "right" if choices[i]["correct"] else "not right"
        lines.append(f"- {choices[i]['text']} ({verdict}): {choices[i]['feedback']}")
    if missed:
        lines.append(f"You missed {missed} correct choice{'s' if missed > 1 else ''}.")
    if wrong:
        lines.append(f"{wrong} of your ticks {'is' if wrong == 1 else 'are'} not right.")
    lines.append("Score rule: (right ticks - wrong ticks) / number of right choices, never below 0.")
    given = [choices[i]["text"] for i in sorted(picked)]
    return Result(missed == 0 and wrong == 0, score, "\n".join(lines), given=given)


_CURRENCY = "$€£¥₩"
_SPACES = "\u00a0\u202f\u2009 _'"


def _parse_number_text(text: str, near: float | None = None) -> tuple[float | None, str]:
    """Split text into (number, trailing unit text); number is None when unreadable.

    ``near`` (the question's answer) settles a single ambiguous ``d,ddd`` comma.
    """
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-").lstrip(_CURRENCY).strip()
    s = "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in s)
    m = re.match(r"^([+-]?)((?:\d|[.,]\d)[\d.,\u00a0\u202f\u2009 _']*)(?:[eE]([+-]?\d+))?", s)
    if not m:
        return None, s
    sign, body, exp = m.group(1), m.group(2), m.group(3)
    rest = s[m.end():].strip()
    body = body.rstrip(_SPACES + ".,") if not re.search(r"\d$", body) else body
    if any(ch in body for ch in _SPACES):
        if not re.fullmatch(r"\d{1,3}([\u00a0\u202f\u2009 _']\d{3})+([.,]\d+)?", body):
            return None, rest
        body = re.sub(r"[\u00a0\u202f\u2009 _']", "", body)
    if "," in body and "." in body:
        dec = "," if body.rfind(",") > body.rfind(".") else "."
        sep = "." if dec == "," else ","
        body = body.replace(sep, "").replace(dec, ".")
    elif "," in body:
        if re.fullmatch(r"\d{1,3},\d{3}", body):
            body = _ambiguous_comma(body, near)
        elif re.fullmatch(r"\d{1,3}(,\d{3})+", body):
            body = body.replace(",", "")
        elif body.count(",") == 1:
            body = body.replace(",", ".")
        else:
            return None, rest
    elif body.count(".") > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", body):
            return None, rest
        body = body.replace(".", "")
    try:
        value = float(f"{sign}{body}" + (f"e{exp}" if exp else ""))
    except ValueError:
        return None, rest
    return (value if math.isfinite(value) else None), rest


def _ambiguous_comma(body: str, near: float | None) -> str:
    """Read "d,ddd" as a decimal or a thousands comma (see the module docstring)."""
    as_decimal, as_thousands = body.replace(",", "."), body.replace(",", "")
    if body.startswith("0") or float(as_thousands) == 0:
        return as_decimal
    if near is None or near == 0:
        return as_thousands

    def distance(reading: str) -> float:
        return abs(math.log10(float(reading)) - math.log10(abs(near)))

    return as_decimal if distance(as_decimal) < distance(as_thousands) else as_thousands


def _read_as(text: str, value: float) -> str:
    """" (read as 0.2)" when the typed text is not simply the number it was read as."""
    plain = text.strip()
    try:
        if float(plain) == value:
            return ""
    except ValueError:
        pass
    return f" (read {plain!r} as {value:g})" if re.search(r"\d,\d{3}(?!\d)", plain) else ""


def _unit_matches(rest: str, q: dict) -> bool:
    def fold(u: str) -> str:
        return re.sub(r"[\s.]+", "", u.casefold())

    said = fold(rest)
    if not said:
        return True
    accepted = {fold(q["unit"])} | {fold(u) for u in q.get("units", [])}
    accepted |= {a + "s" for a in accepted if a and a[-1].isalpha()}
    if "%" in accepted:
        accepted |= {"percent", "percentage", "pc"}
    return said in accepted


def _example_number(q: dict) -> str:
    candidates = (1234, 4321) if abs(q["answer"]) >= 1000 else (12.5, 3.75, 640.0)
    for example in candidates:
        if abs(example - q["answer"]) > q["tolerance"] + 1:
            return f"{example:g}"
    return "0.5"


def _check_numeric(q: dict, answer) -> Result:
    unit = q["unit"].strip()
    in_unit = f" in {unit}" if unit else ""
    hint = f"Type a number{in_unit}, for example {_example_number(q)}."
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return _unreadable(hint)
    if isinstance(answer, bool):
        return _unreadable(hint)
    read_as = ""
    if isinstance(answer, numbers.Real):
        try:
            value = float(answer)
        except (OverflowError, ValueError, TypeError):
            return _unreadable(f"That number is too large to read. {hint}")
        rest, given = "", value
        if not math.isfinite(value):
            return _unreadable(hint)
    elif isinstance(answer, str):
        if len(answer) > 200:
            return _unreadable(f"That answer is too long to be a number. {hint}")
        value, rest = _parse_number_text(answer, near=float(q["answer"]))
        given = answer.strip()
        if value is not None:
            read_as = _read_as(answer, value)
        if value is None:
            return _unreadable(f"{answer.strip()!r} is not a number. {hint}")
        if not _unit_matches(rest, q):
            return _unreadable(
                f"The answer is asked{in_unit or ' as a plain number'}, but you wrote {rest!r}. "
                f"Type just the number, for example {_example_number(q)}."
            )
    else:
        return _unreadable(hint)
    target, tol = float(q["answer"]), float(q["tolerance"])
    slack = tol + _ULPS * math.ulp(max(abs(value), abs(target), tol))
    shown = f"{q['answer']:g}{(' ' + unit) if unit else ''}"
    if abs(value - target) <= slack:
        within = f" (answers within ±{tol:g} count as right)" if tol else ""
        return Result(True, 1.0, f"Right{read_as}: {shown}{within}.", given=given)
    side = "low" if value < target else "high"
    custom = q.get(f"feedback_{side}", "").strip()
    if not custom.casefold().startswith("too "):
        # the verdict must be in words even when the bank's own feedback does not say it
        custom = f"Too {side}. " + (custom or f"Your number is {'below' if side == 'low' else 'above'} the accepted range.")
    if read_as:
        custom = f"{custom} Your answer was{read_as[:-1]})."
    return Result(False, 0.0, custom, given=given)


def _check_ordering(q: dict, answer) -> Result:
    items = q["items"]
    n = len(items)
    if (answer is None or isinstance(answer, (str, bytes, set, frozenset, dict))
            or not hasattr(answer, "__iter__")):
        # a set or a dict of indices has no order to grade
        return _unreadable(f"Put all {n} items in order, one per position, then press Check.")
    answer = list(itertools.islice(answer, n + 1))
    if len(answer) != n:
        # only n + 1 are read (an endless iterator cannot hang the check): more is "more than n"
        gave = f"more than {n}" if len(answer) > n else str(len(answer))
        return _unreadable(f"Put all {n} items in order (you gave {gave}).")
    order = []
    for pick in answer:
        if _is_index(pick) and 0 <= int(pick) < n:
            order.append(int(pick))
        elif isinstance(pick, str) and pick.strip() in items:
            order.append(items.index(pick.strip()))
        elif pick is None:
            return _unreadable("Every position needs an item. Fill the empty position, then press Check.")
        else:
            return _unreadable(f"{pick!r} is not one of the items to order.")
    for i in set(order):
        where = [p + 1 for p, j in enumerate(order) if j == i]
        if len(where) > 1:
            return _unreadable(
                f"{items[i]!r} is in positions {', '.join(map(str, where))}. "
                "Each item must appear exactly once: swap one of them for the missing item."
            )
    right = [p + 1 for p in range(n) if order[p] == p]
    wrong = [p + 1 for p in range(n) if order[p] != p]
    if not wrong:
        feedback = f"All {n} items are in the right order."
    else:
        feedback = (
            f"{len(right)} of {n} in the right position"
            + (f" (positions {', '.join(map(str, right))})" if right else "")
            + f". Look again at position{'s' if len(wrong) > 1 else ''} {', '.join(map(str, wrong))}."
        )
    return Result(not wrong, len(right) / n, feedback, given=[items[i] for i in order])


def check(question: dict, answer) -> Result:
    """Return the Result of answering ``question`` (a bank entry) with ``answer``.

    See the module docstring for what each type accepts and how it is scored. Raises
    QuizError only when the question itself is malformed.
    """
    q = _checked_question(question)
    grade = {
        "single": _check_single,
        "multiple": _check_multiple,
        "numeric": _check_numeric,
        "ordering": _check_ordering,
    }[q["type"]]
    try:
        return grade(q, answer)
    except Exception:  # noqa: BLE001 - any answer object, however broken, is only unreadable
        # An answer object that breaks when read (its repr, iteration or conversion raises,
        # a number too large for a float) is an unreadable answer, not a crash.
        return _unreadable(_UNREADABLE_HINT[q["type"]])


_UNREADABLE_HINT = {
    "single": "That answer could not be read. Choose one of the options shown, then press Check.",
    "multiple": "That answer could not be read. Tick the options you choose, then press Check.",
    "numeric": "That answer could not be read. Type a plain number, then press Check.",
    "ordering": "That answer could not be read. Put the items in order, one per position, then press Check.",
}


