"""Lesson 05's money helpers as a student meets them: readable tables, the explorer, releases."""
from __future__ import annotations

import csv
import re

import pytest

import helpers
from helpers import money
from helpers.data import load_dataset
from helpers.figures import ChartError


def _rows(name):
    with open(helpers.DATASETS_DIR / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _axis_top(figure_html_owner):
    return figure_html_owner.axes[0].get_ylim()[1]


# ------------------------------------------------------------- the explorer


def test_explorer_axis_stays_fixed_so_the_bars_move():
    exp = money.cost_sharing_explorer()
    tops = []
    for rate in (money.RATE_MIN, 1120, 1390, money.RATE_MAX):
        df = money.sma_in_usd(rate)
        fig = money.sma_chart(rate, y_max=money._explorer_y_max())
        tops.append(fig.axes[0].get_ylim()[1])
        # the tallest bar fits under the fixed top at every rate on the slider
        assert df["amount_usd_m"].max() <= tops[-1]
    assert len(set(tops)) == 1
    # at the two rates the issue measured, the tallest bar now sits at different heights
    low = money.sma_in_usd(1120)["amount_usd_m"].max() / tops[0]
    high = money.sma_in_usd(1390)["amount_usd_m"].max() / tops[0]
    assert low > high * 1.2
    # and the explorer itself draws with that fixed top
    exp.slider.value = 1390
    assert "1,390" in exp.chart.value


def test_explorer_year_table_is_a_fold_that_survives_slider_moves():
    exp = money.cost_sharing_explorer()
    exp.fold.selected_index = 0  # the student opens "Every year as a table"
    exp.slider.value = 1300
    assert exp.fold.selected_index == 0
    assert exp.fold.get_title(0) == "Every year as a table"
    table = exp.year_table.value
    # the same table maker as every money table (money_view): column headings in <thead>
    assert "<thead>" in table and 'class="col_heading' in table and "Amount (billion won)" in table
    assert "Amount (million USD at 1,300 won per dollar)" in table
    assert "padding" in table  # headers no longer run together
    # one row per year, with the dollar amount at the new rate (billion won x 1,000 / 1,300)
    rows = sorted(_rows("sma_cost_sharing"), key=lambda r: int(r["year"]))
    assert table.count("<tr>") == len(rows) + 1
    for r in rows:
        assert f">{float(r['amount_krw_bn']) * 1000 / 1300:,.0f}<" in table, r["year"]


def test_explorer_texts_never_contain_a_dollar_sign():
    exp = money.cost_sharing_explorer()
    for rate in (950, 1120, 1500):
        exp.slider.value = rate
        for text in (exp.summary.value, exp.year_table.value, exp.slider.description):
            assert "$" not in text
    assert "$" not in exp._repr_mimebundle_()["text/html"].split("<img")[0]


# ---------------------------------------------------------- readable tables


def test_money_view_gives_human_headers_units_and_percent_signs():
    view = money.money_view(money.sma_table())
    headers = list(view.frame.columns)
    assert "Amount (billion won)" in headers and "Change on the year before" in headers
    assert not any("_" in h for h in headers)
    assert "note" not in headers and "source" not in headers
    html = view.html
    assert "+8.2%" in html and "1,038.9" in html
    assert 'class="tex2jax_ignore mathjax_ignore"' in html
    # every year's note and source is under the table, in a fold
    assert "<details><summary>Notes and sources, row by row</summary>" in html
    n_notes = sum(1 for r in _rows("sma_cost_sharing") for c in ("note", "source") if r[c].strip())
    assert len(view.notes) == n_notes


def test_money_view_escapes_text_and_shows_missing_values_as_a_dash():
    import pandas as pd
    df = pd.DataFrame({"country": ["<b>A</b>"], "share_gdp_pct": [float("nan")], "note": ["x & y"]})
    html = money.money_view(df).html
    assert "<b>A</b>" not in html and "&lt;b&gt;A&lt;/b&gt;" in html
    assert "—" in html and "x &amp; y" in html


def test_burden_table_for_reading_names_releases_in_words():
    view = money.money_view(money.burden_sharing_table(release="sipri_2025"))
    assert "SIPRI 2025 release" in view.html and "SIPRI 2024 release" in view.html
    assert "sipri_20" not in view.html
    assert "Military spending (% of GDP)" in view.frame.columns
    assert re.search(r">\s*3\.409%\s*<", view.html)


# --------------------------------------------------------------- the releases


def test_release_gaps_state_what_the_data_show():
    gaps = money.release_gaps().set_index("country")
    # Korea differs in every year since 2000 by a tenth to a fifth of a point
    kor = gaps.loc["South Korea"]
    assert kor["years_over_005"] == kor["years_total"] == 24
    assert 0.2 <= kor["largest_gap_pp"] <= 0.22
    # the figures the lesson quotes
    assert gaps.loc["Russia", "largest_gap_pp"] == pytest.approx(0.462)
    assert gaps.loc["Russia", "largest_gap_year"] == 2023
    assert gaps.loc["Japan", "largest_gap_year"] == 2022
    assert round(gaps.loc["Japan", "largest_gap_pp"], 2) == 0.10
    assert round(gaps.loc["United States", "largest_gap_pp"], 2) == 0.06
    assert gaps.loc["China", "largest_gap_pp"] < 0.01
    # sorted with the largest gap first
    assert list(gaps["largest_gap_pp"]) == sorted(gaps["largest_gap_pp"], reverse=True)


def test_release_gaps_rejects_an_unknown_release():
    with pytest.raises(ChartError, match="no data release called"):
        money.release_gaps(releases=("sipri_2024", "sipri_1999"))


def test_latest_year_test_uses_the_2026_release_with_its_own_spending():
    t = money.burden_sharing_table(release="sipri_2026", year=2025)
    assert set(t["iso3"]) == {"USA", "CHN", "JPN", "RUS", "KOR"}
    assert set(t["gdp_from"]) == {"sipri_2026"}
    usa = t.set_index("iso3").loc["USA"]
    assert usa["gdp_usd_bn"] == pytest.approx(954 / 0.031)
    # the lesson's conclusion for 2025: the same rankings as in 2019
    assert money.rank_correlation(t) == pytest.approx(-0.1)
    assert money.rank_correlation(t, allies_only=True) == pytest.approx(0.5)
    assert money.rank_correlation() == pytest.approx(-0.1)
    assert money.rank_correlation(allies_only=True) == pytest.approx(0.5)


def test_every_2026_release_row_is_sourced_and_not_high_confidence():
    rows = [r for r in _rows("military_spending") if r["release"] == "sipri_2026"]
    assert len(rows) == 10 and {r["year"] for r in rows} == {"2025"}
    assert all("ICAEW" in r["source"] and r["confidence"] == "medium" for r in rows)


def test_derived_sma_rows_follow_their_rule():
    rows = {int(r["year"]): r for r in _rows("sma_cost_sharing")}
    r27 = rows[2027]
    assert r27["status"] == "derived" and r27["confidence"] == "low"
    assert float(r27["amount_krw_bn"]) == pytest.approx(float(rows[2026]["amount_krw_bn"]) * 1.021, abs=0.05)


def test_money_datasets_have_no_dollar_signs():
    for name in ("sma_cost_sharing", "japan_hns", "defence_budgets", "us_troops", "us_bases"):
        text = (helpers.DATASETS_DIR / f"{name}.csv").read_text(encoding="utf-8")
        assert "$" not in text, name


# ------------------------------------------------ what students read in the tables


def test_dates_are_shown_without_a_clock_time():
    view = money.money_view(load_dataset("us_troops"))
    assert "00:00:00" not in view.html
    assert "2019-01-28" in view.html
    assert all(":" not in label for label, _, _ in view.notes)


def test_article_claims_show_row_numbers_not_internal_ids():
    df = money.article_claims_about("base")
    view = money.money_view(df)
    assert "claim_id" in df.columns  # kept for lookups
    assert list(view.frame.columns)[0] == "No."
    for claim_id in df["claim_id"]:
        assert f">{claim_id}<" not in view.html and f"<strong>{claim_id}</strong>" not in view.html
    assert [label for label, _, _ in view.notes][:1] == ["1"]


def test_lesson_05_claim_corrections_and_evidence_have_no_dollar_signs_or_dataset_ids():
    rows = [r for r in _rows("article_claims") if r["lesson"] == "05"]
    assert rows
    for r in rows:
        assert "$" not in r["correction"] + r["evidence"], r["claim_id"]
    for r in rows:
        if r["claim_id"] in ("ac15", "ac24", "ac25", "ac27"):  # the rows the lesson displays
            assert not re.search(r"\b(us_bases|sma_cost_sharing|places|events) ", r["evidence"]), r["claim_id"]


def test_host_support_names_japans_agreements():
    t = money.host_support_table()
    japan = t[t["country"] == "Japan"]
    assert set(japan["agreement"]) == {"Special Agreement", "Special Agreement (one-year extension)"}
    assert "agreed" not in set(t["agreement"])


# ------------------------------------------------ looking claims up by their wording


def test_article_claims_about_finds_every_quote_with_the_words_in_dataset_order():
    # In datasets/article_claims.csv "base" occurs in the quotes of ac15 ("air-land-sea base complex"),
    # ac16 ("the largest American base"), ac24 ("the new base") and ac25 ("The base is"), and no other.
    df = money.article_claims_about("base")
    assert list(df.columns) == ["item", "claim_id", "quote", "verdict", "correction", "evidence", "source"]
    assert list(df["claim_id"]) == ["ac15", "ac16", "ac24", "ac25"]
    assert list(df["item"]) == [1, 2, 3, 4]
    assert list(df["verdict"]) == ["imprecise", "typo", "correct", "correct"]
    by_id = {r["claim_id"]: r for r in _rows("article_claims")}
    for r in df.itertuples():
        assert (r.quote, r.correction, r.evidence, r.source) == tuple(
            by_id[r.claim_id][c] for c in ("quote", "correction", "evidence", "source"))


def test_article_claims_about_ignores_case_and_reads_the_words_literally():
    assert list(money.article_claims_about("BASE")["claim_id"]) == ["ac15", "ac16", "ac24", "ac25"]
    # brackets and a dollar sign are text here, not a pattern (as a pattern, "$" would end the match)
    assert list(money.article_claims_about("($894 million)")["claim_id"]) == ["ac27"]
    assert list(money.article_claims_about("Washington reportedly demands")["claim_id"]) == ["ac27"]


def test_article_claims_about_words_not_in_the_article_is_a_plain_message():
    with pytest.raises(ChartError, match="No quote in the article_claims dataset contains 'submarine'"):
        money.article_claims_about("submarine")
