"""The Place value: one settlement with its coordinates and provenance."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Place", "Entry", "Candidate", "CandidateRow", "PRECISIONS", "unchecked_place", "haversine_km",
           "nearest_km"]

# How a place's point was found: "point", the settlement's own point (GeoNames); "hromada", the centre of its
# hromada (the settlement is known to exist there, its own point is not): an approximate location.
PRECISIONS = ("point", "hromada")


@dataclass(frozen=True, slots=True)
class Place:
    """A settlement: GeoNames id (or a stable id for other sources), canonical name, WGS84 point."""

    geonameid: int | str
    name: str
    lat: float
    lon: float
    country: str = ""
    admin1: str = ""
    population: int = 0
    source: str = "geonames"
    precision: str = "point"
    admin2: str = ""  # the raion (Ukraine), in Latin
    admin3: str = ""  # the hromada (Ukraine), in Latin

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a place needs a name")
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"latitude {self.lat!r} is outside -90..90")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"longitude {self.lon!r} is outside -180..180")
        if self.population < 0:
            raise ValueError(f"population {self.population!r} is negative")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision {self.precision!r} is not one of {', '.join(PRECISIONS)}")

    @property
    def approximate(self) -> bool:
        """Return whether the point is only the centre of the place's hromada (an approximate location)."""
        return self.precision != "point"

    @property
    def region(self) -> str:
        """Return the first-order region by name ("Kharkiv Oblast", "Kursk Oblast"), or the code if unknown."""
        from .regions import region_name

        return region_name(self.country, self.admin1)

    @property
    def key(self) -> str:
        """Return a stable identifier that is unique across sources."""
        return f"{self.source}:{self.geonameid}"

    def to_dict(self) -> dict[str, object]:
        """Return the place as plain JSON-ready data."""
        return {
            "geonameid": self.geonameid,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country,
            "admin1": self.admin1,
            "population": self.population,
            "source": self.source,
            "precision": self.precision,
            "admin2": self.admin2,
            "admin3": self.admin3,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Place:
        """Build a place from the output of `to_dict`."""
        return cls(
            geonameid=data["geonameid"],  # type: ignore[arg-type]
            name=str(data["name"]),
            lat=float(data["lat"]),  # type: ignore[arg-type]
            lon=float(data["lon"]),  # type: ignore[arg-type]
            country=str(data.get("country") or ""),
            admin1=str(data.get("admin1") or ""),
            population=int(data.get("population") or 0),  # type: ignore[call-overload]
            source=str(data.get("source") or "geonames"),
            precision=str(data.get("precision") or "point"),
            admin2=str(data.get("admin2") or ""),
            admin3=str(data.get("admin3") or ""),
        )


# The slots' own setters, which a frozen dataclass's __init__ reaches through object.__setattr__ by name.
(_set_geonameid, _set_name, _set_lat, _set_lon, _set_country, _set_admin1, _set_population,
 _set_source, _set_precision, _set_admin2, _set_admin3) = (Place.__dict__[f.name].__set__
                                                          for f in dataclasses.fields(Place))


def unchecked_place(geonameid: int | str, name: str, lat: float, lon: float, country: str, admin1: str,
                    population: int, source: str, precision: str = "point", admin2: str = "",
                    admin3: str = "") -> Place:
    """Return Place(...) without __post_init__'s checks: for rows that passed them when the index was built.

    Twice as fast as the dataclass's __init__, for the thousands of places a first lookup of many names reads.
    """
    place = object.__new__(Place)
    _set_geonameid(place, geonameid)
    _set_name(place, name)
    _set_lat(place, lat)
    _set_lon(place, lon)
    _set_country(place, country)
    _set_admin1(place, admin1)
    _set_population(place, population)
    _set_source(place, source)
    _set_precision(place, precision)
    _set_admin2(place, admin2)
    _set_admin3(place, admin3)
    return place


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def nearest_km(lat: float, lon: float, points: Iterable[tuple[float, float]]) -> float:
    """Return the smallest haversine_km from (lat, lon) to the points (inf for none), in the same arithmetic."""
    p1 = math.radians(lat)
    cos_p1 = math.cos(p1)
    radians, sin, cos = math.radians, math.sin, math.cos
    nearest = math.inf
    for lat2, lon2 in points:
        p2 = radians(lat2)
        h = sin((p2 - p1) / 2) ** 2 + cos_p1 * cos(p2) * sin(radians(lon2 - lon) / 2) ** 2
        km = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
        if km < nearest:
            nearest = km
    return nearest


@dataclass(frozen=True, slots=True)
class Entry:
    """A gazetteer record: a place and every name it is known by (as the source spells them)."""

    place: Place
    names: tuple[str, ...] = ()
    feature_code: str = ""
    # Names that are the place's current name as much as `place.name` is (the official Latin spelling that the
    # settlements table adds to a cities500 place whose GeoNames name is an older spelling: Vysokopillya).
    current_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place that carries a name, and how it carries it."""

    place: Place
    is_primary: bool
    admin_seat: bool
    system: str
    support: int = 1
    native: bool = True  # spelled as the source or by the transliteration of the place's own country


# A Candidate's fields in order, as a plain tuple: cheaper to build than the dataclass, for ranking.
CandidateRow = tuple[Place, bool, bool, str, int, bool]
