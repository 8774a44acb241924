"""Lesson 10 against the data and the model it reads (December 2026 review).

The opinion row of the comparison must follow the ``opinion`` dataset as it grows (it
gained 2025 rounds by another method), and the model calls lessons 09 and 10 describe
must give the results their text states.
"""
from __future__ import annotations

from helpers import comparison, models
from helpers.data import load_dataset


def test_opinion_row_shows_each_sides_latest_round_and_flags_a_changed_method():
    op = load_dataset("opinion")
    op = op.loc[op["measure"] == "good_impression"]
    row = comparison.then_and_now().set_index("aspect").loc["Public opinion"]
    for who in ("koreans_on_japan", "japanese_on_korea"):
        side = op.loc[op["respondents"] == who]
        latest = side.loc[side["year"] == side["year"].max()].iloc[-1]
        assert f"{latest['value_pct']:.1f}%" in row["2025-26"]
        if not latest["comparable"]:
            assert "not comparable with earlier rounds" in row["2025-26"]
        then = side.loc[side["year"] == 2019].iloc[-1]
        assert f"{then['value_pct']:.1f}%" in row["January 2019"]


def test_lesson_09_model_runs_give_the_labels_its_text_states():
    # Cha alone, then the balance-of-threat term with North Korea only and with China averaged in.
    cha = models.quasi_alliance(0.7, 0.7, shared_threat=0.8)
    nk = models.quasi_alliance(0.7, 0.7, shared_threat=0.8, balance_of_threat=True)
    avg = models.quasi_alliance(0.7, 0.7, shared_threat=0.55, balance_of_threat=True)
    assert (cha.label, nk.label, avg.label) == ("friction", "cooperation", "mixed")


def test_lesson_10_model_answer_scores():
    kw = dict(korea_fears_abandonment_by_japan=0.5, japan_fears_entrapment_by_korea=0.5)
    alone = models.quasi_alliance(0.5, 0.5, 0.5, 0.3, **kw)
    both = models.quasi_alliance(0.5, 0.5, 0.5, 0.3, **kw, balance_of_threat=True, historical_enmity=True)
    assert (alone.label, round(alone.score, 2)) == ("cooperation", 0.25)
    assert (both.label, round(both.score, 2)) == ("cooperation", 0.35)
    # At the level-1 defaults the same US coding lands exactly on the cooperation threshold.
    assert round(models.quasi_alliance(0.5, 0.5).score, 2) == 0.15


def test_explorer_has_the_six_sliders_and_two_switches_lesson_10_describes():
    box = models.model_explorer(chart=False)
    sliders, switches = box.sliders, box.switches
    assert len(sliders) == 6 and set(switches) == {"balance_of_threat", "historical_enmity"}
