"""Grading never crashes and never misreads: junk answers of any type, ambiguous commas,
zero tolerances, unordered 'orders', numbers too large for a float, other scripts' digits.

Example cases first (each one a reproduced bug), then properties checked with Hypothesis.
"""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import quiz
from test_quiz import MULTI, NUM, ORDER, SINGLE

POINT_TWO = dict(NUM, id="p", answer=0.2, tolerance=0.001, unit="")
YEAR = dict(NUM, id="y", answer=2019, tolerance=0, unit="")
TROOPS = dict(NUM, id="t", answer=28500, tolerance=0, unit="")


# ----------------------------------------------------------------- examples

@pytest.mark.parametrize("text", ["0,200", "0,2", "0.200", "0,20"])
def test_a_decimal_comma_before_three_digits_is_read_from_the_question(text):
    r = quiz.check(POINT_TWO, text)
    assert r.correct, r


def test_feedback_says_how_an_ambiguous_comma_was_read():
    assert "read '0,200' as 0.2" in quiz.check(POINT_TWO, "0,200").feedback
    wrong = quiz.check(POINT_TWO, "0,300")
    assert not wrong.correct and "read '0,300' as 0.3" in wrong.feedback
    assert quiz.check(TROOPS, "28,500").correct  # the thousands reading where the answer is large
    assert "read" not in quiz.check(TROOPS, "28500").feedback


def test_zero_tolerance_means_exactly():
    assert quiz.check(YEAR, 2019).correct and quiz.check(YEAR, "2019").correct
    for near_miss in (2019.000001, 2018.999999, "2019.000001", 2019 + 1e-9):
        assert not quiz.check(YEAR, near_miss).correct, near_miss


def test_the_tolerance_edge_stays_inclusive():
    assert quiz.check(POINT_TWO, 0.201).correct and quiz.check(POINT_TWO, 0.199).correct
    assert not quiz.check(POINT_TWO, 0.2011).correct


@pytest.mark.parametrize("answer", [{0, 1, 2, 3}, frozenset({0, 1, 2, 3}), {0: "one", 1: "two", 2: "three", 3: "four"}])
def test_an_unordered_collection_is_not_an_order(answer):
    r = quiz.check(ORDER, answer)
    assert (r.valid, r.score) == (False, 0.0) and "in order" in r.feedback


@pytest.mark.parametrize("answer", ["２０１９", "٢٠١٩", "２０１９年"[:4]])
def test_digits_of_other_scripts_are_read_in_answers(answer):
    assert quiz.check(YEAR, answer).correct


class _Broken:
    def __repr__(self):
        raise RuntimeError("repr")

    def __iter__(self):
        raise ValueError("iter")

    def __float__(self):
        raise ValueError("float")


def _zero_d():
    import numpy as np

    return np.array(3)


@pytest.mark.parametrize("question", [SINGLE, MULTI, NUM, ORDER], ids=lambda q: q["type"])
@pytest.mark.parametrize("answer", [10**400, Fraction(10**400), 10**5000, -(10**400), _Broken(), [_Broken()],
                                    "9" * 5000, object(), b"87.4", _zero_d(), [[[[[]]]]], {"a": 1}],
                         ids=lambda a: type(a).__name__)
def test_junk_answers_are_unreadable_not_exceptions(question, answer):
    r = quiz.check(question, answer)
    assert isinstance(r, quiz.Result) and r.score == 0.0 and not r.correct
    assert r.feedback


# ----------------------------------------------------------------- properties

ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | st.binary(max_size=8)
    | st.fractions() | st.decimals() | st.complex_numbers(),
    lambda inner: st.lists(inner, max_size=6) | st.tuples(inner, inner) | st.sets(st.integers(), max_size=5)
    | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
QUESTIONS = st.sampled_from([SINGLE, MULTI, NUM, ORDER, POINT_TWO, YEAR, TROOPS])
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(question=QUESTIONS, answer=ANY_VALUE)
def test_any_value_of_any_type_gives_a_result(question, answer):
    r = quiz.check(question, answer)
    assert isinstance(r, quiz.Result)
    assert 0.0 <= r.score <= 1.0 and isinstance(r.feedback, str) and r.feedback
    assert r.correct == (r.score == 1.0) or not r.valid


def _spellings(value: float, decimals: int) -> list[str]:
    plain = f"{value:.{decimals}f}"
    out = [plain, plain.replace(".", ","), f" {plain} ", plain + " km"]
    if abs(value) >= 1000 and decimals == 0:
        grouped = f"{value:,.0f}"
        out += [grouped, grouped.replace(",", " "), grouped.replace(",", "\u202f")]
    return out


@FAST
@given(value=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), decimals=st.integers(0, 3),
       tolerance=st.sampled_from([0, 0.001, 0.5, 1, 10]))
def test_a_right_number_is_right_in_every_accepted_spelling(value, decimals, tolerance):
    shown = round(value, decimals)
    q = dict(NUM, answer=shown, tolerance=tolerance)
    for text in _spellings(shown, decimals):
        r = quiz.check(q, text)
        assert r.correct, (text, q["answer"], r.feedback)


@FAST
@given(order=st.permutations(range(4)))
def test_ordering_score_is_the_share_of_items_in_place(order):
    r = quiz.check(ORDER, list(order))
    assert r.score == sum(1 for p, i in enumerate(order) if p == i) / 4
    texts = [ORDER["items"][i] for i in order]
    assert quiz.check(ORDER, texts).score == r.score


def test_the_static_copy_never_doubles_a_full_stop():
    q = dict(SINGLE, choices=[dict(c, text=c["text"] + " was confirmed.") for c in SINGLE["choices"]])
    page = quiz.static_html({"lesson": "99", "title": "t", "questions": [q, dict(NUM, unit="")]},
                            [{"q": q, "order": [0, 1, 2]}, {"q": dict(NUM, unit="")}])
    assert ".." not in page and " ." not in page
