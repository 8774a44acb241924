"""Every shipped quiz question is right when answered right, and the answers the course
computes are the numbers its helpers compute (so a changed dataset or helper cannot leave a
quiz marking the lesson's own figure wrong)."""
from __future__ import annotations

import pytest

import helpers
from helpers import quiz

BANKS = sorted(helpers.QUIZ_DIR.glob("*.yaml"))


def _right_answer(q):
    if q["type"] == "single":
        return next(c["text"] for c in q["choices"] if c["correct"])
    if q["type"] == "multiple":
        return [c["text"] for c in q["choices"] if c["correct"]]
    if q["type"] == "numeric":
        return q["answer"]
    return list(q["items"])


def _questions():
    for path in BANKS:
        for q in quiz.load_bank(path.stem)["questions"]:
            yield pytest.param(q, id=f"{path.stem}:{q['id']}")


@pytest.mark.parametrize("question", list(_questions()))
def test_the_right_answer_scores_one(question):
    r = quiz.check(question, _right_answer(question))
    assert r.valid and r.correct and r.score == 1.0, r.feedback
    if question["type"] == "numeric":
        text = f"{question['answer']:g} {question['unit']}".strip()
        assert quiz.check(question, text).correct, "typed with its unit, the answer is right too"


def _question(lesson, qid):
    return next(q for q in quiz.load_bank(lesson)["questions"] if q["id"] == qid)


def test_bank_05_dollar_conversion_is_the_helpers_figure():
    from helpers import money

    q = _question("05", "cost-usd-at-rate")
    table = money.sma_in_usd(1200)
    value = float(table.loc[table["year"] == 2019, "amount_usd_m"].iloc[0])  # 1,038.9 bn won x 1,000 / 1,200
    assert abs(q["answer"] - value) <= q["tolerance"] / 10, (q["answer"], value)


def test_bank_07_margin_of_error_is_the_helpers_figure():
    from helpers import opinion

    q = _question("07", "opinion-moe-1000")
    value = opinion.margin_of_error(50, 1000)  # 1.96 x sqrt(0.25 / 1000) x 100 = 3.099
    assert round(value, 1) == q["answer"], (q["answer"], value)
