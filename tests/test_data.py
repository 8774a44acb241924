"""Tests for the course datasets and helpers.data.

Broken files are always copies in tmp_path; the real datasets are only read.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest

import helpers
from helpers import data
from helpers.errors import DatasetError

DESCRIPTOR = json.loads((helpers.DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))
NAMES = [r["name"] for r in DESCRIPTOR["resources"] if r.get("format") != "geojson"]
SHAPES = [r["name"] for r in DESCRIPTOR["resources"] if r.get("format") == "geojson"]
REGIONAL = {"places", "disputes", "us_bases"}


@pytest.fixture(autouse=True)
def _cold_caches():
    """Each test loads from the files: with warm lru_caches a test would not reach the
    loader at all, and a mutation run would wrongly count it as not covering the loader."""
    data._load_cached.cache_clear()
    data._read_descriptor.cache_clear()


def _copy(tmp_path):
    """A private copy of datasets/ (CSV files and descriptor) that a test may break."""
    target = tmp_path / "datasets"
    target.mkdir()
    for path in [*helpers.DATASETS_DIR.glob("*.csv"), *helpers.DATASETS_DIR.glob("*.geojson")]:
        shutil.copy(path, target / path.name)
    shutil.copy(helpers.DATASETS_DIR / "datapackage.json", target / "datapackage.json")
    return target


def _rewrite(path, change):
    """Read a CSV as rows, let change() edit them in place, write it back."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


# ------------------------------------------------------------------ the package


def test_package_is_valid_frictionless():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(helpers.DATASETS_DIR / "datapackage.json"))
    problems = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors]
    problems += [e.message for e in report.errors]
    assert report.valid, "\n".join(problems[:20])


def test_every_csv_is_described_and_every_resource_has_provenance():
    described = {r["path"] for r in DESCRIPTOR["resources"]}
    on_disk = {p.name for p in helpers.DATASETS_DIR.glob("*.csv")} | {p.name for p in helpers.DATASETS_DIR.glob("*.geojson")}
    assert on_disk == described
    for r in DESCRIPTOR["resources"]:
        assert r.get("title") and r.get("description"), r["name"]
        assert r.get("sources") and all(s.get("title") for s in r["sources"]), r["name"]
        assert r.get("licenses"), r["name"]
        assert len(r.get("retrieved", "")) == 10, r["name"]
        if r["name"] in SHAPES:
            continue
        assert r["schema"].get("primaryKey"), r["name"]
        for f in r["schema"]["fields"]:
            assert f.get("description"), f"{r['name']}.{f['name']} has no description"


def test_no_reference_to_the_internal_fact_sheet():
    """FACTS.md is the team's research sheet and is not shipped, so "FACTS A-07" would dangle
    (in map popups too); every value and descriptor text must name the real source instead."""
    found = []
    for path in sorted(helpers.DATASETS_DIR.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        for line, row in enumerate(rows, start=1):
            for column, value in zip(rows[0], row):
                if re.search(r"\bFACTS\b", value):
                    found.append(f"{path.name} line {line}, column {column}: {value[:80]}")
    for path in [helpers.DATASETS_DIR / "datapackage.json", helpers.DATASETS_DIR / "README.md"]:
        for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\bFACTS\b|fact sheet", text):
                found.append(f"{path.name} line {line}: {text.strip()[:80]}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", NAMES)
def test_every_row_names_a_source(name):
    df = data.load_dataset(name)
    source_cols = [c for c in df.columns if c == "source" or c.endswith("_source")]
    assert source_cols, f"{name} has no source column"
    for col in source_cols:
        empty = df[col].isna() | (df[col].str.strip() == "")
        assert not empty.any(), f"{name}.{col} is empty in rows {list(df.index[empty] + 1)}"


@pytest.mark.parametrize("name", sorted(REGIONAL))
def test_coordinates_fall_in_northeast_asia(name):
    df = data.load_dataset(name)
    outside = df[~df["lat"].between(20, 50) | ~df["lon"].between(115, 150)]
    assert outside.empty, outside.iloc[:, :3].to_string()


def test_official_distances_refer_to_known_places():
    places = set(data.load_dataset("places")["place_id"])
    distances = data.load_dataset("official_distances")
    assert set(distances["from_place"]) | set(distances["to_place"]) <= places
    korean = distances[distances["side"] == "korea"].set_index("to_place")["km"]
    assert korean["ulleungdo"] == pytest.approx(87.4)
    assert korean["oki_dogo"] == pytest.approx(157.5)
    assert korean["uljin"] == pytest.approx(216.8)


def test_lessons_and_topics_cover_the_course():
    events = data.load_dataset("events")
    used = {n for cell in events["lessons"] for n in cell.split(";")}
    assert {"01", "02", "03", "04", "05", "07", "08"} <= used
    assert events["date"].is_monotonic_increasing
    claims = data.load_dataset("claims")
    radar = set(claims.loc[claims["topic"] == "radar_incident_2018", "aspect"])
    assert {"ship and aircraft", "location", "radar used", "the aircraft's flight",
            "communications", "videos", "outcome"} <= radar
    episodes = data.load_dataset("alliance_episodes")
    assert not ((episodes["start_year"] <= 2019) & (episodes["end_year"] >= 2017)).any(), \
        "2017-19 is the students' exercise and must stay uncoded"


# ------------------------------------------------------------------- the loader


_DTYPES = {"number": "float64", "date": "datetime64[ns]", "boolean": "boolean", "year": "Int64"}


@pytest.mark.parametrize("name", NAMES)
def test_load_dataset_returns_declared_dtypes(name):
    df = data.load_dataset(name)
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    assert list(df.columns) == [f["name"] for f in resource["schema"]["fields"]]
    for f in resource["schema"]["fields"]:
        dtype = df[f["name"]].dtype
        if f["type"] == "string":
            assert pd.api.types.is_string_dtype(dtype), (f["name"], dtype)
        elif f["type"] == "integer":
            required = (f.get("constraints") or {}).get("required")
            assert str(dtype) == ("int64" if required else "Int64"), (f["name"], dtype)
        else:
            assert str(dtype) == _DTYPES[f["type"]], (f["name"], dtype)


def test_loads_are_copies():
    first = data.load_dataset("places")
    first.loc[0, "lat"] = -99.0
    assert data.load_dataset("places").loc[0, "lat"] != -99.0


def test_loading_every_dataset_is_fast():
    data._load_cached.cache_clear()
    start = time.perf_counter()
    cold = data.load_all()
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    data.load_all()
    warm_s = time.perf_counter() - start
    rows = sum(len(df) for df in cold.values())
    print(f"\nloaded {len(cold)} datasets, {rows} rows: cold {cold_s*1000:.0f} ms, cached {warm_s*1000:.1f} ms")


@pytest.mark.parametrize("name", NAMES)
def test_cite_names_title_licence_and_date(name):
    line = data.cite(name)
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    assert "\n" not in line
    assert resource["title"] in line
    assert resource["retrieved"] in line
    assert f'Course dataset "{name}" (datasets/' in line
    assert "licence" in line


def test_list_and_describe():
    listing = data.list_datasets()
    assert list(listing["name"]) == NAMES + SHAPES
    described = data.describe("sma_cost_sharing")
    assert "billions of Korean won" in described.set_index("column").loc["amount_krw_bn", "description"]


def test_import_helpers_stays_light():
    code = "import sys, helpers; print(sorted(m for m in ('pandas','matplotlib','folium','ipywidgets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -------------------------------------------------------------------- failures


def test_unknown_name_suggests_close_ones():
    with pytest.raises(DatasetError, match="'placse'.*Did you mean 'places'"):
        data.load_dataset("placse")


def test_missing_file(tmp_path):
    base = _copy(tmp_path)
    (base / "places.csv").unlink()
    with pytest.raises(DatasetError) as err:
        data.load_dataset("places", base_dir=base)
    assert "places.csv" in str(err.value) and "missing" in str(err.value)


def test_missing_descriptor(tmp_path):
    base = _copy(tmp_path)
    (base / "datapackage.json").unlink()
    with pytest.raises(DatasetError, match="datapackage.json is missing"):
        data.load_dataset("places", base_dir=base)


def test_missing_column(tmp_path):
    base = _copy(tmp_path)

    def rename(rows):
        rows[0][rows[0].index("lat")] = "latitude"

    _rewrite(base / "places.csv", rename)
    with pytest.raises(DatasetError) as err:
        data.load_dataset("places", base_dir=base)
    msg = str(err.value)
    assert "places.csv" in msg and "line 1" in msg and "column 'lat'" in msg and "latitude" in msg


def test_wrong_type(tmp_path):
    base = _copy(tmp_path)

    def spoil(rows):
        rows[3][rows[0].index("lon")] = "east-ish"

    _rewrite(base / "places.csv", spoil)
    with pytest.raises(DatasetError) as err:
        data.load_dataset("places", base_dir=base)
    msg = str(err.value)
    assert "data row 3 (line 4)" in msg and "column 'lon'" in msg
    assert "expected a number" in msg and "'east-ish'" in msg


def test_bad_date(tmp_path):
    base = _copy(tmp_path)

    def spoil(rows):
        rows[2][rows[0].index("date")] = "22/02/1905"

    _rewrite(base / "events.csv", spoil)
    with pytest.raises(DatasetError, match=r"data row 2 \(line 3\), column 'date': expected a date"):
        data.load_dataset("events", base_dir=base)


def test_duplicate_primary_key(tmp_path):
    base = _copy(tmp_path)

    def duplicate(rows):
        rows.append(list(rows[1]))

    _rewrite(base / "disputes.csv", duplicate)
    with pytest.raises(DatasetError) as err:
        data.load_dataset("disputes", base_dir=base)
    msg = str(err.value)
    last = len(data.load_dataset("disputes")) + 1
    assert f"data row {last}" in msg and "column 'dispute_id'" in msg and "unique" in msg


def test_out_of_range(tmp_path):
    base = _copy(tmp_path)

    def spoil(rows):
        rows[1][rows[0].index("lat")] = "137.2"

    _rewrite(base / "us_bases.csv", spoil)
    with pytest.raises(DatasetError, match=r"data row 1 \(line 2\), column 'lat': expected a value at most 90"):
        data.load_dataset("us_bases", base_dir=base)


def test_enum_violation(tmp_path):
    base = _copy(tmp_path)

    def spoil(rows):
        rows[4][rows[0].index("status")] = "guessed"

    _rewrite(base / "sma_cost_sharing.csv", spoil)
    with pytest.raises(DatasetError) as err:
        data.load_dataset("sma_cost_sharing", base_dir=base)
    msg = str(err.value)
    assert "data row 4 (line 5)" in msg and "column 'status'" in msg
    assert "agreed, reported, derived" in msg and "'guessed'" in msg


def test_missing_required_value(tmp_path):
    base = _copy(tmp_path)

    def spoil(rows):
        rows[5][rows[0].index("source")] = ""

    _rewrite(base / "events.csv", spoil)
    with pytest.raises(DatasetError) as err:
        data.load_dataset("events", base_dir=base)
    msg = str(err.value)
    assert "events.csv, data row 5 (line 6), column 'source'" in msg and "required" in msg


def test_wrong_cell_count(tmp_path):
    base = _copy(tmp_path)

    def spoil(rows):
        rows[2] = rows[2][:-2]

    _rewrite(base / "opinion.csv", spoil)
    with pytest.raises(DatasetError, match=r"opinion.csv, data row 2 \(line 3\): expected 12 cells"):
        data.load_dataset("opinion", base_dir=base)


def test_messages_for_course_files_suggest_git_restore(tmp_path, monkeypatch):
    base = _copy(tmp_path)

    def spoil(rows):
        rows[1][rows[0].index("troops")] = "many"

    _rewrite(base / "us_troops.csv", spoil)
    monkeypatch.setattr(helpers, "DATASETS_DIR", base)
    with pytest.raises(DatasetError, match=r"git checkout -- datasets/us_troops.csv"):
        data.load_dataset("us_troops")


def test_edit_after_load_is_noticed(tmp_path):
    base = _copy(tmp_path)
    assert len(data.load_dataset("japan_hns", base_dir=base)) == 3

    def spoil(rows):
        rows[1][rows[0].index("total_jpy_bn")] = "lots"

    _rewrite(base / "japan_hns.csv", spoil)
    with pytest.raises(DatasetError, match="column 'total_jpy_bn'"):
        data.load_dataset("japan_hns", base_dir=base)


def test_map_shapes_load_as_geojson_and_are_kept_apart_from_tables():
    assert SHAPES, "the land outline should be described as a resource"
    for name in SHAPES:
        shape = data.load_shape(name)
        assert shape["type"] in {"FeatureCollection", "Feature", "MultiPolygon", "Polygon"}
        with pytest.raises(DatasetError, match="map shape"):
            data.load_dataset(name)
    with pytest.raises(DatasetError, match="is a table"):
        data.load_shape("places")
    kinds = dict(zip(data.list_datasets()["name"], data.list_datasets()["kind"]))
    assert {kinds[n] for n in SHAPES} == {"map shape"} and kinds["places"] == "table"
    assert set(data.load_all()) == set(NAMES)


def test_broken_map_shape_gives_the_file_and_the_fix(tmp_path):
    base = _copy(tmp_path)
    name = SHAPES[0]
    path = base / f"{name}.geojson"
    path.write_text('{"type": "Feature', encoding="utf-8")
    with pytest.raises(DatasetError, match=rf"{name}.geojson is not valid JSON: line 1"):
        data.load_shape(name, base_dir=base)
    path.write_text('{"kind": "nothing"}', encoding="utf-8")
    with pytest.raises(DatasetError, match="is not GeoJSON"):
        data.load_shape(name, base_dir=base)
    path.unlink()
    with pytest.raises(DatasetError, match="missing"):
        data.load_shape(name, base_dir=base)
