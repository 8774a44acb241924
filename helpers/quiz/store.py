"""The progress store: the saved-progress file, one JSON record per checked answer.

Private to :mod:`helpers.quiz` (lessons call ``quiz.progress()`` and friends);
:mod:`helpers.class_folder` and :mod:`helpers.simulation` use its lock and atomic write.

Format: JSON Lines (one JSON object per line) in ``progress.json``. One object per
checked answer keeps recovery simple: when the file is damaged, every line that still
parses as a record is carried over, and the damaged file is kept beside it as
``progress.json.corrupt-<timestamp>`` so nothing is lost silently.

Writes take an exclusive ``fcntl.flock`` on ``progress.json.lock``, re-read the file,
add the new record and replace the file atomically (temporary file in the same folder,
then ``os.replace``), so two kernels saving at once do not lose each other's answers.
Where ``fcntl`` is missing (Windows) the lock is skipped; the atomic replace remains.
"""
from __future__ import annotations

import codecs
import contextlib
import getpass
import glob
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from helpers.errors import ProgressError

try:  # POSIX only; without it writes are still atomic, just not serialised.
    import fcntl
except ImportError:  # pragma: no cover - exercised only on Windows
    fcntl = None

ENV_FILE = "ALLIES_PROGRESS_FILE"
ENV_STUDENT = "ALLIES_STUDENT_ID"
REQUIRED = {"lesson": str, "question_id": str, "score": (int, float), "correct": bool, "timestamp": str}


def progress_path() -> Path:
    """Return the progress file in use: $ALLIES_PROGRESS_FILE or ~/.allies_at_odds/progress.json.

    Raises ProgressError (with what to do) when neither names a usable file: no home
    folder can be found, ``~user`` is unknown, or the setting names a folder.
    """
    override = os.environ.get(ENV_FILE, "").strip()
    try:
        path = Path(override).expanduser() if override else Path.home() / ".allies_at_odds" / "progress.json"
    except RuntimeError as exc:  # no HOME and no passwd entry, or an unknown ~user
        where = f"{ENV_FILE}={override!r} names an unknown home folder" if override else "this computer has no home folder for you"
        raise ProgressError(
            f"Progress cannot be saved: {where}. Set {ENV_FILE} to a file you can write, "
            f"for example {ENV_FILE}=/tmp/allies_progress.json."
        ) from exc
    if not path.name or path.name in (".", "..") or path.is_dir():
        raise ProgressError(
            f"{ENV_FILE}={override!r} names a folder, not a file. Give a file path, "
            f"for example {os.path.join(override or '.', 'progress.json')}."
        )
    return path


def student_id() -> str:
    """Return the student id for exports: $ALLIES_STUDENT_ID, else the OS user name."""
    sid = os.environ.get(ENV_STUDENT, "").strip()
    if sid:
        return sid
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


EXPORT_COLUMNS = ("student_id", "lesson", "question_id", "attempts", "best_score", "last_score",
                  "last_correct", "last_answer", "first_attempt", "last_attempt")


def summaries(records: list[dict]) -> dict[tuple[str, str], dict]:
    """Return per (lesson, question) attempts, best/last score and answer, first/last time."""
    out: dict[tuple[str, str], dict] = {}
    for r in sorted(records, key=lambda r: r["timestamp"]):
        key = (r["lesson"], r["question_id"])
        s = out.setdefault(key, {"attempts": 0, "best_score": 0.0, "first": r["timestamp"]})
        s["attempts"] += 1
        s["best_score"] = max(s["best_score"], float(r["score"]))
        s.update(last_score=float(r["score"]), last_correct=bool(r["correct"]),
                 last_answer=r.get("answer"), last=r["timestamp"])
    return out


def export_csv(records: list[dict], sid: str) -> str:
    """Return the progress export (``EXPORT_COLUMNS``, one row per lesson and question) as CSV text.

    What ``quiz.export_progress`` writes and the class folder mirrors, so the instructor's
    ``helpers.classroom`` reads both the same way. Text a spreadsheet would run as a formula
    gets a leading apostrophe (``helpers.spreadsheet``).
    """
    import csv
    import io

    from helpers.spreadsheet import safe_cell

    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(EXPORT_COLUMNS)
    for (lesson, qid), s in sorted(summaries(records).items()):
        answer = s["last_answer"]
        row = [sid, lesson, qid, s["attempts"], f"{s['best_score']:g}", f"{s['last_score']:g}",
               s["last_correct"], answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False),
               s["first"], s["last"]]
        out.writerow([safe_cell(cell) for cell in row])
    return buf.getvalue()


@dataclass
class LoadReport:
    """Records read from the file, and a notice for the student if it had to be repaired."""

    records: list[dict] = field(default_factory=list)
    notice: str | None = None


@dataclass
class SaveReport:
    """Whether a record was saved, and a one-line notice for the student if not (or if repaired)."""

    saved: bool
    record: dict | None = None
    notice: str | None = None


def _is_record(obj) -> bool:
    if not isinstance(obj, dict):
        return False
    for key, kind in REQUIRED.items():
        value = obj.get(key)
        if not isinstance(value, kind) or (kind == (int, float) and isinstance(value, bool)):
            return False
    return True


def parse(raw: bytes) -> tuple[list[dict], int]:
    """Return (records, number of unreadable lines) from the file's bytes, line by line.

    A file written as one JSON list of records (an older or hand-made form) is accepted
    whole when every element is a record.
    """
    if raw.startswith(codecs.BOM_UTF8):  # an editor's byte-order mark is not damage
        raw = raw[len(codecs.BOM_UTF8):]
    stripped = raw.strip()
    if stripped.startswith(b"["):
        try:
            whole = json.loads(stripped.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            whole = None
        if isinstance(whole, list):
            good = [r for r in whole if _is_record(r)]
            return good, len(whole) - len(good)
    records, bad = [], 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            bad += 1
            continue
        if _is_record(obj):
            records.append(obj)
        else:
            bad += 1
    return records, bad


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on <path>.lock while the block runs (best effort)."""
    handle = None
    if fcntl is not None:
        try:
            # O_NOFOLLOW: a lock file planted as a symlink must not make us create or
            # truncate a file somewhere else.
            fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            handle = os.fdopen(fd, "a+")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        except OSError:
            if handle is not None:
                handle.close()
            handle = None  # unlockable folder: carry on, the write will report the real problem
    try:
        if handle is not None:
            _remove_orphans(path)
        yield
    finally:
        if handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


ORPHAN_AGE_S = 60


def _remove_orphans(path: Path) -> None:
    """Delete temporary files left by a writer that was killed mid-write.

    Called under the lock, when no other writer of ours can be between mkstemp and
    replace; the age margin covers writers on systems without the lock.
    """
    cutoff = datetime.now(timezone.utc).timestamp() - ORPHAN_AGE_S
    for tmp in path.parent.glob(glob.escape(path.name) + ".*.tmp"):
        with contextlib.suppress(OSError):
            if tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_mtime < cutoff:
                tmp.unlink()


def _write_atomic(path: Path, records: list[dict]) -> None:
    payload = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    write_text_atomic(path, payload)


def write_text_atomic(path: Path, payload: str, mode: int | None = None) -> None:
    """Write ``payload`` to ``path`` all at once: a temporary file in the same folder,
    flushed to disk, then ``os.replace``; a reader sees the old file or the new, never half.

    ``mode`` sets the new file's permissions (default: the temporary file's 0600).
    Call it under ``_locked(path)`` when other writers may write the same file.
    """
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if mode is not None:
                os.fchmod(fh.fileno(), mode)
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_unlocked(path: Path) -> LoadReport:
    """Read the file; if damaged, move it aside and start a fresh one with what was recoverable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadReport()
    except OSError as exc:
        raise ProgressError(
            f"Your progress file {path} cannot be read ({exc.strerror}). "
            f"Check its permissions, or set {ENV_FILE} to another file."
        ) from exc
    records, bad = parse(raw)
    if not bad:
        return LoadReport(records)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%f")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, aside)
        _write_atomic(path, records)
    except OSError as exc:
        raise ProgressError(
            f"Your progress file {path} is damaged ({bad} unreadable line(s)) and could not be "
            f"repaired ({exc.strerror}). Move it away by hand, or set {ENV_FILE} to another file."
        ) from exc
    notice = (
        f"Your progress file was damaged: {len(records)} saved answer(s) were recovered and "
        f"{bad} unreadable line(s) were kept in {aside.name} (same folder). Nothing else to do."
    )
    return LoadReport(records, notice)


def load(path: Path | None = None) -> LoadReport:
    """Return every saved record (repairing a damaged file first; see the module docstring)."""
    path = path or progress_path()
    if not path.exists():
        return LoadReport()
    with _locked(path):
        return _read_unlocked(path)


def append(record: dict, path: Path | None = None) -> SaveReport:
    """Save one checked answer; never raises: failures come back as a notice.

    ``attempts`` is filled in here (1 + earlier records for the same lesson and question),
    under the lock, so concurrent kernels count correctly.
    """
    record = dict(record)
    record.setdefault("timestamp", now_iso())
    try:
        path = path or progress_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            report = _read_unlocked(path)
            earlier = sum(
                1 for r in report.records
                if r["lesson"] == record["lesson"] and r["question_id"] == record["question_id"]
            )
            record["attempts"] = earlier + 1
            _write_atomic(path, report.records + [record])
            # Under the lock, so two kernels of one student mirror in the order they saved.
            class_notice = _mirror(report.records + [record])
        notices = [n for n in (report.notice, class_notice) if n]
        return SaveReport(True, record, " ".join(notices) or None)
    except ProgressError as exc:
        return SaveReport(False, record, f"Answer checked but not saved: {exc}")
    except RecursionError:
        return SaveReport(
            False, record,
            "Answer checked but not saved: the answer is nested too deeply to store. "
            "Give a plain answer (text, a number or a list).",
        )
    except (OSError, TypeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return SaveReport(
            False, record,
            f"Answer checked but not saved ({reason}: {path}). The quiz still works; "
            f"set {ENV_FILE} to a writable file to keep your progress.",
        )


def _mirror(records: list[dict]) -> str | None:
    """Copy the student's progress to the class folder, if the class has one (never raises)."""
    from helpers import class_folder

    return class_folder.mirror(records)


def remove(lesson: str | None = None, path: Path | None = None) -> tuple[int, Path | None]:
    """Delete saved records (all, or one lesson's); return (count removed, backup file).

    The previous file is kept as ``progress.json.bak-<timestamp>`` so a reset can be undone.
    """
    path = path or progress_path()
    if not path.exists():
        return 0, None
    try:
        with _locked(path):
            records = _read_unlocked(path).records
            keep = [r for r in records if lesson is not None and r["lesson"] != lesson]
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%f")
            backup = path.with_name(f"{path.name}.bak-{stamp}")
            _write_atomic(backup, records)
            _write_atomic(path, keep)
            _mirror(keep)
    except OSError as exc:
        raise ProgressError(
            f"Could not reset your progress file {path} ({exc.strerror}). Check that the folder is writable."
        ) from exc
    return len(records) - len(keep), backup
