"""The static course site (``make site``) is complete, self-contained and renders.

The site is built once into a temporary folder with tests/build_site.py (every lesson
executed in a fresh kernel), then checked as files and in headless Chromium: every
lesson has a page, the index lists each lesson from its metadata, every local link
and ``src`` resolves (also inside map iframes), quizzes are static with answers in
``<details>``, maps draw their markers, the print stylesheet hides only navigation,
and no request fails except map tiles and third-party CDNs.
"""
from __future__ import annotations

import html
import time
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

import build_site
from screenshots import ARTIFACTS, is_tile_or_cdn, leaflet_state, route_offline, wait_painted

pytestmark = pytest.mark.slow

LESSONS = build_site.lessons()
SITE_ARTIFACTS = ARTIFACTS.parent / "site"


class Refs(HTMLParser):
    """Collect href/src/id values, the text of the page and <details> count."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.srcdocs: list[str] = []
        self.details = 0

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
            self.details += 1


def parse(text: str) -> Refs:
    r = Refs()
    r.feed(text)
    return r


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "_site"
    t0 = time.perf_counter()
    timings = build_site.build(out)
    print(f"\nsite built in {time.perf_counter() - t0:.0f} s: "
          + ", ".join(f"{k[:2]} {v:.1f}s" for k, v in timings.items()))
    return out


def test_every_lesson_has_a_page_listed_in_the_index(site):
    assert LESSONS, "no lessons found"
    index = (site / "index.html").read_text(encoding="utf-8")
    refs = parse(index)
    for lesson in LESSONS:
        meta = nbformat.read(lesson, as_version=4).metadata["lesson"]
        page = site / build_site.page_name(lesson)
        assert page.is_file(), f"no page for {lesson.name}"
        assert page.stat().st_size > 10_000, f"{page.name} is suspiciously small"
        assert build_site.page_name(lesson) in refs.links, f"index does not link {page.name}"
        assert html.escape(meta["title"]) in index, f"index lacks the title of {lesson.name}"
        for objective in meta["objectives"]:
            assert html.escape(objective) in index, f"index lacks an objective of {lesson.name}: {objective}"
        assert f"About {meta['minutes']} minutes" in index
        assert (site / "notebooks" / lesson.name).is_file(), f"{lesson.name} not offered for download"


def test_every_local_link_and_src_resolves(site):
    pages = sorted(site.rglob("*.html"))
    parsed = {p: parse(p.read_text(encoding="utf-8")) for p in pages}
    broken = []
    for page, refs in parsed.items():
        links = list(refs.links)
        for doc in refs.srcdocs:  # map iframes carry a whole page
            links += parse(doc).links
        for link in links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{page.name}: {link} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target.read_text()).ids
                # browsers try the fragment as written, then percent-decoded
                if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                    broken.append(f"{page.name}: {link} (no element with that id)")
    assert not broken, "broken local references:\n" + "\n".join(broken)


def test_site_does_not_leak_build_machine_paths(site):
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "file://" not in text, f"{page.name} references a file:// URL"


def test_quizzes_are_static_with_folded_answers(site):
    checked = 0
    for lesson in LESSONS:
        nb = nbformat.read(lesson, as_version=4)
        calls_quiz = any("quiz.show(" in c.source for c in nb.cells if c.cell_type == "code")
        text = (site / build_site.page_name(lesson)).read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-view+json" not in text, f"{lesson.name}: widget view left in page"
        if not calls_quiz:
            continue
        checked += 1
        assert "allies-quiz-static" in text, f"{lesson.name}: the quiz's static HTML was not exported"
        refs = parse(text)
        bank = build_site.ROOT / "datasets" / "quizzes" / f"{lesson.name[:2]}.yaml"
        if bank.exists():
            import yaml

            n = len(yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"])
            assert refs.details >= n, f"{lesson.name}: {refs.details} <details> for {n} questions"
        else:
            assert refs.details > 0
    assert checked, "no lesson shows a quiz"


def test_print_stylesheet(site):
    css = (site / "course.css").read_text(encoding="utf-8")
    assert "@media print" in css
    for page in site.glob("*.html"):
        assert 'href="course.css"' in page.read_text(encoding="utf-8"), f"{page.name} lacks course.css"


def test_pages_render_in_chromium(site, chromium_context):
    SITE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = chromium_context.new_page()
    page.set_viewport_size({"width": 1100, "height": 900})
    log: list = []
    route_offline(page, log)
    failed, js_errors = [], []
    page.on("requestfailed", lambda r: failed.append((r.url, r.failure)))
    page.on("response", lambda r: r.status >= 400 and failed.append((r.url, r.status)))
    page.on("pageerror", lambda e: js_errors.append(str(e)))
    try:
        map_count = 0
        for html_page in sorted(site.glob("*.html")):
            failed.clear()
            log.clear()
            js_errors.clear()
            # "load" waits for the page, its images and its iframes; then each map is
            # waited for until it says its labels are laid out (leaflet_state)
            page.goto(html_page.as_uri(), wait_until="load")
            for k, el in enumerate(page.locator("iframe").element_handles(), 1):
                frame = el.content_frame()
                if frame is None or not frame.locator(".folium-map, .leaflet-container").count() and \
                        "leaflet" not in (el.get_attribute("srcdoc") or "").lower():
                    continue
                el.scroll_into_view_if_needed()  # in view, so the map's frame paints
                state = leaflet_state(frame)
                map_count += 1
                assert state["leaflet"] and state["container"], f"{html_page.name}: map {k} did not load Leaflet"
                assert state["icons"] + state["paths"] + state["markerPane"] > 0, (
                    f"{html_page.name}: map {k} has no markers: {state}")
                el.screenshot(path=str(SITE_ARTIFACTS / f"{html_page.stem}_map{k}.png"))
            wait_painted(page)
            # outside requests (tiles, CDNs) are aborted on purpose, or cancelled by
            # Leaflet itself when it re-zooms; every request for a site file must succeed
            local_failures = [f for f in failed if not is_tile_or_cdn(f[0])]
            assert not local_failures, f"{html_page.name}: failed requests {local_failures}"
            assert not js_errors, f"{html_page.name}: JavaScript errors {js_errors}"
            page.screenshot(path=str(SITE_ARTIFACTS / f"{html_page.stem}.png"))
            # print media: the navigation goes, the lesson stays
            page.emulate_media(media="print")
            hidden = page.evaluate("() => Array.from(document.querySelectorAll('.allies-nav'))"
                                   ".every(n => getComputedStyle(n).display === 'none')")
            main_visible = page.evaluate("() => { const m = document.querySelector('main');"
                                         " return !!m && getComputedStyle(m).display !== 'none'"
                                         " && m.innerText.length > 200; }")
            page.emulate_media(media="screen")
            assert hidden, f"{html_page.name}: navigation still shows in print"
            assert main_visible, f"{html_page.name}: lesson content hidden in print"
        maps_expected = any("folium" in p.read_text() or "maps." in p.read_text() for p in LESSONS)
        if maps_expected:
            assert map_count > 0, "no map rendered on any page, though lessons draw maps"
        # one lesson as a PDF handout, for a person to look at
        first = site / build_site.page_name(LESSONS[0])
        page.goto(first.as_uri(), wait_until="load")
        page.pdf(path=str(SITE_ARTIFACTS / f"{first.stem}.pdf"), format="A4")
        assert (SITE_ARTIFACTS / f"{first.stem}.pdf").stat().st_size > 10_000
    finally:
        page.close()
