"""Lesson 07's public opinion: how the Japanese and South Korean publics see each other.

The numbers first, the drawing beside them:

- the survey series from ``opinion``: :func:`opinion_series`, :func:`opinion_table`
  (chosen series and years), :func:`opinion_overview` (every point, for reading) and
  :func:`opinion_window_text` (the 2018-2020 values the lesson looks at closely);
- sampling error: :func:`margin_of_error` (one result), :func:`margin_of_change` (the
  change between two samples), :func:`margin_of_error_table` and :func:`read_change`,
  which says in words whether a change is beyond the margin;
- the drawing: :func:`opinion_chart` (lines broken where a survey's method changes,
  the lesson's events from ``events`` marked) and :func:`opinion_explorer`, its widget.

pandas, matplotlib and ipywidgets are imported inside the functions that need them.
A bad argument (an unknown series, a year outside the data) raises
:class:`helpers.figures.ChartError` with a message that says what to do.
"""
from __future__ import annotations

import math
import re

from helpers.display import WithFallback, notice_html
from helpers.errors import CourseError, whole_year
from helpers.figures import MARKERS, PALETTE, ChartError, finish, new_figure, one_of
from helpers.render import render, safe

__all__ = [
    "WINDOW",
    "margin_of_change",
    "margin_of_error",
    "margin_of_error_table",
    "opinion_chart",
    "opinion_events",
    "opinion_explorer",
    "opinion_overview",
    "opinion_series",
    "opinion_table",
    "opinion_window_text",
    "read_change",
]

#: Lesson 07 looks closely at these years (the 2019 collapse in Korean views).
WINDOW = (2018, 2020)

_WHO = {
    "japanese_on_korea": "Japanese views of South Korea",
    "koreans_on_japan": "South Korean views of Japan",
}
_MEASURE_WORDS = {"good_impression": "good impression", "affinity": "feel affinity"}


def _short_survey(survey) -> str:
    text = str(survey)
    if "genron" in text.lower():
        return "Genron NPO/EAI"
    if "online rounds" in text.lower():
        return "EAI online rounds"
    if "cabinet office" in text.lower():
        return "Cabinet Office"
    return text


def _series_name(row) -> str:
    who = _WHO.get(str(row.respondents), str(row.respondents).replace("_", " "))
    what = _MEASURE_WORDS.get(str(row.measure), str(row.measure).replace("_", " "))
    return f"{_short_survey(row.survey)}: {who} ({what})"


def _opinion():
    from helpers.data import load_dataset

    df = load_dataset("opinion")
    df["series"] = [_series_name(r) for r in df.itertuples()]
    return df


def opinion_series() -> list[str]:
    """Return the names of the opinion series, in dataset order."""
    return list(dict.fromkeys(_opinion()["series"]))


def opinion_table(series=None, start=None, end=None):
    """Return the opinion rows for the chosen series and years (inclusive), sorted."""
    df = _opinion()
    known = list(dict.fromkeys(df["series"]))
    chosen = known if series is None else [series] if isinstance(series, str) else list(series)
    for name in chosen:
        one_of(name, known, "opinion series")
    years = df["year"].dropna().astype(int)
    lo, hi = int(years.min()), int(years.max())
    first = lo if start is None else _in_range(start, lo, hi, "start")
    last = hi if end is None else _in_range(end, lo, hi, "end")
    if first > last:
        raise ChartError(f"The start year {first} is after the end year {last}. Swap them.")
    keep = df["series"].isin(chosen) & df["year"].between(first, last)
    order = {name: i for i, name in enumerate(known)}
    out = df[keep].copy()
    out["_order"] = out["series"].map(order)
    out = out.sort_values(["_order", "year", "fieldwork"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def opinion_overview():
    """Return every opinion point as a table for reading: human headers, words for the codes."""
    df = _opinion()
    out = df.assign(
        who=df["respondents"].map(lambda v: _WHO.get(str(v), str(v).replace("_", " "))),
        what=df["measure"].map(lambda v: _MEASURE_WORDS.get(str(v), str(v).replace("_", " "))),
        series_ok=df["comparable"].map(lambda v: "yes" if bool(v) else "no (method differs)"),
    )
    cols = {"survey": "Survey", "who": "Who was asked", "what": "Measure", "year": "Year",
            "fieldwork": "Fieldwork", "value_pct": "Share (%)", "method": "Method and sample",
            "series_ok": "Comparable within its series?", "confidence": "Confidence"}
    return out[list(cols)].rename(columns=cols).reset_index(drop=True)


def _in_range(value, lo, hi, what) -> int:
    year = whole_year(value, f"{what} year", ChartError)
    if not lo <= year <= hi:
        raise ChartError(f"The {what} year {year} is outside the opinion data, which run from {lo} to {hi}.")
    return year


def opinion_events(lesson="07"):
    """Return the events the opinion chart marks by default, sorted by date.

    They are the rows whose ``lessons`` cell in the events dataset lists ``lesson``;
    to mark another event on the chart, add the lesson number to that row.
    """
    from helpers.data import load_dataset
    from helpers.timeline import filter_events

    return filter_events(load_dataset("events"), lessons=lesson)


def _event_label(r) -> str:
    precision = str(getattr(r, "date_precision", "day"))
    when = f"{r.date:%Y}" if precision == "year" else f"{r.date:%b %Y}"
    return f"{r.title} ({when})"


def opinion_window_text(first=WINDOW[0], last=WINDOW[1]) -> str:
    """Return the values of every series from ``first`` to ``last`` as a small text table."""
    t = opinion_table(start=first, end=last)
    lines = []
    for name, rows in t.groupby("series", sort=False):
        lines.append(name)
        for r in rows.itertuples():
            flag = " (low confidence)" if str(r.confidence) == "low" else ""
            lines.append(f"    {int(r.year)}  {r.value_pct:5.1f}%  fieldwork {r.fieldwork}; {r.method}{flag}")
    return "\n".join(lines)


def _method_family(method) -> str:
    text = str(method).lower()
    for word in ("postal", "online", "visit-and-leave", "face-to-face", "telephone", "phone", "mixed"):
        if word in text:
            return word
    return text


def _segments(rows):
    """Split one series where its method changes: points across a break are not joined."""
    segs, current, last_key = [], [], None
    for r in rows.itertuples():
        key = (_method_family(r.method), bool(r.comparable) if "comparable" in rows else True)
        if current and key != last_key:
            segs.append(current)
            current = []
        current.append(r)
        last_key = key
    if current:
        segs.append(current)
    return segs


def _season_moved(r) -> bool:
    return "moved" in str(getattr(r, "note", "")).lower()


_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _x(r) -> float:
    """Horizontal position of a survey point: the first fieldwork month when known, else mid-year."""
    text = str(r.fieldwork).lower()
    m = re.match(r"\d{4}-(\d{2})", text)
    if m:
        month = int(m.group(1))
    else:
        found = [(text.find(name), i + 1) for i, name in enumerate(_MONTH_NAMES) if name in text]
        month = min(found)[1] if found else None
    return float(r.year) + ((month - 0.5) / 12.0 if month else 0.5)


def opinion_chart(series=None, event_ids=None, start=None, end=None):
    """Return a line chart of the opinion series with chosen events marked as vertical lines.

    ``event_ids``: event_id values from ``events``; None marks :func:`opinion_events`;
    an empty list marks none. Lines break where a survey's method changes; a dashed
    link marks a change of fieldwork season; hollow markers (with a legend entry only
    when some are drawn) are low-confidence points.
    """
    t = opinion_table(series, start, end)
    fig, ax = new_figure((10, 6))
    all_series = opinion_series()
    desc = []
    for name in dict.fromkeys(t["series"]):
        i = all_series.index(name)
        rows = t[t["series"] == name]
        colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        segs = _segments(rows)
        for seg in segs:
            for a, b in zip(seg, seg[1:]):
                ax.plot([_x(a), _x(b)], [a.value_pct, b.value_pct], color=colour, linewidth=1.8,
                        linestyle="--" if _season_moved(b) else "-")
            for r in seg:
                hollow = str(r.confidence) == "low"
                ax.plot(_x(r), r.value_pct, marker=marker, color=colour, markersize=6,
                        markerfacecolor="white" if hollow else colour, linestyle="none")
        ax.plot([], [], marker=marker, color=colour, linewidth=1.8, label=name)
        breaks = [str(int(seg[0].year)) for seg in segs[1:]]
        moved = [str(int(r.year)) for r in rows.itertuples() if _season_moved(r)]
        if len(rows) == 1:
            text = f"{name}: 1 point, {int(rows['year'].iloc[0])} {rows['value_pct'].iloc[0]:.1f}%"
        else:
            text = (f"{name}: {len(rows)} points, {int(rows['year'].iloc[0])} {rows['value_pct'].iloc[0]:.1f}% "
                    f"to {int(rows['year'].iloc[-1])} {rows['value_pct'].iloc[-1]:.1f}%")
        if breaks:
            text += f", line broken at {', '.join(breaks)} (method change)"
        if moved and not set(moved) <= set(breaks):
            text += f", dashed into {moved[0]} (fieldwork season moved)"
        desc.append(text)
    ev = _chosen_events(event_ids)
    if not t.empty:
        lo, hi = float(t["year"].min()), float(t["year"].max()) + 1
        ev = ev[(ev["xpos"] >= lo) & (ev["xpos"] <= hi)].reset_index(drop=True)
    ymax = float(t["value_pct"].max()) if not t.empty else 100.0
    for j, r in enumerate(ev.itertuples()):
        ax.axvline(r.xpos, color="#6b7280", linestyle=":", linewidth=1)
        ax.text(r.xpos, ymax * (1.22 - 0.08 * (j % 3)), f"{j + 1}", fontsize="small", ha="center",
                va="bottom", bbox={"boxstyle": "circle", "fc": "white", "ec": "#6b7280"})
    ax.set_ylim(0, ymax * 1.35 if ymax > 0 else 100)
    ax.set_xlabel("Year (survey points at their first fieldwork month, else mid-year; events at their date)")
    ax.set_ylabel("Answering 'good impression' or 'feel affinity' (%)")
    ax.set_title("How the Japanese and South Korean publics see each other")
    ax.grid(alpha=0.3)
    ax.plot([], [], color="#6b7280", linewidth=1.8, linestyle="--", label="dashed: fieldwork season moved")
    any_low = bool((t["confidence"].astype(str) == "low").any()) if not t.empty else False
    if any_low:
        ax.plot([], [], marker="o", color="#6b7280", markerfacecolor="white", linestyle="none",
                label="hollow marker: low confidence")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(0.0, -0.13), frameon=False)
    if len(ev):
        key = "Events marked:\n" + "\n".join(f"{j + 1}  {_event_label(r)}" for j, r in enumerate(ev.itertuples()))
        ax.text(0.62, -0.14, key, transform=ax.transAxes, fontsize="small", va="top", ha="left")
    alt = ("Line chart of survey results in percent by year. " + "; ".join(desc) + ". "
           + ("Hollow markers are low-confidence points. " if any_low else "")
           + ("Dotted vertical lines mark: " + "; ".join(f"{j + 1}. {_event_label(r)}"
                                                        for j, r in enumerate(ev.itertuples())) + "."
              if len(ev) else "No events are marked."))
    return finish(fig, alt, ["opinion", "events"] if len(ev) else "opinion")


def _chosen_events(event_ids):
    from helpers.data import load_dataset

    if event_ids is None:
        chosen = opinion_events()
    else:
        events = load_dataset("events")
        ids = [event_ids] if isinstance(event_ids, str) else [str(e) for e in event_ids]
        known = list(events["event_id"].astype(str))
        for e in ids:
            one_of(e, known, "event_id in the events dataset")
        chosen = events[events["event_id"].astype(str).isin(ids)].sort_values("date", kind="stable")
    chosen = chosen.reset_index(drop=True).copy()
    chosen["xpos"] = [d.year + (d.day_of_year - 1) / 366.0 for d in chosen["date"]]
    return chosen


def opinion_explorer():
    """Return a widget: checkboxes for series and events, and a year range, redrawing the chart."""
    import ipywidgets as widgets

    from helpers.data import load_dataset

    df = load_dataset("opinion")
    years = df["year"].dropna().astype(int)
    lo, hi = int(years.min()), int(years.max())
    series_boxes = [widgets.Checkbox(value=True, description=name, indent=False,
                                     layout=widgets.Layout(width="auto"))
                    for name in opinion_series()]
    ev = opinion_events()
    event_boxes = [widgets.Checkbox(value=True, description=_event_label(r), indent=False,
                                    layout=widgets.Layout(width="auto"))
                   for r in ev.itertuples()]
    event_ids = list(ev["event_id"].astype(str))
    span = widgets.IntRangeSlider(value=(lo, hi), min=lo, max=hi, step=1, description="Years",
                                  continuous_update=False,
                                  tooltip="First and last survey year to show")
    summary = widgets.HTML()
    chart = widgets.HTML()

    def redraw(*_):
        chosen = [b.description for b in series_boxes if b.value]
        marks = [e for e, b in zip(event_ids, event_boxes) if b.value]
        if not chosen:
            summary.value = notice_html("Tick at least one survey series to draw the chart.")
            chart.value = ""
            return
        try:
            fig = opinion_chart(chosen, marks, span.value[0], span.value[1])
        except CourseError as exc:
            summary.value = notice_html(str(exc))
            chart.value = ""
            return
        summary.value = render("opinion/status.html", text=fig.alt_text)
        chart.value = fig.to_html()

    for w in series_boxes + event_boxes + [span]:
        w.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([
        widgets.HTML(render("opinion/heading.html", text="Survey series")), widgets.VBox(series_boxes),
        widgets.HTML(render("opinion/heading.html", text="Events to mark")), widgets.VBox(event_boxes),
        span, summary, chart,
    ])
    fallback = render("opinion/explorer_fallback.html", status=safe(summary.value), chart=safe(chart.value))
    shown = WithFallback(box, fallback, "Opinion explorer: " + safe(summary.value).striptags())
    shown.series_boxes, shown.event_boxes, shown.span = series_boxes, event_boxes, span
    shown.summary, shown.chart, shown.redraw = summary, chart, redraw
    return shown


def margin_of_error(pct=50.0, n=1000, z=1.96) -> float:
    """Return the 95% sampling margin of error, in percentage points, of a share ``pct`` from ``n`` people.

    This is the textbook figure for a simple random sample; real surveys (weighting,
    clustering) have somewhat larger errors.
    """
    try:
        p = float(pct) / 100.0
        size = int(n)
    except (TypeError, ValueError):
        raise ChartError(f"pct must be a percentage and n a number of people, not {pct!r} and {n!r}.") from None
    if not 0 <= p <= 1 or size <= 0:
        raise ChartError(f"pct must be between 0 and 100 and n above zero (got {pct!r} and {n!r}).")
    return 100.0 * z * math.sqrt(p * (1 - p) / size)


def margin_of_change(pct1=50.0, n1=1000, pct2=None, n2=None, z=1.96) -> float:
    """Return the 95% margin of error, in percentage points, of the change between two samples.

    Two independent samples each carry their own error, so the error of the difference
    is the square root of the sum of the two squared errors: about 1.41 (the square
    root of 2) times one sample's margin when the samples are alike. ``pct2``/``n2``
    default to ``pct1``/``n1``. Textbook figure: design effects make it larger.
    """
    pct2 = pct1 if pct2 is None else pct2
    n2 = n1 if n2 is None else n2
    return math.hypot(margin_of_error(pct1, n1, z), margin_of_error(pct2, n2, z))


def read_change(before, after, n1=1000, n2=None) -> str:
    """Return a one-sentence reading of a change between two survey results (percent)."""
    try:
        a, b = float(before), float(after)
    except (TypeError, ValueError):
        raise ChartError(f"before and after must be percentages, not {before!r} and {after!r}.") from None
    moe = margin_of_change(a, n1, b, n2)
    change = b - a
    size = abs(change)
    word = "rise" if change > 0 else "fall"
    if size == 0:
        return "No change at all."
    if size < moe:
        verdict = "within the sampling margin for a change: it may be noise"
    elif size < 2 * moe:
        verdict = ("beyond the textbook margin for a change but not by much: probably real, but weighting "
                   "and clustering make real margins larger, so look for a second survey that agrees")
    else:
        verdict = "well beyond the sampling margin for a change: very unlikely to be sampling noise"
    return (f"A {word} of {size:.1f} points, where the margin for a change is about ±{moe:.1f} points: "
            f"{verdict}.")


def margin_of_error_table(sample_sizes=(250, 500, 1000, 2000, 4000), shares=(50.0, 20.0)):
    """Return, for each sample size, the 95% margin of one result and of a change between two such samples.

    Column headers are written for reading (the table is shown to students as it is).
    """
    import pandas as pd

    rows = []
    for n in sample_sizes:
        row = {"People in each sample": int(n)}
        for p in shares:
            row[f"One result near {p:g}% (± points)"] = round(margin_of_error(p, n), 1)
        row[f"Change between two samples, near {shares[0]:g}% (± points)"] = round(margin_of_change(shares[0], n), 1)
        rows.append(row)
    return pd.DataFrame(rows)


