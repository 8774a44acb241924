"""Charts and chart widgets for the lessons on money (05) and public opinion (07).

Two layers, so the numbers can be tested without drawing anything:

- *table functions* return pandas DataFrames computed from the course datasets
  (``sma_in_usd``, ``burden_sharing_table``, ``release_comparison``,
  ``opinion_table`` ...);
- *chart functions* draw those tables with matplotlib and return a
  :class:`CourseFigure`: a matplotlib ``Figure`` that carries its own alt text and
  citation line, and shows itself in a notebook as an ``<img>`` with that alt text
  and the citation underneath;
- *explorers* (``cost_sharing_explorer``, ``opinion_explorer``) are ipywidgets whose
  controls redraw an ``HTML`` widget (the chart) and a text summary.

matplotlib and ipywidgets are imported inside the functions that need them, so
``import helpers`` stays light. Figures are made with ``Figure()`` and the Agg
canvas, never with ``pyplot``, so nothing is shown twice and nothing needs closing.

Arguments a student can get wrong (an unknown data release, a year outside the
data, an exchange rate of zero) raise :class:`ChartError`, a
:class:`helpers.errors.CourseError`, with a message that says what to do.
"""
from __future__ import annotations

import base64
import html
import io
import math
import re

from helpers.data import cite, load_dataset
from helpers.display import WithFallback, notice_html
from helpers.errors import CourseError, whole_year

__all__ = [
    "ChartError",
    "article_claims_about",
    "article_rate",
    "margin_of_error_table",
    "releases",
    "CourseFigure",
    "budget_check",
    "budget_check_text",
    "burden_sharing_chart",
    "burden_sharing_table",
    "cost_sharing_explorer",
    "host_support_table",
    "margin_of_change",
    "margin_of_error",
    "read_change",
    "money_in_text",
    "opinion_chart",
    "opinion_overview",
    "opinion_events",
    "opinion_explorer",
    "opinion_series",
    "opinion_table",
    "opinion_window_text",
    "rank_correlation",
    "release_chart",
    "release_comparison",
    "sma_chart",
    "sma_in_usd",
    "sma_table",
    "money_view",
    "release_gaps",
    "release_name",
]

#: Where the KRW-per-USD slider starts and how far it goes. These are classroom
#: settings, not data: the won traded roughly between 1,000 and 1,450 per dollar
#: from 2014 to 2024, and the slider leaves room on both sides.
RATE_MIN, RATE_MAX, RATE_STEP = 900, 1500, 10
#: The lesson's default comparison year for the burden-sharing test: 2019, the
#: year of the article and of the 10th SMA.
DEFAULT_YEAR = 2019
DEFAULT_RELEASE = "sipri_2024"
#: Lesson 07 looks closely at these years (the 2019 collapse in Korean views).
WINDOW = (2018, 2020)

_INK = "#1f2937"
_PALETTE = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490")
_MARKERS = ("o", "s", "^", "D", "v", "P")


class ChartError(CourseError):
    """A chart or table was asked for something the data cannot give."""

    title = "The chart could not be drawn"


# --------------------------------------------------------------------- the figure


def _figure_class():
    from matplotlib.figure import Figure

    class CourseFigure(Figure):
        """A matplotlib Figure that knows its alt text and citation line."""

        alt_text = ""
        citation = ""

        def to_png(self, dpi: int = 100) -> bytes:
            # The constrained layout already fits the labels; bbox_inches="tight" would
            # draw the figure a second time just to measure it.
            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=dpi)
            return buf.getvalue()

        def to_html(self) -> str:
            data = base64.b64encode(self.to_png()).decode("ascii")
            return (
                '<figure style="margin:0">'
                f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt_text)}" '
                'style="max-width:100%;height:auto">'
                f'<figcaption><small>{html.escape(self.citation)}</small></figcaption>'
                "</figure>"
            )

        # Only an HTML representation: it carries the PNG with its alt text and citation.
        # A separate _repr_png_ would make IPython render the chart a second time.
        def _repr_html_(self):
            return self.to_html()

        def __repr__(self):
            return f"{self.title_text()}\n{self.alt_text}\n{self.citation}"

        def title_text(self) -> str:
            for ax in self.axes:
                if ax.get_title():
                    return ax.get_title()
            return self._suptitle.get_text() if self._suptitle is not None else ""

    return CourseFigure


_COURSE_FIGURE = None


def _new_figure(figsize=(8, 4.5)):
    """Return (figure, axes) drawn with Agg, outside pyplot."""
    global _COURSE_FIGURE
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if _COURSE_FIGURE is None:
        _COURSE_FIGURE = _figure_class()
    fig = _COURSE_FIGURE(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    return fig, ax


def __getattr__(name):  # CourseFigure without importing matplotlib at module import
    if name == "CourseFigure":
        global _COURSE_FIGURE
        if _COURSE_FIGURE is None:
            _COURSE_FIGURE = _figure_class()
        return _COURSE_FIGURE
    raise AttributeError(f"module 'helpers.charts' has no attribute {name!r}")


def _finish(fig, alt: str, datasets) -> object:
    fig.alt_text = alt
    names = [datasets] if isinstance(datasets, str) else list(datasets)
    fig.citation = " | ".join(cite(n) for n in names)
    return fig


def _strip_tags(text: str) -> str:
    """Plain text of a status message (without its folded table)."""
    text = re.sub(r"<details>.*?</details>", "", text, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


# ---------------------------------------------------------------- argument checks


def _rate(value, what="exchange rate (won per US dollar)") -> float:
    if isinstance(value, bool):
        raise ChartError(f"The {what} must be a number such as 1100, not {value!r}.")
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise ChartError(f"The {what} must be a number such as 1100, not {value!r}.") from None
    if not math.isfinite(rate) or rate <= 0:
        raise ChartError(
            f"The {what} must be more than zero (you gave {value!r}): it says how many units "
            f"of the local currency buy one US dollar."
        )
    return rate


def _year(value, known, what: str) -> int:
    known = sorted({int(y) for y in known})
    year = whole_year(value, f"year for {what}", ChartError)
    if year not in known:
        raise ChartError(
            f"There are no data for {what} in {year}. Choose a year from {known[0]} to {known[-1]}"
            + (" (some years in between are missing)." if len(known) != known[-1] - known[0] + 1 else ".")
        )
    return year


def _choice(value, known, what: str) -> str:
    known = list(dict.fromkeys(str(k) for k in known))
    if str(value) not in known:
        raise ChartError(f"There is no {what} called {value!r}. Choose one of: {', '.join(known)}.")
    return str(value)


# ============================================================ lesson 05: the money


def sma_table():
    """Return the Special Measures Agreement amounts, one row per year, in billion won."""
    df = load_dataset("sma_cost_sharing")
    return df.sort_values("year", kind="stable").reset_index(drop=True)


def sma_in_usd(krw_per_usd):
    """Return the SMA table with each year's amount in million US dollars at ``krw_per_usd``.

    ``amount_usd_m`` = ``amount_krw_bn`` x 1,000 / ``krw_per_usd`` (a billion won is a
    thousand million won). One rate is applied to every year on purpose: the point is
    to see how much the dollar story depends on the rate chosen.
    """
    rate = _rate(krw_per_usd)
    df = sma_table()
    df["krw_per_usd"] = rate
    df["amount_usd_m"] = df["amount_krw_bn"] * 1000.0 / rate
    return df


def _agreement_label(df) -> list[str]:
    return [f"{y}" for y in df["year"]]


def sma_chart(krw_per_usd=None, y_max=None):
    """Return a bar chart of each year's SMA amount (billion won, or million USD at a rate).

    ``y_max`` fixes the top of the value axis (the explorer passes the same value at
    every rate, so the bars grow and shrink as the rate moves); by default the axis
    leaves headroom above the tallest bar.
    """
    df = sma_table() if krw_per_usd is None else sma_in_usd(krw_per_usd)
    fig, ax = _new_figure()
    column = "amount_krw_bn" if krw_per_usd is None else "amount_usd_m"
    agreements = list(dict.fromkeys(df["agreement"]))
    for i, agreement in enumerate(agreements):
        part = df[df["agreement"] == agreement]
        solid = part["confidence"].astype(str).ne("low") if "confidence" in part else None
        for is_solid in (True, False):
            rows = part[solid == is_solid] if solid is not None else part
            if rows.empty:
                continue
            ax.bar(
                rows["year"].astype(int), rows[column], color=_PALETTE[i % len(_PALETTE)] if is_solid else "white",
                edgecolor=_PALETTE[i % len(_PALETTE)], hatch=None if is_solid else "//",
                label=f"{agreement}" + ("" if is_solid else " (low confidence: unconfirmed or derived)"),
            )
            if solid is None:
                break
    if krw_per_usd is None:
        ax.set_ylabel("Korea's contribution (billion won, current)")
        ax.set_title("What South Korea pays under each Special Measures Agreement")
    else:
        # Two lines: on one, the label was longer than the axis and was cut off at both ends.
        ax.set_ylabel(f"Korea's contribution (million US dollars\nat {float(krw_per_usd):,.0f} won per dollar)")
        ax.set_title("Special Measures Agreement amounts in dollars, at one exchange rate")
    ax.set_xlabel("Year the amount applies to")
    # Headroom above the tallest bar, so the legend (upper left) never covers a bar.
    ax.set_ylim(0, float(y_max) if y_max is not None else float(df[column].max()) * 1.5)
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    first, last = df.iloc[0], df.iloc[-1]
    unit = "billion won" if krw_per_usd is None else f"million US dollars at {float(krw_per_usd):,.0f} won per dollar"
    alt = (
        f"Bar chart of South Korea's yearly payment under the Special Measures Agreements, "
        f"{int(first['year'])} to {int(last['year'])}, in {unit}: from {first[column]:,.0f} to "
        f"{last[column]:,.0f}. Each agreement has its own colour; hatched bars are low-confidence amounts "
        f"(unconfirmed or derived from the agreement's rule)."
    )
    return _finish(fig, alt, "sma_cost_sharing")


_CELL = "padding:0.2em 0.9em 0.2em 0;border-bottom:1px solid #e5e7eb"


def _sma_status(df, rate: float) -> str:
    first, last = df.iloc[0], df.iloc[-1]
    # "USD", never the dollar sign: JupyterLab typesets the text between two of them as maths.
    return (
        f"<p role='status'>At <strong>{rate:,.0f} won per US dollar</strong>, Korea's payment "
        f"for {int(first['year'])} is <strong>USD {first['amount_usd_m']:,.0f} million</strong> and for "
        f"{int(last['year'])} <strong>USD {last['amount_usd_m']:,.0f} million</strong>.</p>"
    )


def _sma_year_table(df, rate: float) -> str:
    rows = "".join(
        f"<tr><td style='{_CELL}'>{int(r.year)}</td><td style='{_CELL}'>{html.escape(str(r.agreement))}</td>"
        f"<td style='{_CELL};text-align:right'>{r.amount_krw_bn:,.1f}</td>"
        f"<td style='{_CELL};text-align:right'>{r.amount_usd_m:,.0f}</td></tr>"
        for r in df.itertuples()
    )
    head = "".join(
        f"<th scope='col' style='{_CELL};text-align:{align}'>{label}</th>"
        for label, align in (("Year", "left"), ("Agreement", "left"), ("Amount (billion won)", "right"),
                             (f"Amount (million USD at {rate:,.0f} won per dollar)", "right"))
    )
    return (f"<table style='border-collapse:collapse'><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _sma_summary(df, rate: float) -> str:
    """The status line and, folded under it, every year as a table (the static version)."""
    return (_sma_status(df, rate) + "<details><summary>Every year as a table</summary>"
            + _sma_year_table(df, rate) + "</details>")


def _explorer_y_max() -> float:
    """Top of the explorer's value axis: the tallest bar at the slider's lowest rate, plus headroom."""
    return float(sma_table()["amount_krw_bn"].max()) * 1000.0 / RATE_MIN * 1.15


def cost_sharing_explorer(start_rate=None):
    """Return a widget: a won-per-dollar slider that redraws the SMA amounts in dollars."""
    import ipywidgets as widgets


    start = _rate(start_rate) if start_rate is not None else float(round(article_rate() / RATE_STEP) * RATE_STEP)
    start = min(max(start, RATE_MIN), RATE_MAX)
    slider = widgets.IntSlider(
        value=int(start), min=RATE_MIN, max=RATE_MAX, step=RATE_STEP,
        description="Won per US dollar", continuous_update=False,
        tooltip="How many South Korean won buy one US dollar",
        style={"description_width": "initial"}, layout=widgets.Layout(width="32em"),
    )
    summary = widgets.HTML()
    year_table = widgets.HTML()
    # An Accordion, not <details> inside the HTML: the HTML is replaced at every slider
    # move, which closed the fold; the Accordion keeps its open/closed state.
    fold = widgets.Accordion(children=[year_table], titles=("Every year as a table",))
    chart = widgets.HTML()
    y_max = _explorer_y_max()

    def redraw(*_):
        try:
            rate = _rate(slider.value)
        except ChartError as exc:
            summary.value = notice_html(str(exc))
            year_table.value = ""
            chart.value = ""
            return
        df = sma_in_usd(rate)
        summary.value = _sma_status(df, rate)
        year_table.value = _sma_year_table(df, rate)
        chart.value = sma_chart(rate, y_max=y_max).to_html()

    slider.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([slider, summary, fold, chart])
    fallback = (
        "<p><em>The interactive version needs a live Jupyter kernel with widgets. "
        f"Here is the chart at {slider.value:,} won per dollar.</em></p>"
        + _sma_summary(sma_in_usd(slider.value), float(slider.value)) + chart.value
    )
    shown = WithFallback(box, fallback, "Cost-sharing explorer: " + html.unescape(_strip_tags(summary.value)))
    shown.slider, shown.summary, shown.chart, shown.redraw = slider, summary, chart, redraw
    shown.fold, shown.year_table = fold, year_table
    return shown


# ------------------------------------------------------- money quoted in the article

_MONEY_RE = re.compile(
    r"(?P<cur>\$|US\$|KRW\s?|₩)\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>thousand|million|billion|trillion)?",
    re.IGNORECASE,
)
_SCALE = {None: 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def money_in_text(text: str) -> list[tuple[str, float]]:
    """Return the amounts of money written in ``text``: [("USD"|"KRW", value in units)].

    "$42 million" gives ("USD", 42000000.0); "KRW1 trillion" gives ("KRW", 1e12).
    """
    found = []
    for m in _MONEY_RE.finditer(str(text)):
        cur = "KRW" if m.group("cur").strip().upper() in ("KRW", "₩") else "USD"
        scale = _SCALE[(m.group("scale") or "").lower() or None]
        found.append((cur, float(m.group("num").replace(",", "")) * scale))
    return found


def _article_claim(pattern: str):
    claims = load_dataset("article_claims")
    hits = claims[claims["quote"].astype(str).str.contains(pattern, case=False, regex=True)]
    if hits.empty:
        raise ChartError(
            f"No quote in the article_claims dataset matches {pattern!r}; the dataset may have "
            f"changed. Check datasets/article_claims.csv."
        )
    return hits.iloc[0]


def article_rate() -> float:
    """Return the won-per-dollar rate implied by the article's "KRW1 trillion ($894 million)"."""
    row = _article_claim(r"KRW\s?\d[\d,.]*\s*trillion")
    amounts = money_in_text(row["quote"])
    krw = [v for c, v in amounts if c == "KRW"]
    usd = [v for c, v in amounts if c == "USD" and v < 1e9]
    if not krw or not usd:
        raise ChartError(
            "The article_claims quote about KRW 1 trillion no longer holds both a won and a dollar "
            "amount, so the article's exchange rate cannot be worked out. Check datasets/article_claims.csv."
        )
    return krw[0] / usd[-1]


def budget_check(year=DEFAULT_YEAR, krw_per_usd=None) -> dict:
    """Return the order-of-magnitude check of the article's "$42 million" defence budget.

    The budget in won comes from ``defence_budgets``; the article's figure is read from
    its quote in ``article_claims``; the rate defaults to the one the article itself
    implies (KRW 1 trillion = $894 million).
    """
    budgets = load_dataset("defence_budgets")
    y = _year(year, budgets["year"].dropna(), "South Korea's defence budget")
    rate = article_rate() if krw_per_usd is None else _rate(krw_per_usd)
    row = budgets[budgets["year"] == y].iloc[0]
    budget_krw = float(row[_budget_column(budgets)]) * 1e12
    quote = _article_claim(r"defen[cs]e budget")["quote"]
    claimed = [v for c, v in money_in_text(quote) if c == "USD" and v < 1e9]
    if not claimed:
        raise ChartError("The article_claims quote for the defence budget has no dollar figure in it.")
    budget_usd = budget_krw / rate
    return {
        "year": y,
        "budget_krw_tn": budget_krw / 1e12,
        "krw_per_usd": rate,
        "budget_usd_bn": budget_usd / 1e9,
        "article_usd_m": claimed[0] / 1e6,
        "ratio": budget_usd / claimed[0],
        "orders_of_magnitude": math.log10(budget_usd / claimed[0]),
    }


def _budget_column(budgets) -> str:
    for col in budgets.columns:
        if "krw" in col.lower() and ("tn" in col.lower() or "trillion" in col.lower()):
            return col
    raise ChartError(
        f"The defence_budgets dataset has no column in trillion won (it has {', '.join(budgets.columns)})."
    )


def budget_check_text(year=DEFAULT_YEAR) -> str:
    """Return the budget check as a few printable lines."""
    c = budget_check(year)
    return "\n".join([
        f"South Korea's {c['year']} defence budget:  {c['budget_krw_tn']:.2f} trillion won",
        f"Exchange rate implied by the article:  {c['krw_per_usd']:,.0f} won per US dollar",
        f"Budget in dollars at that rate:        USD {c['budget_usd_bn']:.1f} billion",
        f"Figure printed in the article:         USD {c['article_usd_m']:.0f} million",
        f"Budget / article figure:               {c['ratio']:,.0f} (about 10^{round(c['orders_of_magnitude'])})",
    ])


# ------------------------------------------------------------- host-nation support


def host_support_table():
    """Return Korea's SMA payment and Japan's host-nation support per year, with troops.

    Each country is in its own currency (billion won, billion yen); ``per_troop_m``
    is million won or million yen per US service member stationed there.
    """
    import pandas as pd

    sma = sma_table()
    hns = load_dataset("japan_hns")
    troops = load_dataset("us_troops")
    latest = troops.sort_values("as_of", kind="stable").groupby("country", sort=False).tail(1)
    troops_by = {str(r.country).lower(): r.troops for r in latest.itertuples()}
    kor = next((v for k, v in troops_by.items() if "korea" in k), None)
    jpn = next((v for k, v in troops_by.items() if "japan" in k), None)
    rows = []
    for r in sma.itertuples():
        rows.append({"country": "South Korea", "period": str(int(r.year)), "agreement": r.agreement,
                     "per_year_bn": r.amount_krw_bn, "currency": "KRW", "us_troops": kor})
    for r in hns.itertuples():
        # Japan's agreements have no ordinal names like Korea's SMAs: name the kind of deal.
        kind = "Special Agreement" if int(r.end_fy) > int(r.start_fy) else "Special Agreement (one-year extension)"
        rows.append({"country": "Japan", "period": str(r.period), "agreement": kind,
                     "per_year_bn": r.per_year_jpy_bn, "currency": "JPY", "us_troops": jpn})
    df = pd.DataFrame(rows)
    df["per_troop_m"] = df["per_year_bn"] * 1000.0 / df["us_troops"]
    return df


# ----------------------------------------------------------- burden sharing (SIPRI)


def _milex():
    return load_dataset("military_spending")


def _measure(df, *words) -> str:
    measures = list(dict.fromkeys(df["measure"].astype(str)))
    for m in measures:
        if all(w in m.lower() for w in words):
            return m
    raise ChartError(
        f"The military_spending dataset has no measure about {' '.join(words)} "
        f"(it has {', '.join(measures)})."
    )


def releases() -> list[str]:
    """Return the data releases in ``military_spending`` (e.g. sipri_2024, sipri_2025)."""
    return list(dict.fromkeys(_milex()["release"].astype(str)))


def _us_allies() -> set[str]:
    """ISO3 codes of the United States and its treaty allies (from ``alliances``)."""
    treaties = load_dataset("alliances")
    allies = {"USA"}
    for r in treaties.itertuples():
        parties = [p.strip() for p in str(r.parties).split(";")]
        if str(r.kind) == "defence_treaty" and "USA" in parties:
            allies.update(p for p in parties if re.fullmatch(r"[A-Z]{3}", p))
    return allies


def burden_sharing_table(release=DEFAULT_RELEASE, year=DEFAULT_YEAR):
    """Return one row per country: spending share of GDP, spending, derived GDP, ally or not.

    ``share_gdp_pct`` comes from ``release``. GDP is derived as spending / share from a
    release that carries both (the ``gdp_from`` column names it): the release itself
    when it has current-dollar spending, otherwise the SIPRI 2024 release, which is
    the only one in our data that does. The derived GDP only ranks the economies by
    size, which a revision of a tenth of a point does not change.
    """
    df = _milex()
    rel = _choice(release, df["release"].astype(str), "data release")
    share_m = _measure(df, "gdp")
    spend_m = _measure(df, "current")
    share = df[(df["release"] == rel) & (df["measure"] == share_m)]
    y = _year(year, share["year"].dropna(), f"military spending as a share of GDP in the {rel} release")
    share = share[share["year"] == y].set_index("iso3")
    has_spending = set(df.loc[df["measure"] == spend_m, "release"].astype(str))
    gdp_rel = rel if rel in has_spending else DEFAULT_RELEASE
    spend = df[(df["release"] == gdp_rel) & (df["measure"] == spend_m) & (df["year"] == y)].set_index("iso3")
    gdp_share = df[(df["release"] == gdp_rel) & (df["measure"] == share_m) & (df["year"] == y)].set_index("iso3")
    out = share[["country"]].copy()
    out["year"] = y
    out["release"] = rel
    out["share_gdp_pct"] = share["value"]
    out["milex_usd_bn"] = spend["value"].reindex(out.index) / 1000.0
    out["gdp_usd_bn"] = out["milex_usd_bn"] / (gdp_share["value"].reindex(out.index) / 100.0)
    out["gdp_from"] = gdp_rel
    allies = _us_allies()
    out["us_ally"] = [iso in allies for iso in out.index]
    out = out.reset_index().sort_values("gdp_usd_bn", ascending=False, kind="stable", na_position="last")
    return out.reset_index(drop=True)[
        ["iso3", "country", "year", "release", "share_gdp_pct", "milex_usd_bn", "gdp_usd_bn", "gdp_from", "us_ally"]
    ]


def rank_correlation(table=None, allies_only=False) -> float:
    """Return Spearman's rank correlation between economy size (GDP) and spending share.

    Computed as the Pearson correlation of the ranks (ties get their average rank).
    Olson and Zeckhauser predict a positive value: bigger economies, bigger shares.
    """
    t = burden_sharing_table() if table is None else table
    if allies_only:
        t = t[t["us_ally"]]
    t = t.dropna(subset=["gdp_usd_bn", "share_gdp_pct"])
    if len(t) < 3:
        raise ChartError(
            f"A rank correlation needs at least three countries with both GDP and spending; "
            f"this selection has {len(t)}."
        )
    gdp_rank = t["gdp_usd_bn"].rank()
    share_rank = t["share_gdp_pct"].rank()
    # Rounded so that a notebook shows -0.1, not -0.09999999999999999 (float noise).
    return round(float(gdp_rank.corr(share_rank)), 10)


def burden_sharing_chart(release=DEFAULT_RELEASE, year=DEFAULT_YEAR):
    """Return a labelled scatter: economy size (log scale) against spending share of GDP."""
    t = burden_sharing_table(release, year)
    fig, ax = _new_figure((8, 5))
    for ally, marker, label, colour in ((True, "o", "US treaty ally (or the US)", _PALETTE[0]),
                                        (False, "s", "Not a US ally", _PALETTE[1])):
        part = t[t["us_ally"] == ally]
        ax.scatter(part["gdp_usd_bn"], part["share_gdp_pct"], marker=marker, s=70, color=colour,
                   label=label, zorder=3)
        for r in part.itertuples():
            ax.annotate(f"{r.country} ({r.share_gdp_pct:.2f}%)", (r.gdp_usd_bn, r.share_gdp_pct),
                        textcoords="offset points", xytext=(6, 5), fontsize="small")
    ax.set_xscale("log")
    ax.set_xlabel("Size of the economy: GDP (billion current USD, log scale; spending / share)")
    ax.set_ylabel("Military spending (% of GDP)")
    ax.set_title(f"Do bigger economies carry a bigger share? ({t['year'].iloc[0]}, {release_name(t['release'].iloc[0])})")
    ax.grid(alpha=0.3)
    # Outside the axes: inside, it covered a country's label wherever that point fell.
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.margins(x=0.25, y=0.2)
    points = "; ".join(f"{r.country} {r.share_gdp_pct:.2f}% of a USD {r.gdp_usd_bn:,.0f} bn economy"
                       for r in t.itertuples())
    alt = (f"Scatter plot of military spending as a percentage of GDP against GDP on a log scale "
           f"for {len(t)} countries in {t['year'].iloc[0]}: {points}.")
    return _finish(fig, alt, "military_spending")


#: The two SIPRI releases lesson 05 compares.
SIPRI_RELEASES = ("sipri_2024", "sipri_2025")


def release_comparison(iso3="KOR", years=None, releases=SIPRI_RELEASES, first_year=2010):
    """Return one country's spending share of GDP in several releases, side by side, by year.

    ``releases``: the releases to compare (default: SIPRI 2024 and 2025); only years
    present in all of them are kept. ``years``: a list of years to keep (None: every
    year from ``first_year`` on; ``first_year=None`` keeps them all).
    ``difference_pp`` is the largest minus the smallest value in that year.
    """
    df = _milex()
    iso = _choice(iso3, df["iso3"].astype(str), "country code (iso3)")
    chosen = [_choice(r, df["release"].astype(str), "data release") for r in releases]
    share_m = _measure(df, "gdp")
    part = df[(df["iso3"] == iso) & (df["measure"] == share_m) & (df["release"].isin(chosen))]
    wide = part.pivot_table(index="year", columns="release", values="value", aggfunc="first")
    wide = wide.reindex(columns=chosen).dropna()
    if years is not None:
        wanted = [_year(y, wide.index, f"{iso} in the releases {', '.join(chosen)}") for y in years]
        wide = wide.loc[wanted]
    elif first_year is not None:
        wide = wide[wide.index >= int(first_year)]
    wide.columns = [str(c) for c in wide.columns]
    wide["difference_pp"] = (wide.max(axis=1) - wide.min(axis=1)).round(3)
    wide.index = wide.index.astype(int)
    wide.columns.name = None
    return wide.reset_index()


def release_chart(iso3="KOR", releases=SIPRI_RELEASES):
    """Return a line chart of one country's spending share of GDP, one line per release."""
    df = _milex()
    iso = _choice(iso3, df["iso3"].astype(str), "country code (iso3)")
    chosen = [_choice(r, df["release"].astype(str), "data release") for r in releases]
    share_m = _measure(df, "gdp")
    part = df[(df["iso3"] == iso) & (df["measure"] == share_m) & df["release"].isin(chosen)].sort_values("year")
    country = str(part["country"].iloc[0])
    fig, ax = _new_figure()
    desc = []
    for i, (rel, rows) in enumerate(part.groupby("release", sort=True)):
        ax.plot(rows["year"].astype(int), rows["value"], marker=_MARKERS[i % 6], markersize=3,
                color=_PALETTE[i % 6], label=release_name(rel))
        desc.append(f"{release_name(rel)} from {int(rows['year'].min())} to {int(rows['year'].max())}")
    ax.set_xlabel("Year")
    ax.set_ylabel("Military spending (% of GDP)")
    ax.set_title(f"{country}: the same measure in different data releases")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    cmp = release_comparison(iso, releases=chosen, first_year=None)
    alt = (f"Line chart of {country}'s military spending as a share of GDP in {len(desc)} data releases "
           f"({'; '.join(desc)}). Where they overlap they differ by up to "
           f"{cmp['difference_pp'].max():.2f} percentage points.")
    return _finish(fig, alt, "military_spending")


#: How the money lessons name the data releases a student reads about.
_RELEASE_NAMES = {
    "sipri_2026": "SIPRI 2026 release",
    "sipri_2025": "SIPRI 2025 release",
    "sipri_2024": "SIPRI 2024 release",
    "worldbank_2018": "World Bank WDI (2018)",
}


def release_name(release) -> str:
    """Return a release id in words: "sipri_2025" gives "SIPRI 2025 release"."""
    return _RELEASE_NAMES.get(str(release), str(release))


def release_gaps(releases=SIPRI_RELEASES, first_year=2000):
    """Return, per country, how far two releases differ in spending as a share of GDP.

    One row per country: the years both releases cover from ``first_year``, the largest
    absolute difference (percentage points) and its year, and how many years differ by
    0.05 points or more. Sorted with the largest difference first.
    """
    import pandas as pd

    df = _milex()
    a, b = [_choice(r, df["release"].astype(str), "data release") for r in releases]
    share_m = _measure(df, "gdp")
    part = df[(df["measure"] == share_m) & df["release"].isin([a, b]) & (df["year"] >= int(first_year))]
    rows = []
    for iso, grp in part.groupby("iso3", sort=False):
        wide = grp.pivot_table(index="year", columns="release", values="value", aggfunc="first")
        wide = wide.reindex(columns=[a, b]).dropna()
        if wide.empty:
            continue
        gap = (wide[a] - wide[b]).abs().round(3)
        rows.append({
            "country": str(grp["country"].iloc[0]),
            "years_compared": f"{int(wide.index.min())}-{int(wide.index.max())}",
            "largest_gap_pp": float(gap.max()),
            "largest_gap_year": int(gap.idxmax()),
            "years_over_005": int((gap >= 0.05 - 1e-9).sum()),
            "years_total": int(len(gap)),
        })
    out = pd.DataFrame(rows).sort_values("largest_gap_pp", ascending=False, kind="stable")
    return out.reset_index(drop=True)


# ------------------------------------------------------------ tables for reading
# Raw column -> (header a student reads, formatter). Headers carry their units.


def _pct(v) -> str:
    return f"{float(v):.3f}".rstrip("0").rstrip(".") + "%"


def _day(v) -> str:
    """A date as a student reads it (2019-01-28), without a clock time."""
    return v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)[:10]


_COLUMNS = {
    "item": ("No.", "{:d}"),
    "quote": ("What the article says", None),
    "verdict": ("Verdict", None),
    "correction": ("Correction", None),
    "evidence": ("Evidence", None),
    "country": ("Country", None),
    "as_of": ("Date reported", _day),
    "troops": ("US troops", "{:,.0f}"),
    "approximate": ("Round figure?", None),
    "year": ("Year", "{:d}"),
    "agreement": ("Agreement", None),
    "amount_krw_bn": ("Amount (billion won)", "{:,.1f}"),
    "change_pct": ("Change on the year before", lambda v: f"{float(v):+.1f}%"),
    "status": ("Status of the figure", None),
    "confidence": ("Confidence", None),
    "period": ("Period", None),
    "per_year_bn": ("Payment per year (billion, in the country's currency)", "{:,.1f}"),
    "currency": ("Currency", None),
    "us_troops": ("US troops there", "{:,.0f}"),
    "per_troop_m": ("Payment per US service member (million, in the country's currency)", "{:,.1f}"),
    "release": ("Data release", release_name),
    "share_gdp_pct": ("Military spending (% of GDP)", _pct),
    "milex_usd_bn": ("Military spending (billion current USD)", "{:,.1f}"),
    "gdp_usd_bn": ("GDP, derived (billion current USD)", "{:,.0f}"),
    "gdp_from": ("GDP derived from", release_name),
    "us_ally": ("US or US treaty ally", None),
    "sipri_2024": ("SIPRI 2024 release (% of GDP)", _pct),
    "sipri_2025": ("SIPRI 2025 release (% of GDP)", _pct),
    "difference_pp": ("Difference (percentage points)", "{:.2f}"),
    "years_compared": ("Years compared", None),
    "largest_gap_pp": ("Largest difference (percentage points)", "{:.2f}"),
    "largest_gap_year": ("Year of the largest difference", "{:d}"),
    "years_over_005": ("Years differing by 0.05 points or more", "{:d}"),
    "years_total": ("Number of years compared", "{:d}"),
}
#: Columns too long for a table cell: shown under the table, row by row, in a fold.
_NOTE_COLUMNS = ("note", "source")
_HIDDEN = ("iso3", "claim_id")
_ROW_KEYS = ("item", "period", "as_of", "year", "country")


def _formatter(fmt):
    """A cell formatter from a format string or function; missing values print as a dash."""
    def show(v):
        if v is None or v != v:
            return "—"
        if callable(fmt):
            return fmt(v)
        return fmt.format(int(v)) if fmt.endswith("d}") else fmt.format(v)
    return show


class MoneyView:
    """A table for reading: human headers with units, readable numbers, notes in a fold.

    ``frame`` is the table as shown (renamed columns, notes removed); ``notes`` the
    (row label, column, text) triples moved under it. Shows itself as HTML in a notebook.
    """

    def __init__(self, frame, notes, html_text: str):
        self.frame, self.notes, self.html = frame, notes, html_text

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return self.frame.to_string(index=False)


def money_view(df, caption: str | None = None, notes_open: bool = False) -> MoneyView:
    """Return ``df`` as a :class:`MoneyView`: human headers, formats, long notes under it.

    Every text cell is HTML-escaped. The table sits in a block that MathJax is told to
    ignore (classes ``tex2jax_ignore`` and ``mathjax_ignore``, the MathJax 2 and 3 names), so quoted dollar amounts are never typeset as maths.
    """
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    from helpers.display import table as styled

    df = df.reset_index(drop=True)
    key = next((k for k in _ROW_KEYS if k in df.columns), None)
    notes = []
    for i, r in df.iterrows():
        if key is None:
            label = str(i + 1)
        else:
            label = _day(r[key]) if key == "as_of" else str(r[key])
        for col in _NOTE_COLUMNS:
            if col in df.columns and str(r[col]).strip() and str(r[col]) != "nan":
                notes.append((label, col, str(r[col])))
    shown = df.drop(columns=[c for c in _NOTE_COLUMNS + _HIDDEN if c in df.columns]).copy()
    formats = {}
    for col in shown.columns:
        if not (is_numeric_dtype(shown[col]) or is_bool_dtype(shown[col])):
            shown[col] = [v if v is None or v != v else html.escape(str(v)) for v in shown[col]]
        label, fmt = _COLUMNS.get(col, (col.replace("_", " "), None))
        if fmt is not None:
            formats[label] = _formatter(fmt)
    numeric = [_COLUMNS.get(c, (c.replace("_", " "), None))[0] for c in shown.columns
               if is_numeric_dtype(shown[c]) and not is_bool_dtype(shown[c])]
    shown.columns = [_COLUMNS.get(c, (c.replace("_", " "), None))[0] for c in shown.columns]
    styler = styled(shown, caption=html.escape(caption) if caption else None, formats=formats)
    # Room between columns, and number headers over their (right-aligned) numbers.
    styler = styler.set_table_styles(
        [{"selector": "th, td", "props": "padding: 0.25em 0.9em 0.25em 0"}], overwrite=False)
    if numeric:
        styler = styler.set_table_styles(
            {c: [{"selector": "th", "props": "text-align: right"}] for c in numeric}, overwrite=False)
    body = styler.to_html()
    fold = ""
    if notes:
        items = "".join(
            f"<li><strong>{html.escape(label)}</strong> ({html.escape(col)}): {html.escape(text)}</li>"
            for label, col, text in notes
        )
        fold = (f"<details{' open' if notes_open else ''}><summary>Notes and sources, row by row</summary>"
                f"<ul style='margin-top:0.3em'>{items}</ul></details>")
    # The block scrolls sideways on narrow screens: keyboard users must reach it (axe
    # scrollable-region-focusable), and a screen reader hears what it holds (a group,
    # not a landmark: a lesson shows several such tables).
    name = html.escape(caption or "Table: " + ", ".join(map(str, shown.columns[:4])), quote=True)
    page = (f'<div class="tex2jax_ignore mathjax_ignore" role="group" tabindex="0" aria-label="{name}" '
            f'style="max-width:100%;overflow-x:auto">{body}{fold}</div>')
    return MoneyView(shown, notes, page)


# ========================================================= lesson 07: public opinion


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
        _choice(name, known, "opinion series")
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
    fig, ax = _new_figure((10, 6))
    all_series = opinion_series()
    desc = []
    for name in dict.fromkeys(t["series"]):
        i = all_series.index(name)
        rows = t[t["series"] == name]
        colour, marker = _PALETTE[i % 6], _MARKERS[i % 6]
        segs = _segments(rows)
        for k, seg in enumerate(segs):
            for a, b in zip(seg, seg[1:]):
                ax.plot([_x(a), _x(b)], [a.value_pct, b.value_pct], color=colour, linewidth=1.8,
                        linestyle="--" if _season_moved(b) else "-")
            for j, r in enumerate(seg):
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
    return _finish(fig, alt, ["opinion", "events"] if len(ev) else "opinion")


def _chosen_events(event_ids):
    if event_ids is None:
        chosen = opinion_events()
    else:
        events = load_dataset("events")
        ids = [event_ids] if isinstance(event_ids, str) else [str(e) for e in event_ids]
        known = list(events["event_id"].astype(str))
        for e in ids:
            _choice(e, known, "event_id in the events dataset")
        chosen = events[events["event_id"].astype(str).isin(ids)].sort_values("date", kind="stable")
    chosen = chosen.reset_index(drop=True).copy()
    chosen["xpos"] = [d.year + (d.day_of_year - 1) / 366.0 for d in chosen["date"]]
    return chosen


def opinion_explorer():
    """Return a widget: checkboxes for series and events, and a year range, redrawing the chart."""
    import ipywidgets as widgets


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
        summary.value = f"<p role='status'>{html.escape(fig.alt_text)}</p>"
        chart.value = fig.to_html()

    for w in series_boxes + event_boxes + [span]:
        w.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([
        widgets.HTML("<strong>Survey series</strong>"), widgets.VBox(series_boxes),
        widgets.HTML("<strong>Events to mark</strong>"), widgets.VBox(event_boxes),
        span, summary, chart,
    ])
    shown = WithFallback(
        box, "<p><em>The interactive version needs a live Jupyter kernel with widgets; here is the full chart.</em></p>"
        + summary.value + chart.value, "Opinion explorer: " + html.unescape(_strip_tags(summary.value)))
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


def article_claims_about(text: str):
    """Return the rows of ``article_claims`` whose quote contains ``text`` (verdict, correction, evidence)."""
    claims = load_dataset("article_claims")
    hits = claims[claims["quote"].astype(str).str.contains(str(text), case=False, regex=False)]
    if hits.empty:
        raise ChartError(
            f"No quote in the article_claims dataset contains {text!r}. Check the spelling, "
            f"or look through load_dataset('article_claims')."
        )
    keep = [c for c in ("claim_id", "quote", "verdict", "correction", "evidence", "source") if c in hits]
    out = hits[keep].reset_index(drop=True)
    # Students see a row number, not the dataset's internal claim id (kept for lookups).
    out.insert(0, "item", range(1, len(out) + 1))
    return out


# ------------------------------------------------------- alliance diagram (lesson 01)
# Appended by the lesson 01/02 writer: who is allied with whom, drawn from `alliances`.

#: How each kind of instrument is drawn and described. Strongest first: when a pair
#: has several instruments, the line takes the style of the strongest.
_ALLIANCE_KINDS = {
    "defence_treaty": ("-", 4.0, "defence treaty (see each treaty's own obligation)"),
    "intelligence_agreement": ("--", 2.2, "information-sharing agreement (binding), no defence promise"),
    "intelligence_arrangement": ("--", 1.6, "information-sharing arrangement (not binding)"),
    "political_commitment": ("-.", 1.6, "political commitment to consult (not binding)"),
    "normalisation_treaty": (":", 1.6, "diplomatic relations, no defence promise"),
    "claims_agreement": (":", 1.6, "settlement of property and claims"),
}
#: What each treaty itself obliges the parties to do, where that differs from the
#: kind's general description: the three defence treaties promise different things.
_TREATY_OBLIGATIONS = {
    "us_japan_1951": "US forces may stay in Japan; no explicit US duty to defend Japan",
    "us_japan_1960": ("Art. V: each acts, by its constitutional provisions and processes, against "
                      "an armed attack on territory under Japan's administration (not the US "
                      "homeland); Art. VI: US use of bases in Japan"),
    "us_rok_1953": ("Art. III: each acts, by its constitutional processes, against an armed attack "
                    "on territory either administers in the Pacific area; Art. IV: US forces in Korea"),
}
_ALLIANCE_NODES = {"USA": (0.5, 0.86), "KOR": (0.14, 0.14), "JPN": (0.86, 0.14)}
_ALLIANCE_NAMES = {"USA": "United States", "KOR": "South Korea", "JPN": "Japan"}


def alliance_links(as_of_year=DEFAULT_YEAR):
    """Return the agreements among the US, Japan and South Korea signed by ``as_of_year``.

    One row per agreement: ``pair`` ("JPN-KOR", "JPN-USA", "KOR-USA" or "three-way"),
    ``name``, ``kind``, ``signed`` (year), ``binding`` and ``description`` (the kind in
    words). Peace treaties with many parties are left out; where a newer agreement of
    the same kind replaced an older one between the same parties (the 1960 US-Japan
    treaty replacing that of 1951), only the newer one is kept.
    """
    import pandas as pd

    df = load_dataset("alliances")
    years = df["signed"].dt.year
    first = int(years.min())
    year = whole_year(as_of_year, "year for the alliance diagram", ChartError)
    if year < first:
        raise ChartError(
            f"No agreement in the alliances dataset was signed by {year}: the first was signed in {first}. "
            f"Choose {first} or later."
        )
    rows = []
    for r in df[years <= year].sort_values("signed").itertuples(index=False):
        if r.kind not in _ALLIANCE_KINDS:
            continue
        parties = sorted(p.strip() for p in str(r.parties).split(";") if p.strip() in _ALLIANCE_NODES)
        if len(parties) < 2 or len(parties) != len([p for p in str(r.parties).split(";") if p.strip()]):
            continue
        pair = "three-way" if len(parties) == 3 else "-".join(parties)
        rows.append({"pair": pair, "name": r.name, "kind": r.kind, "signed": int(r.signed.year),
                     "binding": bool(r.binding),
                     "description": _TREATY_OBLIGATIONS.get(r.treaty_id, _ALLIANCE_KINDS[r.kind][2])})
    links = pd.DataFrame(rows, columns=["pair", "name", "kind", "signed", "binding", "description"])
    # a later instrument of the same kind between the same parties replaces the earlier one
    links = links.drop_duplicates(subset=["pair", "kind"], keep="last").reset_index(drop=True)
    return links


def _short_name(name: str) -> str:
    import textwrap

    return textwrap.fill(str(name), 30)


def alliance_diagram(as_of_year=DEFAULT_YEAR):
    """Return a diagram of who is allied with whom (US, Japan, South Korea) by ``as_of_year``.

    Nodes are the three countries; each line is labelled in words with the agreements
    between that pair and their years. Defence treaties are thick solid lines,
    information-sharing agreements dashed, diplomatic and claims agreements dotted;
    three-way instruments sit in a box in the middle, linked to all three.
    """
    links = alliance_links(as_of_year)
    order = list(_ALLIANCE_KINDS)
    fig, ax = _new_figure(figsize=(10, 6.5))
    ax.set_xlim(-0.45, 1.45)
    ax.set_ylim(-0.32, 1.0)
    ax.axis("off")
    for pair, group in links[links["pair"] != "three-way"].groupby("pair"):
        a, b = pair.split("-")
        (x1, y1), (x2, y2) = _ALLIANCE_NODES[a], _ALLIANCE_NODES[b]
        strongest = min(group["kind"], key=order.index)
        style, width, _ = _ALLIANCE_KINDS[strongest]
        ax.plot([x1, x2], [y1, y2], linestyle=style, linewidth=width, color=_INK, zorder=1)
        label = "\n".join(f"{_short_name(r.name)} ({r.signed})\n= {_short_name(r.description)}" for r in group.itertuples())
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        if pair == "JPN-KOR":
            my -= 0.04
            va, ha = "top", "center"
        elif "JPN" in pair:  # right-hand side of the triangle: label outside, to the right
            mx += 0.06
            va, ha = "center", "left"
        else:
            mx -= 0.06
            va, ha = "center", "right"
        ax.text(mx, my, label, fontsize=7.5, ha=ha, va=va, color=_INK, zorder=3,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#9ca3af"})
    three = links[links["pair"] == "three-way"]
    if not three.empty:
        cx, cy = 0.5, 0.45
        for node in _ALLIANCE_NODES.values():
            ax.plot([cx, node[0]], [cy, node[1]], linestyle=(0, (1, 3)), linewidth=1.0, color="#6b7280", zorder=0)
        label = "Three-way:\n" + "\n".join(f"{_short_name(r.name)} ({r.signed})\n= {_short_name(r.description)}" for r in three.itertuples())
        ax.text(cx, cy, label, fontsize=7.5, ha="center", va="center", color=_INK, zorder=3,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "#f3f4f6", "edgecolor": "#6b7280"})
    for code, (x, y) in _ALLIANCE_NODES.items():
        ax.text(x, y, _ALLIANCE_NAMES[code], fontsize=12, fontweight="bold", ha="center", va="center",
                color="white", zorder=4, bbox={"boxstyle": "round,pad=0.5", "facecolor": "#1d4ed8"})
    year = int(links["signed"].max()) if not links.empty else as_of_year
    ax.set_title(f"Who is allied with whom: agreements signed by {int(as_of_year)}")
    parts = []
    for pair, group in links.groupby("pair", sort=False):
        who = "All three" if pair == "three-way" else " and ".join(_ALLIANCE_NAMES[p] for p in pair.split("-"))
        what = "; ".join(f"{r.name} ({r.signed}, {r.description})" for r in group.itertuples())
        parts.append(f"{who}: {what}.")
    has_defence = links[(links["pair"] == "JPN-KOR") & (links["kind"] == "defence_treaty")]
    alt = (
        f"Network diagram of the United States, Japan and South Korea, agreements signed up to {int(as_of_year)} "
        f"(latest {year}). " + " ".join(parts)
        + (" There is no defence treaty between Japan and South Korea." if has_defence.empty else "")
    )
    return _finish(fig, alt, "alliances")


#: Each kind of instrument in words, for tables students read.
_ALLIANCE_KIND_WORDS = {
    "peace_treaty": "peace treaty",
    "defence_treaty": "defence treaty",
    "intelligence_agreement": "information-sharing agreement (binding)",
    "intelligence_arrangement": "information-sharing arrangement (not binding)",
    "political_commitment": "political commitment to consult (not binding)",
    "normalisation_treaty": "treaty establishing diplomatic relations",
    "claims_agreement": "claims settlement",
}


def _parties_in_words(parties: str) -> str:
    codes = [p.strip() for p in str(parties).split(";") if p.strip()]
    # governments in alphabetical order (the course's rule), any "and N others" entry last
    names = sorted(_ALLIANCE_NAMES[c] for c in codes if c in _ALLIANCE_NAMES)
    names += [c.removeprefix("and ") for c in codes if c not in _ALLIANCE_NAMES]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def alliances_table():
    """Return the `alliances` dataset with readable headers and values, in date order.

    Columns: Agreement, Parties (country names, not codes), Signed, In force (missing
    where an instrument has no entry into force) and Kind (in words).
    """
    df = load_dataset("alliances").sort_values("signed", kind="stable")
    return df.assign(
        parties=df["parties"].map(_parties_in_words),
        kind=df["kind"].map(lambda k: _ALLIANCE_KIND_WORDS.get(k, str(k).replace("_", " "))),
    )[["name", "parties", "signed", "in_force", "kind"]].rename(columns={
        "name": "Agreement", "parties": "Parties", "signed": "Signed", "in_force": "In force", "kind": "Kind",
    }).reset_index(drop=True)
