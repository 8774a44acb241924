"""helpers.timeline: the cases its mutation run showed untested (docs/mutation.md).

Lesson codes and lesson cells read the way a student or an instructor types them, the
widget's controls as a student sees them (labels, steps, sizes), and the messages of a
timeline that has nothing to draw.
"""
from __future__ import annotations

import ipywidgets  # noqa: F401 - imported once at collection, not in every mutant's run
import pandas as pd
import pytest

from helpers import timeline as tl
from helpers.timeline import TimelineError, filter_events, timeline


def _frame(categories, dates=None, lessons=None):
    n = len(categories)
    return pd.DataFrame({
        "event_id": [f"e{i}" for i in range(n)],
        "date": pd.to_datetime(dates or [f"{1950 + i}-01-01" for i in range(n)]),
        "category": categories,
        "title": [f"Event {i}" for i in range(n)],
        "lessons": lessons or ["02"] * n,
    })


# ------------------------------------------------------------ lesson codes and cells


@pytest.mark.parametrize("typed, code", [("2", "02"), (2, "02"), ("02", "02"), (" 8 ", "08"), ("10", "10"),
                                         ("A", "A"), ("intro", "intro")])
def test_a_lesson_number_is_two_digits_and_a_name_stays_as_typed(typed, code):
    assert tl._lesson_code(typed) == code


@pytest.mark.parametrize("cell", [None, float("nan")])
def test_an_empty_lessons_cell_lists_no_lesson(cell):
    assert tl._lessons_of(cell) == set()


def test_a_lessons_cell_keeps_names_with_capitals_and_small_letters():
    # split at every character that is not a digit or a letter (";" and ", " here)
    assert tl._lessons_of("02;Ab, 8") == {"02", "Ab", "08"}


def test_a_lessons_column_of_numbers_still_filters_by_lesson():
    # a hand-built table whose lessons are numbers: 8.0 reads as "8" and "0", so lesson 08
    frame = _frame(["trade", "trade"], lessons=[8.0, 5])
    assert tl._lessons_of(8.0) == {"08", "00"}
    assert list(filter_events(frame, lessons="08")["event_id"]) == ["e0"]
    assert list(filter_events(frame, lessons=5)["event_id"]) == ["e1"]


def test_an_empty_lessons_cell_matches_no_lesson_filter():
    frame = _frame(["trade", "trade"], lessons=[None, "02"])
    assert list(filter_events(frame, lessons="02")["event_id"]) == ["e1"]


# ------------------------------------------------------------------ the widget


def test_the_category_picker_is_labelled_and_shows_at_most_eight_rows():
    ten = ["alliance", "colonial", "cost_sharing", "courts", "diplomacy", "history_apology", "opinion",
           "security", "territory", "trade"]
    picker = timeline(data=_frame(ten)).category_select
    assert picker.description == "Categories"
    assert picker.description_allow_html is False  # the label is text, never HTML
    assert picker.rows == 8  # 10 categories: 8 rows shown, the rest by scrolling
    assert timeline(data=_frame(["trade", "courts", "trade"])).category_select.rows == 2  # 2 categories: 2 rows


def test_the_year_slider_moves_by_whole_years_and_redraws_on_release():
    slider = timeline(data=_frame(["trade", "courts"])).year_slider
    assert slider.description == "Years"
    assert slider.step == 1
    assert slider.continuous_update is False  # the list redraws when the handle is let go


def _em(width: str) -> float:
    assert width.lower().endswith("em"), width
    return float(width[:-2])


def test_the_controls_are_sized_in_em_and_fit_side_by_side():
    view = timeline(data=_frame(["trade", "courts"]))
    picker, slider = _em(view.category_select.layout.width), _em(view.year_slider.layout.width)
    # wide enough for "history and apologies" and a 1905-2026 readout, together under 60em
    assert picker >= 20 and slider >= 30 and picker + slider <= 60
    assert slider > picker


def test_a_timeline_of_undated_events_says_there_is_nothing_to_show():
    frame = _frame(["trade", "courts"])
    frame["date"] = pd.NaT
    with pytest.raises(TimelineError, match=r"no dated events to show.*load_dataset\('events'\)"):
        timeline(data=frame)


def test_a_table_passed_in_is_cited_as_such():
    view = timeline(data=_frame(["trade", "courts"]))
    assert "the events table passed in" in view.citation.value
    assert "datasets/events.csv" not in view.citation.value


def _five():
    # 1950 trade, 1951 courts, 1952 trade, 1953 courts, 1954 trade
    return _frame(["trade", "courts", "trade", "courts", "trade"])


def test_the_list_names_the_years_the_slider_is_set_to():
    view = timeline(data=_five())
    view.year_slider.value = (1951, 1953)
    # 1951, 1952 and 1953 of the five; the picker holds both categories, listed by name
    assert "Showing 3 events of 5 (courts, trade; years 1951–1953)" in view.events_view.value


def test_each_change_redraws_the_list_once(monkeypatch):
    view = timeline(data=_five())
    calls = []
    real = tl.events_html
    monkeypatch.setattr(tl, "events_html", lambda *a, **k: calls.append(a) or real(*a, **k))
    view.category_select.value = ("trade",)
    assert len(calls) == 1  # not once more for each of the picker's index and label
    view.year_slider.value = (1950, 1952)
    assert len(calls) == 2
    view.year_slider.max = 1953  # only the upper bound, above the handles: the list is not redrawn
    assert len(calls) == 2


def test_a_filter_that_fails_while_redrawing_shows_a_notice_in_the_widget(monkeypatch):
    view = timeline(data=_five())

    def broken(*_a, **_k):
        raise TimelineError("The years 1951-1952 cannot be read.")

    monkeypatch.setattr(tl, "filter_events", broken)
    view.year_slider.value = (1951, 1952)
    shown = view.events_view.value
    assert "The years 1951-1952 cannot be read." in shown  # the message, in the widget
    assert TimelineError.title in shown  # under the error's title: "The timeline could not be drawn"


def test_the_widget_carries_the_help_line_and_the_css_classes_its_style_targets():
    view = timeline(data=_five())
    box = view.widget
    style, help_text, controls, events_view, citation = box.children  # display.explorer_box
    assert "drag the ends of the year slider" in help_text.value
    assert events_view is view.events_view and citation is view.citation
    # the box itself names its parts too, for code that holds the widget, not the display object
    assert (box.category_select, box.year_slider, box.events_view, box.citation) == (
        view.category_select, view.year_slider, events_view, citation)
    assert box.category_select is controls.children[0] and box.year_slider is controls.children[1]
    assert {"allies-timeline", "allies-fit"} <= set(box._dom_classes)
    assert "allies-fit-controls" in controls._dom_classes
    # the style (display/fit_controls.html) selects the box's and the row's classes
    # (CSS class names are case-sensitive)
    for cls in ("allies-fit", "allies-fit-controls"):
        assert f".{cls} " in style.value or f".{cls}\n" in style.value


def test_the_static_copy_has_its_note_list_and_citation_and_the_plain_text_the_initial_filter():
    view = timeline(categories=["trade"], start=1951, end=1953, data=_five())
    bundle = view._repr_mimebundle_()
    page = bundle["text/html"]
    assert "need a running notebook" in page
    assert "Event 2" in page and "the events table passed in" in page
    # only 1952's trade event: "1 Jan 1952" padded to 12 characters, two spaces, category, two spaces, title
    assert bundle["text/plain"] == "1 Jan 1952    [trade]  Event 2"


# ------------------------------------------------------------------ the event list

_LI = '<li style="margin-bottom:0.4em">'


def test_an_event_list_needs_only_a_date_and_a_category():
    # a hand-made table: no title, summary, countries, confidence or date precision columns
    frame = pd.DataFrame({"date": pd.to_datetime(["1965-06-22"]), "category": ["new_thing"]})
    page = tl.events_html(frame)
    # a day-precise date, the unknown category as words, and nothing else on the line
    assert (_LI + '<time datetime="1965-06-22"><strong>22 Jun 1965</strong></time> '
            '<span style="color:#374151">[new thing]</span> <strong></strong></li>') in page
    assert "Showing 1 event (every category; years the earliest year–the latest year)." in page
    # "22 Jun 1965" (11 characters) padded to 12, two spaces, category, two spaces, (no) title
    assert tl.events_text(frame) == "22 Jun 1965" + " " + "  [new thing]  "


def test_an_event_line_shows_countries_summary_and_only_a_doubtful_confidence():
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2015-12-28", "2019-08-22", "2020-03-01"]),
        "date_precision": ["month", "day", "year"],
        "category": ["cost_sharing", "security", "trade"],
        "countries": ["KOR;USA", float("nan"), None],
        "title": ["Deal <b>", "GSOMIA", "T3"],
        "confidence": ["High", "medium", float("nan")],
        "summary": ["Signed.", float("nan"), None],
    })
    page = tl.events_html(frame, categories=["cost_sharing", "security"], start=2015, end=2020, total=10)
    assert "Showing 3 events of 10 (cost sharing, security; years 2015–2020)." in page
    # countries as names after the category; "High" confidence is not flagged; the summary under it
    assert (_LI + '<time datetime="2015-12"><strong>Dec 2015</strong></time> '
            '<span style="color:#374151">[cost sharing · South Korea, United States]</span> '
            '<strong>Deal &lt;b&gt;</strong><br><span>Signed.</span></li>') in page
    # missing countries and summary show nothing; "medium" is flagged in words
    assert (_LI + '<time datetime="2019-08-22"><strong>22 Aug 2019</strong></time> '
            '<span style="color:#374151">[security]</span> <strong>GSOMIA</strong> '
            '<em>(confidence: medium)</em></li>') in page
    # a missing confidence is not flagged either
    assert (_LI + '<time datetime="2020"><strong>2020</strong></time> '
            '<span style="color:#374151">[trade]</span> <strong>T3</strong></li>') in page
    assert "nan" not in page and "None" not in page


def test_labels_for_unknown_categories_and_country_codes_are_kept_readable():
    assert tl.category_label("new_thing") == "new thing"
    assert tl.countries_label("JPN; XYZ;") == "Japan, XYZ"  # an unknown code stays as it is


# ------------------------------------------------------------------ filtering


@pytest.mark.parametrize("arg, message", [
    ({"start": "x"}, "The start year must be a whole number such as 2019, not 'x'."),
    ({"end": 1965.5}, "The end year must be a whole number such as 2019, not 1965.5."),
    ({"categories": 5.5}, "categories must be a name or a list of names, not float 5.5. Example: categories=['a', 'b']."),
    ({"lessons": 5.5}, "lessons must be a name or a list of names, not float 5.5. Example: lessons=['a', 'b']."),
])
def test_a_bad_filter_value_is_named_in_the_message(arg, message):
    with pytest.raises(TimelineError) as err:
        filter_events(_five(), **arg)
    assert message in str(err.value)


def test_event_years_are_whole_numbers_with_missing_for_unreadable_dates():
    years = tl.event_years(pd.DataFrame({"date": ["1965-06-22", "sometime", None]}))
    assert str(years.dtype) == "Int64"
    assert years.iloc[0] == 1965 and years.isna().tolist() == [False, True, True]


def test_an_undated_event_is_never_kept_by_a_category_or_lesson_filter():
    frame = _frame(["trade", "trade"], lessons=["02", "02"])
    frame.loc[1, "date"] = pd.NaT
    assert list(filter_events(frame, categories="trade")["event_id"]) == ["e0"]
    assert list(filter_events(frame, lessons="02")["event_id"]) == ["e0"]


def test_a_date_that_cannot_be_read_is_outside_every_year_range():
    # a hand-made table with dates as text: "sometime" has no year, so no range holds it
    frame = pd.DataFrame({"event_id": ["a", "b"], "date": ["1965-06-22", "sometime"], "category": ["trade"] * 2})
    assert list(filter_events(frame, start=1950)["event_id"]) == ["a"]
    assert list(filter_events(frame, end=2000)["event_id"]) == ["a"]
    assert list(filter_events(frame)["event_id"]) == ["a", "b"]  # no range: both, "1965..." < "sometime"


def test_events_of_one_day_are_in_title_order():
    frame = _frame(["trade"] * 3, dates=["2019-08-22"] * 3)
    frame["title"] = ["C", "A", "B"]
    assert list(filter_events(frame)["title"]) == ["A", "B", "C"]


def test_events_of_one_day_without_titles_keep_the_table_order():
    # 40 events on one day (enough for an unstable sort to reorder them), no title column
    frame = pd.DataFrame({"event_id": [f"e{i}" for i in range(40)],
                          "date": pd.to_datetime(["2019-08-22"] * 40), "category": ["trade"] * 40})
    out = filter_events(frame)
    assert list(out["event_id"]) == [f"e{i}" for i in range(40)]
    assert list(out.columns) == ["event_id", "date", "category"]  # the old index is dropped, not a column
    assert list(out.index) == list(range(40))
