"""Lesson 03's distance table: official figures beside map-point distances, in words."""
from __future__ import annotations

import csv

from geographiclib.geodesic import Geodesic

from helpers import COURSE_DIR, geo


def _rows(name):
    with open(COURSE_DIR / "datasets" / f"{name}.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_each_official_figure_sits_beside_an_independent_geodesic():
    places = {r["place_id"]: r for r in _rows("places")}
    official = _rows("official_distances")
    table = geo.official_distances_table()
    assert len(table) == len(official)
    for (_, got), row in zip(table.iterrows(), official):
        a, b = places[row["from_place"]], places[row["to_place"]]
        s12 = Geodesic.WGS84.Inverse(float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"]))["s12"]
        assert got["From the rocks to"] == b["name_en"]
        assert got["Official figure (km)"] == float(row["km"])
        assert got["Between map points (km)"] == round(s12 / 1000, 1)
        assert abs(got["Map points longer by (km)"] - (s12 / 1000 - float(row["km"]))) < 0.06


def test_known_values_and_words_only():
    table = geo.official_distances_table()
    first = table.iloc[0]
    # NAHF's Ulleungdo figure, 87.4 km shore to shore, against 94.3 km between the two
    # map points (the figure lesson 03 has printed since it was written).
    assert first["Published by"] == "Northeast Asian History Foundation"
    assert first["Official figure (km)"] == 87.4
    assert first["Between map points (km)"] == 94.3
    assert set(table["Measured as"]) == {"nearest points (shore to shore)", "not stated"}
    text = table.to_string()
    for internal in ("oki_dogo", "ulleungdo", "nearest_points", "unstated", "liancourt_rocks"):
        assert internal not in text
