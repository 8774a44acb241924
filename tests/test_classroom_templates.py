"""The classroom templates (helpers/templates/classroom/): every note is escaped."""
from __future__ import annotations

import pandas as pd

from helpers.classroom import ClassTable
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
