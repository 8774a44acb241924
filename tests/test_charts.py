"""The course's charts (helpers.money, helpers.opinion, helpers.alliance_network): the numbers come from
the datasets, the charts are labelled, the widgets react."""
from __future__ import annotations

import csv
import math
import re
import subprocess
import sys

import pytest

import helpers
from helpers import alliance_network, money, opinion
from helpers.errors import CourseError
from helpers.figures import ChartError


def _rows(name):
    with open(helpers.DATASETS_DIR / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ----------------------------------------------------------------------- the money


@pytest.mark.parametrize("rate", [950, 1118.57, 1400])
def test_sma_in_usd_is_krw_over_rate_for_every_row(rate):
    raw = {int(r["year"]): float(r["amount_krw_bn"]) for r in _rows("sma_cost_sharing")}
    df = money.sma_in_usd(rate)
    assert sorted(df["year"].astype(int)) == sorted(raw)
    for year, usd in zip(df["year"].astype(int), df["amount_usd_m"]):
        assert usd == pytest.approx(raw[year] * 1e9 / rate / 1e6)


def test_at_1000_won_per_dollar_million_dollars_equal_billion_won():
    # x billion won = x * 1e9 won; at 1,000 won per dollar that is x * 1e6 dollars = x million
    raw = {int(r["year"]): float(r["amount_krw_bn"]) for r in _rows("sma_cost_sharing")}
    df = money.sma_in_usd(1000)
    assert dict(zip(df["year"].astype(int), df["amount_usd_m"])) == pytest.approx(raw)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), "lots", None, True])
def test_bad_exchange_rates_raise_a_course_error(bad):
    with pytest.raises(ChartError) as info:
        money.sma_in_usd(bad)
    assert isinstance(info.value, CourseError)
    assert "won per US dollar" in str(info.value)


def test_article_rate_is_one_trillion_won_over_894_million_dollars():
    quote = next(r["quote"] for r in _rows("article_claims") if "trillion" in r["quote"])
    krw = float(re.search(r"KRW\s?(\d+) trillion", quote).group(1)) * 1e12
    usd = float(re.search(r"\(\$(\d+) million\)", quote).group(1)) * 1e6
    assert money.article_rate() == pytest.approx(krw / usd)


def test_money_in_text_reads_units():
    assert money.money_in_text("a budget of $42 million and KRW1 trillion ($894 million)") == [
        ("USD", 42e6), ("KRW", 1e12), ("USD", 894e6)]
    assert money.money_in_text("no money here") == []


def test_budget_check_finds_the_factor_of_about_a_thousand():
    budget = next(float(r["budget_krw_tn"]) for r in _rows("defence_budgets") if r["year"] == "2019")
    quote = next(r["quote"] for r in _rows("article_claims") if "defence budget" in r["quote"])
    claimed = float(re.search(r"\$(\d+) million", quote).group(1)) * 1e6
    rate_quote = next(r["quote"] for r in _rows("article_claims") if "trillion" in r["quote"])
    rate = (float(re.search(r"KRW\s?(\d+) trillion", rate_quote).group(1)) * 1e12
            / (float(re.search(r"\(\$(\d+) million\)", rate_quote).group(1)) * 1e6))
    c = money.budget_check()
    assert c["budget_krw_tn"] == pytest.approx(budget)
    assert c["krw_per_usd"] == pytest.approx(rate)
    expected_usd = budget * 1e12 / rate
    assert c["budget_usd_bn"] == pytest.approx(expected_usd / 1e9)
    assert c["ratio"] == pytest.approx(expected_usd / claimed)
    assert 900 < c["ratio"] < 1100
    assert round(c["orders_of_magnitude"]) == 3
    text = money.budget_check_text()
    assert f"{round(c['ratio']):,}" in text and "USD 42 million" in text
    assert "$" not in text  # JupyterLab typesets text between two dollar signs as maths


def test_budget_check_rejects_a_year_without_a_budget():
    years = [int(r["year"]) for r in _rows("defence_budgets")]
    with pytest.raises(ChartError, match="Choose a year from"):
        money.budget_check(max(years) + 5)


def test_host_support_per_troop_uses_the_latest_troop_figure():
    troops = _rows("us_troops")
    latest = {}
    for r in sorted(troops, key=lambda r: r["as_of"]):
        latest[r["iso3"]] = int(r["troops"])
    df = money.host_support_table()
    japan = df[df["country"] == "Japan"].iloc[0]
    hns = _rows("japan_hns")[0]
    assert japan["per_troop_m"] == pytest.approx(float(hns["per_year_jpy_bn"]) * 1000 / latest["JPN"])
    korea = df[(df["country"] == "South Korea")]
    assert set(korea["us_troops"]) == {latest["KOR"]}


# --------------------------------------------------------------- burden sharing


def _milex(iso, year, measure, release):
    for r in _rows("military_spending"):
        if (r["iso3"], r["year"], r["measure"], r["release"]) == (iso, str(year), measure, release):
            return float(r["value"])
    return None


def test_burden_sharing_gdp_is_spending_over_share():
    t = money.burden_sharing_table("sipri_2024", 2019)
    assert set(t["release"]) == {"sipri_2024"}
    assert set(t["year"]) == {2019}
    for r in t.itertuples():
        share = _milex(r.iso3, 2019, "pct_gdp", "sipri_2024")
        spend = _milex(r.iso3, 2019, "current_usd_m", "sipri_2024")
        assert r.share_gdp_pct == pytest.approx(share)
        assert r.gdp_usd_bn == pytest.approx(spend / 1000 / (share / 100))
    # sorted by economy size, largest first
    assert list(t["gdp_usd_bn"]) == sorted(t["gdp_usd_bn"], reverse=True)


def test_release_filter_returns_only_that_release():
    t = money.burden_sharing_table("sipri_2025", 2019)
    assert set(t["release"]) == {"sipri_2025"}
    for r in t.itertuples():
        assert r.share_gdp_pct == pytest.approx(_milex(r.iso3, 2019, "pct_gdp", "sipri_2025"))
    # Korea's share differs between the releases: the table must not silently mix them
    old = money.burden_sharing_table("sipri_2024", 2019).set_index("iso3")
    assert t.set_index("iso3").loc["KOR", "share_gdp_pct"] != pytest.approx(old.loc["KOR", "share_gdp_pct"])


def test_allies_come_from_the_alliances_dataset():
    allies = {"USA"}
    for r in _rows("alliances"):
        parties = r["parties"].split(";")
        if r["kind"] == "defence_treaty" and "USA" in parties:
            allies.update(p for p in parties if re.fullmatch(r"[A-Z]{3}", p))
    t = money.burden_sharing_table()
    assert set(t.loc[t["us_ally"], "iso3"]) == allies & set(t["iso3"])
    assert not t.set_index("iso3").loc[["CHN", "RUS"], "us_ally"].any()


def _spearman(x, y):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        for pos, i in enumerate(order):
            r[i] = pos + 1.0
        return r
    rx, ry = ranks(x), ranks(y)
    n = len(x)
    return 1 - 6 * sum((a - b) ** 2 for a, b in zip(rx, ry)) / (n * (n * n - 1))


@pytest.mark.parametrize("allies_only", [False, True])
def test_rank_correlation_matches_the_textbook_formula(allies_only):
    t = money.burden_sharing_table()
    part = t[t["us_ally"]] if allies_only else t
    expected = _spearman(list(part["gdp_usd_bn"]), list(part["share_gdp_pct"]))
    assert money.rank_correlation(t, allies_only=allies_only) == pytest.approx(expected)


def test_rank_correlation_needs_three_countries():
    t = money.burden_sharing_table().head(2)
    with pytest.raises(ChartError, match="at least three"):
        money.rank_correlation(t)


def test_unknown_release_and_missing_year_are_course_errors():
    with pytest.raises(ChartError, match="sipri_2024"):
        money.burden_sharing_table("sipri_1999", 2019)
    with pytest.raises(ChartError, match="Choose a year from"):
        money.burden_sharing_table("worldbank_2018", 2019)  # that vintage stops earlier
    with pytest.raises(ChartError, match="country code"):
        money.release_comparison("XXX")


def test_release_comparison_shows_korea_differs_by_a_tenth_to_a_fifth_of_a_point():
    t = money.release_comparison("KOR")
    assert list(t.columns) == ["year", "sipri_2024", "sipri_2025", "difference_pp"]
    for r in t.itertuples():
        a = _milex("KOR", r.year, "pct_gdp", "sipri_2024")
        b = _milex("KOR", r.year, "pct_gdp", "sipri_2025")
        assert (r.sipri_2024, r.sipri_2025) == pytest.approx((a, b))
        assert r.difference_pp == pytest.approx(abs(a - b), abs=1e-3)
    assert t["difference_pp"].between(0.09, 0.25).all()
    usa = money.release_comparison("USA", years=[2019])
    assert usa["difference_pp"].iloc[0] < 0.05


# -------------------------------------------------------------------- opinion


def test_opinion_window_prints_the_dataset_values():
    text = opinion.opinion_window_text()
    wanted = [r for r in _rows("opinion") if 2018 <= int(r["year"]) <= 2020]
    assert wanted
    for r in wanted:
        assert f"{int(r['year'])}  {float(r['value_pct']):5.1f}%" in text
    assert "2017" not in text.replace("2017 (", "")


def test_opinion_table_filters_series_and_years():
    name = opinion.opinion_series()[1]
    t = opinion.opinion_table(name, 2016, 2021)
    assert set(t["series"]) == {name}
    assert t["year"].between(2016, 2021).all()
    with pytest.raises(ChartError, match="Choose one of"):
        opinion.opinion_table("Gallup: everyone")
    with pytest.raises(ChartError, match="outside the opinion data"):
        opinion.opinion_table(start=1900)
    with pytest.raises(ChartError, match="Swap them"):
        opinion.opinion_table(start=2022, end=2015)


def test_method_changes_break_the_line():
    t = opinion.opinion_table("Cabinet Office: Japanese views of South Korea (feel affinity)")
    segs = opinion._segments(t)
    methods = [{opinion._method_family(r.method) for r in seg} for seg in segs]
    assert len(segs) >= 2
    assert all(len(m) == 1 for m in methods)
    assert methods[0] != methods[-1]


def test_margin_of_error_textbook_values():
    assert opinion.margin_of_error(50, 1000) == pytest.approx(100 * 1.96 * math.sqrt(0.25 / 1000))
    # 100 x 1.96 x sqrt(0.5 x 0.5 / 4000) = 196 x 0.0079057 = 1.5495 points
    assert opinion.margin_of_error(50, 4000) == pytest.approx(1.5495, abs=1e-4)
    with pytest.raises(ChartError):
        opinion.margin_of_error(50, 0)


# ------------------------------------------------------------------ every chart


CHARTS = [
    lambda: money.sma_chart(),
    lambda: money.sma_chart(1300),
    lambda: money.burden_sharing_chart(),
    lambda: money.burden_sharing_chart("sipri_2025", 2023),
    lambda: money.release_chart(),
    lambda: opinion.opinion_chart(),
    lambda: opinion.opinion_chart(event_ids=[]),
]


@pytest.mark.parametrize("make", [*CHARTS, lambda: alliance_network.alliance_diagram()])
def test_no_chart_text_is_typeset_as_maths(make):
    """Two '$' in one label make matplotlib typeset the text between them as maths
    ('US$ at 1,120 won per $' came out as italic 'USat1,120wonper')."""
    import re

    from matplotlib.text import Text

    for text in make().findobj(Text):
        raw = text.get_text()
        if text.get_parse_math():
            assert len(re.findall(r"(?<!\\)\$", raw)) < 2, f"maths markup in chart text: {raw!r}"


@pytest.mark.parametrize("make", [*CHARTS, lambda: money.sma_chart(1120)])
def test_no_chart_label_is_cut_off_at_the_figure_edge(make):
    """An axis label longer than its axis runs off the figure (the exchange-rate chart's
    y label lost its first and last words). Every title and axis label must fit inside."""
    fig = make()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    for ax in fig.axes:
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            if not text.get_text():
                continue
            box = text.get_window_extent(renderer)
            assert (box.x0 >= frame.x0 - 1 and box.y0 >= frame.y0 - 1
                    and box.x1 <= frame.x1 + 1 and box.y1 <= frame.y1 + 1), \
                f"{text.get_text()!r} reaches outside the figure: {box} vs {frame}"


@pytest.mark.parametrize("make", CHARTS)
def test_no_legend_covers_a_data_point_or_its_label(make):
    """A legend inside the axes covered the 'Russia (3.86%)' label in the scatter."""
    import numpy as np

    fig = make()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        for text in ax.texts:
            if text.get_text() and text.get_visible():
                assert not box.overlaps(text.get_window_extent(renderer)), \
                    f"the legend covers the label {text.get_text()!r}"
        points = [c.get_offsets() for c in ax.collections if hasattr(c, "get_offsets")]
        points += [line.get_xydata() for line in ax.lines if len(line.get_xydata())]
        for xy in points:
            xy = np.asarray(xy, dtype=float)
            xy = xy[np.isfinite(xy).all(axis=1)] if xy.size else xy
            if not xy.size:
                continue
            for x, y in ax.transData.transform(xy):
                assert not box.contains(x, y), f"the legend covers a data point at {x:.0f},{y:.0f} px"
        for patch in ax.patches:
            if patch.get_height() > 0:
                assert not box.overlaps(patch.get_window_extent(renderer)), "the legend covers a bar"


@pytest.mark.parametrize("make", CHARTS)
def test_every_chart_has_title_labels_alt_text_and_citation(make):
    from matplotlib.figure import Figure

    fig = make()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(fig.alt_text) > 60
    assert fig.citation.startswith("Data:")
    page = fig.to_html()
    assert page.startswith("<figure") and 'alt="' in page and "data:image/png;base64," in page


def test_opinion_chart_marks_the_chosen_events_in_its_alt_text():
    fig = opinion.opinion_chart(event_ids=["ev2019_54"])
    assert "export controls" in fig.alt_text.lower()
    assert "Comfort-women" not in fig.alt_text
    with pytest.raises(ChartError, match="event_id"):
        opinion.opinion_chart(event_ids=["no_such_event"])


# ------------------------------------------------------------------ the widgets


def test_cost_sharing_explorer_slider_changes_the_numbers():
    exp = money.cost_sharing_explorer()
    start = exp.summary.value
    assert "won per US dollar" in start and exp.chart.value.startswith("<figure")
    rate = exp.slider.value
    rows = sorted(_rows("sma_cost_sharing"), key=lambda r: int(r["year"]))
    first_krw_bn = float(rows[0]["amount_krw_bn"])
    # billion won x 1,000 = million won; / won per dollar = million dollars
    assert f"USD {first_krw_bn * 1000 / rate:,.0f} million" in start
    exp.slider.value = exp.slider.max
    after = exp.summary.value
    assert after != start
    assert f"USD {first_krw_bn * 1000 / exp.slider.max:,.0f} million" in after
    assert f"{exp.slider.max:,}" in exp.chart.value  # the rate appears in the alt text / label


def test_cost_sharing_explorer_shows_a_plain_message_for_a_bad_rate():
    exp = money.cost_sharing_explorer()
    exp.slider.min = 0
    exp.slider.value = 0
    assert "more than zero" in exp.summary.value
    assert exp.chart.value == ""


def test_opinion_explorer_checkboxes_and_range_redraw():
    exp = opinion.opinion_explorer()
    assert len(exp.series_boxes) == len(opinion.opinion_series())
    full = exp.summary.value
    exp.series_boxes[0].value = False
    assert exp.summary.value != full
    assert opinion.opinion_series()[0] not in exp.summary.value
    for box in exp.series_boxes:
        box.value = False
    assert "Tick at least one" in exp.summary.value and exp.chart.value == ""
    exp.series_boxes[1].value = True
    for box in exp.event_boxes:
        box.value = False
    assert "No events are marked" in exp.summary.value
    exp.span.value = (2018, 2020)
    assert "2018" in exp.summary.value and "2013" not in exp.summary.value


def test_explorers_have_a_static_fallback():
    bundle = money.cost_sharing_explorer()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<figure" in bundle["text/html"] and "won per" in bundle["text/plain"]


def test_importing_the_chart_modules_does_not_import_matplotlib_pandas_or_widgets():
    code = ("import sys, helpers, helpers.figures, helpers.money, helpers.opinion, helpers.alliance_network; "
            "print(any(m in sys.modules for m in ('matplotlib', 'pandas', 'ipywidgets', 'jinja2')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
