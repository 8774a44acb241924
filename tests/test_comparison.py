"""The lesson-10 comparison is built from the datasets and refuses ids it cannot find."""
from __future__ import annotations

import pytest

from helpers import comparison
from helpers.errors import CourseError


def test_table_has_both_periods_for_every_aspect():
    df = comparison.then_and_now()
    assert list(df.columns) == ["aspect", "January 2019", "2025-26", "evidence"]
    assert len(df) == len(comparison.ASPECTS) + 2
    assert df["January 2019"].str.len().min() > 20 and df["2025-26"].str.len().min() > 20
    assert not df.astype(str).apply(lambda c: c.str.contains(r"\$")).any().any(), "write US$ or ₩, never a bare $"


def test_every_cited_event_exists_and_is_dated():
    df = comparison.then_and_now()
    leaders = df.loc[df["aspect"] == "Leaders", "evidence"].iloc[0]
    assert "ev2025_p3 (2025-06-04)" in leaders and "ev2025_p19 (2025-10-21)" in leaders


def test_cost_sharing_row_reads_the_dataset():
    row = comparison.then_and_now().set_index("aspect").loc["Korea's cost-sharing payment"]
    assert "10th SMA" in row["January 2019"] and "2019" in row["January 2019"]
    assert "SMA" in row["2025-26"]


def test_unknown_event_id_gives_a_plain_message(monkeypatch):
    bad = [dict(comparison.ASPECTS[0], now_events=["ev2099_nope"])]
    monkeypatch.setattr(comparison, "ASPECTS", bad)
    with pytest.raises(CourseError, match="ev2099_nope"):
        comparison.then_and_now()


def test_summary_counts_cited_rows():
    text = comparison.evidence_summary()
    assert text.startswith(f"{len(comparison.ASPECTS) + 2} aspects compared")
    assert "all found in the dataset" in text


def test_reading_version_shows_titles_and_dates_not_ids_or_column_names():
    df = comparison.then_and_now(for_reading=True)
    assert list(df.columns) == ["Aspect", "January 2019", "2025-26", "Evidence (course datasets)"]
    text = " ".join(df.astype(str).to_numpy().ravel())
    assert "Lee Jae-myung takes office (4 June 2025)" in text
    for raw in ("ev20", "sma_cost_sharing", "good_impression", "koreans_on_japan"):
        assert raw not in text, raw
