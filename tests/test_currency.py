"""Currency is something the course can prove (issue 19): each lesson says through which
month its facts were checked, says it where students see it, is not older than the events
it teaches, and does not say "currently" or "recent" without a date."""
from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools import notebook_standards as ns

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _dated(path: Path) -> bool:
    return ns.current_to(_nb(path)) is not None


def _require_dated(path: Path) -> None:
    if not _dated(path):
        pytest.fail(f"{path.name} has no current_to")


def _lesson_number(path: Path) -> str:
    return _nb(path)["metadata"]["lesson"]["number"]


#: The lessons some events row is tagged with (00, the orientation, and 11, the simulation,
#: have none): only those have a latest event to compare current_to with.
WITH_EVENTS = [p for p in LESSONS if _lesson_number(p) in ns.latest_event_dates()]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_marker_is_well_formed_and_matches_the_visible_line(path):
    _require_dated(path)
    assert ns.check_current_to(path, _nb(path), strict=True) == []


def test_most_lessons_have_tagged_events():
    assert len(WITH_EVENTS) >= len(LESSONS) - 2, [p.name for p in LESSONS if p not in WITH_EVENTS]


@pytest.mark.parametrize("path", WITH_EVENTS, ids=lambda p: p.name)
def test_current_to_is_not_earlier_than_the_lessons_latest_event(path):
    _require_dated(path)
    nb = _nb(path)
    newest = ns.latest_event_dates()[_lesson_number(path)]
    assert newest[:7] <= ns.current_to(nb), (
        f"{path.name}: current_to {ns.current_to(nb)} is earlier than its latest events row ({newest}); "
        "re-check the lesson against that event and move current_to on")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_undated_currently_or_recent(path):
    _require_dated(path)
    found = ns.undated_now_words(_nb(path))
    assert found == [], "\n".join(f"cell {c}: '{w}' in: {s}" for c, w, s in found)


# --- the checks themselves catch what they should -------------------------------------

def _notebook(first_cell: str, current_to="2026-11", number="00", body="Some text.") -> dict:
    meta = {"number": number, "title": "T", "objectives": ["o"], "minutes": 50, "prerequisites": []}
    if current_to is not None:
        meta["current_to"] = current_to
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3"}, "lesson": meta},
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": first_cell},
                  {"cell_type": "markdown", "metadata": {}, "source": body}],
    }


GOOD_FIRST = "# Lesson 00 · T\n\n*Subtitle.*\n\n*Facts checked to November 2026.*\n"


def test_good_marker_passes(tmp_path):
    assert ns.check_current_to(tmp_path / "x", _notebook(GOOD_FIRST), strict=True) == []


@pytest.mark.parametrize("value", ["2026-13", "Nov 2026", "2026-1", 202611, "2026/11"])
def test_malformed_current_to_fails_even_when_tolerant(tmp_path, value):
    problems = ns.check_current_to(tmp_path / "x", _notebook(GOOD_FIRST, current_to=value))
    assert any("expected YYYY-MM" in p for p in problems)


def test_mismatch_with_the_visible_line_fails(tmp_path):
    problems = ns.check_current_to(tmp_path / "x", _notebook(GOOD_FIRST, current_to="2026-10"))
    assert any("does not match" in p for p in problems)


def test_missing_visible_line_fails(tmp_path):
    problems = ns.check_current_to(tmp_path / "x", _notebook("# Lesson 00 · T\n\n*Subtitle.*\n"))
    assert any("Facts checked to" in p for p in problems)


def test_missing_marker_fails_when_strict(tmp_path):
    nb = _notebook("# Lesson 00 · T\n", current_to=None)
    assert ns.check_current_to(tmp_path / "x", nb, strict=True)
    assert any("no 'current_to'" in p for p in ns.check_current_to(tmp_path / "x", nb, strict=True))


def test_metadata_without_visible_line_fails_even_when_tolerant(tmp_path):
    nb = _notebook("# Lesson 00 · T\n", current_to="2026-11")
    assert ns.check_current_to(tmp_path / "x", nb, strict=False)


def test_check_notebook_reports_the_marker(tmp_path):
    nb = _nb(LESSONS[0])
    nb = copy.deepcopy(nb)
    nb["metadata"]["lesson"]["current_to"] = "2026-99"
    path = tmp_path / LESSONS[0].name
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert any("current_to" in p for p in ns.check_notebook(path))


@pytest.mark.parametrize("text", [
    'The ministry says "the islets of today", and the islets are currently quiet.',
    "The two governments currently disagree.",
    "Recent polls show a thaw.",
    "Today the islets have a lighthouse.",
    "At present no minister attends.",
    "Relations have recently improved.",
])
def test_undated_time_words_are_listed(text):
    found = ns.undated_now_words(_notebook(GOOD_FIRST, body=text))
    assert len(found) == 1 and found[0][0] == 1


@pytest.mark.parametrize("text", [
    "As of November 2026 the two governments currently disagree.",
    "Recent polls (October 2025) show a thaw.",
    "The most recent figure in the dataset is shown.",
    "`today = date.today()` is code, not prose.",
    "The word todays is not the word.",
    'Japan\'s ministry writes of "the Takeshima of today" in its pamphlet.',
])
def test_dated_or_non_time_uses_pass(text):
    assert ns.undated_now_words(_notebook(GOOD_FIRST, body=text)) == []


def test_a_date_in_another_sentence_does_not_count():
    text = "Seoul protested in February 2025. Relations are currently calm."
    found = ns.undated_now_words(_notebook(GOOD_FIRST, body=text))
    assert [w for _, w, _ in found] == ["currently"]


def test_stale_current_to_is_reported(tmp_path):
    events = tmp_path / "events.csv"
    with events.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["event_id", "date", "lessons"])
        w.writerow(["ev1", "2026-01-13", "00;10"])
    nb_path = tmp_path / "00_x.ipynb"
    nb_path.write_text(json.dumps(_notebook(GOOD_FIRST.replace("November", "December").replace("2026", "2025"),
                                            current_to="2025-12")), encoding="utf-8")
    problems = ns.currency_problems(nb_path, events_csv=events)
    assert any("earlier than its latest events row (2026-01-13)" in p for p in problems)
    nb_path.write_text(json.dumps(_notebook(GOOD_FIRST)), encoding="utf-8")
    assert ns.currency_problems(nb_path, events_csv=events) == []


def test_currency_command_exits_nonzero_on_a_problem(tmp_path):
    path = tmp_path / "00_x.ipynb"
    path.write_text(json.dumps(_notebook(GOOD_FIRST, body="Relations are currently calm.")), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "tools.notebook_standards", "currency", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1 and "'currently'" in out.stdout


def test_review_reads_source_dates_and_later_events(tmp_path):
    from tools import review

    assert review.newest_cited_date("Yonhap, 12 January 2026; Kyodo 2025-11-19; IISS 2019") == "2026-01"
    assert review.newest_cited_date("Cha (1999); Snyder (1984)") == "1999"
    assert review.newest_cited_date("no dates") == "-"
    events = tmp_path / "events.csv"
    events.write_text("event_id,date,title,lessons\nev1,2025-06-03,A,10\nev2,2026-01-13,B,08\n", encoding="utf-8")
    later = review.events_after("2025-12", events_csv=events)
    assert [r["event_id"] for r in later] == ["ev2"]
    assert len(review.events_after(None, events_csv=events)) == 2


def test_make_review_target_exists():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nreview:" in makefile and "-m tools.review" in makefile
