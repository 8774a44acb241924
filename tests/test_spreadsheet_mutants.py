"""helpers.spreadsheet: the cases its mutation run showed untested (docs/mutation.md)."""
from __future__ import annotations

import pandas as pd

from helpers.spreadsheet import safe_cell, safe_frame


def test_safe_frame_columns_limits_the_change_to_those_columns():
    df = pd.DataFrame({"who": ["=cmd"], "answer": ["=1+1"]})
    out = safe_frame(df, columns=["answer"])
    assert out.loc[0, "who"] == "=cmd"  # not asked for: left as it is
    assert out.loc[0, "answer"] == "'=1+1"


def test_safe_frame_covers_an_object_column_of_mixed_values():
    # An object column holding a number and text is not a "string dtype" column, but
    # its text cells still reach the spreadsheet.
    df = pd.DataFrame({"answer": pd.Series([2019, "=HYPERLINK(1)", None], dtype="object")})
    out = safe_frame(df)
    assert out["answer"].tolist() == [2019, "'=HYPERLINK(1)", None]


def test_safe_cell_adds_exactly_one_apostrophe():
    assert safe_cell("@x") == "'@x"
    assert safe_cell("'=x") == "'=x"  # already inert: starts with an apostrophe
