"""Tests for helpers.threats (lesson 09): the tests data, the coded responses, the chart,
the explorer and the China-threat sorting exercise."""
from __future__ import annotations

import pytest

from helpers import threats
from helpers.data import load_dataset
from helpers.errors import CourseError


# ------------------------------------------------------------------ the data


def test_tests_by_year_covers_every_year_and_matches_the_cns_counts():
    df = threats.tests_by_year()
    assert list(df["year"]) == list(range(1984, 2027))
    by = df.set_index("year")
    assert by.loc[2022, "missiles_cns"] == 69  # the record year in the CNS database
    assert by.loc[2018, "missiles_cns"] == 0
    assert int(df["nuclear_tests"].sum()) == 6
    assert set(df.loc[df["nuclear_tests"] > 0, "year"]) == {2006, 2009, 2013, 2016, 2017}
    assert by.loc[2022, "missiles_japan_mod"] == 59 and by.loc[2022, "launch_events_japan_mod"] == 31
    assert str(by.loc[2026, "covers_to"].date()) == "2026-04-19"
    assert (df["launch_days_cns"] <= df["missiles_cns"]).all()


def test_launch_days_are_counted_by_the_korean_date():
    # The public copy dates launches in UTC; the 8 May 2025 launches fall on 7 and 8 May UTC
    # but on one Korean day, so 2025 has six launch days, not seven.
    by = threats.tests_by_year().set_index("year")
    assert by.loc[2025, "launch_days_cns"] == 6 and by.loc[2022, "launch_days_cns"] == 33
    for year in (2016, 2019, 2022, 2023, 2025):
        assert "Korean date" in by.loc[year, "note"] and "UTC dates" in by.loc[year, "note"]


def test_partial_and_uncertain_years_are_marked():
    by = threats.tests_by_year().set_index("year")
    assert by.loc[2026, "confidence"] == "medium" and "Partial year" in by.loc[2026, "note"]
    assert by.loc[2025, "confidence"] == "medium"


def test_years_out_of_order_or_out_of_range_give_a_plain_message():
    with pytest.raises(threats.ThreatError, match="Swap them"):
        threats.tests_by_year(2020, 2010)
    with pytest.raises(threats.ThreatError, match="1984 to 2026"):
        threats.tests_by_year(1950, 1960)
    with pytest.raises(CourseError):
        threats.tests_by_year("last year")


def test_summary_states_the_headline_figures():
    text = threats.tests_summary()
    assert "Most in one year: 69 in 2022" in text
    assert "2026 to 19 Apr 2026: 25 missiles on 6 days" in text
    assert "Nuclear tests: 6, the last in 2017" in text
    assert "2022: 59 / 31" in text


# --------------------------------------------------------------- the responses


def test_every_coded_response_is_an_event_and_every_lesson_09_event_is_coded():
    events = load_dataset("events")
    ids = set(events["event_id"])
    assert set(threats.RESPONSE_ACTORS) <= ids
    lesson09 = set(events.loc[events["lessons"].str.contains("09"), "event_id"])
    assert lesson09 <= set(threats.RESPONSE_ACTORS)
    assert set(threats.RESPONSE_ACTORS.values()) <= set(threats.GROUPS)


def test_responses_filter_by_group_and_years():
    together = threats.responses("together", 2023, 2024)
    assert set(together["actor"]) == {"together"}
    assert together["date"].is_monotonic_increasing
    assert "Real-time missile-warning data sharing begins" in set(together["title"])
    seoul = threats.responses(["Seoul"], 2023, 2023)
    assert "Washington Declaration" in set(seoul["title"])
    assert threats.responses([], 2023, 2023).empty


def test_an_unknown_group_names_the_known_ones():
    with pytest.raises(threats.ThreatError, match="together, Seoul, Tokyo"):
        threats.responses("Pyongyang")


# -------------------------------------------------------- the chart and explorer


def test_chart_has_alt_text_with_every_bar_and_the_citations():
    fig = threats.threat_chart(2016, 2026)
    assert "2022: 69" in fig.alt_text and "2018: 0" in fig.alt_text
    assert "2026 only to 19 Apr 2026" in fig.alt_text
    assert "Washington Declaration" in fig.alt_text
    assert "nk_missile_tests" in fig.citation or "CNS" in fig.citation
    assert fig.to_png()[:4] == b"\x89PNG"


def test_explorer_redraws_when_the_group_changes():
    shown = threats.threat_explorer(2022, 2026)
    before = shown.listing.value
    assert "Freedom Edge" in before
    shown.who.value = ("Tokyo",)
    after = shown.listing.value
    assert "Takaichi" in after and "Freedom Edge" not in after
    shown.years.value = (2006, 2008)
    assert "No response events match" in shown.listing.value
    bundle = shown._repr_mimebundle_()
    assert "<img" in bundle["text/html"] and bundle["text/plain"].startswith("Bar chart")


# ----------------------------------------------------------- the China scale


def test_statements_come_from_claims_with_both_governments_dated():
    st = threats.china_statements()
    assert len(st) == 10
    assert set(st["government"]) == {"Tokyo", "Seoul"}
    assert st["dated"].str.startswith("As stated").all()
    claims = load_dataset("claims").set_index("claim_id")
    row = st.iloc[0]
    assert row["statement"] == claims.loc[row["claim_id"], f"{row['side']}_position"]


def test_scale_check_grades_same_close_and_far():
    got = threats.china_scale_check({
        ("china_threat_02", "japan"): 5,
        ("china_threat_01", "japan"): 3,
        ("china_threat_01", "korea"): "5",
    })
    assert [r["verdict"] for r in got] == ["same", "close", "far"]
    assert got[2]["gap"] == 4


@pytest.mark.parametrize("answers, words", [
    ({("china_threat_09", "japan"): 3}, "no statement"),
    ({("china_threat_01", "japan"): 7}, "1 to 5"),
    ({("china_threat_01", "japan"): "high"}, "whole number"),
])
def test_scale_check_rejects_bad_answers_in_words(answers, words):
    with pytest.raises(threats.ThreatError, match=words):
        threats.china_scale_check(answers)


def test_exercise_gives_feedback_and_the_positions_side_by_side():
    shown = threats.china_scale_exercise()
    assert len(shown.picks) == 10
    shown.check.click()
    assert "Place at least one statement" in shown.feedback.value
    shown.picks[("china_threat_02", "korea")].value = 2
    shown.check.click()
    assert "same" in shown.feedback.value
    assert "Japan&#x27;s government (Tokyo)" in shown.positions.value or "Tokyo" in shown.positions.value
    static = shown._repr_mimebundle_()["text/html"]
    assert "need a running notebook" in static and "<table" in static


def test_data_text_is_escaped_in_the_exercise(monkeypatch):
    import pandas as pd

    fake = pd.DataFrame([{"claim_id": "china_threat_01", "side": "japan", "government": "Tokyo",
                          "aspect": "<b>x</b>", "statement": "<script>alert(1)</script>", "dated": "",
                          "course_point": 4, "reason": "r"}])
    monkeypatch.setattr(threats, "china_statements", lambda: fake)
    shown = threats.china_scale_exercise()
    html_text = shown._repr_mimebundle_()["text/html"]
    assert "<script>alert(1)</script>" not in html_text
    assert "&lt;script&gt;" in html_text


# ------------------------------------------------------------- reading tables


def test_tables_show_readable_headers_not_column_names():
    html = threats.tests_table(2014).to_html()
    assert "Missiles (CNS)" in html and "Launch days (CNS, Korean date)" in html
    assert "missiles_cns" not in html and "launch_days_cns" not in html
    assert "2014-2026 (2026 to 19 April)" in html
    polls = threats.nuclear_polls_table().to_html()
    assert "In favour (%)" in polls and "support_pct" not in polls
    assert "66.0" in polls  # KINU 2024


def test_a_year_range_with_no_japanese_count_still_draws_a_table():
    # 2024-26 has no Ministry of Defense figures: the columns are all missing.
    html = threats.tests_table(2024).to_html()
    assert "—" in html and "2024-2026" in html
