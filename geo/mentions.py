"""Mentions: the candidate place names of a sentence, and the template in which each becomes `§`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gazetteer.disambiguate import Resolution
from gazetteer.gazetteer import remember

from .actors import ActorLexicon
from .factor import compile_factored
from .grammar import DIRECTION_WORDS, MARK, SEP
from .text import lower_same_length

# The *_AFTER patterns of mentions are tried with match(sentence, end of the place).
_REGION_AFTER = compile_factored(r"\s+(?:regions?|oblasts?|provinces?|districts?|raions?|areas?|governorates?|"
                                 r"direction|axis|sector|front)\b", re.I)

_DIRECTION_AFTER = compile_factored(rf"\s+(?:{DIRECTION_WORDS})\b", re.I)

_PLURAL_DIRECTION_AFTER = compile_factored(r"\s+(?:directions|axes|sectors|fronts|communities|hromadas)\b", re.I)

# "the Yunakivka community", "Khotin hromada": a unit named after its centre, not the settlement itself.
_COMMUNITY_AFTER = compile_factored(r"\s+(?:communit(?:y|ies)|hromadas?)\b", re.I)

_PLURAL_REGION_AFTER = compile_factored(r"\s+(?:regions|oblasts|provinces|districts|areas)\b", re.I)

_SEP_ONLY = compile_factored(rf"^{SEP}$", re.I)

_REPUBLIC_AFTER = compile_factored(r"\s+people['’]?s\s+republic", re.I)

# "Kharkiv forces", "the Kharkiv offensive", "the Yug battlegroup": a side, a unit or an operation named after a place.
_FORCE_AFTER = compile_factored(r"[\"”»']?\s+(?:forces|troops|army|soldiers|units|military|government|authorities|"
                                r"officials|"
                                r"regime|side|-backed|['’]s\s+(?:forces|troops|army)|offensive|counteroffensive|"
                                r"counter-offensive|operations?|command|headquarters|battlegroup|battle\s+group|"
                                r"group\s+of\s+forces|group|grouping|brigade|battalion|regiment|corps)\b", re.I)

# "the Hostomel airport", "the Zaporizhzhia nuclear plant": a site named after the town is not the town.
_FACILITY_AFTER = compile_factored(r"(?:['’]s)?\s+(?:(?:nuclear|power|thermal|hydroelectric|coke|steel|chemical|salt|"
                                   r"treatment)\s+){0,2}"
                                   r"(?:plant|airport|airfield|air\s+base|airbase|dam|bridge|highway|motorway|road|railway|"
                                   r"reservoir|river|canal|mine|refinery|port|harbou?r|garrison|prison|checkpoint|"
                                   r"crossing|border\s+crossing|station|factory|works|steelworks)\b", re.I)

_HELD_BY = compile_factored(r"-(?:held|controlled|occupied|backed|led|installed|appointed|annexed|allied)$", re.I)

_STOP_CAPS = frozenset("""
a an and as at after before but by for from in into of on or over the to with near since while when where this that
these those both around outside inside despite during until under across toward towards through against between
about according meanwhile then also even only including like unlike so yet now today yesterday it its their his her
he she they we our i you monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec president
minister ministry defence defense general staff forces force army deputy secretary governor mayor commander chief head
spokesman spokeswoman foreign prime state department office council security national guard armed navy air ground
command military institute study war isw afp reuters ap bbc cnn telegram twitter facebook x tass ria novosti
interfax eu nato un us usa uk west western eastern southern northern front operation republic people people's oblast
region mr mrs ms dr gen lt col maj capt sgt st kremlin soviet union european western-backed moscow-backed
""".split())

_QUOTES = frozenset("\"“”«»„")

_DROP_QUOTES = str.maketrans(dict.fromkeys(_QUOTES))

_CAP_RUN = compile_factored(r"(?<![\w'’-])([A-Z][\w'’ʼ-]*(?:[ -][A-Z][\w'’ʼ-]*){0,2})")

POSSESSIVE_AFTER = compile_factored(r"^['’]s\s")

APPOSITION_BEFORE = compile_factored(r"§\s*,\s*$")

# "Makiivka, Luhansk Oblast", "Sudzha in the Kursk region": the region the report puts the place in.
REGION_APPOSITION = compile_factored(r"\s*(?:,|\s+in)\s+(?:the\s+)?([A-Z][\w'’-]+)\s+(?:oblast|region|province)\b",
                                      re.I)

# "Storozheve, Makarivka and Neskuchne in the Donetsk region": the article says where each name of the list lies.
_NAME = r"[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)*"

_NAME_LIST_AT_END = compile_factored(rf"(?:{_NAME}(?:\s*,\s*(?:and\s+)?|\s+and\s+))*{_NAME}$")

_LIST_SEPARATOR = compile_factored(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def names_placed_in_regions(text: str) -> dict[str, str]:
    """Return each name an article places in a region by a list ending "in the R region" or ", R Oblast" -> R.

    A name placed in two different regions is left out: the article does not say which one it means.
    """
    placed: dict[str, str] = {}
    doubtful: set[str] = set()
    for match in REGION_APPOSITION.finditer(text):
        names = _NAME_LIST_AT_END.search(text, max(0, match.start() - 300), match.start())
        if not names:
            continue
        for name in _LIST_SEPARATOR.split(names.group()):
            if placed.setdefault(name, match.group(1)) != match.group(1):
                doubtful.add(name)
    return {name: region for name, region in placed.items() if name not in doubtful}

# Words that join capitalised words into one multi-word name ("Freedom of Russia Legion", "Da Vinci Wolves").
_NAME_JOINER = compile_factored(r"[A-Z][\w'’-]*\s+(?:of\s+(?:the\s+)?)?[A-Z]")


def names_a_unit(sentence: str, end: int) -> bool:
    """Return whether the name ending at `end` names a region, a front sector or a community, not a settlement."""
    return bool(_REGION_AFTER.match(sentence, end) or _DIRECTION_AFTER.match(sentence, end)
                or _COMMUNITY_AFTER.match(sentence, end))


@dataclass(slots=True)
class NameMention:
    start: int  # in the sentence
    end: int
    surface: str
    spotted: bool
    region_suffix: bool = False
    direction: bool = False  # "the Pokrovsk direction", "the Khotin community": an axis or a unit, not the town
    resolution: Resolution | None = None
    tpos: int = 0  # position of its mark in the template
    coreferent: bool = False  # "the town" standing for a settlement named before (see coreference)


@dataclass(slots=True)
class Template:
    text: str
    marks: list[int] = field(default_factory=list)
    lower: str = ""  # `text` lower-cased, offsets unchanged: what the patterns read
    sentence: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)  # the sentence spans the marks replace
    origin: list[int] | None = None  # sentence offset of each template character, built when first asked

    def sentence_pos(self, tpos: int) -> int:
        """Return the sentence offset of a template position."""
        if self.origin is None:
            self.origin = self._origin()
        if not self.origin:
            return tpos
        return self.origin[min(max(tpos, 0), len(self.origin) - 1)]

    def _origin(self) -> list[int]:
        # Quote marks are left out of the template; every other character keeps its place.
        origin: list[int] = []
        cursor = 0
        for a, b in [*self.spans, (len(self.sentence), -1)]:
            if _QUOTES.isdisjoint(self.sentence[cursor:a]):
                origin.extend(range(cursor, a))
            else:
                origin.extend(i for i in range(cursor, a) if self.sentence[i] not in _QUOTES)
            if b >= 0:
                origin.append(a)
            cursor = b
        return origin


class MentionReader:
    """Find the candidate place names of a sentence (mixed into the Detector)."""

    lexicon: ActorLexicon
    _name_group_memo: dict[str, list[list[tuple[int, str]]]]

    # -- mentions ---------------------------------------------------------------------------------------
    def _name_groups(self, run: str) -> list[list[tuple[int, str]]]:
        """Split a run of capitalized words at stop words and actor words: the groups that may be names.

        Each group lists (offset in the run, word); "President Zelensky" -> [[(10, "Zelensky")]], "Malaya Loknya"
        stays one group.
        """
        groups = self._name_group_memo.get(run)
        if groups is not None:
            return groups
        groups = []
        current: list[tuple[int, str]] = []
        pos = 0
        for piece in run.split(" ") + [""]:
            word = piece.rstrip("'’ʼ").removesuffix("'s").removesuffix("’s")
            if not word or word.lower() in _STOP_CAPS or self.lexicon.is_actor_word(word) or not word[:1].isupper() \
                    or _HELD_BY.search(word):  # "the Ukrainian-held town of X"
                if current:
                    groups.append(current)
                current = []
            else:
                current.append((pos, word))
            pos += len(piece) + 1
        remember(self._name_group_memo, run, groups)
        return groups

    def _mentions(self, sentence: str, spots: list[tuple[int, int, str]]) -> list[NameMention]:
        # A spot glued to another word by a hyphen is part of a compound name ("Posad-Pokrovske").
        mentions = [NameMention(a, b, s, True) for a, b, s in spots
                    if not (a >= 2 and sentence[a - 1] == "-" and sentence[a - 2].isalpha())
                    and not (sentence[b:b + 1] == "-" and sentence[b + 1:b + 2].isalpha())]
        taken = [(m.start, m.end) for m in mentions]
        for match in _CAP_RUN.finditer(sentence):
            start = match.start()
            for group in self._name_groups(match.group(1)):
                self._add_candidate(sentence, [(start + offset, word) for offset, word in group], taken, mentions)
        # A name inside a longer actor phrase is part of the actor ("the Freedom of Russia Legion").
        # Only a capitalised word that no gazetteer name covers can be such a part: most sentences skip the scan.
        if any(not m.spotted for m in mentions) and _NAME_JOINER.search(sentence):
            spans = [(a.start, a.end) for a in self.lexicon.find(sentence)]
            mentions = [m for m in mentions
                        if not any(a <= m.start and m.end <= b and b - a > m.end - m.start for a, b in spans)]
        mentions.sort(key=lambda m: m.start)
        for m in mentions:
            m.region_suffix = bool(_REGION_AFTER.match(sentence, m.end))
            m.direction = bool(_DIRECTION_AFTER.match(sentence, m.end) or _COMMUNITY_AFTER.match(sentence, m.end))
        # "the Kharkiv and Kherson regions": a plural region word covers the whole coordination.
        plural = False
        for m, nxt in reversed(list(zip(mentions, mentions[1:], strict=False))):
            plural = bool(_PLURAL_REGION_AFTER.match(sentence, nxt.end)) or (plural and nxt.region_suffix)
            if plural and _SEP_ONLY.match(sentence[m.end:nxt.start]):
                m.region_suffix = True
        # "in the Berdiansk and Melitopol directions": so does a plural direction word.
        plural = False
        for m, nxt in reversed(list(zip(mentions, mentions[1:], strict=False))):
            plural = bool(_PLURAL_DIRECTION_AFTER.match(sentence, nxt.end)) or (plural and nxt.direction)
            if plural and _SEP_ONLY.match(sentence[m.end:nxt.start]):
                m.direction = True
        return [m for m in mentions if not _REPUBLIC_AFTER.match(sentence, m.end)
                and not _FORCE_AFTER.match(sentence, m.end) and not _FACILITY_AFTER.match(sentence, m.end)
                and not self.lexicon.is_actor_word(m.surface)]

    @staticmethod
    def _add_candidate(sentence: str, words: list[tuple[int, str]], taken: list[tuple[int, int]],
                       mentions: list[NameMention]) -> None:
        words = [w for w in words if w[1] != "-"]
        if not words:
            return
        start = words[0][0]
        end = words[-1][0] + len(words[-1][1])
        if start == 0 or sentence.endswith(". ", 0, start) or any(start < b and a < end for a, b in taken):
            return  # sentence-initial capitals (also of a sentence joined to the one before) are ordinary words
        if len(sentence[start:end]) < 3:
            return
        taken.append((start, end))
        mentions.append(NameMention(start, end, sentence[start:end], False))

    @staticmethod
    def _template(sentence: str, mentions: list[NameMention]) -> Template:
        out = Template("", sentence=sentence, spans=[(m.start, m.end) for m in mentions])
        pieces: list[str] = []
        length = 0  # of the template so far
        cursor = 0
        for m in mentions:
            chunk = sentence[cursor:m.start].translate(_DROP_QUOTES)
            pieces.append(chunk)
            length += len(chunk)
            m.tpos = length
            out.marks.append(length)
            pieces.append(MARK)
            length += 1
            cursor = m.end
        pieces.append(sentence[cursor:].translate(_DROP_QUOTES))
        out.text = "".join(pieces)
        out.lower = lower_same_length(out.text)
        return out
