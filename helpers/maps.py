"""Folium maps of the region, built from the course datasets only.

Every map function returns a :class:`CourseMap` (a ``folium.Map``) and takes the same
switches:

``tiles``
    the base map; defaults to :data:`TILES`. ``tiles=None`` draws the data layers on
    a plain background (no tile requests at all) with a light grey land outline
    (:data:`LAND_FILE`, Natural Earth, public domain) so the points sit on a coast.
``offline``
    ``True`` inlines Leaflet and jQuery from ``<course>/.offline/node_modules`` (made by
    ``make offline-assets``) so the map works with no internet. When those files are
    missing the normal map comes back with ``m.notice`` saying what to do; nothing is
    raised. Inlining adds about 249 KB (Leaflet 1.9.4 ~148 KB, jQuery 3.7.1 ~88 KB,
    Leaflet CSS ~15 KB): measured, the default maps are 20-39 KB of HTML, well under the
    300 KB budget that applies to default maps (the notebook stores the HTML
    base64-encoded, a third larger again).
    An offline map also gets the land outline (about 112 KB more: measured 376-395 KB
    in all), drawn in a pane under the tiles, so it shows only where tiles cannot load;
    ``tiles=None`` maps carry it too (133-151 KB).
``as_table``
    ``True`` returns a DataFrame of what the map shows instead of the map: the
    accessible version for screen readers and for copying numbers.
dataset arguments (``places=``, ``disputes=`` ...)
    DataFrames with the dataset's columns to draw instead of the course files
    (tests use them; lessons never need them).

Each map also carries ``m.caption`` (the one-line caption a lesson prints under it,
same as :func:`map_caption`) and ``m.notice`` (empty unless something needs the
reader's attention). Every text shown in a popup, tooltip or label is HTML-escaped.

Labels are placed in the browser (:class:`_LabelLayout`): each keeps its preferred side
unless it would overlap another label, a point, a control or a note, or leave the map,
at whatever width the notebook gives the map and after every zoom. Nearby US bases
share one label; the islets map's long note folds away on narrow maps.
"""
from __future__ import annotations

import html as _html
import json
from typing import Iterable, Optional

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

import helpers
from helpers import geo
from helpers.errors import DatasetError

__all__ = [
    "CourseMap",
    "TILES",
    "TILES_ATTRIBUTION",
    "disputes_map",
    "disputes_table",
    "forces_map",
    "forces_table",
    "islets_map",
    "islets_note",
    "islets_table",
    "map_caption",
    "offline_assets",
    "offline_help",
    "overview_map",
    "overview_table",
]

#: Default base map. OpenStreetMap's standard tiles need no API key (CARTO's now do).
#: Their place labels come from OpenStreetMap, not from the course, and may show one
#: side's name; the course's own labels give every name. ``tiles=None`` avoids them.
TILES = "OpenStreetMap"
#: Credit line the tile provider requires; folium shows it on the map, captions repeat it.
TILES_ATTRIBUTION = "© OpenStreetMap contributors"
#: Background colour of maps drawn with ``tiles=None``.
PLAIN_BACKGROUND = "#dde7ee"
#: Land outline (in helpers.DATASETS_DIR) drawn when there are no tiles: Natural Earth
#: 1:10m land, public domain, clipped to the region by tools/make_land_outline.py.
LAND_SHAPE = "land_northeast_asia"
LAND_FILE = LAND_SHAPE + ".geojson"
#: Light grey land with a thin grey coast; the sea is PLAIN_BACKGROUND.
LAND_STYLE = {"fillColor": "#f1f0ec", "fillOpacity": 1, "color": "#8c969c", "weight": 0.7}
# Leaflet's tile pane has z-index 200: the land pane sits under it, so tiles that
# do load cover the outline and the outline shows only where tiles are missing.
_LAND_PANE = "aao_land"

# The only CDN assets our maps need: Leaflet, its CSS, and jQuery (folium builds
# popups with jQuery). folium's defaults also pull Bootstrap, Font Awesome and
# awesome-markers, which vector markers do not use.
_FOLIUM_JS = dict(folium.Map.default_js)
_FOLIUM_CSS = dict(folium.Map.default_css)
_CDN_JS = [("leaflet", _FOLIUM_JS["leaflet"]), ("jquery", _FOLIUM_JS["jquery"])]
_CDN_CSS = [("leaflet_css", _FOLIUM_CSS["leaflet_css"])]

# Local npm copies used by offline=True, relative to the course folder.
_OFFLINE_FILES = {
    "leaflet_css": ".offline/node_modules/leaflet/dist/leaflet.css",
    "leaflet": ".offline/node_modules/leaflet/dist/leaflet.js",
    "jquery": ".offline/node_modules/jquery/dist/jquery.min.js",
}

#: Points per 200-nmi circle: smooth at regional zoom, a few KB of HTML each.
CIRCLE_POINTS = 120
EEZ_NM = 200

# Colours are never the only carrier of meaning: every feature also has words in
# its label, tooltip or popup. Palette: Okabe-Ito (colour-blind safe).
_KOREA = "#0072B2"
_JAPAN = "#D55E00"
_NEUTRAL = "#444444"
_SERVICE_COLOURS = {
    "Army": "#009E73",
    "Air Force": "#0072B2",
    "Navy": "#000080",
    "Marine Corps": "#CC79A7",
}
_DISPUTE_COLOUR = "#7B3294"

_STYLE = """
<style>
.aao-label{position:absolute;white-space:nowrap;font:600 12px/1.25 system-ui,-apple-system,
 "Segoe UI","Noto Sans","Noto Sans CJK KR","Noto Sans CJK JP",sans-serif;color:#111;
 background:rgba(255,255,255,.88);border:1px solid #888;border-radius:3px;padding:1px 4px;
 pointer-events:none}
.aao-label small{font-weight:400;color:#333}
.aao-right{left:9px;top:-10px}
.aao-left{right:9px;top:-10px;text-align:right}
.aao-left-low{right:9px;top:2px;text-align:right}
.aao-above{left:0;bottom:8px;transform:translateX(-50%);text-align:center}
.aao-below{left:0;top:8px;transform:translateX(-50%);text-align:center}
.aao-above-left{right:4px;bottom:6px;text-align:right}
.aao-above-left-high{right:4px;bottom:18px;text-align:right}
.aao-above-right{left:6px;bottom:6px}
.aao-below-left{right:6px;top:6px;text-align:right}
.aao-below-right{left:6px;top:6px}
.aao-distance{border-color:#333;background:#fffbe6}
.aao-popup{font:13px/1.35 system-ui,sans-serif;min-width:220px}
.aao-popup table{border-collapse:collapse;margin-top:4px}
.aao-popup th{text-align:left;vertical-align:top;padding:1px 6px 1px 0;font-weight:600;color:#333}
.aao-popup td{padding:1px 0}
.aao-box{position:absolute;z-index:1000;background:rgba(255,255,255,.93);border:1px solid #777;
 border-radius:4px;padding:5px 8px;font:12px/1.35 system-ui,sans-serif;color:#111;max-width:46%}
.aao-box.bl{left:10px;bottom:58px;max-width:min(46%,360px)}
details.aao-box summary{cursor:pointer;font-weight:600}
details.aao-box[open] summary{margin-bottom:3px}
.leaflet-control-layers{font:12px/1.4 system-ui,sans-serif}
.aao-box.tl{left:54px;top:10px}
.aao-box.tr{right:10px;top:10px;max-width:40%}
.aao-key{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;
 vertical-align:-1px;border:1px solid #222}
</style>
"""


# ---------------------------------------------------------------------- escaping


def _esc(value) -> str:
    """HTML-escape ``value`` and neutralise the characters that matter inside the
    JavaScript template literals folium puts popups and tooltips in."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = _html.escape(str(value), quote=True)
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


# -------------------------------------------------------------------- offline mode


def offline_assets(course_dir=None) -> Optional[dict]:
    """Return the paths of the local Leaflet/jQuery files, or ``None`` if any is missing.

    Looked up on every call (never at import) under ``helpers.COURSE_DIR``.
    """
    from pathlib import Path

    base = Path(course_dir) if course_dir is not None else Path(helpers.COURSE_DIR)
    paths = {name: base / rel for name, rel in _OFFLINE_FILES.items()}
    if all(p.is_file() for p in paths.values()):
        return paths
    return None


def offline_help(course_dir=None) -> str:
    """Return what to do when the offline map files are missing (empty if present)."""
    if offline_assets(course_dir) is not None:
        return ""
    return (
        "Offline maps are not set up on this computer: the Leaflet and jQuery files are "
        "missing from the course's .offline/ folder, so this map still loads them from the "
        "internet and stays blank without a connection. To fix it, run `make offline-assets` "
        "once in the course folder while online (it needs Node.js/npm), then run this cell "
        "again; or use the course online (e.g. on Binder)."
    )


class CourseMap(folium.Map):
    """A ``folium.Map`` that loads only Leaflet and jQuery, and can inline them.

    Extra attributes: ``caption`` (one line to print under the map), ``notice``
    (a message for the reader, shown above the map when not empty) and ``offline``
    (True when Leaflet and jQuery are inlined).
    """

    default_js = list(_CDN_JS)
    default_css = list(_CDN_CSS)

    def __init__(self, *args, offline: bool = False, caption: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Per-instance lists: folium's add_js_link mutates these in place.
        self.default_js = list(_CDN_JS)
        self.default_css = list(_CDN_CSS)
        self.caption = caption
        self.notice = ""
        self.offline = False
        self.get_root().header.add_child(folium.Element(_STYLE), name="aao_style")
        if offline:
            self._inline_assets()

    def _inline_assets(self) -> None:
        paths = offline_assets()
        if paths is None:
            self.notice = offline_help()
            return
        header = self.get_root().header
        css = paths["leaflet_css"].read_text(encoding="utf-8")
        header.add_child(folium.Element(f"<style>{css}</style>"), name="leaflet_css_inline")
        for name in ("leaflet", "jquery"):
            js = paths[name].read_text(encoding="utf-8").replace("</script", "<\\/script")
            header.add_child(folium.Element(f"<script>{js}</script>"), name=f"{name}_inline")
        self.default_js = []
        self.default_css = []
        self.offline = True

    def _repr_html_(self, **kwargs) -> str:
        out = super()._repr_html_(**kwargs)
        # Name the map's frame for screen readers (axe frame-title); branca writes none.
        title = _html.escape(self.caption.split("; ")[0].split(". ")[0] if self.caption else "Interactive map", quote=True)
        out = out.replace("<iframe ", f'<iframe title="{title}" ', 1)
        if self.notice:
            out = (
                '<div role="status" style="border-left:4px solid #b45309;padding:0.4em 0.8em;'
                'margin-bottom:0.4em;background:#fffbeb;color:#1f2937">'
                f"{_html.escape(self.notice)}</div>" + out
            )
        return out


# ---------------------------------------------------------------------- building


def _load(name: str, frame):
    if frame is not None:
        return frame.copy()
    from helpers.data import load_dataset

    return load_dataset(name)


def _new_map(center, zoom, tiles, offline, caption) -> CourseMap:
    # zoomSnap 0.25 lets fitBounds use fractional zooms, so the data fill the frame.
    kwargs = dict(location=list(center), zoom_start=zoom, control_scale=True,
                  offline=offline, caption=caption, zoom_snap=0.25)
    m = CourseMap(tiles=None, **kwargs)
    if tiles is None or offline:
        m.get_root().header.add_child(
            folium.Element(f"<style>.leaflet-container{{background:{PLAIN_BACKGROUND}}}</style>"),
            name="aao_plain",
        )
        _add_land(m)
    if tiles is not None:
        # One base map needs no radio button in the layer control.
        folium.TileLayer(tiles, control=False).add_to(m)
    return m


class _Land(MacroElement):
    """The land outline as one non-interactive L.geoJSON layer in its own pane.

    Written out compactly: folium.GeoJson re-serialises with spaces, a third larger.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.geoJSON({{ this.geojson }}, {{ this.options }}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, geojson: str):
        super().__init__()
        self._name = "AaoLand"
        self.geojson = geojson
        self.options = json.dumps({"pane": _LAND_PANE, "interactive": False,
                                   "smoothFactor": 1.5, "style": LAND_STYLE})


def _add_land(m: CourseMap) -> None:
    """Draw the land outline under everything else: no popup, no hover, not in the layer control."""
    from helpers.data import load_shape

    # Read on each map (about 110 KB, a few ms), so an edited file is never stale.
    try:
        data = load_shape(LAND_SHAPE)
    except DatasetError as exc:
        m.notice = (m.notice + " " if m.notice else "") + (
            f"This map shows the sea colour without a coast; the data are drawn as usual. {exc}"
        )
        return
    # "</" could end the inline <script> early; "<\/" means the same in JSON.
    text = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    folium.map.CustomPane(_LAND_PANE, z_index=150, pointer_events=False).add_to(m)
    _Land(text).add_to(m)


def _popup(title: str, rows: Iterable[tuple[str, object]]) -> folium.Popup:
    cells = "".join(
        f"<tr><th scope='row'>{_esc(k)}</th><td>{_esc(v)}</td></tr>"
        for k, v in rows
        if not _blank(v)
    )
    body = f"<div class='aao-popup'><strong>{_esc(title)}</strong><table>{cells}</table></div>"
    return folium.Popup(body, max_width=340, parse_html=False)


def _label(lat, lon, lines: list[str], where: str = "right", extra_class: str = "",
           equal: bool = False) -> folium.Marker:
    """A text label (a DivIcon, no image) next to a point; ``lines`` are plain text.

    ``where`` is the preferred side; in the browser :class:`_LabelLayout` moves the
    label to another side when it would overlap another label, a point or a box, or
    run off the map. ``equal`` shows every line in the same weight (a list of names)
    instead of a first line with smaller details under it.
    """
    first, *rest = [_esc(x) for x in lines if not _blank(x)]
    text = first + "".join(f"<br>{r}" if equal else f"<br><small>{r}</small>" for r in rest)
    base = f"aao-label {extra_class}".strip()
    icon = folium.DivIcon(
        html=f"<div class='{base} aao-{where}' data-base='{base}' data-where='{where}'>{text}</div>",
        icon_size=(0, 0),
        icon_anchor=(0, 0),
        class_name="aao-label-anchor",
    )
    return folium.Marker([lat, lon], icon=icon, interactive=False, keyboard=False)


def _point(lat, lon, colour, tooltip: str, popup: folium.Popup, radius=7, css="aao-point"):
    return folium.CircleMarker(
        [lat, lon],
        radius=radius,
        color="#222222",
        weight=1.5,
        fill=True,
        fill_color=colour,
        fill_opacity=0.95,
        tooltip=folium.Tooltip(_esc(tooltip)),
        popup=popup,
        class_name=css,
    )


def _box(m: CourseMap, html_text: str, corner: str = "bl", name: str = "aao_box",
         summary: str = "") -> None:
    """A fixed note box inside the map (``html_text`` must already be escaped).

    With ``summary`` the box is a ``<details>`` element the reader can fold: it opens
    only where the map is wide enough (:class:`_LabelLayout` closes it on narrow maps,
    where it would cover the data), and its summary line always shows.
    """
    if summary:
        box = (f"<details class='aao-box {corner} aao-note' role='note' open>"
               f"<summary>{_esc(summary)}</summary>{html_text}</details>")
    else:
        box = f"<div class='aao-box {corner}' role='note'>{html_text}</div>"
    m.get_root().html.add_child(folium.Element(box), name=name)


class _LabelLayout(MacroElement):
    """Browser-side label placement: each label keeps its preferred side unless it would
    overlap a label placed before it, another point, a control or a note box, or run off
    the map; then it takes the first clear place, trying in turn every side, a little
    farther out, and the label folded onto more (narrower) lines; if no place is clear,
    the least covered one. A second pass re-places any label still touching another.

    Runs again after every zoom, pan, resize and layer switch, so it holds at any map
    width a notebook gives. A folded note (see :func:`_box`) starts closed on maps
    narrower than ``NOTE_OPEN_MIN_PX``.

    It announces when it is done, so tests and screenshots wait for a condition, not a
    time: the map's container carries ``data-aao-layout="pending"`` while a layout is
    due and ``"done"`` once the last pass ran with the map at rest (no zoom or pan
    animation, e.g. the one ``fitBounds`` starts) and every font loaded
    (``document.fonts``); ``data-aao-layout-pass`` counts the passes.
    """

    NOTE_OPEN_MIN_PX = 900
    _template = Template("""{% macro script(this, kwargs) %}
(function (map) {
  var SIDES = ["right", "left", "above-right", "below-right", "above-left", "below-left", "above", "below"];
  // Direction in which each side moves away from its point when pushed farther out.
  var AWAY = {"right": [1, 0], "left": [-1, 0], "left-low": [-1, 0], "above": [0, -1], "below": [0, 1],
              "above-right": [1, -1], "below-right": [1, 1], "above-left": [-1, -1],
              "above-left-high": [-1, -1], "below-left": [-1, 1]};
  var STEPS = [0, 14, 28];     // px farther out
  var FOLDS = [0, 0.6, 0.42];  // 0: one line per text line; else wrap at this share of the width
  var c = map.getContainer();
  var box = function (e) { return e.getBoundingClientRect(); };
  var area = function (a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0.5 && h > 0.5 ? w * h : 0;
  };
  function place(el, side, step, fold, width) {
    el.className = el.getAttribute("data-base") + " aao-" + side;
    var d = AWAY[side] || [0, 0];
    el.style.translate = step ? (d[0] * step) + "px " + (d[1] * step) + "px" : "";
    if (fold) {
      el.style.whiteSpace = "normal";
      el.style.width = "max-content";
      el.style.maxWidth = Math.max(90, Math.round(width * fold)) + "px";
    } else {
      el.style.whiteSpace = el.style.width = el.style.maxWidth = "";
    }
  }
  function layout() {
    var frame = box(c), fixed = [], points = [];
    var inner = {left: frame.left + 2, top: frame.top + 2, right: frame.right - 2, bottom: frame.bottom - 2};
    document.querySelectorAll(".leaflet-control, .aao-box").forEach(function (e) {
      var b = box(e); if (b.width) fixed.push(b);
    });
    c.querySelectorAll("path.aao-base, path.aao-city, path.aao-point").forEach(function (e) {
      var b = box(e); if (b.width) points.push(b);
    });
    // Names first, then distance labels, which can sit anywhere near their line.
    var labels = Array.prototype.slice.call(c.querySelectorAll(".aao-label[data-where]"));
    labels.sort(function (a, b) {
      return a.classList.contains("aao-distance") - b.classList.contains("aao-distance");
    });
    var items = labels.map(function (el) {
      place(el, el.getAttribute("data-where"), 0, 0, 0);
      var at = box(el.parentNode);
      return {el: el, pref: el.getAttribute("data-where"), width: box(el).width, box: null, cost: Infinity,
              // points other than the one this label belongs to
              others: points.filter(function (p) {
                return Math.abs((p.left + p.right) / 2 - at.left) > 2 || Math.abs((p.top + p.bottom) / 2 - at.top) > 2;
              })};
    });
    function cost(it, b, placed) {
      // Running off the map counts double: it is worse than touching another label.
      var k = 2 * (b.width * b.height - area(b, inner));
      fixed.concat(it.others).forEach(function (t) { k += area(b, t); });
      placed.forEach(function (o) { if (o !== it && o.box) k += area(b, o.box); });
      return k;
    }
    function choose(it, placed) {
      var order = [it.pref].concat(SIDES.filter(function (s) { return s !== it.pref; }));
      var best = null, bestCost = Infinity;
      search:
      for (var f = 0; f < FOLDS.length; f++) {
        for (var s = 0; s < STEPS.length; s++) {
          for (var i = 0; i < order.length; i++) {
            place(it.el, order[i], STEPS[s], FOLDS[f], it.width);
            var k = cost(it, box(it.el), placed);
            if (k < bestCost) { best = [order[i], STEPS[s], FOLDS[f]]; bestCost = k; }
            if (k === 0) break search;
          }
        }
      }
      place(it.el, best[0], best[1], best[2], it.width);
      it.box = box(it.el);
      it.cost = bestCost;
    }
    var placed = [];
    items.forEach(function (it) { choose(it, placed); placed.push(it); });
    // Greedy order can leave a label where no place was clear: re-place every label
    // still touching something, now against all the others.
    for (var round = 0; round < 3; round++) {
      var moved = false;
      items.forEach(function (it) {
        if (cost(it, it.box, items) > 0) { choose(it, items); moved = true; }
      });
      if (!moved) break;
    }
  }
  // ---- when to lay out, and saying when it is done
  var queued = false, passes = 0;
  var fontsReady = function () {
    return document.fonts && document.fonts.ready ? document.fonts.ready : Promise.resolve();
  };
  var animating = function () {
    return !!(map._animatingZoom || (map._panAnim && map._panAnim._inProgress));
  };
  function settle() {
    c.setAttribute("data-aao-layout", "pending");
    if (queued) return;
    queued = true;
    fontsReady().then(function () {
      window.requestAnimationFrame(function () {
        queued = false;
        // Mid-animation positions are not final: the animation's zoomend/moveend calls again.
        if (animating()) return;
        layout();
        // Measuring may have started a font download (a web font for some glyphs): again when it lands.
        if (document.fonts && document.fonts.status === "loading") { settle(); return; }
        passes += 1;
        c.setAttribute("data-aao-layout-pass", String(passes));
        c.setAttribute("data-aao-layout", "done");
      });
    });
  }
  c.setAttribute("data-aao-layout", "pending");
  var note = document.querySelector("details.aao-note");
  if (note && c.clientWidth < {{ this.NOTE_OPEN_MIN_PX }}) note.open = false;
  if (note) note.addEventListener("toggle", settle);
  map.on("zoomstart movestart", function () { c.setAttribute("data-aao-layout", "pending"); });
  map.on("zoomend moveend resize overlayadd overlayremove", settle);
  if (document.fonts && document.fonts.addEventListener) document.fonts.addEventListener("loadingdone", settle);
  layout();  // a first placement at once; the announced one follows
  settle();
})({{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self):
        super().__init__()
        self._name = "AaoLabelLayout"


def _fmt_km(km: float) -> str:
    return f"{km:,.1f} km ({geo.km_to_nm(km):,.1f} nmi)"


def _row(frame: pd.DataFrame, key: str, value: str, dataset: str) -> pd.Series:
    hit = frame.loc[frame[key].astype(str) == value]
    if hit.empty:
        from helpers.errors import DatasetError

        raise DatasetError(
            f"The map needs the row {key} = {value!r} in the {dataset} dataset "
            f"(datasets/{dataset}.csv), but it is not there. Restore the course's copy of the "
            f"file with `git checkout -- datasets/{dataset}.csv`."
        )
    return hit.iloc[0]


def _names(row) -> list[str]:
    """English name, then 'Korean · Japanese' as one line, skipping blanks."""
    local = " · ".join(str(row[c]) for c in ("name_ko", "name_ja") if c in row and not _blank(row[c]))
    return [str(row["name_en"]), local]


def _short(name: str) -> str:
    """'Seoul (City Hall)' -> 'Seoul' for compact labels."""
    return str(name).split(" (")[0].split(",")[0]


def _caption(what: str, datasets: list[str], tiles) -> str:
    data = ", ".join(f"`{d}`" for d in datasets)
    base = (f"; base map {TILES_ATTRIBUTION} (its place labels are OpenStreetMap's, not the course's)"
            if tiles == TILES else "")
    return (f"{what} Data: course datasets {data} (sources: helpers.data.cite(name))"
            f"{base}.")


_CAPTIONS = {
    "islets": (
        "Map: the Liancourt Rocks (Dokdo/Takeshima) with Ulleungdo and Dōgo (Oki Islands); "
        "lines are geodesic centre-to-centre distances on the WGS84 ellipsoid, circles are "
        "200 nautical miles from each island's centre.",
        ["places", "official_distances"],
    ),
    "disputes": (
        "Map: four maritime disputes in Northeast Asia, named neutrally; popups give each "
        "party's name, the claimants and who administers the area since when.",
        ["disputes"],
    ),
    "forces": (
        "Map: US bases in South Korea and Japan by service, with US troop totals per country "
        "and the geodesic distance from Seoul to Camp Humphreys.",
        ["us_bases", "us_troops", "places"],
    ),
    "overview": (
        "Map: Northeast Asia at a glance: capitals, the Liancourt Rocks (Dokdo/Takeshima) "
        "and the main US bases.",
        ["places", "disputes", "us_bases"],
    ),
}


def map_caption(name: str, tiles=TILES) -> str:
    """Return the one-line caption printed under map ``name`` ("islets", "disputes",
    "forces" or "overview")."""
    if name not in _CAPTIONS:
        from helpers.errors import CourseError

        raise CourseError(
            f"There is no map called {name!r}. Choose one of: {', '.join(_CAPTIONS)}."
        )
    what, datasets = _CAPTIONS[name]
    return _caption(what, datasets, tiles)


def _fit(m: CourseMap, points: list[tuple[float, float]], pad_deg: float = 0.3,
         top_px: int = 90, side_px: int = 30, bottom_px: int = 40) -> None:
    """Zoom to ``points``; the pixel padding keeps them clear of the note box on top."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    m.fit_bounds([[min(lats) - pad_deg, min(lons) - pad_deg], [max(lats) + pad_deg, max(lons) + pad_deg]],
                 padding_top_left=(side_px, top_px), padding_bottom_right=(side_px, bottom_px))


def _table(rows: list[dict]) -> pd.DataFrame:
    cols = ["layer", "feature", "lat", "lon", "details", "source"]
    return pd.DataFrame(rows, columns=cols)


# ------------------------------------------------------------------------ islets

_ISLETS = ("liancourt_west", "liancourt_east")
_ISLET_GROUP = "liancourt_rocks"
_ISLANDS = {"ulleungdo": _KOREA, "oki_dogo": _JAPAN}


def _islets_facts(places, official):
    """Everything the islets map and its text need, computed from the datasets."""
    rows = {pid: _row(places, "place_id", pid, "places") for pid in (*_ISLETS, *_ISLANDS)}
    legs = []
    for island in _ISLANDS:
        a = (rows[island]["lat"], rows[island]["lon"])
        # Measure to whichever islet is nearer that island.
        islet = min(_ISLETS, key=lambda i: geo.distance_km(a, (rows[i]["lat"], rows[i]["lon"])))
        b = (rows[islet]["lat"], rows[islet]["lon"])
        legs.append({"island": island, "islet": islet, "a": a, "b": b,
                     "km": geo.distance_km(a, b)})
    between = geo.distance_km(legs[0]["a"], legs[1]["a"])
    radius = geo.nm_to_km(EEZ_NM)
    rocks_in_both = all(leg["km"] < radius for leg in legs)
    off = official.copy()
    off["km"] = pd.to_numeric(off["km"], errors="coerce")
    return {"rows": rows, "legs": legs, "between_km": between, "radius_km": radius,
            "rocks_in_both": rocks_in_both, "official": off}


def _official_text(off: pd.DataFrame, island: str) -> tuple[str, str]:
    """('87.4 km (47.2 nmi)', 'about 92 km') for Korea's nearest-points and Japan's MOFA figures."""
    sel = off.loc[off["to_place"].astype(str) == island]
    kr = sel.loc[(sel["side"] == "korea") & (sel["measure"] == "nearest_points")]
    jp = sel.loc[(sel["side"] == "japan") & sel["publisher"].astype(str).str.contains("Foreign Affairs")]
    kr_txt = ""
    if not kr.empty:
        r = kr.iloc[0]
        nmi = f" ({float(r['nmi']):.1f} nmi)" if not _blank(r.get("nmi")) else ""
        kr_txt = f"{float(r['km']):.1f} km{nmi}"
    jp_txt = f"about {float(jp.iloc[0]['km']):.0f} km" if not jp.empty else ""
    return kr_txt, jp_txt


def islets_note(places=None, official_distances=None) -> str:
    """Return the text explaining the islets map: why official and map distances
    differ, and what the 200-nautical-mile circles show."""
    f = _islets_facts(_load("places", places), _load("official_distances", official_distances))
    rows, legs = f["rows"], f["legs"]
    by = {leg["island"]: leg for leg in legs}
    u, o = by["ulleungdo"], by["oki_dogo"]
    u_kr, u_jp = _official_text(f["official"], "ulleungdo")
    o_kr, o_jp = _official_text(f["official"], "oki_dogo")
    u_name = _short(rows["ulleungdo"]["name_en"])
    o_name = _short(rows["oki_dogo"]["name_en"])
    parts = [
        f"The lines on the map join island centres: {u_name} to the "
        f"{_short(rows[u['islet']]['name_en'])} is {_fmt_km(u['km'])}, and {o_name} "
        f"(Oki Islands) to the {_short(rows[o['islet']]['name_en'])} is {_fmt_km(o['km'])}, "
        "both measured along the geodesic on the WGS84 ellipsoid.",
    ]
    if u_kr and o_kr:
        jp = f" Japan's Ministry of Foreign Affairs gives {u_jp} and {o_jp}." if u_jp and o_jp else ""
        parts.append(
            "Official figures are shorter because they measure from the nearest shore of one "
            "island to the nearest shore of the other: Korea's Northeast Asian History Foundation "
            f"gives {u_kr} to Ulleungdo and {o_kr} to the Oki Islands.{jp} Most of the gap is "
            "the distance from each island's centre to its shore facing the rocks. Always say "
            "which definition a distance uses."
        )
    overlap = "overlap" if f["between_km"] < 2 * f["radius_km"] else "do not overlap"
    parts.append(
        f"The circles mark {EEZ_NM} nautical miles ({f['radius_km']:.1f} km) from the centres "
        f"of {u_name} and {o_name}. The two islands are only {f['between_km']:.0f} km apart, "
        f"less than {2 * EEZ_NM} nautical miles, so the circles {overlap}: the sea is too narrow "
        "for both countries to have full 200-mile exclusive economic zones, and the boundary has "
        "to be agreed."
    )
    if f["rocks_in_both"]:
        parts.append(
            "The Liancourt Rocks lie inside both circles, so measuring from each side's nearest "
            "undisputed island does not settle who owns them; each government instead argues "
            "from history and law (lesson 03). The circles simplify: real zones are measured "
            "from coastal baselines, and each side would also count the rocks if they were its own."
        )
    return "\n\n".join(parts)


def islets_map(*, tiles=TILES, offline: bool = False, as_table: bool = False,
               places=None, official_distances=None):
    """Return a map of the Liancourt Rocks, Ulleungdo and the Oki Islands (Dōgo) with
    geodesic distance lines and 200-nautical-mile circles; or its table (``as_table``)."""
    places = _load("places", places)
    f = _islets_facts(places, _load("official_distances", official_distances))
    rows = f["rows"]
    table = []

    caption = map_caption("islets", tiles)
    # Zoom 6 shows both 200-nmi circles whole in a notebook-sized map; labels are
    # placed around the points so they do not overlap at that zoom.
    centre = geo.geodesic_midpoint(f["legs"][0]["a"], f["legs"][1]["a"])
    m = _new_map(centre, 6, tiles, offline, caption)

    circles = {}
    for island, colour in _ISLANDS.items():
        r = rows[island]
        label = f"{EEZ_NM} nmi from {_short(r['name_en'])} ({r['country']})"
        layer = folium.FeatureGroup(name=_esc(label), show=True)
        ring = geo.geodesic_circle(r["lat"], r["lon"], f["radius_km"], n=CIRCLE_POINTS)
        folium.Polygon(
            ring, color=colour, weight=2, dash_array="7 5", fill=True, fill_color=colour,
            fill_opacity=0.07, tooltip=folium.Tooltip(_esc(label)), class_name="aao-circle",
        ).add_to(layer)
        circles[island] = layer
        table.append({"layer": "200-nmi circles", "feature": label, "lat": r["lat"], "lon": r["lon"],
                      "details": f"radius {f['radius_km']:.1f} km ({EEZ_NM} nmi) from the island centre",
                      "source": "computed (geographiclib, WGS84)"})

    lines = folium.FeatureGroup(name="Distances (centre to centre)", show=True)
    where = {"ulleungdo": "above-left-high", "oki_dogo": "below-left"}
    for leg in f["legs"]:
        ri, rl = rows[leg["island"]], rows[leg["islet"]]
        text = f"{_short(ri['name_en'])} – {_short(rl['name_en'])}: {_fmt_km(leg['km'])}"
        folium.PolyLine(
            geo.geodesic_path(leg["a"], leg["b"], n=16), color=_NEUTRAL, weight=2.5,
            tooltip=folium.Tooltip(_esc(text + ", centre to centre")), class_name="aao-line",
        ).add_to(lines)
        mid = geo.geodesic_midpoint(leg["a"], leg["b"])
        _label(mid[0], mid[1], [_fmt_km(leg["km"]), "centre to centre"], where=where[leg["island"]],
               extra_class="aao-distance").add_to(lines)
        table.append({"layer": "Distances", "feature": text.split(":")[0], "lat": mid[0], "lon": mid[1],
                      "details": f"{_fmt_km(leg['km'])}, geodesic, centre to centre",
                      "source": "computed from places (geographiclib, WGS84)"})

    points = folium.FeatureGroup(name="Islets and islands", show=True)
    for pid in (*_ISLETS, *_ISLANDS):
        r = rows[pid]
        colour = _ISLANDS.get(pid, _DISPUTE_COLOUR)
        names = _names(r)
        popup = _popup(r["name_en"], [
            ("Korean", r.get("name_ko")), ("Japanese", r.get("name_ja")),
            ("Status", r.get("country")), ("Position", geo.format_latlon(r["lat"], r["lon"])),
            ("Source", r.get("source")), ("Confidence", r.get("confidence")), ("Note", r.get("note")),
        ])
        _point(r["lat"], r["lon"], colour, " / ".join(n for n in names if n), popup,
               radius=5 if pid in _ISLETS else 8).add_to(points)
        table.append({"layer": "Islets and islands", "feature": r["name_en"], "lat": r["lat"],
                      "lon": r["lon"], "details": f"Korean: {r.get('name_ko')}; Japanese: {r.get('name_ja')}; "
                      f"{r.get('country')}", "source": r.get("source")})
    _label(rows["ulleungdo"]["lat"], rows["ulleungdo"]["lon"], _names(rows["ulleungdo"]),
           where="left-low").add_to(points)
    _label(rows["oki_dogo"]["lat"], rows["oki_dogo"]["lon"], _names(rows["oki_dogo"]),
           where="right").add_to(points)
    # The two islets are 0.4 km apart, one pixel at this zoom: one label names both.
    islet_lines = []
    group = places.loc[places["place_id"].astype(str) == _ISLET_GROUP]
    if not group.empty:
        g = group.iloc[0]
        islet_lines.append(" · ".join([str(g["name_en"]).split(",")[0],
                                       *[str(g[c]) for c in ("name_ko", "name_ja") if not _blank(g.get(c))]]))
    for pid in _ISLETS:
        islet_lines.append(" · ".join(n for n in _names(rows[pid]) if n))
    west = rows[_ISLETS[0]]
    _label(west["lat"], west["lon"], islet_lines, where="above-right").add_to(points)

    for layer in (*circles.values(), lines, points):
        layer.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)

    u_kr, _ = _official_text(f["official"], "ulleungdo")
    o_kr, _ = _official_text(f["official"], "oki_dogo")
    note = "Lines: geodesic, island centre to centre."
    if u_kr and o_kr:
        note += (f" Official figures measure nearest shore to nearest shore: "
                 f"{u_kr} to Ulleungdo, {o_kr} to Oki (Korea, NAHF).")
    note += (f" Dashed circles: {EEZ_NM} nmi from each island. They overlap, and the rocks lie "
             "inside both." if f["rocks_in_both"] else f" Dashed circles: {EEZ_NM} nmi from each island.")
    _box(m, _esc(note), summary="About the lines and circles")
    # Fit the two circles whole at any notebook width (zoom 6 at about 960 px wide).
    ring_pts = [p for island in _ISLANDS for p in geo.geodesic_circle(
        rows[island]["lat"], rows[island]["lon"], f["radius_km"], n=24)]
    _fit(m, ring_pts, pad_deg=0.0, top_px=8, side_px=8, bottom_px=8)
    _LabelLayout().add_to(m)

    if as_table:
        return _table(table)
    return m


def islets_table(**kwargs) -> pd.DataFrame:
    """Return the table of what :func:`islets_map` shows."""
    return islets_map(as_table=True, **kwargs)


# ---------------------------------------------------------------------- disputes

_PARTY_NAMES = [("Korean", "name_ko"), ("Japanese", "name_ja"), ("Chinese", "name_zh"), ("Russian", "name_ru")]


def _area_text(km2: float) -> str:
    """0.187554 -> '0.188', 5.53 -> '5.53', 5003.0 -> '5,003' (three figures at most)."""
    if km2 >= 100:
        return f"{km2:,.0f}"
    return f"{km2:.3g}" if km2 < 1 else f"{km2:.3f}".rstrip("0").rstrip(".")


def disputes_map(*, tiles=TILES, offline: bool = False, as_table: bool = False, disputes=None):
    """Return a map of the territorial and maritime disputes in the ``disputes`` dataset,
    named neutrally, with each party's name, the claimants and the administering state."""
    d = _load("disputes", disputes)
    caption = map_caption("disputes", tiles)
    m = _new_map((35.0, 133.0), 4, tiles, offline, caption)
    layer = folium.FeatureGroup(name="Disputes", show=True)
    table = []
    # Labels point inwards, towards the middle of the map, so none runs off an edge.
    mid_lon = (float(d["lon"].min()) + float(d["lon"].max())) / 2
    for _, r in d.iterrows():
        admin = r.get("administered_by")
        since = r.get("administered_since")
        if _blank(admin):
            admin_txt = "not applicable (see 'Nature')"
        else:
            admin_txt = str(admin) + ("" if _blank(since) else f" (since {int(float(since))})")
        area = r.get("area_km2")
        rows = [(label, r.get(col)) for label, col in _PARTY_NAMES if col in r]
        rows += [
            ("Claimants", r.get("claimants")), ("Administered by", admin_txt),
            ("Area", "" if _blank(area) else f"{_area_text(float(area))} km²"),
            ("Nature", r.get("nature")), ("Note", r.get("note")),
            ("Source", r.get("source")), ("Confidence", r.get("confidence")),
        ]
        popup = _popup(r["name_neutral"], rows)
        tip = f"{r['name_neutral']}: claimed by {r.get('claimants')}; administered by {admin_txt}"
        _point(r["lat"], r["lon"], _DISPUTE_COLOUR, tip, popup, radius=8).add_to(layer)
        side = "left" if float(r["lon"]) > mid_lon else "right"
        _label(r["lat"], r["lon"], [r["name_neutral"], f"administered by: {admin_txt}"],
               where=side).add_to(layer)
        names = "; ".join(f"{lab}: {r.get(col)}" for lab, col in _PARTY_NAMES
                          if col in r and not _blank(r.get(col)))
        table.append({"layer": "Disputes", "feature": r["name_neutral"], "lat": r["lat"], "lon": r["lon"],
                      "details": f"{names}. Claimants: {r.get('claimants')}. Administered by: {admin_txt}.",
                      "source": r.get("source")})
    layer.add_to(m)
    _box(m, _esc("Neutral names on the map; click a point for each party's name, the "
                 "claimants and the administering state."), corner="tr")
    _fit(m, list(zip(d["lat"], d["lon"])), pad_deg=0.5)
    _LabelLayout().add_to(m)
    if as_table:
        return _table(table)
    return m


def disputes_table(**kwargs) -> pd.DataFrame:
    """Return the table of what :func:`disputes_map` shows."""
    return disputes_map(as_table=True, **kwargs)


# ------------------------------------------------------------------------ forces


def _latest_troops(troops: pd.DataFrame) -> pd.DataFrame:
    t = troops.copy()
    t["as_of"] = pd.to_datetime(t["as_of"])
    return t.sort_values("as_of").groupby("country", sort=False).tail(1).sort_values("country")


def _troops_text(r) -> str:
    about = "about " if str(r.get("approximate", "")).lower() in {"true", "1"} else ""
    return f"{r['country']}: {about}{int(r['troops']):,} US troops (as of {r['as_of']:%d %b %Y})"


def _base_layer(bases: pd.DataFrame, table: list, name="US bases") -> folium.FeatureGroup:
    layer = folium.FeatureGroup(name=name, show=True)
    for _, r in bases.iterrows():
        colour = _SERVICE_COLOURS.get(str(r["service"]), _NEUTRAL)
        popup = _popup(r["name"], [
            ("Country", r.get("country")), ("Service", r.get("service")),
            ("Position", geo.format_latlon(r["lat"], r["lon"])), ("Note", r.get("note")),
            ("Source", r.get("source")), ("Confidence", r.get("confidence")),
        ])
        tip = f"{r['name']} ({r['service']}, {r['country']})"
        _point(r["lat"], r["lon"], colour, tip, popup, radius=6, css="aao-base").add_to(layer)
        table.append({"layer": name, "feature": r["name"], "lat": r["lat"], "lon": r["lon"],
                      "details": f"US {r['service']}, {r['country']}", "source": r.get("source")})
    return layer


def _base_clusters(bases: pd.DataFrame, within_km: float = 60.0) -> list[list[int]]:
    """Group bases closer than ``within_km`` to one another (greedy, in dataset order)."""
    pts = [(float(r["lat"]), float(r["lon"])) for _, r in bases.iterrows()]
    clusters: list[list[int]] = []
    for i, p in enumerate(pts):
        for c in clusters:
            if any(geo.distance_km(p, pts[j]) < within_km for j in c):
                c.append(i)
                break
        else:
            clusters.append([i])
    return clusters


def _base_short(name: str) -> str:
    return str(name).split(" (")[0].split(",")[0]


def _service_key(bases: pd.DataFrame) -> str:
    services = [s for s in _SERVICE_COLOURS if s in set(bases["service"].astype(str))]
    others = sorted(set(bases["service"].astype(str)) - set(services))
    return " ".join(
        f"<span style='white-space:nowrap'><span class='aao-key' "
        f"style='background:{_SERVICE_COLOURS.get(s, _NEUTRAL)}'></span>{_esc(s)}</span>"
        for s in services + others
    )


def forces_map(*, tiles=TILES, offline: bool = False, as_table: bool = False,
               us_bases=None, us_troops=None, places=None):
    """Return a map of US bases in South Korea and Japan with troop totals per country
    and the Seoul–Camp Humphreys geodesic distance; or its table (``as_table``)."""
    bases = _load("us_bases", us_bases)
    troops = _latest_troops(_load("us_troops", us_troops))
    places = _load("places", places)
    caption = map_caption("forces", tiles)
    m = _new_map((35.5, 133.0), 5, tiles, offline, caption)
    table = []
    _base_layer(bases, table).add_to(m)

    seoul = _row(places, "place_id", "seoul", "places")
    hum = _row(bases, "base_id", "camp_humphreys", "us_bases")
    a, b = (seoul["lat"], seoul["lon"]), (hum["lat"], hum["lon"])
    km = geo.distance_km(a, b)
    dist = folium.FeatureGroup(name="Seoul – Camp Humphreys", show=True)
    text = f"{_short(seoul['name_en'])} – {_short(hum['name'])}: {_fmt_km(km)}"
    folium.PolyLine([a, b], color=_NEUTRAL, weight=3,
                    tooltip=folium.Tooltip(_esc(text + ", geodesic")), class_name="aao-line").add_to(dist)
    _point(a[0], a[1], "#ffffff", seoul["name_en"],
           _popup(seoul["name_en"], [("Source", seoul.get("source"))]), radius=5, css="aao-city").add_to(dist)
    _label(a[0], a[1], [_short(seoul["name_en"])], where="left").add_to(dist)
    # Above Seoul: below the line, Osan and Kunsan sit too close at regional zoom.
    _label(a[0], a[1], [f"{_short(seoul['name_en'])} – {_short(hum['name'])}: {km:.0f} km",
                        f"({geo.km_to_nm(km):.1f} nmi, geodesic)"], where="above-left-high",
           extra_class="aao-distance").add_to(dist)
    dist.add_to(m)
    # Names of nearby bases share one label, so labels do not pile up at this zoom.
    # A label faces away from a neighbouring group less than 300 km off (Kunsan's points
    # west, Camp Humphreys' east), so each name stays next to its own point.
    names = folium.FeatureGroup(name="Base names", show=True)
    clusters = _base_clusters(bases)
    for cluster in clusters:
        first = bases.iloc[cluster[0]]
        here = (float(first["lat"]), float(first["lon"]))
        near = [(geo.distance_km(here, (float(o["lat"]), float(o["lon"]))), float(o["lon"]))
                for o in (bases.iloc[c[0]] for c in clusters if c is not cluster)]
        near = [n for n in near if n[0] < 300]
        side = "left" if near and min(near)[1] > here[1] else "right"
        _label(first["lat"], first["lon"], [_base_short(bases.iloc[i]["name"]) for i in cluster],
               where=side, equal=True).add_to(names)
    names.add_to(m)
    table.append({"layer": "Seoul – Camp Humphreys", "feature": text.split(":")[0],
                  "lat": float("nan"), "lon": float("nan"), "details": f"{_fmt_km(km)}, geodesic",
                  "source": "computed from places and us_bases (geographiclib, WGS84)"})
    for _, r in troops.iterrows():
        table.append({"layer": "US troops", "feature": r["country"], "lat": float("nan"),
                      "lon": float("nan"), "details": _troops_text(r), "source": r.get("source")})

    folium.LayerControl(collapsed=False, position="bottomright").add_to(m)
    box = "<br>".join(_esc(_troops_text(r)) for _, r in troops.iterrows())
    _box(m, f"<strong>US troops stationed</strong><br>{box}<br>{_service_key(bases)}", corner="tl")
    _fit(m, list(zip(bases["lat"], bases["lon"])) + [a], pad_deg=0.3)
    _LabelLayout().add_to(m)
    if as_table:
        return _table(table)
    return m


def forces_table(**kwargs) -> pd.DataFrame:
    """Return the table of what :func:`forces_map` shows."""
    return forces_map(as_table=True, **kwargs)


# ---------------------------------------------------------------------- overview

_OVERVIEW_PLACES = ("seoul", "pyongyang", "beijing", "tokyo")


def overview_map(*, tiles=TILES, offline: bool = False, as_table: bool = False,
                 places=None, disputes=None, us_bases=None):
    """Return the lesson-01 map of the region: capitals, the Liancourt Rocks and the
    US bases; or its table (``as_table``)."""
    places = _load("places", places)
    disputes = _load("disputes", disputes)
    bases = _load("us_bases", us_bases)
    caption = map_caption("overview", tiles)
    m = _new_map((36.5, 130.0), 4, tiles, offline, caption)
    table = []

    _base_layer(bases, table, name="US bases").add_to(m)

    caps = folium.FeatureGroup(name="Capitals", show=True)
    sides = {"seoul": "left", "pyongyang": "left", "beijing": "right", "tokyo": "right"}
    for pid in _OVERVIEW_PLACES:
        r = _row(places, "place_id", pid, "places")
        popup = _popup(r["name_en"], [("Korean", r.get("name_ko")), ("Japanese", r.get("name_ja")),
                                      ("Country", r.get("country")), ("Source", r.get("source"))])
        _point(r["lat"], r["lon"], "#ffffff", f"{r['name_en']} ({r['country']})", popup,
               radius=6, css="aao-city").add_to(caps)
        _label(r["lat"], r["lon"], [_short(r["name_en"])], where=sides.get(pid, "right")).add_to(caps)
        table.append({"layer": "Capitals", "feature": r["name_en"], "lat": r["lat"], "lon": r["lon"],
                      "details": f"capital of {r['country']}", "source": r.get("source")})
    caps.add_to(m)

    rocks = _row(disputes, "dispute_id", "liancourt_rocks", "disputes")
    isl = folium.FeatureGroup(name="Liancourt Rocks", show=True)
    popup = _popup(rocks["name_neutral"], [
        ("Korean", rocks.get("name_ko")), ("Japanese", rocks.get("name_ja")),
        ("Claimants", rocks.get("claimants")), ("Administered by", rocks.get("administered_by")),
        ("Source", rocks.get("source")),
    ])
    _point(rocks["lat"], rocks["lon"], _DISPUTE_COLOUR, rocks["name_neutral"], popup, radius=7).add_to(isl)
    _label(rocks["lat"], rocks["lon"], [rocks["name_neutral"]], where="right").add_to(isl)
    isl.add_to(m)
    table.append({"layer": "Liancourt Rocks", "feature": rocks["name_neutral"], "lat": rocks["lat"],
                  "lon": rocks["lon"], "details": f"claimed by {rocks.get('claimants')}; administered by "
                  f"{rocks.get('administered_by')}", "source": rocks.get("source")})

    folium.LayerControl(collapsed=False, position="bottomright").add_to(m)
    _box(m, "<strong>US bases</strong> by service: " + _service_key(bases), corner="tl")
    pts = [(r["lat"], r["lon"]) for _, r in places.loc[places["place_id"].isin(_OVERVIEW_PLACES)].iterrows()]
    _fit(m, pts + list(zip(bases["lat"], bases["lon"])), pad_deg=0.3)
    _LabelLayout().add_to(m)
    if as_table:
        return _table(table)
    return m


def overview_table(**kwargs) -> pd.DataFrame:
    """Return the table of what :func:`overview_map` shows."""
    return overview_map(as_table=True, **kwargs)
