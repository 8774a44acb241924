"""helpers.maps: what each map contains, escaping, size, offline inlining, tiles and tables.

Expected numbers come from the datasets and from geographiclib called directly here,
never from figures typed into the test.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from geographiclib.geodesic import Geodesic
from markupsafe import escape
from conftest import in_ci, wait_map_ready

import helpers
from helpers import maps
from helpers.data import load_dataset
from helpers.errors import CourseError, DatasetError

BUILDERS = {
    "islets": maps.islets_map,
    "disputes": maps.disputes_map,
    "forces": maps.forces_map,
    "overview": maps.overview_map,
}
BUDGET = 300 * 1024
EVIL = "<script>alert(1)</script>`${alert(2)}`\\u0041"


def html_of(m) -> str:
    return m.get_root().render()


def class_count(html: str, css: str) -> int:
    return len(re.findall(rf'"className": "{css}"', html))


def km_wgs84(a, b) -> float:
    return Geodesic.WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"] / 1000


def labelled_km(html: str) -> list[tuple[float, float]]:
    """Every 'X km (Y nmi)' pair the map shows."""
    return [(float(k.replace(",", "")), float(n.replace(",", "")))
            for k, n in re.findall(r"([\d,]+\.\d) km \(([\d,]+\.\d) nmi\)", html)]


@pytest.fixture(scope="module")
def data():
    return {n: load_dataset(n) for n in ("places", "disputes", "us_bases", "us_troops", "official_distances")}


@pytest.fixture(scope="module")
def rendered():
    return {name: html_of(build()) for name, build in BUILDERS.items()}


def point(places, pid):
    r = places.set_index("place_id").loc[pid]
    return (float(r["lat"]), float(r["lon"]))


# ------------------------------------------------------------------ contents


def test_one_marker_per_dataset_row(rendered, data):
    assert class_count(rendered["disputes"], "aao-point") == len(data["disputes"])
    assert class_count(rendered["forces"], "aao-base") == len(data["us_bases"])
    assert class_count(rendered["overview"], "aao-base") == len(data["us_bases"])
    assert class_count(rendered["overview"], "aao-city") == 4
    assert class_count(rendered["islets"], "aao-point") == 4
    assert class_count(rendered["islets"], "aao-circle") == 2
    assert class_count(rendered["islets"], "aao-line") == 2


def test_islets_map_names_both_islets_in_three_languages(rendered, data):
    places = data["places"].set_index("place_id")
    for pid in ("liancourt_west", "liancourt_east", "ulleungdo", "oki_dogo"):
        for col in ("name_en", "name_ko", "name_ja"):
            assert places.loc[pid, col] in rendered["islets"], (pid, col)


def test_islets_distance_labels_match_geographiclib(rendered, data):
    places = data["places"]
    shown = labelled_km(rendered["islets"])
    for island, islet in (("ulleungdo", "liancourt_west"), ("oki_dogo", "liancourt_east")):
        truth = km_wgs84(point(places, island), point(places, islet))
        assert any(abs(km - truth) < 1 for km, _ in shown), (island, truth, shown)
    for km, nmi in shown:
        assert nmi == pytest.approx(km / 1.852, abs=0.06)


def test_distance_labels_follow_the_data_not_a_typed_number(data):
    places = data["places"].copy()
    row = places["place_id"] == "ulleungdo"
    places.loc[row, "lat"] = places.loc[row, "lat"] + 0.5
    html = html_of(maps.islets_map(places=places))
    truth = km_wgs84(point(places, "ulleungdo"), point(places, "liancourt_west"))
    assert any(abs(km - truth) < 0.1 for km, _ in labelled_km(html))
    assert truth > 100  # moved far enough that the old label could not pass


def test_islets_circles_are_200_nmi_from_the_islands(data):
    table = maps.islets_table()
    circles = table[table["layer"] == "200-nmi circles"]
    assert len(circles) == 2
    assert all("370.4 km" in d for d in circles["details"])


def test_islets_note_explains_official_and_centre_distances(data):
    note = maps.islets_note()
    off = data["official_distances"]
    kr = off[(off["side"] == "korea") & (off["measure"] == "nearest_points")].set_index("to_place")
    assert f"{kr.loc['ulleungdo', 'km']:.1f} km" in note
    assert f"{kr.loc['oki_dogo', 'km']:.1f} km" in note
    truth = km_wgs84(point(data["places"], "ulleungdo"), point(data["places"], "liancourt_west"))
    assert f"{truth:.1f} km" in note
    assert "nearest shore" in note and "overlap" in note and "inside both circles" in note
    # The same explanation, shortened, is inside the map.
    assert "nearest shore to nearest shore" in html_of(maps.islets_map())


def test_forces_map_shows_troops_and_the_humphreys_distance(rendered, data):
    html = rendered["forces"]
    troops = data["us_troops"].sort_values("as_of").groupby("country").tail(1)
    for _, r in troops.iterrows():
        assert f"{int(r['troops']):,}" in html
        assert f"{r['as_of']:%d %b %Y}" in html
    bases = data["us_bases"].set_index("base_id")
    hum = (bases.loc["camp_humphreys", "lat"], bases.loc["camp_humphreys", "lon"])
    truth = km_wgs84(point(data["places"], "seoul"), hum)
    assert any(abs(km - truth) < 1 for km, _ in labelled_km(html))


def test_disputes_popups_give_every_party_name_claimants_and_administrator(rendered, data):
    html = rendered["disputes"]
    for _, r in data["disputes"].iterrows():
        for col in ("name_neutral", "name_ko", "name_ja", "claimants"):
            if isinstance(r[col], str) and r[col]:
                assert str(escape(r[col])) in html, (r["dispute_id"], col)
        if isinstance(r["administered_by"], str) and r["administered_by"]:
            assert f"{r['administered_by']} (since {int(r['administered_since'])})" in html


def test_overview_names_the_capitals_and_the_rocks(rendered, data):
    html = rendered["overview"]
    places = data["places"].set_index("place_id")
    for pid in ("seoul", "tokyo", "pyongyang", "beijing"):
        assert places.loc[pid, "name_en"] in html
    rocks = data["disputes"].set_index("dispute_id").loc["liancourt_rocks", "name_neutral"]
    assert rocks in html


def test_markers_are_vector_shapes_and_html_labels_never_image_icons(rendered):
    for name, html in rendered.items():
        assert html.count("L.marker(") == html.count("L.divIcon("), name
        assert "AwesomeMarkers" not in html and "L.icon(" not in html, name


# ------------------------------------------------------------------ escaping


def test_popups_tooltips_and_labels_escape_dataset_text(data):
    d = data["disputes"].copy()
    d.loc[0, "name_neutral"] = EVIL
    d.loc[0, "note"] = EVIL
    html = html_of(maps.disputes_map(disputes=d))
    assert "<script>alert(1)" not in html
    assert "${alert(2)}" not in html and "`${" not in html
    assert "\\u0041" not in html and "&#92;u0041" in html  # a backslash would start a JS escape
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    table = maps.disputes_table(disputes=d)
    assert table.loc[0, "feature"] == EVIL  # the table keeps the raw text; it is not HTML


def test_place_names_are_escaped_in_the_islets_map(data):
    places = data["places"].copy()
    places.loc[places["place_id"] == "ulleungdo", "name_en"] = EVIL
    html = html_of(maps.islets_map(places=places))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


# ------------------------------------------------------------------ size, assets, tiles


@pytest.mark.parametrize("name", list(BUILDERS))
def test_default_map_html_is_under_300_kb(rendered, name):
    assert len(rendered[name].encode("utf-8")) < BUDGET


@pytest.mark.parametrize("name", list(BUILDERS))
def test_only_leaflet_and_jquery_are_loaded(rendered, name):
    html = rendered[name]
    scripts = re.findall(r'<script src="([^"]+)"', html)
    css = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(scripts) == 2 and any("leaflet" in s for s in scripts) and any("jquery" in s for s in scripts)
    assert len(css) == 1 and "leaflet" in css[0]
    assert "bootstrap" not in html and "fontawesome" not in html


def test_default_tiles_carry_their_attribution(rendered):
    assert "tile.openstreetmap.org" in rendered["islets"]
    assert "OpenStreetMap" in rendered["islets"] and "contributors" in rendered["islets"]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_tiles_none_draws_on_a_plain_background(name):
    html = html_of(BUILDERS[name](tiles=None))
    assert "L.tileLayer(" not in html and "tile.openstreetmap" not in html
    assert maps.PLAIN_BACKGROUND in html
    assert class_count(html, "aao-point") + class_count(html, "aao-base") > 0


@pytest.mark.parametrize("name", list(BUILDERS))
def test_offline_inlines_leaflet_and_jquery(name):
    if maps.offline_assets() is None:
        pytest.skip("run `make offline-assets` to fetch Leaflet and jQuery")
    m = BUILDERS[name](offline=True, tiles=None)
    html = html_of(m)
    assert m.offline is True and m.notice == ""
    assert "<script src=" not in html and "<link rel=\"stylesheet\" href=\"http" not in html
    assert "Leaflet 1.9" in html and "jQuery v3" in html and ".leaflet-pane" in html
    # Measured: about 250 KB more than the default map (see the module docstring).
    assert len(html.encode()) > len(html_of(BUILDERS[name](tiles=None)).encode()) + 200_000


def test_offline_without_local_files_returns_the_online_map_and_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(helpers, "COURSE_DIR", tmp_path)
    m = maps.islets_map(offline=True)
    assert m.offline is False
    assert "make offline-assets" in m.notice and "online" in m.notice
    assert "make offline-assets" in m._repr_html_()
    assert re.search(r'<script src="https://[^"]+leaflet', html_of(m))
    assert maps.offline_help() == m.notice


def test_online_map_has_no_notice():
    m = maps.overview_map()
    assert m.notice == "" and m.offline is False
    assert "offline" not in m._repr_html_()[:300]


# ------------------------------------------------------------------ tables and captions


def test_tables_list_what_the_maps_show(data):
    assert len(maps.disputes_table()) == len(data["disputes"])
    islets = maps.islets_table()
    assert len(islets) == 8 and list(islets.columns) == ["layer", "feature", "lat", "lon", "details", "source"]
    forces = maps.forces_table()
    assert (forces["layer"] == "US bases").sum() == len(data["us_bases"])
    assert (forces["layer"] == "US troops").sum() == data["us_troops"]["country"].nunique()
    overview = maps.overview_table()
    assert (overview["layer"] == "Capitals").sum() == 4


def test_islets_table_rows_are_the_dataset_rows(data):
    """Each point row carries the place's own coordinates, names and source."""
    table = maps.islets_table().set_index("feature")
    places = data["places"].set_index("place_id")
    for pid in ("liancourt_west", "liancourt_east", "ulleungdo", "oki_dogo"):
        row = table.loc[places.loc[pid, "name_en"]]
        assert row["layer"] == "Islets and islands"
        assert (row["lat"], row["lon"]) == (places.loc[pid, "lat"], places.loc[pid, "lon"])
        assert row["source"] == places.loc[pid, "source"]
        assert places.loc[pid, "name_ko"] in row["details"] and places.loc[pid, "name_ja"] in row["details"]
    lines = table[table["layer"] == "Distances"]
    truth = km_wgs84(point(data["places"], "ulleungdo"), point(data["places"], "liancourt_west"))
    assert any(f"{truth:.1f} km" in d for d in lines["details"])


# Which datasets each map draws, read off the builders' code by hand.
MAP_DATASETS = {"islets": ["places", "official_distances"], "disputes": ["disputes"],
                "forces": ["us_bases", "us_troops", "places"], "overview": ["places", "disputes", "us_bases"]}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_map_has_its_caption(name):
    m = BUILDERS[name]()
    package = json.loads((helpers.DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["name"] for r in package["resources"]}
    for dataset in MAP_DATASETS[name]:
        assert dataset in described  # a real, described dataset ...
        assert f"`{dataset}`" in m.caption  # ... that the caption names
    assert "\n" not in m.caption and m.caption.startswith("Map: ") and m.caption.endswith(".")
    assert "© OpenStreetMap contributors" in m.caption
    assert "OpenStreetMap" not in BUILDERS[name](tiles=None).caption
    # The map's frame is named for screen readers by the caption's first clause.
    first = m.caption.split("; ")[0].split(". ")[0]
    assert f'<iframe title="{escape(first)}" ' in m._repr_html_()


def test_unknown_caption_is_a_course_error():
    with pytest.raises(CourseError, match="islets"):
        maps.map_caption("islands")


def test_missing_row_is_a_dataset_error_naming_the_file(data):
    places = data["places"][data["places"]["place_id"] != "oki_dogo"]
    with pytest.raises(DatasetError, match=r"oki_dogo.*datasets/places\.csv"):
        maps.islets_map(places=places)


def test_importing_maps_reads_no_offline_files(monkeypatch, tmp_path):
    import importlib

    monkeypatch.setattr(helpers, "COURSE_DIR", tmp_path / "nowhere")
    importlib.reload(maps)  # must not fail or look for .offline at import
    assert maps.offline_assets() is None


# ------------------------------------------------------------------ land outline

LAND = helpers.DATASETS_DIR / maps.LAND_FILE


def land_geojson() -> dict:
    import json

    return json.loads(LAND.read_text(encoding="utf-8"))


def overlay_names(html: str) -> list[str]:
    """The names the layer control lists (empty when the map has no layer control)."""
    block = re.search(r"overlays\s*:\s*\{(.*?)\}", html, re.S)
    return re.findall(r'"([^"]+)"\s*:', block.group(1)) if block else []


@pytest.mark.parametrize("name", list(BUILDERS))
def test_plain_map_draws_the_land_outline_under_the_data(name):
    html = html_of(BUILDERS[name](tiles=None))
    assert html.count("L.geoJSON(") == 1
    assert '"pane": "aao_land"' in html and '"interactive": false' in html
    assert re.search(r'createPane\(\s*"aao_land"\);\s*\S+\.style\.zIndex = 150;', html)
    # The outline's own coordinates are in the page, e.g. its first point.
    first = land_geojson()["features"][0]["geometry"]["coordinates"][0][0][0]
    assert f"[{first[0]},{first[1]}]" in html
    names = overlay_names(html)
    assert not any(n.lower() in ("land", "coastline") for n in names)
    assert len(names) == {"islets": 4, "disputes": 0, "forces": 3, "overview": 3}[name]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_map_with_tiles_draws_the_land_outline_under_them(rendered, name):
    """Without internet the tiles fail: the outline under them still shows the coast."""
    html = rendered[name]
    assert "L.tileLayer(" in html and html.count("L.geoJSON(") == 1
    assert re.search(r'createPane\(\s*"aao_land"\);\s*\S+\.style\.zIndex = 150;', html)
    assert html.index("L.geoJSON(") < html.index("L.tileLayer(") or "aao_land" in html
    assert maps.PLAIN_BACKGROUND in html


def test_offline_map_with_tiles_puts_the_outline_under_them():
    html = html_of(maps.forces_map(offline=True))
    assert "L.tileLayer(" in html and html.count("L.geoJSON(") == 1
    # Leaflet's tile pane is at z-index 200: tiles that load cover the outline.
    assert re.search(r'createPane\(\s*"aao_land"\);\s*\S+\.style\.zIndex = 150;', html)


def test_missing_land_file_still_draws_the_map_and_says_what_to_do(monkeypatch, tmp_path):
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(helpers.DATASETS_DIR, copy)
    (copy / maps.LAND_FILE).unlink()
    monkeypatch.setattr(helpers, "DATASETS_DIR", copy)
    m = maps.islets_map(tiles=None)
    html = html_of(m)
    assert "L.geoJSON(" not in html and class_count(html, "aao-point") > 0
    assert maps.LAND_FILE in m.notice and "missing" in m.notice and "without a coast" in m.notice


def test_land_outline_is_valid_geojson_inside_its_box():
    gj = land_geojson()
    west, south, east, north = gj["bbox"]
    assert (west, south, east, north) == (105.0, 20.0, 150.0, 50.0)
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 1
    geometry = gj["features"][0]["geometry"]
    assert geometry["type"] == "MultiPolygon"
    assert LAND.stat().st_size < 150 * 1024

    def area(ring):
        return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:])) / 2

    for polygon in geometry["coordinates"]:
        for k, ring in enumerate(polygon):
            assert len(ring) >= 4 and ring[0] == ring[-1]
            # RFC 7946: outer rings anticlockwise, holes clockwise.
            assert (area(ring) > 0) == (k == 0)
            for lon, lat in ring:
                assert west <= lon <= east and south <= lat <= north
                assert round(lon, 3) == lon and round(lat, 3) == lat


def _on_land(lon, lat, multipolygon) -> bool:
    def inside(ring):
        hit = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
        return hit

    return any(inside(p[0]) and not any(inside(h) for h in p[1:]) for p in multipolygon)


def test_land_outline_matches_the_course_places(data):
    coords = land_geojson()["features"][0]["geometry"]["coordinates"]
    places = data["places"].set_index("place_id")
    # Island and city points lie on land; the sea between them does not.
    for pid in ("ulleungdo", "oki_dogo", "seoul", "tokyo", "busan", "matsue", "pyongyang"):
        if pid in places.index:
            lat, lon = point(data["places"], pid)
            assert _on_land(lon, lat, coords), pid
    lat_u, lon_u = point(data["places"], "ulleungdo")
    lat_r, lon_r = point(data["places"], "liancourt_rocks")
    assert not _on_land((lon_u + lon_r) / 2, (lat_u + lat_r) / 2, coords)


def test_land_outline_is_described_with_its_source_and_licence():
    import json

    package = json.loads((helpers.DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))
    entry = next(g for g in package["resources"] if g["path"] == maps.LAND_FILE)
    assert entry["format"] == "geojson" and entry["name"] == maps.LAND_SHAPE
    assert "Natural Earth" in json.dumps(entry["sources"]) and "world-atlas" in json.dumps(entry["sources"])
    assert entry["licenses"][0]["name"] == "public-domain" and len(entry["retrieved"]) == 10


@pytest.mark.browser
def test_browser_draws_one_inert_land_shape_below_the_data(offline_page, tmp_path):
    page = offline_page
    path = tmp_path / "islets_land.html"
    maps.islets_map(tiles=None, offline=True).save(str(path))
    page.goto(path.as_uri())
    wait_map_ready(page)  # the map says when it has drawn and laid out its labels
    info = page.evaluate("""() => {
        const pane = document.querySelector('.leaflet-aao_land-pane');
        const over = document.querySelector('.leaflet-overlay-pane');
        return {paths: pane.querySelectorAll('path').length,
                interactive: pane.querySelectorAll('.leaflet-interactive').length,
                z: +getComputedStyle(pane).zIndex, overZ: +getComputedStyle(over).zIndex,
                fill: pane.querySelector('path').getAttribute('fill'),
                labels: [...document.querySelectorAll('.leaflet-control-layers label')].map(l => l.innerText)};
    }""")
    assert info["paths"] == 1 and info["interactive"] == 0
    assert info["z"] < info["overZ"]
    assert info["fill"] == maps.LAND_STYLE["fillColor"]
    assert len(info["labels"]) == 4  # the islets map's own four layers, no outline among them
    assert not any(t.strip().lower() in ("land", "coastline") for t in info["labels"])
    assert page.console_errors == [] and page.request_log == []


# ------------------------------------------------------------------ templates and JS

HOSTILE = '<img src=x onerror="window.__pwned=1">`${1}`'


def test_every_maps_template_escapes_hostile_text():
    from helpers.render import render, safe

    out = {
        "maps/label.html": render("maps/label.html", base="aao-label", where="right", first=HOSTILE,
                                  rest=[HOSTILE], equal=False),
        "maps/popup.html": render("maps/popup.html", title=HOSTILE, rows=[(HOSTILE, HOSTILE)]),
        "maps/text.html": render("maps/text.html", text=HOSTILE),
        "maps/box.html": render("maps/box.html", body=HOSTILE, corner="bl", summary=HOSTILE,
                                open_min=620, note=True),
        "maps/service_key.html": render("maps/service_key.html", services=[(HOSTILE, "#000")]),
        "maps/troops.html": render("maps/troops.html", troops=[HOSTILE], key=HOSTILE),
        "maps/overview_key.html": render("maps/overview_key.html", key=HOSTILE),
        "maps/notice.html": render("maps/notice.html", notice=HOSTILE),
        "maps/frame_title.html": render("maps/frame_title.html", title=HOSTILE),
    }
    for name, html in out.items():
        assert "<img" not in html and "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in html, name
    # A fragment another template made passes through once, not escaped twice.
    key = render("maps/service_key.html", services=[("Army", "#009E73")])
    assert render("maps/overview_key.html", key=safe(key)).endswith(key)


def test_tooltips_and_popups_cannot_end_folium_template_literal(data):
    """folium writes tooltips and popups into JavaScript `...` strings: a backtick in the
    data would end the string and run what follows (no "${" needed)."""
    payload = "Rocks`);window.__pwned=1;(`"
    d = data["disputes"].head(1).copy()
    d["name_neutral"] = payload
    html = html_of(maps.disputes_map(disputes=d))
    assert "`);window.__pwned" not in html
    assert "Rocks&#96;);window.__pwned=1;(&#96;" in html  # shown as the same text
    assert maps._for_js_template("a`b${c}\\") == "a&#96;b&#36;{c}&#92;"


def test_label_layout_script_is_inlined_from_its_file(rendered):
    source = maps.LAYOUT_FILE.read_text(encoding="utf-8")
    assert "function aaoLabelLayout(map, options)" in source
    for name, html in rendered.items():
        assert source.replace("</", "<\\/") in html, name
        assert html.count("function aaoLabelLayout(") == 1
        assert re.search(r"aaoLabelLayout\(map_[0-9a-f]{32}, \{\"noteOpenMinPx\": 900\}\);", html)
        assert maps.STYLE_FILE.read_text(encoding="utf-8") in html


def test_label_layout_script_is_valid_javascript():
    node = shutil.which("node")
    if node is None:
        if in_ci():
            pytest.fail("node is not installed; CI=true needs it to check helpers/static/label_layout.js")
        pytest.skip("node is not installed")
    done = subprocess.run([node, "--check", str(maps.LAYOUT_FILE)], capture_output=True, text=True,
                          timeout=60, env={**os.environ})
    assert done.returncode == 0, done.stderr
