"""Make datasets/land_northeast_asia.geojson, the land outline offline maps draw under their data.

How the committed file was produced (one-off; rerun only to change the outline):

    npm install --prefix /tmp/wa world-atlas@2.0.2
    .venv/bin/python -m tools.make_land_outline /tmp/wa/node_modules/world-atlas

Source: Natural Earth 1:10m physical "land" (version 4.1.0, public domain), as
redistributed in TopoJSON by the npm package ``world-atlas`` 2.0.2 (file
``land-10m.json``; Natural Earth itself cannot be downloaded from these machines).

Steps: decode the TopoJSON arcs (delta-encoded, quantized) into polygon rings; clip
every ring to lon 105-150, lat 20-50 with the Sutherland-Hodgman algorithm (the
course's data lie in lon 115-150, but the overview and disputes maps show China west
to about lon 110 at their opening zoom, and a cut at 115 looked like a coast there);
simplify each ring with Douglas-Peucker at ``TOLERANCE`` degrees (0.012, about 1.2 km,
less than a pixel at the zooms the maps open at: the unsimplified 10m outline of
the region is over 300 KB, this brings it to ~112 KB; islets smaller than that
collapse and are dropped, about 10 of 270 rings); round coordinates to 3 decimals (about 100 m, finer than the
source's quantization step of 0.0036 x 0.0017 degrees); drop repeated points and rings
that collapse; orient rings the GeoJSON way (RFC 7946: outer rings anticlockwise, holes
clockwise). Islands are dropped by area only if the file would exceed ``MAX_BYTES``,
smallest first, and never those carrying a course place (Ulleungdo, Dogo, the
Liancourt Rocks if present). The script prints what it kept and dropped.
"""
from __future__ import annotations

import json
import math
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "datasets" / "land_northeast_asia.geojson"
WEST, SOUTH, EAST, NORTH = 105.0, 20.0, 150.0, 50.0
DIGITS = 3
TOLERANCE = 0.012
MAX_BYTES = 150 * 1024
# Islands the course maps point at: an island ring containing one of these is never dropped.
KEEP_POINTS = {
    "ulleungdo": (130.85639, 37.50111),
    "oki_dogo": (133.28333, 36.23333),
    "liancourt_west": (131.86517, 37.24183),
}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Return every arc as absolute (lon, lat) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(indexes: list[int], arcs) -> list[tuple[float, float]]:
    """Join the arcs of one ring; a negative index ~i means arc i reversed."""
    ring: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(arc if not ring else arc[1:])
    return ring


def polygons(topology: dict, arcs) -> list[list[list[tuple[float, float]]]]:
    """Every polygon of the 'land' object as a list of rings (outer ring first)."""
    out = []
    for geom in topology["objects"]["land"]["geometries"]:
        parts = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        for rings in parts:
            out.append([ring_points(r, arcs) for r in rings])
    return out


def clip(ring, west=WEST, south=SOUTH, east=EAST, north=NORTH):
    """Sutherland-Hodgman: the part of a closed ring inside the rectangle."""
    edges = [
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    ]
    points = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for inside, cut in edges:
        if not points:
            break
        result = []
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    result.append(cut(prev, cur))
                result.append(cur)
            elif inside(prev):
                result.append(cut(prev, cur))
            prev = cur
        points = result
    return points


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def douglas_peucker(points, tol):
    """Keep the points of an open polyline that lie more than ``tol`` from its simplified shape."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        best, index = -1.0, None
        for i in range(a + 1, b):
            px, py = points[i]
            d = (abs(dy * (px - ax) - dx * (py - ay)) / length if length
                 else math.hypot(px - ax, py - ay))
            if d > best:
                best, index = d, i
        if index is not None and best > tol:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep) if k]


def simplify(points, tol=TOLERANCE):
    """Douglas-Peucker on a closed ring (given without its closing point), split at the
    point farthest from the first so that neither half is degenerate."""
    if len(points) < 4:
        return list(points)
    x0, y0 = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
    first = douglas_peucker(points[: far + 1], tol)
    second = douglas_peucker(points[far:] + [points[0]], tol)
    return first[:-1] + second[:-1]


def tidy(points) -> list[list[float]] | None:
    """Round, drop repeats, close; None when fewer than three distinct points remain."""
    out: list[list[float]] = []
    for x, y in points:
        p = [round(x, DIGITS), round(y, DIGITS)]
        if not out or p != out[-1]:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3 or abs(signed_area(out)) == 0:
        return None
    return out + [out[0]]


def signed_area(ring) -> float:
    """Shoelace area in square degrees; positive when anticlockwise."""
    n = len(ring)
    return sum(ring[i][0] * ring[(i + 1) % n][1] - ring[(i + 1) % n][0] * ring[i][1]
               for i in range(n)) / 2


def contains(ring, pt) -> bool:
    """Even-odd test: is pt (lon, lat) inside the ring?"""
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def orient(ring, outer: bool):
    anticlockwise = signed_area(ring) > 0
    return ring if anticlockwise == outer else ring[::-1]


def build(atlas_dir: Path) -> dict:
    package = json.loads((atlas_dir / "package.json").read_text(encoding="utf-8"))
    topology = json.loads((atlas_dir / "land-10m.json").read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    kept = []
    for rings in polygons(topology, arcs):
        xs = [p[0] for p in rings[0]]
        ys = [p[1] for p in rings[0]]
        if max(xs) < WEST or min(xs) > EAST or max(ys) < SOUTH or min(ys) > NORTH:
            continue
        outer = tidy(simplify(clip(rings[0])))
        if outer is None:
            continue
        holes = [h for h in (tidy(simplify(clip(r))) for r in rings[1:]) if h is not None]
        kept.append([orient(outer, True)] + [orient(h, False) for h in holes])
    protected = {name for name, pt in KEEP_POINTS.items() for poly in kept if contains(poly[0], pt)}
    print("course places on land polygons:", ", ".join(sorted(protected)) or "none")
    print("missing (too small for the source):", ", ".join(sorted(set(KEEP_POINTS) - protected)) or "none")

    def collection(polys):
        return {
            "type": "FeatureCollection",
            "bbox": [WEST, SOUTH, EAST, NORTH],
            "features": [{
                "type": "Feature",
                "properties": {
                    "name": "land",
                    "source": f"Natural Earth 1:10m land {NE_VERSION}, public domain, via npm "
                              f"world-atlas {package['version']} (land-10m.json); clipped to "
                              f"lon {WEST:g}-{EAST:g}, lat {SOUTH:g}-{NORTH:g}, simplified at "
                              f"{TOLERANCE:g} degrees, rounded to {DIGITS} decimals",
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }],
        }

    def size(polys) -> int:
        return len(json.dumps(collection(polys), separators=(",", ":")).encode("utf-8"))

    by_area = sorted(kept, key=lambda poly: abs(signed_area(poly[0])))
    dropped = 0
    while size(kept) > MAX_BYTES:
        victim = next((p for p in by_area if not any(contains(p[0], pt) for pt in KEEP_POINTS.values())), None)
        if victim is None:
            break
        by_area.remove(victim)
        kept.remove(victim)
        dropped += 1
    print(f"{len(kept)} polygons kept, {dropped} smallest islands dropped for size; "
          f"{size(kept) / 1024:.1f} KB; package world-atlas {package['version']}, built {date.today()}")
    return collection(kept)


# world-atlas 2.x redistributes Natural Earth 4.1.0 (its README says so).
NE_VERSION = "4.1.0"


def main(argv: list[str]) -> None:
    atlas_dir = Path(argv[1]) if len(argv) > 1 else Path("/tmp/wa/node_modules/world-atlas")
    OUT.write_text(json.dumps(build(atlas_dir), separators=(",", ":")) + "\n", encoding="utf-8")
    print("wrote", OUT.relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv)
