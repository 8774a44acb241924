"""The Table Schema rules helpers.data enforces, one by one, on broken copies of the
datasets (tmp_path): minimum and maximum, pattern, the header's column order, strict
booleans, and the structured constraints behind describe(). Also what cite() keeps.

Each test states the expected value independently of the code: a literal read off
datapackage.json or the CSV file, never a second call of the function under test.
"""
from __future__ import annotations

import csv
import json
from datetime import date

import pandas as pd
import pytest
from test_data import _copy, _rewrite

import helpers
from helpers import data
from helpers.errors import DatasetError

DESCRIPTOR = json.loads((helpers.DATASETS_DIR / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}
TABLES = [r["name"] for r in DESCRIPTOR["resources"] if r.get("format") != "geojson"]


@pytest.fixture(autouse=True)
def _cold_caches():
    """Each test loads from the files: with warm lru_caches a test would not reach the
    loader at all, and a mutation run would wrongly count it as not covering the loader."""
    data._load_cached.cache_clear()
    data._read_descriptor.cache_clear()


def _set(base, name, column, value, row=1):
    def change(rows):
        rows[row][rows[0].index(column)] = value
    _rewrite(base / f"{name}.csv", change)


def _edit_descriptor(base, name, column, **changes):
    """Change one field of a resource in the copy's datapackage.json."""
    path = base / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == name)
    fld = next(f for f in res["schema"]["fields"] if f["name"] == column)
    fld.update(changes)
    path.write_text(json.dumps(desc), encoding="utf-8")


def _load_error(base, name) -> str:
    with pytest.raises(DatasetError) as err:
        data.load_dataset(name, base_dir=base)
    return str(err.value)


# --------------------------------------------------------------------- minimum


@pytest.mark.parametrize("value", ["-1", "-28500"])
def test_an_integer_below_its_minimum_is_refused(tmp_path, value):
    # us_troops.troops: {"minimum": 0}
    base = _copy(tmp_path)
    _set(base, "us_troops", "troops", value, row=2)
    msg = _load_error(base, "us_troops")
    assert "us_troops.csv, data row 2 (line 3), column 'troops'" in msg
    assert f"expected a value at least 0, found '{value}'" in msg


def test_the_minimum_itself_is_allowed(tmp_path):
    # troops 0 equals the minimum 0: allowed (the rule is "at least", not "more than")
    base = _copy(tmp_path)
    _set(base, "us_troops", "troops", "0", row=2)
    assert data.load_dataset("us_troops", base_dir=base)["troops"].iloc[1] == 0


@pytest.mark.parametrize("value, ok", [("-90", True), ("-90.00001", False), ("90", True), ("90.00001", False)])
def test_number_limits_are_inclusive(tmp_path, value, ok):
    # places.lat: {"minimum": -90, "maximum": 90}
    base = _copy(tmp_path)
    _set(base, "places", "lat", value)
    if ok:
        assert data.load_dataset("places", base_dir=base)["lat"].iloc[0] == float(value)
    else:
        word = "at least -90" if value.startswith("-") else "at most 90"
        assert f"column 'lat': expected a value {word}, found '{value}'" in _load_error(base, "places")


@pytest.mark.parametrize("value, ok", [("1899-12-31", False), ("1900-01-01", True),
                                       ("2030-12-31", True), ("2031-01-01", False)])
def test_a_date_outside_its_limits_is_refused(tmp_path, value, ok):
    # events.date: {"minimum": "1900-01-01", "maximum": "2030-12-31"}; row 1 is the
    # earliest event, so moving it earlier or to the same limit keeps the file sorted.
    base = _copy(tmp_path)
    _set(base, "events", "date", value)
    if ok:
        assert data.load_dataset("events", base_dir=base)["date"].iloc[0] == pd.Timestamp(value)
    else:
        word = "at least 1900-01-01" if value < "1900" else "at most 2030-12-31"
        assert f"column 'date': expected a value {word}, found '{value}'" in _load_error(base, "events")


def test_a_year_below_its_minimum_is_refused(tmp_path):
    # disputes.administered_since: {"minimum": 1800, "maximum": 2030}; not required
    base = _copy(tmp_path)
    _set(base, "disputes", "administered_since", "1799")
    assert "column 'administered_since': expected a value at least 1800, found '1799'" in _load_error(base, "disputes")


# --------------------------------------------------------------------- pattern


@pytest.mark.parametrize("value", ["Seoul", "seoul city", "seoul-1", "seoul\u00e9"])
def test_a_place_id_must_match_its_pattern(tmp_path, value):
    # places.place_id: {"pattern": "[a-z0-9_]+"}
    base = _copy(tmp_path)
    _set(base, "places", "place_id", value, row=3)
    msg = _load_error(base, "places")
    assert "places.csv, data row 3 (line 4), column 'place_id'" in msg
    assert f"expected text matching the pattern [a-z0-9_]+, found '{value}'" in msg


@pytest.mark.parametrize("value", ["KOR;", "KORX", "XKOR", "KOR,JPN", "kor", "KOR;JP"])
def test_the_whole_cell_must_match_the_pattern(tmp_path, value):
    # events.countries: {"pattern": "[A-Z]{3}(;[A-Z]{3})*"}: "KORX" contains a match
    # but is not one, so the rule reads the whole cell (Table Schema: an anchored pattern)
    base = _copy(tmp_path)
    _set(base, "events", "countries", value, row=2)
    msg = _load_error(base, "events")
    assert "data row 2 (line 3), column 'countries'" in msg and "pattern" in msg


def test_a_cell_matching_its_pattern_loads(tmp_path):
    base = _copy(tmp_path)
    _set(base, "events", "countries", "JPN;KOR;USA", row=2)
    assert data.load_dataset("events", base_dir=base)["countries"].iloc[1] == "JPN;KOR;USA"


# ---------------------------------------------------------------- length limits


def test_length_limits_are_enforced_and_inclusive(tmp_path):
    # a made-up rule on us_troops.iso3 (three letters): minLength 3 and maxLength 3
    base = _copy(tmp_path)
    _edit_descriptor(base, "us_troops", "iso3", constraints={"required": True, "minLength": 3, "maxLength": 3})
    assert data.load_dataset("us_troops", base_dir=base)["iso3"].iloc[0] == "KOR"
    _set(base, "us_troops", "iso3", "KO")
    assert "column 'iso3': expected at least 3 characters, found 'KO'" in _load_error(base, "us_troops")
    _set(base, "us_troops", "iso3", "KORE")
    assert "column 'iso3': expected at most 3 characters, found 4 characters" in _load_error(base, "us_troops")


# -------------------------------------------------------------- header in order


def _swap_columns(path, a, b):
    def swap(rows):
        i, j = rows[0].index(a), rows[0].index(b)
        for r in rows:
            r[i], r[j] = r[j], r[i]
    _rewrite(path, swap)


def test_swapped_columns_are_refused_even_with_their_data(tmp_path):
    # Every cell still under its own header: a set comparison of the header would pass
    # this file, and lat would be read as lon on every map.
    base = _copy(tmp_path)
    _swap_columns(base / "places.csv", "lat", "lon")
    msg = _load_error(base, "places")
    assert "places.csv, header (line 1)" in msg
    assert "expected the columns in the order place_id, name_en, name_ko, name_ja, kind, country, lat, lon," in msg
    assert "found place_id, name_en, name_ko, name_ja, kind, country, lon, lat," in msg


def test_a_duplicated_column_is_named_as_the_missing_one(tmp_path):
    # Header has 'lat' twice and no 'lon': the same set size, not the same columns.
    base = _copy(tmp_path)

    def dup(rows):
        rows[0][rows[0].index("lon")] = "lat"

    _rewrite(base / "places.csv", dup)
    msg = _load_error(base, "places")
    assert "header (line 1), column 'lon': expected this column" in msg


def test_an_extra_column_is_named(tmp_path):
    base = _copy(tmp_path)

    def extra(rows):
        rows[0].append("colour")
        for r in rows[1:]:
            r.append("red")

    _rewrite(base / "us_troops.csv", extra)
    msg = _load_error(base, "us_troops")
    assert "header (line 1), column 'colour': expected only the columns described in datapackage.json" in msg


def test_header_cells_are_trimmed(tmp_path):
    base = _copy(tmp_path)

    def pad(rows):
        rows[0] = [f" {h} " for h in rows[0]]

    _rewrite(base / "us_troops.csv", pad)
    assert list(data.load_dataset("us_troops", base_dir=base).columns)[:3] == ["iso3", "country", "as_of"]


# --------------------------------------------------------------------- booleans


def _csv_column(name, column):
    with open(helpers.DATASETS_DIR / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return [row[column] for row in csv.DictReader(fh)]


@pytest.mark.parametrize("name, column", [("us_troops", "approximate"), ("alliances", "binding"),
                                          ("opinion", "comparable")])
def test_booleans_read_as_written(name, column):
    # Expected values straight from the CSV text, not from the loader.
    expected = [{"true": True, "false": False}[v] for v in _csv_column(name, column)]
    got = data.load_dataset(name)[column].tolist()
    assert got == expected


@pytest.mark.parametrize("value", ["yes", "no", "t", "f", "maybe", "2", "-1", "truee", "TRUEx"])
def test_a_boolean_outside_the_schema_values_is_an_error_not_false(tmp_path, value):
    base = _copy(tmp_path)
    _set(base, "us_troops", "approximate", value, row=2)
    msg = _load_error(base, "us_troops")
    assert "us_troops.csv, data row 2 (line 3), column 'approximate'" in msg
    assert f"expected true or false, found '{value}'" in msg


@pytest.mark.parametrize("value, expected", [("true", True), ("True", True), ("TRUE", True), ("1", True),
                                             ("false", False), ("False", False), ("FALSE", False), ("0", False)])
def test_default_boolean_spellings(tmp_path, value, expected):
    # Table Schema's defaults: trueValues ["true", "True", "TRUE", "1"],
    # falseValues ["false", "False", "FALSE", "0"]
    base = _copy(tmp_path)
    _set(base, "us_troops", "approximate", value, row=2)
    got = data.load_dataset("us_troops", base_dir=base)["approximate"]
    assert bool(got.iloc[1]) is expected and not got.isna().any()


def test_the_schema_true_and_false_values_replace_the_defaults(tmp_path):
    base = _copy(tmp_path)
    _edit_descriptor(base, "us_troops", "approximate", trueValues=["Y"], falseValues=["N"])

    def recode(rows):
        i = rows[0].index("approximate")
        for r in rows[1:]:
            r[i] = {"true": "Y", "false": "N"}[r[i]]

    _rewrite(base / "us_troops.csv", recode)
    expected = [v == "true" for v in _csv_column("us_troops", "approximate")]
    assert data.load_dataset("us_troops", base_dir=base)["approximate"].tolist() == expected
    # the default spellings no longer count once the schema names its own
    _set(base, "us_troops", "approximate", "true", row=1)
    msg = _load_error(base, "us_troops")
    assert "data row 1 (line 2), column 'approximate': expected one of Y (true) or N (false), found 'true'" in msg


def test_an_empty_optional_boolean_is_missing_not_false(tmp_path):
    base = _copy(tmp_path)
    _edit_descriptor(base, "us_troops", "approximate", constraints={})
    _set(base, "us_troops", "approximate", "", row=2)
    column = data.load_dataset("us_troops", base_dir=base)["approximate"]
    assert column.isna().tolist()[:3] == [False, True, False]


def test_an_empty_required_boolean_is_an_error(tmp_path):
    base = _copy(tmp_path)
    _set(base, "us_troops", "approximate", "", row=2)
    msg = _load_error(base, "us_troops")
    assert "data row 2 (line 3), column 'approximate': expected a value (this column is required)" in msg


# ------------------------------------------------------------ field_constraints


def test_field_constraints_gives_each_column_its_rules():
    rules = data.field_constraints("places")
    assert list(rules) == ["place_id", "name_en", "name_ko", "name_ja", "kind", "country", "lat", "lon",
                           "dispute_id", "source", "confidence", "note"]
    assert rules["place_id"] == {"required": True, "unique": True, "pattern": "[a-z0-9_]+"}
    assert rules["lat"] == {"required": True, "minimum": -90, "maximum": 90}
    assert rules["confidence"] == {"required": True, "enum": ["high", "medium", "low"]}
    assert rules["note"] == {}


def test_field_constraints_of_one_column_and_typed_limits():
    # the list factcheck offers, as datapackage.json writes it
    assert data.field_constraints("article_claims", "verdict") == {
        "required": True, "enum": ["correct", "error", "imprecise", "typo", "unverified"]}
    events = data.field_constraints("events", "date")
    # limits come typed as the column is: dates for a date column
    assert events == {"required": True, "minimum": date(1900, 1, 1), "maximum": date(2030, 12, 31)}
    assert data.field_constraints("us_troops", "approximate") == {"required": True}


def test_field_constraints_is_a_copy():
    rules = data.field_constraints("places")
    rules["lat"]["minimum"] = 0
    rules["confidence"]["enum"].append("guessed")
    again = data.field_constraints("places")
    assert again["lat"]["minimum"] == -90 and again["confidence"]["enum"] == ["high", "medium", "low"]


def test_field_constraints_unknown_column_suggests_close_ones():
    with pytest.raises(DatasetError, match=r"'places' has no column 'latt'.*Did you mean 'lat'"):
        data.field_constraints("places", "latt")
    with pytest.raises(DatasetError, match="no dataset called 'placse'"):
        data.field_constraints("placse")


def test_describe_rules_are_written_from_the_constraints():
    rules = data.describe("places").set_index("column")["rules"]
    assert rules["place_id"] == "required; unique; pattern [a-z0-9_]+"
    assert rules["lat"] == "required; >= -90; <= 90"
    assert rules["confidence"] == "required; one of high/medium/low"
    assert rules["note"] == ""
    assert data.describe("events").set_index("column").loc["date", "rules"] == \
        "required; >= 1900-01-01; <= 2030-12-31"
    described = data.describe("us_troops").set_index("column")
    assert described.loc["troops", "type"] == "integer"
    assert described.loc["approximate", "rules"] == "required"


# ------------------------------------------------------------------------ cite


@pytest.mark.parametrize("name", TABLES)
def test_cite_keeps_the_sources_from_the_descriptor(name):
    resource = RESOURCES[name]
    line = data.cite(name)
    sources = resource["sources"]
    for s in sources[:4]:
        expected = s["title"] + (f" ({s['date']})" if s.get("date") else "")
        assert expected in line, (name, expected)
    for s in sources[4:]:
        assert s["title"] not in line
    if len(sources) > 4:
        assert f"and {len(sources) - 4} more listed in datasets/datapackage.json" in line
    else:
        assert "more listed in" not in line
    assert f"(datasets/{resource['path']})" in line
    assert "licence " + " / ".join(lic["title"] for lic in resource["licenses"]) + ";" in line
    assert f"retrieved {resource['retrieved']}" in line


def test_cite_exact_line_for_one_dataset():
    # us_troops: three sources, one licence, written out by hand from datapackage.json
    r = RESOURCES["us_troops"]
    assert data.cite("us_troops") == (
        f"Data: {r['title']}. Sources: Reuters, Yonhap, AP and Kyodo reports (see each row); "
        "people.cn Korean edition (2014); "
        "Allies at Odds course team compilation; every row names its own sources (2026-11-28); "
        f"licence Creative Commons Attribution 4.0 (course compilation); retrieved {r['retrieved']}. "
        'Course dataset "us_troops" (datasets/us_troops.csv).'
    )


def test_cite_max_sources_and_fallbacks(tmp_path):
    # alliance_episodes has 10 sources: 2 shown, "and 8 more"
    line = data.cite("alliance_episodes", max_sources=2)
    assert "and 8 more listed in datasets/datapackage.json" in line
    assert RESOURCES["alliance_episodes"]["sources"][2]["title"] not in line
    # a resource without its own sources, licences or date falls back to the package's
    base = _copy(tmp_path)
    path = base / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    res = next(r for r in desc["resources"] if r["name"] == "us_troops")
    for key in ("sources", "licenses", "retrieved"):
        del res[key]
    path.write_text(json.dumps(desc), encoding="utf-8")
    line = data.cite("us_troops", base_dir=base)
    pkg = DESCRIPTOR
    assert f"Sources: {pkg['sources'][0]['title']} ({pkg['sources'][0]['date']});" in line
    assert f"licence {' / '.join(lic['title'] for lic in pkg['licenses'])};" in line
    assert f"retrieved {pkg['retrieved']}." in line


# ------------------------------------------------- cases the mutation run left alive


def _edit_resource(base, name, change):
    path = base / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change(next(r for r in desc["resources"] if r["name"] == name), desc)
    path.write_text(json.dumps(desc), encoding="utf-8")


def test_a_composite_primary_key_refuses_a_duplicate(tmp_path):
    # us_troops: primaryKey [iso3, as_of]; row 1 copied to the end
    base = _copy(tmp_path)
    _rewrite(base / "us_troops.csv", lambda rows: rows.append(list(rows[1])))
    n = len(data.load_dataset("us_troops"))
    msg = _load_error(base, "us_troops")
    assert f"data row {n + 1} (line {n + 2}), column 'iso3, as_of': expected a unique value (row 1, line 2 " \
        f"already has it), found 'KOR, 2014-01-01' again. Fix: give the row its own id or remove the duplicate" in msg


def test_an_empty_string_primary_key_is_named(tmp_path):
    # places: primaryKey "place_id" (a string, not a list); made optional so only the key rule speaks
    base = _copy(tmp_path)
    _edit_descriptor(base, "places", "place_id", constraints={})
    _set(base, "places", "place_id", "", row=2)
    assert "data row 2 (line 3), column 'place_id': expected a value (part of the primary key), found an empty " \
        "cell. Fix: fill in the cell" in _load_error(base, "places")


def test_a_unique_column_outside_the_key_is_checked_after_an_empty_cell(tmp_path):
    # us_troops.note made unique and optional: row 1 empty, rows 2 and 3 the same -> row 3 is named
    base = _copy(tmp_path)
    _edit_descriptor(base, "us_troops", "note", constraints={"unique": True})
    _set(base, "us_troops", "note", "", row=1)
    _set(base, "us_troops", "note", "same", row=2)
    _set(base, "us_troops", "note", "same", row=3)
    assert "data row 3 (line 4), column 'note': expected a unique value (row 2, line 3 already has it)" in \
        _load_error(base, "us_troops")


def test_only_false_values_or_only_true_values_in_the_schema(tmp_path):
    base = _copy(tmp_path)
    _edit_descriptor(base, "us_troops", "approximate", falseValues=["no"])
    _set(base, "us_troops", "approximate", "maybe")
    assert "expected one of true, True, TRUE, 1 (true) or no (false), found 'maybe'" in _load_error(base, "us_troops")
    _edit_descriptor(base, "us_troops", "approximate", trueValues=["yes"], falseValues=["no"])
    _edit_resource(base, "us_troops", lambda r, d: next(
        f for f in r["schema"]["fields"] if f["name"] == "approximate").pop("falseValues"))
    assert "expected one of yes (true) or false, False, FALSE, 0 (false), found 'maybe'" in \
        _load_error(base, "us_troops")


def test_an_unknown_type_is_named_by_its_type(tmp_path):
    base = _copy(tmp_path)
    _edit_descriptor(base, "us_troops", "troops", type="duration")
    assert "column 'troops': expected duration, found '28500'" in _load_error(base, "us_troops")


def test_dtypes_of_optional_integers_years_booleans(tmp_path):
    # disputes.administered_since: optional integer -> Int64; us_troops.troops: required -> int64
    assert str(data.load_dataset("disputes")["administered_since"].dtype) == "Int64"
    assert str(data.load_dataset("us_troops")["troops"].dtype) == "int64"
    assert str(data.load_dataset("us_troops")["approximate"].dtype) == "boolean"
    assert str(data.load_dataset("places")["lat"].dtype) == "float64"


def test_load_all_reads_the_folder_it_is_given(tmp_path):
    base = _copy(tmp_path)
    _set(base, "us_troops", "troops", "12345")
    assert data.load_all(base_dir=base)["us_troops"]["troops"].iloc[0] == 12345


@pytest.mark.parametrize("kind", ["MultiPolygon", "MultiLineString", "LineString", "Point", "Polygon", "Feature"])
def test_every_geojson_type_loads(tmp_path, kind):
    base = _copy(tmp_path)
    name = next(r["name"] for r in DESCRIPTOR["resources"] if r.get("format") == "geojson")
    (base / f"{name}.geojson").write_text(json.dumps({"type": kind, "coordinates": []}), encoding="utf-8")
    assert data.load_shape(name, base_dir=base)["type"] == kind


def test_a_geojson_list_is_named_as_a_list(tmp_path):
    base = _copy(tmp_path)
    name = next(r["name"] for r in DESCRIPTOR["resources"] if r.get("format") == "geojson")
    (base / f"{name}.geojson").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"expected a 'type' such as FeatureCollection, found 'list'"):
        data.load_shape(name, base_dir=base)


def test_list_datasets_columns_and_licences():
    listing = data.list_datasets().set_index("name")
    assert list(listing.columns) == ["title", "kind", "file", "licence"]
    r = RESOURCES["military_spending"]
    assert listing.loc["military_spending", "licence"] == ", ".join(lic["name"] for lic in r["licenses"])
    assert listing.loc["military_spending", "title"] == r["title"]
    assert listing.loc["us_troops", "file"] == "us_troops.csv"


def test_defaults_when_the_descriptor_leaves_things_out(tmp_path):
    base = _copy(tmp_path)

    def strip(r, d):
        del r["title"]
        r["licenses"] = [{"name": "X-1"}, {}]
        r["sources"] = [{"date": "2020"}]
        del r["retrieved"]
        del d["retrieved"]
        fld = next(f for f in r["schema"]["fields"] if f["name"] == "note")
        del fld["type"]
        del fld["description"]

    _edit_resource(base, "us_troops", strip)
    line = data.cite("us_troops", base_dir=base)
    # no title: the name; a source without title: just its date; licence by name; no date
    assert line == ('Data: us_troops. Sources:  (2020); licence X-1 / ; retrieved date not recorded. '
                    'Course dataset "us_troops" (datasets/us_troops.csv).')
    listing = data.list_datasets(base_dir=base).set_index("name")
    assert listing.loc["us_troops", "title"] == "us_troops" and listing.loc["us_troops", "licence"] == "X-1, "
    note = data.describe("us_troops", base_dir=base).set_index("column").loc["note"]
    assert (note["type"], note["description"]) == ("string", "")
    assert repr(data.citation("us_troops", base_dir=base)) == line


def test_field_constraints_of_a_date_enum_and_a_map_shape(tmp_path):
    base = _copy(tmp_path)
    _edit_descriptor(base, "events", "date", constraints={"enum": ["1905-02-22"]})
    assert data.field_constraints("events", "date", base_dir=base) == {"enum": [date(1905, 2, 22)]}
    name = next(r["name"] for r in DESCRIPTOR["resources"] if r.get("format") == "geojson")
    with pytest.raises(DatasetError, match=rf"'{name}' is a map shape \(GeoJSON\), not a table: it has no columns"):
        data.field_constraints(name)


def test_describe_shows_length_rules(tmp_path):
    base = _copy(tmp_path)
    _edit_descriptor(base, "us_troops", "iso3", constraints={"minLength": 3, "maxLength": 3})
    assert data.describe("us_troops", base_dir=base).set_index("column").loc["iso3", "rules"] == \
        "at least 3 characters; at most 3 characters"


def test_a_resource_without_a_name_is_refused_even_after_a_map_shape(tmp_path):
    base = _copy(tmp_path)
    path = base / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    shapes = [r for r in desc["resources"] if r.get("format") == "geojson"]
    tables = [r for r in desc["resources"] if r.get("format") != "geojson"]
    del tables[-1]["name"]
    desc["resources"] = shapes + tables  # the shape first: the check must go on past it
    path.write_text(json.dumps(desc), encoding="utf-8")
    with pytest.raises(DatasetError, match=rf"resource number {len(desc['resources'])} needs a 'name'"):
        data.load_dataset("places", base_dir=base)


def test_a_bad_byte_in_the_header_is_placed_in_the_header(tmp_path):
    base = _copy(tmp_path)
    path = base / "us_troops.csv"
    path.write_bytes(b"iso3,coun\xe9try" + path.read_bytes()[len(b"iso3,country"):])
    assert "us_troops.csv, header (line 1), column 'country': expected UTF-8 text" in _load_error(base, "us_troops")
