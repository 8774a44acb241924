"""The alliance diagram of lesson 01 (helpers.alliance_network.alliance_links / alliance_diagram)."""
from __future__ import annotations

import pytest

from helpers import alliance_network, figures
from helpers.data import load_dataset


def test_links_at_the_article_date_have_no_japan_korea_defence_treaty():
    links = alliance_network.alliance_links(2019)
    pairs = set(zip(links["pair"], links["kind"]))
    assert ("JPN-USA", "defence_treaty") in pairs and ("KOR-USA", "defence_treaty") in pairs
    assert ("JPN-KOR", "defence_treaty") not in pairs
    assert ("JPN-KOR", "intelligence_agreement") in pairs  # GSOMIA
    assert ("three-way", "intelligence_arrangement") in pairs  # TISA


def test_newer_treaty_replaces_older_one_between_same_parties():
    links = alliance_network.alliance_links(2019)
    us_japan = links[(links["pair"] == "JPN-USA") & (links["kind"] == "defence_treaty")]
    assert list(us_japan["signed"]) == [1960]
    assert list(alliance_network.alliance_links(1955).query("pair == 'JPN-USA'")["signed"]) == [1951]


def test_links_follow_the_year_and_the_data():
    data = load_dataset("alliances")
    signed_by_2016 = data[data["signed"].dt.year <= 2016]
    assert len(alliance_network.alliance_links(2016)) < len(data)
    assert alliance_network.alliance_links(2016)["signed"].max() == int(signed_by_2016["signed"].dt.year.max())
    assert "political_commitment" not in set(alliance_network.alliance_links(2019)["kind"])
    assert "political_commitment" in set(alliance_network.alliance_links(2023)["kind"])


def test_diagram_has_alt_text_in_words_and_a_citation():
    fig = alliance_network.alliance_diagram()
    assert "There is no defence treaty between Japan and South Korea" in fig.alt_text
    assert "Mutual Defense Treaty" in fig.alt_text and "(1953" in fig.alt_text
    assert 'Course dataset "alliances" (datasets/alliances.csv)' in fig.citation
    html = fig.to_html()
    assert html.startswith("<figure") and 'alt="Network diagram' in html


@pytest.mark.parametrize("bad", [1900, "soon", 2019.5, True])
def test_bad_year_is_a_plain_message(bad):
    with pytest.raises(figures.ChartError):
        alliance_network.alliance_diagram(bad)


def test_alliances_table_reads_in_words_not_codes():
    shown = alliance_network.alliances_table()
    assert list(shown.columns) == ["Agreement", "Parties", "Signed", "In force", "Kind"]
    text = " ".join(shown["Parties"]) + " " + " ".join(shown["Kind"])
    for code in ("JPN", "KOR", "USA", ";", "_"):
        assert code not in text
    tisa = shown[shown["Agreement"].str.startswith("Trilateral Information")].iloc[0]
    assert tisa["Parties"] == "Japan, South Korea and United States"  # alphabetical, as the course lists governments
    assert tisa["Kind"] == "information-sharing arrangement (not binding)"
    assert shown["Signed"].is_monotonic_increasing
    assert len(shown) == len(load_dataset("alliances"))
