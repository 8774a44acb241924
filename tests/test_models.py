"""The theory model behaves as Snyder's and Cha's arguments say, and fails politely.

Scores are pinned to values computed by hand from the formula in helpers/models.py
(arithmetic in the comments), so changing a weight or a threshold fails a test.
Defaults: level-1 fears 0.7 each, so the Japan-Korea asymmetry B = min(0.7, 0.7) = 0.7;
score = F - G - B * (1 - F) [+ 0.5 * threat] [- 0.5 * history], where F is the shared
fear of US abandonment and G the gap between the two fears.
"""
from __future__ import annotations

import itertools
import re

import pandas as pd
import pytest

from helpers.errors import CourseError
from helpers.models import (
    ASSUMPTIONS,
    EXERCISE_EPISODE,
    ModelInputError,
    compare_with_episodes,
    episode_parameters,
    hypothesis_table,
    model_explorer,
    quasi_alliance,
)

GRID = [0.0, 0.25, 0.5, 0.75, 1.0]


# ------------------------------------------------------------ Cha's three cases, pinned


def test_both_secure_gives_friction_chas_normal_state():
    # fears 0.2 and 0.2: F = 0.2, G = 0; 0.2 - 0 - 0.7 * (1 - 0.2) = 0.2 - 0.56 = -0.36
    pred = quasi_alliance(0.8, 0.8)
    assert pred.score == pytest.approx(-0.36, abs=1e-12)
    assert pred.label == "friction"
    assert pred.more_fearful is None


def test_shared_fear_of_us_abandonment_gives_cooperation():
    # fears 0.7 and 0.7: F = 0.7, G = 0; 0.7 - 0 - 0.7 * 0.3 = 0.7 - 0.21 = +0.49
    pred = quasi_alliance(0.3, 0.3)
    assert pred.score == pytest.approx(0.49, abs=1e-12)
    assert pred.label == "cooperation"
    assert pred.fear_japan == pytest.approx(0.7) and pred.fear_korea == pytest.approx(0.7)


def test_asymmetric_fears_of_the_us_give_friction_and_name_the_more_fearful_ally():
    # fears 0.2 (Japan) and 0.7 (Korea): F = 0.2, G = 0.5; 0.2 - 0.5 - 0.7 * 0.8 = -0.86
    pred = quasi_alliance(0.8, 0.3)
    assert pred.score == pytest.approx(-0.86, abs=1e-12)
    assert pred.label == "friction"
    assert pred.more_fearful == "South Korea"
    assert "entrapped" in pred.explain()
    flipped = quasi_alliance(0.3, 0.8)
    assert flipped.more_fearful == "Japan"
    assert flipped.score == pytest.approx(pred.score)  # level 2 treats both allies alike


def test_without_the_level1_asymmetry_both_secure_is_no_longer_friction():
    # Korea expects nothing of Japan: B = min(0.0, 0.7) = 0; score = 0.2 - 0 - 0 = +0.2
    pred = quasi_alliance(0.8, 0.8, korea_fears_abandonment_by_japan=0.0)
    assert pred.bilateral_asymmetry == 0.0
    assert pred.score == pytest.approx(0.2, abs=1e-12)
    assert pred.label == "cooperation"
    # B is the smaller of the two level-1 fears: min(0.9, 0.4) = 0.4; 0.2 - 0.4 * 0.8 = -0.12
    part = quasi_alliance(0.8, 0.8, korea_fears_abandonment_by_japan=0.9, japan_fears_entrapment_by_korea=0.4)
    assert part.bilateral_asymmetry == pytest.approx(0.4)
    assert part.score == pytest.approx(-0.12, abs=1e-12)
    assert part.label == "mixed"


def test_clipping_at_minus_one():
    # fears 0.0 and 1.0: F = 0, G = 1; 0 - 1 - 0.7 * 1 = -1.7, clipped to -1
    pred = quasi_alliance(1.0, 0.0)
    assert pred.score == -1.0
    assert "clipped" in pred.explain()


# ---------------------------------------------------------------- the two hypotheses


def test_hypotheses_are_off_by_default_and_their_inputs_then_do_not_count():
    assert quasi_alliance(0.8, 0.8, 0.0, 0.0).score == quasi_alliance(0.8, 0.8, 1.0, 1.0).score
    pred = quasi_alliance(0.8, 0.8)
    assert pred.hypotheses == ()
    assert "(off)" in pred.explain()


def test_balance_of_threat_adds_half_the_threat():
    # both secure with threat 0.7: -0.36 + 0.5 * 0.7 = -0.01 -> mixed
    pred = quasi_alliance(0.8, 0.8, shared_threat=0.7, balance_of_threat=True)
    assert pred.score == pytest.approx(-0.01, abs=1e-12)
    assert pred.label == "mixed"
    assert pred.hypotheses == ("balance_of_threat",)


def test_historical_enmity_subtracts_half_the_history():
    # both doubt with history 0.5: 0.49 - 0.5 * 0.5 = +0.24 -> cooperation
    pred = quasi_alliance(0.3, 0.3, history_salience=0.5, historical_enmity=True)
    assert pred.score == pytest.approx(0.24, abs=1e-12)
    assert pred.label == "cooperation"
    heated = quasi_alliance(0.3, 0.3, history_salience=1.0, historical_enmity=True)
    # 0.49 - 0.5 = -0.01 -> mixed
    assert heated.score == pytest.approx(-0.01, abs=1e-12) and heated.label == "mixed"


@pytest.mark.parametrize("cj,ck,hist", list(itertools.product(GRID, GRID, [0.0, 0.5, 1.0])))
def test_score_never_falls_as_shared_threat_rises(cj, ck, hist):
    scores = [quasi_alliance(cj, ck, t, hist, balance_of_threat=True, historical_enmity=True).score for t in GRID]
    assert all(b >= a for a, b in zip(scores, scores[1:]))


def test_widening_the_gap_in_commitment_never_helps_cooperation():
    scores = [quasi_alliance(0.5 + gap / 2, 0.5 - gap / 2).score for gap in (0, 0.2, 0.4, 0.6, 0.8)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


# ------------------------------------------------------------------------ thresholds


def test_a_score_exactly_on_a_threshold_takes_the_threshold_label():
    # 0.5/0.5: F = 0.5; 0.5 - 0.7 * 0.5 = 0.15 exactly -> cooperation (>= +0.15)
    on_coop = quasi_alliance(0.5, 0.5)
    assert on_coop.score == pytest.approx(0.15, abs=1e-12)
    assert on_coop.label == "cooperation"
    # 0.15 - 0.5 * 0.6 = -0.15 exactly -> friction (<= -0.15)
    on_fric = quasi_alliance(0.5, 0.5, history_salience=0.6, historical_enmity=True)
    assert on_fric.score == pytest.approx(-0.15, abs=1e-12)
    assert on_fric.label == "friction"
    # 0.7/0.7 with threat 0.08: -0.19 + 0.04 = -0.15 exactly -> friction
    assert quasi_alliance(0.7, 0.7, 0.08, balance_of_threat=True).label == "friction"


def test_scores_just_inside_the_thresholds_are_mixed():
    # 0.15 - 0.5 * 0.02 = 0.14 -> mixed; 0.15 - 0.5 * 0.58 = -0.14 -> mixed
    assert quasi_alliance(0.5, 0.5, history_salience=0.02, historical_enmity=True).label == "mixed"
    assert quasi_alliance(0.5, 0.5, history_salience=0.58, historical_enmity=True).label == "mixed"
    # 0.15 - 0.5 * 0.62 = -0.16 -> friction; 0.15 + 0.5 * 0.02 = 0.16 -> cooperation
    assert quasi_alliance(0.5, 0.5, history_salience=0.62, historical_enmity=True).label == "friction"
    assert quasi_alliance(0.5, 0.5, shared_threat=0.02, balance_of_threat=True).label == "cooperation"


def test_the_thresholds_are_the_documented_ones():
    assert ASSUMPTIONS["cooperation_at_or_above"] == 0.15
    assert ASSUMPTIONS["friction_at_or_below"] == -0.15


def test_every_slider_combination_is_labelled_by_its_exact_score():
    """On the explorer's 0.05 grid, labels follow the exact decimal score (no float slips)."""
    from fractions import Fraction

    steps = [Fraction(i, 20) for i in range(21)]
    for cj, ck in itertools.product(steps[::2], steps[::2]):
        for h in steps[::4]:
            pred = quasi_alliance(float(cj), float(ck), history_salience=float(h), historical_enmity=True)
            fj, fk = 1 - cj, 1 - ck
            f, g = min(fj, fk), abs(fj - fk)
            exact = f - g - Fraction(7, 10) * (1 - f) - Fraction(1, 2) * h
            exact = max(Fraction(-1), min(Fraction(1), exact))
            want = ("cooperation" if exact >= Fraction(15, 100)
                    else "friction" if exact <= Fraction(-15, 100) else "mixed")
            assert pred.label == want, (cj, ck, h, exact)
            assert pred.score == pytest.approx(float(exact), abs=1e-12)


def test_terms_add_up_to_the_score():
    for cj, ck, t, h in itertools.product(GRID, GRID, GRID, [0.0, 1.0]):
        pred = quasi_alliance(cj, ck, t, h, balance_of_threat=True, historical_enmity=True)
        total = max(-1.0, min(1.0, sum(pred.terms.values())))
        assert pred.score == pytest.approx(total)
        assert -1.0 <= pred.score <= 1.0


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"us_commitment_japan": 1.2, "us_commitment_korea": 0.5}, "us_commitment_japan"),
        ({"us_commitment_japan": 0.5, "us_commitment_korea": -0.1}, "us_commitment_korea"),
        ({"us_commitment_japan": 0.5, "us_commitment_korea": 0.5, "shared_threat": 70}, "shared_threat"),
        ({"us_commitment_japan": 0.5, "us_commitment_korea": 0.5, "history_salience": 2}, "history_salience"),
        ({"us_commitment_japan": 0.5, "us_commitment_korea": 0.5, "korea_fears_abandonment_by_japan": 1.5},
         "korea_fears_abandonment_by_japan"),
        ({"us_commitment_japan": "high", "us_commitment_korea": 0.5}, "us_commitment_japan"),
        ({"us_commitment_japan": float("nan"), "us_commitment_korea": 0.5}, "us_commitment_japan"),
    ],
)
def test_bad_inputs_raise_a_plain_course_error(kwargs, needle):
    with pytest.raises(ModelInputError) as info:
        quasi_alliance(**kwargs)
    assert isinstance(info.value, CourseError)
    message = str(info.value)
    assert needle in message and "between 0 and 1" in message and "Fix:" in message


def test_a_switch_that_is_not_true_or_false_is_refused():
    with pytest.raises(ModelInputError, match="balance_of_threat.*True or False"):
        quasi_alliance(0.5, 0.5, balance_of_threat="yes")


# -------------------------------------------------------------------------- explorer


def test_explorer_rewrites_explanation_and_chart_when_sliders_move():
    box = model_explorer(chart=True)
    before_text, before_chart = box.explanation.value, box.chart.value
    assert "Prediction: friction" in before_text  # both secure by default: Cha's normal state
    assert "<img" in before_chart and 'alt="' in before_chart
    box.sliders["us_commitment_japan"].value = 0.2
    box.sliders["us_commitment_korea"].value = 0.2
    assert box.explanation.value != before_text
    assert box.chart.value != before_chart
    assert "Prediction: cooperation" in box.explanation.value
    assert box.prediction == quasi_alliance(0.2, 0.2)
    box.sliders["us_commitment_japan"].value = 0.95
    assert "Prediction: friction" in box.explanation.value
    assert "Japan feels safer" in box.explanation.value


def test_explorer_switches_add_the_hypotheses():
    box = model_explorer(chart=False)
    box.sliders["shared_threat"].value = 0.7
    assert box.prediction.score == pytest.approx(-0.36)  # threat off
    box.switches["balance_of_threat"].value = True
    assert box.prediction.score == pytest.approx(-0.01)  # -0.36 + 0.35
    assert "Balance-of-threat hypothesis (on)" in box.explanation.value
    box.switches["historical_enmity"].value = True
    assert box.prediction.score == pytest.approx(-0.26)  # -0.01 - 0.5 * 0.5
    assert box.prediction.hypotheses == ("balance_of_threat", "historical_enmity")


def test_explorer_controls_are_labelled():
    box = model_explorer(chart=False)
    assert len(box.sliders) == 6 and len(box.switches) == 2
    assert all(s.description for s in [*box.sliders.values(), *box.switches.values()])
    assert box.chart.value == ""


def test_explorer_rejects_bad_start_values():
    with pytest.raises(ModelInputError):
        model_explorer(shared_threat=1.5)
    with pytest.raises(ModelInputError):
        model_explorer(historical_enmity=1)


# ------------------------------------------------------------------ episodes

FAKE = pd.DataFrame(
    {
        "episode_id": ["a", "b", "c"],
        "start_year": [1969, 1972, 1980],
        "end_year": [1971, 1974, 1988],
        "label": ["A", "B", "C"],
        "us_posture": ["weakening", "weakening", "strong"],
        "korea_abandonment_fear": ["high", "high", "low"],
        "japan_abandonment_fear": ["high", "low", "low"],
        "shared_threat": ["high", "moderate", "high"],
        "observed_relations": ["cooperation", "friction", "friction"],
        "summary": ["", "", ""],
        "source": ["", "", ""],
    }
)
LOW, HIGH = 0.3, 0.7  # perceived commitment when the coded fear is high / low


def test_episode_parameters_turn_coded_fears_into_commitments():
    params = episode_parameters(FAKE)
    assert set(params) == {"a", "b", "c"}
    assert params["a"] == {"us_commitment_japan": LOW, "us_commitment_korea": LOW, "shared_threat": 0.7}
    assert params["b"] == {"us_commitment_japan": HIGH, "us_commitment_korea": LOW, "shared_threat": 0.5}
    numeric = FAKE.assign(us_commitment_japan=[0.1, None, None])
    assert episode_parameters(numeric)["a"]["us_commitment_japan"] == 0.1
    assert episode_parameters(numeric)["b"]["us_commitment_japan"] == HIGH


def test_episode_parameters_reject_unknown_fear_words():
    with pytest.raises(ModelInputError, match="japan_abandonment_fear"):
        episode_parameters(FAKE.assign(japan_abandonment_fear=["dread", "low", "low"]))


def test_comparison_uses_the_coding_and_adds_the_exercise_episode():
    table = compare_with_episodes(episodes=FAKE)
    assert list(table["episode"]) == ["a", "b", "c"]
    expected = [quasi_alliance(**episode_parameters(FAKE)[e]).label for e in "abc"]
    assert list(table["model"]) == expected
    assert expected[:2] == ["cooperation", "friction"]  # Cha's symmetric and asymmetric cases
    assert list(table["observed"]) == ["cooperation", "friction", "friction"]
    assert list(table["match"]) == ["yes" if m == o else "no" for m, o in zip(expected, table["observed"])]
    ex = EXERCISE_EPISODE["episode_id"]
    mine = compare_with_episodes(
        {ex: {"us_commitment_japan": 0.7, "us_commitment_korea": 0.4, "shared_threat": 0.4,
              "history_salience": 0.9}},
        episodes=FAKE,
    )
    row = mine[mine["episode"] == ex].iloc[0]
    assert row["observed"] == "" and row["match"] == ""
    assert row["model"] == quasi_alliance(0.7, 0.4, 0.4, 0.9).label
    assert row["years"] == f"{EXERCISE_EPISODE['start_year']}-{EXERCISE_EPISODE['end_year']}"


def test_comparison_lets_students_override_one_input():
    base = compare_with_episodes(episodes=FAKE).set_index("episode")
    tweaked = compare_with_episodes({"c": {"korea_fears_abandonment_by_japan": 0.2}}, episodes=FAKE).set_index("episode")
    # c: F = 0.3; base 0.3 - 0.7 * 0.7 = -0.19; with B = 0.2: 0.3 - 0.2 * 0.7 = +0.16
    assert base.loc["c", "score"] == -0.19 and tweaked.loc["c", "score"] == 0.16
    assert tweaked.loc["c", "model"] == "cooperation"
    assert tweaked.loc["a", "score"] == base.loc["a", "score"]
    heated = compare_with_episodes({"c": {"history_salience": 1.0}}, episodes=FAKE, historical_enmity=True)
    # every episode loses 0.5 * its history (0.5 by default, 1.0 for c): c = -0.19 - 0.5 = -0.69
    assert heated.set_index("episode").loc["c", "score"] == -0.69
    assert heated.set_index("episode").loc["a", "score"] == 0.24  # 0.49 - 0.25


def test_comparison_refuses_unknown_input_names():
    with pytest.raises(ModelInputError, match="no input called 'threat'"):
        compare_with_episodes({"a": {"threat": 0.5}}, episodes=FAKE)


def test_comparison_names_unknown_episodes():
    with pytest.raises(ModelInputError, match="no episode called 'nope'"):
        compare_with_episodes({"nope": {}}, episodes=FAKE)


def test_comparison_on_the_course_dataset():
    from helpers.data import load_dataset

    episodes = load_dataset("alliance_episodes")  # broken data fails, never skips
    table = compare_with_episodes()
    coded = episodes[episodes["observed_relations"].fillna("").str.strip() != ""]
    assert list(table["episode"]) == list(coded["episode_id"])
    assert EXERCISE_EPISODE["episode_id"] not in set(episodes["episode_id"])  # left for students
    assert set(table["model"]) <= {"cooperation", "mixed", "friction"}
    assert (table["observed"] != "").all()


def test_scenarios_reproduce_chas_three_cases():
    from helpers.models import scenario_table

    table = scenario_table().set_index("world")
    assert table.loc["both allies doubt the US", "model"] == "cooperation"
    assert table.loc["one ally doubts the US", "model"] == "friction"
    assert table.loc["both allies feel secure", "model"] == "friction"
    assert list(table["score"]) == [0.49, -0.86, -0.36]  # see the pinned tests above


def test_course_episodes_pinned():
    """The lesson's comparison table, computed by hand from the coding in alliance_episodes."""
    table = compare_with_episodes().set_index("episode")
    # 1969-71, 1975-79: fears 0.7/0.7: 0.7 - 0.21 = +0.49; 1972-74: fears 0.3/0.7: 0.3 - 0.4 - 0.49 = -0.59
    # 1980-82, 1983-88: fears 0.3/0.3: 0.3 - 0.49 = -0.19
    # 2022-24: fears 0.3 (JP) / 0.5 (KR): 0.3 - 0.2 - 0.7 * 0.7 = -0.39
    assert table["score"].to_dict() == {
        "cha_1969_71": 0.49, "cha_1972_74": -0.59, "cha_1975_79": 0.49,
        "cha_1980_82": -0.19, "course_1983_88": -0.19, "course_2022_24": -0.39,
    }
    assert list(table["match"]) == ["yes", "yes", "yes", "yes", "no", "no"]


def test_hypothesis_table_lets_the_episodes_test_the_rivals():
    table = hypothesis_table().set_index("episode")
    # with the threat term, 1980-82 gets -0.19 + 0.35 = +0.16 (cooperation): a miss
    assert table.loc["cha_1980_82", "Cha + threat"] == "cooperation (+0.16)"
    # 2022-24: -0.39 + 0.35 = -0.04 (mixed)
    assert table.loc["course_2022_24", "Cha + threat"] == "mixed (-0.04)"
    # a constant history value shifts every score by -0.25 and explains no change between periods
    assert table.loc["cha_1969_71", "Cha + history"] == "cooperation (+0.24)"
    assert table.loc["matches"].to_dict() == {
        "years": "", "observed": "of 6", "Cha alone": "4", "Cha + threat": "3",
        "Cha + history": "4", "Cha + both": "4",
    }


def test_assumptions_table_lists_every_assumption():
    from helpers.models import assumptions_table

    table = assumptions_table()
    assert list(table["assumption"]) == list(ASSUMPTIONS)
    assert table["what it does"].str.len().min() > 10


def test_episodes_text_marks_the_open_episode():
    from helpers.models import episodes_text, open_episodes

    assert open_episodes(FAKE) == [EXERCISE_EPISODE["episode_id"]]
    text = episodes_text(FAKE)
    lines = text.splitlines()
    assert "episode" in lines[0] and "observed" in lines[0]
    assert "2017-2019" in lines[-1] and "(left for you)" in lines[-1]
    assert "cooperation" in lines[1] and "1969-1971" in lines[1]


def test_episode_timeline_names_unknown_episodes():
    from helpers.models import episode_timeline

    with pytest.raises(ModelInputError, match="No episode called 'zz'"):
        episode_timeline("zz", episodes=FAKE)


def test_explorer_carries_a_static_copy_of_the_current_prediction():
    box = model_explorer(chart=False)
    box.sliders["us_commitment_korea"].value = 0.1
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert box.explanation.value in bundle["text/html"]
    assert bundle["text/plain"] == box.prediction.explain()


def test_the_lesson_exercise_on_2022_24_is_reachable_as_the_instructor_page_says():
    """Lesson 06 asks how low Korea's level-1 fear must go for 2022-24 (JP 0.7, KR 0.5)."""
    def at(b, **kw):
        return quasi_alliance(0.7, 0.5, 0.7, korea_fears_abandonment_by_japan=b, **kw)

    # 0.3 - 0.2 - B * 0.7: B = 0.70 -> -0.39 friction; B = 0.40 -> -0.18 friction; B = 0.35 -> -0.145 mixed
    assert at(0.7).score == pytest.approx(-0.39) and at(0.7).label == "friction"
    assert at(0.4).label == "friction" and at(0.35).label == "mixed"
    # the best Cha alone can do is B = 0: +0.10, still mixed
    assert at(0.0).score == pytest.approx(0.10) and at(0.0).label == "mixed"
    # with the threat switch (+0.35): B = 0.45 -> +0.135 mixed; B = 0.40 -> +0.17 cooperation
    assert at(0.45, balance_of_threat=True).label == "mixed"
    assert at(0.4, balance_of_threat=True).score == pytest.approx(0.17)
    assert at(0.4, balance_of_threat=True).label == "cooperation"


def test_episode_timeline_opens_the_exercise_years_on_the_real_events():
    """Without an id it shows the period left for students (2017-2019), every event of those years."""
    import csv

    from helpers import DATASETS_DIR
    from helpers.models import episode_timeline

    with (DATASETS_DIR / "events.csv").open(encoding="utf-8", newline="") as fh:
        expected = sum(1 for row in csv.DictReader(fh) if row["date"] and 2017 <= int(row["date"][:4]) <= 2019)
    view = episode_timeline(episodes=FAKE)
    assert view.year_slider.value == (2017, 2019)
    assert f"Showing {expected} events of " in view.events_view.value
    years = re.findall(r'<time datetime="(\d{4})', view.events_view.value)
    assert len(years) == expected and set(years) <= {"2017", "2018", "2019"}


def test_episode_timeline_for_a_coded_episode_uses_its_years():
    from helpers.models import episode_timeline

    view = episode_timeline("b", episodes=FAKE)  # FAKE's episode b: 1972-1974
    assert view.year_slider.value == (1972, 1974)
