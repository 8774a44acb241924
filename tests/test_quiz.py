"""The quiz core: grading every question type, bank validation, the static HTML copy."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

import helpers
from helpers import quiz
from helpers.errors import QuizError
from helpers.quiz.grading import _parse_number_text
from helpers.quiz.layout import _layout

SINGLE = {
    "id": "s", "type": "single", "prompt": "Pick B", "explanation": "B is it.", "see": "Lesson 99",
    "choices": [
        {"text": "A", "correct": False, "feedback": "A is wrong because."},
        {"text": "B", "correct": True, "feedback": "B is right because."},
        {"text": "C", "correct": False, "feedback": "C is wrong because."},
    ],
}
MULTI = {
    "id": "m", "type": "multiple", "prompt": "Pick A and B", "explanation": "A and B.", "see": "Lesson 99",
    "choices": [
        {"text": "A", "correct": True, "feedback": "fa"},
        {"text": "B", "correct": True, "feedback": "fb"},
        {"text": "C", "correct": False, "feedback": "fc"},
        {"text": "D", "correct": False, "feedback": "fd"},
    ],
}
NUM = {
    "id": "n", "type": "numeric", "prompt": "How far?", "answer": 87.4, "tolerance": 1.0, "unit": "km",
    "feedback_low": "Shore to shore is longer than that.", "feedback_high": "Too far: that is centre to centre.",
    "explanation": "87.4 km.", "see": "Lesson 99",
}
ORDER = {
    "id": "o", "type": "ordering", "prompt": "Order these", "items": ["one", "two", "three", "four"],
    "explanation": "Count.", "see": "Lesson 99",
}


# ----------------------------------------------------------------- single

@pytest.mark.parametrize("answer", ["B", 1, " b "])
def test_single_right_by_text_index_or_loose_text(answer):
    r = quiz.check(SINGLE, answer)
    assert (r.correct, r.score, r.valid) == (True, 1.0, True)
    assert r.feedback == "B is right because."
    assert r.given == "B"


def test_single_wrong_gives_that_choices_feedback():
    r = quiz.check(SINGLE, "C")
    assert (r.correct, r.score) == (False, 0.0)
    assert r.feedback == "C is wrong because."


@pytest.mark.parametrize("answer", [None, "", "Z", 7, -1, True, ["B"]])
def test_single_unreadable_answers_score_zero_without_raising(answer):
    r = quiz.check(SINGLE, answer)
    assert (r.valid, r.correct, r.score) == (False, False, 0.0)
    assert r.feedback and "Traceback" not in r.feedback


# ----------------------------------------------------------------- multiple

@pytest.mark.parametrize(
    "answer, score, correct",
    [
        (["A", "B"], 1.0, True),
        ({0, 1}, 1.0, True),
        (["A"], 0.5, False),
        (["A", "B", "C"], 0.5, False),   # (2 right - 1 wrong) / 2
        (["A", "C"], 0.0, False),        # (1 - 1) / 2
        (["C", "D"], 0.0, False),        # floored at 0, not -1
        (["A", "C", "D"], 0.0, False),
        ("A", 0.5, False),               # a single pick is accepted
    ],
)
def test_multiple_partial_credit_rule(answer, score, correct):
    r = quiz.check(MULTI, answer)
    assert r.valid
    assert r.score == pytest.approx(score)
    assert r.correct is correct


def test_multiple_feedback_lists_picked_choices_and_counts_missed():
    r = quiz.check(MULTI, ["A", "C"])
    assert "fa" in r.feedback and "fc" in r.feedback
    assert "fb" not in r.feedback and "fd" not in r.feedback  # unpicked feedback stays hidden
    assert "missed 1 correct choice" in r.feedback
    assert r.given == ["A", "C"]


@pytest.mark.parametrize("answer", [None, [], set(), ["A", "nope"], [9]])
def test_multiple_unreadable(answer):
    r = quiz.check(MULTI, answer)
    assert (r.valid, r.score) == (False, 0.0)


# ----------------------------------------------------------------- numeric

@pytest.mark.parametrize("answer", [87.4, 88.4, 86.4, "88.4", "86,4", 87, "87.4 km", "87.4km", " 87,4 KM ", "87.4 kms"])
def test_numeric_inside_tolerance_inclusive(answer):
    r = quiz.check(NUM, answer)
    assert r.valid and r.correct and r.score == 1.0, (answer, r)


def test_numeric_edge_is_inclusive_despite_float_error():
    # in binary floating point 0.4 - 0.3 is 0.10000000000000003, just over the tolerance
    assert 0.4 - 0.3 > 0.1 and 1.1 - 1.0 > 0.1
    assert quiz.check(dict(NUM, answer=0.3, tolerance=0.1), 0.4).correct
    assert quiz.check(dict(NUM, answer=0.3, tolerance=0.1), "0,4").correct
    assert quiz.check(dict(NUM, answer=1.0, tolerance=0.1), 1.1).correct
    assert quiz.check(dict(NUM, answer=0.3, tolerance=0.1), 0.2).correct
    assert not quiz.check(dict(NUM, answer=0.3, tolerance=0.1), 0.4000001).correct
    assert quiz.check(NUM, 88.4).correct and quiz.check(NUM, 86.4).correct


@pytest.mark.parametrize("answer, side", [(88.41, "high"), (88.4001, "high"), ("86.39", "low"), (-87.4, "low"), ("1,000", "high")])
def test_numeric_just_outside_fails_and_says_which_side(answer, side):
    r = quiz.check(NUM, answer)
    assert r.valid and not r.correct and r.score == 0.0
    assert r.feedback.lower().startswith("too " + ("high" if side == "high" else "low")) or (
        side == "high" and r.feedback.startswith("Too far")
    )
    expected = NUM["feedback_high"] if side == "high" else NUM["feedback_low"]
    assert expected in r.feedback


def test_numeric_feedback_defaults_name_the_side():
    bare = {k: v for k, v in NUM.items() if not k.startswith("feedback_")}
    assert quiz.check(bare, 10).feedback.startswith("Too low")
    assert quiz.check(bare, 100).feedback.startswith("Too high")


@pytest.mark.parametrize(
    "text, value",
    [("87.4", 87.4), ("87,4", 87.4), ("28,500", 28500), ("1,234,567", 1234567), ("1.234,5", 1234.5),
     ("1,234.5", 1234.5), ("28 500", 28500), ("−3.5", -3.5), ("+2", 2), (".5", 0.5), ("1e3", 1000),
     ("$1,000", 1000), ("46.6971", 46.6971)],
)
def test_number_text_forms(text, value):
    got, _rest = _parse_number_text(text)
    assert got == pytest.approx(value)


@pytest.mark.parametrize("answer", ["", "   ", "abc", "km", "87.4 miles", "1,2,3", "nan", "inf", None, True, [87.4], float("nan")])
def test_numeric_unreadable_gives_plain_message(answer):
    r = quiz.check(NUM, answer)
    assert (r.valid, r.correct, r.score) == (False, False, 0.0)
    assert re.search(r"Type (a|just the) number", r.feedback)


def test_numeric_unit_aliases_and_unitless():
    q = dict(NUM, units=["kilometres", "kilometers"])
    assert quiz.check(q, "87.4 kilometres").correct
    assert not quiz.check(NUM, "87.4 kilometres").valid
    year = dict(NUM, answer=2019, tolerance=0, unit="")
    assert quiz.check(year, "2019").correct
    assert not quiz.check(year, 2018).correct
    assert not quiz.check(year, "2019 km").valid
    pct = dict(NUM, answer=12.5, tolerance=0.5, unit="%")
    assert quiz.check(pct, "12.5%").correct and quiz.check(pct, "12.5 percent").correct


# ----------------------------------------------------------------- ordering

def test_ordering_scores_share_of_right_positions():
    assert quiz.check(ORDER, ["one", "two", "three", "four"]).correct
    assert quiz.check(ORDER, [0, 1, 2, 3]).score == 1.0
    r = quiz.check(ORDER, ["one", "three", "two", "four"])
    assert (r.correct, r.score) == (False, 0.5)
    assert "positions 1, 4" in r.feedback and "positions 2, 3" in r.feedback
    assert quiz.check(ORDER, ["four", "three", "two", "one"]).score == 0.0


@pytest.mark.parametrize(
    "answer, words",
    [(None, "all 4"), ("one", "all 4"), (["one", "two"], "you gave 2"), (["one", "one", "three", "four"], "exactly once"),
     (["one", "two", "three", "five"], "not one of the items"), ([0, 1, 2, 2], "exactly once"), (["one", None, "three", "four"], "empty")],
)
def test_ordering_unreadable(answer, words):
    r = quiz.check(ORDER, answer)
    assert (r.valid, r.score) == (False, 0.0)
    assert words in r.feedback


# ----------------------------------------------------------------- malformed questions raise

@pytest.mark.parametrize(
    "question",
    [dict(SINGLE, type="essay"), {k: v for k, v in SINGLE.items() if k != "explanation"},
     dict(NUM, tolerance="one"), dict(ORDER, items=["x"]), "not a question"],
)
def test_check_raises_quizerror_only_for_malformed_question(question):
    with pytest.raises(QuizError):
        quiz.check(question, "anything")


# ----------------------------------------------------------------- banks

SHIPPED = sorted(helpers.QUIZ_DIR.glob("*.yaml"))


def test_there_are_shipped_banks():
    assert any(p.name == "00.yaml" for p in SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_bank_is_valid(path):
    bank = quiz.validate_bank(path)
    assert bank["lesson"] == path.stem
    assert len(bank["questions"]) >= 1
    for q in bank["questions"]:  # the grading core accepts every shipped question
        quiz.check(q, None)


def test_bank_00_is_short_and_uses_all_four_types():
    bank = quiz.load_bank("00")
    assert len(bank["questions"]) == 6
    assert {q["type"] for q in bank["questions"]} == set(quiz.TYPES)


GOOD_BANK = {"lesson": "42", "title": "Test", "questions": [SINGLE, MULTI, NUM, ORDER]}


def _write(tmp_path, text, name="42.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _break(mutate):
    data = yaml.safe_load(yaml.safe_dump(GOOD_BANK))
    mutate(data)
    return yaml.safe_dump(data, sort_keys=False)


def test_good_bank_passes(tmp_path):
    bank = quiz.validate_bank(_write(tmp_path, yaml.safe_dump(GOOD_BANK)))
    assert [q["id"] for q in bank["questions"]] == ["s", "m", "n", "o"]


BROKEN = {
    "no correct choice": (lambda d: [c.update(correct=False) for c in d["questions"][1]["choices"]], "'m'", "at least one correct"),
    "two correct in single": (lambda d: d["questions"][0]["choices"][0].update(correct=True), "'s'", "exactly one correct"),
    "missing feedback": (lambda d: d["questions"][0]["choices"][2].pop("feedback"), "'s'", "no 'feedback'"),
    "duplicate ids": (lambda d: d["questions"][2].update(id="s"), "'s'", "duplicate id"),
    "unknown type": (lambda d: d["questions"][3].update(type="essay"), "'o'", "unknown type"),
    "missing explanation": (lambda d: d["questions"][2].pop("explanation"), "'n'", "missing 'explanation'"),
    "non-numeric tolerance": (lambda d: d["questions"][2].update(tolerance="about one"), "'n'", "'tolerance' must be a number"),
    "missing see": (lambda d: d["questions"][3].pop("see"), "'o'", "missing 'see'"),
    "typo key": (lambda d: d["questions"][2].update(feedback_hi="x"), "'n'", "unknown key"),
    "repeated ordering item": (lambda d: d["questions"][3].update(items=["a", "a", "b"]), "'o'", "repeats"),
    "missing unit": (lambda d: d["questions"][2].pop("unit"), "'n'", "missing 'unit'"),
    "lesson mismatch": (lambda d: d.update(lesson="41"), "42.yaml", "agree"),
    "no questions": (lambda d: d.update(questions=[]), "42.yaml", "non-empty list"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_banks_raise_quizerror_naming_file_and_question(tmp_path, case):
    mutate, where, what = BROKEN[case]
    path = _write(tmp_path, _break(mutate))
    with pytest.raises(QuizError) as err:
        quiz.validate_bank(path)
    msg = str(err.value)
    assert "42.yaml" in msg and where in msg and what in msg, msg


@pytest.fixture
def counted_reads(monkeypatch):
    """Count how often a bank file is actually read and parsed."""
    from helpers.quiz import bank

    reads = []
    real = bank._read_yaml

    def counting(path):
        reads.append(path)
        return real(path)

    monkeypatch.setattr(bank, "_read_yaml", counting)
    return reads


def test_load_bank_reads_an_unchanged_file_once(tmp_path, counted_reads):
    path = _write(tmp_path, yaml.safe_dump(GOOD_BANK))
    first = quiz.load_bank(path)
    second = quiz.load_bank(path)
    assert len(counted_reads) == 1, "the second load read the file again"
    assert second is first


def test_load_bank_reads_a_changed_file_again(tmp_path, counted_reads):
    path = _write(tmp_path, yaml.safe_dump(dict(GOOD_BANK, title="Before")))
    assert quiz.load_bank(path)["title"] == "Before"
    stamp = path.stat().st_mtime_ns
    path.write_text(yaml.safe_dump(dict(GOOD_BANK, title="Edited")), encoding="utf-8")  # same size
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))  # the next second, whatever the clock's grain
    assert quiz.load_bank(path)["title"] == "Edited"
    # an editor's atomic save: a new file renamed over the old, same size and time
    fresh = tmp_path / "fresh.yaml"
    fresh.write_text(yaml.safe_dump(dict(GOOD_BANK, title="Saved!")), encoding="utf-8")
    os.utime(fresh, ns=(stamp + 10**9, stamp + 10**9))
    os.replace(fresh, path)
    assert quiz.load_bank(path)["title"] == "Saved!"
    assert len(counted_reads) == 3


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = _write(tmp_path, 'lesson: "42"\ntitle: Test\nquestions:\n  - id: a\n    prompt: "unclosed\n    type: single\n')
    with pytest.raises(QuizError) as err:
        quiz.validate_bank(path)
    assert "42.yaml" in str(err.value) and "line" in str(err.value)


def test_missing_bank_says_which_exist(tmp_path):
    with pytest.raises(QuizError) as err:
        quiz.validate_bank(tmp_path / "77.yaml")
    assert "77.yaml" in str(err.value) and "00" in str(err.value)
    with pytest.raises(QuizError):
        quiz.show("77")


def test_all_problems_reported_together(tmp_path):
    def mutate(d):
        d["questions"][0].pop("explanation")
        d["questions"][2]["tolerance"] = "x"
    with pytest.raises(QuizError) as err:
        quiz.validate_bank(_write(tmp_path, _break(mutate)))
    assert "2 problem(s)" in str(err.value)


# ----------------------------------------------------------------- static copy

def _outside_details(page: str) -> str:
    return re.sub(r"<details>.*?</details>", "", page, flags=re.S)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_static_html_shows_prompts_and_folds_answers(path):
    bank = quiz.load_bank(path.stem)
    layout = _layout(bank, None, False, None)
    page = quiz.static_html(bank, layout)
    assert page.count("<details>") == len(bank["questions"])
    visible = _outside_details(page)
    for q in bank["questions"]:
        assert escape(q["prompt"]) in visible
        assert escape(q["explanation"]) not in visible
        assert escape(q["explanation"]) in page
        if q["type"] in ("single", "multiple"):
            for c in q["choices"]:
                assert escape(c["text"]) in visible          # options are shown
                assert escape(c["feedback"]) not in visible  # verdicts are folded
        if q["type"] == "ordering":
            shown = "".join(f"<li>{escape(i)}</li>" for i in q["items"])
            assert shown not in visible  # never listed in the right order outside <details>
    assert "Right:" not in visible and "Answer:" not in visible


def test_ordering_display_is_fixed_and_never_solved():
    for n in range(2, 7):
        q = dict(ORDER, items=[f"item {i}" for i in range(n)])
        for qid in ("a", "b", "c", "x-1", "x-2"):
            q["id"] = qid
            shown = quiz.scrambled_items(q, "42")
            assert shown != q["items"] and sorted(shown) == sorted(q["items"])
            assert shown == quiz.scrambled_items(q, "42")  # deterministic


def test_importing_helpers_stays_light():
    code = textwrap.dedent("""
        import sys, helpers, helpers.quiz
        heavy = [m for m in ("ipywidgets", "yaml", "matplotlib", "pandas", "folium", "jinja2") if m in sys.modules]
        print(",".join(heavy))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(helpers.COURSE_DIR), check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_answer_label_would_be_typeset_as_maths(path):
    """Widget labels typeset $...$ as maths; one dollar sign per label is safe, two are not."""
    bank = yaml.safe_load(path.read_text(encoding="utf-8"))
    for q in bank["questions"]:
        labels = [c["text"] for c in q.get("choices", [])] + list(q.get("items", []))
        for label in labels:
            assert len(re.findall(r"(?<!\\)\$", label)) < 2, f"{path.name} {q['id']}: {label!r}"
