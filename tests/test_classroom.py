"""The instructor's view reads what students export, and says plainly what it cannot read."""
from __future__ import annotations

import pytest

from helpers import classroom, quiz
from helpers.quiz import store as _progress
from helpers.errors import ProgressError


def _student(monkeypatch, tmp_path, folder, sid, answers):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / f"{sid}.json"))
    monkeypatch.setenv("ALLIES_STUDENT_ID", sid)
    for lesson, qid, score in answers:
        _progress.append({"lesson": lesson, "question_id": qid, "type": "single",
                          "score": score, "correct": score == 1.0, "answer": "x"})
    quiz.export_progress(folder / f"{sid}.csv")


@pytest.fixture
def handed_in(monkeypatch, tmp_path):
    folder = tmp_path / "handed_in"
    folder.mkdir()
    _student(monkeypatch, tmp_path, folder, "ana", [("03", "q1", 1.0), ("03", "q2", 0.0), ("03", "q2", 1.0), ("05", "q1", 0.5)])
    _student(monkeypatch, tmp_path, folder, "ben", [("03", "q1", 0.0), ("03", "q2", 0.0)])
    return folder


def test_class_progress_per_student_and_lesson(handed_in):
    table = classroom.class_progress(handed_in)
    rows = {(r.student_id, r.lesson): r for r in table.itertuples()}
    assert set(rows) == {("ana", "03"), ("ana", "05"), ("ben", "03")}
    assert rows[("ana", "03")].answered == 2 and rows[("ana", "03")].score_pct == 100.0
    assert rows[("ana", "05")].score_pct == 50.0
    assert rows[("ben", "03")].score_pct == 0.0


def test_question_difficulty_puts_the_hardest_first(handed_in):
    stats = classroom.question_difficulty(handed_in)
    first = stats.iloc[0]
    assert (first.lesson, first.question_id) == ("03", "q2")  # mean best 0.5, most attempts
    assert first.students == 2 and first.attempts == 1.5
    assert set(stats["question_id"]) == {"q1", "q2"}


def test_unreadable_files_are_passed_over_and_named(handed_in):
    (handed_in / "broken.csv").write_text("just,some\nother,columns\n", encoding="utf-8")
    table = classroom.class_progress(handed_in)
    assert any("broken.csv" in s and "missing columns" in s for s in table.attrs["skipped"])
    assert set(table["student_id"]) == {"ana", "ben"}


def test_empty_or_missing_folder_gives_a_plain_message(tmp_path):
    with pytest.raises(ProgressError, match="no folder"):
        classroom.class_progress(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProgressError, match="No progress CSV"):
        classroom.class_progress(tmp_path / "empty")
