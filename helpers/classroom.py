"""The instructor's view: put together the progress files students hand in.

Students write their progress with ``helpers.quiz.export_progress("progress.csv")``
and hand the CSV in. Put the files in one folder; these functions read them all.
"""
from __future__ import annotations

from pathlib import Path

from helpers.errors import ProgressError
from helpers.quiz import EXPORT_COLUMNS
from helpers.spreadsheet import safe_frame


def read_exports(folder):
    """Return every handed-in progress CSV in ``folder`` as one DataFrame (one row per answer)."""
    import pandas as pd

    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ProgressError(f"There is no folder {folder}. Put the students' progress CSV files in one folder and pass its path.")
    frames, skipped = [], []
    for path in sorted(folder.glob("*.csv")):
        try:
            frame = pd.read_csv(path, dtype={"lesson": str, "student_id": str, "question_id": str})
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            skipped.append(f"{path.name} (not readable as CSV: {exc})")
            continue
        missing = [c for c in EXPORT_COLUMNS if c not in frame.columns]
        if missing:
            skipped.append(f"{path.name} (missing columns: {', '.join(missing)})")
            continue
        frame["file"] = path.name
        frames.append(frame)
    if not frames:
        detail = f" Files passed over: {'; '.join(skipped)}." if skipped else ""
        raise ProgressError(f"No progress CSV files could be read in {folder}.{detail}")
    table = pd.concat(frames, ignore_index=True)
    table["lesson"] = table["lesson"].str.zfill(2)
    # A handed-in file is untrusted: a cell like "=HYPERLINK(...)" must not run when the
    # instructor saves these tables as CSV and opens them in a spreadsheet.
    table = safe_frame(table)
    table.attrs["skipped"] = skipped
    return table


def class_progress(folder):
    """Return one row per student and lesson: questions answered and mean best score (%)."""
    table = read_exports(folder)
    summary = (
        table.groupby(["student_id", "lesson"])
        .agg(answered=("question_id", "nunique"), score_pct=("best_score", "mean"), last_activity=("last_attempt", "max"))
        .reset_index()
    )
    summary["score_pct"] = (summary["score_pct"] * 100).round(1)
    summary.attrs["skipped"] = table.attrs.get("skipped", [])
    return summary


def question_difficulty(folder):
    """Return one row per question: students who answered it, mean best score, mean attempts.

    The hardest questions (lowest mean best score) come first: they show what to go
    over again in class.
    """
    table = read_exports(folder)
    stats = (
        table.groupby(["lesson", "question_id"])
        .agg(students=("student_id", "nunique"), best_score=("best_score", "mean"), attempts=("attempts", "mean"))
        .reset_index()
        .sort_values(["best_score", "attempts"], ascending=[True, False], kind="stable")
        .reset_index(drop=True)
    )
    stats["best_score"] = stats["best_score"].round(2)
    stats["attempts"] = stats["attempts"].round(1)
    return stats
