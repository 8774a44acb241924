"""helpers.factcheck: the cases its mutation run showed untested (docs/mutation.md).

The claim spotter as a student meets it (its boxes, button, feedback and static copy,
also for a teacher's own sentences), the answer key's columns and rows, and the
scorecard of a table passed in.
"""
from __future__ import annotations

import random

import ipywidgets  # noqa: F401 - imported once at collection, not in every mutant's run

import pandas as pd
import pytest

from helpers import factcheck
from helpers.errors import QuizError

MINE = (
    {"text": "Pyeongtaek is 65 km south of Seoul.", "checkable": True, "why": "A distance: a map settles it."},
    {"text": "It is a bluff.", "checkable": False, "why": "A belief about intentions."},
)

FAKE = pd.DataFrame({
    "claim_id": ["c1", "c2", "c3", "c4"],
    "quote": ["A budget of 42 million", "About 28,500 troops", "A joke", "Daniel Pinkstone said"],
    "theme": ["budget", "forces", "people", "people"],
    "verdict": ["error", "correct", "satire", "typo"],
    "correction": ["About 42 billion dollars", "", "", "Pinkston"],
    "evidence": ["defence_budgets 2019", "us_troops", "-", "Troy University news"],
    "source": ["Yonhap 2018-12-08", "Reuters 2024", "-", "Troy University 2016"],
    "lesson": ["05", "05", "08", "08"],
})


# ------------------------------------------------------------ spot the claims


def test_spot_claims_accepts_the_last_sentence_and_returns_each_sentence_text():
    results = factcheck.spot_claims([2], MINE)
    assert [r.text for r in results] == [s["text"] for s in MINE]
    assert [(r.picked, r.checkable, r.agrees) for r in results] == [(False, True, False), (True, False, False)]
    with pytest.raises(QuizError, match=r"There is no sentence 3\. Fix: use numbers from 1 to 2\."):
        factcheck.spot_claims([3], MINE)
    with pytest.raises(QuizError, match="no sentence 0"):
        factcheck.spot_claims([0, 1], MINE)


def test_the_spotter_feedback_gives_each_sentence_its_kind_and_reason():
    shown = factcheck.claim_spotter(MINE)
    shown.boxes[0].value = True  # the checkable one: both picks agree
    shown.check.click()
    page = shown.feedback.value
    assert "You and the course agree on 2 of 2 sentences." in page
    assert "<li><strong>1.</strong> checkable; your pick agrees with the course. A distance: a map settles it.</li>" in page
    assert ("<li><strong>2.</strong> not checkable (a view, belief or forecast); your pick agrees with the course. "
            "A belief about intentions.</li>") in page


def test_the_spotter_boxes_start_unticked_numbered_and_full_width():
    shown = factcheck.claim_spotter(MINE)
    assert [b.description for b in shown.boxes] == ["1. Pyeongtaek is 65 km south of Seoul.", "2. It is a bluff."]
    for box in shown.boxes:
        assert box.value is False
        assert box.indent is False  # the sentence starts at the left edge, not after a label gap
        assert box.layout.width.lower() == "auto"


def test_the_spotter_button_looks_like_the_quizs_check_buttons():
    button = factcheck.claim_spotter(MINE).check
    assert button.description == "Compare with the course"
    assert button.button_style == "primary" and button.icon == "check"
    assert button.tooltip == "Compare your picks with the course's"
    assert button.layout.width.lower() == "auto"


def test_the_spotter_shows_its_instruction_first_and_has_a_static_copy():
    shown = factcheck.claim_spotter(MINE)
    assert "<strong>Step 1.</strong> Tick every sentence" in shown.widget.children[0].value
    bundle = shown._repr_mimebundle_()
    page = bundle["text/html"]
    assert "This exercise needs a running notebook." in page
    assert "<li>Pyeongtaek is 65 km south of Seoul.</li><li>It is a bluff.</li>" in page
    assert bundle["text/plain"] == "Spot the checkable claims: 2 sentences."


# ------------------------------------------------------------ key and scorecard


def test_the_answer_key_has_the_key_columns_in_order_and_only_the_claims_asked_for():
    key = factcheck.answer_key(FAKE)
    assert list(key.columns) == ["claim_id", "theme", "verdict", "correction", "evidence", "source", "lesson"]
    real = factcheck.answer_key(["ac31", "ac32"])
    assert list(real["claim_id"]) == ["ac31", "ac32"]
    assert list(real.columns) == ["claim_id", "theme", "verdict", "confidence", "correction", "evidence", "source",
                                  "lesson"]


def test_the_scorecard_of_a_table_passed_in_counts_its_own_verdicts():
    # budget: 1 error; forces: 1 correct; people: 1 typo and 1 "satire" (a verdict the
    # dataset does not have). Columns in teaching order, then the others: correct, error,
    # typo, satire (alphabetical order would put satire before typo).
    text = factcheck.verdict_summary(FAKE)
    lines = text.splitlines()
    assert lines[0].split() == ["correct", "error", "typo", "satire", "total"]
    rows = {" ".join(line.split()[:-5]): line.split()[-5:] for line in lines[1:]}
    assert rows == {"budget": ["0", "1", "0", "0", "1"], "forces": ["1", "0", "0", "0", "1"],
                    "people": ["0", "0", "1", "1", "2"], "all claims": ["1", "1", "1", "1", "4"]}
    assert len(lines) == 5  # a header and four rows: no line for an index or column name


def test_the_feedback_html_shows_the_verdict_by_words_and_border_and_the_evidence():
    right = factcheck.judge("c1", "error", FAKE).to_html()
    assert "border-left:4px solid #15803d" in right  # green for a right verdict
    assert "<p><em>Evidence:</em> defence_budgets 2019</p>" in right
    assert right.rstrip().endswith("</div>")  # saved: no note under it
    wrong = factcheck.judge("c1", "correct", FAKE).to_html(save_note="Answer checked but not saved.")
    assert "border-left:4px solid #b45309" in wrong  # amber for a wrong one
    assert wrong.rstrip().endswith("<p><small>Answer checked but not saved.</small></p>")


# ------------------------------------------------------------ judging and saving


def test_a_right_verdict_is_named_with_its_article_and_meaning():
    assert factcheck.judge("c1", "error", FAKE).message == (
        "Right: this is an error (a factual mistake: a wrong number, date, name or event).")
    assert factcheck.judge("c4", "typo", FAKE).message == (
        "Right: this is a typo (a slip of spelling or grammar that does not change the facts).")


def test_a_table_passed_in_offers_its_own_verdicts():
    # "satire" is no verdict of the dataset, but it is one of this table's
    result = factcheck.judge("c3", "Satire", FAKE)
    assert result.correct and result.chosen == "satire"
    assert factcheck.verdict_options(FAKE) == ["correct", "error", "typo", "satire"]


def test_a_checked_claim_is_saved_with_the_verdict_chosen(monkeypatch, tmp_path):
    from helpers.quiz import store

    path = tmp_path / "progress.json"
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(path))
    box = factcheck.claim_checker(FAKE.head(1), save=True)
    card = box.cards[0]
    card.choice.value = "error"
    card.check.click()
    (record,) = store.load(path).records
    assert (record["lesson"], record["question_id"], record["answer"], record["correct"]) == (
        "08-factcheck", "claim-c1", "error", True)


# ------------------------------------------------------------ card order


def _shuffled(n, seed):
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


def _verdicts(order, head, rest="unverified"):
    """Verdicts by row position: the cards at order[:len(head)] get ``head``, the others ``rest``."""
    verdicts = [rest] * len(order)
    for pos, verdict in zip(order, head):
        verdicts[pos] = verdict
    return pd.DataFrame({"verdict": verdicts})


def _mixed(table, order, first=6):
    v = list(table["verdict"])
    head = [v[i] for i in order[:first]]
    return len(set(head)) >= min(3, len(set(v))) and all(a != b for a, b in zip(head, head[1:]))


def test_the_first_shuffle_is_kept_when_its_first_six_cards_are_mixed():
    # the shuffle seeded 2019 gives its first six cards three verdicts, no two neighbours
    # alike, so it is the order; the 7th card repeats the 6th (only the first six count)
    order = _shuffled(10, 2019)
    table = _verdicts(order, ["error", "typo", "correct", "error", "typo", "correct", "correct"])
    assert factcheck.card_order(table) == order
    assert factcheck.card_order(table, first=6, seed=2019) == order


def test_the_next_seed_is_tried_when_the_first_shuffle_is_not_mixed():
    # 18 cards: seed 2020's first six get three verdicts; seed 2019's first two cards are
    # both among the other twelve, all "unverified", so that order has alike neighbours
    second = _shuffled(18, 2020)
    table = _verdicts(second, ["error", "typo", "correct", "error", "typo", "correct"])
    assert not _mixed(table, _shuffled(18, 2019))  # the premise
    assert factcheck.card_order(table) == second


def test_a_table_that_cannot_be_mixed_keeps_its_order():
    # one verdict only: neighbours always share it, so no shuffle qualifies
    assert factcheck.card_order(pd.DataFrame({"verdict": ["error"] * 7})) == list(range(7))


def test_judge_returns_every_field_of_the_feedback():
    # a right "correct": the fixed message and "None needed." for its empty correction;
    # this table has no confidence column, so the confidence is ""
    assert factcheck.judge("c2", "Correct", FAKE) == factcheck.Result(
        claim_id="c2", chosen="correct", expected="correct", correct=True,
        message="Right: this claim holds up against the evidence.", correction="None needed.",
        evidence="us_troops", source="Reuters 2024", confidence="")
    # a wrong verdict: what was chosen, the course's verdict with its meaning, and what to read
    assert factcheck.judge("c1", "typo", FAKE) == factcheck.Result(
        claim_id="c1", chosen="typo", expected="error", correct=False,
        message=("Not quite: you chose 'typo', the course's verdict is 'error' (a factual mistake: a wrong "
                 "number, date, name or event). Read the correction and the evidence below."),
        correction="About 42 billion dollars", evidence="defence_budgets 2019", source="Yonhap 2018-12-08")


def test_a_verdict_without_a_meaning_and_without_a_correction_adds_neither():
    result = factcheck.judge("c3", "error", FAKE)
    assert result.message == ("Not quite: you chose 'error', the course's verdict is 'satire'. "
                              "Read the correction and the evidence below.")
    assert result.correction == ""  # only a "correct" claim gets "None needed."


# ------------------------------------------------------------ the checker widget


def test_the_checker_of_a_table_offers_its_verdicts_and_explains_them_in_the_legend():
    box = factcheck.claim_checker(FAKE, save=False)
    assert [tuple(card.choice.options) for card in box.cards] == [("correct", "error", "typo", "satire")] * 4
    legend = box.children[0].value
    # each verdict with its meaning; one without a meaning is explained by its name
    assert ("<em>correct</em> = the claim matches the evidence; "
            "<em>error</em> = a factual mistake: a wrong number, date, name or event; "
            "<em>typo</em> = a slip of spelling or grammar that does not change the facts; "
            "<em>satire</em> = satire.") in legend


def test_each_card_shows_its_number_and_quote_and_a_labelled_check():
    box = factcheck.claim_checker(FAKE, save=False)
    card = box.cards[3]
    header = card.children[0].value
    assert "Claim 4 of 4" in header and "<blockquote" in header and "Daniel Pinkstone said</blockquote>" in header
    assert card.choice.description == "Verdict:"
    assert card.choice.layout.width.lower() == "auto"
    assert card.check.tooltip == "Check your verdict on claim 4"
    assert card.check.layout.width.lower() == "auto"


def test_a_checker_of_some_claim_ids_judges_them_against_every_verdict():
    # a list of ids: the claims come from the dataset, and every verdict may be chosen
    box = factcheck.claim_checker(["ac31", "ac32"], save=False)
    assert [card.claim_id for card in box.cards] == ["ac31", "ac32"]
    card = box.cards[1]  # ac32: "correct"
    card.choice.value = "typo"
    card.check.click()
    assert "Not quite: you chose &#39;typo&#39;, the course&#39;s verdict is &#39;correct&#39;" in card.feedback.value


def test_a_table_with_a_column_called_index_still_makes_a_checker():
    box = factcheck.claim_checker(FAKE.assign(index=[10, 11, 12, 13]), save=False)
    assert [card.claim_id for card in box.cards] == ["c1", "c2", "c3", "c4"]


def test_a_checker_without_saving_writes_nothing_and_shows_no_note(monkeypatch, tmp_path):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(path))
    box = factcheck.claim_checker(FAKE, save=False)
    card = box.cards[0]
    card.choice.value = "error"
    card.check.click()
    assert not path.exists()
    assert card.feedback.value.rstrip().endswith("</div>")  # no save note under the feedback
    assert box.results == {"c1": True}


def test_a_card_is_a_bordered_padded_box():
    card = factcheck.claim_checker(FAKE, save=False).cards[0]
    assert card.layout.border_left == "1px solid #d1d5db" and card.layout.border_top == "1px solid #d1d5db"
    assert card.layout.padding.lower() == "0.4em" and card.layout.margin == "0.4em 0"


def test_the_checker_of_one_claim_id_and_its_static_copy():
    box = factcheck.claim_checker("ac32", save=False)  # one id as a string, not its letters
    assert [card.claim_id for card in box.cards] == ["ac32"]
    bundle = factcheck.claim_checker(FAKE, save=False)._repr_mimebundle_()
    assert "The claim checker needs a running notebook (open it in Jupyter). The 4 claims to judge are:" in (
        bundle["text/html"])
    assert bundle["text/plain"] == "Claim checker: 4 claims. Open the notebook in Jupyter to check them."
