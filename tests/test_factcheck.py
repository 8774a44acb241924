"""The claim checker scores the course's verdicts, explains wrong ones, and fails politely."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import factcheck
from helpers.errors import QuizError
from helpers.factcheck import answer_key, claim_checker, judge, verdict_options


def _real_claims():
    from helpers.data import load_dataset

    return load_dataset("article_claims")  # a broken committed dataset fails the suite, never skips it


REAL = _real_claims()
def needs_data(test):
    """Marks a test that reads the real claims (a broken dataset fails it, never skips it)."""
    return test

FAKE = pd.DataFrame(
    {
        "claim_id": ["c1", "c2", "c3"],
        "quote": ["A budget of $42 million", "About 28,500 troops", "Daniel Pinkstone said"],
        "theme": ["budget", "forces", "people"],
        "verdict": ["error", "correct", "typo"],
        "correction": ["About 42 billion dollars", "", "Pinkston"],
        "evidence": ["defence_budgets 2019", "us_troops", "Troy University news, 19 April 2016"],
        "source": ["Yonhap 2018-12-08", "Reuters 2024", "Troy University 2016"],
        "lesson": ["05", "05", "08"],
    }
)


def test_right_verdict_scores_and_shows_evidence():
    result = judge("c1", "error", FAKE)
    assert result.correct and result.expected == "error"
    assert "Right" in result.message
    assert "42 billion" in result.to_html() and "Yonhap" in result.to_html()


def test_wrong_verdict_gives_the_correction_and_the_right_verdict():
    result = judge("c1", "correct", FAKE)
    assert not result.correct
    assert "'error'" in result.message and "'correct'" in result.message
    assert result.correction == "About 42 billion dollars"
    assert "Correction:" in result.to_html()


def test_correct_claims_need_no_correction():
    assert judge("c2", "correct", FAKE).correction == "None needed."


@pytest.mark.parametrize("verdict", [None, "", "   "])
def test_no_verdict_gives_a_plain_message(verdict):
    with pytest.raises(QuizError, match="no verdict chosen yet"):
        judge("c1", verdict, FAKE)


def test_unknown_verdict_and_claim_are_named():
    with pytest.raises(QuizError, match="'maybe' is not one of the verdicts"):
        judge("c1", "maybe", FAKE)
    with pytest.raises(QuizError, match="No claim called 'zz'"):
        judge("zz", "error", FAKE)


def test_verdict_options_follow_teaching_order():
    assert verdict_options(FAKE)[:3] == ["correct", "error", "typo"]


def test_widget_check_writes_feedback_and_summary(monkeypatch, tmp_path):
    from helpers import quiz
    from helpers.quiz import store as _progress

    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    box = claim_checker(FAKE)
    first, second = box.cards[0], box.cards[1]
    first.check.click()
    assert "no verdict chosen yet" in first.feedback.value
    assert "Checked 0 of 3" in box.summary.value
    first.choice.value = "correct"
    first.check.click()
    assert "Not quite" in first.feedback.value and "42 billion" in first.feedback.value
    first.choice.value = "error"
    first.check.click()
    second.choice.value = "correct"
    second.check.click()
    assert "Right" in first.feedback.value
    assert "Checked 2 of 3" in box.summary.value
    assert "Right on the first try: 1; right now: 2" in box.summary.value
    saved = _progress.load().records
    assert [(r["lesson"], r["question_id"], r["correct"]) for r in saved] == [
        ("08-factcheck", "claim-c1", False), ("08-factcheck", "claim-c1", True), ("08-factcheck", "claim-c2", True)]
    rows, _ = quiz.progress_table()
    mine = next(r for r in rows if r["lesson"] == "08-factcheck")
    assert mine["answered"] == 2 and mine["title"] == factcheck.SAVE_TITLE


def test_feedback_gives_way_when_the_verdict_changes_after_check(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "progress.json"))
    box = claim_checker(FAKE)
    card = box.cards[0]
    card.choice.value = "correct"
    assert card.feedback.value == ""  # no feedback yet: nothing to replace
    card.check.click()
    assert "Not quite" in card.feedback.value
    card.choice.value = "error"  # chosen after Check, or arriving after a click that overtook it
    assert "<strong>Answer changed.</strong>" in card.feedback.value and "Not quite" not in card.feedback.value
    assert "Right on the first try: 0; right now: 0" in box.summary.value  # the score stands until Check
    card.check.click()
    assert "Right" in card.feedback.value
    card.choice.value = "error"  # the same verdict again is no change
    assert "Right" in card.feedback.value
    assert "Answer changed." not in box.cards[1].feedback.value


def test_widget_survives_a_failing_save(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(blocker / "progress.json"))
    box = claim_checker(FAKE)
    box.cards[2].choice.value = "typo"
    box.cards[2].check.click()
    assert "Right" in box.cards[2].feedback.value
    assert "not saved" in box.cards[2].feedback.value


def test_radio_buttons_are_labelled_and_start_empty():
    box = claim_checker(FAKE, save=False)
    for card in box.cards:
        assert card.choice.value is None
        assert card.choice.description and card.check.description == "Check"


# ------------------------------------------------------------ the real dataset


@needs_data
def test_every_real_claim_scores_its_own_verdict_and_corrects_the_others():
    options = verdict_options(REAL)
    assert set(REAL["verdict"].str.lower()) <= set(options)
    for _, row in REAL.iterrows():
        expected = row["verdict"].lower()
        right = judge(row["claim_id"], expected)
        assert right.correct, row["claim_id"]
        for other in options:
            if other == expected:
                continue
            wrong = judge(row["claim_id"], other)
            assert not wrong.correct
            assert wrong.expected == expected
            assert wrong.correction  # a correction (or "None needed.") is always shown
            if expected != "correct":
                assert wrong.correction != "None needed.", row["claim_id"]


@needs_data
def test_answer_key_and_checker_cover_every_claim():
    key = answer_key()
    assert list(key["claim_id"]) == list(REAL["claim_id"])
    box = claim_checker(save=False)
    assert len(box.cards) == len(REAL)
    subset = claim_checker(list(REAL["claim_id"][:2]), save=False)
    assert [c.claim_id for c in subset.cards] == list(REAL["claim_id"][:2].astype(str))
    with pytest.raises(QuizError, match="No claim called"):
        claim_checker(["no-such-claim"])


def test_verdict_summary_counts_every_claim_once():
    from helpers.factcheck import verdict_summary

    text = verdict_summary(FAKE)
    lines = text.splitlines()
    assert lines[0].split() == ["correct", "error", "typo", "total"]
    assert lines[-1].split() == ["all", "claims", "1", "1", "1", "3"]


@needs_data
def test_verdict_summary_matches_the_dataset():
    from helpers.factcheck import verdict_summary

    last = verdict_summary().splitlines()[-1].split()
    assert int(last[-1]) == len(REAL)
    header = verdict_summary().splitlines()[0].split()[:-1]
    counts = REAL["verdict"].str.lower().value_counts()
    assert [int(x) for x in last[2:-1]] == [int(counts[v]) for v in header]


def test_static_copy_lists_claims_but_not_answers():
    box = claim_checker(FAKE, save=False)
    static = box._repr_mimebundle_()["text/html"]
    assert "Daniel Pinkstone" in static
    assert "42 billion" not in static and "Pinkston<" not in static


# ------------------------------------------------- nothing that gives the verdict away


@needs_data
def test_cards_show_no_claim_id_or_theme():
    box = claim_checker(save=False)
    themes = set(REAL["theme"].astype(str))
    for n, card in enumerate(box.cards, 1):
        header = card.children[0].value
        title = header.split("</h4>")[0]
        assert f"Claim {n} of {len(REAL)}" in title
        assert card.claim_id not in header
        assert not any(f"({t}" in title or f", {t}" in title for t in themes)
    static = box._repr_mimebundle_()["text/html"]
    assert not any(cid in static for cid in REAL["claim_id"])


@needs_data
def test_full_checker_mixes_verdicts_from_the_first_cards():
    box = claim_checker(save=False)
    verdict = dict(zip(REAL["claim_id"], REAL["verdict"].str.lower()))
    shown = [verdict[c.claim_id] for c in box.cards]
    assert sorted(c.claim_id for c in box.cards) == sorted(REAL["claim_id"])
    assert len(set(shown[:6])) >= 3
    assert all(a != b for a, b in zip(shown[:6], shown[1:6]))
    assert [c.claim_id for c in claim_checker(save=False).cards] == [c.claim_id for c in box.cards]


def test_card_order_is_a_fixed_permutation():
    table = pd.DataFrame({"verdict": ["typo"] * 5 + ["error"] * 3 + ["correct"] * 3})
    order = factcheck.card_order(table)
    assert sorted(order) == list(range(len(table)))
    assert order == factcheck.card_order(table)
    assert len({table["verdict"][i] for i in order[:6]}) == 3


def test_check_buttons_look_like_the_quizs():
    box = claim_checker(FAKE, save=False)
    for card in box.cards:
        assert card.check.button_style == "primary" and card.check.icon == "check"


@needs_data
def test_every_claim_has_a_confidence_and_no_text_typeset_as_maths():
    assert set(REAL["confidence"]) <= {"high", "medium", "low"}
    assert REAL["confidence"].notna().all()
    for _, row in REAL.iterrows():
        for col in ("quote", "correction", "evidence"):
            assert str(row[col]).count("$") <= 1, (row["claim_id"], col)
    result = judge("ac32", "correct")
    assert result.correct and result.confidence == "medium"
    assert "How sure the course is" in result.to_html()


@needs_data
def test_the_added_claims_are_there_with_their_verdicts():
    verdict = dict(zip(REAL["claim_id"], REAL["verdict"]))
    assert verdict["ac31"] == "imprecise" and verdict["ac32"] == "correct"
    quotes = " ".join(REAL["quote"])
    for phrase in ("ceased to abide", "no assistant secretary of state", "resignation", "single unnamed source"):
        assert phrase in quotes
    assert "(first mention)" not in quotes and "pre-GSOMIA" not in quotes


# ------------------------------------------------------------ spot the claims


def test_spot_claims_compares_picks_with_the_course():
    sentences = factcheck.SPOTTER_SENTENCES
    right = [i + 1 for i, s in enumerate(sentences) if s["checkable"]]
    results = factcheck.spot_claims(right)
    assert all(r.agrees for r in results)
    results = factcheck.spot_claims([])
    assert sum(r.agrees for r in results) == len(sentences) - len(right)
    assert 2 <= len(right) <= len(sentences) - 2
    with pytest.raises(QuizError, match="no sentence 99"):
        factcheck.spot_claims([99])
    with pytest.raises(QuizError, match="numbers of the sentences"):
        factcheck.spot_claims(["one"])


def test_claim_spotter_widget_gives_reasons_and_a_count():
    shown = factcheck.claim_spotter()
    assert shown.check.button_style == "primary"
    first_checkable = next(i for i, s in enumerate(factcheck.SPOTTER_SENTENCES) if s["checkable"])
    shown.boxes[first_checkable].value = True
    shown.check.click()
    n = len(factcheck.SPOTTER_SENTENCES)
    assert f"agree on {n - sum(s['checkable'] for s in factcheck.SPOTTER_SENTENCES) + 1} of {n}" in shown.feedback.value
    assert factcheck.SPOTTER_SENTENCES[0]["why"].split(":")[0] in shown.feedback.value
    assert "$" not in shown._repr_mimebundle_()["text/html"]


def test_static_copy_is_not_typeset_as_maths():
    # ac07 and ac27 quote dollar amounts; between two "$" a renderer would typeset maths
    static = factcheck.claim_checker(save=False)._repr_mimebundle_()["text/html"]
    assert static.count("$") >= 2
    assert static.startswith('<div class="tex2jax_ignore">')
