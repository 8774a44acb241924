"""The course module's template (helpers/templates/course/): the set-up check's fallback."""
from __future__ import annotations

from helpers.render import render
from hostile_text import parse


def test_widget_check_fallback_is_an_alert_with_advice():
    page = render("course/widget_check_fallback.html")
    tags = [t for t, _ in parse(page).tags]
    assert tags[0] == "div" and parse(page).tags[0][1] == {"role": "alert"}
    assert "make lab" in page and "pip install -e ." in page and tags.count("code") == 3
