"""Damaged dataset files give a DatasetError that names the spot, never a bare traceback
or silently wrong numbers. Broken files are always copies in tmp_path."""
from __future__ import annotations

import pytest
from test_data import _cold_caches, _copy, _rewrite  # noqa: F401 - _cold_caches is an autouse fixture

from helpers import data
from helpers.errors import DatasetError


def _set(base, name, column, value, row=1):
    def change(rows):
        rows[row][rows[0].index(column)] = value
    _rewrite(base / f"{name}.csv", change)


@pytest.mark.parametrize("value", ["1_000", "２８５００", "٢٨٥٠٠", "28500.0", "0x10", "1e3"])
def test_a_whole_number_is_ascii_digits_only(tmp_path, value):
    base = _copy(tmp_path)
    _set(base, "us_troops", "troops", value)
    with pytest.raises(DatasetError, match=r"us_troops.csv, data row 1 .*column 'troops'"):
        data.load_dataset("us_troops", base_dir=base)


@pytest.mark.parametrize("value", ["37_24183", "３７.２", "nan", "inf", "1,5"])
def test_a_number_is_ascii_digits_only(tmp_path, value):
    base = _copy(tmp_path)
    _set(base, "places", "lat", value)
    with pytest.raises(DatasetError, match=r"column 'lat'"):
        data.load_dataset("places", base_dir=base)


def test_a_number_too_large_for_the_column_is_named(tmp_path):
    base = _copy(tmp_path)
    _set(base, "us_troops", "troops", str(10**20))
    with pytest.raises(DatasetError, match=r"column 'troops'"):
        data.load_dataset("us_troops", base_dir=base)


def test_a_huge_cell_is_named_not_a_csv_crash(tmp_path):
    base = _copy(tmp_path)
    _set(base, "disputes", "note", "x" * 200_000)
    with pytest.raises(DatasetError, match=r"disputes.csv"):
        data.load_dataset("disputes", base_dir=base)


def test_a_nul_character_in_text_is_named(tmp_path):
    base = _copy(tmp_path)
    _set(base, "disputes", "note", "before\x00after")
    with pytest.raises(DatasetError, match=r"column 'note'.*NUL"):
        data.load_dataset("disputes", base_dir=base)


def test_a_header_only_table_is_refused(tmp_path):
    base = _copy(tmp_path)
    _rewrite(base / "disputes.csv", lambda rows: rows.__delitem__(slice(1, None)))
    with pytest.raises(DatasetError, match="no data rows"):
        data.load_dataset("disputes", base_dir=base)


def test_a_non_utf8_byte_names_its_row_and_column(tmp_path):
    base = _copy(tmp_path)
    path = base / "disputes.csv"
    lines = path.read_bytes().split(b"\n")
    header = lines[0].decode().split(",")
    cells = lines[2].split(b",")
    cells[1] = cells[1] + b" caf\xe9"
    lines[2] = b",".join(cells)
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(DatasetError, match=rf"data row 2 \(line 3\), column '{header[1]}'.*UTF-8"):
        data.load_dataset("disputes", base_dir=base)


@pytest.mark.parametrize("name", [["places"], 5, None, {"places"}])
def test_a_name_that_is_not_text_gives_a_plain_message(name):
    with pytest.raises(DatasetError, match="must be text"):
        data.load_dataset(name)


def test_a_citation_displays_as_a_wrapping_escaped_paragraph():
    shown = data.citation("events")
    assert repr(shown) == data.cite("events")
    page = shown._repr_html_()
    assert page.startswith('<p class="allies-citation"') and "word-break:normal" in page
    assert "<img" not in data._Citation("<img src=x>")._repr_html_()
