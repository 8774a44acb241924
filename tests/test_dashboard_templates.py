"""The class dashboard's templates (helpers/templates/dashboard/): every text field is escaped."""
from __future__ import annotations

from helpers.render import render, safe
from hostile_text import HOSTILE, assert_escaped


def test_dashboard_error_escapes_the_message():
    assert_escaped(render("dashboard/error.html", message=HOSTILE), times=1)


def test_dashboard_report_escapes_notes_and_headings_and_passes_fragments_once():
    fragment = safe(render("display/status.html", text=HOSTILE))
    notes = safe(render("classroom/notes.html", notes=[HOSTILE]))
    page = render("dashboard/report.html", notes=notes, nobody=True,
                  sections=[{"heading": HOSTILE, "fragments": [fragment, fragment]}])
    assert_escaped(page, times=4)
    assert "No student has saved an answer yet." in page
