"""The course figure (helpers.figures): every chart's source line and labels, as a reader sees them."""
from __future__ import annotations

import re

import pytest

from helpers import alliance_network, figures, money, opinion, threats
from helpers.data import citation, cite

CHARTS = {
    "sma_chart": lambda: money.sma_chart(),
    "sma_chart_at_a_rate": lambda: money.sma_chart(1300),
    "burden_sharing_chart": lambda: money.burden_sharing_chart(),
    "burden_sharing_chart_2026_release": lambda: money.burden_sharing_chart("sipri_2026", 2025),
    "release_chart": lambda: money.release_chart(),
    "release_chart_every_release": lambda: money.release_chart("KOR", money.releases()),
    "opinion_chart": lambda: opinion.opinion_chart(),
    "alliance_diagram": lambda: alliance_network.alliance_diagram(),
    "threat_chart": lambda: threats.threat_chart(),
}
#: A code as the datasets write it: lower-case words joined by underscores (sipri_2024, us_japan_1960).
INTERNAL_ID = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


@pytest.fixture(scope="module", params=sorted(CHARTS))
def chart(request):
    return CHARTS[request.param]()


def _caption(page: str) -> str:
    return page.split("<figcaption>", 1)[1].split("</figcaption>", 1)[0]


def test_the_source_line_is_each_datasets_citation_in_the_course_style(chart):
    page = chart.to_html()
    caption = _caption(page)
    assert chart.datasets, "every chart cites at least one dataset"
    # one paragraph per dataset, exactly what helpers.data.citation(name) shows under a table or map
    paragraphs = re.findall(r"<p\b.*?</p>", caption, flags=re.S)
    assert paragraphs == [citation(name)._repr_html_() for name in chart.datasets]
    assert chart.citation.splitlines() == [cite(name) for name in chart.datasets]
    assert "<small" not in caption and " | " not in caption


def test_the_source_line_is_readable_and_wraps_between_words(chart):
    styles = re.findall(r'<p [^>]*style="([^"]*)"', _caption(chart.to_html()))
    assert len(styles) == len(chart.datasets)
    for style in styles:
        rules = dict(rule.split(":", 1) for rule in style.split(";") if rule)
        size = float(rules["font-size"].removesuffix("em"))
        assert 0.8 <= size <= 1.0, f"source line at {size}em: too small to read"
        assert float(rules["line-height"]) <= 1.5, "source line double-spaced"
        assert rules["word-break"] == "normal" and rules["overflow-wrap"] == "break-word"
        assert rules["white-space"] == "normal"


def test_no_title_legend_or_axis_label_shows_an_internal_id(chart):
    shown = []
    for ax in chart.axes:
        shown += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            shown += [t.get_text() for t in legend.get_texts()]
        shown += [t.get_text() for t in ax.texts]
    shown.append(chart.alt_text)
    for text in filter(None, shown):
        assert not INTERNAL_ID.search(text), f"internal id in {text!r}"


def test_every_release_reads_in_words():
    for release in money.releases():
        assert not INTERNAL_ID.search(money.release_name(release)), release
    assert money.release_name("sipri_2031") == "SIPRI 2031 release"
    assert money.release_name("worldbank_2018") == "World Bank WDI (2018)"
    assert money.release_name("imf_weo") == "imf weo"


def test_a_figure_shows_itself_once_as_html_only():
    fig, ax = figures.new_figure((2, 1))
    ax.plot([0, 1], [1, 0])
    figures.finish(fig, "A falling line.", ["events", "opinion"])
    assert fig.datasets == ("events", "opinion")
    assert not hasattr(fig, "_repr_png_"), "a PNG representation would draw the chart a second time"
    page = fig._repr_html_()
    assert page.startswith('<figure style="margin:0"><img src="data:image/png;base64,')
    assert page.count("<img") == 1 and 'alt="A falling line."' in page
    assert repr(fig).splitlines()[1] == "A falling line."


def test_one_of_names_the_choices():
    assert figures.one_of(2019, ["2018", "2019"], "year") == "2019"
    with pytest.raises(figures.ChartError, match="There is no colour called 'teal'. Choose one of: red, blue."):
        figures.one_of("teal", ["red", "blue", "red"], "colour")
