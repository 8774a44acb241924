"""``make handouts``: one PDF per lesson, printed from the built site by headless Chromium.

Each PDF is read with pypdfium2 (PDFium's text layer) and must carry the lesson's title, every quiz question
of its bank, its Sources section with the first source, and page numbers from the
print stylesheet ("Page 1 of N"); no launch button or search box is printed.
"""
from __future__ import annotations

import json
import re
import unicodedata

import pytest
import yaml
from test_site import LESSONS, ROOT, course_site, site  # noqa: F401  (site: the session fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def flat(text: str) -> str:
    """PDF text with ligatures, typographic quotes, hyphen breaks and spacing made plain."""
    text = unicodedata.normalize("NFKC", text)  # ligatures (fi, ffi, ...) back to letters
    # (PDFium marks a soft hyphen at a line break as U+FFFE or U+0002)
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00ad", ""),
                 ("\ufffe", ""), ("\x02", "")):
        text = text.replace(a, b)
    return re.sub(r"\s+", "", text)


def pdf_pages(pdf) -> list[str]:
    """The text of each page of ``pdf``."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


@pytest.fixture(scope="module")
def handouts(site, tmp_path_factory):  # noqa: F811
    if not course_site.CHROMIUM.exists():
        pytest.skip(f"{course_site.CHROMIUM} is not installed")
    out = tmp_path_factory.mktemp("handouts")
    course_site.handouts(site, out)
    return out


def test_one_pdf_per_lesson_with_title_quiz_and_sources(handouts):
    for lesson in LESSONS:
        pdf = handouts / f"{lesson.stem}.pdf"
        assert pdf.is_file(), f"no handout for {lesson.name}"
        pages = pdf_pages(pdf)
        text = flat(" ".join(pages))
        nb = json.loads(lesson.read_text(encoding="utf-8"))
        meta = nb["metadata"]["lesson"]
        assert flat(f"Lesson {meta['number']} · {meta['title']}") in text, f"{pdf.name}: no title"
        assert flat(f"Page 1 of {len(pages)}") in flat(pages[0]), f"{pdf.name}: no page numbers"
        # the launch menu's entries (the lessons themselves never mention Colab)
        assert "Colab" not in " ".join(pages) and "Ctrl" not in pages[0], f"{pdf.name}: buttons printed"
        bank = ROOT / "datasets" / "quizzes" / f"{lesson.name[:2]}.yaml"
        if bank.exists():
            for q in yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"]:
                assert flat(q["prompt"])[:50] in text, f"{pdf.name}: question {q['id']} missing"
        cell = next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
                    and re.search(r"^## Sources\s*$", "".join(c["source"]), re.M))
        body = re.split(r"^## Sources\s*$", cell, flags=re.M)[1].strip()
        line = next(ln for ln in body.splitlines() if ln.strip().startswith(("-", "*", "1.")))
        first = re.sub(r"[*_`\[\]]|\(http[^)]*\)", "", re.sub(r"^\s*(?:[-*]|\d+\.)\s*", "", line))
        assert "Sources" in " ".join(pages), f"{pdf.name}: no Sources heading"
        # markup characters are dropped on both sides (a file name's "_" is text in the PDF)
        assert flat(first)[:40] in text.replace("_", ""), f"{pdf.name}: first source missing: {first[:60]}"
