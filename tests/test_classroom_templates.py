"""The classroom and dashboard templates, and the dataset citation's: every text field is escaped."""
from __future__ import annotations

import pandas as pd

from helpers.classroom import ClassTable
from helpers.data import _Citation
from helpers.render import render, safe
from hostile_text import HOSTILE, assert_escaped


def test_notes_escape_every_note_and_vanish_when_there_are_none():
    assert_escaped(render("classroom/notes.html", notes=[HOSTILE, HOSTILE]), times=2)
    assert render("classroom/notes.html", notes=[]).strip() == ""


def test_class_table_shows_escaped_notes_above_pandas_escaped_table():
    page = ClassTable(pd.DataFrame({"student": [HOSTILE]}), [HOSTILE])._repr_html_()
    assert_escaped(page, times=2)
    assert page.index("Notes on the files read") < page.index("<table")
    assert_escaped(render("classroom/table.html", notes=[HOSTILE], table=safe("<table></table>")), times=1)


def test_dashboard_error_escapes_the_message():
    assert_escaped(render("dashboard/error.html", message=HOSTILE), times=1)


def test_dashboard_report_escapes_notes_and_headings_and_passes_fragments_once():
    fragment = safe(render("display/status.html", text=HOSTILE))
    notes = safe(render("classroom/notes.html", notes=[HOSTILE]))
    page = render("dashboard/report.html", notes=notes, nobody=True,
                  sections=[{"heading": HOSTILE, "fragments": [fragment, fragment]}])
    assert_escaped(page, times=4)
    assert "No student has saved an answer yet." in page


def test_dataset_citation_escapes_its_text():
    assert_escaped(_Citation(HOSTILE)._repr_html_(), times=1)
    assert_escaped(render("data/citation.html", text=HOSTILE), times=1)
