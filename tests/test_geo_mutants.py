"""helpers.geo: limits, messages and formats the mutation run needs pinned (docs/mutation.md).

Expected values are worked out by hand in the comments (1 nmi = 1.852 km exactly;
1° = 60′ = 3600″).
"""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import geo
from helpers.errors import DatasetError


def _places(n=3):
    ids = [f"p{i:02d}" for i in range(n)]
    return pd.DataFrame({"place_id": ids, "lat": [float(i) for i in range(n)], "lon": [0.0] * n})


# ----------------------------------------------------------------- coordinate limits


@pytest.mark.parametrize("lat, lon", [(90, 0), (-90, 0), (0, 180), (0, -180), (90, 180)])
def test_the_poles_and_the_antimeridian_are_allowed(lat, lon):
    assert geo.distance_km((lat, lon), (lat, lon)) == 0


@pytest.mark.parametrize("lat, lon, message", [
    (90.000001, 0, "Latitude 90.000001 is outside -90..90. Did you swap latitude and longitude? Pairs are (lat, lon)."),
    (-90.5, 0, "Latitude -90.5 is outside -90..90."),
    (0, 180.5, "Longitude 180.5 is outside -180..180."),
    (0, -181, "Longitude -181.0 is outside -180..180."),
    (float("nan"), 0, "The coordinates are missing (NaN). Check the dataset row they come from."),
    (0, float("nan"), "The coordinates are missing (NaN)."),
    ("north", 0, ("The coordinates are not numbers: got lat='north', lon=0. Give decimal degrees, e.g. "
                 "(37.5665, 126.978).")),
])
def test_bad_coordinates_are_named_exactly(lat, lon, message):
    with pytest.raises(geo.CoordinateError) as err:
        geo.distance_km((lat, lon), (0, 0))
    assert message in str(err.value)


def test_a_place_row_names_itself_in_the_message():
    frame = pd.DataFrame({"place_id": ["x"], "lat": [95.0], "lon": [0.0]})
    with pytest.raises(geo.CoordinateError, match=r"Latitude 95\.0 for place 'x' is outside"):
        geo.place_coords("x", places=frame)


def test_a_point_that_is_not_a_pair_is_named():
    with pytest.raises(geo.CoordinateError) as err:
        geo.distance_km(5, (0, 0))
    assert "Cannot read 5 as a place: give a (lat, lon) pair or a place_id string such as 'seoul'." in str(err.value)


# ------------------------------------------------------------------------- places


def test_unknown_place_lists_the_first_twelve_ids_sorted():
    frame = _places(14)
    with pytest.raises(DatasetError) as err:
        geo.place_coords("zz", places=frame)
    msg = str(err.value)
    assert "There is no place with place_id 'zz' in the places dataset (datasets/places.csv)." in msg
    assert "Did you mean" not in msg  # nothing close to "zz"
    # p00 ... p11 (twelve ids), then " ..." because there are fourteen
    assert msg.endswith("Known ids include: " + ", ".join(f"p{i:02d}" for i in range(12)) + " ...")


def test_unknown_place_with_few_ids_has_no_ellipsis_and_suggests():
    with pytest.raises(DatasetError) as err:
        geo.place_coords("p1", places=_places(3))
    msg = str(err.value)
    assert "Did you mean 'p01'" in msg
    assert msg.endswith("Known ids include: p00, p01, p02")


def test_place_coords_returns_the_row():
    assert geo.place_coords("p02", places=_places(3)) == (2.0, 0.0)


def test_pairwise_km_reads_place_ids():
    # p00 -> p01 -> p02 along the meridian: two legs of about 110.57 km
    legs = geo.pairwise_km(["p00", "p01", "p02"], places=_places(3))
    assert len(legs) == 2 and legs[0] == pytest.approx(110.574, abs=0.001)
    assert legs[1] == pytest.approx(110.575, abs=0.002)
    assert geo.pairwise_km([(0, 0)]) == []


# ----------------------------------------------------------------- paths and circles


def test_a_path_of_one_segment_is_its_two_ends():
    pts = geo.geodesic_path((0, 0), (0, 10), n=1)
    assert pts == [pytest.approx((0.0, 0.0)), pytest.approx((0.0, 10.0))]


def test_a_path_needs_at_least_one_segment():
    with pytest.raises(geo.CoordinateError, match=r"geodesic_path needs n >= 1 segments, got 0\."):
        geo.geodesic_path((0, 0), (0, 10), n=0)


def test_path_points_are_evenly_spaced():
    # along the equator the geodesic is the equator: 10° in 4 steps of 2.5°
    pts = geo.geodesic_path((0, 0), (0, 10), n=4)
    assert [round(p[1], 9) for p in pts] == [0.0, 2.5, 5.0, 7.5, 10.0]
    assert geo.geodesic_midpoint((0, 0), (0, 10)) == pytest.approx((0.0, 5.0))


def test_circle_with_eight_points_and_its_bearings():
    ring = geo.geodesic_circle(0, 0, 100, n=8)
    assert len(ring) == 9 and ring[-1] == ring[0]
    # bearing 0 (north) first, then 45°, 90° (east) ...: the third point is due east
    assert ring[0][1] == pytest.approx(0.0, abs=1e-9) and ring[0][0] > 0
    assert ring[2][0] == pytest.approx(0.0, abs=1e-9) and ring[2][1] > 0
    assert ring[4][1] == pytest.approx(0.0, abs=1e-9) and ring[4][0] < 0
    assert geo.initial_bearing((0, 0), ring[1]) == pytest.approx(45.0, abs=1e-6)


@pytest.mark.parametrize("radius, n, message", [
    (0, 120, "A circle needs a positive radius in km, got 0."),
    (-1, 120, "A circle needs a positive radius in km, got -1."),
    (10, 7, "A circle needs at least 8 points to look round, got n=7."),
])
def test_circle_limits(radius, n, message):
    with pytest.raises(geo.CoordinateError) as err:
        geo.geodesic_circle(0, 0, radius, n=n)
    assert message in str(err.value)


def test_circle_centre_is_checked():
    with pytest.raises(geo.CoordinateError, match=r"Latitude 91\.0 for the circle centre"):
        geo.geodesic_circle(91, 0, 10)


# ------------------------------------------------------------------------------ units


def test_unit_conversions_take_text_numbers():
    # 1.852 km is exactly one nautical mile; 10 nmi = 18.52 km
    assert geo.km_to_nm("1.852") == 1.0
    assert geo.nm_to_km("10") == pytest.approx(18.52)


# --------------------------------------------------------------------------- DMS out


@pytest.mark.parametrize("value, axis, decimals, text", [
    (37.5, "lat", 2, "37°30′00.00″N"),       # 0.5° = 30′
    (0.0, "lat", 1, "0°00′00.0″N"),          # zero is north (>= 0)
    (0.0, "lon", 0, "0°00′00″E"),
    (-0.0001, "lon", 1, "0°00′00.4″W"),      # 0.0001° = 0.36″ -> 0.4″
    (126.978, "lon", 0, "126°58′41″E"),      # 0.978° = 58.68′ = 58′ 40.8″ -> 41″
    (90, "lat", 1, "90°00′00.0″N"),
    (-180, "lon", 1, "180°00′00.0″W"),
    (10.25, "lat", 3, "10°15′00.000″N"),
])
def test_to_dms_exact_texts(value, axis, decimals, text):
    assert geo.to_dms(value, axis, decimals) == text


@pytest.mark.parametrize("value, axis", [(91, "lat"), (0, "LAT"), (181, "lon")])
def test_to_dms_refuses_out_of_range_values_and_axes(value, axis):
    with pytest.raises(geo.CoordinateError):
        geo.to_dms(value, axis)


def test_to_dms_checks_the_longitude_range_for_a_longitude():
    # 120 is a fine longitude but not a latitude
    assert geo.to_dms(120, "lon") == "120°00′00.0″E"
    with pytest.raises(geo.CoordinateError, match="Latitude 120"):
        geo.to_dms(120, "lat")


def test_format_latlon_passes_decimals():
    assert geo.format_latlon(37.5, -122.25, decimals=0) == "37°30′00″N 122°15′00″W"


# ---------------------------------------------------------------------------- DMS in


@pytest.mark.parametrize("text, value", [
    ("37°30′S", -37.5), ("37 30 s", -37.5), ("122d15mW", -122.25), ("+37.5", 37.5), ("  37.5  ", 37.5),
    ("180W", -180.0), ("90S", -90.0), ("0°0′36″N", 0.01),  # 36″ = 0.01°
    ("37°14′30.6″n", 37.2418333),
])
def test_from_dms_more_spellings(text, value):
    assert geo.from_dms(text) == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize("text, message", [
    ("+37N", "Cannot read '+37N' as degrees-minutes-seconds. Write it like 37°14′30.6″N or 37 14 30.6 N."),
    ("91N", "'91N' is beyond 90° N."),
    ("181E", "'181E' is more than 180 degrees; no coordinate is that large."),
    ("37°60′N", "Minutes and seconds must be between 0 and 60, got 60.0′ 0.0″ in '37°60′N'."),
    ("37°10′60″N", "Minutes and seconds must be between 0 and 60, got 10.0′ 60.0″"),
])
def test_from_dms_refusals_are_exact(text, message):
    with pytest.raises(geo.CoordinateError) as err:
        geo.from_dms(text)
    assert message in str(err.value)


def test_from_dms_with_numbers_and_hemispheres():
    # 37° 30′ 36″ = 37 + 0.5 + 0.01 = 37.51
    assert geo.from_dms(37, 30, 36) == pytest.approx(37.51)
    assert geo.from_dms(-37, 30, 36) == pytest.approx(-37.51)  # the sign of the degrees carries
    assert geo.from_dms(37, 30, 36, "s") == pytest.approx(-37.51)
    assert geo.from_dms(122, 15, 0, "E") == pytest.approx(122.25)
    assert geo.from_dms(0, 59.5, 0) == pytest.approx(59.5 / 60)
    assert geo.from_dms(180, 0, 0, "W") == -180.0


@pytest.mark.parametrize("args, message", [
    ((None,), "from_dms needs text or a number of degrees, got None."),
    ((37, 0, 0, "X"), "Hemisphere must be N, S, E or W, got 'X'."),
    ((91, 0, 0, "N"), "91 is beyond 90° N."),
    ((37, -1, 0), "Minutes and seconds must be between 0 and 60, got -1′ 0″ in 37."),
    ((37, 0, 60), "got 0′ 60″"),
    ((180, 0, 1), "180 is more than 180 degrees"),
])
def test_from_dms_number_refusals(args, message):
    with pytest.raises(geo.CoordinateError) as err:
        geo.from_dms(*args)
    assert message in str(err.value)


def test_from_dms_number_alone_is_degrees():
    # minutes and seconds default to 0: 37.5 stays 37.5
    assert geo.from_dms(37.5) == 37.5
    assert geo.from_dms(-122) == -122.0


def test_exactly_twelve_ids_are_listed_without_an_ellipsis():
    with pytest.raises(DatasetError) as err:
        geo.place_coords("zz", places=_places(12))
    assert str(err.value).endswith("Known ids include: " + ", ".join(f"p{i:02d}" for i in range(12)))


# ------------------------------------------- second mutation run (full, 536 mutants)


def test_thirteen_ids_get_the_ellipsis():
    with pytest.raises(DatasetError) as err:
        geo.place_coords("zz", places=_places(13))
    assert str(err.value).endswith("Known ids include: " + ", ".join(f"p{i:02d}" for i in range(12)) + " ...")


def test_no_close_id_means_no_hint_at_all():
    with pytest.raises(DatasetError) as err:
        geo.place_coords("zz", places=_places(2))
    assert str(err.value) == ("There is no place with place_id 'zz' in the places dataset (datasets/places.csv). "
                              "Known ids include: p00, p01")


def test_suggestions_are_at_most_three_with_similarity_half_or_more():
    with pytest.raises(DatasetError) as err:
        geo.place_coords("p0", places=_places(5))  # all five are close: only three are offered
    assert "Did you mean 'p04', 'p03', 'p02'? Known" in str(err.value)  # ties: difflib's order
    with pytest.raises(DatasetError) as err:
        # "q00x" against "p00": 2 x 2 matching characters / 7 = 0.57, above the 0.5 cutoff
        geo.place_coords("q00x", places=_places(3))
    assert "Did you mean 'p00'? Known" in str(err.value)


def test_path_midpoint_and_bearing_use_the_places_they_are_given():
    frame = _places(3)  # p00 at (0, 0), p02 at (2, 0): ids the course dataset does not have
    path = geo.geodesic_path("p00", "p02", n=2, places=frame)
    assert path[0] == (0.0, 0.0) and path[2] == pytest.approx((2.0, 0.0))
    assert geo.geodesic_midpoint("p00", "p02", places=frame) == pytest.approx((1.0, 0.0), abs=1e-4)
    assert geo.initial_bearing("p00", "p02", places=frame) == pytest.approx(0.0)
    assert geo.initial_bearing("p02", "p00", places=frame) == pytest.approx(180.0)


def test_default_point_counts():
    assert len(geo.geodesic_path((0, 0), (1, 1))) == 33  # n = 32 segments
    assert len(geo.geodesic_circle(0, 0, 10)) == 121  # n = 120 points, the first repeated


def test_a_circle_smaller_than_a_kilometre_is_allowed():
    ring = geo.geodesic_circle(37.0, 127.0, 0.5)
    assert all(abs(geo.distance_km((37.0, 127.0), p) - 0.5) < 1e-9 for p in ring)


@pytest.mark.parametrize("text", ["95 S", "95°S", "90 30 0 S", "91N"])
def test_latitudes_beyond_the_pole_are_refused(text):
    hemi = text[-1]
    with pytest.raises(geo.CoordinateError, match=f"is beyond 90° {hemi}"):
        geo.from_dms(text)
    assert geo.from_dms("95 W") == -95.0 and geo.from_dms("90 S") == -90.0
