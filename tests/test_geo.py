"""helpers.geo: geodesic distances, circles, units and DMS text against known values."""
from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest
from geographiclib.geodesic import Geodesic

from helpers import geo
from helpers.errors import CourseError, DatasetError

# Two reference points with published coordinates (NAHF for the West Islet, Wikipedia for
# Ulleungdo, as in datasets/places.csv); used only
# to test the arithmetic, never shown to students.
WEST_ISLET = (37.24183, 131.86517)
ULLEUNGDO = (37.501111, 130.856389)


def _places():
    return pd.DataFrame(
        {
            "place_id": ["alpha", "beta", "gamma"],
            "name_en": ["Alpha", "Beta", "Gamma"],
            "lat": [0.0, 1.0, 37.0],
            "lon": [0.0, 0.0, float("nan")],
        }
    )


# ----------------------------------------------------------------------- distances


def test_one_degree_of_latitude_at_the_equator_is_110_574_km():
    # The WGS84 meridian arc from 0° to 1° N is 110.574 km (a sphere gives 111.195 km).
    assert geo.distance_km((0, 0), (1, 0)) == pytest.approx(110.574, abs=0.001)


def test_one_degree_of_longitude_on_the_equator_is_111_320_km():
    assert geo.distance_km((0, 0), (0, 1)) == pytest.approx(111.3195, abs=0.001)


def test_distance_is_symmetric_and_zero_for_the_same_point():
    a, b = (35.0, 129.0), (36.5, 133.2)
    assert geo.distance_km(a, b) == pytest.approx(geo.distance_km(b, a), abs=1e-9)
    assert geo.distance_km(a, a) == 0


def test_distance_is_ellipsoidal_not_haversine():
    # On a sphere of mean radius the two ~94 km legs differ from WGS84 by ~0.2 km;
    # the function must agree with geographiclib to the metre, not with haversine.
    wgs = Geodesic.WGS84.Inverse(*WEST_ISLET, *ULLEUNGDO)["s12"] / 1000
    lat1, lon1, lat2, lon2 = map(math.radians, (*WEST_ISLET, *ULLEUNGDO))
    h = 2 * 6371.0088 * math.asin(math.sqrt(
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2))
    got = geo.distance_km(WEST_ISLET, ULLEUNGDO)
    assert got == pytest.approx(wgs, abs=0.001)
    assert abs(got - h) > 0.05


def test_distance_accepts_place_ids_from_a_places_table():
    assert geo.distance_km("alpha", "beta", places=_places()) == pytest.approx(110.574, abs=0.001)
    assert geo.place_distance("alpha", "beta", places=_places()) == pytest.approx(110.574, abs=0.001)
    assert geo.distance_km("alpha", (1, 0), places=_places()) == pytest.approx(110.574, abs=0.001)


def test_unknown_place_id_is_a_dataset_error_that_suggests_the_right_id():
    with pytest.raises(DatasetError, match=r"'alpah'.*Did you mean 'alpha'"):
        geo.distance_km("alpah", "beta", places=_places())


def test_missing_coordinate_in_a_row_is_reported_with_the_place():
    with pytest.raises(CourseError, match="gamma"):
        geo.place_coords("gamma", places=_places())


@pytest.mark.parametrize(
    "bad, pattern",
    [((131.9, 37.2), "swap"), (("x", 1), "not numbers"), ((1, 2, 3), "pair"), ((10, 200), "Longitude")],
)
def test_bad_coordinates_raise_a_course_error(bad, pattern):
    with pytest.raises(geo.CoordinateError, match=pattern):
        geo.distance_km(bad, (0, 0))
    assert issubclass(geo.CoordinateError, CourseError)


def test_place_distance_refuses_coordinates():
    with pytest.raises(geo.CoordinateError, match="distance_km"):
        geo.place_distance((0, 0), "beta", places=_places())


# -------------------------------------------------------------------- real dataset


@pytest.fixture(scope="module")
def places():
    from helpers.data import load_dataset

    return load_dataset("places")  # a broken committed dataset must fail here, not skip


def test_seoul_tokyo_from_the_dataset_is_about_1155_km(places):
    assert 1150 <= geo.place_distance("seoul", "tokyo") <= 1160


def test_islet_distances_from_the_dataset_match_the_centre_to_centre_figures(places):
    # Independent check: centre to centre is about 94 km (Ulleungdo) and 169 km (Oki Dogo).
    assert geo.place_distance("liancourt_west", "ulleungdo") == pytest.approx(94, abs=2)
    assert geo.place_distance("liancourt_east", "oki_dogo") == pytest.approx(169, abs=3)
    # The two islets are about 0.4 km apart.
    assert 0.2 < geo.place_distance("liancourt_west", "liancourt_east") < 0.7


# -------------------------------------------------------------------------- circles


@pytest.mark.parametrize("lat, lon, radius", [(37.5, 130.9, geo.nm_to_km(200)), (0, 0, 10), (-60, 170, 1000)])
def test_every_circle_point_is_at_the_radius(lat, lon, radius):
    ring = geo.geodesic_circle(lat, lon, radius, n=72)
    assert len(ring) == 73 and ring[0] == ring[-1]
    for p in ring[:-1]:
        assert geo.distance_km((lat, lon), p) == pytest.approx(radius, abs=1e-6)


def test_circle_is_not_a_degree_circle():
    # 370.4 km north and east of 37.5 N differ in degrees (a lat/lon "circle" would not).
    ring = geo.geodesic_circle(37.5, 130.9, geo.nm_to_km(200), n=8)
    north, east = ring[0], ring[2]
    assert north[1] == pytest.approx(130.9) and north[0] > 37.5
    assert abs((east[1] - 130.9) - (north[0] - 37.5)) > 0.5


def test_circle_rejects_nonsense():
    with pytest.raises(geo.CoordinateError):
        geo.geodesic_circle(0, 0, -5)
    with pytest.raises(geo.CoordinateError):
        geo.geodesic_circle(0, 0, 5, n=3)


def test_geodesic_path_and_midpoint():
    pts = geo.geodesic_path(WEST_ISLET, ULLEUNGDO, n=10)
    assert pts[0] == pytest.approx(WEST_ISLET) and pts[-1] == pytest.approx(ULLEUNGDO)
    legs = geo.pairwise_km(pts)
    assert sum(legs) == pytest.approx(geo.distance_km(WEST_ISLET, ULLEUNGDO), abs=1e-6)
    mid = geo.geodesic_midpoint(WEST_ISLET, ULLEUNGDO)
    assert geo.distance_km(WEST_ISLET, mid) == pytest.approx(geo.distance_km(mid, ULLEUNGDO), abs=1e-6)


def test_bearing_points_the_right_way():
    assert geo.initial_bearing((0, 0), (1, 0)) == pytest.approx(0, abs=1e-9)
    assert geo.initial_bearing((0, 0), (0, 1)) == pytest.approx(90, abs=1e-9)
    assert geo.initial_bearing((0, 0), (0, -1)) == pytest.approx(270, abs=1e-9)


# ---------------------------------------------------------------------------- units


def test_nautical_mile_is_exactly_1852_m():
    assert geo.nm_to_km(1) == 1.852
    assert geo.nm_to_km(200) == pytest.approx(370.4)
    assert geo.km_to_nm(87.4) == pytest.approx(47.19, abs=0.01)  # NAHF: 47.2 nmi
    assert geo.km_to_nm(geo.nm_to_km(123.45)) == pytest.approx(123.45)


# ------------------------------------------------------------------------------ DMS


def test_to_dms_formats_the_west_islet_centre():
    assert geo.to_dms(37.24183, "lat") == "37°14′30.6″N"
    assert geo.to_dms(131.86517, "lon") == "131°51′54.6″E"
    assert geo.format_latlon(*WEST_ISLET) == "37°14′30.6″N 131°51′54.6″E"


def test_to_dms_hemispheres_padding_and_carry():
    assert geo.to_dms(-33.5, "lat") == "33°30′00.0″S"
    assert geo.to_dms(-0.5, "lon", decimals=0) == "0°30′00″W"
    # 0.99999° is 59′59.964″; rounded to one decimal it must carry to 1°00′00.0″.
    assert geo.to_dms(0.99999, "lat") == "1°00′00.0″N"


@pytest.mark.parametrize(
    "value, axis",
    [(v, "lat") for v in (37.24183, -33.86785, 0.0, 89.99999, -0.00001)]
    + [(v, "lon") for v in (131.86956, -122.41941, 0.0, -179.5, 179.99999)],
)
def test_dms_round_trip(value, axis):
    text = geo.to_dms(value, axis, decimals=2)
    # 0.01″ is 2.8e-6 degrees; half of that is the worst rounding error.
    assert geo.from_dms(text) == pytest.approx(value, abs=1.5e-6)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("37°14′30.6″N", 37.241833),
        ("37 14 30.6 N", 37.241833),
        ("37°14'30.6\"N", 37.241833),
        ("131d51m54.6sE", 131.865167),
        ("122°25′W", -122.416667),
        ("-33.5", -33.5),
        ("37.5N", 37.5),
    ],
)
def test_from_dms_reads_common_spellings(text, expected):
    assert geo.from_dms(text) == pytest.approx(expected, abs=1e-6)


def test_from_dms_numbers():
    assert geo.from_dms(37, 14, 30.6, "N") == pytest.approx(37.241833, abs=1e-6)
    assert geo.from_dms(131, 51, 54.6, "W") == pytest.approx(-131.865167, abs=1e-6)


@pytest.mark.parametrize("text", ["north", "37°75′N", "95°N", "-37°N", "37°14′30″Q", ""])
def test_from_dms_rejects_bad_text_with_a_course_error(text):
    with pytest.raises(geo.CoordinateError):
        geo.from_dms(text)


def test_to_dms_rejects_a_bad_axis():
    with pytest.raises(geo.CoordinateError, match="axis"):
        geo.to_dms(1.0, "x")


def test_importing_helpers_stays_light_and_geo_needs_no_pandas():
    code = (
        "import sys, helpers, helpers.geo; "
        "heavy = {'pandas', 'matplotlib', 'folium', 'ipywidgets'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
