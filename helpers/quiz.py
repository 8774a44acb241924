"""Quizzes from the question banks: grading, quiz widgets, a static copy, saved progress.

A lesson cell only says which bank to show, so no answer is ever in a notebook::

    from helpers import quiz
    quiz.show("03")

Parts, top to bottom:

- banks: :func:`load_bank`, :func:`validate_bank` (format in ``docs/architecture.md``);
- grading: :func:`check` gives a :class:`Result`; it needs no kernel or widgets;
- display: :func:`show` builds the widgets *and* a static HTML copy (answers folded
  inside ``<details>``) that GitHub, nbviewer and exported HTML show instead;
- progress: :func:`progress`, :func:`export_progress`, :func:`reset_progress`
  (storage lives in :mod:`helpers._progress`).

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

ipywidgets, yaml and matplotlib are imported inside the functions that need them.
"""
from __future__ import annotations

import html
import itertools
import math
import numbers
import os
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import helpers
from helpers import _progress
from helpers.errors import ProgressError, QuizError

__all__ = [
    "Result",
    "check",
    "export_progress",
    "load_bank",
    "progress",
    "progress_table",
    "reset_progress",
    "show",
    "validate_bank",
]

TYPES = ("single", "multiple", "numeric", "ordering")
_COMMON_KEYS = {"id", "type", "prompt", "explanation", "see"}
_KEYS = {
    "single": _COMMON_KEYS | {"choices", "shuffle"},
    "multiple": _COMMON_KEYS | {"choices", "shuffle"},
    "numeric": _COMMON_KEYS | {"answer", "tolerance", "unit", "units", "feedback_low", "feedback_high"},
    "ordering": _COMMON_KEYS | {"items"},
}
# Floating-point slack at the tolerance edge: a few units in the last place of the numbers
# compared (0.4 - 0.3 is 0.10000000000000003), far below any difference a student types.
_ULPS = 8


# --------------------------------------------------------------------------- banks

def _shown_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(helpers.COURSE_DIR))
    except ValueError:
        return str(path)


def _bank_path(lesson) -> Path:
    if isinstance(lesson, Path):
        return lesson
    text = str(lesson).strip()
    if re.fullmatch(r"\d{1,2}", text):
        return helpers.QUIZ_DIR / f"{int(text):02d}.yaml"
    if text.endswith((".yaml", ".yml")) or "/" in text:
        return Path(text)
    raise QuizError(
        f"'{lesson}' is not a lesson number. Use the two-digit lesson number, for example show(\"03\")."
    )


def _read_yaml(path: Path):
    import yaml

    if not path.exists():
        have = sorted(p.stem for p in helpers.QUIZ_DIR.glob("*.yaml"))
        raise QuizError(
            f"No question bank at {_shown_path(path)}. "
            f"Banks that exist: {', '.join(have) or 'none'}. Check the lesson number."
        )
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise QuizError(
            f"{_shown_path(path)}: the YAML cannot be read{where} ({problem}). "
            "Fix the indentation or quoting there (text with ': ' or '#' needs quotes)."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizError(f"{_shown_path(path)} cannot be read ({exc}). Save it as UTF-8 text.") from exc


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _text_ok(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _question_problems(q) -> list[str]:
    """Return what is wrong with one question, as fix-it sentences (empty when fine)."""
    if not isinstance(q, dict):
        return ["each question must be a mapping with id, type, prompt, ... (found a plain value)"]
    out = []
    qtype = q.get("type")
    if qtype not in TYPES:
        return [f"unknown type {qtype!r}: use one of {', '.join(TYPES)}"]
    for key in ("prompt", "explanation", "see"):
        if not _text_ok(q.get(key)):
            out.append(f"missing '{key}': add a non-empty text")
    unknown = set(q) - _KEYS[qtype]
    if unknown:
        out.append(
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))} for a {qtype} question "
            f"(allowed: {', '.join(sorted(_KEYS[qtype]))}); check the spelling"
        )
    if qtype in ("single", "multiple"):
        choices = q.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            out.append("'choices' must be a list of at least two choices")
            return out
        texts = []
        for n, c in enumerate(choices, 1):
            if not isinstance(c, dict):
                out.append(f"choice {n} must be a mapping {{text, correct, feedback}}")
                continue
            if not _text_ok(c.get("text")):
                out.append(f"choice {n} has no 'text'")
            texts.append(str(c.get("text", "")).strip())
            if not isinstance(c.get("correct"), bool):
                out.append(f"choice {n} needs 'correct: true' or 'correct: false'")
            if not _text_ok(c.get("feedback")):
                out.append(f"choice {n} ({c.get('text')!r}) has no 'feedback': say why it is right or wrong")
            extra = set(c) - {"text", "correct", "feedback"}
            if extra:
                out.append(f"choice {n} has unknown key(s) {', '.join(sorted(map(str, extra)))}")
        dupes = sorted({t for t in texts if t and texts.count(t) > 1})
        if dupes:
            out.append(f"choice text repeated: {dupes[0]!r}; every choice needs its own text")
        n_right = sum(1 for c in choices if isinstance(c, dict) and c.get("correct") is True)
        if qtype == "single" and n_right != 1:
            out.append(
                f"a single-choice question needs exactly one correct choice (found {n_right}); "
                "fix 'correct', or make it type: multiple"
            )
        if qtype == "multiple" and n_right < 1:
            out.append("a multiple-choice question needs at least one correct choice (found none)")
        if "shuffle" in q and not isinstance(q["shuffle"], bool):
            out.append("'shuffle' must be true or false")
    elif qtype == "numeric":
        for key in ("answer", "tolerance"):
            if key not in q:
                out.append(f"missing '{key}': add a number")
            elif not _is_number(q[key]):
                out.append(f"'{key}' must be a number, found {q[key]!r} (write e.g. 1.0, without quotes or units)")
        if _is_number(q.get("tolerance")) and q["tolerance"] < 0:
            out.append("'tolerance' cannot be negative")
        if not isinstance(q.get("unit"), str):
            out.append("missing 'unit': give the unit as text, e.g. unit: km (use unit: \"\" for none)")
        for key in ("feedback_low", "feedback_high"):
            if key in q and not _text_ok(q[key]):
                out.append(f"'{key}' must be a non-empty text when given")
        units = q.get("units", [])
        if not isinstance(units, list) or not all(_text_ok(u) for u in units):
            out.append("'units' must be a list of other accepted spellings of the unit")
    elif qtype == "ordering":
        items = q.get("items")
        if not isinstance(items, list) or len(items) < 2:
            out.append("'items' must be a list of at least two items, in the correct order")
        elif not all(_text_ok(i) or _is_number(i) for i in items):
            out.append("every entry in 'items' must be a non-empty text")
        else:
            texts = [str(i).strip() for i in items]
            if len(set(texts)) != len(texts):
                out.append("'items' repeats an entry; every item must be different")
    return out


def _normalise(q: dict) -> dict:
    q = dict(q)
    q["id"] = str(q["id"]).strip()
    if q["type"] in ("single", "multiple"):
        q["choices"] = [dict(c, text=str(c["text"]).strip()) for c in q["choices"]]
    if q["type"] == "ordering":
        q["items"] = [str(i).strip() for i in q["items"]]
    return q


def validate_bank(data_or_path) -> dict:
    """Return the bank checked and tidied; raise QuizError listing every problem found.

    ``data_or_path``: a parsed bank (dict), a path to a YAML file, or a lesson number
    such as ``"03"``. Each problem names the file, the question id and what to fix.
    """
    if isinstance(data_or_path, dict):
        data, where = data_or_path, "question bank"
        expected_lesson = None
    else:
        path = _bank_path(data_or_path)
        data, where = _read_yaml(path), _shown_path(path)
        expected_lesson = path.stem if re.fullmatch(r"\d{2}", path.stem) else None
    if not isinstance(data, dict):
        raise QuizError(f"{where}: a bank must be a mapping with 'lesson', 'title' and 'questions'.")
    problems = []
    lesson = data.get("lesson")
    if isinstance(lesson, int) and not isinstance(lesson, bool):
        lesson = f"{lesson:02d}"
    if not _text_ok(lesson):
        problems.append("missing 'lesson': add the lesson number in quotes, e.g. lesson: \"03\"")
    elif expected_lesson and str(lesson).strip() != expected_lesson:
        problems.append(f"'lesson' is {lesson!r} but the file is {expected_lesson}.yaml; make them agree")
    if not _text_ok(data.get("title")):
        problems.append("missing 'title': add the lesson title")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        problems.append("'questions' must be a non-empty list")
        questions = []
    seen = {}
    for n, q in enumerate(questions, 1):
        qid = q.get("id") if isinstance(q, dict) else None
        label = f"question {qid!r} (number {n})" if _text_ok(qid) else f"question number {n}"
        if not _text_ok(qid):
            problems.append(f"{label}: missing 'id': give it a short unique id such as islets-km")
        elif str(qid).strip() in seen:
            problems.append(
                f"{label}: duplicate id, also used by question number {seen[str(qid).strip()]}; ids must be unique"
            )
        else:
            seen[str(qid).strip()] = n
        problems += [f"{label}: {p}" for p in _question_problems(q)]
    if problems:
        shown = problems[:12] + ([f"... and {len(problems) - 12} more"] if len(problems) > 12 else [])
        raise QuizError(f"{where} has {len(problems)} problem(s):\n- " + "\n- ".join(shown))
    return {
        "lesson": str(lesson).strip(),
        "title": str(data["title"]).strip(),
        "questions": [_normalise(q) for q in questions],
    }


_BANK_CACHE: dict[Path, tuple[int, dict]] = {}


def load_bank(lesson) -> dict:
    """Return lesson's validated bank (``"03"``, 3 or a path); cached until the file changes."""
    path = _bank_path(lesson)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    cached = _BANK_CACHE.get(path)
    if stamp is not None and cached and cached[0] == stamp:
        return cached[1]
    bank = validate_bank(path)
    if stamp is not None:
        _BANK_CACHE[path] = (stamp, bank)
    return bank


# --------------------------------------------------------------------------- grading

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
        return _unreadable(f"Put all {n} items in order (you gave {len(answer)}).")
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


# --------------------------------------------------------------------------- display order

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


# --------------------------------------------------------------------------- static copy

def _esc(text) -> str:
    return html.escape(str(text))


def static_html(bank: dict, layout: list[dict]) -> str:
    """Return the quiz as plain HTML: questions visible, answers folded in <details>."""
    parts = [
        '<div class="allies-quiz-static">',
        f"<h3>Quiz: lesson {_esc(bank['lesson'])}, {_esc(bank['title'])}</h3>",
        "<p><em>Read-only copy. Run the notebook in Jupyter to answer and check these "
        "questions; here each answer is folded under its question.</em></p>",
        "<ol>",
    ]
    for entry in layout:
        q = entry["q"]
        parts.append(f"<li><p>{_esc(q['prompt'])}</p>")
        answer = []
        if q["type"] in ("single", "multiple"):
            how = "Choose one:" if q["type"] == "single" else "Choose every answer that applies:"
            parts.append(f"<p><em>{how}</em></p><ul>")
            parts += [f"<li>{_esc(q['choices'][i]['text'])}</li>" for i in entry["order"]]
            parts.append("</ul>")
            answer.append("<ul>")
            for i in entry["order"]:
                c = q["choices"][i]
                verdict = "Right" if c["correct"] else "Not right"
                text = c["text"].rstrip()
                stop = "" if text.endswith((".", "?", "!", ":", ";")) else "."
                answer.append(f"<li><strong>{verdict}:</strong> {_esc(text)}{stop} {_esc(c['feedback'])}</li>")
            answer.append("</ul>")
        elif q["type"] == "numeric":
            unit = f" ({_esc(q['unit'])})" if q["unit"].strip() else ""
            parts.append(f"<p><em>Answer with a number{unit}.</em></p>")
            tol = f", accepted within ±{q['tolerance']:g}" if q["tolerance"] else ""
            shown = f"{q['answer']:g} {_esc(q['unit'])}".strip()
            answer.append(f"<p><strong>Answer:</strong> {shown}{tol}.</p>")
        else:
            parts.append("<p><em>Put these in the right order:</em></p><ul>")
            parts += [f"<li>{_esc(item)}</li>" for item in entry["shown"]]
            parts.append("</ul>")
            answer.append("<p><strong>Right order:</strong></p><ol>")
            answer += [f"<li>{_esc(item)}</li>" for item in q["items"]]
            answer.append("</ol>")
        parts.append(
            "<details><summary>Show the answer and explanation</summary>"
            + "".join(answer)
            + f"<p><strong>Explanation:</strong> {_esc(q['explanation'])}</p>"
            + f"<p><strong>See:</strong> {_esc(q['see'])}</p></details></li>"
        )
    parts.append("</ol></div>")
    return "\n".join(parts)


# --------------------------------------------------------------------------- widgets

class _SelfDisplaying:
    """Shown once per cell whether it is the cell's last line or displayed earlier.

    :func:`show` displays the object at once (so it appears even when it is not the last
    line) and returns it; the cell's own display of the returned value is then skipped.
    """

    _shown_in = None

    def _ipython_display_(self):
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        count = getattr(shell, "execution_count", None)
        if shell is not None and count is not None and self._shown_in == count:
            return
        self._shown_in = count
        display(self._repr_mimebundle_(), raw=True)

    def _display_now(self):
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
        if shell is not None and getattr(shell, "kernel", None) is not None:
            self._ipython_display_()


def _feedback_html(result: Result) -> str:
    if not result.valid:
        word, colour = "Answer not read.", "#6b7280"
    elif result.correct:
        word, colour = "Correct.", "#15803d"
    elif result.score > 0:
        word, colour = "Partly correct.", "#b45309"
    else:
        word, colour = "Not correct.", "#b91c1c"
    score = f" Score {result.score:.2g} of 1." if result.valid else ""
    lines = [_esc(line) for line in result.feedback.splitlines() if line.strip()]
    return (
        f'<div role="status" aria-live="polite" style="border-left:4px solid {colour};'
        f'padding:0.2em 0.8em;margin:0.3em 0">'
        f"<strong>{word}</strong>{score}<br>" + "<br>".join(lines) + "</div>"
    )


class QuestionView:
    """One question's widgets; kept as attributes so tests can drive them without a browser."""

    def __init__(self, quiz: "QuizView", number: int, entry: dict):
        import ipywidgets as w

        self.quiz, self.number, self.q = quiz, number, entry["q"]
        self.entry = entry
        self.attempts = 0
        self.last: Result | None = None
        q, total = self.q, len(quiz.layout)
        self.prompt = w.HTML(f"<p><strong>Question {number} of {total}.</strong> {_esc(q['prompt'])}</p>")
        self.checkboxes, self.dropdowns, self.radio, self.text = [], [], None, None
        wide = w.Layout(width="auto", max_width="100%")
        if q["type"] == "single":
            self.radio = w.RadioButtons(
                options=[q["choices"][i]["text"] for i in entry["order"]], value=None,
                description="Answer:", tooltip=f"Choose one answer to question {number}", layout=wide,
            )
            self.control = self.radio
        elif q["type"] == "multiple":
            self.checkboxes = [
                w.Checkbox(value=False, description=q["choices"][i]["text"], indent=False,
                           tooltip=f"Tick if this answers question {number}", layout=wide)
                for i in entry["order"]
            ]
            self.control = w.VBox([w.HTML("<em>Tick every answer that applies.</em>"), *self.checkboxes])
        elif q["type"] == "numeric":
            unit = q["unit"].strip()
            self.text = w.Text(
                value="", description=f"Answer{f' ({unit})' if unit else ''}:",
                placeholder=f"a number, e.g. {_example_number(q)}",
                tooltip=f"Type a number{f' in {unit}' if unit else ''} for question {number}",
                continuous_update=False, style={"description_width": "initial"},
            )
            self.control = self.text
        else:
            n = len(q["items"])
            self.dropdowns = [
                w.Dropdown(options=entry["shown"], value=entry["shown"][k], description=f"Position {k + 1}:",
                           tooltip=f"Choose the item that goes in position {k + 1} of {n}",
                           style={"description_width": "initial"}, layout=w.Layout(width="auto"))
                for k in range(n)
            ]
            listing = "".join(f"<li>{_esc(item)}</li>" for item in entry["shown"])
            self.control = w.VBox([
                w.HTML(f"<p><em>The items, in a scrambled order:</em></p><ul>{listing}</ul>"
                       "<p><em>Choose one item for each position; position 1 comes first and each "
                       "item is used once.</em></p>"),
                *self.dropdowns,
            ])
        fit = {"layout": w.Layout(width="auto")}  # never clip a button's words on narrow screens
        self.check_button = w.Button(description="Check", button_style="primary", icon="check", **fit,
                                     tooltip=f"Check your answer to question {number}")
        self.retry_button = w.Button(description="Try again", icon="undo", **fit,
                                     tooltip=f"Clear your answer to question {number} and try again")
        self.explain_button = w.Button(description="Show explanation", icon="info", disabled=True, **fit,
                                       tooltip=f"Show why, after you have checked an answer to question {number}")
        self.feedback = w.HTML("")
        self.explanation = w.HTML("")
        self.check_button.on_click(lambda _b: self.check())
        self.retry_button.on_click(lambda _b: self.reset())
        self.explain_button.on_click(lambda _b: self.toggle_explanation())
        self.box = w.VBox(
            [self.prompt, self.control,
             w.HBox([self.check_button, self.retry_button, self.explain_button]),
             self.feedback, self.explanation],
            layout=w.Layout(border="1px solid #d1d5db", padding="0.4em 0.8em", margin="0.4em 0"),
        )

    def answer(self):
        """Return the answer currently entered in the controls."""
        if self.radio is not None:
            return self.radio.value
        if self.checkboxes:
            return [c.description for c in self.checkboxes if c.value]
        if self.text is not None:
            return self.text.value
        return [d.value for d in self.dropdowns]

    def check(self) -> Result:
        result = check(self.q, self.answer())
        self.feedback.value = _feedback_html(result)
        if result.valid:
            self.attempts += 1
            self.last = result
            self.explain_button.disabled = False
            self.quiz._record(self, result)
        return result

    def reset(self):
        if self.radio is not None:
            self.radio.value = None
        for c in self.checkboxes:
            c.value = False
        if self.text is not None:
            self.text.value = ""
        for k, d in enumerate(self.dropdowns):
            d.value = self.entry["shown"][k]
        self.feedback.value = ""
        self.explanation.value = ""
        self.explain_button.description = "Show explanation"

    def toggle_explanation(self):
        if self.explanation.value:
            self.explanation.value = ""
            self.explain_button.description = "Show explanation"
            return
        self.explanation.value = (
            '<div role="note" style="background:#f3f4f6;padding:0.3em 0.8em">'
            f"<strong>Explanation.</strong> {_esc(self.q['explanation'])}<br>"
            f"<strong>See:</strong> {_esc(self.q['see'])}</div>"
        )
        self.explain_button.description = "Hide explanation"


class QuizView(_SelfDisplaying):
    """A lesson's quiz: live widgets plus a static HTML copy in the same display bundle."""

    def __init__(self, bank: dict, layout: list[dict]):
        import ipywidgets as w

        self.bank, self.layout = bank, layout
        self.lesson = bank["lesson"]
        self.title = w.HTML(f"<h3>Quiz: lesson {_esc(self.lesson)}, {_esc(bank['title'])}</h3>")
        self.notice = w.HTML("")
        self.score_line = w.HTML("")
        self.questions = [QuestionView(self, n, entry) for n, entry in enumerate(layout, 1)]
        self._update_score()
        # Long choices must wrap rather than be cut off on narrow screens (labels default to nowrap).
        # ipywidgets puts the radio input after the label text and floats it left, so a
        # wrapped choice showed its first line above the button: lay labels out as flex rows
        # with the input first.
        style = w.HTML(
            "<style>.allies-quiz .widget-radio-box label, .allies-quiz .widget-checkbox label,"
            " .allies-quiz .widget-checkbox .widget-label-basic span"
            " {white-space: normal; height: auto; line-height: 1.3; overflow: visible}"
            " .allies-quiz .widget-radio-box label {display: flex; align-items: flex-start; gap: 0.4em;"
            " margin-bottom: 0.3em}"
            " .allies-quiz .widget-radio-box input {order: -1; float: none; flex: none; margin: 0.15em 0 0 1px}"
            "</style>"
        )
        self.widget = w.VBox([style, self.title, *[qv.box for qv in self.questions], self.score_line, self.notice])
        self.widget.add_class("allies-quiz")

    def _record(self, qv: QuestionView, result: Result):
        self._update_score()
        report = _progress.append({
            "lesson": self.lesson, "question_id": qv.q["id"], "type": qv.q["type"],
            "score": round(float(result.score), 4), "correct": bool(result.correct),
            "answer": result.given,
        })
        if report.notice:
            self.notice.value = f'<p role="status"><strong>Note:</strong> {_esc(report.notice)}</p>'

    def _update_score(self):
        done = [qv.last for qv in self.questions if qv.last is not None]
        points = sum(r.score for r in done)
        self.score_line.value = (
            f'<p role="status"><strong>Quiz score: {points:.3g} of {len(self.questions)}</strong> '
            f"({len(done)} of {len(self.questions)} questions checked; each counts its latest check).</p>"
        )

    @property
    def score(self) -> float:
        return sum(qv.last.score for qv in self.questions if qv.last is not None)

    def static_html(self) -> str:
        return static_html(self.bank, self.layout)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from helpers.display import WithFallback

        plain = (f"Quiz for lesson {self.lesson} ({len(self.questions)} questions). "
                 "Open the notebook in Jupyter to answer.")
        return WithFallback(self.widget, self.static_html, plain)._repr_mimebundle_(include, exclude)

    def __repr__(self):
        return f"<QuizView lesson {self.lesson}: {len(self.questions)} questions>"


def show(lesson, ids=None, shuffle: bool = False, seed=None) -> QuizView:
    """Show lesson's quiz (or the questions ``ids``) and return it.

    Choices keep the bank's order unless ``shuffle=True``; then they are shuffled
    reproducibly from ``seed`` (0 when not given). Ordering items are always shown in a
    fixed scrambled order that is never already correct.
    """
    bank = load_bank(lesson)
    view = QuizView(bank, _layout(bank, ids, shuffle, seed))
    view._display_now()
    return view


# --------------------------------------------------------------------------- progress

def record(activity: str, item_id: str, correct: bool, score: float | None = None,
           answer=None, title: str = "") -> str:
    """Save one checked answer from an activity outside the question banks; return a notice.

    Used by exercises such as lesson 08's claim checker (``activity="08-factcheck"``).
    ``score`` defaults to 1 for a correct answer and 0 otherwise. Saving never raises:
    the returned string is empty on success, or a one-line notice for the student. A
    ``score`` that is not a number from 0 to 1 is a mistake in the calling code and raises
    a QuizError saying so.
    """
    if score is None:
        score = 1.0 if correct else 0.0
    if isinstance(score, bool) or not isinstance(score, numbers.Real) or not 0 <= float(score) <= 1:
        raise QuizError(f"record(score=...) takes a number from 0 to 1; got {score!r:.60}.")
    report = _progress.append({
        "lesson": str(activity), "question_id": str(item_id), "type": "exercise",
        "score": round(float(score), 4), "correct": bool(correct), "answer": answer,
        "title": str(title),
    })
    return report.notice or ""


#: Per (lesson, question) summaries of saved records (shared with the export and the class folder).
_summaries = _progress.summaries


def progress_table() -> tuple[list[dict], str | None]:
    """Return (one row per lesson, notice) from the saved progress.

    Row keys: lesson, title, answered, total, score_pct (mean best score over answered
    questions that are still in the bank), last_activity.
    """
    try:
        report = _progress.load()
    except ProgressError as exc:
        report = _progress.LoadReport([], str(exc))
    summary = _summaries(report.records)
    lessons = {p.stem for p in helpers.QUIZ_DIR.glob("*.yaml")} | {k[0] for k in summary}
    rows = []
    for lesson in sorted(lessons):
        try:
            bank = load_bank(lesson) if re.fullmatch(r"\d{1,2}", lesson) else None
        except QuizError:
            bank = None
        ids = {q["id"] for q in bank["questions"]} if bank else None
        mine = {qid: s for (les, qid), s in summary.items() if les == lesson and (ids is None or qid in ids)}
        rows.append({
            "lesson": lesson,
            "title": bank["title"] if bank else next(
                (r["title"] for r in report.records if r["lesson"] == lesson and r.get("title")), ""),
            "answered": len(mine),
            "total": len(ids) if ids is not None else None,
            "score_pct": round(100 * sum(s["best_score"] for s in mine.values()) / len(mine), 1) if mine else None,
            "last_activity": max((s["last"] for s in mine.values()), default=None),
        })
    return rows, report.notice


def _chart_png(rows: list[dict]) -> bytes:
    from io import BytesIO

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 0.4 * len(rows) + 1.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"Lesson {r['lesson']}" for r in rows]
    values = [r["score_pct"] or 0 for r in rows]
    ax.barh(labels, values, color="#2563eb")
    for y, r in enumerate(rows):
        # the tags sit right of the axis, so the percentage axis ends at 100%
        tag = f"{r['score_pct']:g}% ({_answered_text(r, short=True)})" if r["answered"] else "not started"
        ax.text(102, y, tag, va="center", fontsize=8, clip_on=False)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Best score on answered questions (%)")
    ax.invert_yaxis()
    ax.set_title("Your quiz progress")
    fig.tight_layout(rect=(0, 0, 0.78, 1))
    buf = BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _answered_text(r: dict, short: bool = False) -> str:
    """ "3 of 11" for a quiz; "2 checked" for an activity with no fixed number of items."""
    if r["total"] is None:
        return f"{r['answered']} checked"
    return f"{r['answered']}/{r['total']}" if short else f"{r['answered']} of {r['total']}"


def _shown_progress_path() -> str:
    try:
        return str(_progress.progress_path())
    except ProgressError:
        return "nowhere: see the note above"


class ProgressView(_SelfDisplaying):
    """The progress table and chart, as HTML (so it also reads without a kernel), with a
    Refresh button where widgets run, so the summary follows answers checked since."""

    def __init__(self, rows: list[dict], notice: str | None):
        self.rows, self.notice = rows, notice
        self._box = None

    def refresh(self):
        """Read the saved progress again and redraw."""
        self.rows, self.notice = progress_table()
        if self._box is not None:
            self._box.children[1].value = self._html()

    def _widget(self):
        import ipywidgets as widgets

        if self._box is None:
            button = widgets.Button(description="Refresh", icon="refresh", button_style="primary",
                                    tooltip="Read your saved answers again")
            button.on_click(lambda _: self.refresh())
            self._box = widgets.VBox([button, widgets.HTML(self._html())])
        return self._box

    def _html(self) -> str:
        import base64

        # Text reads from the left; notebook front ends right-align table cells by default.
        align = ("left", "left", "right", "right", "left")
        head = "".join(f"<th scope='col' style='text-align:{a}'>{h}</th>" for h, a in
                       zip(("Lesson", "Title", "Answered", "Score", "Last activity"), align))

        def row(r):
            score = "" if r["score_pct"] is None else f"{r['score_pct']:g}%"
            when = (r["last_activity"] or "").replace("T", " ").replace("+00:00", " UTC")
            cells = (r["lesson"], r["title"], _answered_text(r), score, when)
            return "<tr>" + "".join(f"<td style='text-align:{a}'>{_esc(c)}</td>" for c, a in zip(cells, align)) + "</tr>"

        body = "".join(row(r) for r in self.rows)
        parts = []
        if self.notice:
            parts.append(f'<p role="status"><strong>Note:</strong> {_esc(self.notice)}</p>')
        parts.append(f"<table><caption>Your quiz progress (saved in {_esc(_shown_progress_path())})</caption>"
                     f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        if any(r["answered"] for r in self.rows):
            alt = "; ".join(
                f"lesson {r['lesson']}: " + (f"{r['score_pct']:g}% on {_answered_text(r)}"
                                             if r["answered"] else "not started")
                for r in self.rows
            )
            png = base64.b64encode(_chart_png(self.rows)).decode("ascii")
            parts.append(f'<img alt="Bar chart of your best score per lesson: {_esc(alt)}" '
                         f'src="data:image/png;base64,{png}">')
        else:
            parts.append("<p>No answers saved yet: check a question in any lesson's quiz to start.</p>")
        return "\n".join(parts)

    def _text(self) -> str:
        text = "\n".join(
            f"Lesson {r['lesson']}: {_answered_text(r)} answered"
            + (f", {r['score_pct']:g}%" if r["score_pct"] is not None else "")
            for r in self.rows
        )
        return text or "No progress saved yet."

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {}
        try:
            bundle.update(self._widget()._repr_mimebundle_(include=include, exclude=exclude) or {})
        except ImportError:  # pragma: no cover - ipywidgets is a course dependency
            pass
        bundle["text/html"] = self._html()
        bundle["text/plain"] = self._text()
        return bundle


def progress() -> ProgressView:
    """Show your progress per lesson (answered of total, score, last activity) and a chart."""
    rows, notice = progress_table()
    view = ProgressView(rows, notice)
    view._display_now()
    return view


EXPORT_COLUMNS = _progress.EXPORT_COLUMNS


def export_progress(path) -> Path:
    """Write your saved progress to a CSV file for your instructor; return its path.

    One row per lesson and question; the student id is $ALLIES_STUDENT_ID or the
    computer's user name. Text a spreadsheet would run as a formula is written with a
    leading apostrophe (``helpers.spreadsheet``).
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise ProgressError(
            "export_progress needs the name of the CSV file to write, for example "
            "quiz.export_progress('my_progress.csv')."
        )
    try:
        path = Path(path).expanduser()
    except RuntimeError as exc:  # an unknown ~user
        raise ProgressError(f"{path!r} names an unknown home folder. Give a file path you can write to.") from exc
    if path.is_dir():
        raise ProgressError(f"{path} is a folder. Give a file name, for example {path / 'my_progress.csv'}.")
    report = _progress.load()
    sid = _progress.student_id()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            fh.write(_progress.export_csv(report.records, sid))
    except OSError as exc:
        raise ProgressError(
            f"Could not write {path} ({exc.strerror}). Choose a file in a folder you can write to."
        ) from exc
    return path


def reset_progress(lesson=None) -> str:
    """Delete your saved answers (all, or one lesson's); a backup copy is kept. Returns a message.

    ``lesson`` is a lesson number (3, "3" or "03") or an activity name as the progress
    table lists it (for example "08-factcheck").
    """
    if lesson is not None:
        text = str(lesson).strip() if isinstance(lesson, (str, int)) and not isinstance(lesson, bool) else ""
        saved = sorted({r["lesson"] for r in _progress.load().records})
        if text.isdigit() and len(text) <= 2:
            lesson = f"{int(text):02d}"
        elif text and text in saved:
            lesson = text
        else:
            raise ProgressError(
                f"reset_progress takes a lesson number such as 3 or an activity name; got {lesson!r:.60}. "
                f"Saved progress exists for: {', '.join(saved) or 'nothing yet'}."
            )
    removed, backup = _progress.remove(lesson)
    scope = "all lessons" if lesson is None else (f"lesson {lesson}" if lesson.isdigit() else f"activity {lesson}")
    if backup is None:
        return "No saved progress to reset."
    return f"Removed {removed} saved answer(s) for {scope}. A backup was kept in {backup}."
