"""Lesson 05's money: who pays for the US forces in Korea and Japan, and who spends what.

The numbers first, the drawing beside them, so the arithmetic can be tested without
drawing anything:

- the Special Measures Agreements: :func:`sma_table`, :func:`sma_in_usd` (one
  exchange rate for every year), :func:`sma_chart` and the exchange-rate explorer
  :func:`cost_sharing_explorer`;
- the article's own figures: :func:`money_in_text`, :func:`article_rate` (the rate its
  "KRW1 trillion ($894 million)" implies), :func:`budget_check` (its "$42 million"
  defence budget against the real one) and :func:`article_claims_about`;
- host-nation support in both countries, per US service member: :func:`host_support_table`;
- burden sharing (Olson and Zeckhauser) on SIPRI data: :func:`burden_sharing_table`,
  :func:`rank_correlation`, :func:`burden_sharing_chart`;
- how much a data release matters: :func:`release_comparison`, :func:`release_chart`,
  :func:`release_gaps`, :func:`release_name`;
- :func:`money_view`, every money table as a student reads it: headers with units,
  readable numbers, long notes folded under the table.

``article_claims_about`` lives here, not in :mod:`helpers.factcheck` (which checks the
article's claims one by one): only this lesson looks claims up by their wording, its
answer is shaped for :func:`money_view`, and :func:`article_rate` and
:func:`budget_check` read the same quotes through the same lookup.

pandas, matplotlib and ipywidgets are imported inside the functions that need them.
A bad argument (an unknown data release, a year outside the data, an exchange rate
of zero) raises :class:`helpers.figures.ChartError` with a message that says what to do.
"""
from __future__ import annotations

import math
import re

from helpers.display import WithFallback, notice_html
from helpers.errors import whole_year
from helpers.figures import MARKERS, PALETTE, ChartError, finish, new_figure, one_of
from helpers.render import render, safe

__all__ = [
    "DEFAULT_RELEASE",
    "DEFAULT_YEAR",
    "RATE_MAX",
    "RATE_MIN",
    "RATE_STEP",
    "SIPRI_RELEASES",
    "MoneyView",
    "article_claims_about",
    "article_rate",
    "budget_check",
    "budget_check_text",
    "burden_sharing_chart",
    "burden_sharing_table",
    "cost_sharing_explorer",
    "host_support_table",
    "money_in_text",
    "money_view",
    "rank_correlation",
    "release_chart",
    "release_comparison",
    "release_gaps",
    "release_name",
    "releases",
    "sma_chart",
    "sma_in_usd",
    "sma_table",
]

#: Where the KRW-per-USD slider starts and how far it goes. These are classroom
#: settings, not data: the won traded roughly between 1,000 and 1,450 per dollar
#: from 2014 to 2024, and the slider leaves room on both sides.
RATE_MIN, RATE_MAX, RATE_STEP = 900, 1500, 10
#: The lesson's default comparison year for the burden-sharing test: 2019, the
#: year of the article and of the 10th SMA.
DEFAULT_YEAR = 2019
DEFAULT_RELEASE = "sipri_2024"
#: The two SIPRI releases lesson 05 compares.
SIPRI_RELEASES = ("sipri_2024", "sipri_2025")
#: How the lesson names a data release a student reads about: "sipri_YYYY" is read as
#: "SIPRI YYYY release" (a new yearly release needs no entry); the others are listed.
_SIPRI_RELEASE = re.compile(r"sipri_(\d{4})")
_RELEASE_NAMES = {"worldbank_2018": "World Bank WDI (2018)"}


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


# ------------------------------------------------ the Special Measures Agreements


def sma_table():
    """Return the Special Measures Agreement amounts, one row per year, in billion won."""
    from helpers.data import load_dataset

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


def sma_chart(krw_per_usd=None, y_max=None):
    """Return a bar chart of each year's SMA amount (billion won, or million USD at a rate).

    ``y_max`` fixes the top of the value axis (the explorer passes the same value at
    every rate, so the bars grow and shrink as the rate moves); by default the axis
    leaves headroom above the tallest bar.
    """
    df = sma_table() if krw_per_usd is None else sma_in_usd(krw_per_usd)
    fig, ax = new_figure()
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
                rows["year"].astype(int), rows[column], color=PALETTE[i % len(PALETTE)] if is_solid else "white",
                edgecolor=PALETTE[i % len(PALETTE)], hatch=None if is_solid else "//",
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
    return finish(fig, alt, "sma_cost_sharing")


def _sma_status(df, rate: float) -> str:
    first, last = df.iloc[0], df.iloc[-1]
    return render(
        "money/sma_status.html", rate=f"{rate:,.0f}",
        first_year=f"{int(first['year'])}", first_usd_m=f"{first['amount_usd_m']:,.0f}",
        last_year=f"{int(last['year'])}", last_usd_m=f"{last['amount_usd_m']:,.0f}",
    )


def _sma_year_table(df, rate: float) -> str:
    """Every year at ``rate``, through :func:`money_view` like every other money table."""
    part = df[["year", "agreement", "amount_krw_bn", "amount_usd_m"]]
    return money_view(part, headers={"amount_usd_m": f"Amount (million USD at {rate:,.0f} won per dollar)"}).html


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
    fallback = render(
        "money/explorer_fallback.html", rate=f"{slider.value:,}",
        status=safe(summary.value), year_table=safe(year_table.value), chart=safe(chart.value),
    )
    shown = WithFallback(box, fallback, "Cost-sharing explorer: " + safe(summary.value).striptags())
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


def _quotes(pattern: str, regex: bool):
    """The ``article_claims`` rows whose quote contains ``pattern`` (any case), in dataset order."""
    from helpers.data import load_dataset

    claims = load_dataset("article_claims")
    hits = claims[claims["quote"].astype(str).str.contains(pattern, case=False, regex=regex)]
    if hits.empty:
        raise ChartError(
            f"No quote in the article_claims dataset {'matches' if regex else 'contains'} {pattern!r}. "
            f"Check the spelling, or look through load_dataset('article_claims') (datasets/article_claims.csv)."
        )
    return hits


def article_claims_about(text: str):
    """Return the rows of ``article_claims`` whose quote contains ``text`` (verdict, correction, evidence).

    Case does not matter and ``text`` is plain text, not a pattern. A numbered
    ``item`` column comes first: students see a row number, not the dataset's internal
    ``claim_id`` (kept for lookups, hidden by :func:`money_view`).
    """
    hits = _quotes(str(text), regex=False)
    keep = [c for c in ("claim_id", "quote", "verdict", "correction", "evidence", "source") if c in hits]
    out = hits[keep].reset_index(drop=True)
    out.insert(0, "item", range(1, len(out) + 1))
    return out


def _first_quote(pattern: str) -> str:
    return str(_quotes(pattern, regex=True).iloc[0]["quote"])


def article_rate() -> float:
    """Return the won-per-dollar rate implied by the article's "KRW1 trillion ($894 million)"."""
    amounts = money_in_text(_first_quote(r"KRW\s?\d[\d,.]*\s*trillion"))
    krw = [v for c, v in amounts if c == "KRW"]
    usd = [v for c, v in amounts if c == "USD" and v < 1e9]
    if not krw or not usd:
        raise ChartError(
            "The article_claims quote about KRW 1 trillion no longer holds both a won and a dollar "
            "amount, so the article's exchange rate cannot be worked out. Check datasets/article_claims.csv."
        )
    return krw[0] / usd[-1]


def _budget_column(budgets) -> str:
    for col in budgets.columns:
        if "krw" in col.lower() and ("tn" in col.lower() or "trillion" in col.lower()):
            return col
    raise ChartError(
        f"The defence_budgets dataset has no column in trillion won (it has {', '.join(budgets.columns)})."
    )


def budget_check(year=DEFAULT_YEAR, krw_per_usd=None) -> dict:
    """Return the order-of-magnitude check of the article's "$42 million" defence budget.

    The budget in won comes from ``defence_budgets``; the article's figure is read from
    its quote in ``article_claims``; the rate defaults to the one the article itself
    implies (KRW 1 trillion = $894 million).
    """
    from helpers.data import load_dataset

    budgets = load_dataset("defence_budgets")
    y = _year(year, budgets["year"].dropna(), "South Korea's defence budget")
    rate = article_rate() if krw_per_usd is None else _rate(krw_per_usd)
    row = budgets[budgets["year"] == y].iloc[0]
    budget_krw = float(row[_budget_column(budgets)]) * 1e12
    claimed = [v for c, v in money_in_text(_first_quote(r"defen[cs]e budget")) if c == "USD" and v < 1e9]
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

    from helpers.data import load_dataset

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
    from helpers.data import load_dataset

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


def _is_release(text: str) -> bool:
    return text in _RELEASE_NAMES or _SIPRI_RELEASE.fullmatch(text) is not None


def release_name(release) -> str:
    """Return a release id in words: "sipri_2025" gives "SIPRI 2025 release".

    An id the lesson does not know is shown with spaces for underscores, never as a code.
    """
    text = str(release)
    sipri = _SIPRI_RELEASE.fullmatch(text)
    if sipri:
        return f"SIPRI {sipri.group(1)} release"
    return _RELEASE_NAMES.get(text, text.replace("_", " "))


def _us_allies() -> set[str]:
    """ISO3 codes of the United States and its treaty allies (from ``alliances``)."""
    from helpers.data import load_dataset

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
    rel = one_of(release, df["release"].astype(str), "data release")
    share_m = _measure(df, "gdp")
    spend_m = _measure(df, "current")
    share = df[(df["release"] == rel) & (df["measure"] == share_m)]
    y = _year(year, share["year"].dropna(), f"military spending as a share of GDP in the {release_name(rel)}")
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
    fig, ax = new_figure((8, 5))
    for ally, marker, label, colour in ((True, "o", "US treaty ally (or the US)", PALETTE[0]),
                                        (False, "s", "Not a US ally", PALETTE[1])):
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
           f"for {len(t)} countries in {t['year'].iloc[0]} ({release_name(t['release'].iloc[0])}): {points}.")
    return finish(fig, alt, "military_spending")


def _share_by_release(iso3, releases):
    """(country code, chosen releases, long table of that country's share of GDP in them)."""
    df = _milex()
    iso = one_of(iso3, df["iso3"].astype(str), "country code (iso3)")
    chosen = [one_of(r, df["release"].astype(str), "data release") for r in releases]
    share_m = _measure(df, "gdp")
    part = df[(df["iso3"] == iso) & (df["measure"] == share_m) & df["release"].isin(chosen)]
    return iso, chosen, part


def release_comparison(iso3="KOR", years=None, releases=SIPRI_RELEASES, first_year=2010):
    """Return one country's spending share of GDP in several releases, side by side, by year.

    ``releases``: the releases to compare (default: SIPRI 2024 and 2025); only years
    present in all of them are kept. ``years``: a list of years to keep (None: every
    year from ``first_year`` on; ``first_year=None`` keeps them all).
    ``difference_pp`` is the largest minus the smallest value in that year.
    """
    iso, chosen, part = _share_by_release(iso3, releases)
    wide = part.pivot_table(index="year", columns="release", values="value", aggfunc="first")
    wide = wide.reindex(columns=chosen).dropna()
    if years is not None:
        wanted = [_year(y, wide.index, f"{iso} in the {', '.join(map(release_name, chosen))}") for y in years]
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
    iso, chosen, part = _share_by_release(iso3, releases)
    part = part.sort_values("year")
    country = str(part["country"].iloc[0])
    fig, ax = new_figure()
    desc = []
    for i, (rel, rows) in enumerate(part.groupby("release", sort=True)):
        ax.plot(rows["year"].astype(int), rows["value"], marker=MARKERS[i % len(MARKERS)], markersize=3,
                color=PALETTE[i % len(PALETTE)], label=release_name(rel))
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
    return finish(fig, alt, "military_spending")


def release_gaps(releases=SIPRI_RELEASES, first_year=2000):
    """Return, per country, how far two releases differ in spending as a share of GDP.

    One row per country: the years both releases cover from ``first_year``, the largest
    absolute difference (percentage points) and its year, and how many years differ by
    0.05 points or more. Sorted with the largest difference first.
    """
    import pandas as pd

    df = _milex()
    a, b = [one_of(r, df["release"].astype(str), "data release") for r in releases]
    share_m = _measure(df, "gdp")
    part = df[(df["measure"] == share_m) & df["release"].isin([a, b]) & (df["year"] >= int(first_year))]
    rows = []
    for _, grp in part.groupby("iso3", sort=False):
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


def _pct(v) -> str:
    return f"{float(v):.3f}".rstrip("0").rstrip(".") + "%"


def _day(v) -> str:
    """A date as a student reads it (2019-01-28), without a clock time."""
    return v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)[:10]


#: The header a student reads for each raw column; headers carry their units. A
#: column named after a data release (sipri_2025) is headed with the release in words.
_HEADERS = {
    "item": "No.",
    "quote": "What the article says",
    "verdict": "Verdict",
    "correction": "Correction",
    "evidence": "Evidence",
    "country": "Country",
    "as_of": "Date reported",
    "troops": "US troops",
    "approximate": "Round figure?",
    "year": "Year",
    "agreement": "Agreement",
    "amount_krw_bn": "Amount (billion won)",
    "amount_usd_m": "Amount (million USD)",
    "change_pct": "Change on the year before",
    "status": "Status of the figure",
    "confidence": "Confidence",
    "period": "Period",
    "per_year_bn": "Payment per year (billion, in the country's currency)",
    "currency": "Currency",
    "us_troops": "US troops there",
    "per_troop_m": "Payment per US service member (million, in the country's currency)",
    "release": "Data release",
    "share_gdp_pct": "Military spending (% of GDP)",
    "milex_usd_bn": "Military spending (billion current USD)",
    "gdp_usd_bn": "GDP, derived (billion current USD)",
    "gdp_from": "GDP derived from",
    "us_ally": "US or US treaty ally",
    "difference_pp": "Difference (percentage points)",
    "years_compared": "Years compared",
    "largest_gap_pp": "Largest difference (percentage points)",
    "largest_gap_year": "Year of the largest difference",
    "years_over_005": "Years differing by 0.05 points or more",
    "years_total": "Number of years compared",
}
#: How each column's values are written, by kind of number; a column not named here
#: keeps helpers.display.table's default. Release columns are shares of GDP (_pct).
_FORMATS = {
    "{:d}": ("item", "year", "largest_gap_year", "years_over_005", "years_total"),
    "{:,.0f}": ("troops", "us_troops", "gdp_usd_bn", "amount_usd_m"),
    "{:,.1f}": ("amount_krw_bn", "per_year_bn", "per_troop_m", "milex_usd_bn"),
    "{:.2f}": ("difference_pp", "largest_gap_pp"),
    _pct: ("share_gdp_pct",),
    (lambda v: f"{float(v):+.1f}%"): ("change_pct",),
    _day: ("as_of",),
    release_name: ("release", "gdp_from"),
}
_FORMAT_OF = {col: fmt for fmt, cols in _FORMATS.items() for col in cols}
#: Columns too long for a table cell: shown under the table, row by row, in a fold.
_NOTE_COLUMNS = ("note", "source")
_HIDDEN = ("iso3", "claim_id")
_ROW_KEYS = ("item", "period", "as_of", "year", "country")


def _column(col: str):
    """(header, formatter or None) for raw column ``col``."""
    if _is_release(col):
        return f"{release_name(col)} (% of GDP)", _cell(_pct)
    fmt = _FORMAT_OF.get(col)
    return _HEADERS.get(col, col.replace("_", " ")), None if fmt is None else _cell(fmt)


def _cell(fmt):
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


def money_view(df, caption: str | None = None, notes_open: bool = False, headers: dict | None = None) -> MoneyView:
    """Return ``df`` as a :class:`MoneyView`: human headers, formats, long notes under it.

    ``headers`` overrides the header of a raw column (the explorer's dollar column names
    its exchange rate). Every text cell, header and the caption is escaped once, by
    :func:`helpers.display.table` and the template ``money/table.html``. The table sits
    in a block that MathJax is told to ignore (classes ``tex2jax_ignore`` and
    ``mathjax_ignore``, the MathJax 2 and 3 names), so quoted dollar amounts are never
    typeset as maths.
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
    names, formats, numeric = [], {}, []
    for col in shown.columns:
        label, fmt = _column(col)
        label = (headers or {}).get(col, label)
        names.append(label)
        if fmt is not None:
            formats[label] = fmt
        if is_numeric_dtype(shown[col]) and not is_bool_dtype(shown[col]):
            numeric.append(label)
    shown.columns = names
    styler = styled(shown, caption=caption, formats=formats)
    # Room between columns, and number headers over their (right-aligned) numbers.
    styler = styler.set_table_styles(
        [{"selector": "th, td", "props": "padding: 0.25em 0.9em 0.25em 0"}], overwrite=False)
    if numeric:
        styler = styler.set_table_styles(
            {c: [{"selector": "th", "props": "text-align: right"}] for c in numeric}, overwrite=False)
    # The block scrolls sideways on narrow screens: keyboard users must reach it (axe
    # scrollable-region-focusable), and a screen reader hears what it holds (a group,
    # not a landmark: a lesson shows several such tables).
    page = render(
        "money/table.html", table=safe(styler.to_html()), notes=notes, notes_open=notes_open,
        name=caption or "Table: " + ", ".join(map(str, names[:4])),
    )
    return MoneyView(shown, notes, page)
