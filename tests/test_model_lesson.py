"""Lesson 06's prose states what the model actually prints (numbers and match counts)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import models

LESSON = Path(__file__).resolve().parents[1] / "lessons" / "06_theory_lab.ipynb"


def _markdown() -> str:
    nb = json.loads(LESSON.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


CLAIMS = [
    # (text the lesson contains, the model value it must equal)
    ("cooperation (+0.49)", lambda: models.quasi_alliance(**models.SCENARIOS["both allies doubt the US"]).score, 0.49),
    ("worst score (-0.86)", lambda: models.quasi_alliance(**models.SCENARIOS["one ally doubts the US"]).score, -0.86),
    ("the score is -0.36, **friction**", lambda: models.quasi_alliance(**models.SCENARIOS["both allies feel secure"]).score,
     -0.36),
    ("The model says friction (-0.39)", lambda: models.quasi_alliance(0.7, 0.5).score, -0.39),
    ("the model gives +0.15, cooperation exactly on the threshold", lambda: models.quasi_alliance(0.5, 0.5).score, 0.15),
    ("with Japan at 0.6 and South Korea at 0.5 it gives -0.12, mixed", lambda: models.quasi_alliance(0.6, 0.5).score,
     -0.12),
]


def test_open_case_labels_are_the_models():
    assert models.quasi_alliance(0.5, 0.5).label == "cooperation"
    assert models.quasi_alliance(0.6, 0.5).label == "mixed"


def test_explorer_step_five_history_alone_does_not_reach_friction():
    # Step 5 of "Explore the model": shared fear (0.3/0.3), history at 1 with its switch on.
    p = models.quasi_alliance(0.3, 0.3, history_salience=1.0, historical_enmity=True)
    assert p.label == "mixed" and p.score == pytest.approx(-0.01, abs=1e-9)


def test_reasons_never_print_a_negative_zero():
    p = models.quasi_alliance(0.8, 0.8, korea_fears_abandonment_by_japan=0.0)
    assert "-0.00" not in p.explain()


@pytest.mark.parametrize("text,value,expected", CLAIMS)
def test_numbers_in_the_prose_are_the_models(text, value, expected):
    assert text in _markdown()
    assert value() == pytest.approx(expected, abs=1e-9)


def test_both_secure_is_friction_and_both_doubting_is_cooperation_in_prose_and_model():
    md = _markdown()
    assert "both secure scores -0.36 (friction), both doubting +0.49 (cooperation)" in md
    assert models.quasi_alliance(0.8, 0.8).label == "friction"
    assert models.quasi_alliance(0.3, 0.3).label == "cooperation"


def test_match_counts_in_the_prose_are_the_models():
    md = _markdown()
    table = models.hypothesis_table().set_index("episode")
    counts = table.loc["matches"]
    assert "Cha's model alone matches four of the six episodes" in md and counts["Cha alone"] == "4"
    assert "it matches three episodes, one fewer than Cha alone" in md and counts["Cha + threat"] == "3"
    assert "moves every score down by 0.25 and changes no label" in md
    episodes = table.drop(index="matches")
    alone = [v.split()[0] for v in episodes["Cha alone"]]
    history = [v.split()[0] for v in episodes["Cha + history"]]
    assert alone == history
    assert "It lifts 2022-24 from friction to mixed" in md
    assert episodes.loc["course_2022_24", "Cha alone"].startswith("friction")
    assert episodes.loc["course_2022_24", "Cha + threat"].startswith("mixed")
    assert "No setting fits 2022-24" in md
    assert all(not v.startswith("cooperation") for v in episodes.loc["course_2022_24", list(models.VARIANTS)])
