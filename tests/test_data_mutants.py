"""helpers.data: the cases data.py's first full mutation run showed unpinned (docs/mutation.md).

Each test writes a small data package of its own (a datapackage.json and a CSV file in
tmp_path, with names the course's datasets do not use) and loads it with ``base_dir``,
so what is checked is the loader, the messages and the types, not the course's data.
"""
from __future__ import annotations

import csv
import json
import locale

import pandas as pd
import pytest

from helpers import data
from helpers.errors import DatasetError


def _pkg(tmp_path, fields, csv_text, name="mini", schema=None, resource=None, extra_resources=(), top=None):
    res = {"name": name, "path": f"{name}.csv", "schema": {"fields": fields, **(schema or {})}, **(resource or {})}
    descriptor = {"name": "test", "resources": [res, *extra_resources], **(top or {})}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    (tmp_path / f"{name}.csv").write_text(csv_text, encoding="utf-8", newline="")
    return tmp_path


def _load(tmp_path, fields, csv_text, **kw):
    return data.load_dataset(kw.pop("name", "mini"), base_dir=_pkg(tmp_path, fields, csv_text, **kw))


def _error(tmp_path, fields, csv_text, **kw) -> str:
    with pytest.raises(DatasetError) as err:
        _load(tmp_path, fields, csv_text, **kw)
    return str(err.value)


@pytest.fixture
def csv_default_limit():
    """The csv module's default cell-size limit for one test: the limit is process-wide,
    and frictionless (imported by another test) raises it at import."""
    previous = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(previous)


# ------------------------------------------------------------------------- types


def test_a_typeless_field_loads_as_text(tmp_path):
    frame = _load(tmp_path, [{"name": "id"}, {"name": "note", "type": "string"}], "id,note\n7,x\n8,\n")
    assert str(frame["id"].dtype) == "str" and frame["id"].tolist() == ["7", "8"]
    assert str(frame["note"].dtype) == "str" and frame["note"].isna().tolist() == [False, True]


def test_an_all_empty_text_column_is_still_text(tmp_path):
    frame = _load(tmp_path, [{"name": "id", "type": "integer"}, {"name": "note", "type": "string"}], "id,note\n1,\n2,\n")
    assert str(frame["note"].dtype) == "str" and frame["note"].isna().all()


def test_year_columns_are_nullable_integers(tmp_path):
    frame = _load(tmp_path, [{"name": "y", "type": "year"}, {"name": "n", "type": "integer"}], "y,n\n1965,1\n,2\n")
    assert str(frame["y"].dtype) == "Int64" and frame["y"].tolist()[0] == 1965 and frame["y"].isna().tolist() == [False, True]
    assert str(frame["n"].dtype) == "Int64"  # not required: nullable too


@pytest.mark.parametrize("raw", ["-9223372036854775808", "+1234567890123456789", "9223372036854775807"])
def test_the_whole_int64_range_loads(tmp_path, raw):
    assert _load(tmp_path, [{"name": "n", "type": "integer"}], f"n\n{raw}\n")["n"].tolist() == [int(raw)]


@pytest.mark.parametrize("raw", ["9223372036854775808", "99999999999999999999", "000000000000000000001",
                                 "-9223372036854775809"])
def test_integers_outside_int64_or_over_20_characters_are_refused(tmp_path, raw):
    msg = _error(tmp_path, [{"name": "n", "type": "integer"}], f"n\n{raw}\n")
    assert f"column 'n': expected a whole number, found '{raw}'. Fix: correct the cell, or restore" in msg


def test_a_fields_own_true_and_false_values(tmp_path):
    field = {"name": "b", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}
    assert _load(tmp_path, [field], "b\nyes\nno\n")["b"].tolist() == [True, False]
    assert "expected one of yes (true) or no (false), found 'false'" in _error(tmp_path, [field], "b\nfalse\n")


def test_a_date_enum_compares_dates(tmp_path):
    field = {"name": "d", "type": "date", "constraints": {"enum": ["2019-07-04", "2023-03-16"]}}
    assert _load(tmp_path, [field], "d\n2023-03-16\n")["d"].tolist() == [pd.Timestamp("2023-03-16")]
    assert "expected one of: 2019-07-04, 2023-03-16, found '2020-01-01'" in _error(tmp_path, [field], "d\n2020-01-01\n")


def test_a_column_of_another_type_left_empty_is_all_none(tmp_path):
    frame = _load(tmp_path, [{"name": "id", "type": "integer"}, {"name": "where", "type": "geopoint"}],
                  "id,where\n1,\n2,\n")
    assert frame["where"].dtype == object and frame["where"].tolist() == [None, None]


# ------------------------------------------------------------------- missing cells


def test_missing_values_of_the_schema(tmp_path):
    fields = [{"name": "x", "type": "number"}]
    frame = _load(tmp_path, fields, "x\nNA\n1.5\n", schema={"missingValues": ["NA"]})
    assert frame["x"].isna().tolist() == [True, False]
    # without missingValues only the empty cell is missing
    two = [{"name": "id"}, {"name": "x", "type": "number"}]
    assert _load(tmp_path, two, "id,x\n1,\n2,2\n")["x"].isna().tolist() == [True, False]
    assert "expected a number, found 'NA'" in _error(tmp_path, fields, "x\nNA\n")


def test_a_required_empty_cell_message(tmp_path):
    msg = _error(tmp_path, [{"name": "id"}, {"name": "x", "constraints": {"required": True}}], "id,x\n1,\n")
    assert msg.endswith("mini.csv, data row 1 (line 2), column 'x': expected a value (this column is required), "
                        "found an empty cell. Fix: fill in the cell, or restore mini.csv from the course's datasets/ "
                        "folder.")


# ------------------------------------------------------------------------ reading


def test_a_quoted_cell_keeps_its_line_break(tmp_path):
    frame = _load(tmp_path, [{"name": "id"}, {"name": "text"}], 'id,text\n1,"line one\nline two"\n2,x\n')
    assert frame["text"].tolist() == ["line one\nline two", "x"]


def test_blank_and_whitespace_lines_are_skipped_and_rows_after_them_read(tmp_path):
    frame = _load(tmp_path, [{"name": "id", "type": "integer"}, {"name": "b"}], "id,b\n1,a\n\n  ,  \n2,b\n")
    assert frame["id"].tolist() == [1, 2]
    msg = _error(tmp_path, [{"name": "id", "type": "integer"}, {"name": "b"}], "id,b\n1,a\n\n  ,  \nx,b\n")
    assert "data row 2 (line 5), column 'id'" in msg  # blank lines count as lines, not as rows


def test_an_empty_file_and_an_unreadable_header(tmp_path, csv_default_limit):
    assert "mini.csv is empty: it needs a header row. Fix: restore mini.csv" in _error(tmp_path, [{"name": "a"}], "")
    msg = _error(tmp_path, [{"name": "a"}], "a" * 140_000 + "\n1\n")
    assert "mini.csv, header (line 1): not readable as CSV (field larger than field limit" in msg


def test_a_data_line_the_csv_reader_refuses_names_the_file_its_line_and_the_fix(tmp_path, csv_default_limit):
    # the csv reader has counted the refused line itself: the oversized cell is on line 3
    msg = _error(tmp_path, [{"name": "a"}], "a\n1\n" + "x" * 140_000 + "\n")
    assert str(tmp_path / "mini.csv") + ", line 3: not readable as CSV (field larger than field limit" in msg
    assert msg.endswith("Fix that line, or restore mini.csv from the course's datasets/ folder.")


def test_cells_of_the_size_limit_load_and_longer_or_nul_cells_are_named(tmp_path):
    fields = [{"name": "id"}, {"name": "t"}]
    assert len(_load(tmp_path, fields, "id,t\n1," + "a" * 100_000 + "\n")["t"].iloc[0]) == 100_000
    where = f"{tmp_path / 'mini.csv'}, data row 1 (line 2), column 't'"
    fix = "Fix: correct the cell, or restore mini.csv from the course's datasets/ folder."
    assert _error(tmp_path, fields, "id,t\n1," + "a" * 100_001 + "\n") == (
        f"{where}: expected text of at most 100,000 characters with no NUL characters, found 100,001 characters. {fix}")
    assert _error(tmp_path, fields, "id,t\n1,a\x00b\n") == (
        f"{where}: expected text of at most 100,000 characters with no NUL characters, found a NUL character. {fix}")


def test_a_bad_cell_message_in_full(tmp_path):
    msg = _error(tmp_path, [{"name": "n", "type": "integer"}], "n\n1\nabc\n")
    assert msg == (f"{tmp_path / 'mini.csv'}, data row 2 (line 3), column 'n': expected a whole number, found 'abc'. "
                   "Fix: correct the cell, or restore mini.csv from the course's datasets/ folder.")


def test_duplicates_and_empty_key_cells_name_the_file(tmp_path):
    fields = [{"name": "a"}, {"name": "b"}]
    msg = _error(tmp_path, fields, "a,b\n1,x\n1,x\n", schema={"primaryKey": ["a", "b"]})
    assert msg.startswith(f"{tmp_path / 'mini.csv'}, data row 2 (line 3), column 'a, b': expected a unique value")
    msg = _error(tmp_path, fields, "a,b\n1,x\n2,\n", schema={"primaryKey": ["a", "b"]})
    assert msg.startswith(f"{tmp_path / 'mini.csv'}, data row 2 (line 3), column 'a, b': expected a value (part of "
                          "the primary key), found an empty cell")


# ------------------------------------------------------------------------- header


def test_a_renamed_column_is_found_by_its_spelling_before_its_position(tmp_path):
    fields = [{"name": "id"}, {"name": "name"}, {"name": "value"}]
    msg = _error(tmp_path, fields, "id,zzz,nmae\n1,2,3\n")
    assert "column 'name': expected this column (the schema in datapackage.json lists id, name, value), found a " \
           "column 'nmae' instead." in msg
    msg = _error(tmp_path, fields, "id,value,nmae\n1,2,3\n")
    assert "found a column 'nmae' instead" in msg


def test_a_missing_last_column_is_named(tmp_path):
    msg = _error(tmp_path, [{"name": "id"}, {"name": "name"}, {"name": "value"}], "id,name\n1,2\n")
    assert "column 'value': expected this column (the schema in datapackage.json lists id, name, value), found no " \
           "such column in the header." in msg


# ---------------------------------------------------------------- bytes not UTF-8


def test_a_bad_byte_is_placed_by_row_and_column(tmp_path):
    fields = [{"name": "a"}, {"name": "b"}, {"name": "c"}]
    base = _pkg(tmp_path, fields, "")
    (base / "mini.csv").write_bytes(b"a,b,c\n,caf\xe9,x\n")
    with pytest.raises(DatasetError, match=r"mini\.csv, data row 1 \(line 2\), column 'b': expected UTF-8 text"):
        data.load_dataset("mini", base_dir=base)
    (base / "mini.csv").write_bytes(b"a,b,c\n" + b"x" * 140_000 + b"\xe9,y,z\n")  # too long for csv: first column
    with pytest.raises(DatasetError, match=r"data row 1 \(line 2\), column 'a': expected UTF-8 text"):
        data.load_dataset("mini", base_dir=base)


# ---------------------------------------------------------------------- descriptor


def _descriptor_error(tmp_path, text) -> str:
    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as err:
        data.load_dataset("mini", base_dir=tmp_path)
    return str(err.value)


def test_descriptor_problems_are_named(tmp_path):
    shown = str(tmp_path / "datapackage.json")
    assert _descriptor_error(tmp_path, "{").startswith(f"{shown} is not valid JSON: line 1, column 2: ")
    assert _descriptor_error(tmp_path, "[]").startswith(f"{shown} has no list of 'resources'. Fix: ")
    for bad in (["x"], [{"name": "mini", "path": "mini.csv"}], [{"name": "mini", "schema": {"fields": [{"name": "a"}]}}]):
        msg = _descriptor_error(tmp_path, json.dumps({"resources": bad}))
        assert msg.startswith(f"{shown}: resource number 1 needs a 'name', a 'path' and a schema with 'fields'")


def test_the_descriptor_and_a_shape_are_read_as_utf8_whatever_the_locale(tmp_path):
    shape = {"name": "outline", "path": "outline.geojson", "format": "geojson", "title": "Côte"}
    base = _pkg(tmp_path, [{"name": "a", "description": "café"}], "a\n1\n", extra_resources=[shape])
    (base / "outline.geojson").write_text(json.dumps({"type": "Point", "coordinates": [0, 0], "name": "Île"},
                                                     ensure_ascii=False), encoding="utf-8")
    old = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")
        assert data.describe("mini", base_dir=base)["description"].tolist() == ["café"]
        assert data.load_shape("outline", base_dir=base)["name"] == "Île"
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


def test_a_changed_descriptor_is_read_again(tmp_path):
    base = _pkg(tmp_path, [{"name": "n", "type": "integer"}], "n\n5\n")
    assert data.load_dataset("mini", base_dir=base)["n"].tolist() == [5]
    _pkg(tmp_path, [{"name": "n", "type": "integer", "constraints": {"maximum": 3}}], "n\n5\n")
    with pytest.raises(DatasetError, match="expected a value at most 3"):
        data.load_dataset("mini", base_dir=base)


# ------------------------------------------------------------- names and listings


def test_own_names_load_from_their_folder(tmp_path):
    shape = {"name": "outline", "path": "outline.geojson", "format": "geojson"}
    base = _pkg(tmp_path, [{"name": "a"}], "a\n1\n", name="my_table", extra_resources=[shape])
    (base / "outline.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert data.load_dataset("my_table", base_dir=base)["a"].tolist() == ["1"]
    assert list(data.load_all(base_dir=base)) == ["my_table"]
    assert data.load_shape("outline", base_dir=base)["type"] == "FeatureCollection"


def test_shape_files_that_cannot_be_read_or_are_not_geojson(tmp_path):
    shape = {"name": "outline", "path": "outline.geojson", "format": "geojson"}
    base = _pkg(tmp_path, [{"name": "a"}], "a\n1\n", extra_resources=[shape])
    (base / "outline.geojson").mkdir()
    with pytest.raises(DatasetError, match=r"The map shape file .*outline\.geojson cannot be read \(.*\)\. Fix: "):
        data.load_shape("outline", base_dir=base)
    (base / "outline.geojson").rmdir()
    (base / "outline.geojson").write_text('{"type": "Circle"}', encoding="utf-8")
    with pytest.raises(DatasetError, match="is not GeoJSON: expected a 'type' such as FeatureCollection, found 'Circle'"):
        data.load_shape("outline", base_dir=base)


def test_unknown_dataset_hints(tmp_path):
    others = [{"name": n, "path": f"{n}.csv", "schema": {"fields": [{"name": "a"}]}}
              for n in ("events_a", "events_b", "events_c", "events_d")]
    base = _pkg(tmp_path, [{"name": "a"}], "a\n1\n", name="places", extra_resources=others)
    for name, hint in (("zzzz", "Run helpers.data.list_datasets() to see every name."),
                       ("plac", "Did you mean 'places'?"),
                       # "pl" against "places": 2 x 2 matching / (2 + 6) = 0.5, at the cutoff
                       ("pl", "Did you mean 'places'?"),
                       ("events", "Did you mean 'events_d' or 'events_c' or 'events_b'?")):
        with pytest.raises(DatasetError) as err:
            data.load_dataset(name, base_dir=base)
        assert str(err.value) == f"There is no dataset called '{name}'. {hint}"


def test_unknown_column_hints(tmp_path):
    fields = [{"name": n} for n in ("year_a", "year_b", "year_c", "year_d", "other")]
    base = _pkg(tmp_path, fields, ",".join(f["name"] for f in fields) + "\n1,2,3,4,5\n")
    for column, hint in (("zzzz", "Its columns are year_a, year_b, year_c, year_d, other."),
                         ("year", "Did you mean 'year_d' or 'year_c' or 'year_b'?"),
                         ("ot", "Did you mean 'other'?")):  # 2 x 2 matching / (2 + 5) = 0.57
        with pytest.raises(DatasetError) as err:
            data.field_constraints("mini", column, base_dir=base)
        assert str(err.value) == f"Dataset 'mini' has no column '{column}'. {hint}"


def test_list_datasets_licences(tmp_path):
    other = {"name": "bare", "path": "bare.csv", "schema": {"fields": [{"name": "a"}]}}
    base = _pkg(tmp_path, [{"name": "a"}], "a\n1\n", resource={"licenses": [{"title": "Open Government Licence"}]},
                extra_resources=[other])
    t = data.list_datasets(base_dir=base)
    assert t["licence"].tolist() == ["Open Government Licence", ""]
    (tmp_path / "datapackage.json").write_text('{"resources": []}', encoding="utf-8")
    empty = data.list_datasets(base_dir=tmp_path)
    assert empty.columns.tolist() == ["name", "title", "kind", "file", "licence"] and empty.empty


def test_citation_passes_its_number_of_sources_and_shows_as_html(tmp_path):
    sources = [{"title": f"Source {i}"} for i in range(1, 7)]
    base = _pkg(tmp_path, [{"name": "a"}], "a\n1\n", resource={"sources": sources})
    assert repr(data.citation("mini", base_dir=base)) == data.cite("mini", base_dir=base, max_sources=4)
    assert "and 2 more listed" in repr(data.citation("mini", base_dir=base))
    assert repr(data.citation("mini", base_dir=base, max_sources=1)) == data.cite("mini", base_dir=base, max_sources=1)
    html = data.citation("mini", base_dir=base)._repr_html_()
    assert "Source 1; Source 2; Source 3; Source 4" in html
