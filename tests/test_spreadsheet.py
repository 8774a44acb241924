"""No CSV the course writes or hands back holds a cell a spreadsheet would run as a formula."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from helpers import classroom, quiz
from helpers.quiz import store as _progress
from helpers.spreadsheet import FORMULA_STARTS, safe_cell, safe_frame

FORMULAS = ['=HYPERLINK("http://x","click")', "+1+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3", "\t=1+1", "\r=1+1"]


def _runs_in_a_spreadsheet(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS)


@pytest.mark.parametrize("text", FORMULAS)
def test_safe_cell_neutralises_every_formula_start(text):
    out = safe_cell(text)
    assert out == "'" + text and not _runs_in_a_spreadsheet(out)


@pytest.mark.parametrize("value", ["Dokdo", "2019", "", "a=b", 3, 0.5, None, ["=x"]])
def test_safe_cell_leaves_ordinary_values_alone(value):
    assert safe_cell(value) == value


def test_safe_frame_changes_text_columns_only():
    df = pd.DataFrame({"who": ["=cmd", "ana"], "score": [-1.0, 0.5]})
    out = safe_frame(df)
    assert list(out["who"]) == ["'=cmd", "ana"] and list(out["score"]) == [-1.0, 0.5]
    assert list(df["who"]) == ["=cmd", "ana"], "the input frame is not changed"


@pytest.fixture
def hostile_student(monkeypatch, tmp_path):
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(tmp_path / "p.json"))
    monkeypatch.setenv("ALLIES_STUDENT_ID", FORMULAS[0])
    for i, answer in enumerate(FORMULAS):
        _progress.append({"lesson": "03", "question_id": f"q{i}", "type": "single",
                          "score": 1.0, "correct": True, "answer": answer})
    folder = tmp_path / "handed_in"
    folder.mkdir()
    return quiz.export_progress(folder / "student.csv")


def test_export_progress_writes_no_formula_cell(hostile_student):
    with open(hostile_student, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if _runs_in_a_spreadsheet(c)]
    answers = sorted(row[7] for row in rows[1:])
    assert answers == sorted("'" + f for f in FORMULAS), "answers are kept, made inert, not dropped"


def test_classroom_tables_hold_no_formula_cell(hostile_student, tmp_path):
    # A file written by hand (not through export_progress) with raw formulas in it.
    raw = hostile_student.parent / "raw.csv"
    with open(raw, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(quiz.EXPORT_COLUMNS)
        w.writerow(["=1+1", "03", "@q", 1, 1, 1, True, "-2+3", "2025-01-01", "2025-01-01"])
    for table in (classroom.read_exports(hostile_student.parent), classroom.class_progress(hostile_student.parent),
                  classroom.question_difficulty(hostile_student.parent)):
        text = table.to_csv(index=False, lineterminator="\r\n")  # as csv.writer and spreadsheets write it
        cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
        assert not [c for c in cells if _runs_in_a_spreadsheet(c)], table.columns.tolist()


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FORMULA_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(FORMULAS),
                         st.builds(lambda c, t: c + t, st.sampled_from(FORMULA_STARTS), st.text(max_size=20)))


@settings(max_examples=200, deadline=None)
@given(text=FORMULA_TEXT)
def test_no_text_comes_out_runnable(text):
    out = safe_cell(text)
    assert not _runs_in_a_spreadsheet(out)
    assert out == text or out == "'" + text, "only an apostrophe is ever added"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sid=FORMULA_TEXT.filter(lambda s: s.strip() and "\x00" not in s), answers=st.lists(FORMULA_TEXT, min_size=1, max_size=4))
def test_no_export_holds_a_runnable_cell(sid, answers, tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("export")
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(folder / "p.json"))
    monkeypatch.setenv("ALLIES_STUDENT_ID", sid)
    for i, answer in enumerate(answers):
        _progress.append({"lesson": "03", "question_id": f"q{i}", "type": "single",
                          "score": 1.0, "correct": True, "answer": answer})
    with open(quiz.export_progress(folder / "out.csv"), newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not [c for c in cells if _runs_in_a_spreadsheet(c)]
