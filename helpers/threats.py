"""The threats that should unite the allies: North Korea's tests, the allies' responses, China.

Three things for lesson 09, each on top of the course's shared machinery:

- :func:`tests_by_year`, :func:`tests_summary` and :func:`tests_table` read ``nk_missile_tests``
  (:func:`nuclear_polls_table` shows ``nuclear_opinion`` the same way, with readable headers);
  :func:`threat_chart` draws the launches per year with the nuclear tests and the allies'
  responses marked (a :mod:`helpers.figures` figure with alt text and citation), and
  :func:`threat_explorer` puts a year range and a "who acted" choice in front of it.
- :func:`responses` picks the ``events`` rows that are the allies' responses and codes
  who acted: both of them (with Washington), Seoul, or Tokyo. The coding is the course's
  and is listed in :data:`RESPONSE_ACTORS`, so a reader can dispute it.
- :func:`china_scale_exercise` is the sorting exercise: each government's statements
  from the ``china_threat`` positions (``claims``) are placed on a five-point scale and
  compared with the course's placement, with both positions side by side.

A bad argument (an unknown group, years out of order, a scale value off the scale)
raises :class:`ThreatError`, a :class:`helpers.errors.CourseError`, in plain words.
"""
from __future__ import annotations

from helpers.answer_watch import AnswerWatch
from helpers.display import WithFallback, explorer_box, notice_html
from helpers.errors import CourseError, whole_year
from helpers.render import render, safe

__all__ = [
    "CHINA_SCALE",
    "RESPONSE_ACTORS",
    "SCALE_LABELS",
    "ThreatError",
    "china_scale_check",
    "china_scale_exercise",
    "china_statements",
    "nuclear_polls_table",
    "responses",
    "tests_by_year",
    "tests_summary",
    "tests_table",
    "threat_chart",
    "threat_explorer",
]


class ThreatError(CourseError):
    """A request lesson 09's helpers cannot answer (unknown group, bad years, off the scale)."""

    title = "That could not be shown"


#: Who acted in each response event: "together" (Seoul and Tokyo, usually with Washington),
#: "Seoul" (alone or with Washington) or "Tokyo" (alone or with Washington). "pressure"
#: marks China's measures and "North Korea" the programme's milestones, shown for context.
RESPONSE_ACTORS = {
    "ev2014_31": "together",     # TISA: intelligence via Washington
    "ev2016_34": "together",     # GSOMIA signed
    "ev2016_s1": "Seoul",        # THAAD announced with Washington
    "ev2017_s2": "pressure",     # China's group-tour halt
    "ev2017_s3": "pressure",     # Lotte Mart closures
    "ev2017_s4": "North Korea",  # sixth nuclear test
    "ev2017_s5": "Seoul",        # the 'three nos'
    "ev2019_57": "Seoul",        # notice not to renew GSOMIA
    "ev2019_59": "Seoul",        # notice suspended
    "ev2022_s6": "North Korea",  # missile over Japan
    "ev2022_s7": "together",     # Phnom Penh statement on data sharing
    "ev2022_s8": "Tokyo",        # strategy documents, counterstrike
    "ev2023_s9": "Seoul",        # Yoon on a Korean bomb
    "ev2023_66": "together",     # GSOMIA normalised
    "ev2023_s10": "Seoul",       # Washington Declaration
    "ev2023_s11": "Seoul",       # first NCG; SSBN in Busan
    "ev2023_70": "together",     # Camp David
    "ev2023_s12": "together",    # real-time warning data
    "ev2024_s13": "together",    # Freedom Edge 1
    "ev2024_s14": "Tokyo",       # US-Japan extended-deterrence ministerial
    "ev2024_s15": "together",    # Freedom Edge 2
    "ev2025_s16": "together",    # Freedom Edge 3
    "ev2025_s17": "Seoul",       # nuclear-powered submarine
    "ev2025_s18": "Tokyo",       # Takaichi on Taiwan
    "ev2025_s19": "pressure",    # travel advisory
    "ev2025_s20": "pressure",    # seafood halt
    "ev2025_s21": "Seoul",       # not taking sides
    "ev2025_s22": "Seoul",       # fifth NCG
    "ev2026_s23": "Seoul",       # state visit to China
    "ev2026_s24": "Seoul",       # 'an issue between China and Japan'
    "ev2026_s25": "together",    # Nara summit
    "ev2026_s26": "North Korea",  # twelve-missile salvo
    "ev2025_s27": "Seoul",       # stand-alone submarine pact sought
    "ev2026_s28": "Tokyo",       # post-election speech: documents to be revised
    "ev2026_s29": "North Korea",  # launch of 26 May 2026
}
GROUPS = ("together", "Seoul", "Tokyo", "pressure", "North Korea")
_MARK = {"together": "T", "Seoul": "S", "Tokyo": "J", "pressure": "P", "North Korea": "N"}


# --------------------------------------------------------------------- the tests


def _years(start, end, low: int, high: int) -> tuple[int, int]:
    first = low if start is None else whole_year(start, "start year", ThreatError)
    last = high if end is None else whole_year(end, "end year", ThreatError)
    if first > last:
        raise ThreatError(f"The start year {first} is after the end year {last}. Swap them: start={last}, end={first}.")
    if last < low or first > high:
        raise ThreatError(f"The data cover {low} to {high}; choose years in that range.")
    return max(first, low), min(last, high)


def tests_by_year(start=None, end=None):
    """Return the rows of ``nk_missile_tests`` from ``start`` to ``end`` (years, inclusive)."""
    from helpers.data import load_dataset

    df = load_dataset("nk_missile_tests")
    first, last = _years(start, end, int(df["year"].min()), int(df["year"].max()))
    return df[(df["year"] >= first) & (df["year"] <= last)].reset_index(drop=True)


def tests_summary() -> str:
    """Return the headline figures of ``nk_missile_tests`` as short plain text."""
    df = tests_by_year()
    by = df.set_index("year")
    peak = by["missiles_cns"].idxmax()
    partial = by.loc[by.index.max()]
    lines = [
        f"CNS database, missiles launched {int(df['year'].min())}-{int(df['year'].max())}: {int(df['missiles_cns'].sum())}",
        f"Most in one year: {int(by.loc[peak, 'missiles_cns'])} in {peak}",
        "By year since 2016: " + ", ".join(
            f"{y}: {int(by.loc[y, 'missiles_cns'])}" for y in by.index if y >= 2016 and y < by.index.max()
        ),
        f"{by.index.max()} to {partial['covers_to']:%d %b %Y}: {int(partial['missiles_cns'])} missiles on {int(partial['launch_days_cns'])} days",
        f"Nuclear tests: {int(df['nuclear_tests'].sum())}, the last in {int(df.loc[df['nuclear_tests'] > 0, 'year'].max())}",
    ]
    mod = df.dropna(subset=["missiles_japan_mod"])
    if not mod.empty:
        lines.append("Japan's Ministry of Defense (ballistic missiles / launch events): " + ", ".join(
            f"{int(r.year)}: {int(r.missiles_japan_mod)} / {int(r.launch_events_japan_mod)}" for r in mod.itertuples()
        ))
    return "\n".join(lines)


#: Reader-facing headers for the tests table (the dataset's column names are for code).
TESTS_COLUMNS = {
    "year": "Year",
    "missiles_cns": "Missiles (CNS)",
    "launch_days_cns": "Launch days (CNS, Korean date)",
    "launch_events_japan_mod": "Launch events (Japan's Defense Ministry)",
    "missiles_japan_mod": "Ballistic missiles (Japan's Defense Ministry)",
    "nuclear_tests": "Nuclear tests",
    "confidence": "Confidence",
}

#: Reader-facing headers for the nuclear-option polls table.
POLL_COLUMNS = {
    "year": "Year",
    "pollster": "Pollster",
    "population": "Who was asked",
    "fieldwork": "Fieldwork",
    "sample_size": "Sample",
    "support_pct": "In favour (%)",
    "oppose_pct": "Against (%)",
}


def tests_table(start=None, end=None):
    """Return the yearly tests from ``start`` to ``end`` as a table for reading (readable headers)."""
    from helpers.display import table

    df = tests_by_year(start, end)
    first, last = int(df["year"].min()), int(df["year"].max())
    end_row = df.iloc[-1]
    partial = "" if end_row["covers_to"].month == 12 and end_row["covers_to"].day == 31 else (
        f" ({last} to {end_row['covers_to']:%d %B})")
    shown = df[list(TESTS_COLUMNS)].rename(columns=TESTS_COLUMNS)
    return table(shown, caption=f"North Korean launches and nuclear tests, {first}-{last}{partial}; "
                                "— = not found")


def nuclear_polls_table():
    """Return the ``nuclear_opinion`` surveys as a table for reading (readable headers)."""
    from helpers.data import load_dataset
    from helpers.display import table

    polls = load_dataset("nuclear_opinion")[list(POLL_COLUMNS)].rename(columns=POLL_COLUMNS)
    return table(polls, caption="South Korean support for an indigenous nuclear weapon, by survey "
                                "(per cent; — = not reported)",
                 formats={"In favour (%)": "{:.1f}", "Against (%)": "{:.0f}"})


# ------------------------------------------------------------------- responses


def _groups(groups) -> list[str]:
    if groups is None:
        return list(GROUPS)
    chosen = [groups] if isinstance(groups, str) else list(groups)
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        raise ThreatError(
            f"There is no group {', '.join(repr(g) for g in unknown)}. The groups are: {', '.join(GROUPS)}."
        )
    return chosen


def responses(groups=None, start=None, end=None):
    """Return the coded response events (a DataFrame with an ``actor`` column), sorted by date.

    ``groups``: one or more of "together", "Seoul", "Tokyo", "pressure", "North Korea";
    None means all. ``start``/``end``: years, inclusive.
    """
    from helpers.data import load_dataset

    events = load_dataset("events")
    rows = events[events["event_id"].isin(RESPONSE_ACTORS)].copy()
    rows["actor"] = rows["event_id"].map(RESPONSE_ACTORS)
    years = rows["date"].dt.year
    # Years outside the events' span are not an error here: they simply match nothing.
    first, last = _years(start, end, -9999, 9999)
    chosen = _groups(groups)
    keep = rows["actor"].isin(chosen) & (years >= first) & (years <= last)
    return rows[keep].sort_values(["date", "event_id"]).reset_index(drop=True)


# ------------------------------------------------------------------- the chart


def threat_chart(start=2006, end=None, groups=("together", "Seoul", "Tokyo")):
    """Return a bar chart of missiles per year with nuclear tests and response events marked."""
    from helpers.figures import finish as _finish, new_figure as _new_figure

    df = tests_by_year(start, end)
    first, last = int(df["year"].min()), int(df["year"].max())
    acts = responses(groups, first, last) if groups else responses([], first, last)
    fig, ax = _new_figure(figsize=(9, 4.8))
    ax.bar(df["year"], df["missiles_cns"], color="#6b7280", label="Missiles launched (CNS)")
    tested = df[df["nuclear_tests"] > 0]
    ax.scatter(tested["year"], tested["missiles_cns"] + 3, marker="*", s=140, color="#b91c1c",
               label="Nuclear test that year", zorder=3)
    top = max(int(df["missiles_cns"].max()), 10)
    counts: dict[int, int] = {}
    for row in acts.itertuples():
        year = row.date.year
        level = counts.get(year, 0)
        counts[year] = level + 1
        ax.annotate(_MARK[row.actor], (year, top * (1.08 + 0.09 * level)), ha="center", va="bottom",
                    fontsize=8, fontweight="bold")
    ax.set_ylim(0, top * (1.2 + 0.09 * max(counts.values(), default=0)))
    end_row = df.iloc[-1]
    partial = "" if end_row["covers_to"].month == 12 and end_row["covers_to"].day == 31 else (
        f" ({int(end_row['year'])} only to {end_row['covers_to']:%d %b %Y})")
    ax.set_xlabel(f"Year{partial}")
    ax.set_ylabel("Missiles launched")
    ax.set_title(f"North Korean missile launches and the allies' responses, {first}-{last}")
    ax.legend(loc="upper left", fontsize=8)
    ax.text(0.99, 0.98, "Letters above the bars: T = together, S = Seoul, J = Tokyo,\nP = Chinese pressure, N = North Korean milestone",
            transform=ax.transAxes, ha="right", va="top", fontsize=7)
    bars = ", ".join(f"{int(r.year)}: {int(r.missiles_cns)}" for r in df.itertuples())
    marks = "; ".join(f"{r.date:%b %Y} {r.actor}: {r.title}" for r in acts.itertuples()) or "none shown"
    alt = (f"Bar chart of missiles launched by North Korea per year in the CNS database, {first} to {last}"
           f"{partial}: {bars}. Nuclear tests are marked with stars in "
           f"{', '.join(str(int(y)) for y in tested['year']) or 'no year shown'}. Response events marked above the bars: {marks}.")
    return _finish(fig, alt, ["nk_missile_tests", "events"])


def _responses_html(acts) -> str:
    events = [{"machine": f"{r.date:%Y-%m-%d}", "human": f"{r.date:%d %b %Y}", "actor": str(r.actor),
               "title": str(r.title), "summary": str(r.summary)} for r in acts.itertuples()]
    return render("threats/responses.html", events=events)


def threat_explorer(start=2006, end=None):
    """Return a widget: a year range and a choice of who acted, redrawing the chart and the list."""
    import ipywidgets as widgets

    df = tests_by_year()
    low, high = int(df["year"].min()), int(df["year"].max())
    first, last = _years(start, end, low, high)
    years = widgets.IntRangeSlider(value=(first, last), min=low, max=high, step=1, description="Years",
                                   continuous_update=False, layout=widgets.Layout(width="34em"))
    who = widgets.ToggleButtons(
        options=[("Together", ("together",)), ("Seoul", ("Seoul",)), ("Tokyo", ("Tokyo",)),
                 ("All three", ("together", "Seoul", "Tokyo")),
                 ("With context", GROUPS)],
        value=("together", "Seoul", "Tokyo"), description="Who acted",
        tooltips=["Steps Seoul and Tokyo took together", "Seoul's own steps", "Tokyo's own steps",
                  "All the allies' steps", "Also China's pressure and North Korean milestones"],
        style={"button_width": "auto"},
    )
    chart = widgets.HTML()
    listing = widgets.HTML()

    def redraw(*_):
        try:
            a, b = years.value
            chart.value = threat_chart(a, b, who.value).to_html()
            listing.value = _responses_html(responses(who.value, a, b))
        except CourseError as exc:
            chart.value = notice_html(str(exc), exc.title)
            listing.value = ""

    years.observe(redraw, names="value")
    who.observe(redraw, names="value")
    redraw()
    box = explorer_box([years, who], below=[chart, listing])
    static = render("display/static.html", ignore_maths=False, items=[],
                    note="The year slider and the choice of who acted need a running notebook; "
                         "here is the chart as first drawn.",
                    fragments=[safe(chart.value), safe(listing.value)])
    plain = threat_chart(first, last).alt_text
    shown = WithFallback(box, static, plain)
    shown.years, shown.who, shown.chart, shown.listing = years, who, chart, listing
    return shown


# ---------------------------------------------------------- the China-threat scale

#: The five points of the scale, from "partner" to "threat Japan or Korea might meet with force".
SCALE_LABELS = {
    1: "1 · partner: China named as a partner, no threat stated",
    2: "2 · distance: avoid taking sides, stress good relations with Beijing",
    3: "3 · concern: China's conduct named as a concern, no commitment to act",
    4: "4 · challenge: China named as the main strategic challenge, pressure resisted",
    5: "5 · threat: a Chinese use of force could bring one's own forces in",
}

#: The course's placement of each statement: (claim_id, side) -> (point, reason).
CHINA_SCALE = {
    ("china_threat_01", "korea"): (1, "'A key partner', in a strategy that targets no country."),
    ("china_threat_01", "japan"): (4, "'The greatest strategic challenge', but not called a threat."),
    ("china_threat_02", "korea"): (2, "Stay out of a China-Japan issue; respect the One China policy."),
    ("china_threat_02", "japan"): (5, "A Taiwan contingency could allow Japan to use force in collective self-defence."),
    ("china_threat_03", "korea"): (2, "No sides; mediate where possible."),
    ("china_threat_03", "japan"): (3, "Protest and explain, keep the remark, avoid escalation."),
    ("china_threat_04", "korea"): (2, "Kept THAAD, but accepted limits ('three nos') to repair ties."),
    ("china_threat_04", "japan"): (4, "Held its position under economic pressure."),
    ("china_threat_05", "korea"): (1, "Restore the strategic partnership; Japan and China equally important."),
    ("china_threat_05", "japan"): (3, "Names Chinese coercion, but seeks a 'mutually beneficial' and stable relationship."),
}
_SIDE_NAME = {"japan": "Tokyo", "korea": "Seoul"}


def china_statements():
    """Return the statements to place: one row per (aspect, government), Japan first (a DataFrame)."""
    import pandas as pd

    from helpers.positions import as_stated, positions_table

    rows = []
    for _, r in positions_table("china_threat").iterrows():
        for side in ("japan", "korea"):
            if (r["claim_id"], side) not in CHINA_SCALE:
                continue
            point, reason = CHINA_SCALE[(r["claim_id"], side)]
            rows.append({"claim_id": r["claim_id"], "side": side, "government": _SIDE_NAME[side],
                         "aspect": r["aspect"], "statement": r[f"{side}_position"],
                         "dated": as_stated(r, side), "course_point": point, "reason": reason})
    return pd.DataFrame(rows)


def china_scale_check(answers: dict) -> list[dict]:
    """Grade placements: ``answers`` maps (claim_id, side) to a point 1-5.

    Returns one dict per statement answered: the given and the course's point, the
    distance, a verdict ("same", "close" within one point, "far") and the reason.
    Raises :class:`ThreatError` for an unknown statement or a point off the scale.
    """
    results = []
    for key, given in answers.items():
        if key not in CHINA_SCALE:
            known = ", ".join(f"{c}/{s}" for c, s in CHINA_SCALE)
            raise ThreatError(f"There is no statement {key!r} to place. The statements are: {known}.")
        try:
            point = int(given)
        except (TypeError, ValueError):
            raise ThreatError(f"Place {key[0]}/{key[1]} with a whole number from 1 to 5, not {given!r}.") from None
        if point not in SCALE_LABELS or isinstance(given, bool):
            raise ThreatError(f"The scale runs from 1 to 5; {given!r} for {key[0]}/{key[1]} is off it.")
        course, reason = CHINA_SCALE[key]
        gap = abs(point - course)
        results.append({"claim_id": key[0], "side": key[1], "given": point, "course": course, "gap": gap,
                        "verdict": "same" if gap == 0 else "close" if gap == 1 else "far", "reason": reason})
    return results


def _avg(xs) -> str:
    return f"{sum(xs) / len(xs):.1f}" if xs else "–"


def _scale_summary(results, statements) -> str:
    if not results:
        return render("threats/scale_summary.html", placed=False)
    by_key = {(r["claim_id"], r["side"]): r for r in results}
    rows = []
    for s in statements.itertuples():
        r = by_key.get((s.claim_id, s.side))
        if r is None:
            continue
        rows.append([{"text": f"{s.government}: {s.aspect}"}, {"text": r["given"]}, {"text": r["course"]},
                     {"text": r["verdict"]}, {"text": r["reason"]}])
    columns = [{"label": label, "width": ""}
               for label in ("Statement", "You", "Course", "Verdict", "Why the course put it there")]
    table = render("display/table.html", css_class="", full_width=False, caption="", caption_bold=False,
                   columns=columns, rows=rows, source="")

    def mean(side, values):
        return _avg([v for k, v in values if k == side])

    mine = [(r["side"], r["given"]) for r in results]
    course = [(k[1], point) for k, (point, _) in CHINA_SCALE.items()]
    return render("threats/scale_summary.html", placed=True, table=safe(table),
                  mine={"japan": mean("japan", mine), "korea": mean("korea", mine)},
                  course={"japan": mean("japan", course), "korea": mean("korea", course)})


def china_scale_exercise():
    """Return the sorting exercise: one dropdown per statement, a Check button, and both positions."""
    import ipywidgets as widgets

    from helpers.positions import positions_html, positions_text
    from helpers.quiz.widgets import changed_html

    statements = china_statements()
    options = [("choose a point", 0)] + [(label, point) for point, label in SCALE_LABELS.items()]
    picks = {}
    cards = []
    for s in statements.itertuples():
        pick = widgets.Dropdown(options=options, value=0, description="Place at",
                                layout=widgets.Layout(width="40em"))
        picks[(s.claim_id, s.side)] = pick
        text = widgets.HTML(render("threats/statement.html", government=s.government, aspect=s.aspect,
                                   dated=s.dated, statement=s.statement))
        cards.append(widgets.VBox([text, pick]))
    check = widgets.Button(description="Check", tooltip="Compare your placements with the course's")
    feedback = widgets.HTML()
    positions = widgets.HTML()

    def placed():
        return {k: p.value for k, p in picks.items() if p.value}

    def on_check(_):
        answers = placed()
        try:
            feedback.value = _scale_summary(china_scale_check(answers), statements)
            watch.judged(answers)
        except CourseError as exc:
            feedback.value = notice_html(str(exc), exc.title)
        positions.value = (render("threats/positions.html", table=safe(positions_html("china_threat")))
                           if answers else "")

    # the summary on screen belongs to the placements on screen (helpers.answer_watch)
    watch = AnswerWatch(picks.values(), placed, lambda: setattr(feedback, "value", changed_html()))
    check.on_click(on_check)
    box = widgets.VBox([*cards, check, feedback, positions])
    static = render("threats/scale_static.html", scale=list(SCALE_LABELS.values()),
                    statements=[s._asdict() for s in statements.itertuples(index=False)],
                    positions=safe(positions_html("china_threat")))
    shown = WithFallback(box, static, positions_text("china_threat"))
    shown.picks, shown.check, shown.feedback, shown.positions = picks, check, feedback, positions
    return shown
