"""The instructor's class dashboard: tables and charts from the class folder, refreshed on demand."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import class_folder, classroom, dashboard
from helpers.quiz import store as _progress

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "instructors" / "class_dashboard.ipynb"


def _save(monkeypatch, tmp_path, user, answers):
    monkeypatch.setenv("JUPYTERHUB_USER", user)
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "homes" / class_folder.file_name(user) / "p.json"))
    for lesson, qid, score in answers:
        report = _progress.append({"lesson": lesson, "question_id": qid, "type": "single",
                                   "score": score, "correct": score == 1.0, "answer": "x"})
        assert report.saved and report.notice is None


def make_class(monkeypatch, tmp_path):
    """A class folder as a term leaves it: three students' mirrors, a roster with one more."""
    folder = tmp_path / "class"
    folder.mkdir()
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(folder))
    _save(monkeypatch, tmp_path, "ana", [("01", "q1", 1.0), ("01", "q2", 0.0), ("01", "q2", 1.0), ("03", "q1", 1.0)])
    _save(monkeypatch, tmp_path, "ben", [("01", "q1", 1.0), ("01", "q2", 0.0)])
    _save(monkeypatch, tmp_path, "<script>alert(1)</script>", [("01", "q2", 0.0)])
    (folder / "roster.txt").write_text("# class of 2026\nana\nben\ncho\n<script>alert(1)</script>\n", encoding="utf-8")
    return folder


def test_not_started_names_who_has_not_started_each_lesson(monkeypatch, tmp_path):
    make_class(monkeypatch, tmp_path)
    table = classroom.not_started()
    rows = {r.lesson: r for r in table.itertuples()}
    assert rows["01"].started == 3 and rows["01"].students_not_started == "cho"
    assert rows["03"].started == 1 and rows["03"].not_started == 3
    assert rows["02"].students_not_started == "ana, ben, cho, <script>alert(1)</script>"


def test_dashboard_shows_tables_and_charts_and_escapes_names(monkeypatch, tmp_path):
    make_class(monkeypatch, tmp_path)
    page = dashboard.report_html()
    for heading in ("Class progress per lesson", "The hardest questions", "Who has not started", "Each student"):
        assert heading in page
    assert page.count("<img alt=") == 2
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "lesson 01 question q2: 33%" in page  # mean best score of 1, 0, 0 over three students


def test_refresh_reads_the_folder_again(monkeypatch, tmp_path):
    make_class(monkeypatch, tmp_path)
    board = dashboard.show()
    assert "cho" in board.body.value
    before = board.body.value
    _save(monkeypatch, tmp_path, "cho", [("01", "q1", 0.0)])
    assert board.body.value == before  # nothing changes until the instructor asks
    board.refresh_button.click()
    assert board.body.value != before
    assert classroom.not_started().set_index("lesson").loc["01", "students_not_started"] == ""
    assert "Read " in board.status.value


def test_a_missing_class_folder_is_a_plain_message(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIES_CLASS_DIR", str(tmp_path / "nope"))
    assert "There is no folder" in dashboard.report_html()
    monkeypatch.delenv("ALLIES_CLASS_DIR")
    assert "ALLIES_CLASS_DIR" in dashboard.report_html()


def test_an_empty_class_folder_lists_the_roster_as_not_started(monkeypatch, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "roster.txt").write_text("ana\nben\n", encoding="utf-8")
    page = dashboard.report_html(folder)
    assert "No student has saved an answer yet" in page and "ana, ben" in page


def test_the_notebook_is_stored_without_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_the_notebook_runs_under_nbval_on_a_class_folder(monkeypatch, tmp_path):
    folder = make_class(monkeypatch, tmp_path)
    env = {**os.environ, "ALLIES_CLASS_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", str(NOTEBOOK)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout  # both code cells ran (nbval counts each cell)
