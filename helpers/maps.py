"""Folium maps of the region, built from the course datasets only.

Every map function returns a :class:`CourseMap` (a ``folium.Map``) and takes the same
switches:

``tiles``
    the base map; defaults to :data:`TILES`. ``tiles=None`` draws the data layers on
    a plain background (no tile requests at all). Every map, with tiles or without,
    carries a light grey land outline (:data:`LAND_FILE`, Natural Earth, public domain)
    in a pane under the tiles: tiles that load cover it, and without internet the
    points still sit on a coast.
``offline``
    ``True`` inlines Leaflet and jQuery from ``<course>/.offline/node_modules`` (made by
    ``make offline-assets``) so the map works with no internet. When those files are
    missing the normal map comes back with ``m.notice`` saying what to do; nothing is
    raised. Inlining adds about 249 KB (Leaflet 1.9.4 ~148 KB, jQuery 3.7.1 ~88 KB,
    Leaflet CSS ~15 KB). Measured (December 2026), the default maps are 142-160 KB of
    HTML, of which the land outline is about 112 KB, under the 300 KB budget that
    applies to default maps (the notebook stores the HTML base64-encoded, a third
    larger again); offline maps are 385-403 KB.
``as_table``
    ``True`` returns a DataFrame of what the map shows instead of the map: the
    accessible version for screen readers and for copying numbers.
dataset arguments (``places=``, ``disputes=`` ...)
    DataFrames with the dataset's columns to draw instead of the course files
    (tests use them; lessons never need them).

Each map also carries ``m.caption`` (the one-line caption a lesson prints under it,
same as :func:`map_caption`) and ``m.notice`` (empty unless something needs the
reader's attention). Every HTML fragment (popup, tooltip, label, note, notice) comes
from a template in ``helpers/templates/maps/`` (escaped by :mod:`helpers.render`);
popups and tooltips also go through :func:`_for_js_template`, because folium writes
them into a JavaScript template literal.

Labels are placed in the browser (:class:`_LabelLayout`, ``helpers/static/
label_layout.js``): each keeps its preferred side unless it would overlap another
label, a point, a control or a note, or leave the map, at whatever width the notebook
gives the map and after every zoom. Nearby US bases share one label; the islets map's
long note and the forces map's troops box fold away on narrow maps.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

import helpers
from helpers import geo
from helpers.errors import DatasetError
from helpers.render import render, safe

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

#: The maps' own CSS and label layout, inlined into every map (so it works offline).
STATIC_DIR = Path(__file__).resolve().parent / "static"
STYLE_FILE = STATIC_DIR / "maps.css"
LAYOUT_FILE = STATIC_DIR / "label_layout.js"
#: The forces map's troops box opens only on maps at least this wide.
TROOPS_OPEN_MIN_PX = 620



# ---------------------------------------------------------------------- escaping


def _text(value) -> str:
    """``value`` as display text ("" for a missing value); templates escape it."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


# folium writes popup and tooltip HTML into a JavaScript template literal (`...`):
# there a backtick would end the string, "${" would start code and a backslash an
# escape sequence. Their HTML character references display the same characters.
_JS_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _for_js_template(fragment: str) -> str:
    """Make escaped HTML safe inside a JavaScript template literal (popups, tooltips)."""
    return fragment.translate(_JS_TEMPLATE_LITERAL)


def _tooltip(text) -> folium.Tooltip:
    return folium.Tooltip(_for_js_template(render("maps/text.html", text=_text(text))))


def _layer_name(text) -> str:
    """A layer-control name: Leaflet shows it as HTML."""
    return _for_js_template(render("maps/text.html", text=_text(text)))


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
        css = STYLE_FILE.read_text(encoding="utf-8")
        self.get_root().header.add_child(folium.Element(f"<style>{css}</style>"), name="aao_style")
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
        title = self.caption.split("; ")[0].split(". ")[0] if self.caption else "Interactive map"
        out = out.replace("<iframe ", render("maps/frame_title.html", title=title), 1)
        if self.notice:
            out = render("maps/notice.html", notice=self.notice) + out
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
    # Every map gets the sea colour and the land outline under the tiles: where tiles
    # load they cover it; without internet (or with tiles=None) the coast still shows.
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
    body = render("maps/popup.html", title=_text(title),
                  rows=[(_text(k), _text(v)) for k, v in rows if not _blank(v)])
    return folium.Popup(_for_js_template(body), max_width=340, parse_html=False)


def _label(lat, lon, lines: list[str], where: str = "right", extra_class: str = "",
           equal: bool = False) -> folium.Marker:
    """A text label (a DivIcon, no image) next to a point; ``lines`` are plain text.

    ``where`` is the preferred side; in the browser :class:`_LabelLayout` moves the
    label to another side when it would overlap another label, a point or a box, or
    run off the map. ``equal`` shows every line in the same weight (a list of names)
    instead of a first line with smaller details under it.
    """
    first, *rest = [_text(x) for x in lines if not _blank(x)]
    base = f"aao-label {extra_class}".strip()
    icon = folium.DivIcon(
        # JSON-quoted by folium, so safe as it is; neutralised too, so that no map text
        # anywhere can open a template literal.
        html=_for_js_template(render("maps/label.html", base=base, where=where, first=first,
                                     rest=rest, equal=equal)),
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
        tooltip=_tooltip(tooltip),
        popup=popup,
        class_name=css,
    )


def _box(m: CourseMap, body, corner: str = "bl", name: str = "aao_box",
         summary: str = "", open_min_px: int = 0, note: bool = False) -> None:
    """A fixed note box inside the map; ``body`` is text, or ``safe()`` HTML a template made.

    With ``summary`` the box is a ``<details>`` element the reader can fold: it opens
    only where the map is at least ``open_min_px`` wide (default
    :attr:`_LabelLayout.NOTE_OPEN_MIN_PX`; the layout closes it on narrower maps, where
    it would cover the data), and its summary line always shows.
    """
    box = render("maps/box.html", body=body, corner=corner, summary=summary,
                 open_min=open_min_px or "", note=note)
    m.get_root().html.add_child(folium.Element(box), name=name)


class _LabelLayout(MacroElement):
    """Browser-side label placement, from ``helpers/static/label_layout.js`` (inlined
    into the map, so it works offline; that file's header says how it works).

    Each label keeps its preferred side unless it would overlap another label, a point,
    a control or a note box, or run off the map; then it takes the first clear place
    among every side, farther out, folded onto narrower lines and shortened to its first
    line; a label with no clear place at all is folded away (its text stays in its
    point's tooltip and in the table). Runs again after every zoom, pan, resize, layer
    switch, font arriving, print and change of a note's size, so it holds at any map
    width a notebook gives. A folded box (see :func:`_box`) starts closed on maps
    narrower than its ``open_min_px`` (``NOTE_OPEN_MIN_PX`` unless it says).

    It announces when it is done, so tests and screenshots wait for a condition, not a
    time: the map's container carries ``data-aao-layout="pending"`` from the moment
    anything that can move a label happens, and ``"done"`` only once the last layout ran
    with the map at rest, every font loaded, and nothing it measured moved in the frame
    after it; ``data-aao-layout-pass`` counts the passes and ``data-aao-folded`` the
    labels folded away.
    """

    NOTE_OPEN_MIN_PX = 900
    _template = Template(
        "{% macro script(this, kwargs) %}(function () {\n{{ this.source }}\n"
        "aaoLabelLayout({{ this._parent.get_name() }}, {{ this.options }});\n})();{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "AaoLabelLayout"
        # Read on each map, like the land outline: an edited file is never stale.
        self.source = LAYOUT_FILE.read_text(encoding="utf-8").replace("</", "<\\/")
        self.options = json.dumps({"noteOpenMinPx": self.NOTE_OPEN_MIN_PX})


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
        layer = folium.FeatureGroup(name=_layer_name(label), show=True)
        ring = geo.geodesic_circle(r["lat"], r["lon"], f["radius_km"], n=CIRCLE_POINTS)
        folium.Polygon(
            ring, color=colour, weight=2, dash_array="7 5", fill=True, fill_color=colour,
            fill_opacity=0.07, tooltip=_tooltip(label), class_name="aao-circle",
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
            tooltip=_tooltip(text + ", centre to centre"), class_name="aao-line",
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
    _box(m, note, summary="About the lines and circles", note=True)
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
    _box(m, "Neutral names on the map; click a point for each party's name, the "
            "claimants and the administering state.", corner="tr")
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


def _service_key(bases: pd.DataFrame):
    """The colour key of the services in ``bases`` (safe HTML from its template)."""
    services = [s for s in _SERVICE_COLOURS if s in set(bases["service"].astype(str))]
    others = sorted(set(bases["service"].astype(str)) - set(services))
    return safe(render("maps/service_key.html",
                       services=[(s, _SERVICE_COLOURS.get(s, _NEUTRAL)) for s in services + others]))


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
                    tooltip=_tooltip(text + ", geodesic"), class_name="aao-line").add_to(dist)
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
    box = render("maps/troops.html", troops=[_troops_text(r) for _, r in troops.iterrows()],
                 key=_service_key(bases))
    # Folded on narrow maps, where it would cover most of Korea.
    _box(m, safe(box), corner="tl", summary="US troops stationed", open_min_px=TROOPS_OPEN_MIN_PX)
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
    _box(m, safe(render("maps/overview_key.html", key=_service_key(bases))), corner="tl")
    pts = [(r["lat"], r["lon"]) for _, r in places.loc[places["place_id"].isin(_OVERVIEW_PLACES)].iterrows()]
    _fit(m, pts + list(zip(bases["lat"], bases["lon"])), pad_deg=0.3)
    _LabelLayout().add_to(m)
    if as_table:
        return _table(table)
    return m


def overview_table(**kwargs) -> pd.DataFrame:
    """Return the table of what :func:`overview_map` shows."""
    return overview_map(as_table=True, **kwargs)
