"""helpers.course: the source article's citation and the table of its themes."""
from __future__ import annotations

import json

from helpers import LESSONS_DIR, course
from hostile_text import HOSTILE, assert_escaped, parse


def test_article_citation_is_publisher_title_date_and_address():
    assert course.article_citation() == (
        'Asia Times, "Fractures opening across democratic Northeast Asia defense front", January 2019. '
        "https://asiatimes.com/2019/01/fractures-opening-across-democratic-northeast-asia-defense-front/"
    )


class _Cells:
    """The table's cells as text, row by row (header row first)."""

    def __init__(self, page: str):
        from html.parser import HTMLParser

        rows: list[list[str]] = []

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                if tag == "tr":
                    rows.append([])
                elif tag in ("td", "th"):
                    rows[-1].append("")

            def handle_data(self, data):
                if rows and rows[-1]:
                    rows[-1][-1] += data

        P(convert_charrefs=True).feed(page)
        self.rows = [[" ".join(c.split()) for c in r] for r in rows]


def _titles_from_the_notebooks() -> dict[str, str]:
    titles = {}
    for path in LESSONS_DIR.glob("[0-9][0-9]_*.ipynb"):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["lesson"]
        titles[meta["number"]] = meta["title"]
    return titles


def test_themes_html_lists_each_theme_with_its_lessons_by_number_and_title():
    page = course.themes_html()
    rows = _Cells(page).rows
    t = _titles_from_the_notebooks()
    assert rows[0] == ["Theme", "Lessons"]
    assert [r[0] for r in rows[1:]] == [
        "The missing Japan-South Korea link in the US-led front",
        "History: colonial rule, the 1965 settlement, comfort women, wartime labour",
        "The islets: the Liancourt Rocks (Dokdo/Takeshima) and the sea's name",
        "Security ties fracturing: flags, radar, flybys, cancelled visits",
        "Who pays for US troops in South Korea",
    ]
    assert rows[1][1] == ", ".join(f"{n} {t[n]}" for n in ("01", "06", "08", "09", "10"))
    assert rows[3][1] == f"03 {t['03']}"
    assert rows[5][1] == f"05 {t['05']}, 10 {t['10']}"
    assert "The article's themes and where the course treats them" in "".join(parse(page).text)
    # headings are column headings, and every cell is left-aligned (JupyterLab right-aligns by default)
    cells = [a for tag, a in parse(page).tags if tag in ("td", "th")]
    assert all("text-align:left" in a["style"] for a in cells)


def test_themes_html_escapes_lesson_titles_and_keeps_a_lesson_without_a_title(monkeypatch):
    monkeypatch.setattr(course, "lessons", lambda: [{"number": "01", "title": HOSTILE}, {"number": "02"}])
    page = course.themes_html()
    assert_escaped(page, times=1)
    history = _Cells(page).rows[2]
    assert history == ["History: colonial rule, the 1965 settlement, comfort women, wartime labour", "02"]
