"""Map text on its way into folium: escaped as HTML, then made inert inside a JavaScript
template literal (mutation testing of maps.py's escaping functions, docs/mutation.md).

folium writes tooltip and popup HTML between backticks in the page's script: there a
backtick would end the string, "${" start code and a backslash an escape sequence. The
expected strings below are worked out by hand: the template escapes & < > " ', then
` $ \\ become the character references &#96; &#36; &#92;.
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import maps

# a tag, a quote, a backtick, a "${" and a backslash
NASTY = "<b>Rocks</b> & 'Dokdo'`${x}\\"
# escaped: < > & ' by the template, then ` $ \ by the template-literal step
NASTY_OUT = "&lt;b&gt;Rocks&lt;/b&gt; &amp; &#39;Dokdo&#39;&#96;&#36;{x}&#92;"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_a_missing_value_shows_as_nothing(missing):
    assert maps._text(missing) == ""


@pytest.mark.parametrize("value, shown", [(0, "0"), (5, "5"), (2.5, "2.5"), ("nan", "nan"), ("", ""),
                                          ("Takeshima", "Takeshima")])
def test_a_present_value_shows_as_its_text(value, shown):
    # 0 is a value, not a missing one; the word "nan" typed in a cell is text
    assert maps._text(value) == shown


def test_for_js_template_replaces_exactly_backtick_dollar_and_backslash():
    assert maps._for_js_template("`") == "&#96;"
    assert maps._for_js_template("$") == "&#36;"
    assert maps._for_js_template("\\") == "&#92;"
    assert maps._for_js_template("plain <text> & 'quotes'") == "plain <text> & 'quotes'"


def test_a_tooltip_is_the_escaped_text_made_inert():
    assert maps._tooltip(NASTY).text == NASTY_OUT


def test_a_tooltip_shows_the_value_it_was_given():
    assert maps._tooltip("Dokdo").text == "Dokdo"
    assert maps._tooltip(1951).text == "1951"
    assert maps._tooltip(None).text == ""  # a missing name: an empty tooltip, not "None"
    assert maps._tooltip(math.nan).text == ""


def test_a_layer_name_is_the_escaped_text_made_inert():
    assert maps._layer_name(NASTY) == NASTY_OUT
    assert maps._layer_name(None) == ""


def _popup_html(popup):
    (child,) = popup.html._children.values()
    return child


def test_a_popup_holds_the_escaped_title_and_rows_as_ready_html():
    popup = maps._popup(NASTY, [("Name", NASTY), ("Blank", None), ("Spaces", "  "), ("Count", 0)])
    child = _popup_html(popup)
    # helpers/templates/maps/popup.html, with the blank rows left out and 0 kept
    assert child.data == (
        f"<div class='aao-popup'><strong>{NASTY_OUT}</strong><table>"
        f"<tr><th scope='row'>Name</th><td>{NASTY_OUT}</td></tr>"
        "<tr><th scope='row'>Count</th><td>0</td></tr>"
        "</table></div>"
    )
    # already HTML: folium must insert it as it is, not escape it a second time
    assert child.script is True
    rendered = child.render()
    assert NASTY_OUT in rendered and "&amp;lt;" not in rendered


def test_a_popup_row_label_is_escaped_too():
    child = _popup_html(maps._popup("T", [("<i>key</i>`", "v")]))
    assert "<th scope='row'>&lt;i&gt;key&lt;/i&gt;&#96;</th><td>v</td>" in child.data


def test_a_popup_is_at_most_340_pixels_wide():
    assert maps._popup("T", [("k", "v")]).options["max_width"] == 340
