"""Narrow screens: the positions tables and the timeline in JupyterLab at 800 px wide.

Seen in JupyterLab 4 in Chromium at 800 x 900 with the file browser open: in the
positions tables of lessons 02-04 the row headings and long source addresses ran into
the next column (JupyterLab gives every table a fixed layout), and the timeline's year
slider shrank to nothing with its readout cut off. This runs a small notebook with the
same calls in a real JupyterLab at that size and measures the page:

- no two text boxes (one per line of text) of different cells of a positions table, or
  of different account cards of ``compare_accounts``, overlap;
- the year sliders of the timeline and of lesson 09's threat explorer have a usable width
  and their readouts are fully visible.

Every wait is for a condition: the run finished (screenshots.py), the outputs present,
fonts loaded and a frame painted. Without Chromium the test skips, except under CI.
"""
from __future__ import annotations

import json

import pytest

from conftest import browser_missing, skip_or_fail
from tools.screenshots import (
    ARTIFACTS, error_outputs, lab_server, open_notebook, run_all, wait_painted, wait_run_finished,
)

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 800, 900
#: The slider must keep at least this many pixels of track to be draggable year by year.
MIN_TRACK_PX = 150

CELLS = [
    "from helpers import positions, threats, timeline",
    # every topic the lessons show, one table each
    "for topic in positions.topics():\n    display(positions.show_positions(topic))",
    "accounts = positions.compare_accounts('radar_incident_2018')\naccounts",
    "timeline.timeline(lessons='02')",
    "threats.threat_explorer()",
]


def _notebook(folder):
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
              "source": source} for i, source in enumerate(CELLS)]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = folder / "narrow.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


# Text boxes: one rectangle per line of every text node, labelled by the cell (th/td, or
# account card) that holds it; pairs from different cells that overlap by more than
# half a pixel both ways are reported.
OVERLAPS_JS = """([containerSel, cellSel]) => {
  const found = [];
  document.querySelectorAll(containerSel).forEach((container, k) => {
    const boxes = [];
    container.querySelectorAll(cellSel).forEach((cell, c) => {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects())
          if (r.width > 0 && r.height > 0)
            boxes.push({c, l: r.left, r: r.right, t: r.top, b: r.bottom, text: n.textContent.trim().slice(0, 50)});
      }
    });
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.c === b.c) continue;
        const dx = Math.min(a.r, b.r) - Math.max(a.l, b.l), dy = Math.min(a.b, b.b) - Math.max(a.t, b.t);
        if (dx > 0.5 && dy > 0.5) found.push(`table ${k}: "${a.text}" overlaps "${b.text}" by ${dx.toFixed(0)} px`);
      }
  });
  return found;
}"""

SLIDERS_JS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output .widget-hslider'))
  .filter(s => (s.querySelector('.widget-label') || {}).textContent === 'Years')
  .map(slider => {
    const track = slider.querySelector('.slider-container') || slider.querySelector('.noUi-target');
    const readout = slider.querySelector('.widget-readout');
    const area = slider.closest('.jp-OutputArea-output').getBoundingClientRect();
    const t = track.getBoundingClientRect(), r = readout.getBoundingClientRect();
    return {track: t.width, readoutText: readout.textContent, readoutLeft: r.left, readoutRight: r.right,
            areaLeft: area.left, areaRight: area.right, viewport: window.innerWidth,
            clipped: readout.scrollWidth > readout.clientWidth + 1};
  })"""


@pytest.fixture(scope="module")
def narrow_page(chromium_context, tmp_path_factory):
    missing = browser_missing()
    if missing:
        skip_or_fail(missing)
    folder = tmp_path_factory.mktemp("narrow")
    _notebook(folder)
    with lab_server(root_dir=folder) as server:
        page = chromium_context.new_page()
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        page.set_default_timeout(30_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            open_notebook(page, server, "narrow.ipynb")
            # the side panel (file browser) open, as students have it
            if not page.locator("#jp-left-stack").is_visible():
                page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']").click()
            page.locator("#jp-left-stack").wait_for(state="visible")
            run_all(page)
            wait_run_finished(page, 180)
            assert not error_outputs(page), error_outputs(page)
            page.locator(".jp-OutputArea-output table.allies-positions").first.wait_for(state="visible")
            page.locator(".jp-OutputArea-output .widget-hslider").first.wait_for(state="visible")
            # the accounts side by side, as the lesson invites
            page.locator("button.jupyter-button", has_text="Both, side by side").first.click()
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.jp-OutputArea-output .widget-html-content'))"
                ".some(e => (e.innerText.match(/ says/g) || []).length === 2)")
            wait_painted(page)
            yield page
        finally:
            page.screenshot(path=str(ARTIFACTS / "narrow_layout.png"), full_page=True)
            page.close()


def test_the_side_panel_leaves_a_narrow_notebook(narrow_page):
    width = narrow_page.evaluate(
        "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').clientWidth")
    assert width < WIDTH - 150, f"the notebook is {width} px wide: the side panel is not taking its room"


def test_no_text_in_a_positions_table_runs_into_another_cell(narrow_page):
    tables = narrow_page.locator(".jp-OutputArea-output table.allies-positions").count()
    assert tables >= 10, f"only {tables} positions tables rendered"
    overlaps = narrow_page.evaluate(OVERLAPS_JS, [".jp-OutputArea-output table.allies-positions", "th, td"])
    narrow_page.locator(".jp-OutputArea-output table.allies-positions").first.screenshot(
        path=str(ARTIFACTS / "narrow_positions_table.png"))
    assert not overlaps, "\n".join(overlaps[:10])


def test_accounts_side_by_side_do_not_run_into_each_other(narrow_page):
    overlaps = narrow_page.evaluate(
        OVERLAPS_JS, [".jp-OutputArea-output .widget-html-content div[style*='flex-wrap']", ":scope > div"])
    assert not overlaps, "\n".join(overlaps[:10])


@pytest.mark.parametrize("k, what", [(0, "timeline"), (1, "threat explorer")])
def test_the_year_slider_is_usable_and_its_readout_fully_visible(narrow_page, k, what):
    sliders = narrow_page.evaluate(SLIDERS_JS)
    slider = narrow_page.locator(".jp-OutputArea-output .widget-hslider").nth(k)
    slider.scroll_into_view_if_needed()
    narrow_page.screenshot(path=str(ARTIFACTS / f"narrow_slider_{k}.png"))
    assert len(sliders) == 2, f"expected the timeline's and the threat explorer's 'Years' sliders: {sliders}"
    s = sliders[k]
    assert s["track"] >= MIN_TRACK_PX, f"the {what}'s slider track is {s['track']:.0f} px wide: {s}"
    assert not s["clipped"], f"the {what}'s readout text is cut off: {s}"
    assert s["areaLeft"] - 0.5 <= s["readoutLeft"] and s["readoutRight"] <= min(s["areaRight"], s["viewport"]) + 0.5, (
        f"the {what}'s readout {s['readoutText']!r} reaches outside the output area: {s}")


TOGGLES_JS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output .widget-toggle-buttons'))
  .map(group => {
    const area = group.closest('.jp-OutputArea-output').getBoundingClientRect();
    return Array.from(group.querySelectorAll('button')).map(b => {
      const r = b.getBoundingClientRect();
      return {text: b.textContent.trim(), left: r.left, right: r.right, areaLeft: area.left, areaRight: area.right};
    });
  })"""


def test_the_threat_explorers_buttons_wrap_inside_the_output(narrow_page):
    groups = [g for g in narrow_page.evaluate(TOGGLES_JS) if any(b["text"] == "Together" for b in g)]
    assert len(groups) == 1 and len(groups[0]) == 5, f"expected the five 'Who acted' buttons: {groups}"
    outside = [b for b in groups[0] if b["left"] < b["areaLeft"] - 0.5 or b["right"] > b["areaRight"] + 0.5]
    assert not outside, f"buttons reach outside the output area: {outside}"
