"""Progress views: the per-lesson summary, its chart, the CSV export, reset and record.

What a student calls about saved answers: :func:`progress` (table and chart, with a
Refresh button where widgets run), :func:`export_progress` (the CSV for the instructor),
:func:`reset_progress`, and :func:`record` for exercises outside the question banks.
The file itself is :mod:`helpers.quiz.store`'s; matplotlib and ipywidgets are imported
when a view is drawn.
"""
from __future__ import annotations

import numbers
import os
import re
from pathlib import Path

import helpers
from helpers.errors import ProgressError, QuizError
from helpers.quiz import store
from helpers.quiz.bank import load_bank
from helpers.quiz.widgets import _SelfDisplaying
from helpers.render import render

EXPORT_COLUMNS = store.EXPORT_COLUMNS


def record(activity: str, item_id: str, correct: bool, score: float | None = None,
           answer=None, title: str = "") -> str:
    """Save one checked answer from an activity outside the question banks; return a notice.

    Used by exercises such as lesson 08's claim checker (``activity="08-factcheck"``).
    ``score`` defaults to 1 for a correct answer and 0 otherwise. Saving never raises:
    the returned string is empty on success, or a one-line notice for the student. A
    ``score`` that is not a number from 0 to 1 is a mistake in the calling code and raises
    a QuizError saying so.
    """
    if score is None:
        score = 1.0 if correct else 0.0
    if isinstance(score, bool) or not isinstance(score, numbers.Real) or not 0 <= float(score) <= 1:
        raise QuizError(f"record(score=...) takes a number from 0 to 1; got {score!r:.60}.")
    report = store.append({
        "lesson": str(activity), "question_id": str(item_id), "type": "exercise",
        "score": round(float(score), 4), "correct": bool(correct), "answer": answer,
        "title": str(title),
    })
    return report.notice or ""


def progress_table() -> tuple[list[dict], str | None]:
    """Return (one row per lesson, notice) from the saved progress.

    Row keys: lesson, title, answered, total, score_pct (mean best score over answered
    questions that are still in the bank), last_activity.
    """
    try:
        report = store.load()
    except ProgressError as exc:
        report = store.LoadReport([], str(exc))
    summary = store.summaries(report.records)
    lessons = {p.stem for p in helpers.QUIZ_DIR.glob("*.yaml")} | {k[0] for k in summary}
    rows = []
    for lesson in sorted(lessons):
        try:
            bank = load_bank(lesson) if re.fullmatch(r"\d{1,2}", lesson) else None
        except QuizError:
            bank = None
        ids = {q["id"] for q in bank["questions"]} if bank else None
        mine = {qid: s for (les, qid), s in summary.items() if les == lesson and (ids is None or qid in ids)}
        rows.append({
            "lesson": lesson,
            "title": bank["title"] if bank else next(
                (r["title"] for r in report.records if r["lesson"] == lesson and r.get("title")), ""),
            "answered": len(mine),
            "total": len(ids) if ids is not None else None,
            "score_pct": round(100 * sum(s["best_score"] for s in mine.values()) / len(mine), 1) if mine else None,
            "last_activity": max((s["last"] for s in mine.values()), default=None),
        })
    return rows, report.notice


#: The longest bar label, in characters, the chart's left margin holds at ``_LABEL_PT``.
_LABEL_CHARS, _LABEL_PT = 24, 9


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _chart_png(rows: list[dict]) -> bytes:
    from io import BytesIO

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 0.4 * len(rows) + 1.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # an activity's id can be long (quiz.record takes any): the chart shows its start, the
    # table beside it the whole id; a label wider than the figure would squeeze the bars away
    # Rows by position, not by label (labels shortened alike must not share one bar); the
    # label font size is fixed so a kernel's rcParams cannot widen them past the margin;
    # parse_math off: a "$" in an id is text, not the start of maths that fails to parse.
    labels = [_short(f"Lesson {r['lesson']}", _LABEL_CHARS) for r in rows]
    places = range(len(rows))
    ax.barh(places, [r["score_pct"] or 0 for r in rows], color="#2563eb")
    ax.set_yticks(places, labels, fontsize=_LABEL_PT, parse_math=False)
    for y, r in enumerate(rows):
        # the tags sit right of the axis, so the percentage axis ends at 100%
        tag = f"{r['score_pct']:g}% ({_answered_text(r, short=True)})" if r["answered"] else "not started"
        ax.text(102, y, tag, va="center", fontsize=8, clip_on=False, parse_math=False)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Best score on answered questions (%)")
    ax.invert_yaxis()
    ax.set_title("Your quiz progress")
    fig.tight_layout(rect=(0, 0, 0.78, 1))
    buf = BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _answered_text(r: dict, short: bool = False) -> str:
    """ "3 of 11" for a quiz; "2 checked" for an activity with no fixed number of items."""
    if r["total"] is None:
        return f"{r['answered']} checked"
    return f"{r['answered']}/{r['total']}" if short else f"{r['answered']} of {r['total']}"


def _shown_progress_path() -> str:
    try:
        return str(store.progress_path())
    except ProgressError:
        return "nowhere: see the note above"


# Text reads from the left; notebook front ends right-align table cells by default.
_COLUMNS = (("Lesson", "left"), ("Title", "left"), ("Answered", "right"), ("Score", "right"),
            ("Last activity", "left"))


class ProgressView(_SelfDisplaying):
    """The progress table and chart, as HTML (so it also reads without a kernel), with a
    Refresh button where widgets run, so the summary follows answers checked since."""

    def __init__(self, rows: list[dict], notice: str | None):
        self.rows, self.notice = rows, notice
        self._box = None

    def refresh(self):
        """Read the saved progress again and redraw."""
        self.rows, self.notice = progress_table()
        if self._box is not None:
            self._box.children[1].value = self._html()

    def _widget(self):
        import ipywidgets as widgets

        if self._box is None:
            button = widgets.Button(description="Refresh", icon="refresh", button_style="primary",
                                    tooltip="Read your saved answers again")
            button.on_click(lambda _: self.refresh())
            self._box = widgets.VBox([button, widgets.HTML(self._html())])
        return self._box

    def _html(self) -> str:
        import base64

        def cells(r):
            score = "" if r["score_pct"] is None else f"{r['score_pct']:g}%"
            when = (r["last_activity"] or "").replace("T", " ").replace("+00:00", " UTC")
            values = (r["lesson"], r["title"], _answered_text(r), score, when)
            return [(str(v), align) for v, (_, align) in zip(values, _COLUMNS)]

        png = alt = ""
        if any(r["answered"] for r in self.rows):
            alt = "; ".join(
                f"lesson {r['lesson']}: " + (f"{r['score_pct']:g}% on {_answered_text(r)}"
                                             if r["answered"] else "not started")
                for r in self.rows
            )
            png = base64.b64encode(_chart_png(self.rows)).decode("ascii")
        return render("quiz/progress.html", notice=self.notice, where=_shown_progress_path(),
                      head=_COLUMNS, rows=[cells(r) for r in self.rows], alt=alt, png=png)

    def _text(self) -> str:
        text = "\n".join(
            f"Lesson {r['lesson']}: {_answered_text(r)} answered"
            + (f", {r['score_pct']:g}%" if r["score_pct"] is not None else "")
            for r in self.rows
        )
        return text or "No progress saved yet."

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {}
        try:
            bundle.update(self._widget()._repr_mimebundle_(include=include, exclude=exclude) or {})
        except ImportError:  # pragma: no cover - ipywidgets is a course dependency
            pass
        bundle["text/html"] = self._html()
        bundle["text/plain"] = self._text()
        return bundle


def progress() -> ProgressView:
    """Show your progress per lesson (answered of total, score, last activity) and a chart."""
    rows, notice = progress_table()
    view = ProgressView(rows, notice)
    view._display_now()
    return view


def export_progress(path) -> Path:
    """Write your saved progress to a CSV file for your instructor; return its path.

    One row per lesson and question; the student id is $ALLIES_STUDENT_ID or the
    computer's user name. Text a spreadsheet would run as a formula is written with a
    leading apostrophe (``helpers.spreadsheet``).
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        raise ProgressError(
            "export_progress needs the name of the CSV file to write, for example "
            "quiz.export_progress('my_progress.csv')."
        )
    try:
        path = Path(path).expanduser()
    except RuntimeError as exc:  # an unknown ~user
        raise ProgressError(f"{path!r} names an unknown home folder. Give a file path you can write to.") from exc
    if path.is_dir():
        raise ProgressError(f"{path} is a folder. Give a file name, for example {path / 'my_progress.csv'}.")
    report = store.load()
    sid = store.student_id()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            fh.write(store.export_csv(report.records, sid))
    except OSError as exc:
        raise ProgressError(
            f"Could not write {path} ({exc.strerror}). Choose a file in a folder you can write to."
        ) from exc
    return path


def reset_progress(lesson=None) -> str:
    """Delete your saved answers (all, or one lesson's); a backup copy is kept. Returns a message.

    ``lesson`` is a lesson number (3, "3" or "03") or an activity name as the progress
    table lists it (for example "08-factcheck").
    """
    if lesson is not None:
        text = str(lesson).strip() if isinstance(lesson, (str, int)) and not isinstance(lesson, bool) else ""
        saved = sorted({r["lesson"] for r in store.load().records})
        if text.isdigit() and len(text) <= 2:
            lesson = f"{int(text):02d}"
        elif text and text in saved:
            lesson = text
        else:
            raise ProgressError(
                f"reset_progress takes a lesson number such as 3 or an activity name; got {lesson!r:.60}. "
                f"Saved progress exists for: {', '.join(saved) or 'nothing yet'}."
            )
    removed, backup = store.remove(lesson)
    scope = "all lessons" if lesson is None else (f"lesson {lesson}" if lesson.isdigit() else f"activity {lesson}")
    if backup is None:
        return "No saved progress to reset."
    return f"Removed {removed} saved answer(s) for {scope}. A backup was kept in {backup}."
