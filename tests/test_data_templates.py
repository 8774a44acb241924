"""The dataset citation's template (helpers/templates/data/): its text is escaped."""
from __future__ import annotations

from helpers.data import _Citation
from helpers.render import render
from hostile_text import HOSTILE, assert_escaped


def test_dataset_citation_escapes_its_text():
    assert_escaped(_Citation(HOSTILE)._repr_html_(), times=1)
    assert_escaped(render("data/citation.html", text=HOSTILE), times=1)
