"""Question banks: reading, validating and caching ``datasets/quizzes/NN.yaml``.

:func:`validate_bank` checks a bank (format in ``docs/architecture.md``) and lists every
problem as a fix-it sentence naming the file and the question; :func:`load_bank` returns
a lesson's validated bank, cached until the file changes. yaml is imported on the first read.
"""
from __future__ import annotations

import math
import numbers
import re
from pathlib import Path

import helpers
from helpers.errors import QuizError

TYPES = ("single", "multiple", "numeric", "ordering")
_COMMON_KEYS = {"id", "type", "prompt", "explanation", "see"}
_KEYS = {
    "single": _COMMON_KEYS | {"choices", "shuffle"},
    "multiple": _COMMON_KEYS | {"choices", "shuffle"},
    "numeric": _COMMON_KEYS | {"answer", "tolerance", "unit", "units", "feedback_low", "feedback_high"},
    "ordering": _COMMON_KEYS | {"items"},
}


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


#: Validated banks by path, with the file's (mtime, size, inode) when it was read.
_BANK_CACHE: dict[Path, tuple[tuple[int, int, int], dict]] = {}


def load_bank(lesson) -> dict:
    """Return lesson's validated bank (``"03"``, 3 or a path); cached until the file changes.

    A second call for an unchanged file returns the cached bank without reading the file;
    a file saved since (new modification time, size or inode, as an editor's atomic save
    gives) is read and validated again. Treat the returned bank as read-only.
    """
    path = _bank_path(lesson)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        stamp = None
    cached = _BANK_CACHE.get(path)
    if stamp is not None and cached and cached[0] == stamp:
        return cached[1]
    bank = validate_bank(path)
    if stamp is not None:
        _BANK_CACHE[path] = (stamp, bank)
    return bank
