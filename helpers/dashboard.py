"""The instructor's class dashboard (``instructors/class_dashboard.ipynb``).

Reads the class folder (``ALLIES_CLASS_DIR``, or the folder given) through
``helpers.classroom`` and shows, as tables and charts: the class's progress per lesson,
the hardest questions, who has not started each lesson, and every student's score per
lesson. The Refresh button reads the folder again; nothing is cached between reads.
"""
from __future__ import annotations

import base64
from datetime import datetime, timezone

from helpers import classroom
from helpers.errors import ProgressError
from helpers.render import render, safe

HARDEST = 10


def _png(fig) -> str:
    from io import BytesIO

    buf = BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _bar_chart(labels, values, notes, xlabel: str, title: str) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 0.38 * len(labels) + 1.3), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.barh(labels, values, color="#2563eb")
    for y, (v, note) in enumerate(zip(values, notes)):
        ax.text(v + 1, y, note, va="center", fontsize=8)
    ax.set_xlim(0, 130)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.invert_yaxis()
    fig.tight_layout()
    return _png(fig)


def _img(png: str, alt: str) -> str:
    return render("display/image.html", src=f"data:image/png;base64,{png}", alt=alt, style="")


def _table(frame, caption: str) -> str:
    from helpers.display import table

    return table(frame, caption=caption).to_html()


def lesson_summary(progress, waiting) -> "pd.DataFrame":  # noqa: F821
    """Return per lesson: students started, mean score (%) and mean questions answered."""
    by_lesson = (
        progress.groupby("lesson")
        .agg(students=("student_id", "nunique"), mean_score_pct=("score_pct", "mean"),
             mean_answered=("answered", "mean"))
        .reset_index()
    )
    out = waiting[["lesson", "title", "not_started"]].merge(by_lesson, on="lesson", how="left")
    out["students"] = out["students"].fillna(0).astype(int)
    out["mean_score_pct"] = out["mean_score_pct"].round(1)
    out["mean_answered"] = out["mean_answered"].round(1)
    return out[["lesson", "title", "students", "not_started", "mean_score_pct", "mean_answered"]]


def report_html(folder=None) -> str:
    """Return the whole dashboard as HTML (tables escaped, charts with alt text)."""
    try:
        waiting = classroom.not_started(folder)
    except ProgressError as exc:
        return render("dashboard/error.html", message=str(exc))
    notes = list(waiting.attrs["skipped"])
    try:
        progress = classroom.class_progress(folder)
        hardest = classroom.question_difficulty(folder).head(HARDEST)
    except ProgressError:
        progress = hardest = None
    if progress is None:
        sections = [("Who has not started", [_table(waiting, "Students without an answer, per lesson quiz")])]
        return _report(notes, sections, nobody=True)

    summary = lesson_summary(progress, waiting)
    overview = [_table(summary.rename(columns={
        "students": "students started", "not_started": "not started",
        "mean_score_pct": "mean best score (%)", "mean_answered": "questions answered (mean)"}),
        "Per lesson quiz: students who saved an answer, and their mean best score")]
    started = summary[summary["students"] > 0]
    if len(started):
        labels = [f"Lesson {r.lesson}" for r in started.itertuples()]
        values = [float(r.mean_score_pct) for r in started.itertuples()]
        tags = [f"{v:g}% ({r.students} started)" for v, r in zip(values, started.itertuples())]
        alt = "; ".join(f"lesson {r.lesson}: mean best score {v:g}% over {r.students} student(s)"
                        for v, r in zip(values, started.itertuples()))
        overview.append(_img(_bar_chart(labels, values, tags, "Mean best score (%)", "Class progress per lesson"),
                             "Bar chart of the class's mean best score per lesson: " + alt))

    labels = [f"{r.lesson} {r.question_id}" for r in hardest.itertuples()]
    values = [float(r.best_score) * 100 for r in hardest.itertuples()]
    tags = [f"{v:.0f}% ({r.students} students, {r.attempts:g} tries)" for v, r in zip(values, hardest.itertuples())]
    alt = "; ".join(f"lesson {r.lesson} question {r.question_id}: {v:.0f}%" for v, r in zip(values, hardest.itertuples()))
    hard = [
        _table(hardest.rename(columns={"best_score": "mean best score (0-1)", "attempts": "mean attempts"}),
               f"The {len(hardest)} questions with the lowest mean best score: go over these in class"),
        _img(_bar_chart(labels, values, tags, "Mean best score (%)", "Hardest questions"),
             "Bar chart of the hardest questions' mean best score: " + alt),
    ]
    grid = progress.pivot_table(index="student_id", columns="lesson", values="score_pct", aggfunc="first")
    grid = grid.reset_index().rename(columns={"student_id": "student"})
    grid.columns = [str(c) for c in grid.columns]
    sections = [
        ("Class progress per lesson", overview),
        ("The hardest questions", hard),
        ("Who has not started", [_table(waiting.rename(columns={"not_started": "not started",
                                                                "students_not_started": "who"}),
                                        "Students without a saved answer, per lesson quiz")]),
        ("Each student", [_table(grid, "Best score (%) per student and lesson (— not started)")]),
    ]
    return _report(notes, sections)


def _report(notes, sections, nobody: bool = False) -> str:
    """The dashboard page: notes, then each (heading, fragments) section (tables and charts rendered already)."""
    return render("dashboard/report.html", notes=safe(render("classroom/notes.html", notes=notes)), nobody=nobody,
                  sections=[{"heading": h, "fragments": [safe(f) for f in fragments]} for h, fragments in sections])


class ClassDashboard:
    """The dashboard: a Refresh button, a status line and the report (``report_html``)."""

    def __init__(self, folder=None):
        import ipywidgets as w

        self.folder = folder
        self.refresh_button = w.Button(description="Refresh", icon="refresh", layout=w.Layout(width="auto"),
                                       tooltip="Read the class folder again")
        self.status = w.HTML("")
        self.body = w.HTML("")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.widget = w.VBox([w.HBox([self.refresh_button, self.status]), self.body])
        self.refresh()

    def refresh(self) -> None:
        """Read the class folder again and redraw every table and chart."""
        self.status.value = render("display/status.html", text="Reading the class folder...")
        self.body.value = report_html(self.folder)
        where = self.folder or classroom.class_folder.class_dir() or "no class folder set"
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        self.status.value = render("display/status.html", text=f"Read {where} at {when}.")

    def _repr_mimebundle_(self, include=None, exclude=None):
        from helpers.display import WithFallback

        return WithFallback(self.widget, lambda: self.status.value + self.body.value,
                            "Class dashboard (open in Jupyter to refresh).")._repr_mimebundle_(include, exclude)


def show(folder=None) -> ClassDashboard:
    """Return the class dashboard for ``folder`` (default: the class folder, $ALLIES_CLASS_DIR)."""
    return ClassDashboard(folder)
