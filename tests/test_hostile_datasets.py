"""Hostile text in any dataset never reaches a student as markup or script.

Every prose column of every table gets a payload appended (an HTML tag with a handler, and
a backtick breakout for the JavaScript template literals folium writes), then every
lesson-facing helper renders what a lesson shows. No markup may carry the tag unescaped,
and no map script may carry the backtick breakout verbatim.
"""
from __future__ import annotations

import csv
import json
import re
import shutil

import pytest

import helpers

TAG = "<img src=x onerror=alert(1)>"
TICK = "`);window.__pwned=1;(`"
PAYLOAD = f" {TAG}{TICK}"
IDENTIFIER = re.compile(r"^[A-Za-z0-9_;:./+-]*$")


def _prose_columns(resource, rows):
    """Text columns without enum/pattern constraints whose values are prose, not codes."""
    keys = resource["schema"].get("primaryKey") or []
    keys = [keys] if isinstance(keys, str) else keys
    out = []
    for i, field in enumerate(resource["schema"]["fields"]):
        c = field.get("constraints") or {}
        if field.get("type", "string") != "string" or "enum" in c or "pattern" in c or field["name"] in keys:
            continue
        values = [r[i] for r in rows[1:] if i < len(r)]
        if any(v and not IDENTIFIER.match(v) for v in values):
            out.append(i)
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile") / "datasets"
    shutil.copytree(helpers.DATASETS_DIR, base)
    descriptor = json.loads((base / "datapackage.json").read_text(encoding="utf-8"))
    planted = 0
    for resource in descriptor["resources"]:
        if "schema" not in resource:
            continue
        path = base / resource["path"]
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        for i in _prose_columns(resource, rows):
            for r in rows[1:]:
                if r[i]:
                    r[i] += PAYLOAD
                    planted += 1
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    assert planted > 500, "the payload reached the prose of every table"
    mp = pytest.MonkeyPatch()
    mp.setattr(helpers, "DATASETS_DIR", base)
    yield base
    mp.undo()


def _html(obj) -> tuple[list[str], list[str]]:
    """(HTML a front end renders as markup, HTML of folium maps with their scripts) from ``obj``.

    Plain text (text/plain, widget descriptions, labels, dropdown options) is shown as text
    by every front end and cannot run, so only markup is collected.
    """
    import ipywidgets as widgets

    if hasattr(obj, "get_root") and hasattr(obj, "_repr_html_"):  # a folium map
        return [], [obj.get_root().render(), obj._repr_html_()]
    markup = []
    if hasattr(obj, "_repr_mimebundle_"):
        bundle = obj._repr_mimebundle_() or {}
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        markup += [v for k, v in bundle.items() if k == "text/html" and isinstance(v, str)]
    elif hasattr(obj, "_repr_html_"):
        markup.append(obj._repr_html_() or "")
    elif isinstance(obj, str):
        markup.append(obj)
    root = obj if isinstance(obj, widgets.Widget) else getattr(obj, "widget", None)
    stack = [root] if isinstance(root, widgets.Widget) else []
    while stack:
        w = stack.pop()
        if isinstance(w, (widgets.HTML, widgets.HTMLMath)):
            markup.append(w.value)
        if getattr(w, "description_allow_html", False):
            markup.append(w.description)
        stack += list(getattr(w, "children", ()) or ())
    return markup, []


def _calls():
    from helpers import (
        alliance_network,
        comparison,
        display,
        factcheck,
        maps,
        models,
        money,
        opinion,
        positions,
        threats,
        timeline,
    )
    from helpers.data import load_dataset

    calls = {
        "islets_map": lambda: maps.islets_map(),
        "disputes_map": lambda: maps.disputes_map(),
        "forces_map": lambda: maps.forces_map(),
        "overview_map": lambda: maps.overview_map(),
        "islets_map_offline": lambda: maps.islets_map(tiles=None),
        "timeline": lambda: timeline.timeline(),
        "claim_checker": lambda: factcheck.claim_checker(save=False),
        "claim_spotter": lambda: factcheck.claim_spotter(),
        "money_view": lambda: money.money_view(money.sma_table()),
        "host_support": lambda: display.table(money.host_support_table()),
        "opinion_overview": lambda: opinion.opinion_overview(),
        "alliance_diagram": lambda: alliance_network.alliance_diagram(),
        "episode_timeline": lambda: models.episode_timeline(),
        "hypothesis_table": lambda: display.table(models.hypothesis_table()),
        "then_and_now": lambda: comparison.show_then_and_now(),
        "threat_explorer": lambda: threats.threat_explorer(),
        "china_scale_exercise": lambda: threats.china_scale_exercise(),
    }
    for topic in positions.topics():
        calls[f"positions:{topic}"] = lambda t=topic: positions.show_positions(t)
        calls[f"accounts:{topic}"] = lambda t=topic: positions.compare_accounts(t)
    descriptor = json.loads((helpers.DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for name in (r["name"] for r in descriptor["resources"] if "schema" in r):
        calls[f"table:{name}"] = lambda n=name: display.table(load_dataset(n))
    return calls


def test_no_helper_renders_dataset_text_as_markup_or_script(hostile):
    rendered, failures = 0, []
    for name, call in _calls().items():
        try:
            markup, scripts = _html(call())
        except Exception as exc:  # noqa: BLE001 - a helper that breaks on hostile data is a failure too
            failures.append(f"{name}: raised {type(exc).__name__}: {str(exc)[:120]}")
            continue
        rendered += 1
        if any(TAG in t for t in markup + scripts):
            failures.append(f"{name}: the HTML payload is there unescaped")
        if any(TICK in t for t in scripts):
            failures.append(f"{name}: the backtick payload is there verbatim (a template-literal breakout)")
    assert not failures, "\n".join(failures)
    assert rendered >= 30
