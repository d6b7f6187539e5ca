"""Assets for a self-contained map: Leaflet inlined and a Natural Earth country outline as the basemap.

Nothing here is copied into the repository: the files come from the npm packages pinned in the
repository's package.json / package-lock.json (`leaflet`, `world-atlas`), installed with `npm ci`.
They are looked up at run time in, in order: `$FRONTLINE_NODE_MODULES`, `./node_modules`, and the
`node_modules` folder beside the `maps` package (a source checkout).
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.errors import OutputError

__all__ = [
    "OfflineAssets",
    "default_search_path",
    "find_node_modules",
    "load_offline_assets",
    "leaflet_css_inlined",
    "topojson_features",
    "country_outline",
    "recognised_borders",
]

INSTALL_HINT = "run `npm ci` in the Frontline source folder (it installs what package-lock.json pins)"
REQUIRED = ("leaflet/dist/leaflet.js", "leaflet/dist/leaflet.css", "world-atlas/countries-50m.json")
# Padding around the data in degrees: enough land to give context when the analyst zooms out a little.
OUTLINE_PAD_DEG = 6.0
# Simplification tolerance in degrees (~500 m): finer than anything visible at the zooms the outline is for.
OUTLINE_TOLERANCE_DEG = 0.005
# world-atlas draws Crimea inside Russia (Natural Earth's de facto line). The basemap shows the
# internationally recognised border (UN GA resolution 68/262) so that only the markers speak about control.
CRIMEA_POINT = (34.10, 44.95)  # Simferopol, lon/lat
UKRAINE_ID, RUSSIA_ID = "804", "643"


@dataclass(frozen=True, slots=True)
class OfflineAssets:
    """Everything an offline page inlines: Leaflet's code and style, and the basemap outline."""

    leaflet_js: str
    leaflet_css: str
    outline: dict[str, object]


def default_search_path() -> list[Path]:
    """Return the folders searched for node_modules, in order."""
    candidates = []
    if os.environ.get("FRONTLINE_NODE_MODULES"):
        candidates.append(Path(os.environ["FRONTLINE_NODE_MODULES"]))
    return candidates + [Path.cwd() / "node_modules", Path(__file__).resolve().parent.parent / "node_modules"]


def find_node_modules(search: Sequence[Path] | None = None) -> Path:
    """Return the first node_modules folder holding every asset; raise OutputError saying how to get one."""
    candidates = default_search_path() if search is None else list(search)
    for folder in candidates:
        if all((folder / name).is_file() for name in REQUIRED):
            return folder
    missing = ", ".join(REQUIRED)
    raise OutputError(
        f"an offline map needs the npm packages leaflet@1.9.4 and world-atlas@2.0.2 ({missing}); "
        f"{INSTALL_HINT}, or point FRONTLINE_NODE_MODULES at a node_modules folder that has them"
    )


def leaflet_css_inlined(css: str, images: Path) -> str:
    """Replace Leaflet's relative image URLs with data URIs so the style loads nothing."""

    def inline(match: re.Match[str]) -> str:
        name = match.group(1)
        data = (images / name).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    # TopoJSON arcs are quantized and delta-encoded; undo both to get lon/lat pairs.
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        # A negative index is the one's complement of an arc drawn backwards.
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point; keep it once.
        ring.extend(points[1:] if ring else points)
    return ring


def topojson_features(topology: dict, name: str) -> list[dict[str, object]]:
    """Convert the TopoJSON object `name` into GeoJSON features (Polygon / MultiPolygon only)."""
    arcs = _decode_arcs(topology)
    features: list[dict[str, object]] = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            coords: list = [_ring(r, arcs) for r in geometry["arcs"]]
        elif kind == "MultiPolygon":
            coords = [[_ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": geometry.get("id"),
                "properties": dict(geometry.get("properties") or {}),
                "geometry": {"type": kind, "coordinates": coords},
            }
        )
    return features


def recognised_borders(ids: list[str], geoms: list) -> None:
    """Move Crimea from Russia's outline to Ukraine's, in place (ids are ISO 3166 numeric codes)."""
    from shapely.geometry import MultiPolygon, Point

    if RUSSIA_ID not in ids or UKRAINE_ID not in ids:
        return
    ri, ui = ids.index(RUSSIA_ID), ids.index(UKRAINE_ID)
    russia, ukraine = geoms[ri], geoms[ui]
    crimea = Point(*CRIMEA_POINT)
    parts = list(getattr(russia, "geoms", [russia]))
    moved = [p for p in parts if p.contains(crimea)]
    if not moved:
        return
    geoms[ri] = MultiPolygon([p for p in parts if not p.contains(crimea)])
    geoms[ui] = ukraine.union(moved[0])


def country_outline(
    topology: dict, bounds: tuple[float, float, float, float], pad_deg: float = OUTLINE_PAD_DEG
) -> dict[str, object]:
    """Return the countries around `bounds` (west, south, east, north) clipped and simplified, as GeoJSON."""
    import shapely
    from shapely.geometry import mapping, shape

    west, south, east, north = bounds
    box = (
        max(-180.0, west - pad_deg),
        max(-90.0, south - pad_deg),
        min(180.0, east + pad_deg),
        min(90.0, north + pad_deg),
    )
    sources = topojson_features(topology, "countries")
    ids = [str(f.get("id") or "") for f in sources]
    geoms = [shapely.make_valid(shape(f["geometry"])) for f in sources]
    recognised_borders(ids, geoms)
    features = []
    for feature, geom in zip(sources, geoms, strict=True):
        clipped = shapely.clip_by_rect(geom, *box)
        if clipped.is_empty:
            continue
        clipped = clipped.simplify(OUTLINE_TOLERANCE_DEG, preserve_topology=True)
        clipped = shapely.set_precision(clipped, 1e-4)
        if clipped.is_empty:
            continue
        props = feature["properties"]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": str(props.get("name", "")) if isinstance(props, dict) else "",
                    "iso_n3": str(feature.get("id") or ""),
                },
                "geometry": mapping(clipped),
            }
        )
    features.sort(key=lambda f: (f["properties"]["iso_n3"], f["properties"]["name"]))  # type: ignore[index]
    return {"type": "FeatureCollection", "features": features}


def load_offline_assets(bounds: tuple[float, float, float, float], node_modules: Path | None = None) -> OfflineAssets:
    """Read Leaflet and the Natural Earth outline for `bounds` from the installed npm packages."""
    folder = node_modules or find_node_modules()
    try:
        leaflet = folder / "leaflet" / "dist"
        js = (leaflet / "leaflet.js").read_text(encoding="utf-8")
        css = leaflet_css_inlined((leaflet / "leaflet.css").read_text(encoding="utf-8"), leaflet / "images")
        topology = json.loads((folder / "world-atlas" / "countries-50m.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise OutputError(f"cannot read the offline map assets in {folder}: {err}; {INSTALL_HINT}") from err
    if "</script" in js.lower() or "</style" in css.lower():
        # Inlined as raw text, either would end its element early; Leaflet 1.9.4 has neither.
        raise OutputError(f"the Leaflet files in {folder} cannot be inlined safely; {INSTALL_HINT}")
    return OfflineAssets(leaflet_js=js, leaflet_css=css, outline=country_outline(topology, bounds))
