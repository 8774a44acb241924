"""The course site (``make site``, Jupyter Book 1) is complete, linked, static and accessible.

The site is built once per test session with tools/course_site.py into a temporary
folder (lessons executed by myst-nb, except those the suite's nbval run has just left in
build/executed/, see the root conftest.py; the execution cache in build/site/ makes an
unchanged lesson cost nothing the second time). Then, as files: every lesson, the
syllabus, the datasets page and the instructor guide are there; every internal link
and ``src`` resolves (also inside map iframes); each lesson shows its quiz questions
with the answers folded in ``<details>``; each lesson page has the Binder, JupyterHub
and Colab buttons. In headless Chromium: every page loads with no failed request
except map tiles (Leaflet and jQuery CDN requests are served from .offline/), maps
draw their markers, search finds a lesson, and an axe-core audit of every frame finds
no critical or serious violation. Counts by impact go to test-artifacts/site/axe.json.
Last, ``make handouts`` prints each lesson page of that site to a PDF (end of file).
"""
from __future__ import annotations

import calendar
import json
import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import NODE_MODULES, route_offline, skip_or_fail

from tools import course_site

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
INSTRUCTOR_PAGES = sorted((ROOT / "instructors").glob("*.md"))
ARTIFACTS = ROOT / "test-artifacts" / "site"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.slow




class Page(HTMLParser):
    """Links, ids, iframe srcdocs, <details> blocks and visible text of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.srcdocs: list[str] = []
        self.details: list[str] = []
        self._in_details = 0
        self.outside_details: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "iframe" and a.get("srcdoc"):
            self.srcdocs.append(a["srcdoc"])
        if tag == "details":
            self._in_details += 1
            self.details.append("")

    def handle_endtag(self, tag):
        if tag == "details" and self._in_details:
            self._in_details -= 1

    def handle_data(self, data):
        if self._in_details:
            self.details[-1] += data
        else:
            self.outside_details.append(data)


def parse(text: str) -> Page:
    p = Page()
    p.feed(text)
    return p


def words(text: str) -> str:
    """Whitespace collapsed and Sphinx's typographic quotes made plain again."""
    for curly, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, plain)
    return " ".join(text.split())


_BUILT: dict = {}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built site, once per session (the handouts below print it).

    A lock on the shared build folder makes a second build at the same time (another
    worker or checkout's session, `make site`) wait for the first and then take every
    lesson from its execution cache, instead of both executing every lesson into the
    same folder at once."""
    import fcntl

    if not Path(course_site.sys.executable).with_name("jupyter-book").exists():
        pytest.skip("jupyter-book is not installed (pip install -e '.[site]', or make site)")
    if "site" not in _BUILT:
        course_site.BUILD_DIR.parent.mkdir(parents=True, exist_ok=True)
        with open(course_site.BUILD_DIR.parent / "site.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            _BUILT["site"] = course_site.build(tmp_path_factory.mktemp("site") / "_site", quiet=True)
    return _BUILT["site"]


def lesson_page(site: Path, lesson: Path) -> Path:
    return site / "lessons" / f"{lesson.stem}.html"


def test_every_lesson_instructor_page_and_the_datasets_page_are_built(site):
    assert len(LESSONS) >= 11
    for lesson in LESSONS:
        assert lesson_page(site, lesson).is_file(), f"no page for {lesson.name}"
    for md in INSTRUCTOR_PAGES:
        assert (site / "instructors" / f"{md.stem}.html").is_file(), f"no page for instructors/{md.name}"
    datasets = (site / "site" / "datasets.html").read_text(encoding="utf-8")
    package = json.loads((ROOT / "datasets" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert f"{resource['name']}" in datasets and Path(resource["path"]).name in datasets, resource["name"]
    assert (site / "search.html").is_file() and (site / "searchindex.js").is_file()


def test_the_landing_page_is_the_syllabus_from_the_lessons_metadata(site):
    index = site / "site" / "index.html"
    assert 'site/index.html' in (site / "index.html").read_text(encoding="utf-8"), "root does not open the syllabus"
    parsed = parse(index.read_text(encoding="utf-8"))
    text, refs = words(" ".join(parsed.outside_details)), parsed.links
    total = 0
    for lesson in LESSONS:
        meta = json.loads(lesson.read_text(encoding="utf-8"))["metadata"]["lesson"]
        total += meta["minutes"]
        assert words(meta["title"]) in text, f"syllabus lacks {lesson.name}'s title"
        assert f"../lessons/{lesson.stem}.html" in refs, f"syllabus does not link {lesson.name}"
        year, month = meta["current_to"].split("-")
        assert f"{calendar.month_name[int(month)]} {year}" in text, f"{lesson.name}: no 'facts checked to' month"
        assert f"{meta['minutes']} min" in text
    assert f"{len(LESSONS)} lessons, {total} minutes" in text


def test_each_lesson_page_has_three_launch_buttons_and_the_repository_button(site):
    for lesson in LESSONS:
        links = parse(lesson_page(site, lesson).read_text(encoding="utf-8")).links
        rel = f"lessons/{lesson.name}"
        assert any(u.startswith("https://mybinder.org/v2/gh/") and u.endswith(rel) for u in links), f"{lesson.name}: Binder"
        assert any("/hub/user-redirect/git-pull?" in u and rel in unquote(u) for u in links), f"{lesson.name}: JupyterHub"
        assert any(u.startswith("https://colab.research.google.com/github/") and u.endswith(rel) for u in links), f"{lesson.name}: Colab"
        assert "https://github.com/allies-at-odds/allies-at-odds" in links, f"{lesson.name}: repository button"


def test_each_lesson_shows_its_quiz_questions_with_answers_folded(site):
    checked = 0
    for lesson in LESSONS:
        text = lesson_page(site, lesson).read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-view+json" not in text, f"{lesson.name}: widget view left in page"
        bank = ROOT / "datasets" / "quizzes" / f"{lesson.name[:2]}.yaml"
        if not bank.exists():
            continue
        page = parse(text)
        visible = words(" ".join(page.outside_details))
        folded = [words(d) for d in page.details]
        for q in yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"]:
            prompt = words(q["prompt"])[:60]
            assert prompt in visible, f"{lesson.name}: question {q['id']} is not shown"
            answers = [c["text"] for c in q.get("choices", []) if c.get("correct")] or [
                str(q.get("answer", "")) or (q.get("items") or [""])[0]]
            assert any(words(a)[:40] in d for d in folded for a in answers), (
                f"{lesson.name}: the answer to {q['id']} is not folded in a <details>")
        checked += 1
    assert checked >= 10, f"only {checked} lessons have a quiz bank"


def _local_targets(site: Path):
    pages = site_pages(site)
    parsed = {p: parse(p.read_text(encoding="utf-8")) for p in pages}
    for page, refs in parsed.items():
        links = list(refs.links)
        for doc in refs.srcdocs:  # map iframes carry a whole page
            links += parse(doc).links
        for link in links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            yield page, link, parts, parsed


def test_every_internal_link_and_src_resolves(site):
    broken, count = [], 0
    for page, link, parts, parsed in _local_targets(site):
        count += 1
        target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
        if not target.is_file():
            broken.append(f"{page.relative_to(site)}: {link} (no such file)")
        elif parts.fragment and target.suffix == ".html":
            ids = parsed[target].ids if target in parsed else parse(target.read_text(encoding="utf-8")).ids
            if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                broken.append(f"{page.relative_to(site)}: {link} (no element with that id)")
        elif not target.resolve().is_relative_to(site.resolve()):
            broken.append(f"{page.relative_to(site)}: {link} (outside the site)")
    assert count > 500, f"only {count} internal links: is the site complete?"
    assert not broken, "broken internal links:\n" + "\n".join(broken[:40])


# ------------------------------------------------------------------------ in Chromium

def is_tile(url: str) -> bool:
    """Map tile servers: the only outside requests a page may lose offline."""
    return bool(re.search(r"tile|openstreetmap|cartocdn|arcgisonline|stamen|/\d+/\d+/\d+\.(png|jpg)", url))


AXE_RUN = """async () => {
  axe.configure({allowedOrigins: ['<unsafe_all_origins>']});
  const r = await axe.run(document, {resultTypes: ['violations'],
                                     iframes: true, frameWaitTime: 10000});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5), count: v.nodes.length}));
}"""


def audit(page) -> list[dict]:
    """axe-core in every frame (srcdoc map iframes included), run from the top frame."""
    source = AXE.read_text(encoding="utf-8")
    for frame in page.frames:
        frame.evaluate(source + "\n;0")
        frame.evaluate("() => axe.configure({allowedOrigins: ['<unsafe_all_origins>']})")
    return page.evaluate(AXE_RUN)


def site_pages(site: Path) -> list[Path]:
    """Every page a reader can reach (not the theme's templates in _static/, not the
    root index.html, which only redirects to site/index.html)."""
    return [p for p in sorted(site.rglob("*.html"))
            if p != site / "index.html" and p.relative_to(site).parts[0] not in ("_static", "_sources")]


@pytest.fixture(scope="session")
def served(site):
    """The site over http://127.0.0.1 (as a reader gets it), for the browser tests."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site_page(site, chromium_context):
    if not (NODE_MODULES / "leaflet" / "dist" / "leaflet.js").is_file() or not AXE.is_file():
        pytest.skip("Leaflet, jQuery or axe-core missing from .offline/: run `make offline-assets`")
    page = chromium_context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.request_log, page.failed, page.js_errors = [], [], []
    route_offline(page, page.request_log)
    page.on("requestfailed", lambda r: page.failed.append((r.url, r.failure)))
    page.on("response", lambda r: r.status >= 400 and page.failed.append((r.url, r.status)))
    page.on("pageerror", lambda e: page.js_errors.append(str(e)))
    try:
        yield page
    finally:
        page.close()


@pytest.mark.browser
def test_every_page_loads_renders_its_maps_and_passes_axe(site, served, site_page):
    page = site_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report, problems, maps = {}, [], 0
    for html_page in site_pages(site):
        name = html_page.relative_to(site).as_posix()
        page.failed.clear()
        page.js_errors.clear()
        page.goto(served + name, wait_until="load")
        for el in page.locator("iframe[srcdoc]").element_handles():
            frame = el.content_frame()
            frame.wait_for_selector(".leaflet-container")
            frame.wait_for_function("() => document.querySelectorAll('.leaflet-marker-icon, "
                                    ".leaflet-marker-pane > *, path.leaflet-interactive').length > 0")
            maps += 1
        lost = [f for f in page.failed if not is_tile(f[0])]
        if lost:
            problems.append(f"{name}: failed requests {lost}")
        aborted = [u for what, u in page.request_log if what == "aborted" and not is_tile(u)]
        if aborted:
            problems.append(f"{name}: requests outside the site {aborted}")
        if page.js_errors:
            problems.append(f"{name}: JavaScript errors {page.js_errors}")
        violations = audit(page)
        report[name] = violations
        for v in violations:
            if v["impact"] in ("critical", "serious"):
                problems.append(f"{name}: axe {v['impact']} {v['id']} ({v['help']}) x{v['count']}: {v['nodes']}")
    counts = Counter()
    for violations in report.values():
        for v in violations:
            counts[v["impact"]] += v["count"]
    (ARTIFACTS / "axe.json").write_text(json.dumps({"nodes_by_impact": counts, "pages": report}, indent=1))
    print(f"\naxe over {len(report)} pages, failing nodes by impact: {dict(counts)}")
    assert maps >= 3, f"only {maps} maps rendered on the site"
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_search_finds_a_lesson(served, site_page):
    site_page.goto(served + "search.html?q=Takeshima", wait_until="load")
    site_page.wait_for_selector("#search-results li a")
    hits = site_page.locator("#search-results li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("03_the_islets" in h for h in hits), hits


def test_the_print_stylesheet_drops_buttons_and_keeps_sources(site):
    css = (site / "_static" / "course.css").read_text(encoding="utf-8")
    assert "@media print" in css and "counter(page)" in css
    for lesson in LESSONS:
        assert "_static/course.css" in lesson_page(site, lesson).read_text(encoding="utf-8")


def test_make_site_and_make_handouts_use_the_tool():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-m tools.course_site build" in makefile and "-m tools.course_site handouts" in makefile
    assert not (ROOT / "tests" / "build_site.py").exists(), "the old builder is back in tests/"


# ---------------------------------------------------------------------------
# `make handouts`: one PDF per lesson, printed from the built site by headless Chromium.
# Each PDF is read with pypdfium2 (PDFium's text layer) and must carry the lesson's
# title, every quiz question of its bank, its Sources section with the first source,
# and page numbers from the print stylesheet ("Page 1 of N"); no launch button or search
# box is printed. In this file, so that it prints the site this worker has just built.
# ---------------------------------------------------------------------------


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
    pages = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            text = page.get_textpage()
            pages.append(text.get_text_range())
            text.close()
            page.close()
    finally:
        doc.close()
    return pages


@pytest.fixture(scope="module")
def handouts(site, tmp_path_factory):
    if not course_site.CHROMIUM.exists():
        skip_or_fail(f"{course_site.CHROMIUM} is not installed")
    out = tmp_path_factory.mktemp("handouts")
    course_site.handouts(site, out)
    return out


@pytest.mark.browser
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
