"""The chart modules' templates (figures/, money/, opinion/) escape every field they are given."""
from __future__ import annotations

import pytest

from helpers.render import render, safe

HOSTILE = '<img src=x onerror=alert(1)>"`${1}`'
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;&#34;`${1}`"

TEMPLATES = {
    "figures/figure.html": ("png_base64", "alt", "citations"),
    "money/sma_status.html": ("rate", "first_year", "first_usd_m", "last_year", "last_usd_m"),
    "money/explorer_fallback.html": ("rate", "status", "year_table", "chart"),
    "money/table.html": ("table", "notes", "notes_open", "name"),
    "opinion/status.html": ("text",),
    "opinion/heading.html": ("text",),
    "opinion/explorer_fallback.html": ("status", "chart"),
}


def _hostile_context(fields):
    context = {field: HOSTILE for field in fields}
    if "citations" in context:
        context["citations"] = [HOSTILE, HOSTILE]
    if "notes" in context:
        context["notes"] = [(HOSTILE, HOSTILE, HOSTILE)]
        context["notes_open"] = True
    return context


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_field_of_every_chart_template_is_escaped(name):
    fields = TEMPLATES[name]
    out = render(name, **_hostile_context(fields))
    assert "<img src=x" not in out
    shown = sum(1 for f in fields if f != "notes_open") + ("citations" in fields) + 2 * ("notes" in fields)
    assert out.count(ESCAPED) == shown, out


def test_a_fragment_marked_safe_passes_through_once():
    inner = render("opinion/status.html", text=HOSTILE)
    out = render("opinion/explorer_fallback.html", status=safe(inner), chart=safe("<figure>x</figure>"))
    assert inner in out and "<figure>x</figure>" in out and "<img src=x" not in out


def test_the_notes_fold_appears_only_with_notes():
    closed = render("money/table.html", table="t", notes=[("1", "note", "n")], notes_open=False, name="x")
    assert "<details><summary>Notes and sources, row by row</summary>" in closed
    assert "<details open>" in render("money/table.html", table="t", notes=[("1", "note", "n")],
                                      notes_open=True, name="x")
    assert "<details" not in render("money/table.html", table="t", notes=[], notes_open=False, name="x")


def test_money_view_escapes_hostile_cells_headers_notes_and_caption_once():
    import pandas as pd

    from helpers import money

    df = pd.DataFrame({"country": [HOSTILE], HOSTILE: [HOSTILE], "note": [HOSTILE], "year": [2019]})
    page = money.money_view(df, caption=HOSTILE).html
    assert "<img src=x" not in page
    assert "&amp;lt;" not in page and "&amp;#34;" not in page, "text escaped twice"
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_figure_escapes_its_alt_text():
    from helpers.figures import finish, new_figure

    fig, ax = new_figure((2, 1))
    ax.plot([0, 1], [0, 1])
    page = finish(fig, HOSTILE, "events").to_html()
    assert "<img src=x" not in page and f'alt="{ESCAPED}"' in page
