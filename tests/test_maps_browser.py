"""The maps in a real browser: headless Chromium draws what the datasets hold.

CDN requests for Leaflet and jQuery are served from ``.offline/node_modules`` and map
tiles are aborted (fixture ``offline_page`` in conftest.py), so the test needs no
internet. One screenshot per map is saved in ``test-artifacts/maps/`` (git-ignored).

No test waits a fixed time: each waits until the map says its label layout is done
(``wait_map_ready``). The layout tests run with the machine's CJK fonts and with CSS
that draws Korean and Japanese as boxes of other widths (``boxes_font_css``), as on a
machine without CJK fonts, so the layout holds whatever fonts a student has.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import BOXES_FONT, boxes_font_css, layout_pass, wait_layout_after, wait_map_ready
from helpers import maps
from helpers.data import load_dataset

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "maps"


def _expected(name: str) -> dict:
    """CSS class -> number of vector features the map must draw, from the datasets."""
    if name == "islets":
        return {"aao-point": 4, "aao-circle": 2, "aao-line": 2}
    if name == "disputes":
        return {"aao-point": len(load_dataset("disputes"))}
    if name == "forces":
        return {"aao-base": len(load_dataset("us_bases")), "aao-city": 1, "aao-line": 1}
    if name == "overview":
        return {"aao-base": len(load_dataset("us_bases")), "aao-city": 4, "aao-point": 1}
    raise AssertionError(name)


BUILDERS = {
    "islets": maps.islets_map,
    "disputes": maps.disputes_map,
    "forces": maps.forces_map,
    "overview": maps.overview_map,
}


def _open(page, m, filename: str, extra_head: str = "") -> None:
    """Save map ``m``, open it, and wait until its label layout announced its last pass."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / filename
    m.save(str(path))
    if extra_head:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("</head>", extra_head + "</head>", 1), encoding="utf-8")
    page.goto(path.as_uri())
    wait_map_ready(page)


def _count(page, css_class: str) -> int:
    return page.evaluate(f"() => document.querySelectorAll('path.{css_class}.leaflet-interactive').length")


@pytest.mark.parametrize("name", list(BUILDERS))
def test_map_draws_every_dataset_row(offline_page, name):
    page = offline_page
    _open(page, BUILDERS[name](), f"{name}.html")
    assert page.evaluate("() => typeof window.L.map") == "function"
    for css_class, n in _expected(name).items():
        assert _count(page, css_class) == n, f"{name}: {css_class}"
    # Labels are HTML (DivIcons), never image markers that would vanish offline.
    assert page.locator("img.leaflet-marker-icon").count() == 0
    assert page.locator(".aao-label").count() >= 1
    assert page.console_errors == []
    # Nothing but the local Leaflet/jQuery copies and (aborted) tiles was requested.
    outside = [url for what, url in page.request_log if what == "aborted"]
    assert all("tile.openstreetmap.org" in url for url in outside), outside
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_islets_labels_show_every_name_in_three_languages(offline_page):
    page = offline_page
    _open(page, maps.islets_map(tiles=None), "islets_plain.html")
    text = page.evaluate("() => document.body.innerText")
    places = load_dataset("places").set_index("place_id")
    for pid in ("liancourt_west", "liancourt_east", "ulleungdo", "oki_dogo"):
        for col in ("name_en", "name_ko", "name_ja"):
            assert places.loc[pid, col] in text, (pid, col)
    # The distance labels are on screen, in km and nmi.
    assert text.count("centre to centre") >= 2 and " nmi" in text
    page.screenshot(path=str(ARTIFACTS / "islets_plain.png"))


def test_offline_map_renders_with_every_outside_request_blocked(offline_page):
    if maps.offline_assets() is None:
        pytest.skip("run `make offline-assets` first")
    page = offline_page
    _open(page, maps.islets_map(offline=True, tiles=None), "islets_offline.html")
    assert _count(page, "aao-point") == 4
    assert page.request_log == []  # Leaflet and jQuery came from the page itself
    assert page.console_errors == []


def test_popup_shows_injected_markup_as_text(offline_page):
    page = offline_page
    d = load_dataset("disputes").head(1).copy()
    evil = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>`${window.__pwned=3}`"
    d["name_neutral"] = evil
    d["note"] = evil
    _open(page, maps.disputes_map(disputes=d, tiles=None), "escaping.html")
    page.locator("path.aao-point").first.click(force=True)
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.inner_text(".leaflet-popup-content")
    assert evil in popup
    assert page.evaluate("() => window.__pwned") is None
    assert page.console_errors == []


_BOXES_JS = """() => {
  const pick = '.aao-label, .aao-box, .leaflet-control';
  return Array.from(document.querySelectorAll(pick)).map(e => {
    const b = e.getBoundingClientRect();
    return {text: e.innerText.slice(0, 50).replace(/\\n/g, ' | '), label: e.matches('.aao-label'),
            ours: e.matches('.aao-label, .aao-box'),
            l: b.left, t: b.top, r: b.right, b: b.bottom, w: b.width};
  }).filter(b => b.w > 0);
}"""


def _clashes(boxes: list[dict], width: int, height: int) -> list[str]:
    """Every pair of overlapping boxes (labels, notes, controls) and every label off the map."""
    out = []
    for i, a in enumerate(boxes):
        if a["label"] and (a["l"] < 0 or a["t"] < 0 or a["r"] > width or a["b"] > height):
            out.append(f"off the map: {a['text']}")
        for b in boxes[i + 1:]:
            if not (a["ours"] or b["ours"]):
                continue  # Leaflet stacks its own controls
            if min(a["r"], b["r"]) - max(a["l"], b["l"]) > 0.5 and min(a["b"], b["b"]) - max(a["t"], b["t"]) > 0.5:
                out.append(f"{a['text']!r} overlaps {b['text']!r}")
    return out


# Fonts: the machine's (this one has CJK fonts; .ci/run installs them), and CSS that
# draws CJK characters as boxes half and one and a quarter ems wide (no CJK fonts).
FONTS = {"machine": "", "boxes-0.5em": 0.5, "boxes-1.25em": 1.25}


def _check_layout(page, width: int, height: int, folded_max: int = 0) -> None:
    boxes = page.evaluate(_BOXES_JS)
    assert sum(b["label"] for b in boxes) >= 2
    assert _clashes(boxes, width, height) == []
    # A label is folded away only when no place is clear; on these maps none is.
    folded = page.evaluate("() => document.querySelectorAll('.aao-label.aao-folded').length")
    assert folded <= folded_max
    assert page.evaluate("() => document.querySelector('.leaflet-container').getAttribute('data-aao-folded')") == str(folded)
    # No label hides a point that is not its own: every point's centre is clickable.
    hidden = page.evaluate("""() => Array.from(document.querySelectorAll(
        'path.aao-base, path.aao-city, path.aao-point')).filter(p => {
          const b = p.getBoundingClientRect(), x = (b.left + b.right) / 2, y = (b.top + b.bottom) / 2;
          const top = document.elementFromPoint(x, y);
          return top && top.closest('.aao-label, .aao-box, .leaflet-control');
        }).length""")
    assert hidden == 0


# JupyterLab shows a folium map in an iframe 60 % as high as it is wide; 520 px is a
# narrow notebook (a split screen, a laptop with the file browser open).
WIDTHS = [960, 700, 520]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("tiles", [maps.TILES, None], ids=["tiles", "plain"])
@pytest.mark.parametrize("name", ["forces", "islets", "overview", "disputes"])
def test_labels_do_not_overlap_or_leave_the_map(offline_page, name, tiles, width):
    page = offline_page
    height = int(width * 0.6)
    page.set_viewport_size({"width": width, "height": height})
    stem = f"{name}_{'tiles' if tiles else 'plain'}_{width}"
    _open(page, BUILDERS[name](tiles=tiles), f"{stem}.html")
    _check_layout(page, width, height)
    page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("font", [f for f in FONTS if f != "machine"])
@pytest.mark.parametrize("name", ["forces", "islets", "overview", "disputes"])
def test_labels_hold_without_cjk_fonts(offline_page, name, font, width):
    page = offline_page
    height = int(width * 0.6)
    page.set_viewport_size({"width": width, "height": height})
    stem = f"{name}_{font}_{width}"
    _open(page, BUILDERS[name](tiles=None), f"{stem}.html", extra_head=boxes_font_css(FONTS[font]))
    # The simulation is real: the box font loaded and the labels' CJK glyphs have its width.
    measured = page.evaluate(f"""async () => {{
        await document.fonts.ready;
        const face = Array.from(document.fonts).find(f => f.family.replace(/"/g, '') === '{BOXES_FONT}');
        const label = document.querySelector('.aao-label');
        const probe = document.createElement('span');
        probe.style.cssText = 'position:absolute;white-space:nowrap;font-size:100px';
        probe.textContent = '독도竹島';
        label.appendChild(probe);
        const w = probe.getBoundingClientRect().width;
        probe.remove();
        return {{status: face && face.status, width: w}};
    }}""")
    assert measured["status"] == "loaded", measured
    assert abs(measured["width"] - 4 * 100 * FONTS[font]) < 2, measured
    _check_layout(page, width, height)
    page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))


def test_layout_waits_for_a_late_font_and_announces_each_pass(offline_page):
    """A font that arrives after the first placement (a web font) triggers a new pass,
    and ``data-aao-layout`` says "pending" until that pass is done."""
    page = offline_page
    page.set_viewport_size({"width": 700, "height": 420})
    _open(page, maps.islets_map(tiles=None), "islets_late_font.html")
    before = layout_pass(page)
    assert before >= 1
    # Swap to the box font now: the browser loads it, then the layout runs again.
    page.evaluate("(css) => document.head.insertAdjacentHTML('beforeend', css)", boxes_font_css(1.25))
    wait_layout_after(page, before)
    _check_layout(page, 700, 420)
    # A zoom animates: the map says "pending" from its start until the labels moved after it.
    before = layout_pass(page)
    states = page.evaluate("""() => new Promise(resolve => {
        const m = document.querySelector('.leaflet-container'), seen = [];
        const map = window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))];
        new MutationObserver(() => {
            seen.push(m.getAttribute('data-aao-layout'));
            if (seen[seen.length - 1] === 'done') resolve(seen);
        }).observe(m, {attributes: true, attributeFilter: ['data-aao-layout']});
        map.setZoom(map.getZoom() + 0.5);
    })""")
    assert states[0] == "pending" and states[-1] == "done", states
    assert layout_pass(page) > before
    _check_layout(page, 700, 420)


@pytest.mark.parametrize("width,is_open", [(960, True), (700, False)])
def test_islets_note_folds_away_on_narrow_maps(offline_page, width, is_open):
    page = offline_page
    page.set_viewport_size({"width": width, "height": int(width * 0.6)})
    _open(page, maps.islets_map(tiles=None), f"islets_note_{width}.html")
    note = page.locator("details.aao-note")
    assert note.count() == 1
    assert "Official figures" in note.text_content()
    assert note.evaluate("e => e.open") is is_open
    if not is_open:  # the summary line always shows; a click opens the note
        before = layout_pass(page)
        note.locator("summary").click()
        wait_layout_after(page, before)  # the labels moved for the opened note
        assert note.evaluate("e => e.open") is True
    # Open, the note covers no label: labels move out from under it.
    boxes = page.evaluate(_BOXES_JS)
    n = [b for b in boxes if b["text"].startswith("About the lines")]
    assert len(n) == 1 and n[0]["b"] - n[0]["t"] > 40
    n = n[0]
    assert [b["text"] for b in boxes if b["label"]
            and min(b["r"], n["r"]) - max(b["l"], n["l"]) > 0.5
            and min(b["b"], n["b"]) - max(b["t"], n["t"]) > 0.5] == []


def test_done_is_set_only_after_the_last_event_that_moves_labels(offline_page):
    """A late resize (a notebook's iframe settling) after "done" turns it to "pending"
    at once, and "done" comes back only after a layout at the new size."""
    page = offline_page
    page.set_viewport_size({"width": 960, "height": 576})
    _open(page, maps.forces_map(tiles=None), "forces_late_resize.html")
    before = layout_pass(page)
    page.evaluate("""() => { const m = document.querySelector('.leaflet-container'); window.__states = [];
        new MutationObserver(() => window.__states.push(m.getAttribute('data-aao-layout')))
            .observe(m, {attributes: true, attributeFilter: ['data-aao-layout']}); }""")
    page.set_viewport_size({"width": 700, "height": 420})
    wait_layout_after(page, before)
    # Under load more events can follow that layout (seen in a soak: pending, pending,
    # done, pending): each turns the state to "pending" again and a later layout to "done".
    # Wait until the map rests at "done" with that change recorded, and read the record in
    # the same step.
    states = page.wait_for_function(
        """() => { const s = window.__states, m = document.querySelector('.leaflet-container');
             return m.getAttribute('data-aao-layout') === 'done' && s.length > 0 && s[s.length - 1] === 'done'
                    && s.slice(); }""", timeout=15_000).json_value()
    assert states[0] == "pending" and states[-1] == "done", states
    # Labels are clear of one another and inside the smaller map (the data were fitted
    # to the wider one, so the troops box may cover a point: not checked here).
    boxes = [b for b in page.evaluate(_BOXES_JS) if b["label"]]
    assert _clashes(boxes, 700, 420) == []


@pytest.mark.parametrize("tiles", [maps.TILES, None], ids=["tiles", "plain"])
def test_land_outline_shows_when_tile_requests_fail(offline_page, tiles):
    """With no internet the tiles fail (offline_page aborts them), and the land outline
    drawn under them is what the reader sees: one filled path across the map."""
    page = offline_page
    page.set_viewport_size({"width": 700, "height": 420})
    stem = f"forces_land_{'tiles' if tiles else 'plain'}"
    _open(page, maps.forces_map(tiles=tiles), f"{stem}.html")
    if tiles:
        assert any("tile.openstreetmap.org" in url for what, url in page.request_log if what == "aborted")
    land = page.evaluate("""() => {
        const pane = document.querySelector('.leaflet-aao_land-pane');
        const tile = document.querySelector('.leaflet-tile-pane');
        const path = pane && pane.querySelector('path');
        const b = path ? path.getBoundingClientRect() : {width: 0, height: 0};
        return {paths: pane ? pane.querySelectorAll('path').length : 0,
                d: path ? path.getAttribute('d').length : 0, w: b.width, h: b.height,
                fill: path && getComputedStyle(path).fill,
                z: +getComputedStyle(pane).zIndex, tileZ: +getComputedStyle(tile).zIndex,
                loaded: document.querySelectorAll('img.leaflet-tile-loaded').length};
    }""")
    assert land["paths"] == 1 and land["d"] > 1000, land
    assert land["w"] > 300 and land["h"] > 200, land  # the coast spans the map
    assert land["fill"] == "rgb(241, 240, 236)"  # maps.LAND_STYLE fillColor #f1f0ec
    assert land["z"] < land["tileZ"] and land["loaded"] == 0
    page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))


@pytest.mark.parametrize("width,media", [(1280, "screen"), (960, "print"), (700, "print")])
def test_islets_labels_stay_inside_the_map_and_clear_of_the_note(offline_page, width, media):
    """Wide screens and print: every label inside the map, none under the note box."""
    page = offline_page
    height = int(width * 0.6)
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(media=media)
    _open(page, maps.islets_map(), f"islets_{media}_{width}.html")
    if media == "print":
        before = layout_pass(page)
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        wait_layout_after(page, before)
    _check_layout(page, width, height)
    boxes = page.evaluate(_BOXES_JS)
    note = [b for b in boxes if b["text"].startswith("About the lines")]
    assert len(note) == 1
    names = [b["text"] for b in boxes if b["label"]]
    assert any(t.startswith("Ulleungdo") for t in names), names
    page.emulate_media(media="screen")
