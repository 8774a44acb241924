"""The theory model behaves as Snyder's and Cha's arguments say, and fails politely."""
from __future__ import annotations

import itertools

import pandas as pd
import pytest

from helpers.errors import CourseError
from helpers.models import (
    ASSUMPTIONS,
    EXERCISE_EPISODE,
    ModelInputError,
    compare_with_episodes,
    episode_parameters,
    model_explorer,
    quasi_alliance,
)

GRID = [0.0, 0.25, 0.5, 0.75, 1.0]


def test_both_allies_doubting_the_us_under_threat_cooperate():
    pred = quasi_alliance(0.2, 0.2, 0.8, history_salience=0.5)
    assert pred.label == "cooperation"
    assert pred.fear_japan == pytest.approx(0.8)
    assert pred.fear_korea == pytest.approx(0.8)
    assert pred.asymmetry == pytest.approx(0.0)
    assert pred.more_fearful is None


def test_asymmetric_fears_give_friction_and_name_the_more_fearful_ally():
    pred = quasi_alliance(0.9, 0.3, 0.5)
    assert pred.label == "friction"
    assert pred.more_fearful == "South Korea"
    assert pred.asymmetry == pytest.approx(0.6)
    flipped = quasi_alliance(0.3, 0.9, 0.5)
    assert flipped.more_fearful == "Japan"
    assert flipped.score == pytest.approx(pred.score)  # the model treats both allies alike
    assert "entrapped" in pred.explain()


def test_widening_the_gap_in_commitment_never_helps_cooperation():
    scores = [quasi_alliance(0.5 + gap / 2, 0.5 - gap / 2, 0.5).score for gap in (0, 0.2, 0.4, 0.6, 0.8)]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]


@pytest.mark.parametrize("cj,ck,hist", list(itertools.product(GRID, GRID, [0.0, 0.5, 1.0])))
def test_score_never_falls_as_shared_threat_rises(cj, ck, hist):
    scores = [quasi_alliance(cj, ck, t, hist).score for t in GRID]
    assert all(b >= a for a, b in zip(scores, scores[1:]))


def test_shared_threat_strictly_raises_the_score_away_from_the_clip():
    low, high = quasi_alliance(0.6, 0.6, 0.1).score, quasi_alliance(0.6, 0.6, 0.9).score
    assert high - low == pytest.approx(0.8 * ASSUMPTIONS["weight_shared_threat"])


def test_history_salience_pulls_towards_friction():
    calm = quasi_alliance(0.8, 0.8, 0.5, history_salience=0.0)
    heated = quasi_alliance(0.8, 0.8, 0.5, history_salience=1.0)
    assert heated.score < calm.score
    assert heated.label == "friction"


def test_terms_add_up_to_the_score_and_labels_follow_thresholds():
    for cj, ck, t, h in itertools.product(GRID, GRID, GRID, [0.0, 1.0]):
        pred = quasi_alliance(cj, ck, t, h)
        total = max(-1.0, min(1.0, sum(pred.terms.values())))
        assert pred.score == pytest.approx(total)
        assert -1.0 <= pred.score <= 1.0
        if pred.score >= ASSUMPTIONS["cooperation_at_or_above"]:
            assert pred.label == "cooperation"
        elif pred.score <= ASSUMPTIONS["friction_at_or_below"]:
            assert pred.label == "friction"
        else:
            assert pred.label == "mixed"


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"us_commitment_japan": 1.2, "us_commitment_korea": 0.5, "shared_threat": 0.5}, "us_commitment_japan"),
        ({"us_commitment_japan": 0.5, "us_commitment_korea": -0.1, "shared_threat": 0.5}, "us_commitment_korea"),
        ({"us_commitment_japan": 0.5, "us_commitment_korea": 0.5, "shared_threat": 70}, "shared_threat"),
        ({"us_commitment_japan": 0.5, "us_commitment_korea": 0.5, "shared_threat": 0.5, "history_salience": 2},
         "history_salience"),
        ({"us_commitment_japan": "high", "us_commitment_korea": 0.5, "shared_threat": 0.5}, "us_commitment_japan"),
        ({"us_commitment_japan": float("nan"), "us_commitment_korea": 0.5, "shared_threat": 0.5},
         "us_commitment_japan"),
    ],
)
def test_bad_inputs_raise_a_plain_course_error(kwargs, needle):
    with pytest.raises(ModelInputError) as info:
        quasi_alliance(**kwargs)
    assert isinstance(info.value, CourseError)
    message = str(info.value)
    assert needle in message and "between 0 and 1" in message and "Fix:" in message


def test_explorer_rewrites_explanation_and_chart_when_sliders_move():
    box = model_explorer(chart=True)
    before_text, before_chart = box.explanation.value, box.chart.value
    assert "Prediction:" in before_text and "<img" in before_chart and 'alt="' in before_chart
    box.sliders["us_commitment_japan"].value = 0.2
    box.sliders["us_commitment_korea"].value = 0.2
    box.sliders["shared_threat"].value = 0.9
    assert box.explanation.value != before_text
    assert box.chart.value != before_chart
    assert "cooperation" in box.explanation.value
    assert box.prediction == quasi_alliance(0.2, 0.2, 0.9, 0.5)
    box.sliders["us_commitment_japan"].value = 0.95
    assert "friction" in box.explanation.value
    assert "Japan feels safer" in box.explanation.value


def test_explorer_controls_are_labelled():
    box = model_explorer(chart=False)
    assert all(s.description for s in box.sliders.values())
    assert box.chart.value == ""


def test_explorer_rejects_bad_start_values():
    with pytest.raises(ModelInputError):
        model_explorer(shared_threat=1.5)


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
    tweaked = compare_with_episodes({"c": {"history_salience": 1.0}}, episodes=FAKE).set_index("episode")
    assert tweaked.loc["c", "score"] < base.loc["c", "score"]
    assert tweaked.loc["a", "score"] == base.loc["a", "score"]


def test_comparison_names_unknown_episodes():
    with pytest.raises(ModelInputError, match="no episode called 'nope'"):
        compare_with_episodes({"nope": {}}, episodes=FAKE)


def test_comparison_on_the_course_dataset():
    from helpers.data import load_dataset

    try:
        episodes = load_dataset("alliance_episodes")
    except CourseError:
        pytest.skip("alliance_episodes dataset not in the tree yet")
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
    assert table.loc["both allies feel secure", "model"] != "cooperation"


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
