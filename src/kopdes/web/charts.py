"""Server-rendered SVG for the supervision dashboard: a choropleth of kecamatan outlines and
line charts of monthly figures. No JavaScript, no tiles, no CDN: the templates draw the shapes
computed here (`web/supervision/_map.svg.html`, `_chart.svg.html`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# A sequential palette (light to dark green), readable in grey; the last class is the darkest.
PALETTE = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
NO_DATA = "#d9d9d9"
MAP_WIDTH = 600


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str  # the SVG path's d
    value: int | Decimal | None
    fill: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Legend:
    fill: str
    low: int | Decimal | None
    high: int | Decimal | None


@dataclass(frozen=True)
class MapImage:
    width: int
    height: int
    shapes: list[Shape]
    legend: list[Legend]


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        yield from coordinates
    elif kind == "MultiPolygon":
        for polygon in coordinates:
            yield from polygon


def classes(values: Sequence[int | Decimal], n: int = len(PALETTE)) -> list[int | Decimal]:
    """Upper bounds of up to `n` classes of equal count (quantiles) over `values`."""
    ordered = sorted(set(values))
    if not ordered:
        return []
    if len(ordered) <= n:
        return list(ordered)
    return [
        ordered[min(len(ordered) - 1, math.ceil(len(ordered) * (k + 1) / n) - 1)] for k in range(n)
    ]


def choropleth(
    outlines: Iterable[tuple[str, str, dict[str, Any] | None]],
    values: dict[str, int | Decimal | None],
) -> MapImage | None:
    """(code, name, GeoJSON geometry in lon/lat) outlines projected to a viewBox `MAP_WIDTH`
    wide (equirectangular, x scaled by cos(latitude) at the centre), each filled by its class.
    None when no outline has a geometry."""
    features = [(code, name, list(_rings(g))) for code, name, g in outlines if g]
    points = [p for _c, _n, rings in features for ring in rings for p in ring]
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    aspect = math.cos(math.radians((north + south) / 2))
    span_x = max((east - west) * aspect, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = (MAP_WIDTH - 20) / span_x
    height = round(span_y * scale) + 20

    def xy(point: Sequence[float]) -> tuple[float, float]:
        return (
            round(10 + (point[0] - west) * aspect * scale, 1),
            round(10 + (north - point[1]) * scale, 1),
        )

    present = [v for v in values.values() if v is not None]
    bounds = classes(present)
    shapes = []
    for code, name, rings in features:
        parts = []
        xs: list[float] = []
        ys: list[float] = []
        for ring in rings:
            projected = [xy(p) for p in ring]
            xs += [p[0] for p in projected]
            ys += [p[1] for p in projected]
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in projected) + "Z")
        value = values.get(code)
        shapes.append(
            Shape(
                code=code,
                name=name,
                path="".join(parts),
                value=value,
                fill=_fill(value, bounds),
                label_x=round((min(xs) + max(xs)) / 2, 1),
                label_y=round((min(ys) + max(ys)) / 2, 1),
            )
        )
    legend = []
    low: int | Decimal | None = min(present) if present else None
    for index, high in enumerate(bounds):
        legend.append(Legend(fill=_class_fill(index, len(bounds)), low=low, high=high))
        low = high
    return MapImage(width=MAP_WIDTH, height=height, shapes=shapes, legend=legend)


def _class_fill(index: int, count: int) -> str:
    # spread fewer classes over the whole palette, darkest last
    if count <= 1:
        return PALETTE[-1]
    return PALETTE[round(index * (len(PALETTE) - 1) / (count - 1))]


def _fill(value: int | Decimal | None, bounds: list[int | Decimal]) -> str:
    if value is None or not bounds:
        return NO_DATA
    for index, high in enumerate(bounds):
        if value <= high:
            return _class_fill(index, len(bounds))
    return _class_fill(len(bounds) - 1, len(bounds))


# -- line charts --------------------------------------------------------------------------------

CHART_WIDTH = 320
CHART_HEIGHT = 160
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 8, 8, 12, 22


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # the month, as the axis shows it
    value: int


@dataclass(frozen=True)
class LineChart:
    title: str
    width: int
    height: int
    points: list[Point]
    polyline: str  # the SVG polyline's points
    baseline: float
    low: int
    high: int


def line_chart(title: str, series: Sequence[tuple[str, int]]) -> LineChart:
    """A line over `series` ((label, value) in order) in a CHART_WIDTH x CHART_HEIGHT box, the
    vertical axis from min(0, lowest) to the highest value."""
    values = [v for _l, v in series]
    low = min([0, *values])
    high = max([0, *values])
    span = (high - low) or 1
    inner_w = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    step = inner_w / max(len(series) - 1, 1)
    points = [
        Point(
            x=round(PAD_LEFT + n * step, 1),
            y=round(PAD_TOP + inner_h * (high - value) / span, 1),
            label=label,
            value=value,
        )
        for n, (label, value) in enumerate(series)
    ]
    return LineChart(
        title=title,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x:g},{p.y:g}" for p in points),
        baseline=round(PAD_TOP + inner_h * high / span, 1),
        low=low,
        high=high,
    )
