"""The progress store (helpers.quiz.store): the cases its mutation run showed unpinned
(docs/mutation.md): file names of the kept copies, the bytes written, counts of bad
lines, every failure's message and SaveReport, the class-folder mirror.
"""
from __future__ import annotations

import csv
import io
import json
import locale
import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from helpers import class_folder
from helpers.errors import ProgressError
from helpers.quiz import store

STAMP = r"\d{8}T\d{6}\.\d{6}"


def _rec(lesson="00", qid="q", score=1.0, answer="a", correct=None, ts="2026-01-01T00:00:00+00:00"):
    return {"lesson": lesson, "question_id": qid, "score": score,
            "correct": score == 1.0 if correct is None else correct, "answer": answer, "timestamp": ts}


@pytest.fixture
def local_tz():
    """Run the test in Seoul time (UTC+9): a stamp taken in local time would be 9 hours off."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Seoul"
    time.tzset()
    yield
    if previous is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = previous
    time.tzset()


def _now():
    return datetime.now(timezone.utc)


def _stamped_between(stamp: str, before: datetime, after: datetime) -> bool:
    """A file-name stamp (UTC, to the microsecond) taken between ``before`` and ``after``."""
    when = datetime.strptime(stamp, "%Y%m%dT%H%M%S.%f").replace(tzinfo=timezone.utc)
    return before <= when <= after


# ------------------------------------------------------------------ names and times


def test_now_iso_is_utc_with_its_offset(local_tz):
    before = _now().replace(microsecond=0)
    text = store.now_iso()
    after = _now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", text)
    assert before <= datetime.fromisoformat(text) <= after


def test_a_damaged_file_is_kept_under_a_utc_timestamped_name(pfile, local_tz):
    pfile.parent.mkdir(parents=True)
    pfile.write_text(json.dumps(_rec()) + "\nnot json\n", encoding="utf-8")
    before = _now()
    report = store.load(pfile)
    after = _now()
    assert len(report.records) == 1
    (aside,) = pfile.parent.glob("progress.json.corrupt-*")
    m = re.fullmatch(rf"progress\.json\.corrupt-({STAMP})", aside.name)
    assert m and _stamped_between(m.group(1), before, after)
    assert aside.name in report.notice and "1 saved answer(s) were recovered and 1 unreadable" in report.notice


def test_a_reset_keeps_a_utc_timestamped_backup(pfile, local_tz):
    store.append(_rec())
    before = _now()
    removed, backup = store.remove()
    after = _now()
    assert removed == 1 and backup.parent == pfile.parent
    m = re.fullmatch(rf"progress\.json\.bak-({STAMP})", backup.name)
    assert m and _stamped_between(m.group(1), before, after)
    assert [r["question_id"] for r in store.parse(backup.read_bytes())[0]] == ["q"]


def test_reset_of_a_missing_file_removes_nothing(pfile):
    assert store.remove() == (0, None)


# ------------------------------------------------------------------- what is written


def test_records_are_written_one_sorted_json_object_a_line_in_plain_utf8(pfile):
    store.append({"timestamp": "2026-01-02T00:00:00+00:00", "score": 1.0, "question_id": "q", "lesson": "00",
                  "correct": True, "answer": "독도/竹島"})
    raw = pfile.read_bytes()
    line = raw.decode("utf-8").rstrip("\n")
    assert "\n" not in line and raw.endswith(b"\n")
    assert list(json.loads(line)) == sorted(json.loads(line))  # keys sorted in the file
    assert line.index('"answer"') < line.index('"attempts"') < line.index('"timestamp"')
    assert "독도/竹島".encode() in raw  # not \\uXXXX escapes


def test_write_text_atomic_uses_a_named_temporary_file_beside_the_target(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((Path(src), Path(dst)))
        return real(src, dst)

    monkeypatch.setattr(store.os, "replace", spy)
    target = tmp_path / "sub" / "file.csv"
    target.parent.mkdir()
    store.write_text_atomic(target, "a\nb\n")
    ((src, dst),) = seen
    assert dst == target and src.parent == target.parent
    assert src.name.startswith("file.csv.") and src.name.endswith(".tmp") and len(src.name) > len("file.csv..tmp")
    assert target.read_bytes() == b"a\nb\n"


def test_write_text_atomic_sets_the_mode_it_is_given(tmp_path):
    target = tmp_path / "f.csv"
    store.write_text_atomic(target, "x", mode=0o644)
    assert target.stat().st_mode & 0o777 == 0o644
    store.write_text_atomic(target, "y")
    assert target.stat().st_mode & 0o777 == 0o600


def test_write_text_atomic_writes_utf8_whatever_the_locale(tmp_path):
    old = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")  # an ASCII locale, as on a bare server
        store.write_text_atomic(tmp_path / "f.txt", "한국 ¥")
    finally:
        locale.setlocale(locale.LC_CTYPE, old)
    assert (tmp_path / "f.txt").read_bytes() == "한국 ¥".encode()


def test_a_failed_replace_raises_its_own_error_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store.os, "replace", refuse)
    with pytest.raises(PermissionError):
        store.write_text_atomic(tmp_path / "f.txt", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_cleanup_does_not_hide_the_first_error(tmp_path, monkeypatch):
    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    def busy(*args):
        raise OSError(16, "Device or resource busy")

    monkeypatch.setattr(store.os, "replace", refuse)
    monkeypatch.setattr(store.os, "unlink", busy)
    with pytest.raises(PermissionError, match="Permission denied"):  # replace's error, not unlink's
        store.write_text_atomic(tmp_path / "f.txt", "x")


def test_export_csv_has_crlf_rows_and_plain_utf8_json_answers():
    text = store.export_csv([_rec(answer=["독도", "竹島"]), _rec(qid="r", answer="a\nb")], "s1")
    assert text.startswith(",".join(store.EXPORT_COLUMNS) + "\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][7] == '["독도", "竹島"]'
    assert rows[2][7] == "a\nb"  # a newline inside a cell stays a newline, quoted
    assert text.count("\r\n") == 3


def test_summaries_keep_the_last_answers_verdict():
    s = store.summaries([_rec(score=0.0, ts="2026-01-01T00:00:00+00:00"), _rec(score=1.0, ts="2026-01-02T00:00:00+00:00")])
    assert s[("00", "q")]["last_correct"] is True
    s = store.summaries([_rec(score=1.0, ts="2026-01-01T00:00:00+00:00"), _rec(score=0.0, ts="2026-01-02T00:00:00+00:00")])
    assert s[("00", "q")]["last_correct"] is False


# ------------------------------------------------------------------------- reading


def test_parse_counts_every_unreadable_line():
    good = json.dumps(_rec()).encode()
    assert store.parse(b"junk\n" + good + b"\n{\"a\"\n") == ([_rec()], 2)
    assert store.parse(b'{"a": 1}\n' + good + b'\n[1, 2]\n"text"\n') == ([_rec()], 3)
    assert store.parse(b"\xff\xfe\n\n" + good) == ([_rec()], 1)


def test_an_unreadable_file_says_so(pfile, monkeypatch):
    pfile.parent.mkdir(parents=True)
    pfile.write_text("", encoding="utf-8")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store.Path, "read_bytes", refuse)
    with pytest.raises(ProgressError, match=r"cannot be read \(Permission denied\)\. Check its permissions"):
        store.load(pfile)


def test_a_damaged_file_that_cannot_be_moved_aside_says_so(pfile, monkeypatch):
    pfile.parent.mkdir(parents=True)
    pfile.write_text("junk\n", encoding="utf-8")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store.os, "replace", refuse)
    with pytest.raises(ProgressError, match=r"is damaged \(1 unreadable line\(s\)\) and could not be repaired "
                                            r"\(Permission denied\)"):
        store.load(pfile)


# --------------------------------------------------------------------------- paths


def test_no_home_folder_and_an_unknown_user_are_told_apart(monkeypatch):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", "~nosuchuser_allies/p.json")
    with pytest.raises(ProgressError, match=r"ALLIES_PROGRESS_FILE='~nosuchuser_allies/p\.json' names an unknown "
                                            r"home folder\. Set"):
        store.progress_path()
    monkeypatch.delenv("ALLIES_PROGRESS_FILE")

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(store.Path, "home", staticmethod(no_home))
    with pytest.raises(ProgressError, match="Progress cannot be saved: this computer has no home folder for you\\."):
        store.progress_path()


def test_a_dot_dot_setting_is_a_folder_even_where_it_does_not_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "nowhere" / ".."))
    with pytest.raises(ProgressError, match="names a folder, not a file"):
        store.progress_path()


# -------------------------------------------------------------------------- saving


def test_append_makes_missing_folders(tmp_path):
    path = tmp_path / "a" / "b" / "progress.json"
    saved = store.append(_rec(), path)
    assert saved.saved and saved.record["attempts"] == 1 and path.exists()


def test_a_saved_report_carries_the_record_with_its_attempts(pfile):
    store.append(_rec())
    saved = store.append(_rec(score=0.0))
    assert (saved.saved, saved.notice) == (True, None)
    assert saved.record == dict(_rec(score=0.0), attempts=2)


def test_a_progress_error_is_a_failed_save_with_the_record(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path))  # a folder
    saved = store.append(_rec())
    assert saved.saved is False and saved.record["question_id"] == "q"
    assert saved.notice.startswith("Answer checked but not saved: ALLIES_PROGRESS_FILE=")


def test_an_answer_nested_too_deeply_is_a_failed_save_with_the_record(pfile):
    deep = []
    for _ in range(100_000):
        deep = [deep]
    saved = store.append(_rec(answer=deep))
    assert saved.saved is False and saved.record["answer"] is deep
    assert saved.notice.startswith("Answer checked but not saved: the answer is nested too deeply")


def test_an_os_error_names_its_reason_and_the_file(tmp_path):
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    path = tmp_path / "plain" / "progress.json"  # its folder is a file
    saved = store.append(_rec(), path)
    assert saved.saved is False and saved.record["question_id"] == "q"
    assert saved.notice.startswith(f"Answer checked but not saved (File exists: {path}). The quiz still works;")


def test_an_answer_json_cannot_store_names_the_type_error(pfile):
    saved = store.append(_rec(answer={1, 2}))
    assert saved.saved is False and saved.record["answer"] == {1, 2}
    assert saved.notice.startswith("Answer checked but not saved (Object of type set is not JSON serializable: ")


# ------------------------------------------------------------------------- orphans


def test_old_orphans_go_even_if_one_cannot_be_deleted(pfile, monkeypatch):
    pfile.parent.mkdir(parents=True)
    stuck = pfile.parent / "progress.json.aaa111.tmp"
    other = pfile.parent / "progress.json.zzz999.tmp"
    old = time.time() - 3600
    for orphan in (stuck, other):
        orphan.write_text("half", encoding="utf-8")
        os.utime(orphan, (old, old))
    unlink = store.Path.unlink

    def refuse_one(self, missing_ok=False):
        if self.name == stuck.name:
            raise PermissionError(13, "Permission denied")
        return unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(store.Path, "unlink", refuse_one)
    assert store.append(_rec()).saved  # the failed delete is skipped, the answer saved
    assert stuck.exists() and not other.exists()  # whichever order the folder lists them in


def test_an_orphan_exactly_at_the_age_limit_is_kept(pfile, monkeypatch):
    pfile.parent.mkdir(parents=True)
    fixed = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return fixed

    at_limit = pfile.parent / "progress.json.atlimit.tmp"
    older = pfile.parent / "progress.json.older.tmp"
    for f, age in ((at_limit, store.ORPHAN_AGE_S), (older, store.ORPHAN_AGE_S + 1)):
        f.write_text("half", encoding="utf-8")
        t = fixed.timestamp() - age
        os.utime(f, (t, t))
    monkeypatch.setattr(store, "datetime", Frozen)
    assert store.append(_rec()).saved
    assert at_limit.exists() and not older.exists()


# ------------------------------------------------------------------ class folder


@pytest.fixture
def class_dir(tmp_path, monkeypatch, pfile):
    folder = tmp_path / "class"
    folder.mkdir()
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(folder))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setattr(class_folder, "_told", set())
    return folder


def _mirrored(folder):
    rows = list(csv.DictReader(io.StringIO((folder / "student-007.csv").read_text(encoding="utf-8"), newline="")))
    return [(r["lesson"], r["question_id"], r["attempts"]) for r in rows]


def test_append_and_reset_mirror_the_whole_progress_to_the_class_folder(class_dir):
    saved = store.append(_rec(qid="q1"))
    assert (saved.saved, saved.notice) == (True, None)
    store.append(_rec(lesson="01", qid="q2"))
    assert _mirrored(class_dir) == [("00", "q1", "1"), ("01", "q2", "1")]
    assert store.remove("00")[0] == 1
    assert _mirrored(class_dir) == [("01", "q2", "1")]


def test_a_missing_class_folder_is_a_notice_on_a_saved_answer(class_dir, monkeypatch):
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(class_dir / "gone"))
    saved = store.append(_rec())
    assert saved.saved and "does not exist, so your instructor cannot see your progress" in saved.notice


def test_a_reset_that_cannot_write_says_so(pfile, monkeypatch):
    store.append(_rec())

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(store.os, "replace", refuse)
    with pytest.raises(ProgressError, match=r"Could not reset your progress file .* \(Permission denied\)\. Check"):
        store.remove()
