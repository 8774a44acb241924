"""The filterable timeline over the ``events`` dataset.

Two layers, so the logic can be tested without a browser:

- :func:`filter_events` is a pure function: a DataFrame in, the matching rows out
  (sorted by date), with years counted inclusively.
- :func:`events_html` turns such rows into an accessible HTML list (an ordered list
  with ``<time>`` elements; categories written as words, never shown by colour alone);
  :func:`events_text` gives the same as plain text, one line per event.
- :func:`timeline` builds the widget: a category picker and a year-range slider that
  redraw the list, with the dataset's citation line underneath.

A filter a student can get wrong (an unknown category, a start year after the end
year) raises :class:`TimelineError`, a :class:`helpers.errors.CourseError`, whose
message says what is wrong and what to do. A filter that is valid but matches
nothing is not an error: the list says so in words.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from helpers.display import WithFallback, explorer_box, notice_html
from helpers.errors import CourseError, whole_year
from helpers.render import render, safe

__all__ = [
    "TimelineError",
    "event_years",
    "events_html",
    "events_text",
    "filter_events",
    "timeline",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class TimelineError(CourseError):
    """A timeline filter that cannot be applied (unknown category, years out of order)."""

    title = "The timeline could not be drawn"


# ------------------------------------------------------------------ small helpers


def _as_list(value, what: str) -> list | None:
    """None stays None (no filter); one string becomes a one-item list."""
    if value is None:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    raise TimelineError(
        f"{what} must be a name or a list of names, not {type(value).__name__} {value!r}. "
        f"Example: {what}=['a', 'b']."
    )


def _as_year(value, what: str) -> int | None:
    return None if value is None else whole_year(value, f"{what} year", TimelineError)


def _lesson_code(value) -> str:
    """'2', 2 and '02' all mean lesson 02."""
    text = str(value).strip()
    return text.zfill(2) if text.isdigit() else text


def _lessons_of(cell) -> set[str]:
    """The lesson numbers listed in one ``lessons`` cell ('02;08', '02, 08', '2 8' ...)."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return set()
    return {_lesson_code(part) for part in re.split(r"[^0-9A-Za-z]+", str(cell)) if part}


def _require_columns(df, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise TimelineError(
            f"The events table has no column {', '.join(repr(c) for c in missing)} "
            f"(it has {', '.join(map(str, df.columns))}). Load it with "
            f"load_dataset('events') rather than building it by hand."
        )


def event_years(df):
    """Return the year of every event as a pandas Series (missing dates give <NA>)."""
    import pandas as pd

    _require_columns(df, ["date"])
    dates = pd.to_datetime(df["date"], errors="coerce")
    return dates.dt.year.astype("Int64")


# ------------------------------------------------------------------------ filtering


def filter_events(df, categories=None, start=None, end=None, lessons=None):
    """Return the events in ``categories`` dated from ``start`` to ``end`` (years, inclusive).

    ``categories``: a name or list of names from the ``category`` column; None means
    every category, an empty list means none (the result is then empty).
    ``start`` / ``end``: whole years; None leaves that side open.
    ``lessons``: a lesson number or list of them ("02", 2); keeps events whose
    ``lessons`` cell lists any of them. None means every lesson.

    The rows come back sorted by date (then title), with the original index dropped.
    Raises :class:`TimelineError` for an unknown category or a start after the end.
    """
    _require_columns(df, ["date", "category"])
    cats = _as_list(categories, "categories")
    first = _as_year(start, "start")
    last = _as_year(end, "end")
    if first is not None and last is not None and first > last:
        raise TimelineError(
            f"The start year {first} is after the end year {last}, so no event can match. "
            f"Swap them: start={last}, end={first}."
        )
    keep = df["date"].notna()
    if cats is not None:
        known = sorted(set(df["category"].dropna().astype(str)))
        unknown = [c for c in cats if str(c) not in known]
        if unknown:
            raise TimelineError(
                f"There is no event category {', '.join(repr(str(c)) for c in unknown)}. "
                f"The categories are: {', '.join(known)}."
            )
        keep &= df["category"].astype(str).isin([str(c) for c in cats])
    years = event_years(df)
    if first is not None:
        keep &= (years >= first).fillna(False).astype(bool)
    if last is not None:
        keep &= (years <= last).fillna(False).astype(bool)
    wanted = _as_list(lessons, "lessons")
    if wanted is not None:
        _require_columns(df, ["lessons"])
        codes = {_lesson_code(w) for w in wanted}
        keep &= df["lessons"].map(lambda cell: bool(_lessons_of(cell) & codes)).astype(bool)
    sort_cols = ["date"] + (["title"] if "title" in df.columns else [])
    return df[keep].sort_values(sort_cols, kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------ rendering


def _date_text(value, precision) -> tuple[str, str]:
    """(machine-readable, human-readable) date, shown only as precisely as it is known."""
    import pandas as pd

    stamp = pd.Timestamp(value)
    precision = str(precision or "day").lower()
    if precision.startswith("year"):
        return f"{stamp.year:04d}", f"{stamp.year}"
    if precision.startswith("month"):
        return f"{stamp.year:04d}-{stamp.month:02d}", f"{_MONTHS[stamp.month - 1]} {stamp.year}"
    return stamp.strftime("%Y-%m-%d"), f"{stamp.day} {_MONTHS[stamp.month - 1]} {stamp.year}"


#: How each ``events`` category and country code reads to a student.
CATEGORY_LABELS = {
    "colonial": "colonial era",
    "diplomacy": "diplomacy",
    "history_apology": "history and apologies",
    "courts": "courts",
    "territory": "territory",
    "security": "security",
    "trade": "trade",
    "alliance": "alliances",
    "cost_sharing": "cost sharing",
    "opinion": "public opinion",
}
COUNTRY_NAMES = {"JPN": "Japan", "KOR": "South Korea", "USA": "United States", "PRK": "North Korea",
                 "CHN": "China", "RUS": "Russia", "TWN": "Taiwan"}


def category_label(category) -> str:
    """Return a category as words ("history and apologies"), or the code itself if unknown."""
    return CATEGORY_LABELS.get(str(category), str(category).replace("_", " "))


def countries_label(codes) -> str:
    """Return "Japan, South Korea" for "JPN;KOR" (unknown codes are kept as they are)."""
    return ", ".join(COUNTRY_NAMES.get(c.strip(), c.strip()) for c in str(codes).split(";") if c.strip())


def _describe_filter(categories, start, end) -> str:
    cats = "every category" if categories is None else ", ".join(map(category_label, categories)) or "no category"
    span = f"{start if start is not None else 'the earliest year'}–{end if end is not None else 'the latest year'}"
    return f"{cats}; years {span}"


def events_text(events) -> str:
    """Return the events as plain text, one line each: date (as precise as known), category, title."""
    if len(events) == 0:
        return "No events match."
    return "\n".join(
        f"{_date_text(r.date, getattr(r, 'date_precision', 'day'))[1]:<12}  [{category_label(r.category)}]  {getattr(r, 'title', '')}"
        for r in events.itertuples(index=False)
    )


def events_html(events, categories=None, start=None, end=None, total=None) -> str:
    """Return the HTML of an event list (as filtered by :func:`filter_events`).

    ``categories``, ``start`` and ``end`` only label the list; ``total`` is the size
    of the unfiltered table, for the "showing n of N" line.
    """
    if categories is not None and len(categories) == 0:
        return render("timeline/events.html", none_selected=True, label="", shown="", events=[])
    shown = f"Showing {len(events)} event{'s' if len(events) != 1 else ''}"
    if total is not None:
        shown += f" of {total}"
    items = []
    for row in events.itertuples(index=False):
        machine, human = _date_text(row.date, getattr(row, "date_precision", "day"))
        summary = getattr(row, "summary", "")
        countries = getattr(row, "countries", "")
        confidence = getattr(row, "confidence", None)
        shown_confidence = (confidence is not None and confidence == confidence
                            and str(confidence).lower() not in ("high", ""))
        items.append({
            "machine": machine,
            "human": human,
            "category": category_label(row.category),
            "countries": "" if countries is None or countries != countries else countries_label(countries),
            "title": str(getattr(row, "title", "")),
            "confidence": str(confidence) if shown_confidence else "",
            "summary": "" if summary is None or summary != summary else str(summary),
        })
    return render("timeline/events.html", none_selected=False, label=_describe_filter(categories, start, end),
                  shown=shown, events=items)


# --------------------------------------------------------------------------- widget


def timeline(categories=None, start=None, end=None, lessons=None, data=None):
    """Return the interactive timeline: category picker, year slider, event list, citation.

    ``categories``, ``start``, ``end``: the initial filter (None: everything).
    ``lessons``: keep only events tagged with these lessons, e.g. ``lessons="02"``.
    ``data``: an events DataFrame to show instead of ``load_dataset("events")`` (tests).

    Returns a display object: the widget where widgets render, the first-drawn list as
    static HTML elsewhere. Its ``widget`` is the ipywidgets box; it also exposes
    ``category_select``, ``year_slider``, ``events_view`` and ``citation`` so that a
    test (or a curious student) can drive it from code.
    """
    import ipywidgets as widgets

    from helpers.data import cite, load_dataset

    df = load_dataset("events") if data is None else data
    _require_columns(df, ["date", "category"])
    if lessons is not None:
        df = filter_events(df, lessons=lessons)
    # Validate the initial filter with the same rules as the function, so a typo in
    # a lesson cell gives the plain message rather than a half-drawn widget.
    filter_events(df, categories=categories, start=start, end=end)

    years = event_years(df).dropna()
    if years.empty:
        raise TimelineError(
            "The events table has no dated events to show. Reload it with load_dataset('events')."
        )
    low, high = int(years.min()), int(years.max())
    first = low if start is None else max(low, min(high, _as_year(start, "start")))
    last = high if end is None else max(low, min(high, _as_year(end, "end")))
    all_cats = sorted(set(df["category"].dropna().astype(str)))
    chosen = all_cats if categories is None else [str(c) for c in _as_list(categories, "categories")]

    category_select = widgets.SelectMultiple(
        options=[(category_label(c), c) for c in all_cats],
        value=tuple(chosen),
        rows=min(len(all_cats), 8),
        description="Categories",
        description_allow_html=False,
        layout=widgets.Layout(width="22em"),
    )
    year_slider = widgets.IntRangeSlider(
        value=(first, last),
        min=low,
        max=high,
        step=1,
        description="Years",
        continuous_update=False,
        layout=widgets.Layout(width="36em"),
    )
    events_view = widgets.HTML()
    # the course's one citation paragraph (data.citation's)
    citation = widgets.HTML(render("data/citation.html",
                                   text=cite("events") if data is None else "Data: the events table passed in."))
    total = len(df)

    def redraw(_change=None):
        cats = list(category_select.value)
        begin, finish = year_slider.value
        try:
            rows = filter_events(df, categories=cats, start=begin, end=finish)
            events_view.value = events_html(rows, cats, begin, finish, total=total)
        except CourseError as exc:  # feedback goes into the widget, never print()
            events_view.value = notice_html(str(exc), exc.title)

    category_select.observe(redraw, names="value")
    year_slider.observe(redraw, names="value")
    redraw()

    help_text = widgets.HTML(render("timeline/help.html"))
    box = explorer_box([category_select, year_slider], below=[events_view, citation], above=[help_text])
    box.add_class("allies-timeline")
    static = render("display/static.html", ignore_maths=False, items=[],
                    note="The year slider and category picker need a running notebook; here is the list as first drawn.",
                    fragments=[safe(events_view.value), safe(citation.value)])
    plain = events_text(filter_events(df, categories=chosen, start=first, end=last))
    view = WithFallback(box, static, plain)
    for name, part in (("category_select", category_select), ("year_slider", year_slider),
                       ("events_view", events_view), ("citation", citation)):
        setattr(box, name, part)
        setattr(view, name, part)
    return view
