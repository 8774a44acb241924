"""Lessons 01-02: dated positions on the history disputes, and treaty labels by their own obligation."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import alliance_network, positions
from helpers.data import load_dataset

HISTORY_TOPICS = ["claims_1965", "comfort_women_2015", "forced_labour_rulings", "textbooks_yasukuni"]


@pytest.mark.parametrize("topic", HISTORY_TOPICS)
def test_every_history_position_says_when_it_was_stated(topic):
    rows = positions.positions_table(topic)
    for side in ("japan", "korea"):
        undated = rows[rows[f"{side}_as_of"].isna() | (rows[f"{side}_as_of"].astype(str).str.strip() == "")]
        assert undated.empty, f"{topic}: {side} position without a date in {list(undated['claim_id'])}"


def test_seouls_changing_position_on_2015_is_shown_per_government():
    rows = positions.positions_table("comfort_women_2015")
    periods = " | ".join(rows["korea_as_of"].astype(str))
    for government in ("Moon", "Yoon", "Lee"):
        assert government in periods, f"no dated Korean position for the {government} government"
    lee = rows[rows["korea_as_of"].astype(str).str.contains("Lee")]
    assert lee["korea_position"].str.contains("undesirable to overturn").any()


def test_the_course_voice_is_neutral_on_wartime_labour():
    assert positions.TOPIC_TITLES["forced_labour_rulings"] == "the 2018 Supreme Court rulings on wartime labour"
    terms = positions.positions_table("forced_labour_rulings")
    named = terms[terms["aspect"] == "what to call the wartime workers"].iloc[0]
    assert "Former civilian workers from the Korean Peninsula" in named["japan_position"]
    assert "Forced labour" in named["korea_position"]


def test_positions_text_shows_the_dates():
    text = positions.positions_text("claims_1965")
    assert "(As stated in August 2005)" in text


def test_lesson_02_events_are_sorted_and_named_for_their_strand():
    events = load_dataset("events")
    assert list(events["date"]) == sorted(events["date"])
    ours = events[events["event_id"].str.match(r"^ev\d{4}_h\d+$")]
    assert len(ours) >= 15
    assert (ours["event_id"].str[2:6].astype(int) == pd.to_datetime(ours["date"]).dt.year).all()
    assert set(ours["category"]) <= {"courts", "history_apology", "diplomacy"}
    # every row of the history strand is taught in lesson 01 or 02 (later lessons may reuse it)
    assert all({"01", "02"} & set(tags.split(";")) for tags in ours["lessons"]), ours["lessons"].tolist()


def test_each_defence_treaty_is_labelled_with_its_own_obligation():
    links = alliance_network.alliance_links(2019).set_index("name")
    japan = links.loc["Treaty of Mutual Cooperation and Security between Japan and the United States", "description"]
    korea = links.loc["Mutual Defense Treaty between the United States and the Republic of Korea", "description"]
    assert "territory under Japan's administration" in japan and "not the US homeland" in japan
    assert "constitutional processes" in korea and "Pacific area" in korea
    assert "promise to act if the other is attacked" not in " ".join(links["description"])
    early = alliance_network.alliance_links(1955).set_index("name")
    assert "no explicit US duty to defend Japan" in early.loc["Security Treaty between the United States and Japan", "description"]
    assert "Art. V" in alliance_network.alliance_diagram(2019).alt_text
