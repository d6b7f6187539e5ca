"""The Gazetteer facade: spot names in text, resolve them with cues, fall back to fuzzy or online."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .disambiguate import BEARINGS, Cues, DistanceCue, Resolution, rank
from .errors import OnlineLookupError
from .index import Candidate, IndexSource, NameIndex, Progress, _stderr
from .normalize import normalize
from .online import OnlineGeocoder
from .place import haversine_km

__all__ = ["Gazetteer", "Spot", "DEFAULT_COUNTRIES", "FUZZY_THRESHOLD"]

# The theatre of the war: names are spotted in running text only for places of these countries
# (and the user's own entries); `geocode` looks worldwide.
DEFAULT_COUNTRIES = ("UA", "RU")
FUZZY_THRESHOLD = 92.0  # rapidfuzz ratio; below it a near-miss spelling stays unresolved
FUZZY_CONTEXT_KM = 50.0  # a fuzzy match must lie this close to the article's other places
FUZZY_MIN_LENGTH = 6
MAX_NAME_TOKENS = 4

_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*", re.UNICODE)
_POSSESSIVE = ("'s", "’s", "ʼs")
# Capitalized words that may stand next to a place name without making it part of a longer name
# ("In Lyman", "Bakhmut Saturday", "Russian Kursk"); any other capitalized neighbour ("Volodymyr
# Zelensky", "Donetsk People's Republic") means the span is part of another name.
NEIGHBOUR_WORDS = frozenset("""
a an and as at after before but by for from in into of on or over the to with near since while when where
this that these those both around outside inside despite during until under across toward towards through
against between about according meanwhile then also even only including like unlike so yet now today
yesterday monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december ukrainian ukrainians russian russians occupied
oblast region raion district city town village province
""".split())
_REGION_WORDS = r"(?:region|regions|oblast|oblasts|province|provinces|governorate|district|area)"
_REGION = re.compile(rf"\b([A-Z][\w'’ʼ-]+(?:[ -][A-Z][\w'’ʼ-]+)?)\s+(?:{_REGION_WORDS}|People['’]s Republic)\b")
_DISTANCE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:km|kilometres|kilometers|kilometre|kilometer)\b(?:\s*\([^)]{0,30}\))?\s+"
    r"(?:\(?((?:north|south)?-?(?:east|west)?|north|south)(?:ern)?\)?\s+)?(?:of|from)\s+"
    r"([A-Z][\w'’ʼ-]+(?:[ -][A-Z][\w'’ʼ-]+)?)"
)


@dataclass(frozen=True, slots=True)
class Spot:
    """A span of text that is a known name of places in the theatre."""

    start: int
    end: int
    surface: str
    key: str


class Gazetteer:
    """Names to places: exact variants first, then a strict fuzzy match, never a substring."""

    def __init__(self, index: NameIndex, countries: Sequence[str] = DEFAULT_COUNTRIES,
                 online: OnlineGeocoder | None = None) -> None:
        self.index = index
        self.countries = tuple(countries)
        self.online = online
        self.online_errors: list[str] = []
        self._spotter: dict[str, tuple[int, ...]] | None = None
        self._fuzzy_keys: list[str] | None = None
        self._region_cache: dict[str, tuple[str, str] | None] = {}

    @classmethod
    def open(
        cls,
        cache_dir: Path | None = None,
        *,
        countries: Sequence[str] = DEFAULT_COUNTRIES,
        extra_sources: Sequence[IndexSource] = (),
        progress: Progress = _stderr,
        include_embedded: bool = True,
    ) -> Gazetteer:
        """Open (building if needed) the index in the cache directory."""
        index = NameIndex.open(cache_dir, extra_sources=extra_sources, progress=progress,
                               include_embedded=include_embedded)
        return cls(index, countries)

    # -- spotting ---------------------------------------------------------------------------------
    @property
    def spotter(self) -> dict[str, tuple[int, ...]]:
        """Return the in-memory key table of the theatre, loaded on first use."""
        if self._spotter is None:
            self._spotter = self.index.spotter_keys(self.countries)
        return self._spotter

    def spot(self, text: str) -> list[Spot]:
        """Find capitalized names of theatre places in one pass over the tokens, longest match first."""
        table = self.spotter
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        spots: list[Spot] = []
        i = 0
        while i < len(tokens):
            start = tokens[i][0]
            if not text[start].isupper():
                i += 1
                continue
            found = None
            for j in range(i, min(i + MAX_NAME_TOKENS, len(tokens))):
                if j > i:
                    gap = text[tokens[j - 1][1]:tokens[j][0]]
                    if gap not in (" ", "-") or (gap == " " and not text[tokens[j][0]].isupper()):
                        break
                end = tokens[j][1]
                if text.endswith(_POSSESSIVE, start, end):
                    end -= 2
                key = normalize(text[start:end])
                if key in table:
                    found = (j, end, key)
            if found and self._stands_alone(text, tokens, i, found[0]):
                stop, end, key = found
                spots.append(Spot(start, end, text[start:end], key))
                i = stop + 1
            else:
                i += 1
        return spots

    @staticmethod
    def _stands_alone(text: str, tokens: list[tuple[int, int]], first: int, last: int) -> bool:
        # A place name inside a longer run of capitalized words is part of another name.
        for k, gap_from, gap_to in ((first - 1, None, tokens[first][0]), (last + 1, tokens[last][1], None)):
            if not 0 <= k < len(tokens):
                continue
            word_start, word_end = tokens[k]
            gap = text[word_end:gap_to] if gap_to is not None else text[gap_from:word_start]
            if gap != " " or not text[word_start].isupper():
                continue
            if text[word_start:word_end].lower() not in NEIGHBOUR_WORDS:
                return False
        return True

    # -- lookup -----------------------------------------------------------------------------------
    def candidates(self, name: str) -> list[Candidate]:
        """Return every place carrying `name` exactly (after normalization)."""
        return self.index.candidates(normalize(name))

    def fuzzy_key(self, name: str) -> str | None:
        """Return the theatre key closest to `name` when it is near enough to be the same spelling."""
        from rapidfuzz import fuzz, process

        key = normalize(name)
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        if self._fuzzy_keys is None:
            self._fuzzy_keys = sorted(self.spotter)
        # Same first letter and similar length: a whole-word spelling variant, never a substring.
        pool = [k for k in self._fuzzy_keys if k[:1] == key[:1] and abs(len(k) - len(key)) <= 2]
        match = process.extractOne(key, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        return match[0] if match else None

    def resolve(self, name: str, cues: Cues | None = None, *, fuzzy: bool = True) -> Resolution:
        """Resolve a name: exact variants, then (when allowed) a strict fuzzy match in the theatre.

        A fuzzy match is accepted only near the other places of its text; with no such context it is
        reported as ambiguous, so that a look-alike far away is never taken for the place.
        """
        cues = cues or Cues(countries=self.countries)
        found = self.candidates(name)
        if found:
            return rank(name, found, cues)
        key = self.fuzzy_key(name) if fuzzy else None
        if not key:
            return self._online(name, cues)
        result = rank(name, self.index.candidates(key), cues, method="fuzzy")
        if result.best is None:
            return result
        if not cues.context_points:
            return replace(result, status="ambiguous")
        nearest = min(haversine_km(result.best.lat, result.best.lon, la, lo) for la, lo in cues.context_points)
        if nearest > FUZZY_CONTEXT_KM:
            return Resolution(name, "unresolved", None, result.candidates, "fuzzy")
        return result

    def _online(self, name: str, cues: Cues) -> Resolution:
        if self.online is None:
            return Resolution(name, "unresolved", None)
        try:
            places = self.online.lookup(name, cues.countries)
        except (OnlineLookupError, ValueError) as err:
            self.online_errors.append(f"{name}: {err}")
            return Resolution(name, "unresolved", None, (), "online")
        found = [Candidate(p, True, False, "online", 1, True) for p in places]
        return rank(name, found, cues, method="online")

    # -- cues -------------------------------------------------------------------------------------
    def region_of(self, name: str) -> tuple[str, str] | None:
        """Return (country, admin1) when `name` names a first-order region by its seat (Kharkiv, Kursk)."""
        key = normalize(name)
        if key not in self._region_cache:
            seats = [c for c in self.index.candidates(key)
                     if c.admin_seat and c.is_primary and c.place.country in self.countries]
            if not seats:
                seats = [c for c in self.index.candidates(key) if c.admin_seat and c.place.country in self.countries]
            seats.sort(key=lambda c: -c.place.population)
            self._region_cache[key] = (seats[0].place.country, seats[0].place.admin1) if seats else None
        return self._region_cache[key]

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
        return tuple(cues)

    def cues_from_text(self, text: str, **overrides: object) -> Cues:
        """Return the cues a context text gives (regions, distances), with the theatre as focus."""
        base = {"countries": self.countries, "regions": self.region_cues(text),
                "distance": self.distance_cues(text)}
        base.update(overrides)
        return Cues(**base)  # type: ignore[arg-type]
