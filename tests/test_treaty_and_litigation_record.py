"""Checks on facts a specialist reviewer corrected in lessons 01 and 02 (December 2026)."""
import json
from pathlib import Path

from helpers import alliance_network
from helpers.data import load_dataset

ROOT = Path(__file__).resolve().parent.parent


def _lesson_text(name):
    nb = json.loads((ROOT / "lessons" / name).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_both_defence_treaties_carry_their_constitutional_qualifier():
    links = alliance_network.alliance_links(2019).set_index("name")
    japan = links.loc["Treaty of Mutual Cooperation and Security between Japan and the United States", "description"]
    assert "constitutional provisions and processes" in japan
    text = _lesson_text("01_missing_side_of_the_triangle.ipynb")
    assert "in accordance with its constitutional provisions and processes" in text
    assert "external* armed attack" in text  # the US Senate understanding on the 1953 treaty


def test_cha_asymmetry_is_stated_as_in_lesson_06():
    text = _lesson_text("01_missing_side_of_the_triangle.ipynb")
    assert "each side has wanted more support from the other" not in text
    assert "Seoul feared abandonment by Japan while Japan feared entrapment" in text


def test_litigation_record_dates_and_caveats():
    events = load_dataset("events").set_index("event_id")
    assert str(events.loc["ev2026_h2", "date"])[:10] == "2026-01-29"  # Kumagai Gumi ruling (Newsis, Dong-A)
    assert "disputes consent" in events.loc["ev2024_h3", "title"]
    text = _lesson_text("02_history_that_will_not_stay_past.ipynb")
    assert "83,519 claims" in text and "83,591 claims" not in text
    assert "7 June 2021" in text and "27 January 2025" in text
