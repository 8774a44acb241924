"""The class folder: each student's progress mirrored as their own file, read by the instructor.

Concurrency and permission tests use real processes. As root (the CI containers) the
permission tests run their students as unprivileged users (uid 65534 and 65533), since
root ignores read-only folders and sticky bits.
"""
from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from helpers import class_folder, classroom, quiz
from helpers.quiz import store as _progress
from helpers.errors import ProgressError
from helpers.spreadsheet import safe_cell

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = os.geteuid() == 0
SYSTEM_PYTHON = "/usr/bin/python3"
needs_other_users = pytest.mark.skipif(
    IS_ROOT and not os.access(SYSTEM_PYTHON, os.X_OK),
    reason=f"as root, runs students as other users with {SYSTEM_PYTHON}, which is missing")


@pytest.fixture(autouse=True)
def _fresh_notices():
    class_folder._told.clear()
    yield
    class_folder._told.clear()


@pytest.fixture
def klass(monkeypatch, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(folder))
    return folder


def _as(monkeypatch, tmp_path, user):
    monkeypatch.setenv("JUPYTERHUB_USER", user)
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "homes" / class_folder.file_name(user) / "progress.json"))


def _answer(lesson, qid, score):
    return _progress.append({"lesson": lesson, "question_id": qid, "type": "single",
                             "score": score, "correct": score == 1.0, "answer": "x"})


def test_each_saved_answer_is_mirrored_and_read_by_default(monkeypatch, tmp_path, klass):
    _as(monkeypatch, tmp_path, "alice")
    assert _answer("03", "q1", 1.0).notice is None
    _answer("03", "q2", 0.0)
    _as(monkeypatch, tmp_path, "bob")
    _answer("03", "q1", 0.0)
    assert sorted(p.name for p in klass.glob("*.csv")) == ["alice.csv", "bob.csv"]
    assert stat.S_IMODE((klass / "alice.csv").stat().st_mode) == class_folder.MIRROR_MODE
    table = classroom.class_progress()  # no folder: $ALLIES_CLASS_DIR
    rows = {r.student_id: r for r in table.itertuples()}
    assert rows["alice"].answered == 2 and rows["alice"].score_pct == 50.0
    assert rows["bob"].answered == 1 and rows["bob"].score_pct == 0.0
    hardest = classroom.question_difficulty().iloc[0]
    assert (hardest.lesson, hardest.question_id) == ("03", "q2")


def test_the_mirror_is_the_export_students_used_to_hand_in(monkeypatch, tmp_path, klass):
    _as(monkeypatch, tmp_path, "alice")
    monkeypatch.setenv("ALLIES_STUDENT_ID", "alice")
    _answer("05", "q1", 0.5)
    quiz.record("08-factcheck", "c1", True, answer={"verdict": "=HYPERLINK(1)"})
    exported = quiz.export_progress(tmp_path / "handed_in.csv")
    assert (klass / "alice.csv").read_bytes() == exported.read_bytes()


def test_a_reset_is_mirrored_too(monkeypatch, tmp_path, klass):
    _as(monkeypatch, tmp_path, "alice")
    _answer("03", "q1", 1.0)
    _answer("05", "q1", 1.0)
    quiz.reset_progress(3)
    with open(klass / "alice.csv", newline="", encoding="utf-8") as fh:
        assert [r["lesson"] for r in csv.DictReader(fh)] == ["05"]


def test_no_class_folder_set_changes_nothing_and_the_instructor_is_told_what_to_set(monkeypatch, tmp_path):
    monkeypatch.delenv("ALLIES_CLASS_DIR", raising=False)
    _as(monkeypatch, tmp_path, "alice")
    report = _answer("03", "q1", 1.0)
    assert report.saved and report.notice is None
    with pytest.raises(ProgressError, match="ALLIES_CLASS_DIR"):
        classroom.class_progress()


def test_a_missing_class_folder_gives_one_plain_note_and_the_answer_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(tmp_path / "not-there"))
    _as(monkeypatch, tmp_path, "alice")
    first = _answer("03", "q1", 1.0)
    assert first.saved and "does not exist" in first.notice and "nothing is lost" in first.notice
    assert _answer("03", "q2", 1.0).notice is None  # told once per session
    assert len(_progress.load().records) == 2
    assert not (tmp_path / "not-there").exists()  # never created in the wrong place
    with pytest.raises(ProgressError, match="no folder"):
        classroom.class_progress()


# ------------------------------------------------------------------ real processes

STUDENT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from helpers.quiz import store as _progress
    start = float(sys.argv[1])
    while time.time() < start:  # every process starts writing at the same moment
        time.sleep(0.001)
    for i in range(int(sys.argv[2])):
        r = _progress.append({{"lesson": "03", "question_id": f"{{sys.argv[3]}}{{i}}", "type": "single",
                              "score": float(sys.argv[4]), "correct": True, "answer": "x"}})
        assert r.saved, r.notice
        if r.notice:
            print(r.notice)
""")


def _student_env(folder, user, progress_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIES_", "JUPYTERHUB_"))}
    env.update(ALLIES_CLASS_DIR=str(folder), JUPYTERHUB_USER=user, ALLIES_PROGRESS_FILE=str(progress_file),
               HOME=str(Path(progress_file).parent), MPLCONFIGDIR=str(Path(progress_file).parent))
    return env


def test_two_students_and_two_kernels_of_one_student_writing_at_once(tmp_path):
    import time

    folder = tmp_path / "class"
    folder.mkdir()
    script = tmp_path / "student.py"
    script.write_text(STUDENT.format(root=str(ROOT)), encoding="utf-8")
    n, start = 25, time.time() + 1.5
    runs = [("alice", "a", "1.0", tmp_path / "alice.json"),
            ("alice", "k", "1.0", tmp_path / "alice.json"),  # a second kernel of alice's
            ("bob", "b", "0.0", tmp_path / "bob.json")]
    procs = [subprocess.Popen([sys.executable, str(script), str(start), str(n), prefix, score],
                              env=_student_env(folder, user, pfile), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
             for user, prefix, score, pfile in runs]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out == "", out
    table = classroom.class_progress(folder)
    rows = {r.student_id: r for r in table.itertuples()}
    assert rows["alice"].answered == 2 * n and rows["alice"].score_pct == 100.0
    assert rows["bob"].answered == n and rows["bob"].score_pct == 0.0
    assert table.attrs["skipped"] == []
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock")) == ["alice.csv", "bob.csv"]


def _run_student(folder, user, home, uid=None, code="r = _progress.append(REC); print(r.saved); print(r.notice)"):
    """Run one save in a fresh process, as ``uid`` when given (root only)."""
    program = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
               "from helpers.quiz import store as _progress\n"
               "REC = {'lesson': '03', 'question_id': 'q1', 'type': 'single', 'score': 1.0, 'correct': True}\n"
               + code)
    kwargs = {"user": uid, "group": uid, "extra_groups": []} if uid is not None else {}
    # Another user cannot run the venv's interpreter when it links into /root; the save
    # needs only the standard library, so the system Python does.
    python = SYSTEM_PYTHON if uid is not None else sys.executable
    done = subprocess.run([python, "-c", program], env=_student_env(folder, user, Path(home) / "p.json"),
                          capture_output=True, text=True, timeout=60, cwd=home, **kwargs)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.fixture
def shared_tmp():
    """A temporary folder other users can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="allies-class-"))
    path.chmod(0o755)
    yield path
    subprocess.run(["rm", "-rf", str(path)], check=False)


def _home(base: Path, name: str, uid):
    home = base / name
    home.mkdir()
    if uid is not None:
        os.chown(home, uid, uid)
    return home


@needs_other_users
def test_a_read_only_class_folder_gives_a_plain_note_and_keeps_the_answer(shared_tmp):
    uid = 65534 if IS_ROOT else None
    folder = shared_tmp / "class"
    folder.mkdir()
    folder.chmod(0o555)
    home = _home(shared_tmp, "alice", uid)
    saved, notice = _run_student(folder, "alice", home, uid)
    assert saved == "True"
    assert "could not be copied to the class folder" in notice and "Permission denied" in notice
    assert list(folder.iterdir()) == []
    assert (home / "p.json").read_text(encoding="utf-8").count("\n") == 1


@needs_other_users
@pytest.mark.skipif(not IS_ROOT, reason="needs another user account: runs as root, as uid 65534")
def test_a_class_folder_students_can_write_but_not_list_works(shared_tmp):
    # docs/jupyterhub.md's folder: others may add files (-wx) but not list or read them.
    folder = shared_tmp / "class"
    folder.mkdir()
    folder.chmod(0o3753)
    saved, notice = _run_student(folder, "alice", _home(shared_tmp, "alice", 65534), 65534)
    assert (saved, notice) == ("True", "None")
    mirrored = folder / "alice.csv"
    assert mirrored.stat().st_uid == 65534 and stat.S_IMODE(mirrored.stat().st_mode) == 0o640
    assert "alice,03,q1,1,1,1,True" in mirrored.read_text(encoding="utf-8")


@needs_other_users
@pytest.mark.skipif(not IS_ROOT, reason="needs two user accounts: runs as root, as uids 65534 and 65533")
def test_a_student_cannot_replace_another_students_file_in_a_sticky_class_folder(shared_tmp):
    folder = shared_tmp / "class"
    folder.mkdir()
    folder.chmod(0o1777)  # the /tmp rule: only a file's owner may replace or delete it
    _run_student(folder, "alice", _home(shared_tmp, "alice", 65534), 65534)
    before = (folder / "alice.csv").read_bytes()
    # Someone else claims to be alice (JUPYTERHUB_USER is only an environment variable).
    saved, notice = _run_student(folder, "alice", _home(shared_tmp, "mallory", 65533), 65533)
    assert saved == "True" and "could not be copied" in notice
    assert (folder / "alice.csv").read_bytes() == before


# ------------------------------------------------------------------ hostile names

HOSTILE = ["../../etc/passwd", "..", ".", "a/b", "a\\b", "/abs", "evil\x00name", "x" * 5000, "ü" * 300,
           "Ünïcødé-名前", "ALICE", "alice ", "alice", ".hidden", "con", "-rf", "a~0123456789abcdef",
           "\u202eevil", "", "a.csv", "name\nwith newline"]


def test_hostile_user_names_give_distinct_safe_file_names():
    names = [class_folder.file_name(u) for u in HOSTILE]
    assert len(set(names)) == len(HOSTILE)  # never two students in one file
    for user, name in zip(HOSTILE, names):
        assert name.endswith(".csv") and not name.startswith((".", "-")), (user, name)
        assert "/" not in name and "\\" not in name and "\x00" not in name and "\n" not in name
        assert len(name.encode("utf-8")) <= 64
        assert name.isascii() and name.isprintable()
    assert class_folder.file_name("alice") == "alice.csv"
    assert class_folder.file_name("s.kim-2") == "s.kim-2.csv"
    assert class_folder.file_name("ALICE") != "alice.csv"


def test_hostile_user_names_write_inside_the_class_folder_and_read_back(monkeypatch, tmp_path):
    folder = tmp_path / "deep" / "class"
    folder.mkdir(parents=True)
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(folder))
    record = {"lesson": "03", "question_id": "q1", "type": "single", "score": 1.0, "correct": True,
              "timestamp": "2026-12-01T09:00:00+00:00", "answer": "x"}
    for user in HOSTILE:
        assert class_folder.mirror([record], user=user) is None, user
    written = sorted(p.name for p in folder.iterdir() if p.suffix == ".csv")
    assert len(written) == len(HOSTILE)
    outside = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if folder not in (p, *p.parents))
    assert outside == ["deep"]
    table = classroom.class_progress(folder)
    assert sorted(table["student_id"]) == sorted(safe_cell(u) for u in HOSTILE if u.strip())
    assert any("no student id" in n for n in table.attrs["skipped"])  # the empty name is named, not dropped

