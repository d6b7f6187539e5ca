"""The change detector: sentences with place names -> control-change events.

Each sentence is turned into a template in which every candidate place name becomes `§`; patterns of the
press (active and passive voice, appositives, nominalizations, coordination, flags, movement, withdrawal,
fighting) are matched around each `§`. Sides come from the actor lexicon (geo/data/actors.json), dates
from geo.dates, and modality (claims, denials, intentions, negation) from cue words before the trigger.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from gazetteer.disambiguate import Cues, Resolution
from gazetteer.gazetteer import Gazetteer
from gazetteer.place import Place

from .actors import Actor, ActorLexicon, other_side
from .assemble import OLD_YEAR, WAR_START, make_event, merge_article_events
from .coreference import Salience, definite_places, named_for_itself, with_coreferents
from .cues import (
    BARE_INSTITUTION,
    DENIAL,
    ENEMY,
    FALSE_CLAIM,
    FORECAST_SENTENCE,
    INSTITUTION_HINT,
)
from .dates import find_dates, latest_full_date
from .discourse import article_voice, join_announced_lists, narrative_years
from .factor import compile_factored, source_of, word_prefixes
from .grammar import TRIGGER_HINT, lower_re
from .hits import Hit
from .mentions import MentionReader, NameMention, Template, names_a_unit, names_placed_in_regions
from .model import Article, Event, UnresolvedName
from .placing import PlaceReader
from .text import Sentence, lower_same_length, split_sentences
from .timeline import side_of_country
from .triggers import TriggerReader

_MAX_WAITING = 16  # sentences whose actors may wait to be found, one after the other


def _within_lines(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """Return `pattern` with its spaces kept from matching a line break (no match across two sentences)."""
    if re.search(r"\[[^\]]*\\s", pattern.pattern):
        raise ValueError(f"pattern has \\s in a character class: {pattern.pattern[:60]!r}")
    return compile_factored(source_of(pattern).replace(r"\s", r"[^\S\n]"), pattern.flags)


def _lines_matching(pattern: re.Pattern[str], text: str, starts: list[int],
                    prefixes: tuple[str, ...] | None = None) -> set[int]:
    """Return the numbers of the lines of `text` (beginning at `starts`) in which `pattern` matches.

    `prefixes` (see `word_prefixes`): the pattern is tried only where one of them occurs.
    """
    found: set[int] = set()
    if prefixes is not None:
        for prefix in prefixes:
            at = text.find(prefix)
            while at >= 0:
                line = bisect.bisect_right(starts, at) - 1
                if line not in found and pattern.match(text, at):
                    found.add(line)
                at = text.find(prefix, at + 1)
        return found
    pos = 0
    while m := pattern.search(text, pos):
        line = bisect.bisect_right(starts, m.start()) - 1
        found.add(line)
        if line + 1 == len(starts):
            break
        pos = starts[line + 1]  # the next line: one match is enough
    return found

# Attacks "toward" a village, advances "northwest of" it, are fought at it; "toward" or "south of" a town of this
# size or more name an aim or a stretch of front further off ("advance south of Kharkiv").
TOWARD_TOWN_POPULATION = 15_000


@dataclass(frozen=True, slots=True)
class ArticleFindings:
    """What the detector found in one article."""

    events: tuple[Event, ...] = ()
    unresolved: tuple[UnresolvedName, ...] = ()
    mentions: int = 0


class _Later:
    """A side found when first asked for: the side of a sentence's last actor, else the one before it."""

    __slots__ = ("_find", "_side", "_found", "_waiting")

    def __init__(self, find: Callable[[], str | None], before: str | _Later | None = None) -> None:
        self._find = find
        self._side: str | None = None
        self._found = False
        # How many sides not yet found this one may ask for in turn: kept short, so no deep recursion.
        self._waiting: int = before._waiting + 1 if isinstance(before, _Later) and not before._found else 0
        if self._waiting >= _MAX_WAITING:
            self.value()

    def value(self) -> str | None:
        if not self._found:
            self._side, self._found = self._find(), True
            self._waiting = 0
        return self._side


_Side = str | None | _Later


def _side_now(side: _Side) -> str | None:
    """Return a side, finding it now when it waits in a _Later."""
    return side.value() if isinstance(side, _Later) else side


class _LazyActors(Sequence[Actor]):
    """The actors of a sentence, found when first used."""

    def __init__(self, find: Callable[[], list[Actor]]) -> None:
        self._find = find
        self._actors: list[Actor] | None = None

    def load(self) -> list[Actor]:
        if self._actors is None:
            self._actors = self._find()
        return self._actors

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self.load()[index]

    def __len__(self) -> int:
        return len(self.load())

    def __iter__(self) -> Iterator[Actor]:
        return iter(self.load())

    def __reversed__(self) -> Iterator[Actor]:
        return reversed(self.load())


class _Again:
    """A sentence's reading, kept to read it once more when a later sentence settles one of its names."""

    __slots__ = ("detector", "args")

    def __init__(self, detector: Detector, args: tuple) -> None:  # type: ignore[type-arg]
        self.detector, self.args = detector, args

    @property
    def mentions(self) -> list[NameMention]:
        return self.args[2]  # type: ignore[no-any-return]

    def __call__(self) -> tuple[list[Event], list[UnresolvedName]]:
        found, names, _side = self.detector._sentence_events(*self.args)
        return found, names


class Detector(TriggerReader, MentionReader, PlaceReader):
    """Find control changes in articles with a gazetteer and an actor lexicon."""

    def __init__(self, gazetteer: Gazetteer, lexicon: ActorLexicon | None = None) -> None:
        self.gazetteer = gazetteer
        self.lexicon = lexicon or ActorLexicon.load()
        self._name_group_memo: dict[str, list[list[tuple[int, str]]]] = {}
        self._families_memo: dict[str, tuple[str, ...]] = {}
        self._settled: dict[str, Resolution] = {}  # the article's names as their sentences settled them

    # -- articles ---------------------------------------------------------------------------------------
    def detect(self, article: Article) -> ArticleFindings:
        """Return the events and unresolved names of one article."""
        sentences = join_announced_lists(split_sentences(article.text))
        if not sentences:
            return ArticleFindings()
        # One pass over the whole article for names and cue words, split by sentence afterwards: a line
        # break stops every name, word and pattern at the sentence's end.
        lines = "\n".join(s.text for s in sentences)
        starts = list(itertools.accumulate((len(s.text) + 1 for s in sentences[:-1]), initial=0))
        spots_by_sentence: list[list[tuple[int, int, str]]] = [[] for _ in sentences]
        for sp in self.gazetteer.spot(lines):
            i = bisect.bisect_right(starts, sp.start) - 1
            spots_by_sentence[i].append((sp.start - starts[i], sp.end - starts[i], sp.surface))
        lower_lines = lower_same_length(lines)
        with_trigger = _lines_matching(TRIGGER_HINT, lower_lines, starts)
        with_institution = _lines_matching(_INSTITUTION_HINT_LINES, lower_lines, starts, _INSTITUTION_PREFIXES)
        with_history = _lines_matching(_HISTORY_LINES, lower_lines, starts, _HISTORY_PREFIXES)
        context: list[tuple[float, float]] = []
        body = " ".join(s.text for s in sentences)
        regions = self.gazetteer.region_cues(body)
        base = replace(self.gazetteer.default_cues(), regions=regions)
        cache: dict[str, Resolution] = {}
        for spots in spots_by_sentence:
            for _a, _b, surface in spots:
                if surface not in cache:
                    cache[surface] = self.gazetteer.resolve(surface, base, fuzzy=False)
                res = cache[surface]
                if res.status == "resolved" and res.best and len(res.candidates) == 1:
                    context.append((res.best.lat, res.best.lon))
        cues = replace(base, context_points=tuple(dict.fromkeys(context)))
        regions_said = {name: region for name, said in names_placed_in_regions(body).items()
                        if (region := self.gazetteer.region_of(said))}
        # An undated article's "on Tuesday" is read against the latest day it names in full.
        reference = article.published or latest_full_date(article.text)
        narrative = narrative_years(sentences, reference)
        # The side that writes: "the enemy" is the other side (read from the outlet and the article's wording),
        # and a "liberated" with no one named as doing it is the outlet's own side's (an outlet of either side
        # only: a neutral one quotes both ministries).
        outlet_side = article_voice(article.outlet, "")
        self._writer_side = lambda: outlet_side
        enemy = other_side(article_voice(article.outlet, body)) if "enemy" in lower_lines else None

        # One sense per article: a name its sentence's cues settle is the same place where another sentence
        # leaves it ambiguous; a name settled only later is read again in a second pass.
        self._settled = {}
        read = self._read(article, sentences, spots_by_sentence, with_trigger, with_institution, with_history, cues,
                          cache, regions_said, enemy, reference, narrative)
        # The sentences that left a name ambiguous which a later sentence settled are read again, each with the
        # actors and institutions it was first read with.
        for number, (_found, names, again) in list(read.items()):
            if any(u.status == "ambiguous" and u.surface in self._settled for u in names):
                read[number] = (*again(), again)
        events = [e for found, _names, _again in read.values() for e in found]
        unresolved = [u for _found, names, _again in read.values() for u in names]
        n_mentions = sum(len(again.mentions) for _f, _n, again in read.values())
        return ArticleFindings(tuple(merge_article_events(events)), tuple(unresolved), n_mentions)

    def _read(self, article: Article, sentences: list[Sentence], spots_by_sentence: list[list[tuple[int, int, str]]],
              with_trigger: set[int], with_institution: set[int], with_history: set[int], cues: Cues,
              cache: dict[str, Resolution], regions_said: dict[str, tuple[str, str]], enemy: str | None,
              reference: dt.date | None, narrative: list[int | None],
              ) -> dict[int, tuple[list[Event], list[UnresolvedName], _Again]]:
        """Return, by sentence read, its events, its unresolved names and how to read it again."""
        read: dict[int, tuple[list[Event], list[UnresolvedName], _Again]] = {}
        previous_side: _Side = None
        skipped_since = 0  # first sentence not yet read for actors
        # "ministry" -> side, from the article's earlier "Russian defence ministry"; sentences naming an
        # institution wait in `pending` until a bare "the ministry" needs them.
        institutions: dict[str, str] = {}
        pending: list[str] = []
        salience = Salience()  # the settlements told of so far, for "the town"
        previous: list[str] = []  # those of the sentence before

        def place_of(surface: str) -> Place | None:
            res = self._settled.get(surface) or cache.get(surface)
            return res.best if res is not None and res.status in ("resolved", "ambiguous") else None

        def is_place(surface: str) -> bool:
            return place_of(surface) is not None

        def fits(surface: str, noun: str) -> bool:  # "the village" is no city of half a million
            place = place_of(surface)
            return place is not None and (noun != "village" or place.population < 50_000)

        # "the town" needs the settlements told of before it: counted only in articles that say such a phrase.
        definite = bool(sentences) and bool(definite_places("\n".join(s.text for s in sentences)))
        for number, (s, spots) in enumerate(zip(sentences, spots_by_sentence, strict=True)):
            if number in with_institution:
                pending.append(s.text)
            if number in with_trigger:
                mentions = self._mentions(s.text, spots)
                if definite:
                    mentions = with_coreferents(s.text, mentions, salience, number, fits,
                                                previous[0] if len(previous) == 1 else None)
            if definite:
                previous = list(dict.fromkeys(surface for a, b, surface in spots if is_place(surface)
                                              and not names_a_unit(s.text, b) and named_for_itself(s.text, a, b)))
                for surface in previous:
                    salience.add(surface, number)
            if number not in with_trigger:
                continue
            if not mentions:
                continue
            if self.lexicon.has_pronoun_actor(s.text):
                # "its troops" may refer to an actor of the sentences skipped since the last one read.
                for earlier in reversed(sentences[skipped_since:number]):
                    last = [a for a in self.lexicon.find(earlier.text) if not a.locative]
                    if last:
                        previous_side = last[-1].side
                        break
            skipped_since = number + 1
            again = _Again(self, (article, s, mentions, cues, previous_side, (dict(institutions), list(pending)),
                                  number in with_history, regions_said, cache, enemy,
                                  (reference, narrative[number])))
            found, names, previous_side = self._sentence_events(article, s, mentions, cues, previous_side,
                                                                (institutions, pending), number in with_history,
                                                                regions_said, cache, enemy,
                                                                (reference, narrative[number]))
            read[number] = (found, names, again)
        return read

    def _sentence_events(self, article: Article, s: Sentence, mentions: list[NameMention], cues: Cues,
                         previous_side: _Side, memory: tuple[dict[str, str], list[str]] | None = None,
                         historical: bool = False, regions_said: dict[str, tuple[str, str]] | None = None,
                         known: Mapping[str, Resolution] | None = None, enemy: str | None = None,
                         dating: tuple[dt.date | None, int | None] | None = None,
                         ) -> tuple[list[Event], list[UnresolvedName], _Side]:
        """Return the events and unresolved names of a sentence, and the side its last actor stands for.

        `historical`: the sentence names a war of the past (the article reader finds those sentences).
        `regions_said`: the region (country, admin1) the article places a name in, anywhere in its text.
        `known`: the article's names already resolved without sentence cues (the neighbours of a list).
        `enemy`: the side "the enemy" stands for in this article (the other side of its voice), if known.
        `dating`: the day relative dates are read against (the publication date, or for an undated article the
        latest day it names) and the earlier year the text is telling of here, if any.
        """
        reference, narrative_year = dating or (article.published, None)
        tmpl = self._template(s.text, mentions)
        institutions = bool(memory and BARE_INSTITUTION.search(tmpl.lower))  # "the ministry said"
        find_actors = self._actor_finder(tmpl, memory if institutions else None, enemy, previous_side)

        # Most sentences match no pattern and need their actors only if a later "its troops" asks for the
        # side of the last one: found then. The institution memory changes as the article is read: at once.
        actors = _LazyActors(find_actors)
        if institutions:
            actors.load()

        def side_of_last_actor() -> str | None:
            for actor in reversed(actors):
                if not actor.locative:
                    return actor.side
            return _side_now(previous_side)

        last_side = _Later(side_of_last_actor, previous_side)
        if s.text.rstrip().endswith("?") or historical:
            return [], [], last_side
        # "Kyiv denied that Russian troops had captured X": the change is one side's claim, the denial its evidence.
        denied = bool(DENIAL.search(tmpl.lower))
        # Resolve only the names that patterns make candidates: cheap sentences stay cheap.
        for m in mentions:
            m.resolution = None
        hits = self._hits(tmpl, mentions, actors)
        if not hits:
            return [], [], last_side
        self._resolve_candidates(s.text, mentions, {h.mention for h in hits}, cues, known or {})
        if any(m.resolution and m.resolution.best and side_of_country(m.resolution.best.country) != "UA"
               for m in mentions):
            hits = self._hits(tmpl, mentions, actors)  # again: a place's country decides captured vs retaken
        if denied:
            hits = [replace(h, claimed=True) for h in hits]
        foreseen = FORECAST_SENTENCE.search(tmpl.lower) if hits else None
        if foreseen:  # what follows "we expect", "in the coming weeks" is foreseen
            hits = [h for h in hits if h.trigger_pos < foreseen.start()]
        false_claim = FALSE_CLAIM.search(tmpl.lower) if hits else None
        if false_claim:  # "officials continue to falsely claim that Russian forces seized X": it did not happen
            hits = [h for h in hits if h.cls == "contested" or h.trigger_pos < false_claim.start()]
        events, unresolved = self._events_of(article, s, tmpl, mentions, hits, cues, regions_said,
                                             (reference, narrative_year))
        return events, unresolved, last_side



    def _actor_finder(self, tmpl: Template, memory: tuple[dict[str, str], list[str]] | None, enemy: str | None,
                      previous_side: _Side) -> Callable[[], list[Actor]]:
        """Return how to find a sentence's actors: the lexicon's, "the ministry" the article named before,
        "the enemy" as the other side of the article's voice, and pronouns ("its troops", "our units")."""

        def find_actors() -> list[Actor]:
            actors = self.lexicon.find(tmpl.text)
            if memory:
                actors = sorted(actors + self._bare_institutions(tmpl.lower, actors, memory), key=lambda a: a.start)
            if enemy and "enemy" in tmpl.lower:
                foes = [Actor(m.start(), m.end(), enemy, m.group()) for m in ENEMY.finditer(tmpl.lower)
                        if not any(a.start < m.end() and m.start() < a.end for a in actors)]
                actors = sorted(actors + foes, key=lambda a: a.start)
            if self.lexicon.has_pronoun_actor(tmpl.text):
                pronouns = self.lexicon.pronoun_actors(tmpl.text, actors, _side_now(previous_side))
                ours = [a for a in pronouns if a.text.lower().startswith("our ")]
                if ours:
                    # '"Our units liberated X," the General Staff said': "our" is the speaker's side; without a
                    # named speaker it is nobody's (the previous sentence's side would be a guess too far).
                    speaker = self._speaker_after(tmpl.lower, 0, actors)
                    pronouns = [a for a in pronouns if a not in ours]
                    if speaker:
                        pronouns += [replace(a, side=speaker) for a in ours]
                actors = sorted(actors + pronouns, key=lambda a: a.start)
            return actors

        return find_actors

    def _events_of(self, article: Article, s: Sentence, tmpl: Template, mentions: list[NameMention], hits: list[Hit],
                   cues: Cues, regions_said: dict[str, tuple[str, str]] | None,
                   dating: tuple[dt.date | None, int | None]) -> tuple[list[Event], list[UnresolvedName]]:
        """Return the events of a sentence's hits at the places they resolved to, and the names left unresolved."""
        reference, narrative_year = dating
        dates = find_dates(s.text, reference, narrative_year)
        old_years = [m.start() for m in OLD_YEAR.finditer(s.text)]
        events: list[Event] = []
        unresolved: list[UnresolvedName] = []
        for hit in hits:
            mention = mentions[hit.mention]
            if mention.coreferent and hit.cls == "contested":
                continue  # "fighting for the town": told of the place the article is about, most often already
            res = mention.resolution
            refused = self._refusal(mention, res, cues, s.text, regions_said)
            if refused == "region":
                continue  # "Kharkiv region" is the oblast, not the city
            if refused or res is None or res.best is None:
                kind_side = "contested" if hit.cls == "contested" else f"{hit.side}"
                unresolved.append(UnresolvedName(mention.surface, article.id, s.text, refused or "unresolved",
                                                 res.candidates[:5] if res else (), f"{hit.cls} {kind_side}".strip()))
                continue
            place = res.best
            if hit.toward and place.population >= TOWARD_TOWN_POPULATION:
                continue  # "pushing toward Sloviansk": an aim tens of kilometres away, not fighting at the town
            anchor = tmpl.sentence_pos(hit.trigger_pos)
            event = make_event(article, s, mention, place, hit, dates, res.method, anchor, reference)
            if event.date and event.date < WAR_START or (event.date_note == "publication date"
                                                          and any(abs(y - anchor) <= 80 for y in old_years)):
                continue  # a change before this war ("liberated Kharkiv in August 1943", "fell in 1855")
            events.append(event)
        return events, unresolved

# Wars and armies of the past: their captures and sieges are history whatever date the sentence carries.
_HISTORY = lower_re(r"\b(?:second\s+world\s+war|first\s+world\s+war|world\s+war\s+(?:i|ii|one|two|1|2)|ww\s?ii?|"
                    r"great\s+patriotic\s+war|crimean\s+war|civil\s+war\s+of\s+19\d\d|red\s+army|wehrmacht|"
                    r"soviet\s+(?:troops|forces|army|soldiers|armies)|ussr|leningrad|stalingrad|napoleon\w*|bolsheviks?|white\s+army|ottoman\w*|tsarist)\b")

_HISTORY_LINES = _within_lines(_HISTORY)

_INSTITUTION_HINT_LINES = _within_lines(INSTITUTION_HINT)

# Rare words: finding them with str.find and trying the pattern there beats a regex scan of the article.
_HISTORY_PREFIXES = word_prefixes(source_of(_HISTORY))

_INSTITUTION_PREFIXES = word_prefixes(source_of(INSTITUTION_HINT))

