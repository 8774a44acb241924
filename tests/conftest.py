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

Tests using them are skipped, with the reason, when Chromium or the offline files
are missing (``make offline-assets`` fetches the latter).
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / ".offline" / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
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


@pytest.fixture(scope="module")
def chromium_context():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
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
        pytest.skip("Leaflet/jQuery are not in .offline/node_modules: run `make offline-assets`")
    page = chromium_context.new_page()
    page.request_log = []
    page.console_errors = []
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    route_offline(page, page.request_log)
    try:
        yield page
    finally:
        page.close()
