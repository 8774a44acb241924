"""The instructor's view: put together the students' progress files.

On a hub with a class folder (``ALLIES_CLASS_DIR``, see ``helpers.class_folder``) every
student's progress is already there, one CSV per student, and these functions read it
when called without a folder. Elsewhere students write their progress with
``helpers.quiz.export_progress("progress.csv")`` and hand the CSV in; put the files in
one folder and pass its path.

Handed-in files are untrusted and often damaged on the way (opened and re-saved in a
spreadsheet, with semicolons or in Windows-1252, rows cut short, a file handed in
twice). Every file and row that is read differently or left out is named, with the
reason, in the notes printed above the table the instructor looks at (and in
``table.attrs["skipped"]``); nothing is dropped silently.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from helpers import class_folder
from helpers.errors import ProgressError
from helpers.quiz import EXPORT_COLUMNS
from helpers.spreadsheet import safe_frame

_DELIMITERS = ",;\t"
_MAX_FILE_BYTES = 20_000_000


def _folder(folder) -> Path:
    if folder is None:
        folder = class_folder.class_dir()
        if folder is None:
            raise ProgressError(
                f"No class folder is set ({class_folder.ENV_CLASS_DIR} is empty). Give the folder that "
                "holds the students' progress CSV files, for example classroom.class_progress('handed_in/'), "
                f"or set {class_folder.ENV_CLASS_DIR} on the hub (docs/jupyterhub.md)."
            )
    if not isinstance(folder, (str, Path)) or not str(folder).strip():
        raise ProgressError(
            "Give the folder that holds the students' progress CSV files, for example "
            "classroom.class_progress('handed_in/')."
        )
    try:
        path = Path(folder).expanduser()
    except RuntimeError as exc:  # ~user that does not exist
        raise ProgressError(f"{folder!r} names an unknown home folder. Give the folder's full path.") from exc
    if not path.is_dir():
        raise ProgressError(f"There is no folder {path}. Put the students' progress CSV files in one folder and pass its path.")
    return path


def _decode(raw: bytes) -> tuple[str, str]:
    """Return (text, note): UTF-8 (with or without a byte-order mark), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "not UTF-8; read as Windows-1252 (Excel's Western encoding)"


def _rows(path: Path, notes: list[str]):
    """Yield the dict rows of one handed-in file, naming in ``notes`` what was left out."""
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            notes.append(f"{path.name}: skipped (larger than 20 MB, not a progress export)")
            return
        raw = path.read_bytes()
    except OSError as exc:
        notes.append(f"{path.name}: skipped (cannot be read: {exc.strerror})")
        return
    text, note = _decode(raw)
    if note:
        notes.append(f"{path.name}: {note}")
    first = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first.count)
    if delimiter != ",":
        notes.append(f"{path.name}: columns separated by {'semicolons' if delimiter == ';' else 'tabs'}, read as such")
    # the csv module's cell-size limit is one for the whole process: raised for a handed-in
    # file here, and given back when the file is read, so the datasets' loader keeps its own
    previous = csv.field_size_limit(_MAX_FILE_BYTES)
    try:
        # strict: a quote left open is reported (below), not a tail of rows read into one cell
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as exc:
            notes.append(f"{path.name}: skipped (not readable as CSV: {exc})")
            return
        missing = [c for c in EXPORT_COLUMNS if c not in header]
        if missing:
            notes.append(f"{path.name}: skipped (missing columns: {', '.join(missing)})")
            return
        start = reader.line_num + 1  # the file line the next record starts on
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):  # nothing after it can be read
                    notes.append(f"{path.name}, line {start}: stopped reading (a double quote opened there "
                                 "is never closed); the rows from there on were left out")
                    break
                # the reader goes on at the next line: only this record is lost
                notes.append(f"{path.name}, line {start}: left out (not valid CSV: {exc})")
                start = reader.line_num + 1
                continue
            line_no, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                notes.append(f"{path.name}, line {line_no}: left out ({len(cells)} fields where the header has {len(header)})")
                continue
            yield line_no, dict(zip(header, cells))
    finally:
        csv.field_size_limit(previous)


def _number(text: str, whole: bool = False):
    try:
        value = float(str(text).strip().rstrip("%")) / (100 if str(text).strip().endswith("%") else 1)
    except ValueError:
        return None
    if not math.isfinite(value) or (whole and value != int(value)):
        return None
    return value


def read_exports(folder=None):
    """Return every progress CSV in ``folder`` (default: the class folder) as one DataFrame (one row per answer).

    Rows whose score or attempts cannot be read, or are out of range (a score outside
    0-1, attempts below 1), are left out and named. The same student's answer to the same
    question handed in twice counts once (the latest attempt).
    """
    import pandas as pd

    path = _folder(folder)
    notes: list[str] = []
    kept = []
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    for file in files:
        for line_no, row in _rows(file, notes):
            best, last = _number(row["best_score"]), _number(row["last_score"])
            attempts = _number(row["attempts"], whole=True)
            problem = None
            if best is None or last is None:
                problem = f"score {row['best_score']!r:.30} is not a number"
            elif not (0 <= best <= 1 and 0 <= last <= 1):
                problem = f"score {row['best_score']!r:.30} is outside 0-1"
            elif attempts is None or attempts < 1:
                problem = f"attempts {row['attempts']!r:.30} is not a whole number of at least 1"
            elif not str(row["student_id"]).strip() or not str(row["question_id"]).strip():
                problem = "no student id or question id"
            if problem:
                notes.append(f"{file.name}, line {line_no}: left out ({problem})")
                continue
            row.update(best_score=best, last_score=last, attempts=int(attempts), file=file.name)
            kept.append(row)
    if not kept:
        detail = f" Files passed over: {'; '.join(notes)}." if notes else ""
        raise ProgressError(f"No progress CSV files could be read in {path}.{detail}")
    table = pd.DataFrame(kept)
    table["lesson"] = table["lesson"].astype(str).str.strip().str.zfill(2)
    table["last_correct"] = table["last_correct"].astype(str).str.strip().str.lower().isin(("true", "1", "yes"))
    key = ["student_id", "lesson", "question_id"]
    table = table.sort_values("last_attempt", kind="stable")
    dupes = table[table.duplicated(key, keep="last")]
    for row in dupes.itertuples():
        notes.append(f"{row.file}: {row.student_id}'s answer to {row.lesson} {row.question_id} was handed in "
                     "more than once; the latest is counted")
    table = table.drop_duplicates(key, keep="last").reset_index(drop=True)
    # A handed-in file is untrusted: a cell like "=HYPERLINK(...)" must not run when the
    # instructor saves these tables as CSV and opens them in a spreadsheet.
    table = safe_frame(table)
    return ClassTable(table, notes)


def class_progress(folder=None):
    """Return one row per student and lesson: questions answered and mean best score (%)."""
    table = read_exports(folder)
    summary = (
        table.groupby(["student_id", "lesson"])
        .agg(answered=("question_id", "nunique"), score_pct=("best_score", "mean"), last_activity=("last_attempt", "max"))
        .reset_index()
    )
    summary["score_pct"] = (summary["score_pct"] * 100).round(1)
    return ClassTable(summary, table.attrs["skipped"])


def question_difficulty(folder=None):
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
    return ClassTable(stats, table.attrs["skipped"])


def ClassTable(frame, notes: list[str]):
    """Return ``frame`` carrying ``notes``: shown above the table wherever it is displayed."""
    import pandas as pd

    from helpers.render import render, safe

    class _ClassTable(pd.DataFrame):
        _metadata = ["_notes"]

        @property
        def _constructor(self):
            return pd.DataFrame  # derived frames are plain; the notes belong to this result

        def _notes_text(self) -> str:
            if not self._notes:
                return ""
            return "Notes on the files read:\n" + "\n".join(f"- {n}" for n in self._notes) + "\n\n"

        def __repr__(self) -> str:
            return self._notes_text() + super().__repr__()

        def _repr_html_(self) -> str:
            body = super()._repr_html_() or ""
            if not self._notes:
                return body
            return render("classroom/table.html", notes=list(self._notes), table=safe(body))

    out = _ClassTable(frame)
    out._notes = list(notes)
    out.attrs["skipped"] = list(notes)
    return out


ROSTER_FILE = "roster.txt"


def roster(folder=None) -> list[str]:
    """Return the class list: ``roster.txt`` in the folder (one user name a line, ``#`` comments), or []."""
    path = _folder(folder) / ROSTER_FILE
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ProgressError(f"The class list {path} cannot be read ({exc.strerror}).") from exc
    names = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return list(dict.fromkeys(n for n in names if n))


def not_started(folder=None, students=None):
    """Return one row per lesson quiz: how many students have started it and who has not.

    The class is ``students`` if given, else the folder's ``roster.txt`` plus everyone who
    has a progress file there (without a roster, a student who never saved an answer is
    invisible: put the class list in ``roster.txt``).
    """
    import pandas as pd

    from helpers import QUIZ_DIR, course

    path = _folder(folder)
    try:
        answers = read_exports(path)
        notes = answers.attrs["skipped"]
    except ProgressError as exc:
        if "No progress CSV" not in str(exc):
            raise
        answers, notes = pd.DataFrame(columns=["student_id", "lesson"]), [str(exc)]
    names = list(students) if students is not None else roster(path) + sorted(set(answers["student_id"]))
    names = list(dict.fromkeys(str(n) for n in names))
    titles = {m.get("number"): m.get("title", "") for m in course.lessons()}
    rows = []
    for lesson in sorted(p.stem for p in QUIZ_DIR.glob("[0-9][0-9].yaml")):
        started = set(answers.loc[answers["lesson"] == lesson, "student_id"])
        missing = [n for n in names if n not in started]
        rows.append({"lesson": lesson, "title": titles.get(lesson, ""), "started": len(names) - len(missing),
                     "not_started": len(missing), "students_not_started": ", ".join(missing)})
    return ClassTable(safe_frame(pd.DataFrame(rows)), notes)
