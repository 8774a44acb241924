"""A small, transparent model of the Japan-South Korea "quasi-alliance".

The model turns three or four judgements into a predicted state of Japan-ROK
relations, and says in words how it got there. It is a teaching device built on two
theories, not a finding:

- Glenn Snyder (1984), "The Security Dilemma in Alliance Politics": an ally fears
  *abandonment* (the protector walks away) and *entrapment* (being dragged into the
  protector's or partner's quarrels); the less it trusts the protector's commitment,
  the more it fears abandonment.
- Victor Cha (1999), *Alignment Despite Antagonism*: Japan and South Korea are
  "quasi-allies" (not allied to each other, both allied to the United States). When
  *both* fear US abandonment they draw closer; when their fears are *asymmetric*,
  the one that feels safer fears entrapment by the other, and friction follows.

How the score is built (every weight and threshold is a teaching assumption, listed
in :data:`ASSUMPTIONS`, chosen so the model reproduces the *direction* of Cha's
argument; none of them was estimated from data):

1. Each ally's abandonment fear is ``1 - perceived US commitment`` to it.
2. ``shared_fear`` is the smaller of the two fears (the fear both feel);
   ``asymmetry`` is the gap between them.
3. ``score = shared_fear + 0.5 * shared_threat - asymmetry
   - 0.5 * history_salience - 0.3`` (the last term is the baseline: friction is the
   normal state in Cha's account), clipped to -1 ... +1.
4. ``score >= 0.25`` reads as cooperation, ``score <= -0.25`` as friction, anything
   between as mixed.

Main calls::

    quasi_alliance(us_commitment_japan, us_commitment_korea, shared_threat,
                   history_salience=0.5) -> Prediction
    model_explorer()            # sliders, explanation in words, and a chart
    compare_with_episodes()     # model vs the coded episodes in `alliance_episodes`
"""
from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass, field
from numbers import Real

from helpers.errors import CourseError
from helpers.display import WithFallback

__all__ = [
    "ASSUMPTIONS",
    "INPUTS",
    "EXERCISE_EPISODE",
    "FEAR_COLUMNS",
    "LEVEL_VALUES",
    "ModelInputError",
    "Prediction",
    "SCENARIOS",
    "assumptions_table",
    "compare_with_episodes",
    "episode_parameters",
    "episode_timeline",
    "episodes_text",
    "model_explorer",
    "open_episodes",
    "quasi_alliance",
    "scenario_table",
]


class ModelInputError(CourseError):
    """An input to the theory model is missing, not a number, or outside 0-1."""

    title = "The model needs different inputs"


#: The teaching assumptions. Change them and the predictions change: that is the point
#: of the exercise "what would you have to believe for the model to fit?".
ASSUMPTIONS = {
    "weight_shared_fear": 1.0,
    "weight_shared_threat": 0.5,
    "weight_asymmetry": 1.0,
    "weight_history": 0.5,
    "baseline": 0.3,
    "cooperation_at_or_above": 0.25,
    "friction_at_or_below": -0.25,
}

#: The inputs, their plain-language meaning, and the slider label used by the explorer.
INPUTS = {
    "us_commitment_japan": "Perceived US commitment to Japan (0 = none, 1 = rock solid)",
    "us_commitment_korea": "Perceived US commitment to South Korea (0 = none, 1 = rock solid)",
    "shared_threat": "Threat both feel from the same source, e.g. North Korea or the USSR (0-1)",
    "history_salience": "How much colonial-history disputes matter in domestic politics (0-1)",
}

#: Three imagined worlds used in lesson 06 to show Cha's three cases. The values are
#: illustrations chosen by the course, not measurements of any period.
SCENARIOS = {
    "both allies doubt the US": {
        "us_commitment_japan": 0.3, "us_commitment_korea": 0.3, "shared_threat": 0.7, "history_salience": 0.5,
    },
    "one ally doubts the US": {
        "us_commitment_japan": 0.8, "us_commitment_korea": 0.3, "shared_threat": 0.5, "history_salience": 0.5,
    },
    "both allies feel secure": {
        "us_commitment_japan": 0.8, "us_commitment_korea": 0.8, "shared_threat": 0.5, "history_salience": 0.5,
    },
}

#: What each assumption does, in words (for :func:`assumptions_table`).
_ASSUMPTION_WORDS = {
    "weight_shared_fear": "multiplies the fear both allies share (pulls towards cooperation)",
    "weight_shared_threat": "multiplies the shared threat (pulls towards cooperation)",
    "weight_asymmetry": "multiplies the gap between the two fears (pulls towards friction)",
    "weight_history": "multiplies history salience (pulls towards friction)",
    "baseline": "subtracted from every score: friction is the normal state in Cha's account",
    "cooperation_at_or_above": "scores at or above this read as cooperation",
    "friction_at_or_below": "scores at or below this read as friction (between the two: mixed)",
}

#: How the words used to code episodes map onto model inputs (a course convention).
LEVEL_VALUES = {"very low": 0.1, "low": 0.3, "moderate": 0.5, "medium": 0.5, "high": 0.7, "very high": 0.9}

#: Columns of ``alliance_episodes`` holding each ally's coded fear of US abandonment.
#: A coded fear (a level word) becomes a perceived commitment of ``1 - fear``: "high"
#: fear gives 0.3, "low" fear gives 0.7 (a course convention).
FEAR_COLUMNS = {"us_commitment_japan": "japan_abandonment_fear", "us_commitment_korea": "korea_abandonment_fear"}


#: The period the dataset leaves uncoded on purpose: students code it in lesson 06.
EXERCISE_EPISODE = {
    "episode_id": "exercise_2017_19",
    "start_year": 2017,
    "end_year": 2019,
    "label": "Trump, North Korea and the 2018-19 crisis",
}


def _level(value: float) -> str:
    if value < 0.2:
        return "very low"
    if value < 0.4:
        return "low"
    if value < 0.6:
        return "medium"
    if value < 0.8:
        return "high"
    return "very high"


@dataclass(frozen=True, repr=False)
class Prediction:
    """What the model predicts for one set of inputs, and why.

    ``terms`` holds each part of the score (positive pulls towards cooperation,
    negative towards friction), so the sum can be checked by hand.
    """

    us_commitment_japan: float
    us_commitment_korea: float
    shared_threat: float
    history_salience: float
    fear_japan: float
    fear_korea: float
    shared_fear: float
    asymmetry: float
    score: float
    label: str
    terms: dict = field(default_factory=dict)
    reasons: tuple = ()

    @property
    def more_fearful(self) -> str | None:
        """Which ally fears abandonment more ("Japan", "South Korea"), or None if equal."""
        if math.isclose(self.fear_japan, self.fear_korea, abs_tol=1e-9):
            return None
        return "Japan" if self.fear_japan > self.fear_korea else "South Korea"

    def explain(self) -> str:
        """Return the reasoning as plain text, one numbered step a line."""
        lines = [f"{i}. {r}" for i, r in enumerate(self.reasons, start=1)]
        lines.append(f"Prediction: {self.label} (score {self.score:+.2f}).")
        return "\n".join(lines)

    def to_html(self) -> str:
        """Return the reasoning as an HTML fragment (for notebooks and widgets)."""
        items = "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons)
        return (
            f"<div><p><strong>Prediction: {html.escape(self.label)}</strong> "
            f"(score {self.score:+.2f} on a scale from -1 = friction to +1 = cooperation)</p>"
            f"<ol>{items}</ol>"
            "<p><em>The weights and thresholds are teaching assumptions, not findings.</em></p></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.explain()


def _check_input(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ModelInputError(
            f"The model input '{name}' must be a number between 0 and 1, but it is "
            f"{value!r} ({type(value).__name__}). Fix: give a value such as 0.3 "
            f"(0 = {'none' if name != 'history_salience' else 'does not matter'}, 1 = the most)."
        )
    value = float(value)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ModelInputError(
            f"The model input '{name}' must lie between 0 and 1, but it is {value:g}. "
            f"Fix: rescale your judgement to the 0-1 range (for example 70% -> 0.7)."
        )
    return value


def quasi_alliance(
    us_commitment_japan: float,
    us_commitment_korea: float,
    shared_threat: float,
    history_salience: float = 0.5,
) -> Prediction:
    """Return the model's prediction for Japan-ROK relations, with its reasons.

    All four inputs are judgements on a 0-1 scale (see :data:`INPUTS`). A value
    outside 0-1, or anything that is not a number, raises :class:`ModelInputError`.
    """
    cj = _check_input("us_commitment_japan", us_commitment_japan)
    ck = _check_input("us_commitment_korea", us_commitment_korea)
    threat = _check_input("shared_threat", shared_threat)
    hist = _check_input("history_salience", history_salience)
    a = ASSUMPTIONS

    # Rounded so that 1 - 0.8 reads 0.2, not 0.19999999999999996.
    fear_j = round(1.0 - cj, 9)
    fear_k = round(1.0 - ck, 9)
    shared = min(fear_j, fear_k)
    asym = abs(fear_j - fear_k)
    terms = {
        "shared fear of abandonment": a["weight_shared_fear"] * shared,
        "shared threat": a["weight_shared_threat"] * threat,
        "asymmetry of fears": -a["weight_asymmetry"] * asym,
        "history in domestic politics": -a["weight_history"] * hist,
        "baseline (friction is normal)": -a["baseline"],
    }
    raw = sum(terms.values())
    score = max(-1.0, min(1.0, raw))
    if score >= a["cooperation_at_or_above"]:
        label = "cooperation"
    elif score <= a["friction_at_or_below"]:
        label = "friction"
    else:
        label = "mixed"

    reasons = [
        f"Japan's fear of US abandonment is {fear_j:.2f} ({_level(fear_j)}), because it sees "
        f"the US commitment as {cj:.2f}; South Korea's is {fear_k:.2f} ({_level(fear_k)}), "
        f"because it sees the US commitment as {ck:.2f} (Snyder: the weaker the protector's "
        f"commitment looks, the more an ally fears abandonment).",
    ]
    if asym < 0.15:
        reasons.append(
            f"The two fears are close (gap {asym:.2f}): neither ally feels much safer than the other, "
            f"so neither has reason to fear being entrapped by the other (Cha: symmetric fears)."
        )
    else:
        safer = "Japan" if fear_j < fear_k else "South Korea"
        other = "South Korea" if safer == "Japan" else "Japan"
        reasons.append(
            f"The fears are asymmetric (gap {asym:.2f}): {other} fears abandonment more, so it seeks "
            f"support, while {safer} feels safer and fears being entrapped in {other}'s problems; "
            f"Cha expects friction from this (it subtracts {asym * a['weight_asymmetry']:.2f})."
        )
    if shared >= 0.5:
        reasons.append(
            f"Both fear abandonment (the fear they share is {shared:.2f}): Cha expects them to draw "
            f"closer to each other as a hedge against a US that may walk away (adds "
            f"{terms['shared fear of abandonment']:.2f})."
        )
    else:
        reasons.append(
            f"The fear they share is only {shared:.2f}: at least one ally feels secure with the US, so "
            f"there is little common pressure to cooperate (adds {terms['shared fear of abandonment']:.2f})."
        )
    reasons.append(
        f"A shared threat of {threat:.2f} ({_level(threat)}) pushes towards cooperation (adds "
        f"{terms['shared threat']:.2f}); the more both feel the same danger, the more they need each other."
    )
    reasons.append(
        f"History salience of {hist:.2f} ({_level(hist)}) pulls towards friction (subtracts "
        f"{-terms['history in domestic politics']:.2f}): leaders who gain votes by standing firm "
        f"on history have less room to compromise (Putnam's domestic level)."
    )
    clip_note = f", clipped to {score:+.2f}" if not math.isclose(raw, score) else ""
    reasons.append(
        f"Adding the parts and the baseline of -{a['baseline']:.2f} gives {raw:+.2f}{clip_note}; "
        f"{a['cooperation_at_or_above']:+.2f} or more reads as cooperation, "
        f"{a['friction_at_or_below']:+.2f} or less as friction, anything between as mixed."
    )
    return Prediction(
        us_commitment_japan=cj,
        us_commitment_korea=ck,
        shared_threat=threat,
        history_salience=hist,
        fear_japan=fear_j,
        fear_korea=fear_k,
        shared_fear=shared,
        asymmetry=asym,
        score=score,
        label=label,
        terms=terms,
        reasons=tuple(reasons),
    )


def assumptions_table():
    """Return the model's teaching assumptions as a DataFrame (name, value, what it does)."""
    import pandas as pd

    return pd.DataFrame(
        [{"assumption": k, "value": v, "what it does": _ASSUMPTION_WORDS[k]} for k, v in ASSUMPTIONS.items()]
    )


def scenario_table(scenarios: dict | None = None):
    """Return the model's prediction for each imagined world in :data:`SCENARIOS`."""
    import pandas as pd

    rows = []
    for name, inputs in (scenarios or SCENARIOS).items():
        p = quasi_alliance(**inputs)
        rows.append({
            "world": name, "US→JP": p.us_commitment_japan, "US→KR": p.us_commitment_korea,
            "threat": p.shared_threat, "history": p.history_salience,
            "fear JP": round(p.fear_japan, 2), "fear KR": round(p.fear_korea, 2),
            "asymmetry": round(p.asymmetry, 2), "score": round(p.score, 2), "model": p.label,
        })
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------- the chart


def _chart_html(pred: Prediction) -> str:
    """Return a small bar chart of the score's parts as an <img> with alt text."""
    from matplotlib.figure import Figure

    names = list(pred.terms)
    values = [pred.terms[n] for n in names]
    fig = Figure(figsize=(6.0, 2.6), dpi=90)
    ax = fig.add_subplot()
    colours = ["#2563eb" if v >= 0 else "#b45309" for v in values]
    ax.barh(names, values, color=colours, hatch=None)
    for i, v in enumerate(values):
        ax.text(v + (0.02 if v >= 0 else -0.02), i, f"{v:+.2f}", va="center",
                ha="left" if v >= 0 else "right", fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1.3, 1.3)
    ax.invert_yaxis()
    ax.set_xlabel("pull towards friction (left) or cooperation (right)")
    ax.set_title(f"Score {pred.score:+.2f}: {pred.label}", fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = "Bar chart of the parts of the model's score: " + "; ".join(
        f"{n} {v:+.2f}" for n, v in zip(names, values)
    ) + f". Total {pred.score:+.2f}, predicted {pred.label}."
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%">'


# ---------------------------------------------------------------------- the widget


def model_explorer(
    us_commitment_japan: float = 0.8,
    us_commitment_korea: float = 0.8,
    shared_threat: float = 0.5,
    history_salience: float = 0.5,
    chart: bool = True,
):
    """Return a widget: four sliders, the prediction explained in words, and a chart.

    Moving a slider recomputes :func:`quasi_alliance` and rewrites the explanation
    (an ``HTML`` widget, ``.explanation``) and the chart (``.chart``). The sliders are
    in ``.sliders``, keyed by input name.
    """
    import ipywidgets as widgets

    start = {
        "us_commitment_japan": us_commitment_japan,
        "us_commitment_korea": us_commitment_korea,
        "shared_threat": shared_threat,
        "history_salience": history_salience,
    }
    for name, value in start.items():
        _check_input(name, value)
    short = {
        "us_commitment_japan": "US → Japan",
        "us_commitment_korea": "US → S. Korea",
        "shared_threat": "Shared threat",
        "history_salience": "History salience",
    }
    sliders = {}
    for name, value in start.items():
        s = widgets.FloatSlider(
            value=value, min=0.0, max=1.0, step=0.05, description=short[name],
            readout_format=".2f", continuous_update=False,
            style={"description_width": "9em"}, layout=widgets.Layout(width="30em"),
        )
        s.tooltip = INPUTS[name]
        sliders[name] = s
    explanation = widgets.HTML()
    chart_box = widgets.HTML()
    legend = widgets.HTML(
        "<p>" + "<br>".join(f"<strong>{html.escape(short[n])}</strong>: {html.escape(t)}"
                            for n, t in INPUTS.items()) + "</p>"
    )

    def update(_change=None):
        pred = quasi_alliance(**{n: s.value for n, s in sliders.items()})
        explanation.value = pred.to_html()
        if chart:
            chart_box.value = _chart_html(pred)
        box.prediction = pred

    box = widgets.VBox([legend, *sliders.values(), explanation, chart_box])
    for s in sliders.values():
        s.observe(update, names="value")
    box.sliders = sliders
    box.explanation = explanation
    box.chart = chart_box
    update()
    return WithFallback(
        box,
        lambda: legend.value + explanation.value + chart_box.value
        + "<p><em>Static copy: open the notebook in Jupyter to move the sliders.</em></p>",
        lambda: repr(box.prediction),
    )


# -------------------------------------------------------------------- the episodes


def _episodes(episodes=None, with_exercise: bool = False):
    import pandas as pd

    if episodes is None:
        from helpers.data import load_dataset

        episodes = load_dataset("alliance_episodes")
    if with_exercise and EXERCISE_EPISODE["episode_id"] not in set(episodes["episode_id"].astype(str)):
        extra = pd.DataFrame([EXERCISE_EPISODE])
        episodes = pd.concat([episodes, extra], ignore_index=True)
    return episodes


def open_episodes(episodes=None) -> list[str]:
    """Return the ids of episodes whose observed relations are left for students to code."""
    episodes = _episodes(episodes, with_exercise=True)
    return [str(r["episode_id"]) for _, r in episodes.iterrows() if _missing(r.get("observed_relations"))]


def episodes_text(episodes=None, width: int = 44) -> str:
    """Return the episodes as a small plain-text table (id, years, label, coding, observed).

    The exercise period (:data:`EXERCISE_EPISODE`) is listed last, marked "(left for you)".
    """
    episodes = _episodes(episodes, with_exercise=True)
    cols = [c for c in ("episode_id", "label", "us_posture", "japan_abandonment_fear",
                        "korea_abandonment_fear", "shared_threat",
                        "observed_relations")
            if c in episodes.columns]
    table = episodes[cols].copy()
    table.insert(1, "years", [f"{a}-{b}" for a, b in zip(episodes["start_year"], episodes["end_year"])])
    for c in cols:
        table[c] = [
            "(left for you)" if c == "observed_relations" and _missing(v)
            else ("" if _missing(v) else _short(str(v), width))
            for v in table[c]
        ]
    names = {"episode_id": "episode", "observed_relations": "observed", "us_posture": "US posture",
             "japan_abandonment_fear": "JP fear", "korea_abandonment_fear": "KR fear",
             "shared_threat": "threat"}
    return table.rename(columns=names).to_string(index=False)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def episode_timeline(episode_id: str | None = None, episodes=None):
    """Return the course timeline filtered to one episode's years (default: the exercise)."""
    from helpers.timeline import timeline

    episodes = _episodes(episodes, with_exercise=True)
    if episode_id is None:
        left = open_episodes(episodes)
        if not left:
            raise ModelInputError("Every episode is already coded; pass an episode_id to episode_timeline().")
        episode_id = left[0]
    match = episodes[episodes["episode_id"].astype(str) == str(episode_id)]
    if match.empty:
        raise ModelInputError(
            f"No episode called {episode_id!r} in the alliance_episodes dataset. "
            f"Fix: use one of {', '.join(episodes['episode_id'].astype(str))}."
        )
    row = match.iloc[0]
    return timeline(start=int(row["start_year"]), end=int(row["end_year"]))


def _as_level(value, column: str, episode: str) -> float:
    """Turn a coded cell (a 0-1 number or a word from LEVEL_VALUES) into a model input."""
    if isinstance(value, Real) and not isinstance(value, bool) and not math.isnan(float(value)):
        return _check_input(column, float(value))
    text = str(value).strip().lower()
    for word in sorted(LEVEL_VALUES, key=len, reverse=True):
        if text.startswith(word):
            return LEVEL_VALUES[word]
    raise ModelInputError(
        f"Episode '{episode}', column '{column}': cannot read {value!r} as a level. "
        f"Fix: use a number from 0 to 1 or one of: {', '.join(LEVEL_VALUES)}."
    )


def episode_parameters(episodes=None) -> dict:
    """Return the course's model inputs for every coded episode, keyed by episode_id.

    Read from ``alliance_episodes``: a 0-1 number or level word in a column named like
    the input (``us_commitment_japan`` ...) is used as it is; otherwise each ally's
    coded fear of abandonment (:data:`FEAR_COLUMNS`, "high"/"low") becomes its
    perceived commitment ``1 - fear``, and ``shared_threat`` words are read through
    :data:`LEVEL_VALUES`. Episodes without observed relations are skipped.
    """
    episodes = _episodes(episodes)
    params = {}
    for _, row in episodes.iterrows():
        if _missing(row.get("observed_relations")):
            continue
        eid = str(row["episode_id"])
        p = {}
        for name in INPUTS:
            if name in row.index and not _missing(row[name]):
                p[name] = _as_level(row[name], name, eid)
        for name, fear_col in FEAR_COLUMNS.items():
            if name not in p and fear_col in row.index and not _missing(row[fear_col]):
                fear = _as_level(row[fear_col], fear_col, eid)
                p[name] = round(1.0 - fear, 2)
        params[eid] = p
    return params


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, str) and not value.strip())
    except (TypeError, ValueError):
        return False


def _observed_label(text) -> str:
    t = str(text).strip().lower()
    for label in ("cooperation", "friction", "mixed"):
        if t.startswith(label) or t.startswith(label[:5]):
            return label
    return t


def compare_with_episodes(params_by_episode: dict | None = None, episodes=None):
    """Return a table of model prediction vs observed relations, one row per episode.

    ``params_by_episode`` maps an episode_id to the model's inputs (a dict with keys
    from :data:`INPUTS`); missing keys fall back to the course's coding from
    :func:`episode_parameters`, then to the model's defaults. Episodes not coded in
    the dataset (such as the one left for students) appear only when you pass
    parameters for them, with ``observed`` left blank.
    """
    import pandas as pd

    episodes = _episodes(episodes, with_exercise=True)
    known = set(episodes["episode_id"].astype(str))
    params_by_episode = dict(params_by_episode or {})
    unknown = sorted(set(params_by_episode) - known)
    if unknown:
        raise ModelInputError(
            f"compare_with_episodes: no episode called {', '.join(repr(u) for u in unknown)} in the "
            f"alliance_episodes dataset. Fix: use one of {', '.join(sorted(known))}."
        )
    course = episode_parameters(episodes)
    rows = []
    for _, row in episodes.iterrows():
        eid = str(row["episode_id"])
        if eid not in course and eid not in params_by_episode:
            continue
        inputs = {**course.get(eid, {}), **params_by_episode.get(eid, {})}
        missing = [n for n in ("us_commitment_japan", "us_commitment_korea", "shared_threat") if n not in inputs]
        if missing:
            raise ModelInputError(
                f"Episode '{eid}' has no value for {', '.join(missing)}. Fix: pass them, e.g. "
                f"compare_with_episodes({{'{eid}': {{'{missing[0]}': 0.5}}}})."
            )
        pred = quasi_alliance(**inputs)
        observed = row.get("observed_relations")
        observed_label = "" if _missing(observed) else _observed_label(observed)
        rows.append(
            {
                "episode": eid,
                "years": f"{row['start_year']}-{row['end_year']}",
                "US→JP": inputs["us_commitment_japan"],
                "US→KR": inputs["us_commitment_korea"],
                "threat": inputs["shared_threat"],
                "history": inputs.get("history_salience", 0.5),
                "score": round(pred.score, 2),
                "model": pred.label,
                "observed": observed_label,
                "match": "" if not observed_label else ("yes" if observed_label == pred.label else "no"),
            }
        )
    return pd.DataFrame(rows)
