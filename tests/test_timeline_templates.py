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


def test_help_template_is_one_paragraph():
    from hostile_text import parse

    assert [t for t, _ in parse(render("timeline/help.html")).tags] == ["p"]


def test_fit_controls_is_one_style_scoped_to_the_fitting_boxes():
    from hostile_text import parse

    page = render("display/fit_controls.html")
    assert [t for t, _ in parse(page).tags] == ["style"]
    rules = [ln.strip() for ln in page[page.index("<style>") + 7:page.index("</style>")].splitlines() if ln.strip()]
    assert rules and all(r.startswith(".allies-fit ") for r in rules), rules


def test_the_timeline_and_the_threat_explorer_are_explorer_boxes():
    from helpers import threats

    for shown, controls in ((timeline.timeline(lessons="02"), ("category_select", "year_slider")),
                            (threats.threat_explorer(), ("years", "who"))):
        box = shown.widget
        assert "allies-fit" in box._dom_classes
        assert ".allies-fit " in box.children[0].value  # the style comes first
        rows = [c for c in box.children if "allies-fit-controls" in c._dom_classes]
        assert len(rows) == 1 and rows[0].children == tuple(getattr(shown, n) for n in controls)


def test_events_html_escapes_a_hostile_events_table():
    df = pd.DataFrame({"date": pd.to_datetime(["2019-01-28"]), "date_precision": ["day"], "category": ["courts"],
                       "countries": [HOSTILE], "title": [HOSTILE], "summary": [HOSTILE], "confidence": [HOSTILE]})
    assert_escaped(timeline.events_html(df), times=4)
