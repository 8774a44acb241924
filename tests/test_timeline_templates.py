"""The timeline's templates (helpers/templates/timeline/): every text field is escaped."""
from __future__ import annotations

import pandas as pd

from helpers import timeline
from helpers.render import render
from hostile_text import HOSTILE, assert_escaped


def test_events_template_escapes_every_field_of_every_event():
    event = {"machine": HOSTILE, "human": HOSTILE, "category": HOSTILE, "countries": HOSTILE,
             "title": HOSTILE, "confidence": HOSTILE, "summary": HOSTILE}
    page = render("timeline/events.html", none_selected=False, label=HOSTILE, shown=HOSTILE,
                  events=[event, event])
    assert_escaped(page, times=2 + 2 * 7)


def test_events_template_no_match_escapes_the_filter_label():
    assert_escaped(render("timeline/events.html", none_selected=False, label=HOSTILE, shown="", events=[]), times=1)


def test_citation_template_escapes_its_text():
    assert_escaped(render("timeline/citation.html", text=HOSTILE), times=1)


def test_help_template_is_a_style_scoped_to_the_timeline_and_one_paragraph():
    from hostile_text import parse

    page = render("timeline/help.html")
    assert [t for t, _ in parse(page).tags] == ["style", "p"]
    rules = page[page.index("<style>"):page.index("</style>")]
    assert all(line.strip().startswith(".allies-timeline") for line in rules.splitlines()[1:] if line.strip())


def test_events_html_escapes_a_hostile_events_table():
    df = pd.DataFrame({"date": pd.to_datetime(["2019-01-28"]), "date_precision": ["day"], "category": ["courts"],
                       "countries": [HOSTILE], "title": [HOSTILE], "summary": [HOSTILE], "confidence": [HOSTILE]})
    assert_escaped(timeline.events_html(df), times=4)
