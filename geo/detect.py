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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from gazetteer.disambiguate import Cues, Resolution, settle_by_neighbours
from gazetteer.gazetteer import Gazetteer, remember
from gazetteer.place import Place, nearest_km

from .actors import Actor, ActorLexicon, other_side
from .dates import DateMention, find_dates
from .factor import compile_factored, leading_words, source_of, word_prefixes
from .lexicon import default_lexicon
from .model import Article, Event
from .text import Sentence, lower_same_length, split_sentences
from .timeline import side_of_country

__all__ = ["Detector", "ArticleFindings", "UnresolvedName", "event_class"]

MARK = "§"
_WINDOW = 240  # characters before a place name in which its trigger is looked for
_MAX_WAITING = 16  # sentences whose actors may wait to be found, one after the other


_LEX = default_lexicon()


def _lower_re(pattern: str) -> re.Pattern[str]:
    """Compile a pattern that runs on lower-cased text: case-blind matching is several times slower in `re`."""
    bare = re.sub(r"\\[A-Za-z]|\(\?P<\w+>|\(\?P=\w+\)", "", pattern)
    if any(c.isupper() for c in bare):
        raise ValueError(f"pattern for lower-cased text has a capital letter: {pattern[:60]!r}")
    return compile_factored(pattern)


# -- building blocks of the patterns (template space: place names are "§") -------------------------------
_SEP = (r"(?:\s*,\s*(?:and\s+|or\s+)?(?:then\s+|later\s+)?|"  # "X, then Y", "X and later Y"
        r"\s+(?:and|or|&|as\s+well\s+as)\s+(?:then\s+|later\s+|also\s+)?)")
# "Rubizhne, next to Severodonetsk, and Dzerzhynsk": a short locating apposition between two items of a list.
# Not "north of X": between a verb and its object that reads as part of a place (_PARTIAL).
_LOCATING = (r"(?:\s*,\s*(?:(?:next\s+to|near|close\s+to|outside)\s+[^,.;:§]{0,30}?§?|"
             # "Shevchenkove, a district centre west of Kupiansk, and ...", "X, in the neighbouring Y region, and ..."
             r"an?\s+(?:[\w'’-]+\s+){0,3}?(?:village|town|city|settlement|hamlet|district\s+cent(?:re|er)|suburb|hub)"
             r"\b[^,.;:§]{0,30}?§?|in\s+the\s+(?:[\w'’-]+\s+)?§\s+(?:region|oblast|province))(?=\s*,))?")
# "into the town of X ... and into the village of Y": the preposition may be said again after "and".
_COORD_BEFORE = (rf"(?:§(?:\s+(?:regions?|districts?|areas?))?{_LOCATING}{_SEP}"
                 rf"(?:(?<=and\s)(?:into|in|near|around)\s+)?(?:(?:the\s+)?(?:town|city|village|settlement|hamlet)s?\s+of\s+)?)*")
# "captured Avdiivka and Kostiantynivka came under fire": the name after "and" begins a clause of its own.
_NEW_CLAUSE_AFTER = _lower_re(r"\s+(?:came|comes|was|were|is|are|remained|remains|has|have|had|stayed|stays|saw|sees|"
                              r"faced|faces|continued|continues|suffered|suffers|lies|lay)\b")
_VERBAL_FAMILIES = frozenset({"change", "lose", "enter", "withdraw", "fight"})
_NOT_FILLER = r"(?!(?:near|around|outside|of|from|in|into|to|at|by|toward|towards|beyond|behind|close|south|north|" \
              r"east|west|and|or|but|while|which|that|where|with)\b)"
_ADJ = (r"(?:(?:strategic(?:ally\s+important)?|key|central|downtown|eastern|western|southern|northern|north-?eastern|"
        r"south-?eastern|"
        r"north-?western|south-?western|embattled|front-?line|besieged|ruined|devastated|battered|small|nearby|"
        r"important|industrial|coastal|main|largest|russian-occupied|occupied|ukrainian-held|russian-held|"
        r"ukrainian-controlled|russian-controlled|remaining|twin|symbolic|logistics|rail|railway)\s+)*")
_NOUN_OF = (r"(?:city|cities|town|towns|village|villages|settlement|settlements|hamlet|hamlets|suburb|suburbs|"
            r"stronghold|strongholds|hub|bastion|outpost|district|districts|center|centre|heart|outskirts|approaches|"
            r"territory|territories|"
            r"edge|edges|part|parts|half|rest|remainder|remnants|most|all|streets|area|areas|seat\s+of\s+power|"
            r"environs|vicinity|bulk|(?<=the\s)(?:north|south)?-?(?:east|west)|(?<=the\s)(?:north|south)|"
            r"eastern\s+part|western\s+part|northern\s+part|southern\s+part|railway\s+station|station|square|"
            r"fortress)")
_PARTIAL = _lower_re(r"\b(?:outskirts|approaches|edge|edges|part|parts|half|east|west|north|south|eastern\s+part|"
                      r"western\s+part|northern\s+part|southern\s+part|most|bulk|environs|vicinity)\s+of\b")
# "the following settlements: X, Y", "namely X and Y": a list announced before it begins.
_LIST_OPENER = (r"(?:(?:(?:[\w'’-]+\s+){0,2}?(?:settlements|villages|towns|localities|places)(?:\s+(?:in|of)\s+"
                r"(?:the\s+)?§(?:\s+(?:oblast|region|province|district))?)?\s*)?(?:(?:,\s*)?(?:"
                + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _LEX.list_openers) + r")\s*:?|:)\s*)?")
_OBJ = (rf"(?:(?:the|a|an)\s+)?{_ADJ}(?:(?:{_NOT_FILLER}[\w'’-]+\s+){{0,3}}?{_NOUN_OF}\s+of\s+(?:(?:the|a|an)\s+)?"
        rf"{_ADJ}){{0,2}}{_LIST_OPENER}{_COORD_BEFORE}$")

_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
           r"apr|jun|jul|aug|sept?|oct|nov|dec)")
# The verbs and nouns of every family come from the lexicon (geo/data/lexicon.json), every form generated.
_CHANGE_VERBS = (_LEX.verbs("change") +
                 # "Russian forces now control X": a holder stated with "now" tells of a change
                 r"|now\s+(?:fully\s+|completely\s+|effectively\s+)?controls?|"
                 r"now\s+in\s+(?:full\s+|complete\s+|total\s+)?control\s+of")
_CONTROL = f"(?:{_LEX.control_phrases()})"
_NOUN_FAMILY = _LEX.noun_families()
_NOUN_ALTERNATION = "|".join(sorted((re.escape(n) for n in _NOUN_FAMILY), key=lambda n: (-len(n), n)))
_FORCES = r"(?:(?:its|their|his|our|the|[\w-]+)\s+(?:[\w-]+\s+)?(?:troops|forces|units|soldiers|tanks|fighters)\s+)"

LEFT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # A verb in single quotes ("its troops had 'liberated' X") reads as the verb: double quotes are dropped.
    ("change", _lower_re(rf"(?<![\w-])(?P<verb>{_CONTROL}|{_CHANGE_VERBS})['’]?\s+(?:back\s+)?{_OBJ}")),
    # The subject gives the place up: "Ukraine lost control of X", "ceded X", "handed X over".
    ("lose", _lower_re(
        rf"\b(?P<verb>(?:lost|losing|loses|lose)\s+(?:full\s+|complete\s+|all\s+)?control\s+(?:of|over)|"
        rf"{_LEX.verbs('lose')})\s+{_OBJ}")),
    ("enter", _lower_re(
        rf"\b(?P<verb>{_LEX.verbs('enter')}|(?:{_LEX.presence()})\s+(?:(?:operating|fighting)\s+)?in|(?:{_LEX.movement()})\s+{_FORCES}?(?:on\s+\w+day\s+|overnight\s+|yesterday\s+|today\s+)?into|(?:returned|returning)\s+(?:(?:on\s+)?\w+day\s+|yesterday\s+|today\s+)?to|"
        rf"reached\s+the\s+(?:centre|center)\s+of|patrolled|patrolling|patrol|"
        rf"(?:raised|hoisted|planted|raising|hoisting|planting)\s+(?:a\s+|the\s+|their\s+|its\s+)?flags?\s+"
        rf"(?:over|in|above|on))\s+{_OBJ}")),
    ("withdraw", _lower_re(
        rf"\b(?P<verb>(?:pulled|pulling|pulls|pull|brought|bringing)\s+(?:(?:its|their|his|our|the|all)\s+)?"
        rf"(?:[\w-]+\s+){{0,2}}?(?:forces|troops|units|soldiers|fighters|garrison)\s+(?:out|back)|"
        rf"{_LEX.verbs('withdraw')})\s+"
        rf"(?:(?:its|their|his|our|the|all|remaining)\s+(?:[\w-]+\s+){{0,2}}?(?:forces|troops|units|soldiers|"
        rf"fighters|garrison|contingent)\s+)?(?:(?:present|stationed|deployed|remaining)\s+)?"
        rf"(?:(?:from|out\s+of|in|of)\s+)?{_OBJ}")),
    ("expel", _lower_re(
        rf"\b(?P<verb>pushed|pushing|drove|driving|driven|forced|forcing|kicked|kicking|expelled|expelling|ousted|"
        rf"ousting|threw|throwing|cleared|clearing)\s+(?P<obj>(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){{0,2}}?)\s+"
        rf"(?:out\s+of|from|back\s+from)\s+{_OBJ}")),
    ("nominal", _lower_re(
        rf"\b(?P<verb>{_NOUN_ALTERNATION})\s+(?:of|from|for|on|against)\s+{_OBJ}")),
    ("contest", _lower_re(
        rf"\b(?P<verb>{_LEX.triggers('fight')})\s+"
        # "battling Russian troops in the streets of X", "clashed with Ukrainian forces near X"
        rf"(?:(?:with\s+)?(?:the\s+)?(?:russian|ukrainian|enemy|russia['’]s|ukraine['’]s)\s+(?:[\w-]+\s+)?"
        rf"(?:troops|forces|units|soldiers|fighters|army)\s+)?"
        rf"(?:(?:continued|continues|continue|continuing|raged|rages|raging|is|was|were|are|still|going\s+on|"
        rf"ongoing|underway|erupted|broke\s+out|intensified|persisted|persists|reported|heavy|fierce|intense|"
        rf"active|street)\s+)*(?P<prep>(?:in|around|for|near|on|over|at|inside|outside|within|across|along)\s+"
        rf"(?:and\s+(?:in|around|near)\s+)?)?{_OBJ}")),
]

# The military-report register: "repelled 14 attacks near X, Y and Z", "continued offensive operations in the
# Pokrovsk direction near X", "advanced toward X". A trigger of a fight family, a few words that are no new clause
# (a place followed by a direction word may stand among them), a preposition of place, then the place or a list.
_FIGHT_TRIGGER_FAMILY = _LEX.fight_triggers("report")
_FIGHT_PREPOSITIONS = "|".join(sorted((re.escape(p).replace(r"\ ", r"\s+") for p in _LEX.fight_prepositions),
                                      key=lambda p: (-len(p), p)))
_DIRECTION_WORDS = "|".join(_LEX.direction_words)
_FIGHT_FILLER = (r"(?:\s+(?:(?!(?:while|but|which|who|whom|where|when|although|though|whereas|after|before|because|"
                 r"since|said|says|say|told|according|as|and\s+(?:then\s+)?(?:the\s+)?§\s+(?!direction))\b)[\w'’-]+|§)"
                 r"|\s*;(?:\s+and)?){0,10}?")
_FIGHT_TRIGGERS = "|".join(sorted((re.escape(t).replace(r"\ ", r"\s+") for t in _FIGHT_TRIGGER_FAMILY),
                                  key=lambda t: (-len(t), t)))
LEFT_PATTERNS.append(("fight", _lower_re(
    rf"\b(?P<verb>{_FIGHT_TRIGGERS})"
    rf"(?P<mid>{_FIGHT_FILLER})\s+(?P<prep>{_FIGHT_PREPOSITIONS})\s+{_OBJ}")))


def _verb_group(pattern: re.Pattern[str]) -> str:
    """Return the source of a pattern's `verb` group: its trigger words."""
    source = source_of(pattern)
    start = source.index("(?P<verb>") + len("(?P<verb>")
    depth = 1
    pos = start
    while depth:
        char = source[pos]
        if char == "\\":
            pos += 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        pos += 1
    return source[start:pos - 1]


# Cheap keyword scans, one per pattern and sentence: a pattern is tried on a place only from a keyword of
# its own that stands before the place, so sentences without the verbs cost one scan. The keywords are the
# first words of each pattern's trigger group, derived from the patterns (and so from the lexicon).
_LEFT_KEYWORD_WORDS = {name: leading_words(_verb_group(pattern)) for name, pattern in LEFT_PATTERNS}
# Where any of them begins: one scan for all.
_ANY_LEFT_KEYWORD = _lower_re(r"\b(?:" + "|".join(sorted(set().union(*_LEFT_KEYWORD_WORDS.values()),
                                                          key=lambda w: (-len(w), w))) + r")\b")
_LETTERS = re.compile(r"[a-z]+")

RIGHT_PASSIVE = _lower_re(
    rf"^(?:{_SEP}§)*(?:\s+(?:regions?|districts?))?"
    # "Vuhledar (Ugledar) was ...", "Novohrodivka in the Donetsk region has been ..."
    rf"(?:\s*\([^()]{{1,40}}\))?(?:\s+in\s+(?:the\s+)?§(?:\s+(?:regions?|oblasts?|provinces?|districts?))?)?"
    rf"(?P<paren>\s*,\s*(?:which|who|a|an|the|once|formerly|now|home\s+to|until|after|before|occupied|captured|"
    rf"seized|held|taken|controlled|located|situated|lying|on|near|north|south|east|west|northeast|northwest|"
    rf"southeast|southwest|between)\b[^,;()]{{1,90}},)?\s*,?\s*(?P<rel>which\s+|that\s+)?(?P<aux>(?:has|have|had)\s+been|"
    rf"was|were|is|are|being|been|got|gets)\s+(?P<mods>(?:(?:now|finally|fully|completely|just|reportedly|recently|"
    rf"officially|also|already|again|effectively|largely|successfully|eventually|quickly|not|never|soon|mostly|partly|"
    rf"partially|briefly|temporarily|first|later|then|subsequently)\s+)*)"
    rf"(?P<verb>{_LEX.participles('passive')})\b"
    rf"(?:\s+(?:back\s+)?(?:by|to)\s+(?P<actor>[^,;.]{{1,60}}))?")
RIGHT_APPOSITIVE = _lower_re(
    r"^\s*,\s*(?P<det>(?:a|an|the|which|that)\s+)?(?:(?!(?:by|which|that|where|who|and|but|near|in)\b)[\w'’-]+\s+)"
    r"{0,6}?(?P<rel>(?:which|that)\s+)?(?P<aux>(?:was|were|had\s+been|has\s+been|is)\s+)?(?:(?:just|recently|newly|only|now|already|"
    r"finally|fully)\s+)*(?P<verb>" + _LEX.participles("appositive") + r")\b"
    r"(?:\s+(?:back\s+)?(?:by|from)\s+(?P<actor>[^,;.]{1,60}))?")
_WHICH_VERB = (r"(?:has\s+|had\s+|have\s+)?(?:(?:now|just|recently|finally|reportedly|later|then|briefly)\s+)*"
               r"(?P<verb>" + _LEX.past_forms("relative") + r")\b")
# "X, which Russian troops seized", "X and Y, two villages that Ukraine liberated in 2023 and that Russian
# troops recaptured in 2024": the relative clause may hang on an appositive ("two villages") and repeat.
RIGHT_WHICH_ACTIVE = _lower_re(
    rf"^(?:{_SEP}§)*\s*,\s*(?:(?:a|an|the|two|three|four|five|both|several)\s+(?:[\w'’-]+\s+){{0,3}}?)?"
    rf"(?:which|that)\s+(?P<actor>[^,;.]{{1,40}}?)\s+{_WHICH_VERB}")
_WHICH_AGAIN = _lower_re(rf"[^,;.]{{0,80}}?\s+(?:and|but)\s+(?:which|that)\s+(?P<actor>[^,;.]{{1,40}}?)\s+"
                         rf"{_WHICH_VERB}")
# "X, where street fighting was under way": the place is fought over.
RIGHT_WHERE_FIGHTING = _lower_re(
    rf"^(?:{_SEP}§)*\s*,\s*(?:where|in\s+which)\s+(?:[\w'’-]+\s+){{0,4}}?(?P<verb>{_LEX.triggers('fight')})\b")
# "X, where they raised the Ukrainian flag over the village council": the flag's side holds the place.
RIGHT_WHERE_FLAG = _lower_re(
    rf"^(?:{_SEP}§)*\s*,\s*where\s+(?:[\w'’-]+\s+){{0,4}}?(?P<verb>raised|hoisted|planted|unfurled|put\s+up)\s+"
    r"(?:the\s+|a\s+|their\s+|its\s+)?(?P<flag>ukrainian|russian|ukraine['’]s|russia['’]s|soviet)\s+(?:national\s+)?flag")
# "the last Ukrainian fighters holed up in Mariupol had surrendered": the place goes to the other side.
RIGHT_SURRENDER = _lower_re(r"^\s+(?:(?:had|have|has)\s+)?(?:(?:finally|now|all|reportedly)\s+)?"
                            r"(?P<verb>surrendered|capitulated|laid\s+down\s+(?:their\s+)?arms)\b")
RIGHT_FELL = _lower_re(
    rf"^(?:{_SEP}§)*\s*,?\s*(?P<rel>(?:(?:a|an|the)\s+(?:[\w'’-]+\s+){{0,4}}?)?(?:which|that)\s+)?"
    rf"(?:(?:has|had|have)\s+(?:been\s+)?|(?:was|were|is|are)\s+)?"  # "was returned to Ukrainian control"
    rf"(?:(?:finally|reportedly|just|eventually|already|effectively|now)\s+)*(?P<verb>fell|falls|fallen|came|comes|"
    rf"returned|returns|passed)\s+(?:back\s+)?(?:under\s+(?:the\s+)?(?:full\s+)?control\s+of\s+|to\s+|into\s+the\s+"
    rf"hands\s+of\s+|under\s+|into\s+)(?P<actor>[^,;.]{{1,60}})")  # "into Russian hands"
# "X is now under Russian control", "X is back in Ukrainian hands": a holder stated with "now" or "back" tells of a
# change.
RIGHT_UNDER = _lower_re(r"^\s*,?\s*(?:is|are|was|were)\s+(?:now\s+(?:back\s+)?|back\s+)(?:fully\s+|completely\s+|"
                        r"firmly\s+|effectively\s+)?(?P<verb>under|in)\s+(?:the\s+)?(?:full\s+|complete\s+|total\s+)?"
                        r"(?P<actor>[^,;.]{1,40}?)\s+(?:control|hands)\b")  # "X is back in Ukrainian hands"
# "Mariupol fell in May 2022", "Avdiivka has fallen.": a place falls to the side that did not hold it. Only
# before a time or the end of the clause ("fell silent", "fell in love", "fell on deaf ears" are not falls).
_TIME_AFTER = (r"(?:(?:on|by)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d|the\s+\d|" + _MONTHS + r")|"
               r"in\s+(?:early\s+|late\s+|mid-?)?(?:" + _MONTHS + r"|\d{4}|the\s+(?:spring|summer|autumn|fall|"
               r"winter|end|first|second|third|last|morning|night)|spring|summer|autumn|winter)|after|last|this|"
               r"within|overnight|yesterday|today|earlier|days?|weeks?|months?)\b")
RIGHT_FELL_BARE = _lower_re(
    rf"^(?:{_SEP}§)*\s*,?\s*(?P<rel>(?:(?:a|an|the)\s+(?:[\w'’-]+\s+){{0,4}}?)?(?:which|that)\s+)?"
    rf"(?:(?:has|had|have)\s+)?(?:(?:finally|reportedly|eventually|effectively|now|also)\s+)*"
    rf"(?P<verb>fell|fallen)(?=\s*[,.;]|\s*$|\s+{_TIME_AFTER})")
# A stem of every verb the patterns above read after a place: without one, none of them can match.
# A word of every pattern read after a place (the lexicon's participles and the constructions' own words):
# without one, none of them can match.
_RIGHT_VERB_HINT = _lower_re(rf"\b(?:{_LEX.participles('passive')}|{_LEX.participles('appositive')}|"
                             rf"{_LEX.past_forms('relative')}|surrender|capitulat|laid|fell|falls|fallen|came|comes|"
                             r"returned|returns|passed|where|(?:now|back)\s+(?:\w+\s+)?(?:under|in)\b)")
_RIGHT_BY = _lower_re(r"^\s*(?:(?:was|were|is|has\s+been)\s+)?(?:\w+\s+)?by\s+(?P<actor>[^,;.]{1,60})")
_RIGHT_TO = _lower_re(r"^\s*to\s+(?P<actor>[^,;.]{1,60})")
# The *_AFTER patterns of mentions are tried with match(sentence, end of the place).
_REGION_AFTER = compile_factored(r"\s+(?:regions?|oblasts?|provinces?|districts?|raions?|areas?|governorates?|"
                                 r"direction|axis|sector|front)\b", re.I)
_DIRECTION_AFTER = compile_factored(rf"\s+(?:{_DIRECTION_WORDS})\b", re.I)
_PLURAL_DIRECTION_AFTER = compile_factored(r"\s+(?:directions|axes|sectors|fronts)\b", re.I)
_PLURAL_REGION_AFTER = compile_factored(r"\s+(?:regions|oblasts|provinces|districts|areas)\b", re.I)
_SEP_ONLY = compile_factored(rf"^{_SEP}$", re.I)
_REPUBLIC_AFTER = compile_factored(r"\s+people['’]?s\s+republic", re.I)
# "Kharkiv forces", "the Kharkiv offensive", "the Yug battlegroup": a side, a unit or an operation named after a place.
_FORCE_AFTER = compile_factored(r"\s+(?:forces|troops|army|soldiers|units|military|government|authorities|officials|"
                                r"regime|side|-backed|['’]s\s+(?:forces|troops|army)|offensive|counteroffensive|"
                                r"counter-offensive|operations?|command|headquarters|battlegroup|battle\s+group|"
                                r"group\s+of\s+forces|grouping|brigade|battalion|regiment|corps)\b", re.I)
# "the Hostomel airport", "the Zaporizhzhia nuclear plant": a site named after the town is not the town.
_FACILITY_AFTER = compile_factored(r"(?:['’]s)?\s+(?:(?:nuclear|power|thermal|hydroelectric|coke|steel|chemical|salt|"
                                   r"treatment)\s+){0,2}"
                                   r"(?:plant|airport|airfield|air\s+base|airbase|dam|bridge|highway|motorway|road|railway|"
                                   r"reservoir|river|canal|mine|refinery|port|harbou?r|garrison|prison|checkpoint|"
                                   r"crossing|border\s+crossing|station|factory|works|steelworks)\b", re.I)
_REFERENCE_BEFORE = compile_factored(r"\b(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|"
                                     r"north-east|north-west|south-east|south-west)(?:ern)?|outside|beyond|near|from|toward|"
                                     r"towards|of\s+the\s+road\s+to)\s+(?:of\s+)?$", re.I)

# A place name is the subject of a following verb unless a preposition governs it ("outskirts of Donetsk
# were shelled"); "the town of X" and "the cities of X and Y" keep their subject.
_DETERMINER_BEFORE = _lower_re(r"\b(?:the|a|an|its|their|his|her|our|this|that)\s+$")
_HELD_BY = compile_factored(r"-(?:held|controlled|occupied|backed|led|installed|appointed|annexed|allied)$", re.I)
_ACCORDING = _lower_re(r"\baccording\s+to\b")
_WORD = re.compile(r"[\w'’-]+")
# Armed men in the sentence: attacks and advances are fighting only when they make them.
_FORCE_CONTEXT = _lower_re(r"\b(?:" + "|".join(_LEX.force_nouns) + r"|enemy|russians|ukrainians|russia|ukraine|"
                           r"russian|ukrainian|moscow|kyiv|kiev|wagner|isw|general\s+staff|ministry|army|military)\b")
# "troops were ordered to withdraw from X", "decided to pull troops out of X": the order is the news of the day.
_ORDERED_BEFORE = _lower_re(r"\b(?:order\w*|decid\w*|decision|authori[sz]\w*|approv\w*|command\w*|allow\w*|"
                            r"permi\w*|forced)\s+(?:[\w'’-]+\s+){0,4}?to\s+(?:\w+\s+){0,2}?$")
# "tried to break through near X", "continued to attack near X": the fighting happened, whatever its outcome.
_ATTEMPT_BEFORE = _lower_re(r"\b(?:tr(?:y|ies|ied|ying)|attempt\w*|sought|seek\w*|continu\w*|struggl\w*|"
                            r"fail\w*|unable|keep|kept)\s+(?:[\w'’-]+\s+){0,3}?to\s+(?:\w+\s+){0,2}?$")
_PREP_BEFORE = _lower_re(r"\b(?:in|into|inside|near|from|outside|to|toward|towards|at|by|around|on|beyond|behind|"
                          r"past|through|across|between|via|for|over|of|off|under|with|within|against|about)\s+"
                          r"(?:(?:the|a|an)\s+)?$")
_SETTLEMENT_OF = _lower_re(r"\b(?:town|city|village|settlement|hamlet|suburb|stronghold|bastion|hub)s?\s+of\s+"
                            r"(?:the\s+)?$|\b(?:cities|towns|villages|settlements)\s+of\s+(?:the\s+)?$")
_CONDITIONAL_BEFORE = _lower_re(r"\b(?:if|unless|whether|until|before|should|once)\s+(?:[\w'’-]+\s+){0,3}$"
                                 r"|\b(?:will|would|could|might|may)\s+(?:soon\s+)?$")
_ATTRIBUTION_TAIL = _lower_re(r",\s*(?P<who>[^,;]{1,70}?),?\s+(?:said|says|claimed|claims|reported|announced|stated|"
                               r"added|insisted|told|tells|wrote|writes|posted)\b[^,;]{0,40}$")
_IN_PLACE_BEFORE = _lower_re(r"\b(?:in|inside)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$")
_LEAVE_NOT_PLACE = _lower_re(r"\s+(?:in|of|from|out|behind|for|on|at|with|to)\b")  # match(left, end of "left")
# Words that only ever name armed men: "the occupiers left X" withdraws, "Zelensky left Kyiv" does not.
_FORCE_WORD = compile_factored(r"\b(?:troops|forces|units|soldiers|fighters|servicemen|army|garrison|brigades?|"
                               r"battalions?|defenders|military|occupiers|invaders|separatists|rebels|militants|"
                               r"insurgents|mercenaries|marines|paratroopers)\b", re.I)
_FLAG_WORD = _lower_re(r"\bflags?\b")
_FLAG_TO_PLACE = _lower_re(rf"^[^.;]{{0,70}}?\b(?:over|in|on|above|atop|at|across)\s+{_OBJ}")
_FLAG_SIDE = _lower_re(r"\b(ukrainian|russian|ukraine['’]s|russia['’]s|soviet|tricolou?r|blue-and-yellow|"
                        r"yellow-and-blue)\b[^.;]{0,25}$")
_FLAG_VERB = _lower_re(r"\b(?:hoist\w*|rais\w*|plant\w*|fly\w*|flew|flies|wav\w*|unfurl\w*|hung|hang\w*|standing|"
                        r"hold\w*|held|stood|put\s+up|erect\w*|install\w*|with)\b")
_FLAG_RAISED = _lower_re(r"s?\s+(?:was|were|is|are|has\s+been|have\s+been|had\s+been)\s+(?:(?:now|again|finally|"
                         r"reportedly|already|just|once\s+again)\s+)*(?:raised|hoisted|planted|unfurled|installed|"
                         r"put\s+up|flown)\b")  # match(text after "flag")
_FLAG_DOWN = _lower_re(r"\b(?:tore|torn|tearing|removed|removing|burn\w*|took\s+down|taken\s+down|pulled\s+down|"
                        r"lowered|lowering)\s+(?:\w+\s+){0,3}$")
_CLAIM = _lower_re(r"\b(?:said|says|say|saying|claim(?:s|ed|ing)?|report(?:s|ed|edly|ing)?|announc(?:ed|es|e|ing)|"
                    r"assert(?:ed|s|ing)?|stat(?:ed|es)|according\s+to|allegedly|purportedly|apparently|video|footage|"
                    r"showed|shows|bloggers?|posted|wrote|told|insist(?:s|ed)?)\b")
_MODAL_BEFORE = _lower_re(
    r"(?:\b(?:vow\w*|aim\w*|plan\w*|intend\w*|want\w*|seek\w*|sought|try|tries|tried|trying|attempt\w*|hop\w*|"
    r"promis\w*|pledg\w*|threat\w*|prepar\w*|bid|order\w*|ready|poised|expect\w*|fail\w*|unable|going|set|need\w*|"
    r"urg\w*|call\w*|push\w*|struggl\w*|determined|tasked|goal|aim\s+is|objective\s+is|refus\w*|declin\w*|"
    r"reluctan\w*|fear\w*)\s+(?:\w+\s+){0,3}?to\s+"
    r"(?:\w+\s+){0,2}?$"
    r"|\b(?:will|would|shall|may|might|could|must|should|cannot|can't|won't|didn't|did\s+not|does\s+not|doesn't|"
    r"do\s+not|don't|never|not|no\s+longer|yet\s+to|if|unless|whether|before|until)\s+(?:\w+\s+){0,3}?$"
    r"|\bahead\s+of\s+us\b.*$|\bnext\s+target\b.*$"
    # "the goal of capturing Kharkiv", "the prospect of losing Pokrovsk": an aim or a fear, not a change.
    r"|\b(?:goals?|aims?|objectives?|task|plans?|intention|hopes?|prospects?|threat|risk|danger|idea|fear)\s+of\s+$"
    # "Russia demands that Ukraine withdraw from Kherson": a demand or a peace term, not a change made.
    r"|\b(?:demand\w*|insist\w*|ultimatum|condition\w*|propos\w*|urg\w*|requir\w*|call\w*\s+on|asked|asks)\s+"
    r"(?:that\s+)?(?:[\w'’-]+\s+){0,4}?$"
    # "ISW has not observed indications that Russian forces captured X": a negated report of the change.
    r"|\b(?:no|not|never|without)\s+(?:[\w'’-]+\s+){0,3}?(?:that|whether)\s+(?:[\w'’-]+\s+){0,4}?$)")
_MODAL_PASSIVE = _lower_re(r"\b(?:will|would|could|may|might|must|should|not|never|soon\s+be|to\s+be|yet\s+to)\b")
# "in occupied Sevastopol", "the temporarily occupied territories": an adjective, not a change.
_ADJECTIVAL_BEFORE = _lower_re(r"\b(?:in|inside|into|from|of|to|across|near|around|through|throughout|on|at|for|"
                               r"the|a|an|temporarily|long|formerly|partly|partially)\s+$")
# "a capture of Pokrovsk would give Russia a road hub": the noun names a possible change, not one made.
_MODAL_AFTER = _lower_re(r"^(?:\s+(?:and|or)\s+§)*(?:\s*,[^,;]{1,60},)?\s+(?:would|could|might|may|will|can|"
                         r"should|must|is\s+(?:likely|unlikely|expected)|would\s+not)\b"
                         # "the capture of Vuhledar remains Moscow's goal": an aim, not a change
                         r"|^\s+(?:remains?|is|was)\s+(?:[\w'’-]+\s+){0,3}?(?:goals?|aims?|objectives?|targets?|"
                         r"priority|task)\b")
# "predicted the fall of Toretsk", "fears the loss of Pokrovsk": a change foreseen, feared or averted.
_NOMINAL_FORESEEN = _lower_re(r"\b(?:predict\w*|forecast\w*|fear\w*|warn\w*|expect\w*|risk\w*|avert\w*|prevent\w*|"
                              r"avoid\w*|anticipat\w*|imminent|possible|potential|likely|unlikely|looming|inevitable|"
                              r"threat\w*|rul\w+\s+out|envisag\w*|demand\w*|propos\w*)\s+(?:(?:the|a|an)\s+)?"
                              r"(?:[\w'’-]+\s+){0,2}?$")
# "the photographer captured Kharkiv at dawn": with no side named, a camera or a team does not take a town.
_NON_MILITARY_SUBJECT = _lower_re(r"\b(?:photographers?|cameras?|films?|documentar\w*|photos?|photographs?|"
                                  r"pictures?|paintings?|painters?|books?|novels?|exhibitions?|artists?|images?|lens|"
                                  r"songs?|albums?|poems?|series|play|stor(?:y|ies)|players?|team|club|squad|"
                                  r"champions?|striker|goalkeeper)\s+(?:[\w'’-]+\s+)?$")
# "was taken off the list", "was taken to hospital": idioms of "take", not a capture.
_TAKEN_IDIOM = _lower_re(r"\s+(?:off|out|up|down|away|aback|apart|part|note|ill|hostage|prisoners?|seriously|"
                         r"into\s+account|for\s+granted|to\s+(?:hospital|court|task))\b")  # match(right, end)
# "the defence of Mariupol became a symbol": a battle looked back on, not fighting on the day of the report.
_RETROSPECT_AFTER = _lower_re(r"^\s+(?:became|become|becomes|lasted|ended|went\s+down|turned\s+into|cost|"
                              r"is\s+remembered|was\s+remembered|remains\s+a\s+symbol|was\s+(?:one|the|a)\s)")
# "freed Odesa from the blockade": released from a threat, not taken back from an army.
_FREED_FROM_THREAT = _lower_re(r"^\s+from\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?(?:blockade|shelling|threat|attacks?|"
                               r"fear|debts?|dependence|mines|isolation|darkness)\b")
_DENIAL = _lower_re(r"\b(?:den(?:y|ies|ied|ying)|refut\w+|(?:dismiss|reject)(?:ed|es|s)?\s+(?:the\s+|these\s+|those\s+"
                     r"|such\s+)?(?:claims?|reports?)|false|fake|untrue|not\s+true|no\s+truth)\b")
# The sentence pre-filter: the first word of every form in the lexicon, and the constructions' own words.
_TRIGGER_HINT = _lower_re(r"\b(?:" + "|".join(sorted(_LEX.first_words() | {
    "control", "into", "patrol", "flag", "counter", "came", "returned", "passed", "hand", "left", "leav",
    "capitulat", "los", "ced", "pull", "brought", "bring", "rais", "hoist", "plant", "reach", "kick", "threw",
    "throw", "push", "forc", "expel", "oust", "clear", "drov", "driv", "where"}, key=lambda w: (-len(w), w))) + ")")

# Verbs that say the place went back to its earlier holder, and those that say it went to the other side.
_RETAKE_WORDS = _LEX.retake_words()


def _is_retake(verb: str) -> bool:
    """Return True when a verb says the place went back to its earlier holder ("retook", "regained control of")."""
    return verb in _RETAKE_WORDS or verb.split(" ", 1)[0] in _RETAKE_WORDS


_CONTESTED_PARTICIPLES = _LEX.contested_participles()
_REPORTED_NOUN = _lower_re(r"\s(?P<verb>reported|announced|claimed|claims|announces|reports|confirmed|hailed|"
                           r"celebrated|completed|completes|finished|finalized)\s+(?:the\s+|its\s+|their\s+)?$")
_FORESEEN_AFTER = _lower_re(r"\s+(?:was|is|were|are|would\s+be|will\s+be|seemed|seems|appeared|appears|looked|"
                            r"looks)\s+(?:\w+\s+)?(?:imminent|near|close|likely|unlikely|possible|inevitable|"
                            r"expected|only\s+a\s+matter|a\s+matter)\b")  # match(text after the place)
_ADMITTED_NOUN = _lower_re(r"\s(?P<verb>confirmed|admitted|acknowledged|conceded|confirms|admits|acknowledges|"
                           r"concedes)\s+(?:the\s+)?$")
_LOSS_NOUNS = frozenset(n for n, fam in _NOUN_FAMILY.items() if fam.side == "owner_loses")
_CONTEST_NOUNS = frozenset(n for n, fam in _NOUN_FAMILY.items() if fam.cls == "contested")
_WITHDRAW_NOUNS = frozenset(n for n, fam in _NOUN_FAMILY.items() if fam.cls == "withdraw")

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


_POSSESSIVE_AFTER = compile_factored(r"^['’]s\s")
_APPOSITION_BEFORE = compile_factored(r"§\s*,\s*$")
# "Makiivka, Luhansk Oblast", "Sudzha in the Kursk region": the region the report puts the place in.
_REGION_APPOSITION = compile_factored(r"\s*(?:,|\s+in)\s+(?:the\s+)?([A-Z][\w'’-]+)\s+(?:oblast|region|province)\b",
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
    for match in _REGION_APPOSITION.finditer(text):
        names = _NAME_LIST_AT_END.search(text, max(0, match.start() - 300), match.start())
        if not names:
            continue
        for name in _LIST_SEPARATOR.split(names.group()):
            if placed.setdefault(name, match.group(1)) != match.group(1):
                doubtful.add(name)
    return {name: region for name, region in placed.items() if name not in doubtful}


# Institutions an article names once with their side and then bare ("the ministry said").
_INSTITUTION_HINT = _lower_re(r"\b(?:ministry|general\s+staff|military|army|command|group|battlegroup|grouping)\b")
_BARE_INSTITUTION = _lower_re(r"\bthe\s+(?P<noun>(?:defen[cs]e\s+)?ministry(?:\s+of\s+defen[cs]e)?|general\s+staff|"
                              r"military|army|command|group(?:\s+of\s+forces)?|battlegroup|grouping)\b")
_INSTITUTION_WORD = _lower_re(r"\b(?:ministry|general\s+staff|military|army|command|group|grouping|battlegroup)\b")
_INSTITUTION_KEYS = {"ministry": "ministry", "general staff": "general staff", "military": "military",
                     "army": "military", "command": "command", "group": "group", "grouping": "group",
                     "battlegroup": "group"}
# Words that join capitalised words into one multi-word name ("Freedom of Russia Legion", "Da Vinci Wolves").
_NAME_JOINER = compile_factored(r"[A-Z][\w'’-]*\s+(?:of\s+(?:the\s+)?)?[A-Z]")


def _institution_key(text: str) -> str | None:
    """Return which institution an actor phrase names ("Russia's defence ministry" -> "ministry")."""
    m = _INSTITUTION_WORD.search(text.lower())
    return _INSTITUTION_KEYS.get(re.sub(r"\s+", " ", m.group(0))) if m else None


_COORD_TAIL = compile_factored(rf"(?:{_SEP}§)+$")


def _is_subject(left: str) -> bool:
    """Return True when the place name ending `left` can be the subject of what follows it."""
    head = left[-_WINDOW:]
    if head.endswith(MARK):
        head = _COORD_TAIL.sub("", head)  # the first of a coordination decides
    return not _search_end(_PREP_BEFORE, head) or bool(_search_end(_SETTLEMENT_OF, head))


def _search_end(pattern: re.Pattern[str], text: str, reach: int = 40) -> re.Match[str] | None:
    """Search a pattern anchored at the end (`$`) of `text` whose matches hold at most reach/2 letters.

    Only the last `reach` characters are scanned, unless half of them are spaces: a longer match needs more.
    """
    start = len(text) - reach
    if start <= 0 or 2 * (reach - len("".join(text[start:].split()))) >= reach:
        return pattern.search(text)
    return pattern.search(text, start)


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


_FAR_KM = 300.0
_ANCHOR_REACH = 100  # characters between a name and the town of a "near X" that binds it


def _anchor_close(sentence: str, anchor: str, start: int, end: int) -> bool:
    """Return True when `anchor` stands within _ANCHOR_REACH characters of a name, in the same clause."""
    for at in (m.start() for m in re.finditer(re.escape(anchor), sentence)):
        between = sentence[min(end, at):max(start, at)]
        if abs(at - start) <= _ANCHOR_REACH and not any(c in between for c in ";—(\"“”«»"):
            return True
    return False


def _far_from_the_article(place: Place, points: Sequence[tuple[float, float]]) -> bool:
    """Return True when at least three other places of the article all lie more than _FAR_KM away."""
    others = [p for p in points if abs(p[0] - place.lat) > 1e-6 or abs(p[1] - place.lon) > 1e-6]
    return len(others) >= 3 and nearest_km(place.lat, place.lon, others) > _FAR_KM


def event_class(kind: str) -> str:
    """Return "contested" or "change": the classes events are matched and merged by."""
    return "contested" if kind == "contested" else "change"


@dataclass(frozen=True, slots=True)
class UnresolvedName:
    """A name that would carry an event (or was asked for) but did not resolve to one place."""

    surface: str
    article_id: str
    sentence: str
    status: str  # unresolved | ambiguous
    candidates: tuple[tuple[Place, float], ...] = ()
    would_be: str = ""  # e.g. "retaken UA"


@dataclass(frozen=True, slots=True)
class ArticleFindings:
    """What the detector found in one article."""

    events: tuple[Event, ...] = ()
    unresolved: tuple[UnresolvedName, ...] = ()
    mentions: int = 0


@dataclass(slots=True)
class _Mention:
    start: int  # in the sentence
    end: int
    surface: str
    spotted: bool
    region_suffix: bool = False
    direction: bool = False  # "the Pokrovsk direction": names an axis of the front, not the town
    resolution: Resolution | None = None
    tpos: int = 0  # position of its mark in the template


@dataclass(frozen=True, slots=True)
class _Hit:
    mention: int
    cls: str  # change | withdraw | contested
    verb: str
    side: str | None
    trigger_pos: int  # in template
    confidence: float
    claimed: bool
    partial: bool = False
    actor_note: str = ""


@dataclass(slots=True)
class _Template:
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


class Detector:
    """Find control changes in articles with a gazetteer and an actor lexicon."""

    def __init__(self, gazetteer: Gazetteer, lexicon: ActorLexicon | None = None) -> None:
        self.gazetteer = gazetteer
        self.lexicon = lexicon or ActorLexicon.load()
        self._name_group_memo: dict[str, list[list[tuple[int, str]]]] = {}
        self._families_memo: dict[str, tuple[str, ...]] = {}

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

    def _mentions(self, sentence: str, spots: list[tuple[int, int, str]]) -> list[_Mention]:
        # A spot glued to another word by a hyphen is part of a compound name ("Posad-Pokrovske").
        mentions = [_Mention(a, b, s, True) for a, b, s in spots
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
            m.direction = bool(_DIRECTION_AFTER.match(sentence, m.end))
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
                       mentions: list[_Mention]) -> None:
        words = [w for w in words if w[1] != "-"]
        if not words:
            return
        start = words[0][0]
        end = words[-1][0] + len(words[-1][1])
        if start == 0 or any(start < b and a < end for a, b in taken):
            return  # sentence-initial capitals are ordinary words more often than names
        if len(sentence[start:end]) < 3:
            return
        taken.append((start, end))
        mentions.append(_Mention(start, end, sentence[start:end], False))

    @staticmethod
    def _template(sentence: str, mentions: list[_Mention]) -> _Template:
        out = _Template("", sentence=sentence, spans=[(m.start, m.end) for m in mentions])
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

    # -- sides ------------------------------------------------------------------------------------------
    def _side_of_text(self, text: str) -> str | None:
        actors = self.lexicon.find(text)
        if actors:
            return actors[0].side
        word = re.match(r"\s*([\w'’-]+)", text)
        if word:
            return self.lexicon.flags.get(word.group(1).lower()) if word.group(1).lower() in (
                "ukrainian", "russian") else None
        return None

    @staticmethod
    def _agent(actors: Sequence[Actor], before: int, *, losers: bool = False) -> Actor | None:
        """Return the last actor ending before `before` that is not a place; one marked as a loser only if asked."""
        candidates = [a for a in actors if a.end <= before and not a.locative and (losers or not a.loser)]
        return candidates[-1] if candidates else None

    @staticmethod
    def _votes(actors: Sequence[Actor]) -> str | None:
        votes = {other_side(a.side) if a.loser else a.side for a in actors if not a.locative}
        return votes.pop() if len(votes) == 1 else None

    # -- modality -------------------------------------------------------------------------------------
    def _claims(self, text: str, actors: Sequence[Actor]):  # type: ignore[no-untyped-def]
        """Return a function (trigger position, side gained) -> whether the report is one side's claim."""
        found: list[tuple[list[tuple[int, str | None]], int, str | None]] = []  # read on the first question

        def read() -> tuple[list[tuple[int, str | None]], int, str | None]:
            cues: list[tuple[int, str | None]] = []  # (position, speaker side)
            for m in _CLAIM.finditer(text):
                word = m.group(0).lower()
                if word.startswith("according"):
                    after = [a for a in actors if a.start >= m.end() and a.start - m.end() <= 40]
                    speaker = after[0].side if after else None
                else:
                    before = [a for a in actors if a.end <= m.start() and m.start() - a.end <= 60 and not a.locative]
                    speaker = before[-1].side if before else None
                cues.append((m.start(), speaker))
            tail = _ATTRIBUTION_TAIL.search(text)
            return cues, tail.start() if tail else -1, self._tail_side(tail, actors) if tail else None

        def claimed(pos: int, side: str | None) -> bool:
            if not found:
                found.append(read())
            cues, tail_start, tail_side = found[0]
            loser = other_side(side)
            for at, speaker in cues:
                # A cue at the trigger itself is the trigger ("Russia claimed control of X").
                if at <= pos and not (loser and speaker == loser):
                    return True  # a source's word for it, unless the losing side admits the loss
            # "..., the Russian defence ministry said": the gaining side speaks after the fact.
            return bool(tail_start > pos and side and tail_side == side)

        return claimed

    def _speaker_after(self, text: str, pos: int, actors: Sequence[Actor]) -> str | None:
        """Return the side of the source named in a closing attribution after `pos` ("..., the ministry said")."""
        tail = _ATTRIBUTION_TAIL.search(text)
        return self._tail_side(tail, actors) if tail and tail.start() > pos else None

    def _reporter_side(self, text: str, pos: int, actors: Sequence[Actor]) -> str | None:
        """Return the side of the source that reports what stands at `pos`: the speaker of the last report verb
        before it ("the ministry reported that X ..."), else a closing attribution ("..., the ministry said")."""
        side = None
        for m in _CLAIM.finditer(text, 0, pos):
            if m.group(0).lower().startswith("according"):  # "according to the ministry": the source follows
                near = [a for a in actors if a.start >= m.end() and a.start - m.end() <= 40 and not a.locative]
            else:
                near = [a for a in actors if a.end <= m.start() and m.start() - a.end <= 60 and not a.locative]
            if near:
                side = near[-1 if not m.group(0).lower().startswith("according") else 0].side
        for m in _ACCORDING.finditer(text, pos):  # "X was liberated, according to the ministry"
            after = [a for a in actors if a.start >= m.end() and a.start - m.end() <= 40 and not a.locative]
            if side is None:
                side = after[0].side if after else self._side_of_text(
                    re.sub(r"^\s*(?:the\s+)?", "", text[m.end():m.end() + 40]))
        return side or self._speaker_after(text, pos, actors)

    def _tail_side(self, tail: re.Match[str], actors: Sequence[Actor]) -> str | None:
        inside = [a for a in actors if tail.start("who") <= a.start and a.end <= tail.end("who")]
        return inside[0].side if inside else self._side_of_text(tail.group("who"))

    @staticmethod
    def _blocked_before(left: str) -> bool:
        """Return True when the words before a trigger make it an intention, a negation or a condition."""
        return bool(_MODAL_BEFORE.search(left[-70:]))

    # -- matching ---------------------------------------------------------------------------------------
    def _keyword_families(self, text: str, pos: int) -> tuple[str, ...]:
        """Return the left-pattern families with a keyword at `pos` (a word start where one of them begins)."""
        word = _LETTERS.match(text, pos)
        key = word.group() if word else ""
        families = self._families_memo.get(key)
        if families is None:
            # A keyword is a whole first word: the word alone decides.
            families = tuple(name for name, words in _LEFT_KEYWORD_WORDS.items() if key in words)
            remember(self._families_memo, key, families)
        return families

    def _hits(self, tmpl: _Template, mentions: list[_Mention], actors: Sequence[Actor]) -> list[_Hit]:
        text = tmpl.lower
        hits: list[_Hit] = []
        claimed = self._claims(text, actors)
        flag_ok = "flag" in text

        last_right_verb = max((k.start() for k in _RIGHT_VERB_HINT.finditer(text)), default=-1)
        # The left patterns with a keyword in the sentence, each with where its keywords start.
        starts_of: dict[str, list[int]] = {}
        for k in _ANY_LEFT_KEYWORD.finditer(text):
            for name in self._keyword_families(text, k.start()):
                starts_of.setdefault(name, []).append(k.start())
        keyword_starts = [(name, pattern, starts_of[name]) for name, pattern in LEFT_PATTERNS if name in starts_of]
        if not keyword_starts and last_right_verb < 0 and not flag_ok:
            return hits
        for index, pos in enumerate(tmpl.marks):
            left, right = text[:pos], text[pos + 1:]
            mention = mentions[index]
            if mention.direction:
                continue  # "in the Pokrovsk direction": an axis of the front, not fighting in the town
            if _POSSESSIVE_AFTER.match(right) and _APPOSITION_BEFORE.search(left):
                continue  # "in Myrnohrad, Pokrovsk's twin town": Pokrovsk only describes Myrnohrad
            country = mention.resolution.best.country if mention.resolution and mention.resolution.best else ""
            owner = side_of_country(country) or "UA"

            # The patterns end at the mark and start at one of their keywords within a bounded window.
            for name, pattern, starts in keyword_starts:
                first = next((k for k in starts if pos - _WINDOW <= k < pos), None)
                if first is None:
                    continue
                m = pattern.search(left, first)
                if not m:
                    continue
                if name in _VERBAL_FAMILIES and "§" in left[m.end("verb"):] and _NEW_CLAUSE_AFTER.match(right):
                    continue  # a later item of the list is the subject of the next clause, not an object
                verb = re.sub(r"\s+", " ", m.group("verb").lower())
                vpos = m.start("verb")
                if self._blocked_before(left[:vpos]) and not (
                        name == "withdraw" and _ORDERED_BEFORE.search(left[max(0, vpos - 70):vpos])
                        or name == "fight" and _ATTEMPT_BEFORE.search(left[max(0, vpos - 70):vpos])):
                    continue
                # Only the words before the first place of a list say "part of" ("west of" in an apposition does not).
                partial = bool(_PARTIAL.search(m.group(0).split(MARK, 1)[0]))
                agent = self._agent(actors, vpos)
                if name == "change":
                    if verb == "occupied" and _ADJECTIVAL_BEFORE.search(left, max(0, vpos - 20), vpos):
                        continue
                    if _FREED_FROM_THREAT.match(right) or (not agent and _NON_MILITARY_SUBJECT.search(
                            left, max(0, vpos - 40), vpos)):
                        continue
                    retake = _is_retake(verb)
                    side: str | None
                    speaker = self._speaker_after(text, vpos, actors) if not agent else None
                    if _FORESEEN_AFTER.match(right):
                        continue  # "claimed control of Pokrovsk was imminent": a change foreseen
                    if (verb.endswith(" over") or verb.startswith("now")) and not agent:
                        continue  # "Syrskyi took over Kharkiv operations": a post, not a town, without troops named
                    if agent:
                        side, conf = agent.side, 0.9
                    elif speaker:
                        # "Units of the Center group liberated X, the Russian ministry said": the side speaks.
                        side, conf = speaker, 0.7
                    else:
                        side, conf = (owner if retake else other_side(owner)), 0.6
                    hits.append(_Hit(index, "contested" if partial else "change", verb, side, vpos, conf,
                                     claimed(vpos, side), partial))
                elif name == "enter":
                    presence = verb.endswith(" in")  # "troops were filmed in X": armed men there
                    if not agent or ((verb.startswith("return") or presence) and not _FORCE_WORD.search(agent.text)):
                        continue  # "Ukrainian troops returned to X" retakes it; "Zelensky returned to Kyiv" does not
                    conf = 0.55 if verb.startswith("patrol") or presence else 0.75
                    hits.append(_Hit(index, "contested" if partial else "change", verb, agent.side, vpos, conf,
                                     claimed(vpos, agent.side), partial))
                elif name == "withdraw":
                    if _DETERMINER_BEFORE.search(left, max(0, vpos - 8), vpos):
                        continue  # "the retreat from X" is the noun: the nominal family reads it
                    # "Ukrainian forces withdrew from X": the actor marked as the loser is the one withdrawing,
                    # also when another actor stands before it ("Kyiv's forces ... after Russian troops withdrew").
                    nearest = self._agent(actors, vpos, losers=True)
                    if nearest and (agent is None or nearest.start > agent.start):
                        agent = nearest
                    if not agent:
                        continue
                    if verb.startswith(("left", "leav")) and (_LEAVE_NOT_PLACE.match(left, m.end("verb"))
                                                             or not _FORCE_WORD.search(agent.text)):
                        continue  # "left in Bakhmut", "Zelensky left Kyiv": only troops leaving a place withdraw
                    gainer = other_side(agent.side)
                    hits.append(_Hit(index, "withdraw", verb, gainer, vpos, 0.8, claimed(vpos, gainer)))
                elif name == "lose":
                    # The side that gave the place up is the subject (an actor "lost" marks as a loser); the
                    # other side gained it.
                    agent = self._agent(actors, vpos, losers=True)
                    if not agent:
                        continue
                    gainer = other_side(agent.side)
                    hits.append(_Hit(index, "contested" if partial else "change", verb, gainer, vpos, 0.75,
                                     claimed(vpos, gainer), partial))
                elif name == "expel":
                    loser = self._side_of_text(m.group("obj"))
                    if loser:
                        gainer = other_side(loser)
                        hits.append(_Hit(index, "withdraw", verb, gainer, vpos, 0.8, claimed(vpos, gainer)))
                elif name == "nominal":
                    if _MODAL_AFTER.match(right) or _NOMINAL_FORESEEN.search(left, max(0, vpos - 50), vpos) \
                            or (verb in _CONTEST_NOUNS and _RETROSPECT_AFTER.match(right)):
                        continue
                    hit = self._nominal_hit(index, verb, vpos, right, actors, owner, claimed, partial, left[:vpos])
                    if hit:
                        hits.append(hit)
                elif name == "fight":
                    hit = self._fight_hit(index, m, verb, vpos, right, text, claimed)
                    if hit:
                        hits.append(hit)
                elif name == "contest":
                    if _RETROSPECT_AFTER.match(right) or _NOMINAL_FORESEEN.search(left, max(0, vpos - 50), vpos):
                        continue
                    near = (m.group("prep") or "").strip().lower().startswith(("near", "toward", "towards"))
                    hits.append(_Hit(index, "contested", verb, None, vpos, 0.55 if near else 0.7,
                                     claimed(vpos, None)))

            if flag_ok:
                hit = self._flag_hit(index, left, actors, claimed)
                if hit:
                    hits.append(hit)
            if last_right_verb > pos:  # every pattern after a place has one of these verbs
                hits.extend(self._right_hits(index, pos, left, right, owner, actors, claimed))
        return hits

    @staticmethod
    def _fight_hit(index: int, m: re.Match[str], verb: str, vpos: int, right: str, text: str,
                   claimed) -> _Hit | None:  # type: ignore[no-untyped-def]
        """Fighting at a place in the register of military reports: contested, or nothing."""
        family = _LEX.families[_FIGHT_TRIGGER_FAMILY.get(verb, "fight")]
        prep = re.sub(r"\s+", " ", m.group("prep"))
        if prep in _LEX.prepositions_not_for.get(family.name, ()) or _RETROSPECT_AFTER.match(right) \
                or _NOMINAL_FORESEEN.search(text, max(0, vpos - 50), vpos):
            return None  # "to prevent an assault on Odesa": fighting feared, not fought
        # "a drone attack near X", "political pressure on Kyiv": no ground fighting at the place.
        around = text[max(0, vpos - 30):m.start("prep")]
        if any(word in _LEX.not_ground_words for word in _WORD.findall(around)):
            return None
        if len(_WORD.findall(m.group("mid"))) > family.max_gap:
            return None  # "improved its position and inflicted losses ... near X": another clause between
        if family.needs_force and not _FORCE_CONTEXT.search(text):
            return None  # "Western pressure on Moscow": attacks and advances are made by armed men
        confidence = family.confidence - (0.05 if prep in ("near", "toward", "towards", "close to") else 0.0)
        return _Hit(index, "contested", verb, None, vpos, confidence, claimed(vpos, None))

    def _nominal_hit(self, index: int, noun: str, vpos: int, right: str, actors: Sequence[Actor],
                     owner: str, claimed, partial: bool,  # type: ignore[no-untyped-def]
                     before: str = "") -> _Hit | None:
        by = _RIGHT_BY.match(right)
        by_side = self._side_of_text(by.group("actor")) if by else None
        possessor = self._agent([a for a in actors if a.end <= vpos and vpos - a.end <= 12], vpos)
        reporter = _REPORTED_NOUN.search(before)
        if possessor is None and reporter and noun not in _LOSS_NOUNS:
            # "The ministry reported the liberation of X": a side announces its own gain.
            said = reporter.start("verb")
            possessor = self._agent([a for a in actors if a.end <= said and said - a.end <= 30], vpos)
        admitted = _ADMITTED_NOUN.search(before) if noun == "loss" and possessor is None else None
        if admitted:
            # "The Ukrainian military confirmed the loss of X": the side that admits a loss is the loser.
            said = admitted.start("verb")
            possessor = self._agent([a for a in actors if a.end <= said and said - a.end <= 30], vpos)
        voted = self._votes(actors)
        if noun in _CONTEST_NOUNS:
            return _Hit(index, "contested", noun, None, vpos, 0.65, claimed(vpos, None))
        if noun in _WITHDRAW_NOUNS:
            loser = by_side or (possessor.side if possessor else None) or voted
            gainer = other_side(loser)
            return _Hit(index, "withdraw", noun, gainer, vpos, 0.75, claimed(vpos, gainer)) if loser else None
        if noun in _LOSS_NOUNS:
            to = _RIGHT_TO.match(right)
            gainer = self._side_of_text(to.group("actor")) if to else None
            if gainer is None and possessor:
                gainer = other_side(possessor.side)
            conf = 0.75
            if gainer is None and voted in (None, other_side(owner)):
                # "The fall of Bakhmut": a place falls to the side that did not hold it.
                gainer, conf = other_side(owner), 0.6
            if gainer is None:
                return None
            return _Hit(index, "contested" if partial else "change", noun, gainer, vpos, conf,
                        claimed(vpos, gainer), partial)
        side = by_side or (possessor.side if possessor else None)
        conf = 0.8
        if side is None and _NOUN_FAMILY[noun].retake:
            # "The liberation of X was completed, the Russian ministry said": the side that reports it gains.
            side = self._reporter_side(before + " " + right, len(before), actors)
            conf = 0.7
        if side is None:
            retake = _NOUN_FAMILY[noun].retake
            prior = owner if retake else other_side(owner)
            side = prior if voted in (None, prior) else None
            conf = 0.65 if voted == prior else 0.55
        if side is None:
            return None
        return _Hit(index, "contested" if partial else "change", noun, side, vpos, conf, claimed(vpos, side),
                    partial)

    def _flag_hit(self, index: int, left: str, actors: Sequence[Actor],
                  claimed) -> _Hit | None:  # type: ignore[no-untyped-def]
        best: tuple[int, str] | None = None
        for m in _FLAG_WORD.finditer(left):
            tail = left[m.end():]
            if MARK in tail or not _FLAG_TO_PLACE.match(tail):
                continue
            before = left[max(0, m.start() - 60):m.start()]
            if _FLAG_RAISED.match(tail):  # "the Ukrainian flag was raised over X": the flag's own side
                word = _FLAG_SIDE.search(before)
                side = self.lexicon.flags.get(word.group(1).lower()) if word else None
                if side:
                    best = (m.start(), side)
                continue
            verbs = list(_FLAG_VERB.finditer(before))
            if not verbs or _FLAG_DOWN.search(before):
                continue
            verb = verbs[-1]
            word = _FLAG_SIDE.search(before[verb.end():])
            side = self.lexicon.flags.get(word.group(1).lower()) if word else None
            if side is None:
                agent = self._agent(actors, m.start() - len(before) + verb.start())
                side = agent.side if agent else None
            if side:
                best = (m.start(), side)
        if best is None:
            return None
        return _Hit(index, "change", "flag", best[1], best[0], 0.8, claimed(best[0], best[1]))

    def _right_hits(self, index: int, pos: int, left: str, right: str, owner: str, actors: Sequence[Actor],
                    claimed) -> list[_Hit]:  # type: ignore[no-untyped-def]
        hits: list[_Hit] = []
        subject = _is_subject(left)
        conditional = bool(_CONDITIONAL_BEFORE.search(left[-60:]))
        for pattern, conf in ((RIGHT_PASSIVE, 0.9), (RIGHT_APPOSITIVE, 0.85)):
            m = pattern.match(right)
            if not m or conditional:
                continue
            verb = re.sub(r"\s+", " ", m.group("verb").lower())
            if verb == "taken" and _TAKEN_IDIOM.match(right, m.end("verb")):
                continue
            if pattern is RIGHT_PASSIVE:
                if _MODAL_PASSIVE.search(right[m.end("paren") if m.group("paren") else 0: m.start("verb")]):
                    continue
                if not m.group("rel") and not subject:
                    continue  # "the outskirts of Donetsk were captured": Donetsk is not what was taken
            elif m.group("aux") and not (m.group("det") or m.group("rel")):
                continue  # ", was captured" is a predicate, not an appositive: the passive rule reads it
            vpos = pos + 1 + m.start("verb")
            if verb in _CONTESTED_PARTICIPLES:
                hits.append(_Hit(index, "contested", verb, None, vpos, 0.7, claimed(vpos, None)))
                continue
            side = self._side_of_text(m.group("actor")) if m.group("actor") else None
            reporter = self._reporter_side(left + MARK + right, vpos, actors) \
                if side is None and _is_retake(verb) else None
            if reporter:
                # "X had been liberated, the Russian ministry said": each side "liberates" what it gains.
                side, conf = reporter, conf - 0.15
            elif side is None:
                retake = _is_retake(verb)
                side, conf = (owner if retake else other_side(owner)), conf - 0.25
            partial = pattern is RIGHT_PASSIVE and bool(re.search(r"\bpart(?:ly|ially)\b", m.group("mods"), re.I))
            hits.append(_Hit(index, "contested" if partial else "change", verb, side, vpos, conf,
                             claimed(vpos, side), partial))
        if conditional:
            return hits
        m = RIGHT_WHICH_ACTIVE.match(right)
        while m:
            side = self._side_of_text(m.group("actor"))
            if side:
                vpos = pos + 1 + m.start("verb")
                hits.append(_Hit(index, "change", m.group("verb").lower(), side, vpos, 0.85, claimed(vpos, side)))
            m = _WHICH_AGAIN.match(right, m.end())
        m = RIGHT_WHERE_FIGHTING.match(right)
        if m:
            vpos = pos + 1 + m.start("verb")
            hits.append(_Hit(index, "contested", m.group("verb"), None, vpos, 0.65, claimed(vpos, None)))
        m = RIGHT_WHERE_FLAG.match(right)
        flag_side = self.lexicon.flags.get(m.group("flag")) if m else None
        if m and flag_side:
            vpos = pos + 1 + m.start("verb")
            hits.append(_Hit(index, "change", "flag", flag_side, vpos, 0.75, claimed(vpos, flag_side)))
        m = RIGHT_SURRENDER.match(right)
        if m and _IN_PLACE_BEFORE.search(left[-40:]):
            # The subject that surrendered is the nearest actor before the place (losers included).
            near = [a for a in actors if a.end <= pos and pos - a.end <= 120 and not a.locative]
            gainer = other_side(near[-1].side) if near else None
            if gainer:
                vpos = pos + 1 + m.start("verb")
                hits.append(_Hit(index, "change", "surrendered", gainer, vpos, 0.7, claimed(vpos, gainer)))
        m = RIGHT_FELL.match(right)
        if m and (m.group("rel") or subject):
            side = self._side_of_text(m.group("actor"))
            if side:
                vpos = pos + 1 + m.start("verb")
                hits.append(_Hit(index, "change", m.group("verb").lower(), side, vpos, 0.85, claimed(vpos, side)))
        elif (under := RIGHT_UNDER.match(right)) and subject:
            side = self._side_of_text(under.group("actor"))
            if side:
                vpos = pos + 1 + under.start("verb")
                hits.append(_Hit(index, "change", "under", side, vpos, 0.7, claimed(vpos, side)))
        elif (bare := RIGHT_FELL_BARE.match(right)) and (bare.group("rel") or subject):
            gainer = other_side(owner)
            vpos = pos + 1 + bare.start("verb")
            hits.append(_Hit(index, "change", bare.group("verb"), gainer, vpos, 0.6, claimed(vpos, gainer)))
        return hits

    # -- articles ---------------------------------------------------------------------------------------
    def detect(self, article: Article) -> ArticleFindings:
        """Return the events and unresolved names of one article."""
        sentences = split_sentences(article.text)
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
        with_trigger = _lines_matching(_TRIGGER_HINT, lower_lines, starts)
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

        events: list[Event] = []
        unresolved: list[UnresolvedName] = []
        previous_side: _Side = None
        n_mentions = 0
        skipped_since = 0  # first sentence not yet read for actors
        # "ministry" -> side, from the article's earlier "Russian defence ministry"; sentences naming an
        # institution wait in `pending` until a bare "the ministry" needs them.
        institutions: dict[str, str] = {}
        pending: list[str] = []
        for number, (s, spots) in enumerate(zip(sentences, spots_by_sentence, strict=True)):
            if number in with_institution:
                pending.append(s.text)
            if number not in with_trigger:
                continue
            mentions = self._mentions(s.text, spots)
            n_mentions += len(mentions)
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
            found, names, previous_side = self._sentence_events(article, s, mentions, cues, previous_side,
                                                                (institutions, pending), number in with_history,
                                                                regions_said)
            events.extend(found)
            unresolved.extend(names)
        return ArticleFindings(tuple(merge_article_events(events)), tuple(unresolved), n_mentions)

    def _bare_institutions(self, text: str, actors: Sequence[Actor],
                           memory: tuple[dict[str, str], list[str]]) -> list[Actor]:
        """Return "the ministry", "the General Staff" as actors of the side the article named them with."""
        out = []
        institutions, pending = memory
        for m in _BARE_INSTITUTION.finditer(text):
            for sentence in pending:
                for actor in self.lexicon.find(sentence):
                    key = _institution_key(actor.text)
                    if key and not actor.locative:
                        institutions[key] = actor.side
            pending.clear()
            side = institutions.get(_institution_key(m.group("noun")) or "")
            if side and not any(a.start < m.end() and m.start() < a.end for a in actors):
                out.append(Actor(m.start(), m.end(), side, m.group(0)))
        return out

    def _sentence_events(self, article: Article, s: Sentence, mentions: list[_Mention], cues: Cues,
                         previous_side: _Side, memory: tuple[dict[str, str], list[str]] | None = None,
                         historical: bool = False, regions_said: dict[str, tuple[str, str]] | None = None,
                         ) -> tuple[list[Event], list[UnresolvedName], _Side]:
        """Return the events and unresolved names of a sentence, and the side its last actor stands for.

        `historical`: the sentence names a war of the past (the article reader finds those sentences).
        `regions_said`: the region (country, admin1) the article places a name in, anywhere in its text.
        """
        tmpl = self._template(s.text, mentions)
        institutions = bool(memory and _BARE_INSTITUTION.search(tmpl.lower))  # "the ministry said"

        def find_actors() -> list[Actor]:
            actors = self.lexicon.find(tmpl.text)
            if institutions and memory:
                actors = sorted(actors + self._bare_institutions(tmpl.lower, actors, memory), key=lambda a: a.start)
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
        if s.text.rstrip().endswith("?") or _DENIAL.search(tmpl.lower) \
                or historical:
            return [], [], last_side
        # Resolve only the names that patterns make candidates: cheap sentences stay cheap.
        for m in mentions:
            m.resolution = None
        hits = self._hits(tmpl, mentions, actors)
        if not hits:
            return [], [], last_side
        distance = self.gazetteer.distance_cues(s.text)  # "74 km southeast of Kharkiv", once per sentence
        # "in the Kupiansk direction", "Kharkiv region", "near Bakhmut": where the sentence puts its names.
        # Units and front sectors bind every name of the sentence; a circle ("near X", "south of X", "12 km from
        # X") binds only the names close to its anchor: "... regions, further south around Donetsk" does not.
        areas = self.gazetteer.within_cues(s.text)
        local = replace(cues, distance=distance) if distance else cues
        for index in {h.mention for h in hits}:
            mention = mentions[index]
            within = tuple(a for a in areas if not a.is_circle or a.sector
                           or _anchor_close(s.text, a.anchor, mention.start, mention.end))
            here = replace(local, within=within) if within else local
            mention.resolution = self.gazetteer.resolve(mention.surface, here, fuzzy=True)
        self._settle_by_neighbours(mentions, local)
        if any(m.resolution and m.resolution.best and side_of_country(m.resolution.best.country) != "UA"
               for m in mentions):
            hits = self._hits(tmpl, mentions, actors)  # again: a place's country decides captured vs retaken
        dates = find_dates(s.text, article.published)
        old_years = [m.start() for m in _OLD_YEAR.finditer(s.text)]
        events: list[Event] = []
        unresolved: list[UnresolvedName] = []
        for hit in hits:
            mention = mentions[hit.mention]
            res = mention.resolution
            kind_side = "contested" if hit.cls == "contested" else f"{hit.side}"
            if res is None or res.status != "resolved" or res.best is None:
                unresolved.append(UnresolvedName(
                    mention.surface, article.id, s.text, res.status if res else "unresolved",
                    res.candidates[:5] if res else (), f"{hit.cls} {kind_side}".strip()))
                continue
            place = res.best
            if place.country not in self.gazetteer.countries and place.source == "geonames":
                # A look-alike outside the theatre ("Zolota Balka" -> Valka, Latvia) is not the place reported.
                unresolved.append(UnresolvedName(mention.surface, article.id, s.text, "unresolved",
                                                 res.candidates[:5], f"{hit.cls} {kind_side}".strip()))
                continue
            if _far_from_the_article(place, cues.context_points):
                # A namesake hundreds of kilometres from every other place of the report is a look-alike.
                unresolved.append(UnresolvedName(mention.surface, article.id, s.text, "unresolved",
                                                 res.candidates[:5], f"{hit.cls} {kind_side}".strip()))
                continue
            if mention.region_suffix and self.gazetteer.region_of(mention.surface) == (place.country, place.admin1):
                continue  # "Kharkiv region" is the oblast, not the city
            said = _REGION_APPOSITION.match(s.text, mention.end)
            region = self.gazetteer.region_of(said.group(1)) if said else (regions_said or {}).get(mention.surface)
            if region and region != (place.country, place.admin1):
                # A namesake in another region is not the place reported ("Makiivka, Luhansk Oblast").
                unresolved.append(UnresolvedName(mention.surface, article.id, s.text, "unresolved",
                                                 res.candidates[:5], f"{hit.cls} {kind_side}".strip()))
                continue
            anchor = tmpl.sentence_pos(hit.trigger_pos)
            event = self._event(article, s, mention, place, hit, dates, res.method, anchor)
            if event.date and event.date < _WAR_START or (event.date_note == "publication date"
                                                          and any(abs(y - anchor) <= 80 for y in old_years)):
                continue  # a change before this war ("liberated Kharkiv in August 1943", "fell in 1855")
            events.append(event)
        return events, unresolved, last_side

    def _settle_by_neighbours(self, mentions: list[_Mention], cues: Cues) -> None:
        """Decide ambiguous names by the places named beside them in the sentence and the article."""
        if not any(m.resolution and m.resolution.status == "ambiguous" for m in mentions):
            return
        points = []
        for m in mentions:
            res = m.resolution or self.gazetteer.resolve(m.surface, cues, fuzzy=False)
            if res.status == "resolved" and res.best is not None:
                points.append((res.best.lat, res.best.lon))
        # The places of the same sentence first (a list names neighbours), then those of the whole article.
        for m in mentions:
            if m.resolution and m.resolution.status == "ambiguous":
                m.resolution = settle_by_neighbours(m.resolution, points)
            if m.resolution and m.resolution.status == "ambiguous":
                m.resolution = settle_by_neighbours(m.resolution, [*points, *cues.context_points])

    def _event(self, article: Article, s: Sentence, mention: _Mention, place: Place, hit: _Hit,
               dates: Sequence[DateMention], method: str, anchor: int) -> Event:
        confidence = hit.confidence
        if mention.region_suffix:
            confidence -= 0.15
        if method == "fuzzy":
            confidence -= 0.1
        if hit.claimed:
            confidence -= 0.05
        date, precision, note = _event_date(dates, anchor, article.published, s.text)
        if hit.cls == "contested":
            kind, side = "contested", None
        elif hit.cls == "withdraw":
            kind, side = "withdrawn", hit.side
        else:
            side = hit.side
            kind = "retaken" if side == side_of_country(place.country) else "captured"
        return Event(
            place=place, surface=mention.surface, kind=kind, side=side, date=date, date_precision=precision,
            claimed=hit.claimed, confidence=round(max(0.05, min(1.0, confidence)), 3), article_id=article.id,
            sentence=s.text, outlet=article.outlet, url=article.url, title=article.title,
            published=article.published, date_note=note,
        )


# This war began in 2014: a change dated earlier (Kharkiv 1943, Sevastopol 1855) is history, not an event.
_WAR_START = dt.date(2014, 1, 1)
# A year before the war that the date reader does not take (it reads 1900-2099): "fell in 1855", "in 1783".
_OLD_YEAR = compile_factored(r"\b(?:1[0-8]\d\d|19\d\d|200\d|201[0-3])\b")
# Wars and armies of the past: their captures and sieges are history whatever date the sentence carries.
_HISTORY = _lower_re(r"\b(?:second\s+world\s+war|first\s+world\s+war|world\s+war\s+(?:i|ii|one|two|1|2)|ww\s?ii?|"
                     r"great\s+patriotic\s+war|crimean\s+war|civil\s+war\s+of\s+19\d\d|red\s+army|wehrmacht|"
                     r"soviet\s+(?:troops|forces|army|soldiers|armies)|ussr|leningrad|stalingrad|napoleon\w*|bolsheviks?|white\s+army|ottoman\w*|tsarist)\b")


_HISTORY_LINES = _within_lines(_HISTORY)
_INSTITUTION_HINT_LINES = _within_lines(_INSTITUTION_HINT)
# Rare words: finding them with str.find and trying the pattern there beats a regex scan of the article.
_HISTORY_PREFIXES = word_prefixes(source_of(_HISTORY))
_INSTITUTION_PREFIXES = word_prefixes(source_of(_INSTITUTION_HINT))

_RELATIVE_GAP = compile_factored(r",\s*(?:which|who|whom|whose|where)\b", re.I)
# "the base of the Russian group since April": a state's start, not the event
_SINCE = compile_factored(r"since\b", re.I)


def _event_date(dates: Sequence[DateMention], anchor: int, published: dt.date | None,
                sentence: str = "") -> tuple[dt.date | None, str, str]:
    """Pick the date expression nearest the trigger word; else the publication date."""
    # A date after the trigger behind ", which ..." belongs to the relative clause ("recaptured X, which
    # Russia had held since March").
    dates = [d for d in dates if d.start < anchor or not _RELATIVE_GAP.search(sentence, anchor, d.start)]
    if dates:
        def distance(d: DateMention) -> int:
            gap = sentence[d.end:anchor] if d.end <= anchor else sentence[anchor:d.start]
            # A date across a comma most often belongs to another clause ("X, which fell in May, was retaken").
            penalty = (40 if re.search(r"[,;]", gap) else 0) + (60 if _SINCE.match(sentence, d.start) else 0)
            return min(abs(d.start - anchor), abs(d.end - anchor)) + penalty

        nearest = min(dates, key=distance)
        if published is None or nearest.date <= published:
            return nearest.date, nearest.precision, nearest.note
    if published is None:
        return None, "day", ""
    return published, "day", "publication date"


def _stronger(a: Event, b: Event) -> bool:
    return (a.confidence, not a.claimed) > (b.confidence, not b.claimed)


def merge_article_events(events: Sequence[Event], days: int = 31) -> list[Event]:
    """Keep one event per (article, place, kind and side, month-long span): the best supported.

    Reports weeks apart are different changes (a town lost in spring, retaken in autumn). Two readings of
    the same article that give the same place to opposite sides within a few days cannot both be right:
    the weaker one is dropped.
    """
    groups: dict[tuple[str, str, str, str | None], list[Event]] = {}
    for event in events:
        key = (event.article_id, event.place.key, event_class(event.kind), event.side)
        groups.setdefault(key, []).append(event)
    kept: list[Event] = []
    for group in groups.values():
        group.sort(key=lambda e: e.date or dt.date.max)
        cluster: list[Event] = []
        for event in group:
            if cluster and not (event.date and cluster[0].date and (event.date - cluster[0].date).days <= days) \
                    and not (event.date is None and cluster[0].date is None):
                kept.append(max(cluster, key=lambda e: (e.confidence, not e.claimed)))
                cluster = []
            cluster.append(event)
        kept.append(max(cluster, key=lambda e: (e.confidence, not e.claimed)))
    changes = [e for e in kept if event_class(e.kind) == "change"]
    dropped = {id(e) for e in changes for o in changes
               if o is not e and o.article_id == e.article_id and o.place.key == e.place.key and o.side != e.side
               and e.date and o.date and abs((e.date - o.date).days) <= 3 and _stronger(o, e)}
    return sorted((e for e in kept if id(e) not in dropped), key=Event.sort_key)
