"""The source-critique claim checker: judge the article's claims against the data.

Every checkable claim of the Asia Times article (January 2019) is a row of the
``article_claims`` dataset, with the course's verdict, the correction and the
evidence. Students read each claim, choose a verdict, press *Check*, and get the
correction with its evidence.

Main calls::

    judge(claim_id, verdict) -> Result     # pure: no widgets, used by the tests
    claim_checker(claims=None)              # the interactive checker
    answer_key()                            # the full key (for instructors)
    spot_claims(picks) -> list[SpotResult]  # pure: which sentences are checkable
    claim_spotter()                         # the "find the claims first" step

Nothing a student sees before checking hints at the verdict: cards show only their
number and the claim, and the full set is shown in a fixed mixed order (see
:func:`card_order`) so the first cards are not all of one kind.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from helpers.answer_watch import AnswerWatch
from helpers.display import notice_html
from helpers.errors import QuizError
from helpers.render import render

__all__ = [
    "PREFERRED_ORDER",
    "Result",
    "VERDICT_MEANINGS",
    "SPOTTER_SENTENCES",
    "answer_key",
    "card_order",
    "claim_checker",
    "claim_spotter",
    "judge",
    "spot_claims",
    "verdict_options",
    "verdict_summary",
]

#: What each verdict means, shown to students next to the choices.
VERDICT_MEANINGS = {
    "correct": "the claim matches the evidence",
    "error": "a factual mistake: a wrong number, date, name or event",
    "imprecise": "roughly right, but vague, loaded or misleading as written",
    "typo": "a slip of spelling or grammar that does not change the facts",
    "unverified": "the course could not check it either way",
}
#: How the checker's answers are filed in the student's progress (see helpers.quiz.record).
SAVE_ACTIVITY = "08-factcheck"
SAVE_TITLE = "Claim checker: the article's claims"
#: The order in which verdict choices are offered (others follow alphabetically).
PREFERRED_ORDER = ("correct", "error", "imprecise", "typo", "unverified")


@dataclass(frozen=True)
class Result:
    """The outcome of judging one claim."""

    claim_id: str
    chosen: str
    expected: str
    correct: bool
    message: str
    correction: str
    evidence: str
    source: str
    confidence: str = ""

    def to_html(self, save_note: str = "") -> str:
        """Return the feedback as an HTML fragment (words first, colour only as a border).

        ``save_note``: a notice from saving the answer, shown under the feedback.
        """
        return render("factcheck/result.html", correct=self.correct, message=self.message,
                      correction=self.correction, evidence=self.evidence, confidence=self.confidence,
                      source=self.source, save_note=save_note)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value).strip()
    return "" if text.lower() in {"nan", "<na>"} else text


def _load(claims=None):
    """Return the claims table: all rows, a list of claim_ids, or a DataFrame given."""
    import pandas as pd

    from helpers.data import load_dataset

    if isinstance(claims, pd.DataFrame):
        table = claims
    else:
        table = load_dataset("article_claims")
        if claims is not None:
            wanted = [claims] if isinstance(claims, str) else list(claims)
            known = list(table["claim_id"].astype(str))
            unknown = [c for c in wanted if str(c) not in known]
            if unknown:
                raise QuizError(
                    f"No claim called {', '.join(repr(u) for u in unknown)} in the article_claims dataset. "
                    f"Fix: use claim ids such as {', '.join(known[:4])} (all: helpers.factcheck.answer_key())."
                )
            table = table.set_index(table["claim_id"].astype(str)).loc[[str(c) for c in wanted]].reset_index(drop=True)
    return table.reset_index(drop=True)


def verdict_options(claims=None) -> list[str]:
    """Return the verdicts a student may choose, in teaching order."""
    own_table = claims is not None and hasattr(claims, "columns")
    table = claims if own_table else _load(claims)
    found = {_text(v).lower() for v in table["verdict"] if _text(v)}
    if not own_table:
        # The schema may allow verdicts no row uses yet; offer those too.
        from helpers.data import field_constraints

        allowed = field_constraints("article_claims", "verdict").get("enum", [])
        found |= {_text(v).lower() for v in allowed if _text(v)}
    ordered = [v for v in PREFERRED_ORDER if v in found]
    return ordered + sorted(found - set(ordered))


def _row(table, claim_id):
    match = table[table["claim_id"].astype(str) == str(claim_id)]
    if match.empty:
        known = list(table["claim_id"].astype(str))
        raise QuizError(
            f"No claim called {claim_id!r} in the article_claims dataset. "
            f"Fix: use one of {', '.join(known[:6])}{' ...' if len(known) > 6 else ''}."
        )
    return match.iloc[0]


def judge(claim_id: str, verdict, claims=None) -> Result:
    """Return the feedback for choosing ``verdict`` on claim ``claim_id``.

    A missing verdict (None or empty) or one that is not offered raises a
    :class:`~helpers.errors.QuizError` saying what to choose.
    """
    own_table = claims is not None and hasattr(claims, "columns")
    table = claims if own_table else _load(None)
    row = _row(table, claim_id)
    options = verdict_options(table if own_table else None)
    chosen = _text(verdict).lower()
    if not chosen:
        raise QuizError(
            f"Claim {claim_id}: no verdict chosen yet. Fix: pick one of {', '.join(options)}, then press Check."
        )
    if chosen not in options:
        raise QuizError(
            f"Claim {claim_id}: {verdict!r} is not one of the verdicts. Fix: choose one of {', '.join(options)}."
        )
    expected = _text(row["verdict"]).lower()
    correction = _text(row.get("correction"))
    evidence = _text(row.get("evidence"))
    source = _text(row.get("source"))
    if chosen == expected:
        if expected == "correct":
            message = "Right: this claim holds up against the evidence."
        else:
            message = f"Right: this is {_article(expected)} {expected} ({VERDICT_MEANINGS.get(expected, '')})."
    else:
        meaning = VERDICT_MEANINGS.get(expected, "")
        message = (
            f"Not quite: you chose '{chosen}', the course's verdict is '{expected}'"
            + (f" ({meaning})" if meaning else "")
            + ". Read the correction and the evidence below."
        )
    if expected == "correct" and not correction:
        correction = "None needed."
    return Result(
        claim_id=str(row["claim_id"]),
        chosen=chosen,
        expected=expected,
        correct=chosen == expected,
        message=message,
        correction=correction,
        evidence=evidence,
        source=source,
        confidence=_text(row.get("confidence")),
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def answer_key(claims=None):
    """Return the full answer key as a DataFrame (claim, verdict, correction, evidence, source)."""
    table = _load(claims)
    cols = [c for c in ("claim_id", "theme", "verdict", "confidence", "correction", "evidence", "source", "lesson")
            if c in table.columns]
    return table[cols].copy()


def verdict_summary(claims=None) -> str:
    """Return the article's scorecard as plain text: how many claims got each verdict, by theme."""
    table = _load(claims)
    options = verdict_options(claims if claims is not None and hasattr(claims, "columns") else None)
    verdicts = table["verdict"].map(lambda v: _text(v).lower())
    counts = table.assign(verdict=verdicts).pivot_table(
        index="theme", columns="verdict", values="claim_id", aggfunc="count", fill_value=0
    )
    counts = counts.reindex(columns=[v for v in options if v in counts.columns])
    counts.loc["all claims"] = counts.sum()
    counts["total"] = counts.sum(axis=1)
    counts.index.name = None
    counts.columns.name = None
    return counts.astype(int).to_string()


def card_order(table, first=6, seed=2019) -> list[int]:
    """Return the row positions of ``table`` in the order the checker shows them.

    A fixed shuffle (the same for every student, so a class can talk about "claim 5"),
    chosen so that the first ``first`` cards hold at least three different verdicts and
    no two neighbours anywhere share one where that can be avoided by the shuffle.
    """
    verdicts = [_text(v).lower() for v in table["verdict"]]
    positions = list(range(len(verdicts)))
    wanted = min(3, len(set(verdicts)))
    best = positions
    for attempt in range(500):
        order = positions[:]
        random.Random(seed + attempt).shuffle(order)
        head = {verdicts[i] for i in order[:first]}
        if len(head) >= wanted and all(verdicts[a] != verdicts[b] for a, b in zip(order[:first], order[1:first])):
            best = order
            break
    return best


# --------------------------------------------------------------------- saving


def _save(claim_id: str, result: Result) -> str:
    """Save one checked claim to the student's progress; return a notice if saving failed."""
    from helpers import quiz

    return quiz.record(SAVE_ACTIVITY, f"claim-{claim_id}", result.correct, answer=result.chosen, title=SAVE_TITLE)


# --------------------------------------------------------------------- widget


def claim_checker(claims=None, save: bool = True):
    """Return the interactive checker: one card per claim, and a running summary.

    ``claims`` may be None (every claim), a list of claim ids, or a DataFrame with
    the ``article_claims`` columns. The cards are in ``.cards`` (each with
    ``.choice``, ``.check`` and ``.feedback``) and the summary in ``.summary``.
    """
    import ipywidgets as widgets

    from helpers.quiz.widgets import changed_html

    table = _load(claims)
    if claims is None:  # the whole article: a mixed order, so the first cards give nothing away
        table = table.iloc[card_order(table)].reset_index(drop=True)
    own_table = claims is not None and hasattr(claims, "columns")
    options = verdict_options(claims if own_table else None)
    legend = widgets.HTML(render("factcheck/legend.html",
                                 verdicts=[{"name": v, "meaning": VERDICT_MEANINGS.get(v, v)} for v in options]))
    summary = widgets.HTML()
    first_try: dict[str, bool] = {}
    latest: dict[str, bool] = {}

    def refresh_summary():
        n = len(table)
        summary.value = render("factcheck/summary.html", checked=len(latest), total=n,
                               first_try=sum(first_try.values()), right_now=sum(latest.values()))

    cards = []
    for i, row in table.reset_index(drop=True).iterrows():
        cid = str(row["claim_id"])
        header = widgets.HTML(render("factcheck/card.html", number=i + 1, count=len(table), quote=_text(row["quote"])))
        choice = widgets.RadioButtons(
            options=options, value=None, description="Verdict:",
            layout=widgets.Layout(width="auto"),
        )
        # the same look as the quiz's Check buttons (helpers.quiz)
        check = widgets.Button(description="Check", button_style="primary", icon="check",
                               layout=widgets.Layout(width="auto"),
                               tooltip=f"Check your verdict on claim {i + 1}")
        feedback = widgets.HTML()
        # feedback on screen belongs to the verdict on screen (helpers.answer_watch)
        watch = AnswerWatch([choice], lambda choice=choice: choice.value,
                            lambda feedback=feedback: setattr(feedback, "value", changed_html()))

        def on_check(_button, cid=cid, choice=choice, feedback=feedback, watch=watch):
            chosen = choice.value
            try:
                result = judge(cid, chosen, table if own_table else None)
            except QuizError as exc:
                feedback.value = notice_html(str(exc))
                return
            first_try.setdefault(cid, result.correct)
            latest[cid] = result.correct
            note = _save(cid, result) if save else ""
            feedback.value = result.to_html(save_note=note or "")
            watch.judged(chosen)
            refresh_summary()

        check.on_click(on_check)
        card = widgets.VBox([header, choice, check, feedback],
                            layout=widgets.Layout(border="1px solid #d1d5db", padding="0.4em", margin="0.4em 0"))
        card.claim_id, card.choice, card.check, card.feedback = cid, choice, check, feedback
        cards.append(card)

    refresh_summary()
    box = widgets.VBox([legend, summary, *cards])
    box.cards = cards
    box.summary = summary
    box.results = latest
    return _with_static_copy(box, table)


def _with_static_copy(box, table):
    """Give the checker a static copy (claims only, no answers) for pages without widgets."""
    from helpers.display import WithFallback

    # Two quotes carry "US$" amounts; ignore_maths keeps renderers from typesetting the text between them as maths.
    static = render("display/static.html", ignore_maths=True, fragments=[],
                    note=f"The claim checker needs a running notebook (open it in Jupyter). "
                         f"The {len(table)} claims to judge are:",
                    items=[_text(r["quote"]) for _, r in table.iterrows()])
    plain = f"Claim checker: {len(table)} claims. Open the notebook in Jupyter to check them."
    return WithFallback(box, static, plain)


# ------------------------------------------------------------- spot the claims

#: Sentences from the article (each quoted alone, or paraphrased, with attribution) for
#: the first step: which of them can be checked against evidence at all? ``checkable``
#: is the course's answer and ``why`` the reason shown after the student's picks.
SPOTTER_SENTENCES = (
    {"text": "Seoul and Washington had held '10 rounds of talks' on cost sharing since March 2018.",
     "checkable": True, "why": "A number of meetings and a date: the two governments' records show it."},
    {"text": "Yang believes the threat of withdrawal is a bluff.",
     "checkable": False, "why": "A belief about intentions; you can check that he said it, not whether it is true."},
    {"text": "Yang Uk: 'This is so Trump!'",
     "checkable": False, "why": "An exclamation of opinion: it tells you what the expert thinks, not a fact."},
    {"text": "The new base in Pyeongtaek is said to be '65 kilometers south of Seoul'.",
     "checkable": True, "why": "A distance: a map or the places dataset settles it."},
    {"text": "Daniel Pinkston is described as an American expert on international relations at Troy University.",
     "checkable": True, "why": "A name, a nationality and an employer: the university's own pages settle them."},
    {"text": "For South Korea, the broader risk is 'ending up friendless in a tough neighborhood'.",
     "checkable": False, "why": "A forecast and a metaphor: it can be argued with, not checked."},
    {"text": "Both sides released YouTube footage to state their case in the radar dispute.",
     "checkable": True, "why": "Two published videos, with dates: the ministries' own channels show them."},
    {"text": "Pinkston on the President's decisions: 'That is dangerous, in my view.'",
     "checkable": False, "why": "A judgement, marked as a view by the speaker himself."},
)


@dataclass(frozen=True)
class SpotResult:
    """The outcome for one sentence of the spotting step."""

    text: str
    picked: bool
    checkable: bool
    why: str

    @property
    def agrees(self) -> bool:
        return self.picked == self.checkable


def spot_claims(picks, sentences=SPOTTER_SENTENCES) -> list[SpotResult]:
    """Return, for each sentence, whether the student's pick agrees with the course.

    ``picks`` is a collection of sentence numbers (1-based) the student marked as
    checkable. Numbers outside the list raise a :class:`~helpers.errors.QuizError`.
    """
    try:
        chosen = {int(p) for p in picks}
    except (TypeError, ValueError):
        raise QuizError("Give the numbers of the sentences you think can be checked, e.g. [1, 3].") from None
    bad = sorted(p for p in chosen if not 1 <= p <= len(sentences))
    if bad:
        raise QuizError(f"There is no sentence {bad[0]}. Fix: use numbers from 1 to {len(sentences)}.")
    return [SpotResult(s["text"], i + 1 in chosen, bool(s["checkable"]), s["why"])
            for i, s in enumerate(sentences)]


def _spot_feedback(results) -> str:
    return render("factcheck/spot_feedback.html", agree=sum(r.agrees for r in results), sentences=[
        {"verdict": "checkable" if r.checkable else "not checkable (a view, belief or forecast)",
         "agrees": r.agrees, "why": r.why}
        for r in results])


def claim_spotter(sentences=SPOTTER_SENTENCES):
    """Return the first step of the fact-check: tick the sentences that can be checked, then compare."""
    import ipywidgets as widgets

    from helpers.display import WithFallback
    from helpers.quiz.widgets import changed_html

    boxes = [widgets.Checkbox(value=False, indent=False, description=f"{i + 1}. {s['text']}",
                              layout=widgets.Layout(width="auto"))
             for i, s in enumerate(sentences)]
    check = widgets.Button(description="Compare with the course", button_style="primary", icon="check",
                           layout=widgets.Layout(width="auto"),
                           tooltip="Compare your picks with the course's")
    feedback = widgets.HTML()

    def picked():
        return [i + 1 for i, b in enumerate(boxes) if b.value]

    def on_check(_button):
        picks = picked()
        feedback.value = _spot_feedback(spot_claims(picks, sentences))
        watch.judged(picks)

    watch = AnswerWatch(boxes, picked, lambda: setattr(
        feedback, "value", changed_html(f"\u201c{check.description}\u201d")))
    check.on_click(on_check)
    intro = widgets.HTML(render("factcheck/spot_intro.html"))
    box = widgets.VBox([intro, *boxes, check, feedback])
    box.boxes, box.check, box.feedback = boxes, check, feedback
    static = render("display/static.html", ignore_maths=False, fragments=[],
                    note="This exercise needs a running notebook. Which of these sentences could be checked "
                         "against evidence?",
                    items=[s["text"] for s in sentences])
    shown = WithFallback(box, static, f"Spot the checkable claims: {len(sentences)} sentences.")
    shown.boxes, shown.check, shown.feedback = boxes, check, feedback
    return shown
