"""The claim checker's templates (helpers/templates/factcheck/): every text field is escaped."""
from __future__ import annotations

from helpers.factcheck import Result
from helpers.render import render
from hostile_text import HOSTILE, assert_escaped, parse


def test_result_escapes_every_field_and_the_save_note():
    result = Result(claim_id="c1", chosen="error", expected="error", correct=True, message=HOSTILE,
                    correction=HOSTILE, evidence=HOSTILE, source=HOSTILE, confidence=HOSTILE)
    assert_escaped(result.to_html(save_note=HOSTILE), times=6)
    page = render("factcheck/result.html", correct=False, message=HOSTILE, correction="", evidence="",
                  confidence="", source="", save_note="")
    assert_escaped(page, times=1)
    assert "#b45309" in page and "Correction" not in page


def test_legend_escapes_verdicts_and_meanings():
    page = render("factcheck/legend.html", verdicts=[{"name": HOSTILE, "meaning": HOSTILE}] * 2)
    assert_escaped(page, times=4)


def test_summary_escapes_its_counts():
    page = render("factcheck/summary.html", checked=HOSTILE, total=HOSTILE, first_try=HOSTILE, right_now=HOSTILE)
    assert_escaped(page, times=4)


def test_card_escapes_the_quote_and_numbers():
    assert_escaped(render("factcheck/card.html", number=HOSTILE, count=HOSTILE, quote=HOSTILE), times=3)


def test_spot_intro_is_plain_markup():
    page = parse(render("factcheck/spot_intro.html"))
    assert [t for t, _ in page.tags] == ["p", "strong"]


def test_spot_feedback_escapes_every_sentence_field():
    sentences = [{"verdict": HOSTILE, "agrees": True, "why": HOSTILE},
                 {"verdict": HOSTILE, "agrees": False, "why": HOSTILE}]
    page = render("factcheck/spot_feedback.html", agree=HOSTILE, sentences=sentences)
    assert_escaped(page, times=5)
    assert "agrees with the course" in page and "differs from the course" in page
