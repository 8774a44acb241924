"""The model's templates (helpers/templates/models/): every text field is escaped."""
from __future__ import annotations

from helpers.render import render, safe
from hostile_text import HOSTILE, assert_escaped


def test_prediction_escapes_label_score_and_reasons():
    page = render("models/prediction.html", label=HOSTILE, score=HOSTILE, reasons=[HOSTILE, HOSTILE])
    assert_escaped(page, times=4)


def test_legend_escapes_names_and_meanings():
    page = render("models/legend.html", inputs=[{"name": HOSTILE, "meaning": HOSTILE}] * 2)
    assert_escaped(page, times=4)


def test_explorer_static_passes_each_fragment_once():
    part = safe(render("display/status.html", text=HOSTILE))
    assert_escaped(render("models/explorer_static.html", legend=part, explanation=part, chart=part), times=3)
