"""Every number that quiz bank 06 asks for and the model computes equals the model's output."""
from __future__ import annotations

import pytest

from helpers import models
from helpers.quiz import load_bank

# question id -> the model call whose score (or fear) the question asks for
MODEL_ANSWERS = {
    "theory-score-both-doubt": lambda: models.quasi_alliance(**models.SCENARIOS["both allies doubt the US"]).score,
    "theory-fear-from-commitment": lambda: models.quasi_alliance(0.8, 0.5).fear_japan,
    "theory-apply-withdrawal-both": lambda: models.quasi_alliance(0.4, 0.4).score,
    "theory-apply-threat-switch": lambda: models.quasi_alliance(
        0.6, 0.6, shared_threat=0.8, balance_of_threat=True).score,
}


def _questions():
    bank = load_bank("06")
    return {q["id"]: q for q in bank["questions"]}


@pytest.mark.parametrize("qid", sorted(MODEL_ANSWERS))
def test_numeric_answer_equals_the_model(qid):
    q = _questions()[qid]
    assert q["type"] == "numeric"
    assert q["answer"] == pytest.approx(MODEL_ANSWERS[qid](), abs=1e-9)


def test_every_numeric_question_in_bank_06_is_checked_against_the_model():
    numeric = {qid for qid, q in _questions().items() if q["type"] == "numeric"}
    assert numeric == set(MODEL_ANSWERS)


def test_the_application_question_on_a_one_sided_withdrawal_matches_the_model():
    q = _questions()["theory-apply-one-sided"]
    right = [c["text"] for c in q["choices"] if c["correct"]]
    pred = models.quasi_alliance(0.9, 0.4)
    assert len(right) == 1 and right[0].lower().startswith(pred.label)
