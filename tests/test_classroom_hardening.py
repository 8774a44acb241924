"""Handed-in files as instructors really receive them: re-saved by spreadsheets, cut short,
handed in twice, with junk in them. Every file and row read differently or left out is
named in the table the instructor looks at; nothing is dropped silently, nothing crashes."""
from __future__ import annotations

import csv

import pytest

from helpers import classroom, quiz
from helpers.errors import ProgressError

HEADER = list(quiz.EXPORT_COLUMNS)


def _row(sid="ana", lesson="03", qid="q1", attempts="1", best="1", last="1", when="2026-01-01T10:00:00+00:00"):
    return [sid, lesson, qid, attempts, best, last, "True", "x", when, when]


def _write(folder, name, rows, delimiter=",", encoding="utf-8", header=HEADER):
    with open(folder / name, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "handed_in"
    path.mkdir()
    _write(path, "ana.csv", [_row()])
    return path


def _notes(table):
    return table.attrs["skipped"]


def test_a_text_score_leaves_out_that_row_only_and_says_so(folder):
    _write(folder, "ben.csv", [_row("ben", best="lots"), _row("ben", qid="q2", best="0.5", last="0.5")])
    table = classroom.class_progress(folder)
    assert set(table["student_id"]) == {"ana", "ben"}
    assert any("ben.csv, line 2" in n and "not a number" in n for n in _notes(table))
    assert classroom.question_difficulty(folder)["students"].sum() == 2  # ana q1, ben q2


def test_ragged_rows_do_not_shift_columns(folder):
    with open(folder / "cut.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerow(_row("cy")[1:])  # the student id is missing: everything would shift left
    table = classroom.read_exports(folder)
    assert "q1" not in set(table["student_id"]) and "03" not in set(table["student_id"])
    assert any("cut.csv, line 2" in n and "fields" in n for n in _notes(table))


def test_upper_case_extension_semicolons_and_windows_1252_are_read_and_noted(folder):
    _write(folder, "B.CSV", [_row("bea")])
    _write(folder, "semi.csv", [_row("sem")], delimiter=";")
    _write(folder, "latin.csv", [_row("José")], encoding="cp1252")
    table = classroom.read_exports(folder)
    assert {"ana", "bea", "sem", "José"} <= set(table["student_id"])
    notes = " | ".join(_notes(table))
    assert "semi.csv: columns separated by semicolons" in notes and "latin.csv: not UTF-8" in notes


def test_the_same_answer_handed_in_twice_counts_once(folder):
    _write(folder, "ana-again.csv", [_row(best="0", last="0", when="2026-01-02T10:00:00+00:00")])
    table = classroom.read_exports(folder)
    assert len(table) == 1 and table.iloc[0]["best_score"] == 0.0, "the latest copy counts"
    assert any("more than once" in n for n in _notes(table))


@pytest.mark.parametrize("best, attempts", [("inf", "1"), ("-5", "1"), ("1.5", "1"), ("nan", "1"), ("1", "0"), ("1", "2.5")])
def test_out_of_range_values_are_left_out(folder, best, attempts):
    _write(folder, "odd.csv", [_row("odd", best=best, last=best, attempts=attempts)])
    table = classroom.read_exports(folder)
    assert "odd" not in set(table["student_id"])
    assert any("odd.csv, line 2" in n for n in _notes(table))


@pytest.mark.parametrize("bad", [None, 5, "", "~nosuchuser_allies/x"])
def test_a_bad_folder_argument_gives_a_plain_message(bad):
    with pytest.raises(ProgressError):
        classroom.class_progress(bad)


def test_notes_are_shown_with_the_table(folder):
    _write(folder, "broken.csv", [["a"]], header=["just", "some"])
    table = classroom.class_progress(folder)
    assert "broken.csv: skipped (missing columns" in repr(table)
    page = table._repr_html_()
    assert "Notes on the files read" in page and "broken.csv" in page
    assert "Notes" not in repr(table.head()), "derived frames are plain tables"


def test_hostile_file_names_and_ids_are_escaped_in_the_notes(folder):
    _write(folder, "<img src=x onerror=alert(1)>.csv", [_row("x", best="bad")])
    page = classroom.class_progress(folder)._repr_html_()
    assert "<img" not in page.split("</ul>")[0] and "&lt;img" in page


def test_a_file_with_no_readable_row_is_named_in_the_error(tmp_path):
    _write(tmp_path, "only.csv", [_row(best="x")])
    with pytest.raises(ProgressError, match="only.csv"):
        classroom.class_progress(tmp_path)


def test_a_quote_left_open_stops_reading_at_its_line_and_says_so(folder):
    # a quoted cell with a line break (line 2-3) is fine; line 4 opens a quote in the last
    # cell and never closes it: read unstrictly, lines 5 and 6 would vanish into that cell
    rows = [",".join(_row("dee")[:-1]) + ',"2026-01-01\nT10:00"', ",".join(_row("dee", qid="q2")[:-1]) + ',"open',
            ",".join(_row("dee", qid="q3")), ",".join(_row("dee", qid="q4"))]
    (folder / "open.csv").write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table = classroom.read_exports(folder)
    dee = table[table["student_id"] == "dee"]
    assert sorted(dee["question_id"]) == ["q1"]
    notes = [n for n in _notes(table) if n.startswith("open.csv")]
    assert notes == ["open.csv, line 4: stopped reading (a double quote opened there is never closed); "
                     "the rows from there on were left out"], notes


def test_text_after_a_closing_quote_leaves_out_that_row_only_and_says_so(folder):
    bad = ",".join(_row("eve", qid="q2")[:-1]) + ',"2026"x'
    (folder / "stray.csv").write_text("\n".join([",".join(HEADER), ",".join(_row("eve")), bad,
                                                 ",".join(_row("eve", qid="q3"))]) + "\n", encoding="utf-8")
    table = classroom.read_exports(folder)
    assert sorted(table[table["student_id"] == "eve"]["question_id"]) == ["q1", "q3"]
    notes = [n for n in _notes(table) if n.startswith("stray.csv")]
    assert len(notes) == 1 and notes[0].startswith("stray.csv, line 3: left out (not valid CSV: "), notes
