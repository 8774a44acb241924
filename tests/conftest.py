"""Shared pytest fixtures.

Browser fixtures (for tests marked ``@pytest.mark.browser``):

- ``chromium_context``: a headless system Chromium (``/usr/bin/chromium``) driven by
  Playwright, on a fresh throw-away profile; module-scoped, because two Playwright
  sync sessions cannot be open in one process at the same time.
- ``offline_page``: a new page in that context on which Leaflet and jQuery CDN URLs are
  served from ``.offline/node_modules`` and every other outside request (map tiles,
  fonts, other CDNs) is aborted, so maps render as they would with no internet.
  ``offline_page.request_log`` lists ``(what, url)`` for every outside request.
- ``route_offline(target, log)``: the same routing for any page or context.

- ``wait_map_ready(target)``: wait until every course map on a page or frame has
  finished its label layout (the map announces it, see ``helpers.maps._LabelLayout``).
- ``boxes_font_css(advance_em)``: CSS that draws every CJK character of the datasets
  as a box ``advance_em`` wide, as Chromium does on a machine without CJK fonts.

Tests using them are skipped, with the reason, when Chromium or the offline files
are missing (``make offline-assets`` fetches the latter), except under CI (the
environment variable ``CI`` set to ``true``/``1``), where they fail: CI must not go
green without its browser tests.
"""
from __future__ import annotations

import base64
import functools
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / ".offline" / "node_modules"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
_LOCAL_PREFIXES = ("file:", "data:", "blob:", "about:", "http://127.0.0.1", "http://localhost")
_CONTENT_TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png"}


def local_cdn_file(url: str) -> Path | None:
    """Return the ``.offline/node_modules`` file standing in for a Leaflet or jQuery CDN
    URL (jsdelivr, unpkg, cdnjs, code.jquery.com), or None."""
    m = re.search(r"/leaflet(?:@[\w.\-]+)?/dist/([\w./\-]+?)(?:\?.*)?$", url)
    if m:
        f = NODE_MODULES / "leaflet" / "dist" / m.group(1)
        return f if f.is_file() else None
    m = re.search(r"jquery(?:@[\w.\-]+)?(?:/dist)?/jquery(?:\.min)?\.js$", url) or re.search(
        r"code\.jquery\.com/jquery-[\d.]+(\.min)?\.js$", url)
    if m:
        name = "jquery.min.js" if ".min." in url else "jquery.js"
        f = NODE_MODULES / "jquery" / "dist" / name
        return f if f.is_file() else None
    return None


def route_offline(target, log: list | None = None) -> None:
    """Serve Leaflet/jQuery CDN requests from local copies and abort all other outside
    requests on a Playwright ``page`` or ``context``."""

    def handle(route):
        url = route.request.url
        if url.startswith(_LOCAL_PREFIXES):
            return route.continue_()
        local = local_cdn_file(url)
        if local is not None:
            if log is not None:
                log.append(("local", url))
            return route.fulfill(
                path=str(local),
                headers={"Content-Type": _CONTENT_TYPES.get(local.suffix, "application/octet-stream"),
                         "Access-Control-Allow-Origin": "*"},
            )
        if log is not None:
            log.append(("aborted", url))
        return route.abort()

    target.route("**/*", handle)


def in_ci() -> bool:
    """True when running under CI (``CI=true``, as GitHub Actions, GitLab and .ci/run set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip a test whose tool is missing; under CI, fail instead, with the same reason."""
    if in_ci():
        pytest.fail(f"{reason}. CI=true: a missing browser fails the run instead of skipping "
                    "its tests (.ci/run installs it)", pytrace=False)
    pytest.skip(reason)


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (Debian: apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


# Longest files first: with `make test` (--dist loadfile --no-loadscope-reorder) the two
# workers start on the two longest files and the others fill in around them, instead of
# a long file starting last and running alone. xdist queues one more file on a worker
# when its current file has two tests left, and that file waits behind the current
# file's slow last test: so two tiny files come third and fourth. The lessons under
# nbval come before the site: each passing lesson leaves its executed copy for the site
# build (the root conftest.py), which then executes none of them again. Durations
# measured with --durations (quiet 2-core machine, Dec 2026); files not named keep
# their order. An entry ending in "/" stands for every file in that folder.
LONGEST_FIRST = [
    "tests/test_binder_env.py",       # a fresh venv from the pins runs the lessons
    "tests/test_browser_lessons.py",  # every lesson in JupyterLab + Notebook 7
    "tests/test_readme.py",           # tiny: queued behind the first
    "tests/test_display.py",          # tiny: queued behind the second
    "lessons/",                       # nbval, 2-5 s each; before the site (above)
    "tests/test_site.py",             # builds the site, renders it, prints the handouts
    "tests/test_maps_browser.py",
    "tests/test_jupyterhub.py",
    "tests/test_quiz_browser.py",
    "tests/test_charts.py",
    "tests/test_make_lab.py",
]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}

    def key(item):
        try:
            rel = Path(str(item.path)).resolve().relative_to(ROOT).as_posix()
        except ValueError:
            rel = ""
        folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
        return rank.get(rel, rank.get(folder, len(rank)))

    items.sort(key=key)  # stable: each file keeps its own order (notebook cells!)


@pytest.fixture(scope="module")
def chromium_context():
    missing = browser_missing()
    if missing:
        skip_or_fail(missing)
    from playwright.sync_api import sync_playwright
    profile = tempfile.mkdtemp(prefix="aao-chromium-")
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1000, "height": 620},
        )
        ctx.set_default_timeout(20_000)
        try:
            yield ctx
        finally:
            ctx.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def offline_page(chromium_context):
    if not (NODE_MODULES / "leaflet" / "dist" / "leaflet.js").is_file() or not (
        NODE_MODULES / "jquery" / "dist" / "jquery.min.js"
    ).is_file():
        skip_or_fail("Leaflet/jQuery are not in .offline/node_modules: run `make offline-assets`")
    page = chromium_context.new_page()
    page.request_log = []
    page.console_errors = []
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    route_offline(page, page.request_log)
    try:
        yield page
    finally:
        page.close()


# A course map's container says when its label layout has finished (helpers/maps.py).
MAP_READY_JS = """() => {
  if (typeof window.L === 'undefined' || !document.querySelector('.leaflet-pane')) return false;
  const maps = document.querySelectorAll('.leaflet-container');
  return maps.length > 0 && Array.from(maps).every(
      m => !m.querySelector('.aao-label') || m.getAttribute('data-aao-layout') === 'done');
}"""


def wait_map_ready(target, timeout_ms: float = 30_000) -> None:
    """Wait until Leaflet drew the map(s) on ``target`` (a page or frame) and every course
    map's label layout announced its last pass (after fitBounds, fonts and placement)."""
    target.wait_for_function(MAP_READY_JS, timeout=timeout_ms)


def layout_pass(target) -> int:
    """How many label layout passes the first map on ``target`` has finished."""
    return int(target.evaluate(
        "() => +(document.querySelector('.leaflet-container').getAttribute('data-aao-layout-pass') || 0)"))


def wait_layout_after(target, before: int, timeout_ms: float = 15_000) -> None:
    """Wait for a label layout pass later than ``before`` to finish."""
    target.wait_for_function(
        """(before) => { const m = document.querySelector('.leaflet-container');
             return +(m.getAttribute('data-aao-layout-pass') || 0) > before
                    && m.getAttribute('data-aao-layout') === 'done'; }""",
        arg=before, timeout=timeout_ms)


BOXES_FONT = "AaoBoxes"
# Ranges a machine without CJK fonts draws as boxes: Hangul, kana, CJK punctuation.
_CJK_RANGES = [(0x1100, 0x11FF), (0x3000, 0x30FF), (0x3130, 0x318F), (0xFF00, 0xFF65)]


def _dataset_cjk_characters() -> set[int]:
    found = set()
    for f in (ROOT / "datasets").glob("*.csv"):
        found |= {ord(c) for c in f.read_text(encoding="utf-8") if ord(c) >= 0x2E80}
    return found


@functools.lru_cache(maxsize=None)
def boxes_font_css(advance_em: float) -> str:
    """A ``<style>`` that makes the course's map labels draw every Korean, Japanese and
    Chinese character of the datasets as an empty box ``advance_em`` wide, as Chromium
    does where no CJK font is installed (its fallback boxes are not 1 em wide, so every
    label's size changes). The font is built here with fontTools (a matplotlib
    dependency) and loaded from a data: URL, so it arrives asynchronously, as a web
    font does: the map must wait for it before its last layout pass."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    upm, adv = 1000, int(advance_em * 1000)
    codepoints = set(_dataset_cjk_characters())
    for a, b in _CJK_RANGES:
        codepoints |= set(range(a, b + 1))

    def rect(width):
        pen = TTGlyphPen(None)
        m = max(20, width // 10)
        pen.moveTo((m, 0))
        for point in ((m, 700), (width - m, 700), (width - m, 0)):
            pen.lineTo(point)
        pen.closePath()
        return pen.glyph()

    fb = FontBuilder(upm, isTTF=True)
    fb.setupGlyphOrder([".notdef", "box"])
    fb.setupCharacterMap({cp: "box" for cp in sorted(codepoints)})
    fb.setupGlyf({".notdef": rect(500), "box": rect(adv)})
    fb.setupHorizontalMetrics({".notdef": (500, 50), "box": (adv, max(20, adv // 10))})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": BOXES_FONT, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    data = base64.b64encode(buf.getvalue()).decode()
    return (f"<style>@font-face{{font-family:{BOXES_FONT};src:url(data:font/ttf;base64,{data}) "
            f"format('truetype')}}.aao-label.aao-label{{font-family:{BOXES_FONT},system-ui,"
            f"'Segoe UI','Noto Sans',sans-serif}}</style>")


@pytest.fixture
def pfile(tmp_path, monkeypatch):
    """A private progress file and student id for one test (the progress-store tests)."""
    path = tmp_path / "home" / "progress.json"
    monkeypatch.setenv("ALLIES_PROGRESS_FILE", str(path))
    monkeypatch.setenv("ALLIES_STUDENT_ID", "student-007")
    return path
