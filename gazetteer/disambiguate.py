"""Choose among same-named places from several signals; say "ambiguous" when they do not separate them.

Pure functions: candidates and cues in, a ranked resolution out.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace

from rapidfuzz import fuzz

from .normalize import normalize
from .place import Candidate, CandidateRow, Place, haversine_km, nearest_km

__all__ = ["Area", "Cues", "DistanceCue", "Resolution", "rank", "prior_scores", "rank_priors", "destination",
           "inside", "settle_by_neighbours", "reconsider_stranger", "BEARINGS"]

BEARINGS = {
    "north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0,
    "south": 180.0, "southwest": 225.0, "west": 270.0, "northwest": 315.0,
}
# Weights of the signals, in units of "one order of magnitude of population".
W_PRIMARY = 0.8  # the place's current name, not a former or foreign one
W_NATIVE = 1.2  # spelled by the place's own country's system (Dzerzhynsk: Ukrainian, so Toretsk)
W_SUPPORT = 0.6  # per doubling of the spellings that give the name (current names have many)
W_FOCUS = 3.0  # in a country the article is about
W_REGION = 4.0  # in a region the text names ("Kharkiv region")
W_DISTANCE_CUE = 6.0  # where "74 km southeast of Kharkiv" points
W_NEAR = 4.0  # near an explicit --near point
W_COHERENCE = 2.5  # close to the other places of the same article
# ... and a few kilometres from one of them: a report's villages lie beside each other ("repelled attacks near
# Andriivka and Klishchiivka"), so a village next to a named place beats a namesake 60 km from all of them.
W_NEIGHBOUR = 3.0
NEIGHBOUR_SCALE_KM = 15.0
W_USER = 10.0  # the user's own gazetteer entries override the rest
W_CANONICAL = 2.0  # the name asked for resembles the place's canonical name (not a former name of a city)
W_THEATRE = 1.5  # close to the theatre's focus point (the front, for the war in Ukraine)
THEATRE_KM = 500.0  # how fast the theatre prior fades with distance
# A settlement of the KATOTTG table has no population figure: unknown, not zero. cities500 holds every place
# GeoNames counts at 500 people or more, so one it lacks is smaller, often much smaller, and counts as 100: a
# cities500 namesake of a few hundred people no longer outranks it as if it were empty (a wrong point is worse
# than none), while a town of several thousand still does.
UNKNOWN_POPULATION = 100
UNCOUNTED_SOURCES = frozenset({"katottg", "geonames_postal"})
TOWN_POPULATION = 10_000
AMBIGUOUS_MARGIN = 0.6  # a smaller lead than this between far-apart places is not a decision
AMBIGUOUS_KM = 30.0
HOMONYM_SCORE_RANGE = 2.0  # homonyms that count: those scoring within this of the best
HOMONYM_MARGIN_STEP = 0.5  # the margin grows by this share for every homonym past two ...
MAX_MARGIN_FACTOR = 3.0  # ... up to this factor


@dataclass(frozen=True, slots=True)
class DistanceCue:
    """'KM km BEARING of ANCHOR': the anchor's point, the distance and the bearing (None if not given)."""

    anchor_lat: float
    anchor_lon: float
    km: float
    bearing_deg: float | None = None


@dataclass(frozen=True, slots=True)
class Area:
    """Where the text says a place is: a region (oblast, raion, hromada) or a circle (km > 0) around a point.

    A region's empty fields match anything ("UA", "07" is the whole Kharkiv oblast).
    """

    country: str = ""
    admin1: str = ""
    admin2: str = ""
    admin3: str = ""
    lat: float = 0.0
    lon: float = 0.0
    km: float = 0.0
    anchor: str = ""  # the town a circle is drawn around ("near Bakhmut"): no constraint on that name itself
    sector: bool = False  # a front sector ("the Pokrovsk direction"): binds every name of its sentence
    # Where the text names a region (offsets of the phrase; -1: unknown): what it binds depends on where it stands.
    span: tuple[int, int] = field(default=(-1, -1), compare=False)

    @property
    def is_circle(self) -> bool:
        """Return whether the area is a circle around a point (near X, X direction, N km from X)."""
        return self.km > 0.0

    def contains(self, place: Place) -> bool:
        """Return whether the place lies in the area (a place whose raion or hromada is unknown passes those)."""
        if self.is_circle:
            return haversine_km(place.lat, place.lon, self.lat, self.lon) <= self.km
        return ((not self.country or place.country == self.country)
                and (not self.admin1 or place.admin1 == self.admin1)
                and (not self.admin2 or not place.admin2 or place.admin2 == self.admin2)
                and (not self.admin3 or not place.admin3 or place.admin3 == self.admin3))


def inside(place: Place, areas: Sequence[Area]) -> bool:
    """Return whether the place lies in one of the regions and within one of the circles of `areas`.

    Regions are alternatives ("in the Kharkiv or Donetsk region"), and so are circles; a place must agree with
    both kinds when the text gives both.
    """
    regions = [a for a in areas if not a.is_circle]
    circles = [a for a in areas if a.is_circle]
    return ((not regions or any(a.contains(place) for a in regions))
            and (not circles or any(a.contains(place) for a in circles)))


@dataclass(frozen=True, slots=True)
class Cues:
    """What the text around a name says about where it is."""

    countries: tuple[str, ...] = ()
    regions: frozenset[tuple[str, str]] = frozenset()  # (country, admin1)
    near: tuple[float, float] | None = None
    context_points: tuple[tuple[float, float], ...] = ()
    distance: tuple[DistanceCue, ...] = ()
    focus: tuple[float, float] | None = None  # the theatre's centre: a weak prior for same-named villages
    # Hard constraints: where the text says the name is. Every candidate outside is ruled out; with none
    # inside, the name is unresolved rather than a namesake elsewhere.
    within: tuple[Area, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one name: status, best place, ranked candidates with scores."""

    query: str
    status: str  # resolved | ambiguous | unresolved | region (a name that stands for a region, not a point)
    best: Place | None
    candidates: tuple[tuple[Place, float], ...] = field(default=())
    method: str = "exact"  # exact | fuzzy | online

    def to_dict(self) -> dict[str, object]:
        """Return the JSON shape of `frontline geocode --json`."""
        def brief(place: Place) -> dict[str, object]:
            return {"name": place.name, "geonameid": place.geonameid, "lat": place.lat, "lon": place.lon,
                    "country": place.country, "admin1": place.admin1, "region": place.region,
                    "population": place.population, "precision": place.precision}

        return {
            "query": self.query,
            "status": self.status,
            "best": brief(self.best) if self.best else None,
            "candidates": [dict(brief(p), score=round(s, 3), source=p.source) for p, s in self.candidates],
            "method": self.method,
        }


    def text_lines(self, limit: int = 5) -> list[str]:
        """Return the human-readable lines of `frontline geocode`: the answer, then the runners-up.

        Regions by name ("Kharkiv Oblast"), a fuzzy match marked "fuzzy:", an approximate point marked as such.
        """
        if self.status == "region":
            return [f"{self.query}: region (a region's name, not a settlement's)"]
        if self.best is None:
            return [f"{self.query}: unresolved"]
        b = self.best
        how = "fuzzy: " if self.method == "fuzzy" else ""
        lines = [f"{self.query}: {how}{self.status} -> {b.name} ({_where(b)}) {b.lat:.4f},{b.lon:.4f}"
                 f"{_approximate(b)} geonameid={b.geonameid} population={b.population}"]
        for place, score in self.candidates[1:limit]:
            lines.append(f"    also {place.name} ({_where(place)}) {place.lat:.4f},{place.lon:.4f}"
                         f"{_approximate(place)} score={score:.2f}")
        return lines


def _where(place: Place) -> str:
    parts = [place.admin3 and f"{place.admin3} hromada", place.admin2 and f"{place.admin2} raion", place.region,
             place.country]
    return ", ".join(p for p in parts if p)


def _approximate(place: Place) -> str:
    return " (approximate location: hromada centre)" if place.precision == "hromada" else ""


# The slots' own setters, as in place.unchecked_place: a Resolution is built for every first lookup of a name,
# and a frozen dataclass's __init__ reaches each slot through object.__setattr__ by name.
(_set_query, _set_status, _set_best, _set_candidates, _set_method) = (
    Resolution.__dict__[f.name].__set__ for f in fields(Resolution))


def _resolution(query: str, status: str, best: Place | None, candidates: tuple[tuple[Place, float], ...],
                method: str) -> Resolution:
    """Return Resolution(query, status, best, candidates, method), built twice as fast."""
    resolution = object.__new__(Resolution)
    _set_query(resolution, query)
    _set_status(resolution, status)
    _set_best(resolution, best)
    _set_candidates(resolution, candidates)
    _set_method(resolution, method)
    return resolution


def destination(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    """Return the point `km` from (lat, lon) along `bearing_deg` on a sphere."""
    r = km / 6371.0088
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(r) + math.cos(p1) * math.sin(r) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(r) * math.cos(p1), math.cos(r) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540.0) % 360.0 - 180.0


@functools.lru_cache(maxsize=65536)
def _canonical_key(name: str) -> str:
    return normalize(name)


@functools.lru_cache(maxsize=65536)
def _theatre_prior(lat: float, lon: float, focus: tuple[float, float]) -> float:
    # The same few thousand places meet the same focus again and again.
    return W_THEATRE * math.exp(-haversine_km(lat, lon, *focus) / THEATRE_KM)


def prior_scores(query_key: str, rows: Iterable[CandidateRow],
                 focus: tuple[float, float] | None) -> tuple[tuple[Place, float], ...]:
    """Return each candidate's place with the part of its score that does not depend on the text's cues.

    `rows` are candidates as plain tuples (see CandidateRow). A name's prior scores serve every lookup
    of it with the same focus; `rank_priors` adds the rest.
    """
    log10, log2, ratio = math.log10, math.log2, fuzz.ratio
    out = []
    for place, is_primary, _seat, _system, support, native in rows:
        population = place.population or (UNKNOWN_POPULATION if place.source in UNCOUNTED_SOURCES else 0)
        score = log10(population + 10)
        if query_key:
            # "Novooleksandrivka" is a former name of Melitopol and the name of a village: the village's own
            # name looks like the query, the city's does not (transliteration variants still look alike).
            score += W_CANONICAL * ratio(query_key, _canonical_key(place.name)) / 100.0
        if focus is not None:
            score += _theatre_prior(place.lat, place.lon, focus)
        # The terms are added one by one, in this order, as the score has always been summed (same floats);
        # a term that is zero is skipped, as adding 0.0 to a positive score leaves it as it is.
        if is_primary:
            score += W_PRIMARY
        score += W_SUPPORT * log2(1 + support)
        if native:
            score += W_NATIVE
        if place.source == "user":
            score += W_USER
        out.append((place, score))
    return tuple(out)


def _with_cues(score: float, place: Place, cues: Cues) -> float:
    # The cue terms, added to a prior score in the order the score has always been summed.
    if cues.countries and place.country in cues.countries:
        score += W_FOCUS
    if cues.regions and (place.country, place.admin1) in cues.regions:
        # An article that names three regions says of no name which one it lies in: the cue is shared out.
        score += W_REGION / len(cues.regions)
    if cues.near is not None:
        score += W_NEAR * math.exp(-haversine_km(place.lat, place.lon, *cues.near) / 50.0)
    if cues.context_points:
        km = nearest_km(place.lat, place.lon, cues.context_points)
        score += W_COHERENCE * math.exp(-km / 150.0) + W_NEIGHBOUR * math.exp(-km / NEIGHBOUR_SCALE_KM)
    for cue in cues.distance:
        if cue.bearing_deg is None:
            off = abs(haversine_km(place.lat, place.lon, cue.anchor_lat, cue.anchor_lon) - cue.km)
        else:
            target = destination(cue.anchor_lat, cue.anchor_lon, cue.km, cue.bearing_deg)
            off = haversine_km(place.lat, place.lon, *target)
        score += W_DISTANCE_CUE * math.exp(-off / max(15.0, cue.km * 0.3))
    return score


def rank(query: str, candidates: Sequence[Candidate], cues: Cues, method: str = "exact",
         query_key: str | None = None) -> Resolution:
    """Rank candidates by their combined signals and decide resolved, ambiguous or unresolved.

    `query_key` is normalize(query), when the caller has it already.
    """
    if query_key is None:
        query_key = normalize(query)
    rows = ((c.place, c.is_primary, c.admin_seat, c.system, c.support, c.native) for c in candidates)
    return rank_priors(query, prior_scores(query_key, rows, cues.focus), cues, method)


def _rank_order(scored: tuple[Place, float]) -> tuple[float, int, str]:
    place, score = scored
    return -score, -place.population, str(place.geonameid)


def rank_priors(query: str, priors: Sequence[tuple[Place, float]], cues: Cues, method: str = "exact") -> Resolution:
    """Rank places by their prior scores (see `prior_scores`, with `cues.focus`) plus the cues' terms."""
    if not priors:
        return Resolution(query, "unresolved", None, (), method)
    areas = cues.within
    if areas and any(a.anchor for a in areas):
        # "near Stepove" says where other names are, not where Stepove is.
        key = _canonical_key(query)
        areas = tuple(a for a in areas if not a.anchor or _canonical_key(a.anchor) != key)
    if areas:
        kept = [(place, prior) for place, prior in priors if inside(place, areas)]
        if not kept:  # only namesakes outside the region the text names: no answer, never one of them
            outside = sorted(((p, _with_cues(s, p, cues)) for p, s in priors), key=_rank_order)
            return _resolution(query, "unresolved", None, tuple(outside[:10]), method)
        priors = kept
    if len(priors) == 1:  # the common case: nothing to sort, nothing to tell apart
        place, prior = priors[0]
        return _resolution(query, "resolved", place, ((place, _with_cues(prior, place, cues)),), method)
    scored = [(place, _with_cues(prior, place, cues)) for place, prior in priors]
    scored.sort(key=_rank_order)
    best, best_score = scored[0]
    status = "resolved"
    # The more places share a name closely (Mykolaivka, Vasylivka ...), the less a lead in population proves.
    homonyms = 0
    for place, score in scored:
        if best_score - score > HOMONYM_SCORE_RANGE:
            break  # the scores only fall from here
        # Villages without a population figure raise the bar for a village, not for a town: "Kostiantynivka" alone
        # is the town of 67,000, whatever the number of villages of that name.
        if (not cues.countries or place.country in cues.countries) and (
                place.source not in UNCOUNTED_SOURCES or best.population < TOWN_POPULATION):
            homonyms += 1
    margin = AMBIGUOUS_MARGIN * min(MAX_MARGIN_FACTOR, 1.0 + HOMONYM_MARGIN_STEP * max(0, homonyms - 2))
    for other, other_score in scored[1:]:
        if best_score - other_score >= margin:
            break
        if haversine_km(best.lat, best.lon, other.lat, other.lon) > AMBIGUOUS_KM:
            status = "ambiguous"
            break
    return _resolution(query, status, best, tuple(scored[:10]), method)


NEIGHBOUR_KM = 30.0  # a namesake this close to a place named beside it is the one meant ...
STRANGER_KM = 60.0  # ... when every other namesake lies farther than this from all of them
CLOSER_RATIO = 2.5  # ... or the next one lies this many times farther
TOWN_OVER_VILLAGE = 20  # ... unless another namesake is a town this many times larger


def settle_by_neighbours(resolution: Resolution, neighbours: Sequence[tuple[float, float]]) -> Resolution:
    """Decide an ambiguous name by the places named beside it, as an analyst reading a list would.

    "repelled attacks near Torske and Terny": of the Ternys, the one 10 km from Torske is meant. Only one
    candidate may lie within NEIGHBOUR_KM of a neighbour and every other beyond STRANGER_KM of all of them;
    otherwise the resolution is returned as it was.
    """
    if resolution.status != "ambiguous" or not neighbours or not resolution.candidates:
        return resolution
    distances = sorted(((nearest_km(p.lat, p.lon, neighbours), p, s) for p, s in resolution.candidates),
                       key=lambda c: c[0])
    nearest, place, score = distances[0]
    runner_up = distances[1][0] if len(distances) > 1 else float("inf")
    # One namesake beside the list, every other far from it; or one much closer than the next ("Sieverne, west
    # of Avdiivka": the one 12 km away, not the one 33 km away).
    if nearest > NEIGHBOUR_KM or not (runner_up > STRANGER_KM or runner_up >= CLOSER_RATIO * max(nearest, 5.0)):
        return resolution
    if any(p.population >= max(TOWN_OVER_VILLAGE * place.population, 20_000) for _, p, _ in distances[1:]):
        return resolution  # "near Konstantinovka" beside a village of the name: the town is as likely meant
    others = tuple((p, s) for _, p, s in distances if p is not place)
    return _resolution(resolution.query, "resolved", place, ((place, score), *others), resolution.method)


def reconsider_stranger(resolution: Resolution, neighbours: Sequence[tuple[float, float]]) -> Resolution:
    """Read a village the priors resolved far from every place named beside it as `settle_by_neighbours` would.

    "repelled attacks near Yunakivka, Oleksiivka and Kindrativka": the Kindrativka 10 km from Yunakivka, not a
    larger one 300 km away. A town of 20,000 or more is left as it is ("captured Kupiansk and Bakhmut").
    """
    best = resolution.best
    if (resolution.status != "resolved" or best is None or not neighbours or best.population >= 20_000
            or nearest_km(best.lat, best.lon, neighbours) <= STRANGER_KM):
        return resolution
    settled = settle_by_neighbours(replace(resolution, status="ambiguous"), neighbours)
    return settled if settled.status == "resolved" and settled.best is not best else resolution
