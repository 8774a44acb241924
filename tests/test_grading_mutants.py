"""Grading (helpers.quiz.check): exact scores and feedback for hand-worked answers, the
cases a mutation run of the grading functions needs pinned (docs/mutation.md).

Only the public ``quiz.check`` is used, so these tests survive the split of quiz.py
into a package.
"""
from __future__ import annotations

import pytest

from helpers import quiz

BASE = {"prompt": "p", "explanation": "e", "see": "Lesson 01"}


def _single():
    return dict(BASE, id="s1", type="single", choices=[
        {"text": "Seoul", "correct": True, "feedback": "Yes."},
        {"text": "Tokyo", "correct": False, "feedback": "No."},
        {"text": "Busan", "correct": False, "feedback": "Not the capital."},
    ])


def _multiple():
    # three right choices (A, B, C) of five
    return dict(BASE, id="m1", type="multiple", choices=[
        {"text": t, "correct": t in "ABC", "feedback": f"fb {t}"} for t in "ABCDE"
    ])


def _numeric(**kw):
    q = dict(BASE, id="n1", type="numeric", answer=100, tolerance=5, unit="km")
    q.update(kw)
    return q


def _ordering():
    return dict(BASE, id="o1", type="ordering", items=["A", "B", "C", "D"])


# ------------------------------------------------------------------------ single


@pytest.mark.parametrize("answer, correct, given", [("Seoul", True, "Seoul"), ("  seoul ", True, "Seoul"),
                                                    ("SEOUL", True, "Seoul"), (0, True, "Seoul"),
                                                    (1, False, "Tokyo"), ("Busan", False, "Busan"),
                                                    (2, False, "Busan")])
def test_single_reads_text_case_blind_or_an_index(answer, correct, given):
    r = quiz.check(_single(), answer)
    assert (r.correct, r.score, r.valid, r.given) == (correct, 1.0 if correct else 0.0, True, given)
    assert r.feedback == {"Seoul": "Yes.", "Tokyo": "No.", "Busan": "Not the capital."}[given]


@pytest.mark.parametrize("answer, feedback", [
    (None, "Choose one answer, then press Check."),
    ("  ", "Choose one answer, then press Check."),
    (["Seoul"], "Choose only one answer: this question has a single right choice."),
    (3, "That is not one of the choices. Choose one of the options shown."),
    (-1, "That is not one of the choices. Choose one of the options shown."),
    (True, "That is not one of the choices. Choose one of the options shown."),
    ("Pyongyang", "That is not one of the choices. Choose one of the options shown."),
])
def test_single_unreadable_answers(answer, feedback):
    r = quiz.check(_single(), answer)
    assert (r.correct, r.score, r.valid, r.feedback) == (False, 0.0, False, feedback)


# ---------------------------------------------------------------------- multiple


def test_multiple_all_right():
    r = quiz.check(_multiple(), ["C", "A", "B"])
    assert (r.correct, r.score, r.given) == (True, 1.0, ["A", "B", "C"])
    assert r.feedback == ("- A (right): fb A\n- B (right): fb B\n- C (right): fb C\n"
                          "Score rule: (right ticks - wrong ticks) / number of right choices, never below 0.")


def test_multiple_two_right_one_wrong_scores_a_third():
    # (2 right - 1 wrong) / 3 right choices = 1/3; one right choice missed
    r = quiz.check(_multiple(), ["A", "B", "D"])
    assert r.correct is False and r.score == pytest.approx(1 / 3)
    assert r.feedback.splitlines() == [
        "- A (right): fb A", "- B (right): fb B", "- D (not right): fb D",
        "You missed 1 correct choice.", "1 of your ticks is not right.",
        "Score rule: (right ticks - wrong ticks) / number of right choices, never below 0."]


def test_multiple_never_below_zero_and_plurals():
    # (1 right - 2 wrong) / 3 = -1/3 -> 0; missed 2 choices, 2 ticks are not right
    r = quiz.check(_multiple(), [0, 3, 4])
    assert r.score == 0.0 and r.correct is False
    assert "You missed 2 correct choices." in r.feedback and "2 of your ticks are not right." in r.feedback


def test_multiple_one_right_tick_alone():
    # a single text answer is one tick: 1 right / 3 = 1/3, missed 2, no wrong line
    r = quiz.check(_multiple(), "b")
    assert r.score == pytest.approx(1 / 3) and r.given == ["B"]
    assert "not right." not in r.feedback and "You missed 2 correct choices." in r.feedback


@pytest.mark.parametrize("answer, feedback", [
    ([], "Tick at least one box, then press Check."), (None, "Tick at least one box, then press Check."),
    (["A", "Z"], "'Z' is not one of the choices. Tick only the options shown."),
])
def test_multiple_unreadable(answer, feedback):
    r = quiz.check(_multiple(), answer)
    assert (r.valid, r.score, r.feedback) == (False, 0.0, feedback)


# ----------------------------------------------------------------------- numeric


@pytest.mark.parametrize("text, value", [
    ("100", 100), ("105", 105), ("95", 95), ("100 km", 100), ("100km", 100), ("100 KM", 100),
    ("+100", 100), ("1e2", 100), ("1.0e2 km", 100), ("１００", 100), ("٩٩", 99), ("100.", 100),
])
def test_numeric_right_answers(text, value):
    r = quiz.check(_numeric(), text)
    assert r.correct and r.score == 1.0 and r.valid
    assert r.feedback == "Right: 100 km (answers within ±5 count as right)."
    assert r.given == text.strip()


@pytest.mark.parametrize("text, side", [("105.01", "high"), ("94.99", "low"), ("-100", "low"), ("1,000", "high")])
def test_numeric_just_outside_the_tolerance(text, side):
    r = quiz.check(_numeric(), text)
    assert r.valid and not r.correct and r.score == 0.0
    word = "above" if side == "high" else "below"
    assert r.feedback.startswith(f"Too {side}. Your number is {word} the accepted range.")


def test_numeric_bank_feedback_gets_the_verdict_in_front():
    r = quiz.check(_numeric(feedback_low="Count the islets too.", feedback_high="Too far: that is Tokyo."), 10)
    assert r.feedback == "Too low. Count the islets too."
    r = quiz.check(_numeric(feedback_low="Count the islets too.", feedback_high="Too far: that is Tokyo."), 1000)
    assert r.feedback == "Too far: that is Tokyo."


def test_numeric_tolerance_zero_has_no_within_note():
    r = quiz.check(_numeric(tolerance=0, answer=2019, unit=""), "2019")
    assert r.feedback == "Right: 2019."
    assert not quiz.check(_numeric(tolerance=0, answer=2019, unit=""), "2019.001").correct


@pytest.mark.parametrize("text, value", [
    ("1,500", 1500.0),       # thousands comma, nearer the answer 1500's size
    ("1.234.567", 1234567.0), ("1 234", 1234.0), ("1\u00a0234", 1234.0), ("1,234.5", 1234.5),
    ("1.234,5", 1234.5), ("12,5", 12.5), ("1,234,567", 1234567.0), ("US$1500"[2:], 1500.0),
    ("\u22121500", -1500.0),
])
def test_numeric_spellings_are_read_as_numbers(text, value):
    # the answer is set to the value itself, so a right reading scores 1
    r = quiz.check(_numeric(answer=value, tolerance=0, unit=""), text)
    assert r.correct, (text, r.feedback)


def test_an_ambiguous_comma_is_read_by_the_answers_size():
    # "0,200": a leading 0 makes it a decimal, 0.2; "1,500" with the answer 1.5: 1.5
    assert quiz.check(_numeric(answer=0.2, tolerance=0, unit=""), "0,200").correct
    r = quiz.check(_numeric(answer=1.5, tolerance=0, unit=""), "1,500")
    assert r.correct and r.feedback == "Right (read '1,500' as 1.5): 1.5."
    wrong = quiz.check(_numeric(answer=1500, tolerance=0, unit=""), "1,499")
    assert wrong.feedback == "Too low. Your number is below the accepted range. Your answer was (read '1,499' as 1499)."


@pytest.mark.parametrize("text", ["1,2,3", "1 23", "12 34 56x", "abc", "--5", "1.2.3"])
def test_numeric_unreadable_text(text):
    r = quiz.check(_numeric(), text)
    assert not r.valid and r.score == 0.0


def test_numeric_wrong_unit_is_named():
    r = quiz.check(_numeric(), "100 miles")
    assert r.feedback == "The answer is asked in km, but you wrote 'miles'. Type just the number, for example 12.5."


@pytest.mark.parametrize("text", ["45 %", "45%", "45 percent", "45 per cent"[:0] + "45 pc", "45 percentage"])
def test_percent_spellings(text):
    assert quiz.check(_numeric(answer=45, tolerance=0, unit="%"), text).correct


def test_plural_units_are_accepted():
    q = _numeric(answer=3, tolerance=0, unit="year", units=["yr"])
    assert quiz.check(q, "3 years").correct and quiz.check(q, "3 yrs").correct and quiz.check(q, "3 yr").correct
    assert not quiz.check(q, "3 months").valid


@pytest.mark.parametrize("answer, tol, example", [(1500, 5, "1234"), (1234, 0, "4321"), (12, 0, "3.75"),
                                                  (100, 5, "12.5"), (12.5, 0, "3.75")])
def test_the_hint_gives_an_example_far_from_the_answer(answer, tol, example):
    # the example must differ from the answer by more than the tolerance + 1:
    # |1234 - 1500| = 266; 1234 is the answer itself, so 4321; |12.5 - 12| = 0.5 <= 1, so 3.75
    r = quiz.check(_numeric(answer=answer, tolerance=tol, unit=""), "")
    assert r.feedback == f"Type a number, for example {example}."


@pytest.mark.parametrize("answer", [True, float("inf"), float("nan"), 10**400, object()])
def test_numeric_non_numbers_are_unreadable(answer):
    r = quiz.check(_numeric(), answer)
    assert not r.valid and r.score == 0.0


def test_numeric_text_too_long():
    r = quiz.check(_numeric(), "1" * 201)
    assert r.feedback.startswith("That answer is too long to be a number.")


# ---------------------------------------------------------------------- ordering


def test_ordering_all_right():
    r = quiz.check(_ordering(), ["A", "B", "C", "D"])
    assert (r.correct, r.score, r.feedback) == (True, 1.0, "All 4 items are in the right order.")


def test_ordering_two_swapped():
    # positions 1 and 4 right, 2 and 3 swapped: 2/4 = 0.5
    r = quiz.check(_ordering(), ["A", "C", "B", "D"])
    assert (r.correct, r.score) == (False, 0.5)
    assert r.feedback == "2 of 4 in the right position (positions 1, 4). Look again at positions 2, 3."
    assert r.given == ["A", "C", "B", "D"]


def test_ordering_none_right_and_one_wrong_position_wording():
    r = quiz.check(_ordering(), [3, 2, 1, 0])
    assert r.score == 0.0 and r.feedback == "0 of 4 in the right position. Look again at positions 1, 2, 3, 4."
    # a 2-item question with both swapped: "positions"; indices and texts mix
    r = quiz.check(dict(_ordering(), items=["X", "Y"]), [1, "X"])
    assert r.feedback == "0 of 2 in the right position. Look again at positions 1, 2."


@pytest.mark.parametrize("answer, feedback", [
    (["A", "B", "C"], "Put all 4 items in order (you gave 3)."),
    (["A", "B", "C", "D", "A"], "Put all 4 items in order (you gave more than 4)."),
    (["A", "A", "C", "D"], ("'A' is in positions 1, 2. Each item must appear exactly once: swap one of them for "
                           "the missing item.")),
    (["A", None, "C", "D"], "Every position needs an item. Fill the empty position, then press Check."),
    (["A", "B", "C", "Z"], "'Z' is not one of the items to order."),
    (["A", "B", "C", 4], "4 is not one of the items to order."),
    ({0, 1, 2, 3}, "Put all 4 items in order, one per position, then press Check."),
    ("ABCD", "Put all 4 items in order, one per position, then press Check."),
])
def test_ordering_unreadable(answer, feedback):
    r = quiz.check(_ordering(), answer)
    assert (r.valid, r.score, r.feedback) == (False, 0.0, feedback)


def test_a_malformed_question_is_a_quiz_error():
    with pytest.raises(quiz.QuizError, match=r"Question 's1' is malformed: a single-choice question needs exactly one"):
        q = _single()
        q["choices"][1]["correct"] = True
        quiz.check(q, "Seoul")


# ------------------------------------------- second mutation run: numeric edges, by hand


def test_numeric_right_feedback_for_a_number_answer_has_no_read_as_note():
    r = quiz.check(_numeric(), 100)
    assert (r.correct, r.feedback, r.given) == (True, "Right: 100 km (answers within ±5 count as right).", 100.0)


def test_numeric_wrong_answer_keeps_what_was_given():
    assert quiz.check(_numeric(), 120).given == 120.0
    assert quiz.check(_numeric(), "120 km").given == "120 km"


def test_numeric_text_of_exactly_200_characters_is_still_read():
    assert quiz.check(_numeric(), "100".ljust(200)).correct
    r = quiz.check(_numeric(), "100".ljust(201))
    assert not r.valid and r.feedback.startswith("That answer is too long to be a number.")


def _near(a: float, b: float, tol: float):
    return quiz.check(_numeric(answer=a, tolerance=tol, unit=""), b)


def test_numeric_float_slack_is_a_few_ulps_of_the_largest_of_answer_given_and_tolerance():
    import math

    below_one, above_one = math.nextafter(1.0, 0), 1.0 + 6 * math.ulp(1.0)
    # 1.44e-15 apart: within 8 ulps of the number above 1 (1.78e-15), not of the one below (8.9e-16)
    assert _near(below_one, above_one, 0).correct  # the given number's ulp counts
    assert _near(above_one, below_one, 0).correct  # the answer's ulp counts
    # 1 + 1.2e-15 apart with tolerance 1: within 8 ulps of the tolerance (1.0), not of 0.5
    assert _near(0.5, -0.5 - 1.2e-15, 1.0).correct
    # a difference exactly equal to the slack is inside: 4e-323 is 8 ulps of itself
    assert _near(0, 4e-323, 0).correct
    assert not _near(0, 1e-300, 0).correct


def test_numeric_ambiguous_comma_with_a_leading_zero_is_a_decimal():
    # "0,500" is never five hundred, even when the answer is 500
    r = quiz.check(_numeric(answer=500), "0,500")
    assert (r.correct, r.feedback.split(".")[0]) == (False, "Too low")


def test_numeric_ambiguous_comma_exactly_between_the_readings_reads_thousands():
    # log10 distance from 10**1.5 to 1.0 and to 1000 is 1.5 both ways: the tie reads 1,000 as 1000
    r = quiz.check(_numeric(answer=10**1.5, tolerance=1, unit=""), "1,000")
    assert r.feedback.startswith("Too high.") and "as 1000" in r.feedback


@pytest.mark.parametrize("answer, tolerance, example", [
    (1000, 5, "1234"),      # 1000 and above: the large examples
    (999, 5, "12.5"),
    (8, 5, "640"),          # 12.5 and 3.75 both too close to 8
    (10, 1.5, "3.75"),      # 12.5 is exactly tolerance + 1 away: too close
    (10, 1, "12.5"),        # 2.5 away, more than tolerance + 1
    (2000, 5000, "0.5"),    # every candidate inside the range
])
def test_numeric_example_number_is_outside_the_accepted_range(answer, tolerance, example):
    r = quiz.check(_numeric(answer=answer, tolerance=tolerance), "abc")
    assert r.feedback == f"'abc' is not a number. Type a number in km, for example {example}."


def test_numeric_non_ascii_digits_are_read():
    # Ethiopic digits are digits (str.isdigit) but not decimal ones (so not \d): converted first
    assert quiz.check(_numeric(answer=12, tolerance=0, unit=""), "\u1369\u136a").correct


def test_numeric_a_non_ascii_unit_is_named_not_a_crash():
    r = quiz.check(_numeric(), "100 км")
    assert r.feedback == "The answer is asked in km, but you wrote 'км'. Type just the number, for example 12.5."


def test_numeric_unit_after_a_plain_number_question_is_named():
    r = quiz.check(_numeric(unit=""), "100 km")
    assert r.feedback.startswith("The answer is asked as a plain number, but you wrote 'km'.")


def test_numeric_unit_folds_dots_and_spaces():
    assert quiz.check(_numeric(), "100 km.").correct
    assert quiz.check(_numeric(), "100 k m").correct


def test_numeric_trailing_full_stop_after_a_comma_number():
    # "1,500." is "1,500" (the trailing stop dropped), read with the answer 1.5 as 1.5
    r = quiz.check(_numeric(answer=1.5, tolerance=0.01), "1,500.")
    assert r.correct and "read '1,500.' as 1.5" in r.feedback


@pytest.mark.parametrize("text", ["1,000.000,5", "1.234,567.8", "1e999"])
def test_numeric_mixed_separators_and_overflow_are_not_numbers(text):
    r = quiz.check(_numeric(), text)
    assert not r.valid and r.feedback.startswith(f"'{text}' is not a number.")


def test_ordering_long_answer_counts_one_past_the_items():
    # only n + 1 items are read, so an endless iterator cannot hang the check
    r = quiz.check(_ordering(), ["A", "B", "C", "D"] * 3)
    assert r.feedback == "Put all 4 items in order (you gave more than 4)."
    r = quiz.check(_ordering(), ["A", "B", "C", "D", "A"])
    assert r.feedback == "Put all 4 items in order (you gave more than 4)."
    r = quiz.check(_ordering(), ["A", "B", "C"])
    assert r.feedback == "Put all 4 items in order (you gave 3)."
