"""What students read of a scenario names its sources in words, not dataset ids.

The setting, the briefs and the debrief (lesson 11 prints all three) show an event as its
date and title in the course timeline and a claim as the positions table it belongs to;
the ids stay traceable for instructors, with ``ids=True`` and in the HTML brief's tooltip.
"""
from __future__ import annotations

import re

import pytest

from helpers import render
from helpers import simulation as sim
from helpers.data import load_dataset

SCENARIOS = sim.list_scenarios()
CLAIM_IDS = set(load_dataset("claims")["claim_id"])
EVENT_ID = re.compile(r"\bev\d{4}_\w+")


def _ids_in(text: str) -> list[str]:
    words = set(re.findall(r"[a-z0-9_]+", text))
    return sorted(set(EVENT_ID.findall(text)) | (words & CLAIM_IDS))


def _student_texts(sc):
    yield "setting", sim.setting_text(sc)
    yield "debrief", sim.debrief_text(sc)
    for r in sc["roles"]:
        for level in ("basic", "advanced"):
            yield f"{r['id']} {level} brief", sim.brief_text(sc, r["id"], level)


@pytest.mark.parametrize("name", SCENARIOS)
def test_student_texts_carry_no_dataset_ids(name):
    sc = sim.load_scenario(name)
    for where, text in _student_texts(sc):
        assert _ids_in(text) == [], f"{name} {where}: {_ids_in(text)}"
        assert "[events " not in text and "; claims " not in text, where


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_instructors_copy_keeps_every_cited_id(name):
    sc = sim.load_scenario(name)
    shown = sim.setting_text(sc, ids=True) + sim.debrief_text(sc, ids=True) + "".join(
        sim.brief_text(sc, r["id"], "advanced", ids=True) for r in sc["roles"])
    cited = sim.cited_ids(sc)
    # every id cited by a setting, brief or debrief fact is shown (the rules and options cite none)
    for eid in cited["events"]:
        assert eid in shown, eid
    for cid in cited["claims"]:
        assert cid in shown, cid


def test_an_event_reads_as_its_date_and_title_and_a_claim_as_its_table():
    sc = sim.load_scenario("gsomia_2019")
    setting = sim.setting_text(sc)
    assert "(Source: course timeline: 22 August 2019, Seoul says it will not renew GSOMIA)" in setting
    assert "29 December 2014, Trilateral Information Sharing Arrangement (TISA)" in setting
    seoul = sim.brief_text(sc, "seoul")
    assert ("(Source: positions on the 2019 notice to end GSOMIA, the military-information agreement "
            "(reason for the 2019 notice))") in seoul
    assert "(Source: The Hill, 22 August 2019 (Pentagon statement))" in seoul
    assert "[events ev2019_57; claims gsomia_2019_01]" in sim.brief_text(sc, "seoul", ids=True)


def test_a_dates_precision_is_kept():
    from helpers.simulation.text import _date_words
    assert _date_words("2019-08-22", "day") == "22 August 2019"
    assert _date_words("2019-08-01", "month") == "August 2019"
    assert _date_words("2019-01-01", "year") == "2019"


def test_the_html_brief_shows_words_and_puts_the_ids_in_a_tooltip():
    sc = sim.load_scenario("gsomia_2019")
    html = sim.brief_html(sc, "seoul")
    assert "title='Dataset rows: events ev2019_57; claims gsomia_2019_01'" in html
    visible = re.sub(r"title='[^']*'", "", html)
    assert _ids_in(visible) == []
    assert "(Source: course timeline: 22 August 2019, Seoul says it will not renew GSOMIA" in visible


def test_a_hostile_fact_in_the_brief_template_is_escaped_in_text_and_tooltip():
    bad = '<img src=x onerror="window.__pwned=1">`${1}`\''
    html = render.render("simulation/brief.html", heading="h",
                         parts=[("t", [{"text": bad, "sources": bad, "ids": bad}])])
    assert "<img" not in html and 'onerror="' not in html
    assert html.count("&lt;img") == 3 and "&#39;" in html
