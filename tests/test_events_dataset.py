"""The events table tells each event once: no two rows on one day with the same countries and title."""
from __future__ import annotations

import re
from itertools import combinations

from helpers.data import load_dataset

STOP = {"the", "a", "an", "of", "on", "in", "to", "and", "for", "with", "its", "is", "at", "by"}


def _words(title: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", title.lower()) if w not in STOP}


def _similar(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def test_no_event_is_told_twice_on_the_same_day():
    events = load_dataset("events")
    twins = []
    for _, day in events.groupby(events["date"].astype(str)):
        for (_, a), (_, b) in combinations(day.iterrows(), 2):
            same_countries = set(a["countries"].split(";")) == set(b["countries"].split(";"))
            if same_countries and _similar(a["title"], b["title"]) >= 0.6:
                twins.append((a["event_id"], b["event_id"], a["title"], b["title"]))
    assert not twins, "the same event in two rows (merge them, keeping every lesson tag):\n" + "\n".join(map(str, twins))


def test_the_similarity_rule_catches_a_pair_it_should():
    # The pair this test was written for (two rows for the 2026 Nara summit, one per lesson).
    assert _similar("Lee-Takaichi summit in Nara", "Lee-Takaichi summit in Nara") == 1.0
    assert _similar("China advises its citizens to avoid travel to Japan",
                    "China protests and tells its citizens to avoid Japan") >= 0.6
    assert _similar("Lee's state visit to China", "Third Freedom Edge exercise") == 0.0
