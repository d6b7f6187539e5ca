"""The Gazetteer facade: spot names in text, resolve them with cues, fall back to fuzzy or online."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .disambiguate import Cues, Resolution, prior_scores, rank, rank_priors
from .errors import OnlineLookupError
from .index import IndexSource, NameIndex, Progress, _stderr
from .normalize import normalize
from .place import Candidate, Place, nearest_km
from .regions import REGION_NAMES
from .text_cues import TextCues, _Units

if TYPE_CHECKING:  # geopy takes 0.3 s to import: only `--online` pays for it
    from .online import OnlineGeocoder

__all__ = ["Gazetteer", "Spot", "DEFAULT_COUNTRIES", "FUZZY_THRESHOLD", "REGION_ONLY_NAMES", "remember"]

K = TypeVar("K")
V = TypeVar("V")

# The theatre of the war: names are spotted in running text only for places of these countries
# (and the user's own entries); `geocode` looks worldwide.
DEFAULT_COUNTRIES = ("UA", "RU")
# The centre of the theatre's fighting (Donbas), a weak prior among same-named villages; None elsewhere.
DEFAULT_FOCUS = (48.3, 37.0)
FUZZY_THRESHOLD = 92.0  # rapidfuzz ratio; below it a near-miss spelling stays unresolved
FUZZY_CONTEXT_KM = 50.0  # a fuzzy match must lie this close to the article's other places
FUZZY_MIN_LENGTH = 6
MAX_NAME_TOKENS = 4
MEMO_SIZE = 20_000  # entries of each in-process memo before it is emptied (bounded memory)

_TOKEN = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*", re.UNICODE)
# The tokens of _TOKEN that may start with a capital. The class first lets the regex engine skip ahead
# to A-Z or a non-ASCII character; the look-behinds then keep a letter where _TOKEN's left-to-right scan
# starts a token (not after a letter, nor after a letter and an apostrophe); str.isupper sorts out the
# non-ASCII starts.
_CAP_TOKEN = re.compile(
    r"[A-Z\u00c0-\U0010ffff](?<=[^\W\d_])(?<![^\W\d_].)(?<![^\W\d_]['’ʼ].)[^\W\d_]*+(?:['’ʼ][^\W\d_]+)*+"
)
# The same tokens in ASCII text, where the letters are [A-Za-z] and the only apostrophe is "'": simpler
# classes make the scan faster.
_ASCII_CAP_TOKEN = re.compile(r"[A-Z](?<![A-Za-z].)(?<![A-Za-z]'.)[A-Za-z]*+(?:'[A-Za-z]+)*+")
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
# "the Kherson regional council" places the article in the Kherson region as "the Kherson region" does.


# Names that stand for a region, not a point: the city was renamed and the region kept the name
# (Dnipropetrovsk -> Dnipro and Kirovohrad -> Kropyvnytskyi in 2016, their oblasts did not change), or the
# name was never a settlement's (Donbas). Resolving one gives status "region", never a point.
REGION_ONLY_NAMES = frozenset({
    "donbas", "donbass", "donbasi", "dnipropetrovsk", "dnepropetrovsk", "dnipropetrovshchyna", "kirovohrad",
    "kirovograd", "donechchyna", "luhanshchyna", "kharkivshchyna", "zaporizhzhia region", "slobozhanshchyna",
})

@dataclass(frozen=True, slots=True)
class Spot:
    """A span of text that is a known name of places in the theatre."""

    start: int
    end: int
    surface: str
    key: str


class Gazetteer(TextCues):
    """Names to places: exact variants first, then a strict fuzzy match, never a substring."""

    def __init__(self, index: NameIndex, countries: Sequence[str] = DEFAULT_COUNTRIES,
                 online: OnlineGeocoder | None = None) -> None:
        self.index = index
        self.countries = tuple(countries)
        self.focus = DEFAULT_FOCUS if set(self.countries) <= set(DEFAULT_COUNTRIES) else None
        self.online = online
        self._default_cues = Cues(countries=self.countries, focus=self.focus)
        self.online_errors: list[str] = []
        self._spotter: frozenset[str] | None = None
        self._prefixes: frozenset[str] = frozenset()
        self._fuzzy_keys: dict[tuple[str, int], list[str]] | None = None
        self._fuzzy_pools: dict[tuple[str, int], list[str]] = {}
        # Memos of pure lookups, each bounded by MEMO_SIZE: a newsroom archive repeats its names.
        self._keys: dict[str, str] = {}  # text -> normalize(text), for tokens and names alike
        self._starts: dict[str, bool] = {}
        self._fuzzy_memo: dict[str, str | None] = {}
        self._resolutions: dict[tuple[str, Cues, bool], Resolution] = {}
        # The default cues' resolutions by name, without and with fuzzy matching: no Cues to hash, no tuple
        # to build on the common path.
        self._default_resolutions: tuple[dict[str, Resolution], dict[str, Resolution]] = ({}, {})
        # Each exact key's places with their prior scores (see prior_scores), by key and focus: the same name
        # comes again with other cues (another article's places).
        self._priors: dict[tuple[str, tuple[float, float] | None], tuple[tuple[Place, float], ...]] = {}
        self._region_cache: dict[str, tuple[str, str] | None] = {}
        self._units: _Units | None = None

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
    def spotter(self) -> frozenset[str]:
        """Return the in-memory key table of the theatre, loaded on first use."""
        if self._spotter is None:
            self._spotter = self.index.spotter_key_set(self.countries, self.focus)
            # Every leading run of words of a key ("novo", "novo oleksandrivka"): a span that is not one
            # cannot grow into a key, so spotting stops extending it.
            prefixes = set()
            for key in self._spotter:
                cut = key.find(" ")
                while cut != -1:
                    prefixes.add(key[:cut])
                    cut = key.find(" ", cut + 1)
            self._prefixes = frozenset(prefixes)
        return self._spotter

    def _can_start(self, word: str) -> bool:
        # Whether a name of the table, or a longer span, may begin with this word (most words: no).
        key = self._key(word)
        found = key in self._spotter or key in self._prefixes  # type: ignore[operator]
        if not found and word.endswith(_POSSESSIVE):
            found = self._key(word[:-2]) in self._spotter  # type: ignore[operator]
        remember(self._starts, word, found)
        return found

    def spot(self, text: str) -> list[Spot]:
        """Find capitalized names of theatre places in one pass over the tokens, longest match first.

        A span of tokens joined by single spaces or hyphens has the key of its tokens' keys joined by
        spaces, so each token is normalized once (memoized) and a span grows only while it is the
        beginning of some key.
        """
        table = self.spotter
        prefixes = self._prefixes
        if text.isascii():
            caps = list(_ASCII_CAP_TOKEN.finditer(text))
        else:
            caps = [m for m in _CAP_TOKEN.finditer(text) if m.group()[0].isupper()]
        spots: list[Spot] = []
        n_caps = len(caps)
        resume = 0  # tokens before this offset belong to the previous spot
        starts = self._starts
        for c, first in enumerate(caps):
            can_start = starts.get(first.group())
            if can_start is False:
                continue  # the common case: a capitalized word that begins no name
            start = first.start()
            if start < resume or not (can_start or self._can_start(first.group())):
                continue
            found: tuple[int, int, str] | None = None  # (end of the last token, end of the name, key)
            joined = ""
            token = first
            nxt = c + 1  # the next capitalized token not yet used
            for j in range(MAX_NAME_TOKENS):
                word = token.group()
                token_end = token.end()
                before = joined
                joined = _join(before, self._key(word))
                if word.endswith(_POSSESSIVE):
                    key, name_end = _join(before, self._key(word[:-2])), token_end - 2
                else:
                    key, name_end = joined, token_end
                if key in table:
                    found = (token_end, name_end, key)
                # A key itself may still grow by a word with an empty key ("Simerky-ʼ"), as normalize() has it.
                if j + 1 == MAX_NAME_TOKENS or (joined not in prefixes and joined not in table):
                    break
                gap = text[token_end:token_end + 1]
                if nxt < n_caps and caps[nxt].start() == token_end + 1 and gap in (" ", "-"):
                    token = caps[nxt]
                    nxt += 1
                elif gap == "-":
                    following = _TOKEN.match(text, token_end + 1)
                    if following is None:
                        break
                    token = following
                else:
                    break
            if found and self._stands_alone(text, caps, c, found[0]):
                last_end, name_end, key = found
                spots.append(Spot(start, name_end, text[start:name_end], key))
                resume = last_end
        return spots

    @staticmethod
    def _stands_alone(text: str, caps: list[re.Match[str]], c: int, last_end: int) -> bool:
        # A place name inside a longer run of capitalized words is part of another name. Only a
        # capitalized neighbour one space away counts, and every capitalized token is in `caps`.
        start = caps[c].start()
        if c > 0 and caps[c - 1].end() == start - 1 and text[start - 1] == " ":
            if caps[c - 1].group().lower() not in NEIGHBOUR_WORDS:
                return False
        if text[last_end:last_end + 1] == " ":
            for k in range(c + 1, len(caps)):
                if caps[k].start() > last_end + 1:
                    break
                if caps[k].start() == last_end + 1 and caps[k].group().lower() not in NEIGHBOUR_WORDS:
                    return False
        return True

    # -- lookup -----------------------------------------------------------------------------------
    def candidates(self, name: str) -> list[Candidate]:
        """Return every place carrying `name` exactly (after normalization)."""
        return self.index.candidates(self._key(name))

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = normalize(text)
            remember(self._keys, text, key)
        return key

    def fuzzy_key(self, name: str) -> str | None:
        """Return the theatre key closest to `name` when it is near enough to be the same spelling."""
        key = self._key(name)
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        if key in self._fuzzy_memo:
            return self._fuzzy_memo[key]
        from rapidfuzz import fuzz, process

        # Same first letter and similar length: a whole-word spelling variant, never a substring. The
        # pool is sorted, so that among equal scores the first key in alphabetical order wins.
        pool = self._fuzzy_pool(key[:1], len(key))
        match = process.extractOne(key, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        found = match[0] if match else None
        remember(self._fuzzy_memo, key, found)
        return found

    def load_tables(self) -> None:
        """Load the name tables lookups need, so that worker processes forked afterwards share them."""
        _ = self.spotter
        self._fuzzy_keys_by_start()

    def _fuzzy_keys_by_start(self) -> dict[tuple[str, int], list[str]]:
        if self._fuzzy_keys is None:
            by_start: dict[tuple[str, int], list[str]] = {}
            for k in self.spotter:
                by_start.setdefault((k[:1], len(k)), []).append(k)
            self._fuzzy_keys = by_start
        return self._fuzzy_keys

    def _fuzzy_pool(self, first: str, length: int) -> list[str]:
        pool = self._fuzzy_pools.get((first, length))
        if pool is None:
            keys = self._fuzzy_keys_by_start()
            pool = sorted(k for size in range(length - 2, length + 3)
                          for k in keys.get((first, size), ()))
            self._fuzzy_pools[(first, length)] = pool
        return pool

    def default_cues(self) -> Cues:
        """Return the cues every lookup starts from: the theatre's countries and focus point."""
        return self._default_cues

    def resolve(self, name: str, cues: Cues | None = None, *, fuzzy: bool = True) -> Resolution:
        """Resolve a name: exact variants, then (when allowed) a strict fuzzy match in the theatre.

        A fuzzy match is accepted only near the other places of its text; with no such context it is
        reported as ambiguous, so that a look-alike far away is never taken for the place.
        """
        if cues is None:
            memo = self._default_resolutions[1 if fuzzy else 0]
            found = memo.get(name)
            if found is None:
                found, final = self._resolve(name, self._default_cues, fuzzy)
                if final:
                    remember(memo, name, found)
            return found
        memo_key = (name, cues, fuzzy)
        cached = self._resolutions.get(memo_key)
        if cached is not None:
            return cached
        result, final = self._resolve(name, cues, fuzzy)
        if final:  # the online fallback has side effects (errors, its own cache): never memoized
            remember(self._resolutions, memo_key, result)
        return result

    def _resolve(self, name: str, cues: Cues, fuzzy: bool) -> tuple[Resolution, bool]:
        key = self._key(name)
        if key in REGION_ONLY_NAMES:
            return Resolution(name, "region", None, (), "region"), True
        priors = self.index.theatre_priors(key, cues.focus)
        if priors is None:  # a name outside the theatre table, or another focus
            priors = self._priors.get((key, cues.focus))
            if priors is None:
                priors = prior_scores(key, self.index.candidate_rows(key), cues.focus)
                remember(self._priors, (key, cues.focus), priors)
        if priors:
            return rank_priors(name, priors, cues), True
        near = self.fuzzy_key(name) if fuzzy else None
        if not near:
            return self._online(name, cues), self.online is None
        result = rank(name, self.index.candidates(near), cues, method="fuzzy", query_key=key)
        if result.best is None:
            return result, True
        if not cues.context_points:
            return replace(result, status="ambiguous"), True
        nearest = nearest_km(result.best.lat, result.best.lon, cues.context_points)
        if nearest > FUZZY_CONTEXT_KM:
            return Resolution(name, "unresolved", None, result.candidates, "fuzzy"), True
        return result, True

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
    def seat_region_of(self, name: str) -> tuple[str, str] | None:
        """Return (country, admin1) of the region whose seat `name` is (Kyiv: the city of Kyiv, 12)."""
        key = normalize(name)
        if key not in self._region_cache:
            seats = [c for c in self.index.candidates(key) if c.admin_seat and c.place.country in self.countries]
            seats.sort(key=lambda c: (not c.is_primary, -c.place.population))  # a seat's own name first
            self._region_cache[key] = (seats[0].place.country, seats[0].place.admin1) if seats else None
        return self._region_cache[key]

    def region_of(self, name: str) -> tuple[str, str] | None:
        """Return (country, admin1) when `name` names a first-order region by its seat (Kharkiv, Kursk).

        A city that is a region of its own stands for the oblast around it: "Kyiv region" is Kyiv Oblast.
        """
        seat = self.seat_region_of(name)
        return _OBLAST_AROUND.get(seat, seat) if seat else None


def _oblasts_around_cities() -> dict[tuple[str, str], tuple[str, str]]:
    """Map a city that is a region of its own (Kyiv, Moscow) to the oblast of the same name around it."""
    by_name = {name: key for key, name in REGION_NAMES.items()}
    return {key: by_name[f"{name} Oblast"] for key, name in REGION_NAMES.items()
            if f"{name} Oblast" in by_name and by_name[f"{name} Oblast"][0] == key[0]}


_OBLAST_AROUND = _oblasts_around_cities()


def remember(memo: dict[K, V], key: K, value: V) -> None:
    """Store `value` in an in-process memo, emptying it first when it holds MEMO_SIZE entries."""
    if len(memo) >= MEMO_SIZE:
        memo.clear()  # bounded memory on a corpus with an endless tail of names
    memo[key] = value


def _join(head: str, word_key: str) -> str:
    # normalize() turns the space or hyphen between two words into one space and drops the ends, so a
    # word whose key is empty (a lone "ʼ", which Unicode counts as a letter) adds nothing.
    if not head:
        return word_key
    return f"{head} {word_key}" if word_key else head
