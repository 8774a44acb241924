"""Standards for lessons 03 (the islets) and 04 (military clashes) that a review asked for.

Each test reads the committed files, so a later edit that drops a date, an
application question or a timing row fails here with the file and row named.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import data, quiz

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ("liancourt_sovereignty", "sea_name", "rising_sun_flag", "radar_incident_2018",
          "gsomia_2019", "export_controls_2019")
LESSONS = {"03": ROOT / "lessons" / "03_the_islets.ipynb",
           "04": ROOT / "lessons" / "04_when_allies_militaries_clash.ipynb"}
GUIDES = {"03": ROOT / "instructors" / "03_the_islets.md",
          "04": ROOT / "instructors" / "04_when_allies_militaries_clash.md"}


def _lesson_text(number: str) -> str:
    nb = json.loads(LESSONS[number].read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_every_position_on_these_topics_is_dated():
    claims = data.load_dataset("claims")
    rows = claims[claims["topic"].isin(TOPICS)]
    assert len(rows) > 0
    for _, row in rows.iterrows():
        for side in ("japan", "korea"):
            value = row[f"{side}_as_of"]
            assert isinstance(value, str) and value.strip(), f"claims {row['claim_id']}: fill {side}_as_of"


def test_both_of_seouls_radar_accounts_are_kept_with_their_dates():
    claims = data.load_dataset("claims")
    radar = claims[claims["topic"] == "radar_incident_2018"].set_index("aspect")
    assert "24 December 2018" in radar.loc["radar used", "korea_as_of"]
    first = [a for a in radar.index if a.startswith("radar used:") and "first account" in a]
    assert first, "keep a row for Seoul's first account of 21-22 December 2018"
    assert "21-22 December 2018" in radar.loc[first[0], "korea_as_of"]


def test_lesson_03_title_puts_the_neutral_name_first():
    nb = json.loads(LESSONS["03"].read_text(encoding="utf-8"))
    title = nb["metadata"]["lesson"]["title"]
    assert "the Liancourt Rocks (Dokdo/Takeshima)" in title
    assert "".join(nb["cells"][0]["source"]).startswith(f"# Lesson 03 · {title}\n")


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_sea_names_follow_the_alphabetical_rule(number):
    text = _lesson_text(number) + GUIDES[number].read_text(encoding="utf-8")
    assert "Sea of Japan/East Sea" not in text


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_lessons_show_and_record_their_currency(number):
    nb = json.loads(LESSONS[number].read_text(encoding="utf-8"))
    current_to = nb["metadata"]["lesson"]["current_to"]
    assert re.fullmatch(r"\d{4}-\d{2}", current_to)
    assert "*Facts checked to " in "".join(nb["cells"][0]["source"])
    events = data.load_dataset("events")
    tagged = events[events["lessons"].str.split(";").apply(lambda ns: number in ns)]
    assert tagged["date"].max().strftime("%Y-%m") <= current_to


@pytest.mark.parametrize("number", sorted(LESSONS))
def test_banks_have_application_questions(number):
    bank = quiz.validate_bank(number)
    applied = [q["id"] for q in bank["questions"] if "-apply-" in q["id"]]
    assert len(applied) >= 2, f"bank {number}: add application questions (ids with '-apply-')"
    for q in bank["questions"]:
        if q["id"] in applied:
            assert q["prompt"].startswith("New"), f"{q['id']}: an application question opens with the new case"


@pytest.mark.parametrize("number", sorted(GUIDES))
def test_instructor_timing_adds_up_to_the_lesson_minutes(number):
    nb = json.loads(LESSONS[number].read_text(encoding="utf-8"))
    minutes = nb["metadata"]["lesson"]["minutes"]
    text = GUIDES[number].read_text(encoding="utf-8")
    table = text.split("## Timing", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| Section")
            and not line.startswith("| **Total")]
    total = sum(int(line.split("|")[2].strip()) for line in rows if line.split("|")[2].strip().isdigit())
    assert total == minutes, f"{GUIDES[number].name}: timing rows add up to {total}, not {minutes}"
    assert f"**{minutes}**" in table


@pytest.mark.parametrize("number", sorted(GUIDES))
def test_every_open_exercise_has_a_rubric(number):
    text = GUIDES[number].read_text(encoding="utf-8")
    rubrics = re.findall(r"^### Rubric", text, flags=re.M)
    assert len(rubrics) >= 2, f"{GUIDES[number].name}: a rubric for each open exercise"


def test_lesson_03_sets_both_ministries_texts_side_by_side():
    text = _lesson_text("03")
    assert "## In their own words" in text
    assert "mofa.go.jp" in text and "dokdo.mofa.go.kr" in text
