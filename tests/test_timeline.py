"""The timeline: filtering events by category, years and lesson, and the widget that shows them.

The widget is driven without a browser: set a control's value (which fires the same
observers a browser change would) and read the HTML the list was redrawn with.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.errors import CourseError
from helpers.timeline import TimelineError, events_html, events_text, filter_events, timeline


@pytest.fixture
def small():
    """Five events chosen to sit on and around year boundaries."""
    return pd.DataFrame(
        {
            "event_id": ["annex", "basic", "kono", "deal", "ruling"],
            "date": pd.to_datetime(["1910-08-22", "1965-06-22", "1993-08-04", "2015-12-28", "2018-10-30"]),
            "date_precision": ["day", "day", "day", "month", "year"],
            "category": ["history", "treaty", "apology", "treaty", "legal"],
            "countries": ["JPN;KOR", "JPN;KOR", "JPN", "JPN;KOR", "KOR"],
            "title": ["Annexation", "Basic Treaty", "Kono Statement", "Comfort-women deal", "Nippon Steel ruling"],
            "summary": ["a", "b", None, "d", "e"],
            "source": ["s"] * 5,
            "confidence": ["high", "high", "high", "high", "medium"],
            "lessons": ["02", "01;02", "02", "02;08", "02, 08"],
        }
    )


@pytest.fixture(scope="module")
def events():
    from helpers.data import load_dataset

    return load_dataset("events")  # a broken committed dataset must fail here, not skip


def ids(frame):
    return list(frame["event_id"])


# ------------------------------------------------------------------ pure filtering


def test_years_are_inclusive_at_both_ends(small):
    assert ids(filter_events(small, start=1965, end=2015)) == ["basic", "kono", "deal"]
    assert ids(filter_events(small, start=1966, end=2014)) == ["kono"]
    assert ids(filter_events(small, start=2018, end=2018)) == ["ruling"]


def test_open_ended_ranges(small):
    assert ids(filter_events(small, start=1994)) == ["deal", "ruling"]
    assert ids(filter_events(small, end=1965)) == ["annex", "basic"]
    assert ids(filter_events(small)) == ["annex", "basic", "kono", "deal", "ruling"]


def test_categories_one_or_several(small):
    assert ids(filter_events(small, categories="treaty")) == ["basic", "deal"]
    assert ids(filter_events(small, categories=["legal", "apology"])) == ["kono", "ruling"]
    assert ids(filter_events(small, categories=["treaty"], start=2000)) == ["deal"]


def test_empty_category_list_means_nothing_selected(small):
    assert filter_events(small, categories=[]).empty


def test_lessons_filter_reads_any_separator(small):
    assert ids(filter_events(small, lessons="08")) == ["deal", "ruling"]
    assert ids(filter_events(small, lessons=1)) == ["basic"]
    assert ids(filter_events(small, lessons=["01", "08"])) == ["basic", "deal", "ruling"]


def test_result_is_sorted_by_date_whatever_the_input_order(small):
    shuffled = small.sample(frac=1, random_state=3)
    assert ids(filter_events(shuffled)) == ["annex", "basic", "kono", "deal", "ruling"]
    assert list(filter_events(shuffled).index) == list(range(5))


def test_start_after_end_is_a_plain_message(small):
    with pytest.raises(TimelineError, match=r"start year 2019 is after the end year 1965.*Swap them"):
        filter_events(small, start=2019, end=1965)
    assert issubclass(TimelineError, CourseError)


def test_unknown_category_lists_the_real_ones(small):
    with pytest.raises(TimelineError, match=r"no event category 'histroy'.*apology, history, legal, treaty"):
        filter_events(small, categories=["histroy"])


def test_year_that_is_not_a_whole_number(small):
    with pytest.raises(TimelineError, match="whole number"):
        filter_events(small, start="nineteen-sixty")
    with pytest.raises(TimelineError, match="whole number"):
        filter_events(small, end=1965.5)


def test_a_frame_without_the_needed_columns(small):
    with pytest.raises(TimelineError, match="no column 'category'"):
        filter_events(small.drop(columns="category"))


# ------------------------------------------------------------------------- HTML


def test_empty_result_says_so_in_words(small):
    text = events_html(filter_events(small, start=1920, end=1960), None, 1920, 1960)
    assert "No events match" in text and "1920" in text and "Widen the year range" in text


def test_html_shows_dates_only_as_precisely_as_known(small):
    text = events_html(filter_events(small))
    assert "22 Aug 1910" in text and '<time datetime="1910-08-22">' in text
    assert "Dec 2015" in text and "28 Dec 2015" not in text  # month precision
    assert "<strong>2018</strong>" in text and "30 Oct 2018" not in text  # year precision
    assert "(confidence: medium)" in text  # flagged in words, not colour


def test_plain_text_lines_follow_date_precision(small):
    lines = events_text(filter_events(small, categories="treaty")).splitlines()
    assert lines == [
        "22 Jun 1965   [treaty]  Basic Treaty",
        "Dec 2015      [treaty]  Comfort-women deal",
    ]
    assert events_text(filter_events(small, categories=[])) == "No events match."


def test_html_escapes_text(small):
    small.loc[0, "title"] = "<script>x</script>"
    assert "<script>" not in events_html(small)


# ------------------------------------------------------------- widget, no browser


def _titles(view):
    return re.findall(r"</span> <strong>(.*?)</strong>", view.events_view.value)


def test_widget_redraws_when_the_slider_moves(small):
    view = timeline(data=small)
    assert _titles(view) == ["Annexation", "Basic Treaty", "Kono Statement", "Comfort-women deal", "Nippon Steel ruling"]
    assert view.year_slider.min == 1910 and view.year_slider.max == 2018
    view.year_slider.value = (1960, 2000)
    assert _titles(view) == ["Basic Treaty", "Kono Statement"]
    assert "Showing 2 events of 5" in view.events_view.value
    view.year_slider.value = (1920, 1960)
    assert "No events match" in view.events_view.value


def test_widget_redraws_when_categories_change(small):
    view = timeline(data=small)
    view.category_select.value = ("legal",)
    assert _titles(view) == ["Nippon Steel ruling"]
    view.category_select.value = ()
    assert "No category is selected" in view.events_view.value
    view.category_select.value = ("treaty", "apology")
    assert _titles(view) == ["Basic Treaty", "Kono Statement", "Comfort-women deal"]


def test_widget_initial_filter_and_static_fallback(small):
    view = timeline(categories=["treaty"], start=1960, end=2016, data=small)
    assert view.year_slider.value == (1960, 2016)
    assert view.category_select.value == ("treaty",)
    assert _titles(view) == ["Basic Treaty", "Comfort-women deal"]
    bundle = view._repr_mimebundle_()
    assert "Basic Treaty" in bundle["text/html"] and "Annexation" not in bundle["text/html"]
    assert "Basic Treaty" in bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_widget_bad_input_is_a_plain_message(small):
    with pytest.raises(TimelineError, match="after the end year"):
        timeline(start=2000, end=1990, data=small)
    with pytest.raises(TimelineError, match="no event category"):
        timeline(categories="treaties", data=small)


def test_widget_lessons_restricts_what_can_be_shown(small):
    view = timeline(lessons="08", data=small)
    assert [value for _, value in view.category_select.options] == ["legal", "treaty"]
    assert _titles(view) == ["Comfort-women deal", "Nippon Steel ruling"]


# ------------------------------------------------------------ the real dataset


def test_real_events_filter_by_year_is_inclusive(events):
    years = events["date"].dt.year
    some = int(years.mode().iloc[0])  # a year with several events
    got = filter_events(events, start=some, end=some)
    assert len(got) == int((years == some).sum()) > 0
    assert set(got["date"].dt.year) == {some}
    outside = filter_events(events, start=some + 1)
    assert (outside["date"].dt.year > some).all()
    assert len(filter_events(events, end=some)) + len(outside) == int(events["date"].notna().sum())


def test_real_events_each_category_partitions_the_table(events):
    cats = sorted(events["category"].dropna().unique())
    assert sum(len(filter_events(events, categories=c)) for c in cats) == len(events)


def test_real_events_for_lesson_02_include_the_history_anchors(events):
    mine = filter_events(events, lessons="02")
    years = set(mine["date"].dt.year)
    assert {1910, 1965, 2015, 2018} <= years


def test_real_widget_citation_and_slider_range(events):
    view = timeline()
    assert "Course dataset &#34;events&#34; (datasets/events.csv)" in view.citation.value
    assert view.year_slider.min == int(events["date"].dt.year.min())
    assert view.year_slider.max == int(events["date"].dt.year.max())
    view.year_slider.value = (1965, 1965)
    assert "1965" in view.events_view.value
    assert "1910" not in re.sub(r"years \d+–\d+", "", view.events_view.value.split("</p>", 1)[1])


def test_students_read_categories_and_countries_as_words(events):
    from helpers.timeline import category_label, countries_label, events_html, events_text

    sample = events[events["category"].isin(["history_apology", "cost_sharing"])].head(6)
    page, text = events_html(sample), events_text(sample)
    for raw in ("history_apology", "cost_sharing", "KOR;", ";JPN", ";USA"):
        assert raw not in page and raw not in text
    assert category_label("history_apology") == "history and apologies"
    assert countries_label("KOR;JPN;USA") == "South Korea, Japan, United States"
    view = timeline(lessons="05")
    assert all(label == category_label(value) for label, value in view.category_select.options)


def test_the_event_list_scrolls_by_keyboard_and_has_a_name(events):
    from helpers.timeline import events_html

    page = events_html(events.head(3))
    assert '<ol tabindex="0" aria-label=' in page


def test_widget_clamps_years_outside_the_data_to_its_range(small):
    """The data run 1910-2018: a start or end beyond them is pulled to the nearest end, not an error."""
    wide = timeline(start=1800, end=2100, data=small)
    assert wide.year_slider.value == (1910, 2018)
    assert len(_titles(wide)) == 5
    late = timeline(start=2050, data=small)  # after the last event: both ends at 2018
    assert late.year_slider.value == (2018, 2018)
    assert _titles(late) == ["Nippon Steel ruling"]
    early = timeline(end=1900, data=small)  # before the first event: both ends at 1910
    assert early.year_slider.value == (1910, 1910)
    assert _titles(early) == ["Annexation"]
    assert "Annexation" in early._repr_mimebundle_()["text/plain"]
