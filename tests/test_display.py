"""helpers.display.table: DataFrames shown for reading, not as JupyterLab's right-aligned dump."""
import re

import pandas as pd

from helpers.data import load_dataset
from helpers.display import table


def test_table_hides_the_index_and_shows_missing_values_as_a_dash():
    df = load_dataset("disputes")[["name_neutral", "administered_by", "administered_since", "area_km2"]]
    assert df.isna().any().any(), "the disputes table has a missing value to show"
    page = table(df).to_html()
    assert "NaN" not in page and "&lt;NA&gt;" not in page and "<NA>" not in page
    assert "—" in page
    assert 'class="row_heading' not in page  # no 0, 1, 2 ... index column


def test_table_left_aligns_text_and_keeps_long_text_whole():
    long = "x" * 120
    page = table(pd.DataFrame({"name": [long, "b"], "n": [1.5, 2.25]})).to_html()
    assert long in page  # pandas' plain display cuts it to 50 characters with "..."
    css = re.search(r"<style.*?</style>", page, re.S).group(0)
    assert re.search(r"th \{\s*text-align: left", css)
    assert re.search(r"_col0[^{]*\{\s*text-align: left", css)
    assert re.search(r"_col1[^{]*\{\s*text-align: right", css)


def test_table_formats_numbers_dates_and_booleans_for_reading():
    df = pd.DataFrame({
        "area": [0.187554, 5003.0], "whole": [28500.0, 54000.0],
        "when": pd.to_datetime(["1951-09-08", "1953-10-01"]), "ally": [True, False],
    })
    page = table(df).to_html()
    assert "0.188" in page and "5003.000000" not in page
    assert "28,500" in page and "28500.0" not in page
    assert "1951-09-08" in page and "00:00:00" not in page
    assert ">yes<" in page.replace(" ", "") and ">no<" in page.replace(" ", "")


def test_notice_html_is_escaped_worded_and_announced():
    from helpers.display import notice_html

    page = notice_html("Rate <0> is not allowed", "A chart could not be drawn")
    assert 'role="alert"' in page
    assert "<strong>A chart could not be drawn:</strong> Rate &lt;0&gt; is not allowed" in page
    assert "<strong>" not in notice_html("plain")


HOSTILE = "<img src=x onerror=alert(1)>"


def test_table_escapes_hostile_text_in_cells_headers_and_caption():
    df = pd.DataFrame({HOSTILE: [HOSTILE, "plain & simple"], "n": [1, 2]})
    page = table(df, caption=f"Caption {HOSTILE}").to_html()
    assert "<img" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 3  # cell, header, caption
    assert "plain &amp; simple" in page


def test_table_escapes_text_even_where_a_format_is_given():
    df = pd.DataFrame({"name": [HOSTILE], "km": [87.4]})
    page = table(df, formats={"name": lambda v: f"{v} (name)", "km": "{:.1f} km"}).to_html()
    assert "<img" not in page and "&lt;img" in page and "87.4 km" in page
