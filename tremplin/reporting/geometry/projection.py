"""The map projection: a plain equirectangular projection scaled at the box's middle latitude.

Good enough for a département or for metropolitan France on a screen (shapes within a few per cent),
and simple enough to place a site from its latitude and longitude in the same drawing."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """Longitudes west–east and latitudes south–north drawn into a box `width` units wide."""

    west: float
    east: float
    south: float
    north: float
    width: int = 1000

    @property
    def ratio(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        return self.width / ((self.east - self.west) * self.ratio)

    @property
    def height(self) -> int:
        return math.ceil((self.north - self.south) * self.scale)

    def point(self, longitude: float, latitude: float) -> tuple[int, int]:
        x = (longitude - self.west) * self.ratio * self.scale
        y = (self.north - latitude) * self.scale
        return round(x), round(y)


#: Metropolitan France and Corsica, with a little margin.
METROPOLE = Box(west=-5.3, east=9.7, south=41.2, north=51.2)


def box_around(points, *, margin: float = 0.03, width: int = 1000) -> Box:
    """The box of a set of (longitude, latitude) points, with a margin."""
    longitudes = [p[0] for p in points]
    latitudes = [p[1] for p in points]
    west, east, south, north = min(longitudes), max(longitudes), min(latitudes), max(latitudes)
    dx, dy = (east - west) * margin or 0.01, (north - south) * margin or 0.01
    return Box(west - dx, east + dx, south - dy, north + dy, width)


def path_data(rings, box: Box) -> str:
    """SVG path data of rings of (longitude, latitude): absolute first point, then relative moves,
    repeated points dropped (a compact, integer drawing)."""
    parts = []
    for ring in rings:
        points = []
        for longitude, latitude in ring:
            point = box.point(longitude, latitude)
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 3:
            continue
        (x0, y0), moves = points[0], []
        previous = points[0]
        for x, y in points[1:]:
            moves.append(f"{x - previous[0]} {y - previous[1]}")
            previous = (x, y)
        parts.append(f"M{x0} {y0}l" + " ".join(moves) + "z")
    return "".join(parts)
