"""A small, transparent model of the Japan-South Korea "quasi-alliance" (Cha 1999).

The model turns a few judgements into a predicted state of Japan-ROK relations
(cooperation, mixed or friction) and says in words how it got there. It is a
teaching device built on two theories, not a finding:

- Glenn Snyder (1984), "The Security Dilemma in Alliance Politics": an ally fears
  *abandonment* (the partner will not stand by it) and *entrapment* (being dragged
  into the partner's quarrels); the less it trusts a partner's commitment, the more
  it fears abandonment.
- Victor Cha (1999), *Alignment Despite Antagonism*: Japan and South Korea are
  "quasi-allies", two states that remain unallied but share a third party (the
  United States) as a common ally. Cha applies Snyder's fears at two levels:

  * level 1, between the quasi-allies: Seoul expects more support from Tokyo than
    Tokyo will give, so **Korea fears abandonment by Japan and Japan fears
    entrapment by Korea**. These asymmetric expectations make friction the "normal"
    state of the relationship;
  * level 2, towards the common ally: when **both** fear US abandonment, each needs
    the other as a hedge, the bilateral asymmetry is set aside and cooperation
    rises; when one fears US abandonment and the other does not, the safer one
    fears entrapment and friction grows.

Two other explanations can be switched on as **rival or auxiliary hypotheses**, so
that the coded episodes can test them: a *balance-of-threat* term (a common threat
draws the two together: the realist expectation that Cha's puzzle starts from) and
a *historical-enmity* term (colonial-history disputes push them apart: the
"commonly accepted explanation" Cha argues against). Both are off by default.

How the score is built (every weight and threshold is a teaching assumption, listed
in :data:`ASSUMPTIONS`; none of them was estimated from data):

1. Each ally's fear of US abandonment is ``1 - perceived US commitment`` to it.
2. ``shared_fear`` is the smaller of the two fears (the fear both feel);
   ``asymmetry`` is the gap between them.
3. ``bilateral_asymmetry`` is the smaller of Korea's fear of abandonment by Japan
   and Japan's fear of entrapment by Korea (friction needs both: one side that asks
   and one that holds back). Shared fear of the US offsets it: only the part
   ``bilateral_asymmetry * (1 - shared_fear)`` counts.
4. ``score = 1.0 * shared_fear - 1.0 * asymmetry
   - 1.0 * bilateral_asymmetry * (1 - shared_fear)``
   ``+ 0.5 * shared_threat`` (only with ``balance_of_threat=True``)
   ``- 0.5 * history_salience`` (only with ``historical_enmity=True``),
   clipped to -1 ... +1. The arithmetic is exact (decimal fractions), so a score
   that lands on a threshold is labelled by the threshold, not by a rounding error.
5. ``score >= +0.15`` reads as cooperation, ``score <= -0.15`` as friction,
   anything between as mixed.

With the default level-1 inputs (0.7 each, Cha's "normal" asymmetry) the three
imagined worlds in :data:`SCENARIOS` give: both allies doubt the US (commitments
0.3/0.3) +0.49 cooperation; one ally doubts (0.8/0.3) -0.86 friction; both feel
secure (0.8/0.8) -0.36 friction.

Public API (used by lessons 06 and 10)::

    quasi_alliance(us_commitment_japan, us_commitment_korea,
                   shared_threat=0.5, history_salience=0.5, *,
                   korea_fears_abandonment_by_japan=0.7,
                   japan_fears_entrapment_by_korea=0.7,
                   balance_of_threat=False, historical_enmity=False) -> Prediction
    model_explorer(**start_values, chart=True)   # sliders, two switches, words, chart
    compare_with_episodes(params_by_episode=None, episodes=None, *,
                          balance_of_threat=False, historical_enmity=False)
    hypothesis_table(episodes=None)   # each episode under the four switch settings
    episode_parameters(episodes=None) # the course's coding as model inputs
    scenario_table(), scenario_text(), comparison_text(), hypothesis_text(), assumptions_table(),
    episodes_text(), open_episodes(), episode_timeline(episode_id=None)

``Prediction`` fields: the six inputs, ``fear_japan``/``fear_korea`` (of US
abandonment), ``shared_fear``, ``asymmetry`` (the gap), ``bilateral_asymmetry``,
``score`` (-1 ... +1), ``label`` ("cooperation", "mixed", "friction"),
``hypotheses`` (switches on), ``terms`` (the parts of the score) and ``reasons``;
``explain()`` gives the reasoning as text.

Inputs and their allowed values: every numeric input is a number from 0 to 1
(see :data:`INPUTS`; 0 = none, 1 = the most); the two switches are ``True`` or
``False``. In ``alliance_episodes`` (and in any table passed as ``episodes``) a
fear or threat may be a 0-1 number or one of the words in :data:`LEVEL_VALUES`
("very low", "low", "moderate"/"medium", "high", "very high"); a coded fear of
US abandonment becomes a perceived commitment of ``1 - fear``. Columns named like
the inputs (``korea_fears_abandonment_by_japan``, ``history_salience`` ...) are
used when present; otherwise the defaults above apply. (The ``alliance_episodes``
schema itself allows only "high", "moderate" and "low" in its fear columns.) Bad input raises
:class:`ModelInputError` (a :class:`helpers.errors.CourseError`) with a plain
message saying how to fix it.
"""
from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Real

from helpers.errors import CourseError
from helpers.display import WithFallback
from helpers.render import render, safe

__all__ = [
    "ASSUMPTIONS",
    "BILATERAL_DEFAULT",
    "HYPOTHESES",
    "INPUTS",
    "EXERCISE_EPISODE",
    "FEAR_COLUMNS",
    "LEVEL_VALUES",
    "ModelInputError",
    "Prediction",
    "SCENARIOS",
    "assumptions_table",
    "compare_with_episodes",
    "comparison_text",
    "episode_parameters",
    "episode_timeline",
    "episodes_text",
    "hypothesis_table",
    "model_explorer",
    "open_episodes",
    "quasi_alliance",
    "scenario_table",
    "scenario_text",
    "hypothesis_text",
    "VARIANTS",
]


class ModelInputError(CourseError):
    """An input to the theory model is missing, not a number, or outside 0-1."""

    title = "The model needs different inputs"


#: The teaching assumptions. Change them and the predictions change: that is the point
#: of the exercise "what would you have to believe for the model to fit?".
ASSUMPTIONS = {
    "weight_shared_fear": 1.0,
    "weight_asymmetry": 1.0,
    "weight_bilateral": 1.0,
    "weight_shared_threat": 0.5,
    "weight_history": 0.5,
    "cooperation_at_or_above": 0.15,
    "friction_at_or_below": -0.15,
}

#: Cha's "normal" level-1 fears, used when an episode or a caller gives none: Korea
#: fears abandonment by Japan (0.7, "high") and Japan fears entrapment by Korea (0.7).
BILATERAL_DEFAULT = 0.7

#: The inputs, their plain-language meaning (slider tooltips and error messages).
INPUTS = {
    "us_commitment_japan": "Perceived US commitment to Japan (0 = none, 1 = rock solid)",
    "us_commitment_korea": "Perceived US commitment to South Korea (0 = none, 1 = rock solid)",
    "korea_fears_abandonment_by_japan": "Korea's fear that Japan will not support it (0 = none, 1 = the most)",
    "japan_fears_entrapment_by_korea": "Japan's fear of being drawn into Korea's conflicts (0 = none, 1 = the most)",
    "shared_threat": "Threat both feel from the same source, e.g. North Korea or the USSR (0-1); "
                     "counts only under the balance-of-threat hypothesis",
    "history_salience": "How much colonial-history disputes matter in domestic politics (0-1); "
                        "counts only under the historical-enmity hypothesis",
}

#: The two switchable hypotheses and what each adds (keyword name -> description).
HYPOTHESES = {
    "balance_of_threat": "balance of threat (realism): a shared threat draws the two together, + 0.5 x threat",
    "historical_enmity": "historical enmity: history disputes in domestic politics push them apart, - 0.5 x history",
}

#: Three imagined worlds used in lesson 06 to show Cha's three cases. The values are
#: illustrations chosen by the course, not measurements of any period.
SCENARIOS = {
    "both allies doubt the US": {"us_commitment_japan": 0.3, "us_commitment_korea": 0.3},
    "one ally doubts the US": {"us_commitment_japan": 0.8, "us_commitment_korea": 0.3},
    "both allies feel secure": {"us_commitment_japan": 0.8, "us_commitment_korea": 0.8},
}

#: What each assumption does, in words (for :func:`assumptions_table`).
_ASSUMPTION_WORDS = {
    "weight_shared_fear": "multiplies the fear of US abandonment both allies share (Cha, level 2: towards cooperation)",
    "weight_asymmetry": "multiplies the gap between the two fears of US abandonment (Cha, level 2: towards friction)",
    "weight_bilateral": "multiplies the Japan-Korea asymmetry left after shared fear offsets it "
                        "(Cha, level 1: the 'normal' friction)",
    "weight_shared_threat": "multiplies the shared threat, only when the balance-of-threat hypothesis is on",
    "weight_history": "multiplies history salience, only when the historical-enmity hypothesis is on",
    "cooperation_at_or_above": "scores at or above this read as cooperation",
    "friction_at_or_below": "scores at or below this read as friction (between the two: mixed)",
}

#: How the words used to code episodes map onto model inputs (a course convention).
LEVEL_VALUES = {"very low": 0.1, "low": 0.3, "moderate": 0.5, "medium": 0.5, "high": 0.7, "very high": 0.9}

#: Columns of ``alliance_episodes`` holding each ally's coded fear of US abandonment.
#: A coded fear (a level word) becomes a perceived commitment of ``1 - fear``: "high"
#: fear gives 0.3, "moderate" 0.5, "low" 0.7 (a course convention).
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


def _exact(value: float) -> Fraction:
    """The decimal a person typed (0.3, 0.05 ...) as an exact fraction."""
    return Fraction(repr(round(float(value), 9)))


@dataclass(frozen=True, repr=False)
class Prediction:
    """What the model predicts for one set of inputs, and why.

    ``terms`` holds each part of the score (positive pulls towards cooperation,
    negative towards friction; a switched-off hypothesis contributes 0), so the sum
    can be checked by hand. ``hypotheses`` names the switches that were on.
    """

    us_commitment_japan: float
    us_commitment_korea: float
    shared_threat: float
    history_salience: float
    korea_fears_abandonment_by_japan: float
    japan_fears_entrapment_by_korea: float
    fear_japan: float
    fear_korea: float
    shared_fear: float
    asymmetry: float
    bilateral_asymmetry: float
    score: float
    label: str
    hypotheses: tuple = ()
    terms: dict = field(default_factory=dict)
    reasons: tuple = ()

    @property
    def more_fearful(self) -> str | None:
        """Which ally fears US abandonment more ("Japan", "South Korea"), or None if equal."""
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
        return render("models/prediction.html", label=self.label, score=f"{self.score:+.2f}",
                      reasons=list(self.reasons))

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


def _check_switch(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ModelInputError(
            f"The switch '{name}' must be True or False, but it is {value!r}. "
            f"Fix: write {name}=True to add the hypothesis, {name}=False to leave it out."
        )
    return value


def _label(score: Fraction) -> str:
    a = ASSUMPTIONS
    if score >= _exact(a["cooperation_at_or_above"]):
        return "cooperation"
    if score <= _exact(a["friction_at_or_below"]):
        return "friction"
    return "mixed"


def quasi_alliance(
    us_commitment_japan: float,
    us_commitment_korea: float,
    shared_threat: float = 0.5,
    history_salience: float = 0.5,
    *,
    korea_fears_abandonment_by_japan: float = BILATERAL_DEFAULT,
    japan_fears_entrapment_by_korea: float = BILATERAL_DEFAULT,
    balance_of_threat: bool = False,
    historical_enmity: bool = False,
) -> Prediction:
    """Return the model's prediction for Japan-ROK relations, with its reasons.

    Every numeric input is a judgement on a 0-1 scale (see :data:`INPUTS`).
    ``shared_threat`` counts only with ``balance_of_threat=True`` and
    ``history_salience`` only with ``historical_enmity=True``. A value outside 0-1,
    anything that is not a number, or a switch that is not True/False raises
    :class:`ModelInputError`.
    """
    cj = _check_input("us_commitment_japan", us_commitment_japan)
    ck = _check_input("us_commitment_korea", us_commitment_korea)
    threat = _check_input("shared_threat", shared_threat)
    hist = _check_input("history_salience", history_salience)
    k_ab = _check_input("korea_fears_abandonment_by_japan", korea_fears_abandonment_by_japan)
    j_en = _check_input("japan_fears_entrapment_by_korea", japan_fears_entrapment_by_korea)
    bot = _check_switch("balance_of_threat", balance_of_threat)
    enm = _check_switch("historical_enmity", historical_enmity)
    w = {k: _exact(v) for k, v in ASSUMPTIONS.items()}

    fear_j, fear_k = 1 - _exact(cj), 1 - _exact(ck)
    shared = min(fear_j, fear_k)
    asym = abs(fear_j - fear_k)
    bilateral = min(_exact(k_ab), _exact(j_en))
    left = bilateral * (1 - shared)
    exact_terms = {
        "shared fear of US abandonment": w["weight_shared_fear"] * shared,
        "gap between the fears of US abandonment": -w["weight_asymmetry"] * asym,
        "Japan-Korea asymmetry not offset": -w["weight_bilateral"] * left,
        "shared threat" + ("" if bot else " (off)"): w["weight_shared_threat"] * _exact(threat) if bot else Fraction(0),
        "history in domestic politics" + ("" if enm else " (off)"):
            -w["weight_history"] * _exact(hist) if enm else Fraction(0),
    }
    raw = sum(exact_terms.values())
    clipped = max(Fraction(-1), min(Fraction(1), raw))
    label = _label(clipped)
    terms = {k: float(v) for k, v in exact_terms.items()}
    score = float(clipped)
    f = float

    reasons = [
        f"Level 2, the common ally. Japan's fear of US abandonment is {f(fear_j):.2f} ({_level(f(fear_j))}), "
        f"because it sees the US commitment as {cj:.2f}; South Korea's is {f(fear_k):.2f} "
        f"({_level(f(fear_k))}), because it sees the US commitment as {ck:.2f} (Snyder: the weaker the "
        f"protector's commitment looks, the more an ally fears abandonment).",
    ]
    if shared >= Fraction(1, 2):
        reasons.append(
            f"Both fear US abandonment (the fear they share is {f(shared):.2f}): Cha expects each to need the "
            f"other as a hedge against a US that may walk away (adds {terms['shared fear of US abandonment']:.2f})."
        )
    else:
        reasons.append(
            f"The fear of US abandonment they share is only {f(shared):.2f}: at least one ally feels secure with "
            f"the US, so there is little common pressure to draw together (adds "
            f"{terms['shared fear of US abandonment']:.2f})."
        )
    if asym < Fraction(15, 100):
        reasons.append(
            f"Their fears of the US are close (gap {f(asym):.2f}): neither feels much safer than the other "
            f"(Cha: symmetric fears; subtracts {f(w['weight_asymmetry'] * asym):.2f})."
        )
    else:
        safer = "Japan" if fear_j < fear_k else "South Korea"
        other = "South Korea" if safer == "Japan" else "Japan"
        reasons.append(
            f"Their fears of the US are asymmetric (gap {f(asym):.2f}): {other} fears abandonment more and seeks "
            f"support, while {safer} feels safer and fears being entrapped in {other}'s problems; Cha expects "
            f"friction from this (subtracts {f(w['weight_asymmetry'] * asym):.2f})."
        )
    reasons.append(
        f"Level 1, between the quasi-allies. Korea's fear of abandonment by Japan is {k_ab:.2f} and Japan's "
        f"fear of entrapment by Korea is {j_en:.2f}, so the asymmetry between them is {f(bilateral):.2f} "
        f"(the smaller of the two: friction needs one side that asks and one that holds back)"
        + (". Cha calls this friction the normal state" if bilateral > 0 else
           ": with no level-1 asymmetry, Cha's normal source of friction is absent")
        + f". Shared fear of the US offsets it: {f(bilateral):.2f} x "
        f"(1 - {f(shared):.2f}) = {f(left):.2f} is left (subtracts {f(w['weight_bilateral'] * left):.2f})."
    )
    if bot:
        reasons.append(
            f"Balance-of-threat hypothesis (on): a shared threat of {threat:.2f} ({_level(threat)}) pushes "
            f"towards cooperation (adds {f(w['weight_shared_threat'] * _exact(threat)):.2f}). This is the "
            f"realist expectation that Cha's puzzle starts from."
        )
    else:
        reasons.append("Balance-of-threat hypothesis (off): the shared threat does not count.")
    if enm:
        reasons.append(
            f"Historical-enmity hypothesis (on): history salience of {hist:.2f} ({_level(hist)}) pulls towards "
            f"friction (subtracts {f(w['weight_history'] * _exact(hist)):.2f}): leaders who gain votes by "
            f"standing firm on history have less room to compromise."
        )
    else:
        reasons.append("Historical-enmity hypothesis (off): history salience does not count.")
    clip_note = f", clipped to {score:+.2f}" if clipped != raw else ""
    reasons.append(
        f"Adding the parts gives {f(raw):+.2f}{clip_note}; "
        f"{ASSUMPTIONS['cooperation_at_or_above']:+.2f} or more reads as cooperation, "
        f"{ASSUMPTIONS['friction_at_or_below']:+.2f} or less as friction, anything between as mixed."
    )
    return Prediction(
        us_commitment_japan=cj,
        us_commitment_korea=ck,
        shared_threat=threat,
        history_salience=hist,
        korea_fears_abandonment_by_japan=k_ab,
        japan_fears_entrapment_by_korea=j_en,
        fear_japan=float(fear_j),
        fear_korea=float(fear_k),
        shared_fear=float(shared),
        asymmetry=float(asym),
        bilateral_asymmetry=float(bilateral),
        score=score,
        label=label,
        hypotheses=tuple(n for n, on in (("balance_of_threat", bot), ("historical_enmity", enm)) if on),
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
    """Return the model's prediction for each imagined world in :data:`SCENARIOS`.

    The level-1 inputs stay at Cha's normal asymmetry (:data:`BILATERAL_DEFAULT`) and
    both hypotheses are off unless a scenario says otherwise.
    """
    import pandas as pd

    rows = []
    for name, inputs in (scenarios or SCENARIOS).items():
        p = quasi_alliance(**inputs)
        rows.append({
            "world": name, "US→JP": p.us_commitment_japan, "US→KR": p.us_commitment_korea,
            "fear JP": round(p.fear_japan, 2), "fear KR": round(p.fear_korea, 2),
            "shared fear": round(p.shared_fear, 2), "gap": round(p.asymmetry, 2),
            "JP-KR asymmetry": round(p.bilateral_asymmetry, 2),
            "score": round(p.score, 2), "model": p.label,
        })
    return pd.DataFrame(rows)


def scenario_text(scenarios: dict | None = None) -> str:
    """Return :func:`scenario_table` as plain text (for a checked notebook cell)."""
    return scenario_table(scenarios).to_string(index=False)


# ----------------------------------------------------------------------- the chart


def _chart_html(pred: Prediction) -> str:
    """Return a small bar chart of the score's parts as an <img> with alt text."""
    from matplotlib.figure import Figure

    names = list(pred.terms)
    values = [pred.terms[n] for n in names]
    fig = Figure(figsize=(6.4, 2.8), dpi=90)
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
    return render("display/image.html", src=f"data:image/png;base64,{data}", alt=alt, style="max-width:100%")


# ---------------------------------------------------------------------- the widget

_SHORT = {
    "us_commitment_japan": "US → Japan",
    "us_commitment_korea": "US → S. Korea",
    "korea_fears_abandonment_by_japan": "Korea fears Japan abandons",
    "japan_fears_entrapment_by_korea": "Japan fears Korea entraps",
    "shared_threat": "Shared threat",
    "history_salience": "History salience",
}


def model_explorer(
    us_commitment_japan: float = 0.8,
    us_commitment_korea: float = 0.8,
    shared_threat: float = 0.5,
    history_salience: float = 0.5,
    *,
    korea_fears_abandonment_by_japan: float = BILATERAL_DEFAULT,
    japan_fears_entrapment_by_korea: float = BILATERAL_DEFAULT,
    balance_of_threat: bool = False,
    historical_enmity: bool = False,
    chart: bool = True,
):
    """Return a widget: six sliders, two hypothesis switches, the prediction in words, a chart.

    Moving a slider or a switch recomputes :func:`quasi_alliance` and rewrites the
    explanation (an ``HTML`` widget, ``.explanation``) and the chart (``.chart``).
    The sliders are in ``.sliders`` and the switches (checkboxes) in ``.switches``,
    keyed by input name; ``.prediction`` is the current :class:`Prediction`.
    """
    import ipywidgets as widgets

    start = {
        "us_commitment_japan": us_commitment_japan,
        "us_commitment_korea": us_commitment_korea,
        "korea_fears_abandonment_by_japan": korea_fears_abandonment_by_japan,
        "japan_fears_entrapment_by_korea": japan_fears_entrapment_by_korea,
        "shared_threat": shared_threat,
        "history_salience": history_salience,
    }
    for name, value in start.items():
        _check_input(name, value)
    switches_start = {"balance_of_threat": balance_of_threat, "historical_enmity": historical_enmity}
    for name, value in switches_start.items():
        _check_switch(name, value)
    sliders = {}
    for name, value in start.items():
        s = widgets.FloatSlider(
            value=value, min=0.0, max=1.0, step=0.05, description=_SHORT[name],
            readout_format=".2f", continuous_update=False,
            style={"description_width": "14em"}, layout=widgets.Layout(width="36em"),
        )
        s.tooltip = INPUTS[name]
        sliders[name] = s
    switches = {}
    for name, value in switches_start.items():
        c = widgets.Checkbox(value=value, description=f"Add the {HYPOTHESES[name].split(':')[0]} hypothesis",
                             indent=False, layout=widgets.Layout(width="32em"))
        c.tooltip = HYPOTHESES[name]
        switches[name] = c
    explanation = widgets.HTML()
    chart_box = widgets.HTML()
    legend = widgets.HTML(render("models/legend.html",
                                 inputs=[{"name": _SHORT[n], "meaning": t} for n, t in INPUTS.items()]))

    def update(_change=None):
        pred = quasi_alliance(**{n: s.value for n, s in sliders.items()},
                              **{n: bool(c.value) for n, c in switches.items()})
        explanation.value = pred.to_html()
        if chart:
            chart_box.value = _chart_html(pred)
        box.prediction = pred

    box = widgets.VBox([legend, *sliders.values(), *switches.values(), explanation, chart_box])
    for s in [*sliders.values(), *switches.values()]:
        s.observe(update, names="value")
    box.sliders = sliders
    box.switches = switches
    box.explanation = explanation
    box.chart = chart_box
    update()
    return WithFallback(
        box,
        lambda: render("models/explorer_static.html", legend=safe(legend.value),
                       explanation=safe(explanation.value), chart=safe(chart_box.value)),
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
    """Return the episodes as a small plain-text table (years, name, coding, observed).

    Students read this table, so it shows each period's years and name, not its
    ``episode_id``. The exercise period (:data:`EXERCISE_EPISODE`) is listed last,
    marked "(left for you)".
    """
    episodes = _episodes(episodes, with_exercise=True)
    cols = [c for c in ("label", "us_posture", "japan_abandonment_fear",
                        "korea_abandonment_fear", "shared_threat",
                        "observed_relations")
            if c in episodes.columns]
    table = episodes[cols].copy()
    table.insert(0, "years", [f"{a}-{b}" for a, b in zip(episodes["start_year"], episodes["end_year"])])
    for c in cols:
        table[c] = [
            "(left for you)" if c == "observed_relations" and _missing(v)
            else ("" if _missing(v) else _short(str(v), width))
            for v in table[c]
        ]
    if "coding_contested" in episodes.columns:
        table["observed_relations"] = [
            f"{v} (contested)" if str(flag).strip().lower() == "yes" else v
            for v, flag in zip(table["observed_relations"], episodes["coding_contested"])
        ]
    names = {"label": "episode", "observed_relations": "observed", "us_posture": "US posture",
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
    an input (``us_commitment_japan``, ``korea_fears_abandonment_by_japan``,
    ``history_salience`` ...) is used as it is; otherwise each ally's coded fear of
    US abandonment (:data:`FEAR_COLUMNS`: "high", "moderate", "low") becomes its
    perceived commitment ``1 - fear``, and ``shared_threat`` words are read through
    :data:`LEVEL_VALUES`. Inputs an episode does not code are left out, so the
    model's defaults apply (level-1 fears 0.7, history 0.5). Episodes without
    observed relations are skipped.
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


def compare_with_episodes(
    params_by_episode: dict | None = None,
    episodes=None,
    *,
    balance_of_threat: bool = False,
    historical_enmity: bool = False,
):
    """Return a table of model prediction vs observed relations, one row per episode.

    ``params_by_episode`` maps an episode_id to the model's inputs (a dict with keys
    from :data:`INPUTS`); missing keys fall back to the course's coding from
    :func:`episode_parameters`, then to the model's defaults. The two switches add
    the rival hypotheses for every episode. Episodes not coded in the dataset (such
    as the one left for students) appear only when you pass parameters for them,
    with ``observed`` left blank.
    """
    import pandas as pd

    _check_switch("balance_of_threat", balance_of_threat)
    _check_switch("historical_enmity", historical_enmity)
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
        bad = sorted(set(inputs) - set(INPUTS))
        if bad:
            raise ModelInputError(
                f"Episode '{eid}': the model has no input called {', '.join(repr(b) for b in bad)}. "
                f"Fix: use the names in models.INPUTS: {', '.join(INPUTS)}."
            )
        missing = [n for n in ("us_commitment_japan", "us_commitment_korea") if n not in inputs]
        if missing:
            raise ModelInputError(
                f"Episode '{eid}' has no value for {', '.join(missing)}. Fix: pass them, e.g. "
                f"compare_with_episodes({{'{eid}': {{'{missing[0]}': 0.5}}}})."
            )
        pred = quasi_alliance(**inputs, balance_of_threat=balance_of_threat, historical_enmity=historical_enmity)
        observed = row.get("observed_relations")
        observed_label = "" if _missing(observed) else _observed_label(observed)
        rows.append(
            {
                "episode": eid,
                "years": f"{row['start_year']}-{row['end_year']}",
                "US→JP": pred.us_commitment_japan,
                "US→KR": pred.us_commitment_korea,
                "JP-KR asym.": pred.bilateral_asymmetry,
                "threat": pred.shared_threat,
                "history": pred.history_salience,
                "score": round(pred.score, 2),
                "model": pred.label,
                "observed": observed_label,
                "match": "" if not observed_label else ("yes" if observed_label == pred.label else "no"),
            }
        )
    return pd.DataFrame(rows)


#: The four ways of running the model in :func:`hypothesis_table`.
VARIANTS = {
    "Cha alone": {},
    "Cha + threat": {"balance_of_threat": True},
    "Cha + history": {"historical_enmity": True},
    "Cha + both": {"balance_of_threat": True, "historical_enmity": True},
}


def hypothesis_table(episodes=None, params_by_episode: dict | None = None):
    """Return each coded episode's predicted label under the four switch settings.

    Columns: episode, years, observed, then one column per entry of :data:`VARIANTS`
    holding the label and score (e.g. ``friction (-0.19)``). The last row counts the
    matches with the observed relations. ``params_by_episode`` overrides inputs as in
    :func:`compare_with_episodes`.
    """
    import pandas as pd

    base = None
    columns = {}
    matches = {}
    for name, switches in VARIANTS.items():
        t = compare_with_episodes(params_by_episode, episodes, **switches)
        t = t[t["observed"] != ""]
        if base is None:
            base = t[["episode", "years", "observed"]].reset_index(drop=True)
        columns[name] = [f"{m} ({s:+.2f})" for m, s in zip(t["model"], t["score"])]
        matches[name] = int((t["match"] == "yes").sum())
    table = base.copy()
    for name, values in columns.items():
        table[name] = values
    total = {"episode": "matches", "years": "", "observed": f"of {len(base)}"}
    total.update({name: str(n) for name, n in matches.items()})
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def _for_students(table):
    """Replace the internal episode ids of a table by its years (what students read)."""
    table = table.copy()
    table["years"] = [y if y else e for e, y in zip(table["episode"], table["years"])]
    return table.drop(columns="episode").rename(columns={"years": "period"})


def hypothesis_text(episodes=None) -> str:
    """Return :func:`hypothesis_table` as plain text (for a checked notebook cell).

    Each episode is named by its years, not by its ``episode_id``.
    """
    return _for_students(hypothesis_table(episodes)).to_string(index=False)


def comparison_text(episodes=None) -> str:
    """Return :func:`compare_with_episodes` (both hypotheses off) as plain text.

    Each episode is named by its years, not by its ``episode_id`` (for a checked
    notebook cell).
    """
    return _for_students(compare_with_episodes(episodes=episodes)).to_string(index=False)
