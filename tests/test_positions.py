"""Both governments' positions, side by side, from the claims dataset."""
from __future__ import annotations

import pytest
from markupsafe import escape

from helpers import positions
from helpers.data import load_dataset
from helpers.errors import CourseError


@pytest.fixture(scope="module")
def claims():
    return load_dataset("claims")


def test_every_topic_has_a_neutral_title(claims):
    assert set(claims["topic"]) == set(positions.TOPIC_TITLES)


def test_table_shows_every_aspect_with_both_positions_and_sources(claims):
    rows = claims[claims["topic"] == "radar_incident_2018"]
    page = positions.positions_html("radar_incident_2018")
    assert page.count("<tr>") == len(rows) + 1  # header + one row per aspect
    for _, row in rows.iterrows():
        for side in ("japan", "korea"):
            assert escape(row[f"{side}_position"]) in page
    assert "the radar incident of 20 December 2018" in page
    # Same order everywhere: Japan, then South Korea (alphabetical), so neither answers the other.
    assert page.index("Japan&#39;s government") < page.index("South Korea&#39;s government")
    assert "Course dataset &#34;claims&#34; (datasets/claims.csv)" in page


def test_plain_text_version_for_screen_readers(claims):
    text = repr(positions.show_positions("sea_name"))
    n = int((claims["topic"] == "sea_name").sum())
    assert text.count("Japan's government (Tokyo):") == n and text.count("South Korea's government (Seoul):") == n


def test_dataset_text_is_escaped(monkeypatch, claims):
    evil = claims.copy()
    evil.loc[evil.index[0], "japan_position"] = "<script>alert(1)</script>"
    monkeypatch.setattr(positions, "load_dataset", lambda name: evil.copy())
    page = positions.positions_html(evil.loc[evil.index[0], "topic"])
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_topic_gives_a_plain_message_with_a_suggestion():
    with pytest.raises(CourseError, match=r"Did you mean 'sea_name'"):
        positions.show_positions("sea_nam")


def test_compare_accounts_steps_through_the_aspects(claims):
    shown = positions.compare_accounts("radar_incident_2018")
    aspect_pick, view_pick, status, panel, buttons = shown.widget.children
    prev_button, next_button = buttons.children
    rows = claims[claims["topic"] == "radar_incident_2018"].reset_index(drop=True)
    assert "Aspect 1 of" in status.value and prev_button.disabled
    first_japan = str(escape(rows.loc[0, "japan_position"]))
    first_korea = str(escape(rows.loc[0, "korea_position"]))
    assert first_japan in panel.value and first_korea not in panel.value
    view_pick.value = "korea"
    assert first_korea in panel.value and first_japan not in panel.value
    view_pick.value = "both"
    assert first_japan in panel.value and first_korea in panel.value
    next_button.click()
    assert "Aspect 2 of" in status.value and not prev_button.disabled
    for _ in range(len(rows)):
        next_button.click()
    assert f"Aspect {len(rows)} of {len(rows)}" in status.value and next_button.disabled
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "<table" in bundle["text/html"]
