"""Geodesy on the WGS84 ellipsoid: distances, circles, units and coordinate formats.

Distances are geodesics on the WGS84 ellipsoid computed with ``geographiclib``
(Karney's algorithms, accurate to a few nanometres), not the spherical haversine
formula, which is off by up to about 0.5 % at these latitudes.

Places can be given as ``(lat, lon)`` pairs in decimal degrees or as a ``place_id``
of the ``places`` dataset, e.g. ``distance_km("seoul", "tokyo")``.
"""
from __future__ import annotations

import difflib
import math
import re
from numbers import Real
from typing import Iterable, Sequence, Union

from geographiclib.geodesic import Geodesic

from helpers.errors import CourseError, DatasetError

#: One international nautical mile is exactly 1,852 metres (defined in 1929).
NM_IN_KM = 1.852

#: The ellipsoid every course calculation uses.
WGS84 = Geodesic.WGS84

Point = Union[str, Sequence[float]]


class CoordinateError(CourseError, ValueError):
    """A latitude, longitude or coordinate text cannot be used."""

    title = "A coordinate could not be read"


# --------------------------------------------------------------------------- units


def km_to_nm(km: float) -> float:
    """Return ``km`` kilometres in international nautical miles (1 nmi = 1.852 km)."""
    return float(km) / NM_IN_KM


def nm_to_km(nm: float) -> float:
    """Return ``nm`` nautical miles in kilometres (1 nmi = 1.852 km)."""
    return float(nm) * NM_IN_KM


# ------------------------------------------------------------------- coordinates


def _check_latlon(lat, lon, where: str = "") -> tuple[float, float]:
    label = f" for {where}" if where else ""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise CoordinateError(
            f"The coordinates{label} are not numbers: got lat={lat!r}, lon={lon!r}. "
            "Give decimal degrees, e.g. (37.5665, 126.978)."
        ) from None
    if math.isnan(lat_f) or math.isnan(lon_f):
        raise CoordinateError(
            f"The coordinates{label} are missing (NaN). Check the dataset row they come from."
        )
    if not -90 <= lat_f <= 90:
        raise CoordinateError(
            f"Latitude {lat_f}{label} is outside -90..90. "
            "Did you swap latitude and longitude? Pairs are (lat, lon)."
        )
    if not -180 <= lon_f <= 180:
        raise CoordinateError(f"Longitude {lon_f}{label} is outside -180..180.")
    return lat_f, lon_f


def _places_frame():
    from helpers.data import load_dataset

    return load_dataset("places")


def place_coords(place_id: str, places=None) -> tuple[float, float]:
    """Return ``(lat, lon)`` of a row of the ``places`` dataset, looked up by ``place_id``.

    ``places`` may be a DataFrame with the same columns (used by tests and maps);
    by default the course dataset is loaded.
    """
    frame = _places_frame() if places is None else places
    ids = [str(i) for i in frame["place_id"]]
    if place_id not in ids:
        close = difflib.get_close_matches(str(place_id), ids, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise DatasetError(
            f"There is no place with place_id {place_id!r} in the places dataset "
            f"(datasets/places.csv).{hint} Known ids include: {', '.join(sorted(ids)[:12])}"
            + (" ..." if len(ids) > 12 else "")
        )
    row = frame.loc[frame["place_id"].astype(str) == place_id].iloc[0]
    return _check_latlon(row["lat"], row["lon"], where=f"place {place_id!r}")


def _as_point(p: Point, places=None) -> tuple[float, float]:
    if isinstance(p, str):
        return place_coords(p, places=places)
    try:
        lat, lon = p
    except (TypeError, ValueError):
        raise CoordinateError(
            f"Cannot read {p!r} as a place: give a (lat, lon) pair or a place_id string "
            "such as 'seoul'."
        ) from None
    return _check_latlon(lat, lon)


# ---------------------------------------------------------------------- geodesics


def distance_km(a: Point, b: Point, places=None) -> float:
    """Return the geodesic distance in km between two places on the WGS84 ellipsoid.

    ``a`` and ``b`` are ``(lat, lon)`` pairs in decimal degrees or ``place_id``
    strings of the ``places`` dataset.
    """
    lat1, lon1 = _as_point(a, places)
    lat2, lon2 = _as_point(b, places)
    return WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"] / 1000.0


def place_distance(place_id_a: str, place_id_b: str, places=None) -> float:
    """Return the geodesic distance in km between two rows of the ``places`` dataset."""
    for pid in (place_id_a, place_id_b):
        if not isinstance(pid, str):
            raise CoordinateError(
                f"place_distance takes two place_id strings, got {pid!r}. "
                "For coordinates use distance_km((lat, lon), (lat, lon))."
            )
    return distance_km(place_id_a, place_id_b, places=places)


def initial_bearing(a: Point, b: Point, places=None) -> float:
    """Return the initial compass bearing in degrees (0-360, 0 = north) from ``a`` to ``b``."""
    lat1, lon1 = _as_point(a, places)
    lat2, lon2 = _as_point(b, places)
    azi = WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.AZIMUTH)["azi1"]
    return azi % 360.0


def geodesic_path(a: Point, b: Point, n: int = 32, places=None) -> list[tuple[float, float]]:
    """Return ``n + 1`` ``(lat, lon)`` points along the geodesic from ``a`` to ``b``.

    A straight line on a web map is a rhumb line in Mercator; drawing these points
    shows the true shortest path instead.
    """
    if n < 1:
        raise CoordinateError(f"geodesic_path needs n >= 1 segments, got {n}.")
    lat1, lon1 = _as_point(a, places)
    lat2, lon2 = _as_point(b, places)
    line = WGS84.InverseLine(lat1, lon1, lat2, lon2)
    pts = []
    for i in range(n + 1):
        g = line.Position(line.s13 * i / n, Geodesic.LATITUDE | Geodesic.LONGITUDE)
        pts.append((g["lat2"], g["lon2"]))
    return pts


def geodesic_midpoint(a: Point, b: Point, places=None) -> tuple[float, float]:
    """Return the ``(lat, lon)`` halfway along the geodesic from ``a`` to ``b``."""
    return geodesic_path(a, b, n=2, places=places)[1]


def geodesic_circle(lat: float, lon: float, radius_km: float, n: int = 120) -> list[tuple[float, float]]:
    """Return a closed ring of ``n + 1`` ``(lat, lon)`` points at ``radius_km`` from a centre.

    Every point lies exactly ``radius_km`` from ``(lat, lon)`` along a geodesic, so
    the ring is the true "everything within X km" boundary (a 200-nautical-mile zone
    is ``geodesic_circle(lat, lon, nm_to_km(200))``). The first point is repeated at
    the end. ``n`` = 120 (one point every 3 degrees of bearing) draws smoothly at
    regional zoom and keeps map files small.
    """
    lat, lon = _check_latlon(lat, lon, where="the circle centre")
    if not radius_km > 0:
        raise CoordinateError(f"A circle needs a positive radius in km, got {radius_km!r}.")
    if n < 8:
        raise CoordinateError(f"A circle needs at least 8 points to look round, got n={n}.")
    ring = []
    for i in range(n):
        g = WGS84.Direct(lat, lon, 360.0 * i / n, radius_km * 1000.0)
        ring.append((g["lat2"], g["lon2"]))
    ring.append(ring[0])
    return ring


# --------------------------------------------------------------------------- DMS

_HEMISPHERES = {"lat": ("N", "S"), "lon": ("E", "W")}


def to_dms(value: float, axis: str, decimals: int = 1) -> str:
    """Return a coordinate as degrees-minutes-seconds text, e.g. ``37°14′30.6″N``.

    ``axis`` is ``"lat"`` or ``"lon"`` (it picks N/S or E/W); ``decimals`` is the
    number of decimals of the seconds.
    """
    if axis not in _HEMISPHERES:
        raise CoordinateError(f"axis must be 'lat' or 'lon', got {axis!r}.")
    if axis == "lat":
        value, _ = _check_latlon(value, 0)
    else:
        _, value = _check_latlon(0, value)
    pos, neg = _HEMISPHERES[axis]
    hemi = pos if value >= 0 else neg
    # Round the total seconds once, so 59.96″ becomes the next minute, never 60.0″.
    scale = 10**decimals
    total = round(abs(value) * 3600 * scale)
    deg, rest = divmod(total, 3600 * scale)
    minutes, sec_scaled = divmod(rest, 60 * scale)
    sec = sec_scaled / scale
    sec_text = f"{sec:0{3 + decimals if decimals else 2}.{decimals}f}"
    return f"{deg}°{minutes:02d}′{sec_text}″{hemi}"


_DMS_RE = re.compile(
    r"""^\s*(?P<sign>[-+])?\s*
        (?P<deg>\d+(?:\.\d+)?)\s*(?:°|deg|d)?\s*
        (?:(?P<min>\d+(?:\.\d+)?)\s*(?:′|'|m|min|\s)\s*)?
        (?:(?P<sec>\d+(?:\.\d+)?)\s*(?:″|"|''|s|sec)?\s*)?
        (?P<hemi>[NSEWnsew])?\s*$""",
    re.VERBOSE,
)


def from_dms(
    value: Union[str, float],
    minutes: float = 0.0,
    seconds: float = 0.0,
    hemisphere: str | None = None,
) -> float:
    """Return decimal degrees from DMS text (``"37°14′30.6″N"``) or from numbers.

    Text may use °′″ or the ASCII ``d m s`` / ``' "`` marks; a trailing S or W (or a
    leading minus) makes the result negative. With numbers:
    ``from_dms(37, 14, 30.6, "N")``.
    """
    if isinstance(value, str):
        text = value.strip()
        m = _DMS_RE.match(text)
        if not m or (m["sign"] and m["hemi"]):
            raise CoordinateError(
                f"Cannot read {value!r} as degrees-minutes-seconds. "
                "Write it like 37°14′30.6″N or 37 14 30.6 N."
            )
        deg = float(m["deg"])
        minutes = float(m["min"] or 0)
        seconds = float(m["sec"] or 0)
        hemisphere = m["hemi"]
        negative = m["sign"] == "-"
    else:
        if not isinstance(value, Real):
            raise CoordinateError(f"from_dms needs text or a number of degrees, got {value!r}.")
        deg = float(abs(value))
        negative = value < 0
    if not (0 <= minutes < 60 and 0 <= seconds < 60):
        raise CoordinateError(
            f"Minutes and seconds must be between 0 and 60, got {minutes}′ {seconds}″ in {value!r}."
        )
    result = deg + minutes / 60 + seconds / 3600
    if result > 180:
        raise CoordinateError(f"{value!r} is more than 180 degrees; no coordinate is that large.")
    if hemisphere is not None:
        hemi = hemisphere.upper()
        if hemi not in {"N", "S", "E", "W"}:
            raise CoordinateError(f"Hemisphere must be N, S, E or W, got {hemisphere!r}.")
        negative = hemi in {"S", "W"}
        limit = 90 if hemi in {"N", "S"} else 180
        if result > limit:
            raise CoordinateError(f"{value!r} is beyond {limit}° {hemi}.")
    return -result if negative else result


def format_latlon(lat: float, lon: float, decimals: int = 1) -> str:
    """Return ``"37°14′30.6″N 131°51′54.6″E"`` for a ``(lat, lon)`` pair."""
    return f"{to_dms(lat, 'lat', decimals)} {to_dms(lon, 'lon', decimals)}"


def pairwise_km(points: Iterable[Point], places=None) -> list[float]:
    """Return the geodesic lengths in km of the legs between consecutive points."""
    pts = [_as_point(p, places) for p in points]
    return [distance_km(p, q) for p, q in zip(pts, pts[1:])]


__all__ = [
    "CoordinateError",
    "NM_IN_KM",
    "distance_km",
    "format_latlon",
    "from_dms",
    "geodesic_circle",
    "geodesic_midpoint",
    "geodesic_path",
    "initial_bearing",
    "km_to_nm",
    "nm_to_km",
    "pairwise_km",
    "place_coords",
    "place_distance",
    "to_dms",
]


_MEASURES = {"nearest_points": "nearest points (shore to shore)", "unstated": "not stated"}


def official_distances_table():
    """Each published distance from the rocks beside the distance between the map points.

    One row per row of ``official_distances``: where to, who published it (the publisher's
    name without its description), the official figure, how it says it measured, the
    geodesic distance between the course's map points for the same two places, and the
    difference. Words only: place names come from ``places``, never their ids.
    """
    import pandas as pd

    from helpers.data import load_dataset

    official = load_dataset("official_distances")
    places = _places_frame()
    names = places.set_index("place_id")["name_en"]
    rows = []
    for _, row in official.iterrows():
        centre = place_distance(row["from_place"], row["to_place"], places)
        rows.append({
            "From the rocks to": names.get(row["to_place"], row["to_place"]),
            "Published by": str(row["publisher"]).split(" (")[0],
            "Official figure (km)": float(row["km"]),
            "Measured as": _MEASURES.get(row["measure"], str(row["measure"]).replace("_", " ")),
            "Between map points (km)": round(centre, 1),
            "Map points longer by (km)": round(centre - float(row["km"]), 1),
        })
    return pd.DataFrame(rows)
