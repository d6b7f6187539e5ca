"""Where a text puts a place: regions, raions and hromadas it names, "near X" and "N km from X" circles, front
sectors ("the Pokrovsk direction") and bearings. A mixin of the Gazetteer (it resolves the towns those cues name).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from .disambiguate import BEARINGS, Area, Cues, DistanceCue, Resolution
from .index import NameIndex
from .normalize import normalize
from .place import Place, haversine_km

_REGION_WORDS = r"(?:region|regions|regional|oblast|oblasts|province|provinces|governorate|district|area)"
# The name keeps its capital; the word after it may be written either way ("Kharkiv Oblast", "Kursk region").
# The capital comes first and its look-behind stands for a leading \b, so that the regex engine can skip
# ahead to capitals; the possessive runs cannot give back a character that would lead to another match.
_REGION = re.compile(
    rf"([A-Z](?<!\w.)[\w'’ʼ-]++(?:[ -][A-Z][\w'’ʼ-]++)?)\s++(?i:{_REGION_WORDS}|People['’]s Republic)\b"
)
_DISTANCE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:km|kilometres|kilometers|kilometre|kilometer)\b(?:\s*\([^)]{0,30}\))?\s+"
    r"(?:\(?((?:north|south)?-?(?:east|west)?|north|south)(?:ern)?\)?\s+)?(?:of|from)\s+"
    r"([A-Z][\w'’ʼ-]+(?:[ -][A-Z][\w'’ʼ-]+)?)"
)


# Where a sentence puts a name: "in the Kharkiv region", "Bakhmut district", "Tokmak hromada", "near Bakhmut",
# "the Pokrovsk direction", "12 km from Kupiansk". Each gives an Area (see Gazetteer.within_cues).
_AREA_NAME = r"([A-Z](?<!\w.)[\w'’ʼ-]++(?:[ -][A-Z][\w'’ʼ-]++)?)"
# What puts a place outside the region named next: "across the border from", "on the border with", "outside".
_BEYOND = re.compile(r"\b(?:across\s+the\s+(?:administrative\s+|state\s+|regional\s+)?border\s+from"
                     r"|(?:administrative\s+)?borders?\s+(?:with|of)|bordering|outside(?:\s+of)?|beyond|adjacent\s+to|next\s+to)"
                     r"\s+(?:the\s+)?(?:neighbou?ring\s+)?$", re.IGNORECASE)
_UNIT = re.compile(_AREA_NAME + r"\s++(?i:(region|regions|oblast|oblasts|province|governorate|area|"
                   r"district|districts|raion|rayon|hromada|community|municipality|direction|axis|sector|"
                   r"people['’]s\s+republic))\b")
_NEAR = re.compile(r"\b(?i:near|next to|outside|close to|around|in the vicinity of|on the outskirts of|"
                   r"(?:on|at)\s+the\s+(?:[a-z-]+\s+)?(?:approach|approaches|outskirts|edge)\s+(?:to|of)|"
                   r"(?:north|south)-?(?:east|west)(?:ern)? of|(?:north|south|east|west)(?:ern)? of)\s+" + _AREA_NAME)
_BEARING_OF = re.compile(r"\b((?i:(?:north|south)-?(?:east|west)|north|south|east|west))(?:ern)?\s+of\s+"
                         + _AREA_NAME)
_COMPASS = re.compile(r"(?i:north|south|east|west)")
# "continued offensive actions in the direction of Gulyaipole": a sector named the other way round.
_DIRECTION_OF = re.compile(r"\b(?i:in\s+the\s+direction\s+of)\s+" + _AREA_NAME)
BEARING_ONLY_KM = 15.0  # "south of X" with no distance: where such a village usually lies
_FROM = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:km|kilometres|kilometers|kilometre|kilometer)\b[^.;\d]{0,40}?"
                   r"\b(?:of|from)\s+" + _AREA_NAME)
# Raions by name key -> (country, admin1, raion); hromadas by name key -> (country, admin1, raion, hromada).
_Units = tuple[dict[str, set[tuple[str, str, str]]], dict[str, set[tuple[str, str, str, str]]]]
_NOT_ANCHORS = frozenset({"Ukraine", "Russia", "Crimea", "Belarus", "Europe", "Moscow's", "Kyiv's"})
NEAR_KM = 80.0  # "near X" rules out namesakes elsewhere; the press says "near" up to 60-odd km (Snihurivka)
DIRECTION_KM = 80.0  # "the X direction": the front sector named after a town
BEARING_KM = 60.0  # "north of X": a place described by its bearing from a town may lie a little farther out
BEARING_CITY_KM = 130.0  # ... and from a city of CITY_POPULATION or more, much farther
CITY_POPULATION = 300_000
ANCHOR_THEATRE_KM = 1000.0  # a town that anchors a "near"/bearing cue lies within this of the theatre's focus


class TextCues:
    """The cues of a text as Areas and DistanceCues, for `Gazetteer.resolve`."""

    index: NameIndex
    countries: Sequence[str]
    focus: tuple[float, float] | None
    _units: _Units | None

    if TYPE_CHECKING:
        def resolve(self, name: str, cues: Cues | None = None, *, fuzzy: bool = True) -> Resolution: ...
        def region_of(self, name: str) -> tuple[str, str] | None: ...
        def _key(self, text: str) -> str: ...

    def region_cues(self, text: str) -> frozenset[tuple[str, str]]:
        """Return the regions a text names ("Kharkiv region", "Donetsk People's Republic")."""
        found = set()
        for match in _REGION.finditer(text):
            region = self.region_of(match.group(1))
            if region:
                found.add(region)
        return frozenset(found)

    def distance_cues(self, text: str) -> tuple[DistanceCue, ...]:
        """Return the "N km BEARING of PLACE" statements of a text, anchored on resolved places."""
        cues = []
        for match in _DISTANCE.finditer(text):
            anchor = self.resolve(match.group(3), fuzzy=False)
            if anchor.status != "resolved" or anchor.best is None:
                continue
            word = (match.group(2) or "").replace("-", "")
            bearing = BEARINGS.get(word)
            cues.append(DistanceCue(anchor.best.lat, anchor.best.lon, float(match.group(1).replace(",", ".")),
                                    bearing))
        for match in _BEARING_OF.finditer(text):
            # "Shevchenko, south of Pokrovsk": no distance given, so a village's usual one from its town.
            if _DISTANCE.search(text, max(0, match.start() - 30), match.end()):
                continue  # "12 km south of X" is read above
            anchor = self.resolve(match.group(2), fuzzy=False)
            bearing = BEARINGS.get(match.group(1).lower().replace("-", ""))
            if anchor.status == "resolved" and anchor.best is not None and bearing is not None:
                cues.append(DistanceCue(anchor.best.lat, anchor.best.lon, BEARING_ONLY_KM, bearing))
        return tuple(cues)

    def _admin_units(self) -> _Units:
        # Raions and hromadas by the key of their (Latin, adjectival) name: "pokrovskyi", "tokmatska".
        if self._units is None:
            raions: dict[str, set[tuple[str, str, str]]] = {}
            hromadas: dict[str, set[tuple[str, str, str, str]]] = {}
            for country, admin1, admin2, admin3 in self.index.admin_units():
                raions.setdefault(normalize(admin2), set()).add((country, admin1, admin2))
                if admin3:
                    hromadas.setdefault(normalize(admin3), set()).add((country, admin1, admin2, admin3))
            self._units = (raions, hromadas)
        return self._units

    def unit_areas(self, name: str, level: str) -> tuple[Area, ...]:
        """Return the raions ("district") or hromadas ("hromada") that `name` names, as Areas.

        A unit is named by its adjective ("Pokrovskyi", "Tokmatska") or after its centre ("Pokrovsk district",
        "Tokmak hromada"): the unit of a place of that name whose unit name begins like it.
        """
        raions, hromadas = self._admin_units()
        key = self._key(name)
        if level == "district":
            direct = raions.get(key, set())
            areas = {Area(c, a1, a2) for c, a1, a2 in direct}
        else:
            areas = {Area(c, a1, a2, a3) for c, a1, a2, a3 in hromadas.get(key, set())}
        if not areas:
            stem = key[:max(4, len(key) - 2)]
            for candidate in self.index.candidates(key):
                place = candidate.place
                unit = place.admin2 if level == "district" else place.admin3
                if unit and self._key(unit).startswith(stem):
                    areas.add(Area(place.country, place.admin1, place.admin2,
                                   "" if level == "district" else place.admin3))
        return tuple(sorted(areas, key=lambda a: (a.country, a.admin1, a.admin2, a.admin3)))

    def _anchor(self, name: str, sector: bool = False) -> Place | None:
        found = self.resolve(name, fuzzy=False)
        best = found.best if found.status == "resolved" else None
        focus = self.focus
        if sector and best is None and found.status == "ambiguous" and focus and found.candidates:
            # A front sector is named after a town on the front: "the Novopavlivka axis" is the Novopavlivka
            # nearest the front of the namesakes, not no sector at all.
            best = min((p for p, _ in found.candidates), key=lambda p: haversine_km(p.lat, p.lon, *focus))
        if best is not None and self.focus and haversine_km(best.lat, best.lon, *self.focus) > ANCHOR_THEATRE_KM:
            # "north-east of Seversk" in a war report is Siversk, not the Siberian city: an anchor of the front.
            near = [p for p, _ in found.candidates if haversine_km(p.lat, p.lon, *self.focus) <= ANCHOR_THEATRE_KM]
            best = near[0] if near else best
        return best

    def within_cues(self, text: str) -> tuple[Area, ...]:
        """Return the areas a text puts its names in: regions, raions, hromadas, and circles around towns.

        "the Kharkiv region" (the oblast), "Bakhmut district" (the raion), "Tokmak hromada", "near Bakhmut"
        (40 km), "the Pokrovsk direction" (80 km), "12 km from Kupiansk" (12 km and a margin).
        """
        areas: list[Area] = []
        for match in _UNIT.finditer(text):
            word, unit = match.group(1), match.group(2).lower()
            if _BEYOND.search(text, max(0, match.start() - 60), match.start()):
                continue  # "Dachne, just across the border from Donetsk region": a neighbour, not its region
            if unit in ("direction", "axis", "sector"):
                anchor = self._anchor(word, sector=True)
                if anchor is not None:
                    areas.append(Area(lat=anchor.lat, lon=anchor.lon, km=DIRECTION_KM, anchor=word, sector=True))
                continue
            if unit in ("district", "districts", "raion", "rayon"):
                found = self.unit_areas(word, "district")
            elif unit in ("hromada", "community", "municipality"):
                found = self.unit_areas(word, "hromada")
            else:
                found = ()
            if not found:  # "Kharkiv region", and a "district" that is a whole oblast in English
                region = self.region_of(word)
                found = (Area(region[0], region[1]),) if region else ()
            areas.extend(replace(a, span=match.span()) for a in found)
        for match in _DIRECTION_OF.finditer(text):
            anchor = self._anchor(match.group(1), sector=True)
            if anchor is not None:
                areas.append(Area(lat=anchor.lat, lon=anchor.lon, km=DIRECTION_KM, anchor=match.group(1), sector=True))
        for match in _NEAR.finditer(text):
            if text[max(0, match.start() - 4):match.start()].lower() == "the " or match.group(1) in _NOT_ANCHORS:
                continue  # "the east of Ukraine" is no place's neighbourhood
            anchor = self._anchor(match.group(1))
            if anchor is not None:
                bearing = bool(_COMPASS.match(match.group(0)))  # "north of", "south-west of"
                # "south-east of Kharkiv" reaches farther than "south-east of a village": Izium, 120 km away.
                city = anchor.population >= CITY_POPULATION
                reach = (BEARING_CITY_KM if city else BEARING_KM) if bearing else NEAR_KM
                areas.append(Area(lat=anchor.lat, lon=anchor.lon, km=reach,
                                  anchor=match.group(1)))
        for match in _FROM.finditer(text):
            anchor = self._anchor(match.group(2))
            km = float(match.group(1).replace(",", "."))
            if anchor is not None:
                areas.append(Area(lat=anchor.lat, lon=anchor.lon, km=km + max(15.0, 0.3 * km), anchor=match.group(2)))
        return tuple(dict.fromkeys(areas))

    def cues_from_text(self, text: str, **overrides: object) -> Cues:
        """Return the cues a context text gives (regions, distances, hard areas), with the theatre as focus."""
        base: dict[str, object] = {"countries": self.countries, "focus": self.focus, "regions": self.region_cues(text),
                "distance": self.distance_cues(text), "within": self.within_cues(text)}
        base.update(overrides)
        return Cues(**base)  # type: ignore[arg-type]
