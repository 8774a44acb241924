"""helpers.models: cases the mutation run showed untested (docs/mutation.md).

Every expected value is worked out by hand in a comment (fear = 1 - commitment,
shared = the smaller fear, gap = |difference|, level-1 asymmetry = the smaller of the
two level-1 fears, score = shared - gap - asymmetry x (1 - shared) [+ 0.5 x threat]
[- 0.5 x history], clipped to -1..+1).
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import models as m

# (0.8, 0.3): fears 0.2 / 0.7, shared 0.2, gap 0.5, level 1 min(0.7, 0.7) = 0.7,
# left 0.7 x (1 - 0.2) = 0.56; score 0.2 - 0.5 - 0.56 = -0.86 -> friction
ONE_DOUBTS = """\
1. Level 2, the common ally. Japan's fear of US abandonment is 0.20 (low), because it sees the US commitment as 0.80; \
South Korea's is 0.70 (high), because it sees the US commitment as 0.30 (Snyder: the weaker the protector's \
commitment looks, the more an ally fears abandonment).
2. The fear of US abandonment they share is only 0.20: at least one ally feels secure with the US, so there is \
little common pressure to draw together (adds 0.20).
3. Their fears of the US are asymmetric (gap 0.50): South Korea fears abandonment more and seeks support, while \
Japan feels safer and fears being entrapped in South Korea's problems; Cha expects friction from this (subtracts 0.50).
4. Level 1, between the quasi-allies. Korea's fear of abandonment by Japan is 0.70 and Japan's fear of entrapment \
by Korea is 0.70, so the asymmetry between them is 0.70 (the smaller of the two: friction needs one side that asks \
and one that holds back). Cha calls this friction the normal state. Shared fear of the US offsets it: 0.70 x \
(1 - 0.20) = 0.56 is left (subtracts 0.56).
5. Balance-of-threat hypothesis (off): the shared threat does not count.
6. Historical-enmity hypothesis (off): history salience does not count.
7. Adding the parts gives -0.86; +0.15 or more reads as cooperation, -0.15 or less as friction, anything between \
as mixed.
Prediction: friction (score -0.86)."""

# (0.3, 0.3), Korea's level-1 fear 0, threat 0.9 and history 0.1 with both switches on:
# fears 0.7 / 0.7, shared 0.7, gap 0, level 1 min(0, 0.7) = 0, left 0;
# threat + 0.5 x 0.9 = 0.45, history - 0.5 x 0.1 = -0.05; 0.7 + 0.45 - 0.05 = 1.10 -> clipped 1.00
BOTH_DOUBT_CLIPPED = """\
1. Level 2, the common ally. Japan's fear of US abandonment is 0.70 (high), because it sees the US commitment as 0.30; \
South Korea's is 0.70 (high), because it sees the US commitment as 0.30 (Snyder: the weaker the protector's \
commitment looks, the more an ally fears abandonment).
2. Both fear US abandonment (the fear they share is 0.70): Cha expects each to need the other as a hedge against a \
US that may walk away (adds 0.70).
3. Their fears of the US are close (gap 0.00): neither feels much safer than the other (Cha: symmetric fears; \
subtracts 0.00).
4. Level 1, between the quasi-allies. Korea's fear of abandonment by Japan is 0.00 and Japan's fear of entrapment \
by Korea is 0.70, so the asymmetry between them is 0.00 (the smaller of the two: friction needs one side that asks \
and one that holds back): with no level-1 asymmetry, Cha's normal source of friction is absent. Shared fear of the \
US offsets it: 0.00 x (1 - 0.70) = 0.00 is left (subtracts 0.00).
5. Balance-of-threat hypothesis (on): a shared threat of 0.90 (very high) pushes towards cooperation (adds 0.45). \
This is the realist expectation that Cha's puzzle starts from.
6. Historical-enmity hypothesis (on): history salience of 0.10 (very low) pulls towards friction (subtracts 0.05): \
leaders who gain votes by standing firm on history have less room to compromise.
7. Adding the parts gives +1.10, clipped to +1.00; +0.15 or more reads as cooperation, -0.15 or less as friction, \
anything between as mixed.
Prediction: cooperation (score +1.00)."""


def test_the_reasoning_of_one_doubting_ally_word_for_word():
    pred = m.quasi_alliance(0.8, 0.3)
    assert pred.explain() == ONE_DOUBTS
    assert repr(pred) == ONE_DOUBTS
    assert pred.more_fearful == "South Korea"


def test_the_reasoning_with_both_hypotheses_and_clipping_word_for_word():
    pred = m.quasi_alliance(0.3, 0.3, korea_fears_abandonment_by_japan=0.0, shared_threat=0.9,
                            history_salience=0.1, balance_of_threat=True, historical_enmity=True)
    assert pred.explain() == BOTH_DOUBT_CLIPPED
    assert pred.score == 1.0 and pred.label == "cooperation"
    assert pred.hypotheses == ("balance_of_threat", "historical_enmity")
    # the terms as the chart shows them: 0.7, -0, -0, +0.45, -0.05
    assert pred.terms == {"shared fear of US abandonment": 0.7, "gap between the fears of US abandonment": 0.0,
                          "Japan-Korea asymmetry not offset": 0.0, "shared threat": 0.45,
                          "history in domestic politics": -0.05}
    assert pred.more_fearful is None


def test_when_japan_fears_more_the_reasons_name_japan():
    # (0.3, 0.8): fears 0.7 / 0.2, Japan the more fearful, South Korea the safer
    pred = m.quasi_alliance(0.3, 0.8)
    assert pred.more_fearful == "Japan"
    assert ("gap 0.50): Japan fears abandonment more and seeks support, while South Korea feels safer and fears "
            "being entrapped in Japan's problems") in pred.reasons[2]


def test_shared_fear_of_exactly_one_half_reads_as_both_fearing():
    # (0.5, 0.5): fears 0.5 / 0.5, shared 0.5 (the ">= 1/2" branch), gap 0;
    # left 0.7 x 0.5 = 0.35; score 0.5 - 0 - 0.35 = 0.15 -> cooperation on the threshold
    pred = m.quasi_alliance(0.5, 0.5)
    assert pred.reasons[1].startswith("Both fear US abandonment (the fear they share is 0.50)")
    assert pred.score == pytest.approx(0.15) and pred.label == "cooperation"


def test_a_gap_of_exactly_0_15_reads_as_asymmetric():
    # (0.5, 0.65): fears 0.5 / 0.35, gap 0.15: not "< 0.15", so asymmetric
    pred = m.quasi_alliance(0.5, 0.65)
    assert pred.asymmetry == pytest.approx(0.15)
    assert pred.reasons[2].startswith("Their fears of the US are asymmetric (gap 0.15): Japan fears")
    # (0.5, 0.64): gap 0.14 -> close
    assert m.quasi_alliance(0.5, 0.64).reasons[2].startswith("Their fears of the US are close (gap 0.14)")


def test_the_clip_at_minus_one_is_named_and_at_plus_side_not_when_inside():
    # (1, 0) with history 1 on: fears 0 / 1, shared 0, gap 1, left 0.7; history -0.5:
    # 0 - 1 - 0.7 - 0.5 = -2.2 -> clipped -1.00
    pred = m.quasi_alliance(1, 0, history_salience=1, historical_enmity=True)
    assert pred.score == -1.0 and pred.label == "friction"
    assert pred.reasons[-1].startswith("Adding the parts gives -2.20, clipped to -1.00;")
    assert "clipped" not in m.quasi_alliance(0.8, 0.3).reasons[-1]


@pytest.mark.parametrize("value, word", [(0.0, "very low"), (0.19, "very low"), (0.2, "low"), (0.39, "low"),
                                         (0.4, "medium"), (0.59, "medium"), (0.6, "high"), (0.79, "high"),
                                         (0.8, "very high"), (1.0, "very high")])
def test_level_words_and_their_boundaries(value, word):
    # commitment 1 - value gives Japan a fear of exactly value (to 2 decimals)
    pred = m.quasi_alliance(round(1 - value, 2), 0.5)
    assert f"Japan's fear of US abandonment is {value:.2f} ({word})," in pred.reasons[0]


@pytest.mark.parametrize("value", [0.0, 1.0, 0, 1])
def test_the_ends_of_the_scale_are_allowed(value):
    assert m.quasi_alliance(value, value).us_commitment_japan == float(value)


@pytest.mark.parametrize("value", [1.0000001, -0.0000001, math.nan, True, "0.5", None])
def test_just_outside_the_scale_or_not_a_number_is_refused(value):
    with pytest.raises(m.ModelInputError, match="us_commitment_korea"):
        m.quasi_alliance(0.5, value)


def test_input_messages_say_how_to_fix():
    with pytest.raises(m.ModelInputError, match=r"must lie between 0 and 1, but it is 1\.5\. Fix: rescale"):
        m.quasi_alliance(1.5, 0.5)
    with pytest.raises(m.ModelInputError, match=r"0 = does not matter, 1 = the most"):
        m.quasi_alliance(0.5, 0.5, history_salience="x")
    with pytest.raises(m.ModelInputError, match=r"\(0 = none, 1 = the most\)"):
        m.quasi_alliance(0.5, 0.5, shared_threat="x")
    with pytest.raises(m.ModelInputError, match=r"write historical_enmity=True to add the hypothesis"):
        m.quasi_alliance(0.5, 0.5, historical_enmity=1)


def test_typed_decimals_are_exact():
    # 0.1 + 0.2 is 0.30000000000000004 in binary; the model reads it as 0.3:
    # fears 0.7 / 0.7 ... the same prediction as (0.3, 0.3): 0.7 - 0 - 0.7 x 0.3 = 0.49
    assert m.quasi_alliance(0.1 + 0.2, 0.3).score == m.quasi_alliance(0.3, 0.3).score == pytest.approx(0.49)


# ---------------------------------------------------------------- episode coding


def _episodes(**columns):
    base = {"episode_id": ["a", "b"], "start_year": [1990, 2000], "end_year": [1995, 2005],
            "label": ["First", "Second"], "observed_relations": ["cooperation", "friction"]}
    base.update(columns)
    return pd.DataFrame(base)


@pytest.mark.parametrize("word, commitment", [("high", 0.3), ("High (after the 1990 pullout plan)", 0.3),
                                              ("very high", 0.1), ("moderate", 0.5), ("medium", 0.5),
                                              ("low", 0.7), ("very low", 0.9), (0.25, 0.75)])
def test_a_coded_fear_becomes_one_minus_its_level(word, commitment):
    # "very high" must not be read as "high" (longest word first): 1 - 0.9 = 0.1
    eps = _episodes(japan_abandonment_fear=[word, "low"], korea_abandonment_fear=["low", "low"])
    params = m.episode_parameters(eps)
    assert params["a"]["us_commitment_japan"] == pytest.approx(commitment)
    assert params["b"]["us_commitment_japan"] == pytest.approx(0.7)


def test_an_input_column_wins_over_the_fear_column_and_uncoded_rows_are_skipped():
    eps = _episodes(us_commitment_japan=[0.9, None], japan_abandonment_fear=["high", "high"],
                    korea_abandonment_fear=["low", ""], shared_threat=["very high", 0.2])
    eps.loc[1, "observed_relations"] = None
    params = m.episode_parameters(eps)
    assert list(params) == ["a"]  # b has no observed relations
    assert params["a"] == {"us_commitment_japan": 0.9, "us_commitment_korea": 0.7, "shared_threat": 0.9}


@pytest.mark.parametrize("bad", ["severe", "", "n/a"])
def test_an_unreadable_level_names_episode_and_column(bad):
    eps = _episodes(japan_abandonment_fear=["high", bad], korea_abandonment_fear=["low", "low"])
    if bad == "":
        assert "us_commitment_japan" not in m.episode_parameters(eps)["b"]  # empty: left to the default
        return
    with pytest.raises(m.ModelInputError, match=r"Episode 'b', column 'japan_abandonment_fear': cannot read"):
        m.episode_parameters(eps)


@pytest.mark.parametrize("text, label", [("Cooperation", "cooperation"), ("friction (trade war)", "friction"),
                                         ("frict.", "friction"), ("coop", "coop"), ("coope", "cooperation"),
                                         ("mixed, contested", "mixed"), (" Mixed ", "mixed"), ("unclear", "unclear")])
def test_observed_relations_are_read_by_their_first_five_letters(text, label):
    eps = _episodes(observed_relations=[text, "friction"], us_commitment_japan=[0.5, 0.5],
                    us_commitment_korea=[0.5, 0.5])
    row = m.compare_with_episodes(episodes=eps).iloc[0]
    assert row["observed"] == label
    # (0.5, 0.5) scores +0.15, cooperation
    assert row["model"] == "cooperation" and row["match"] == ("yes" if label == "cooperation" else "no")


def test_compare_rows_pin_the_numbers():
    # a: (0.8, 0.3) -> -0.86 friction; b: (0.3, 0.3) -> 0.7 - 0.7 x 0.3 = 0.49 cooperation
    eps = _episodes(us_commitment_japan=[0.8, 0.3], us_commitment_korea=[0.3, 0.3])
    t = m.compare_with_episodes(episodes=eps)
    assert t["episode"].tolist() == ["a", "b"]
    assert t["years"].tolist() == ["1990-1995", "2000-2005"]
    assert t["score"].tolist() == [-0.86, 0.49]
    assert t["model"].tolist() == ["friction", "cooperation"]
    assert t["match"].tolist() == ["no", "no"]
    assert t["JP-KR asym."].tolist() == [0.7, 0.7]
    assert t["US→JP"].tolist() == [0.8, 0.3] and t["US→KR"].tolist() == [0.3, 0.3]
    # the threat and history columns show the defaults 0.5
    assert t["threat"].tolist() == [0.5, 0.5] and t["history"].tolist() == [0.5, 0.5]


def test_compare_asks_for_the_commitments_it_lacks():
    eps = _episodes(us_commitment_japan=[0.8, 0.3])
    with pytest.raises(m.ModelInputError, match=r"Episode 'a' has no value for us_commitment_korea\. Fix"):
        m.compare_with_episodes(episodes=eps)


def test_the_exercise_episode_appears_only_with_parameters_and_without_observed():
    eps = _episodes(us_commitment_japan=[0.8, 0.3], us_commitment_korea=[0.3, 0.3])
    assert "exercise_2017_19" not in m.compare_with_episodes(episodes=eps)["episode"].tolist()
    t = m.compare_with_episodes({"exercise_2017_19": {"us_commitment_japan": 0.5, "us_commitment_korea": 0.5}},
                                episodes=eps)
    row = t[t["episode"] == "exercise_2017_19"].iloc[0]
    assert row["years"] == "2017-2019" and row["observed"] == "" and row["match"] == ""
    assert m.open_episodes(eps) == ["exercise_2017_19"]


def test_hypothesis_table_counts_matches():
    # a observed cooperation, b friction; a: (0.3, 0.3) 0.49 cooperation (match);
    # b: (0.8, 0.3) -0.86 friction (match); with threat on: a 0.49 + 0.25 = 0.74, b -0.61;
    # with history on: a 0.24 cooperation, b -1.11 -> -1; both: a 0.49, b -0.86
    eps = _episodes(us_commitment_japan=[0.3, 0.8], us_commitment_korea=[0.3, 0.3])
    t = m.hypothesis_table(eps)
    assert t["episode"].tolist() == ["a", "b", "matches"]
    assert t["Cha alone"].tolist() == ["cooperation (+0.49)", "friction (-0.86)", "2"]
    assert t["Cha + threat"].tolist() == ["cooperation (+0.74)", "friction (-0.61)", "2"]
    assert t["Cha + history"].tolist() == ["cooperation (+0.24)", "friction (-1.00)", "2"]
    assert t["Cha + both"].tolist() == ["cooperation (+0.49)", "friction (-0.86)", "2"]
    assert t.iloc[-1]["observed"] == "of 2"


def test_student_tables_name_periods_by_years():
    eps = _episodes(us_commitment_japan=[0.3, 0.8], us_commitment_korea=[0.3, 0.3])
    text = m.comparison_text(eps)
    assert text.splitlines()[0].split()[0] == "period"
    assert "1990-1995" in text and " a " not in f" {text} ".replace("\n", " ")
    h = m.hypothesis_text(eps)
    assert h.splitlines()[-1].split()[0] == "matches"


def test_episodes_text_shortens_and_marks():
    long = "A very long label that goes on and on past the width"
    eps = _episodes(label=[long, "Second"], coding_contested=["yes", "no"],
                    japan_abandonment_fear=["high", "low"], korea_abandonment_fear=["low", "low"])
    text = m.episodes_text(eps, width=10)
    # 10 characters: the first 9 ("A very lo"), trailing space stripped, then an ellipsis
    assert "A very lo…" in text
    assert "cooperati… (contested)" in text  # "cooperation"[:9] + "…"
    assert "friction (contested)" not in text
    assert text.splitlines()[-1].strip().endswith("(left for you)")
    assert text.splitlines()[0].split()[:2] == ["years", "episode"]


def test_scenario_table_pins_the_three_worlds():
    t = m.scenario_table().set_index("world")
    # both doubt: fears 0.7/0.7 -> 0.49; one doubts -0.86; both secure: 0.2 - 0 - 0.7 x 0.8 = -0.36
    assert t["score"].to_dict() == {"both allies doubt the US": 0.49, "one ally doubts the US": -0.86,
                                    "both allies feel secure": -0.36}
    assert t.loc["one ally doubts the US", ["fear JP", "fear KR", "shared fear", "gap", "JP-KR asymmetry"]].tolist() \
        == [0.2, 0.7, 0.2, 0.5, 0.7]
    assert t["model"].tolist() == ["cooperation", "friction", "friction"]
    one = m.scenario_table({"x": {"us_commitment_japan": 0.5, "us_commitment_korea": 0.5}})
    assert one["world"].tolist() == ["x"] and one["score"].tolist() == [0.15]


# ------------------------------------------------ second mutation run (full, 1,269 mutants)


@pytest.fixture
def figures(monkeypatch):
    """Every matplotlib Figure the chart makes, to read its parts back."""
    import matplotlib.figure

    made = []

    class Recorded(matplotlib.figure.Figure):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(matplotlib.figure, "Figure", Recorded)
    return made


def test_the_chart_draws_each_term_as_a_coloured_labelled_bar(figures):
    import base64
    import re

    import matplotlib
    from matplotlib.colors import to_rgba

    # (0.8, 0.3) with the threat on (0.5): +0.20, -0.50, -0.56, +0.25 (threat), +0.00 (history off)
    p = m.quasi_alliance(0.8, 0.3, balance_of_threat=True)
    with matplotlib.rc_context({"savefig.format": "svg", "font.size": 12}):  # the chart sets its own
        html = m._chart_html(p)
    (fig,) = figures
    assert fig.get_size_inches().tolist() == [6.4, 2.8]  # and 90 dpi: the PNG is 576 x 252 (below)
    (ax,) = fig.axes
    values = [0.2, -0.5, -0.56, 0.25, 0.0]
    assert [round(b.get_width(), 2) for b in ax.patches] == values
    blue, brown = to_rgba("#2563eb"), to_rgba("#b45309")
    assert [b.get_facecolor() for b in ax.patches] == [blue, brown, brown, blue, blue]  # 0 counts as a pull up
    assert [t.get_text() for t in ax.get_yticklabels()] == list(p.terms)
    assert [(round(t.get_position()[0], 2), t.get_position()[1], t.get_text(), t.get_ha(), t.get_va(),
             t.get_fontsize()) for t in ax.texts] == [
        (0.22, 0, "+0.20", "left", "center", 8), (-0.52, 1, "-0.50", "right", "center", 8),
        (-0.58, 2, "-0.56", "right", "center", 8), (0.27, 3, "+0.25", "left", "center", 8),
        (0.02, 4, "+0.00", "left", "center", 8)]
    (zero,) = ax.lines
    assert list(zero.get_xdata()) == [0, 0] and to_rgba(zero.get_color()) == to_rgba("black")
    assert zero.get_linewidth() == 0.8
    assert ax.get_xlim() == (-1.3, 1.3) and ax.yaxis_inverted()
    assert ax.get_xlabel() == "pull towards friction (left) or cooperation (right)"
    assert ax.get_title() == "Score -0.61: friction" and ax.title.get_fontsize() == 10
    assert {t.get_fontsize() for t in ax.get_yticklabels()} == {8}
    assert {t.get_fontsize() for t in ax.get_xticklabels()} == {12}  # only the y labels are made small
    src = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    png = base64.b64decode(src)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"  # PNG whatever savefig.format says
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (576, 252)  # 6.4 x 2.8 in x 90
    alt = re.search(r'alt="([^"]*)"', html).group(1).replace("&#39;", "'")
    assert alt == ("Bar chart of the parts of the model's score: shared fear of US abandonment +0.20; gap between "
                   "the fears of US abandonment -0.50; Japan-Korea asymmetry not offset -0.56; shared threat +0.25; "
                   "history in domestic politics (off) +0.00. Total -0.61, predicted friction.")
    assert 'style="max-width:100%"' in html


def test_prediction_html_shows_the_signed_score():
    html = m.quasi_alliance(0.3, 0.3).to_html()
    assert "+0.49" in html and "cooperation" in html


def _explorer(**kw):
    return m.model_explorer(**kw).widget


def test_the_explorer_sliders_and_switches():
    box = _explorer(us_commitment_japan=0.3, balance_of_threat=True)
    assert list(box.sliders) == list(m.INPUTS)
    for name, s in box.sliders.items():
        assert (s.min, s.max, s.step, s.readout_format, s.continuous_update) == (0.0, 1.0, 0.05, ".2f", False)
        assert (s.style.description_width, s.layout.width) == ("14em", "36em")
        assert s.tooltip == m.INPUTS[name]
    assert box.sliders["us_commitment_japan"].value == 0.3
    for name, c in box.switches.items():
        assert (c.indent, c.layout.width, c.tooltip) == (False, "32em", m.HYPOTHESES[name])
    assert box.switches["balance_of_threat"].value is True and box.switches["historical_enmity"].value is False
    assert "Shared threat" in box.children[0].value  # the legend names every slider
    assert box.chart.value.startswith("<img")  # a chart by default


def test_moving_a_slider_or_a_switch_recomputes():
    box = _explorer()
    assert box.prediction.label == "friction"  # (0.8, 0.8): -0.36
    box.sliders["us_commitment_japan"].value = 0.3
    box.sliders["us_commitment_korea"].value = 0.3
    assert box.prediction.score == 0.49 and "+0.49" in box.explanation.value
    box.switches["balance_of_threat"].value = True
    assert box.prediction.score == 0.74


def test_the_explorer_without_a_widget_shows_legend_words_and_chart():
    view = m.model_explorer()
    html = view.html_text
    assert "Shared threat" in html and "friction" in html and "data:image/png;base64," in html


@pytest.mark.parametrize("name", list(m.INPUTS))
def test_bad_start_values_name_the_input(name):
    with pytest.raises(m.ModelInputError, match=f"The model input '{name}' must lie between 0 and 1"):
        m.model_explorer(**{name: 1.5})
    args = {"us_commitment_japan": 0.5, "us_commitment_korea": 0.5, name: 1.5}
    with pytest.raises(m.ModelInputError, match=f"The model input '{name}' must lie between 0 and 1"):
        m.quasi_alliance(**args)


@pytest.mark.parametrize("name", ["balance_of_threat", "historical_enmity"])
def test_bad_switches_name_the_switch(name):
    for call in (lambda: m.model_explorer(**{name: 1}), lambda: m.quasi_alliance(0.5, 0.5, **{name: 1}),
                 lambda: m.compare_with_episodes(episodes=_episodes(), **{name: 1})):
        with pytest.raises(m.ModelInputError, match=f"The switch '{name}' must be True or False"):
            call()


def test_a_prediction_keeps_its_level_one_inputs_and_names_switched_off_terms():
    p = m.quasi_alliance(0.5, 0.5, korea_fears_abandonment_by_japan=0.2, japan_fears_entrapment_by_korea=0.9)
    assert (p.korea_fears_abandonment_by_japan, p.japan_fears_entrapment_by_korea) == (0.2, 0.9)
    assert list(p.terms)[3:] == ["shared threat (off)", "history in domestic politics (off)"]
    on = m.quasi_alliance(0.5, 0.5, balance_of_threat=True, historical_enmity=True)
    assert list(on.terms)[3:] == ["shared threat", "history in domestic politics"]


def test_a_shared_fear_below_one_half_is_little_common_pressure():
    # (0.6, 0.6): fears 0.4 / 0.4, shared 0.4 < 0.5
    assert "they share is only 0.40" in m.quasi_alliance(0.6, 0.6).reasons[1]


def test_a_gap_just_under_0_15_reads_as_close():
    # (0.5, 0.649): fears 0.5 / 0.351, gap 0.149 < 0.15
    assert "Their fears of the US are close (gap 0.15)" in m.quasi_alliance(0.5, 0.649).reasons[2]


def test_typed_decimals_are_kept_to_nine_places():
    # 0.3000000004 is 0.300000000 to nine places: fear exactly 0.7
    assert m.quasi_alliance(0.3000000004, 0.3).fear_japan == 0.7


def test_a_cell_holding_a_list_of_numbers_is_not_missing():
    import numpy as np

    assert m._missing(None) is True
    assert m._missing(np.array([0.5, 0.5])) is False  # comparing it raises: it is a value, not a gap
    eps = _episodes(observed_relations=[None, "friction"])
    assert m.open_episodes(eps) == ["a", "exercise_2017_19"]


def test_short_keeps_text_of_exactly_the_width_and_strips_before_the_ellipsis():
    assert m._short("abcde", 5) == "abcde"
    assert m._short("abc def", 5) == "abc…"
    assert m._short(" abcdef", 5) == " abc…"


def test_episodes_text_exactly():
    long = "A label of exactly forty-five characters, see"
    eps = _episodes(label=[long, "Second"], us_posture=["weakening", ""], japan_abandonment_fear=["high", "low"],
                    korea_abandonment_fear=["low", "high"], shared_threat=["moderate", "high"],
                    coding_contested=["no", "yes"])
    lines = m.episodes_text(eps).splitlines()
    assert lines[0].split() == ["years", "episode", "US", "posture", "JP", "fear", "KR", "fear", "threat", "observed"]
    assert lines[1].split()[-5:] == ["weakening", "high", "low", "moderate", "cooperation"]
    assert lines[1].split()[:2] == ["1990-1995", "A"] and "forty-five characters, s…" in lines[1]
    assert lines[2].split() == ["2000-2005", "Second", "low", "high", "high", "friction", "(contested)"]
    assert lines[3].split()[:2] == ["2017-2019", "Trump,"] and lines[3].endswith("(left for you)")
    assert len(long) == 45 and f"{long} " in m.episodes_text(eps, width=45)  # 45 fits in 45: kept whole


def test_assumptions_table_columns():
    t = m.assumptions_table()
    assert t.columns.tolist() == ["assumption", "value", "what it does"]
    # the model's published weights and thresholds (lesson 06 states them)
    assert t.set_index("assumption")["value"].to_dict() == {
        "weight_shared_fear": 1.0, "weight_asymmetry": 1.0, "weight_bilateral": 1.0, "weight_shared_threat": 0.5,
        "weight_history": 0.5, "cooperation_at_or_above": 0.15, "friction_at_or_below": -0.15}


def test_scenario_table_columns_and_rounding():
    # (0.333, 0.555), Korea's level-1 fear 0.123: fears 1 - 0.333 = 0.667 and 1 - 0.555 = 0.445, shared
    # 0.445, gap 0.222, level-1 asymmetry 0.123 (Japan's entrapment fear 0.7 is larger), score
    # 0.445 - 0.222 - 0.123 x (1 - 0.445) = 0.154735; the table shows each rounded to two places
    inputs = {"us_commitment_japan": 0.333, "us_commitment_korea": 0.555, "korea_fears_abandonment_by_japan": 0.123}
    t = m.scenario_table({"x": inputs})
    assert t.columns.tolist() == ["world", "US→JP", "US→KR", "fear JP", "fear KR", "shared fear", "gap",
                                  "JP-KR asymmetry", "score", "model"]
    row = t.iloc[0]
    shown = [row[c] for c in ("fear JP", "fear KR", "shared fear", "gap", "JP-KR asymmetry", "score")]
    assert shown == [0.67, 0.45, 0.45, 0.22, 0.12, 0.15]


def test_episode_parameters_read_past_an_uncoded_row_and_round_fears_to_two_places():
    eps = _episodes(observed_relations=["", "friction"], japan_abandonment_fear=["high", 0.123],
                    korea_abandonment_fear=["low", "low"])
    params = m.episode_parameters(eps)
    assert list(params) == ["b"] and params["b"]["us_commitment_japan"] == 0.88  # 1 - 0.123 = 0.877


def test_an_unreadable_input_column_names_episode_and_column():
    eps = _episodes(shared_threat=["huge", "low"])
    with pytest.raises(m.ModelInputError, match="Episode 'a', column 'shared_threat': cannot read 'huge'"):
        m.episode_parameters(eps)
    with pytest.raises(m.ModelInputError, match="The model input 'shared_threat' must lie between 0 and 1"):
        m.episode_parameters(_episodes(shared_threat=[1.5, 0.2]))


def test_compare_skips_uncoded_rows_and_rounds_scores_to_two_places():
    eps = pd.DataFrame({"episode_id": ["u", "a"], "start_year": [1980, 1990], "end_year": [1985, 1995],
                        "observed_relations": ["", "cooperation"], "us_commitment_japan": [0.3, 0.3],
                        "us_commitment_korea": [0.3, 0.35]})
    t = m.compare_with_episodes(episodes=eps)
    # a: fears 0.7 / 0.65, shared 0.65, gap 0.05, left 0.7 x 0.35 = 0.245: 0.65 - 0.05 - 0.245 = 0.355
    assert t["episode"].tolist() == ["a"] and t["score"].tolist() == [0.35]  # 0.355 in binary is just under


def test_hypothesis_table_uses_the_parameters_and_keeps_uncoded_rows_out():
    eps = _episodes(us_commitment_japan=[0.3, 0.8], us_commitment_korea=[0.3, 0.3])
    params = {"a": {"us_commitment_japan": 0.8}, "exercise_2017_19": {"us_commitment_japan": 0.5,
                                                                       "us_commitment_korea": 0.5}}
    t = m.hypothesis_table(eps, params_by_episode=params)
    assert t["episode"].tolist() == ["a", "b", "matches"] and t.index.tolist() == [0, 1, 2]
    assert t["Cha alone"].tolist()[0] == "friction (-0.86)"  # a now (0.8, 0.3)
    assert "1990-1995" in m.hypothesis_text(eps) and "1990-1995" in m.comparison_text(eps)
    assert m.comparison_text(eps).splitlines()[1].split()[0] == "1990-1995"
    assert m.hypothesis_text(eps).splitlines()[1].split()[0] == "1990-1995"


def test_episode_timeline_picks_the_first_open_episode_of_the_table(monkeypatch):
    import helpers.timeline

    seen = []
    monkeypatch.setattr(helpers.timeline, "timeline", lambda **kw: seen.append(kw) or kw)
    eps = _episodes(observed_relations=["", "friction"])
    assert m.episode_timeline(episodes=eps) == {"start": 1990, "end": 1995}
    coded = pd.concat([_episodes(), pd.DataFrame([dict(m.EXERCISE_EPISODE, observed_relations="mixed")])],
                      ignore_index=True)
    with pytest.raises(m.ModelInputError, match="Every episode is already coded; pass an episode_id"):
        m.episode_timeline(episodes=coded)
