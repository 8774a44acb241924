"""helpers.data names the line and column a student must open in an editor to fix a CSV
file: after a byte-order mark (Excel's "CSV UTF-8" writes one), after a quoted cell that
holds a line break, and with a Unicode line or paragraph separator inside a cell (text,
not a line break, for the csv module and for every editor's line numbers)."""
from __future__ import annotations

import codecs
import json

import pytest

from helpers import data
from helpers.errors import DatasetError, ProgressError

FIELDS = [{"name": "id", "type": "integer"}, {"name": "text"}, {"name": "c"}]


def _base(tmp_path, raw: bytes):
    descriptor = {"name": "test", "resources": [{"name": "mini", "path": "mini.csv", "schema": {"fields": FIELDS}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (tmp_path / "mini.csv").write_bytes(raw)
    return tmp_path


def _error(tmp_path, raw: bytes) -> str:
    with pytest.raises(DatasetError) as err:
        data.load_dataset("mini", base_dir=_base(tmp_path, raw))
    return str(err.value)


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no-bom", "bom"])
def test_a_bad_byte_is_named_by_its_value_row_and_column_with_or_without_a_byte_order_mark(tmp_path, bom):
    # row 1 is clean UTF-8 with two-byte letters before the bad byte, so counting from the
    # wrong byte would land inside a letter and in another column
    msg = _error(tmp_path, bom + "id,text,c\n1,ééé,y".encode() + b"\xff\n")
    assert "mini.csv, data row 1 (line 2), column 'c': expected UTF-8 text, found a byte that is not (0xff;" in msg
    msg = _error(tmp_path, bom + b"id,text,c\n1,caf\xe9,x\n")
    assert "data row 1 (line 2), column 'text'" in msg and "(0xe9;" in msg


def test_a_byte_order_mark_is_not_part_of_the_first_column_name(tmp_path):
    frame = data.load_dataset("mini", base_dir=_base(tmp_path, codecs.BOM_UTF8 + b"id,text,c\n1,a,b\n"))
    assert list(frame.columns) == ["id", "text", "c"] and frame["id"].tolist() == [1]


def test_rows_after_a_quoted_line_break_are_named_by_the_line_they_start_on(tmp_path):
    # line 2 opens a quoted cell that ends on line 3; row 2 starts on line 4
    msg = _error(tmp_path, b'id,text,c\n1,"one\ntwo",x\nbad,y,z\n')
    assert "data row 2 (line 4), column 'id'" in msg
    # a bad cell in the record that holds the line break: the line the record starts on
    msg = _error(tmp_path, b'id,text,c\nbad,"one\ntwo",x\n')
    assert "data row 1 (line 2), column 'id'" in msg


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c"])
def test_a_unicode_line_separator_in_a_cell_is_text_and_does_not_shift_the_line_numbers(tmp_path, separator):
    raw = f"id,text,c\n1,a{separator}b,x\nbad,y,z\n".encode()
    msg = _error(tmp_path, raw)
    assert "data row 2 (line 3), column 'id'" in msg
    frame = data.load_dataset("mini", base_dir=_base(tmp_path, raw.replace(b"bad", b"2")))
    assert frame["text"].tolist() == [f"a{separator}b", "y"]


def test_windows_and_old_mac_line_ends_number_lines_as_an_editor_does(tmp_path):
    msg = _error(tmp_path, b"id,text,c\r\n1,a,b\r\nbad,y,z\r\n")
    assert "data row 2 (line 3), column 'id'" in msg
    msg = _error(tmp_path, b"id,text,c\r1,a,b\rbad,y,z\r")
    assert "data row 2 (line 3), column 'id'" in msg


def test_reading_a_class_folder_gives_the_csv_modules_size_limit_back(tmp_path):
    # the limit is process-wide: a class folder read with its own 20 MB limit must not
    # change what the datasets' loader refuses later in the same kernel
    import csv

    from helpers import classroom

    previous = csv.field_size_limit(131_072)  # the default (frictionless, if imported, raises it)
    try:
        folder = tmp_path / "class"
        folder.mkdir()
        (folder / "a.csv").write_text("not,an,export\n1,2,3\n", encoding="utf-8")
        with pytest.raises(ProgressError, match="a.csv: skipped"):
            classroom.read_exports(folder)
        assert csv.field_size_limit() == 131_072
        big = tmp_path / "pkg"
        big.mkdir()
        msg = _error(big, b"id,text,c\n1," + b"x" * 140_000 + b",z\n")
    finally:
        csv.field_size_limit(previous)
    assert "line 2: not readable as CSV (field larger than field limit" in msg


def test_a_quote_left_open_to_the_end_of_the_file_names_the_line_it_opens_on(tmp_path):
    # unstrict, the csv module reads lines 3-5 into row 1's last cell: rows vanish silently
    msg = _error(tmp_path, b'id,text,c\n1,"fine\nbreak",x\n2,a,"open\n3,b,y\n4,c,z\n')
    assert ("mini.csv, line 4: a double quote opened in the record that starts on this line is "
            "never closed") in msg, msg
    assert 'written twice: ""' in msg


def test_text_after_a_closing_quote_is_an_error_not_run_into_the_cell(tmp_path):
    msg = _error(tmp_path, b'id,text,c\n1,"ab"cd,x\n')
    assert "mini.csv, line 2: a cell has text after its closing double quote" in msg, msg
    assert 'write each quote inside it twice ("")' in msg
