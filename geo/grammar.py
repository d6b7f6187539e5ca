"""The detector's constructions: where a place stands relative to its trigger, as patterns over a template.

A sentence becomes a template in which every candidate place name is `§`; the patterns here read the words
before a mark (active voice, nominalizations, movement, withdrawal, fighting, the military-report register) and
after it (passive, apposition, relative clauses, falls). Their trigger words come from the lexicon
(geo/data/lexicon.json); the keyword index and the sentence pre-filter are derived from the patterns.
"""

from __future__ import annotations

import re

from .factor import compile_factored, leading_words, source_of
from .lexicon import default_lexicon

MARK = "§"

WINDOW = 240  # characters before a place name in which its trigger is looked for

LEXICON = default_lexicon()


def lower_re(pattern: str) -> re.Pattern[str]:
    """Compile a pattern that runs on lower-cased text: case-blind matching is several times slower in `re`."""
    bare = re.sub(r"\\[A-Za-z]|\(\?P<\w+>|\(\?P=\w+\)", "", pattern)
    if any(c.isupper() for c in bare):
        raise ValueError(f"pattern for lower-cased text has a capital letter: {pattern[:60]!r}")
    return compile_factored(pattern)

# -- building blocks of the patterns (template space: place names are "§") -------------------------------
SEP = (r"(?:\s*,\s*(?:and\s+|or\s+|as\s+well\s+as\s+)?(?:then\s+|later\s+)?|"  # "X, then Y", "X and later Y"
        r"\s+(?:and|or|&|as\s+well\s+as)\s+(?:then\s+|later\s+|also\s+)?)")

# "Rubizhne, next to Severodonetsk, and Dzerzhynsk": a short locating apposition between two items of a list.
# Not "north of X": between a verb and its object that reads as part of a place (PARTIAL).
_LOCATING = (r"(?:\s*,\s*(?:(?:next\s+to|near|close\s+to|outside)\s+[^,.;:§]{0,30}?§?|"
             # "Shevchenkove, a district centre west of Kupiansk, and ...", "X, in the neighbouring Y region, and ..."
             r"(?:an?|two|three|four|five|both)\s+(?:[\w'’-]+\s+){0,3}?(?:village|town|city|settlement|hamlet|"
             r"district\s+cent(?:re|er)|suburb|hub)s?\b[^,.;:§]{0,30}?§?|in\s+the\s+(?:[\w'’-]+\s+)?§\s+(?:region|oblast|province)|"
             # "Zaoleshenka, northeast of Sudzha, as well as Makhnovka"
             r"(?:(?:\d+|a\s+few)\s+(?:km|kilometres|kilometers|miles)\s+)?(?:north|south)?-?(?:east|west)?(?<=[a-z])\s+of\s+§)"
             r"(?=\s*,))?")

# "into the town of X ... and into the village of Y": the preposition may be said again after "and".
_COORD_BEFORE = (rf"(?:§(?:\s+(?:regions?|districts?|areas?))?"
                 rf"(?:\s+(?:in|of)\s+(?:the\s+)?(?:§\s+(?:region|oblast|province|community|hromada|district|raion)|"
                 rf"(?:§|[\w'’-]+)\s+people['’]s\s+republic))?"
                 rf"{_LOCATING}{SEP}"
                 rf"(?:(?:(?<=and\s)|(?<=as\s))(?:into|in|near|around|towards?|in\s+the\s+direction\s+of)\s+)?"
                 rf"(?:(?:the\s+)?(?:[\w-]+\s+){{0,2}}?(?:town|city|village|settlement|hamlet)s?\s+of\s+)?)*")

# "captured Avdiivka and Kostiantynivka came under fire": the name after "and" begins a clause of its own.
NEW_CLAUSE_AFTER = lower_re(r"\s+(?:came|comes|was|were|is|are|remained|remains|has|have|had|stayed|stays|saw|sees|"
                            r"faced|faces|continued|continues|suffered|suffers|lies|lay)\b")

VERBAL_FAMILIES = frozenset({"change", "lose", "enter", "withdraw", "fight"})

_NOT_FILLER = r"(?!(?:near|around|outside|of|from|in|into|to|at|by|toward|towards|beyond|behind|close|south|north|" \
              r"east|west|and|or|but|while|which|that|where|with)\b)"

_ADJ = (r"(?:(?:strategic(?:ally\s+important)?|key|central|downtown|eastern|western|southern|northern|north-?eastern|"
        r"south-?eastern|neighbou?ring|"
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

PARTIAL = lower_re(r"\b(?:outskirts|approaches|edge|edges|part|parts|half|east|west|north|south|eastern\s+part|"
                   r"districts?|neighbou?rhoods?|quarters?|streets|microdistricts?|"
                   r"western\s+part|northern\s+part|southern\s+part|most|bulk|environs|vicinity)"
                   r"\s+of\b|\b(?:central|downtown)\s+$")  # "advanced into central Huliaipole"

# "the following settlements: X, Y", "namely X and Y": a list announced before it begins.
_LIST_OPENER = (r"(?:(?:(?:[\w'’-]+\s+){0,2}?(?:settlements|villages|towns|localities|places)(?:\s+(?:in|of)\s+"
                r"(?:the\s+)?(?:§(?:\s*(?:,|and)\s*§)*(?:\s+(?:oblast|region|province|district|direction|sector)s?)?|"
                r"[\w'’-]+\s+(?:oblast|region|province|district)))?"
                r"\s*)?(?:(?:,\s*)?(?:"
                + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in LEXICON.list_openers) + r")\s*:?|:|"
                r"(?:(?<=settlements)|(?<=villages)|(?<=localities)|(?<=towns))\s*,)\s*)?")

_OBJ = (rf"(?:(?:the|a|an)\s+)?{_ADJ}(?:(?:{_NOT_FILLER}[\w'’-]+\s+){{0,3}}?{_NOUN_OF}\s+of\s+(?:(?:the|a|an)\s+)?"
        rf"{_ADJ}){{0,2}}{_LIST_OPENER}{_COORD_BEFORE}$")

_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|"
           r"apr|jun|jul|aug|sept?|oct|nov|dec)")

# The verbs and nouns of every family come from the lexicon (geo/data/lexicon.json), every form generated.
_CHANGE_VERBS = (LEXICON.verbs("change") +
                 # "Russian forces now control X": a holder stated with "now" tells of a change
                 r"|now\s+(?:fully\s+|completely\s+|effectively\s+)?controls?|"
                 r"now\s+in\s+(?:full\s+|complete\s+|total\s+)?control\s+of")

_CONTROL = f"(?:{LEXICON.control_phrases()})"

NOUN_FAMILY = LEXICON.noun_families()

_NOUN_ALTERNATION = "|".join(sorted((re.escape(n) for n in NOUN_FAMILY), key=lambda n: (-len(n), n)))

_FORCES = r"(?:(?:its|their|his|our|the|[\w-]+)\s+(?:[\w-]+\s+)?(?:troops|forces|units|soldiers|tanks|fighters)\s+)"

LEFT_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # A verb in single quotes ("its troops had 'liberated' X") reads as the verb: double quotes are dropped.
    ("change", lower_re(rf"(?<![\w-])(?P<verb>{_CONTROL}|{_CHANGE_VERBS})['’]?\s+(?:back\s+)?{_OBJ}")),
    # The subject gives the place up: "Ukraine lost control of X", "ceded X", "handed X over".
    ("lose", lower_re(
        rf"\b(?P<verb>(?:lost|losing|loses|lose)\s+(?:full\s+|complete\s+|all\s+)?control\s+(?:of|over)|"
        rf"{LEXICON.verbs('lose')})\s+{_OBJ}")),
    ("enter", lower_re(
        rf"\b(?P<verb>{LEXICON.verbs('enter')}|(?:{LEXICON.presence()})\s+(?:(?:operating|fighting)\s+)?in|"
        # "footage shows Ukrainian soldiers in X": armed men seen there, named after the verb
        rf"(?:shows|showed|show|showing)\s+(?:[\w'’-]+\s+){{0,3}}?(?:{LEXICON.alternation(LEXICON.force_nouns)})\s+"
        rf"(?:(?:operating|fighting|patrolling|walking|standing|moving)\s+)?(?:inside|in)|(?:{LEXICON.movement()})\s+{_FORCES}?(?:on\s+\w+day\s+|overnight\s+|yesterday\s+|today\s+)?into|(?:returned|returning)\s+(?:(?:on\s+)?\w+day\s+|yesterday\s+|today\s+)?to|"
        rf"reached\s+the\s+(?:centre|center)\s+of|patrolled|patrolling|patrol|"
        rf"(?:raised|hoisted|planted|raising|hoisting|planting)\s+(?:a\s+|the\s+|their\s+|its\s+)?flags?\s+"
        rf"(?:over|in|above|on))\s+{_OBJ}")),
    ("withdraw", lower_re(
        rf"\b(?P<verb>(?:pulled|pulling|pulls|pull|brought|bringing)\s+(?:(?:its|their|his|our|the|all)\s+)?"
        rf"(?:[\w-]+\s+){{0,2}}?(?:forces|troops|units|soldiers|fighters|garrison)\s+(?:out|back)|"
        rf"{LEXICON.verbs('withdraw')})\s+"
        rf"(?:(?:its|their|his|our|the|all|remaining)\s+(?:[\w-]+\s+){{0,2}}?(?:forces|troops|units|soldiers|"
        rf"fighters|garrison|contingent)\s+)?(?:(?:present|stationed|deployed|remaining)\s+)?"
        rf"(?:(?:from|out\s+of|in|of)\s+|"
        # "withdrew to new positions west of X": the place left behind
        rf"to\s+(?:new\s+|more\s+(?:advantageous|favou?rable)\s+|prepared\s+|defensive\s+)?(?:positions|lines)\s+"
        rf"(?:(?:just|further|farther)\s+)?(?:north|south)?-?(?:east|west)?(?:ern)?(?<=[a-z])\s+of\s+)?{_OBJ}")),
    ("expel", lower_re(
        rf"\b(?P<verb>pushed|pushing|drove|driving|driven|forced|forcing|kicked|kicking|expelled|expelling|ousted|"
        rf"ousting|threw|throwing|cleared|clearing)\s+(?P<obj>(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){{0,2}}?)\s+"
        rf"(?:out\s+of|from|back\s+from)\s+{_OBJ}")),
    ("nominal", lower_re(
        rf"\b(?P<verb>{_NOUN_ALTERNATION})\s+(?:of|from|for|on|against)\s+{_OBJ}")),
    ("contest", lower_re(
        rf"\b(?P<verb>{LEXICON.triggers('fight')})\s+"
        # "battling Russian troops in the streets of X", "clashed with Ukrainian forces near X"
        rf"(?:(?:with\s+)?(?:the\s+)?(?:russian|ukrainian|enemy|russia['’]s|ukraine['’]s)\s+(?:[\w-]+\s+)?"
        rf"(?:troops|forces|units|soldiers|fighters|army)\s+)?"
        rf"(?:(?:continued|continues|continue|continuing|raged|rages|raging|is|was|were|are|still|also|again|going\s+on|"
        rf"ongoing|underway|erupted|broke\s+out|intensified|persisted|persists|reported|heavy|fierce|intense|"
        rf"flared|flares|flared\s+up|resumed|escalated|unabated|"
        rf"active|street)\s+)*(?P<prep>(?:in|around|for|near|on|over|at|inside|outside|within|across|along)\s+"
        rf"(?:and\s+(?:in|around|near)\s+)?)?{_OBJ}")),
]

# The military-report register: "repelled 14 attacks near X, Y and Z", "continued offensive operations in the
# Pokrovsk direction near X", "advanced toward X". A trigger of a fight family, a few words that are no new clause
# (a place followed by a direction word may stand among them), a preposition of place, then the place or a list.
FIGHT_TRIGGER_FAMILY = LEXICON.fight_triggers("report")

# "on the south-eastern approaches to X": the side named between (generic), then the lexicon's prepositions.
_FIGHT_PREPOSITIONS = (r"(?:on|at|to|toward|towards)\s+the\s+(?:north|south)?-?(?:east|west)?(?:ern)?(?<=[a-z])\s+"
                       r"(?:outskirts|approaches|edges?)\s+(?:of|to)|"
                       # "advanced northwest of X" (an advance only: see COMPASS_OF)
                       r"(?:north|south)-?(?:east|west)\s+of|(?:north|south|east|west)\s+of|") + "|".join(
    sorted((re.escape(p).replace(r"\ ", r"\s+") for p in LEXICON.fight_prepositions), key=lambda p: (-len(p), p)))

DIRECTION_WORDS = "|".join(LEXICON.direction_words)

# A bearing from a place as the place of an advance: "Ukrainian forces advanced northwest of Klishchiivka".
COMPASS_OF = re.compile(r"(?:north|south)?-?(?:east|west)?(?<=[a-z])\s+of")

_FIGHT_FILLER = (r"(?:\s*\((?:both\s+|all\s+)?[^()§]{0,30}?§?\)"  # "near X and Y (both south of Z) and near W"
                 r"|\s+(?:(?!(?:while|but|which|who|whom|where|when|although|though|whereas|after|before|because|"
                 r"since|said|says|say|told|according|as|and\s+(?:then\s+)?(?:the\s+)?§\s+(?!direction|and\b|or\b))\b)[\w'’-]+|§)"
                 r"|\s*;(?:\s+and)?|\s*,\s+(?:including|notably|mainly|mostly|particularly|especially|(?:most|many|all|"
                 r"some|several|half|the\s+majority|the\s+bulk|dozens)\s+of\s+them)(?=\s+(?:near|around|in)\b)"
                 # "attacked the town from the east, near X and Y": where, said again after a comma
                 r"|\s*,(?=\s+(?:near|around|close\s+to|in\s+the\s+(?:general\s+)?areas?\s+of|on\s+the\s+outskirts\s+of)\s)"
                 # "inflicted defeat on a mechanised brigade, an airmobile brigade and two ... brigades near X"
                 r"|\s*,(?=\s+(?:an?|the|two|three|four|five|six|\d+)\s+(?:[\w-]+\s+){0,3}?(?:brigades?|battalions?|"
                 r"regiments?|units|groups|divisions?|formations)\b))"
                 r"{0,24}?")

_FIGHT_TRIGGERS = "|".join(sorted((re.escape(t).replace(r"\ ", r"\s+") for t in FIGHT_TRIGGER_FAMILY),
                                  key=lambda t: (-len(t), t)))


LEFT_PATTERNS.append(("fight", lower_re(
    rf"\b(?P<verb>{_FIGHT_TRIGGERS})"
    rf"(?P<mid>{_FIGHT_FILLER})\s+(?P<prep>{_FIGHT_PREPOSITIONS})\s+{_OBJ}")))

# A change announced for a number of places, then listed: "ten settlements were liberated, among them X and Y",
# "captured 12 villages this week. Among them: X, Y" (the reader joins such a sentence to its list, see
# join_announced_lists). The passive needs its count-noun subject (COUNT_SUBJECT), the active its object.
_COUNT_NOUN = LEXICON.alternation(LEXICON.count_nouns)
_CONTINUATION_OPENERS = LEXICON.alternation(
    (*(w for w in LEXICON.list_openers if w not in LEXICON.count_nouns), *LEXICON.list_continuations))
_ANNOUNCED_GAP = (r"(?:[^§;]|§(?:\s*(?:,|and)\s*§)*\s+(?:oblast|region|province|district|raion|direction|sector|"
                  r"axis|axe|hromada|communit(?:y|ie))s?){0,100}?")
LEFT_PATTERNS.append(("announced", lower_re(
    rf"(?<![\w-])(?P<verb>{_CONTROL}|{LEXICON.verbs('change')}|claimed|claims|claiming)(?P<count>\s+(?:[\w'’-]+\s+){{0,4}}?(?:{_COUNT_NOUN}))?\b"
    rf"{_ANNOUNCED_GAP}(?:[,.:—–-]\s*(?:{_CONTINUATION_OPENERS})\b(?:\s+(?:are|were|is|was|include|included))?|"
    rf"(?<=[a-z])\s*:|(?<=[a-z])\s*[—–]|(?<=[a-z])\s+-)"
    rf"(?:\s*,?\s*in\s+(?:the\s+)?§\s+(?:oblast|region|province|district)s?)?\s*[:—–-]?\s*{_COORD_BEFORE}$")))

# The counted places named after their verb: "Among the settlements that returned under Ukrainian control are X and
# Y", "the villages captured this week include X". The reader checks the count noun before the verb (COUNT_BEFORE).
LEFT_PATTERNS.append(("listed_after", lower_re(
    rf"(?<![\w-])(?P<verb>{LEXICON.participles('passive', 'change')}|(?:returned|came|passed|brought)\s+(?:back\s+)?"
    rf"(?:under|into)|liberated)\b(?P<rest>[^§.;:]{{0,60}}?)\s+(?:are|were|include|included|includes|being)\s*:?\s*"
    rf"{_COORD_BEFORE}$")))

# Part of a place held: "the allied forces controlled about half of Ukrainsk", "troops still hold the northern part of
# Pokrovsk", "Russian troops occupy 80 percent of the town": fought over, not taken.
LEFT_PATTERNS.append(("hold_part", lower_re(
    r"\b(?P<verb>(?:control|controls|controlled|controlling|hold|holds|held|holding|occupy|occupies|occupying)\s+"
    r"(?:(?:only|about|roughly|nearly|almost|around|over|some|still|now|already)\s+|more\s+than\s+|less\s+than\s+)*"
    r"(?:half|most|much|part|parts|two-thirds|three-quarters|a\s+(?:third|quarter|(?:small\s+|large\s+)?part)|"
    r"\d+\s*(?:%|percent|per\s+cent)|the\s+(?:(?:north|south)?-?(?:east|west)?(?:ern)?|central|centre|center|"
    r"rest|bulk|remainder)(?<=[a-z])(?:\s+(?:part|parts|districts?|half|outskirts|neighbou?rhoods?|quarters?))?)"
    rf"\s+of)\s+{_OBJ}")))

COUNT_BEFORE = lower_re(rf"\b(?:{_COUNT_NOUN})\s+(?:that\s+|which\s+)?(?:(?:have|has|had|were|was)\s+)?"
                        rf"(?:(?:been|now|already|recently|just|reportedly)\s+)*$")

COUNT_SUBJECT = lower_re(rf"\b(?:{_COUNT_NOUN}|the\s+following)\s+(?:[\w'’§-]+\s+){{0,6}}?"
                         rf"(?:has|have|had|were|was|are|is)\s+"
                         rf"(?:[\w-]+\s+){{0,2}}?(?:been\s+)?(?:[\w-]+\s+)?$")

# A sentence that begins with a list opener goes on with the list its previous sentence announced.
LIST_CONTINUES = lower_re(rf"^(?:{_CONTINUATION_OPENERS})\b")
LIST_ANNOUNCED = lower_re(rf"\b(?:{_COUNT_NOUN}|the\s+following)\b")
# A change verb and a colon a few words after it: "the four it said it had taken on Saturday: A, B".
COLON_SOON = re.compile(r"[^§:;]{0,30}:")  # used with match(text, pos)

# Groups tried only in sentences with a word they cannot do without (a counted noun; a share of a place).
GROUP_NEEDS = {
    "announced": LIST_ANNOUNCED, "listed_after": LIST_ANNOUNCED,
    "hold_part": lower_re(r"\b(?:half|most|much|part|parts|third|quarter|thirds|quarters|percent|per\s+cent|"
                          r"north\w*|south\w*|east\w*|west\w*|central|centre|center|rest|bulk|remainder)\b|%"),
}


# The report register with its place said first: "In the area of X, assault groups improved their tactical position",
# "Near X, to the west, Ukrainian units counterattacked", "In the city of X, assault units are waging battles".
FRONTED_PLACE = lower_re(
    r"^(?:(?:on|in)\s+the\s+§\s+(?:direction|sector|axis),\s*)?(?:further\s+\w+,\s*|meanwhile,\s*)?"
    r"(?:in\s+the\s+(?:general\s+)?areas?\s+of|near|around|in\s+the\s+vicinity\s+of|on\s+the\s+(?:[\w-]+\s+)?"
    r"(?:outskirts|approaches)\s+(?:of|to)|in|inside|outside)\s+(?:the\s+)?"
    r"(?:(?:city|town|village|settlements?|villages)\s+of\s+)?(?:§\s*(?:,\s*(?:and\s+)?|and\s+|or\s+))*$")
FRONTED_CLAUSE = lower_re(
    rf"^(?:{SEP}§)*(?:\s+(?:of|in)\s+(?:the\s+)?§\s+(?:region|oblast|people['’]s\s+republic))?(?:\s+itself)?"
    rf"(?:\s*,\s*(?:to\s+the\s+\w+|[\w'’-]+(?:\s+[\w'’-]+){{0,3}}?\s+of\s+§))?\s*,\s*"
    rf"(?P<clause>(?:(?!(?:said|says|say|told|claimed|claims|reported|according|announced|stated)\b)[\w'’-]+\s+)"
    rf"{{0,8}}?)(?P<verb>{_FIGHT_TRIGGERS})\b")


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
LEFT_KEYWORD_WORDS = {name: leading_words(_verb_group(pattern)) for name, pattern in LEFT_PATTERNS}

# Where any of them begins: one scan for all.
ANY_LEFT_KEYWORD = lower_re(r"\b(?:" + "|".join(sorted(set().union(*LEFT_KEYWORD_WORDS.values()),
                                                          key=lambda w: (-len(w), w))) + r")\b")

LETTERS = re.compile(r"[a-z]+")

RIGHT_PASSIVE = lower_re(
    # "Irpin, Bucha, Hostomel and the whole Kyiv region had been liberated": the region closes the list
    rf"^(?:{SEP}(?:(?:the\s+(?:entire|whole)\s+)?§|the\s+(?:entire|whole)\s+(?:§|[\w'’-]+)\s+(?:region|oblast)))*"
    rf"(?:\s+(?:regions?|districts?))?(?:\s+itself)?"
    # "Vuhledar (Ugledar) was ...", "Novohrodivka in the Donetsk region has been ..."
    rf"(?:\s*\([^()]{{1,40}}\))?(?:\s+(?:in|of)\s+(?:the\s+)?§(?:\s+(?:regions?|oblasts?|provinces?|districts?|"
    rf"hromadas?|communit(?:y|ies)))?(?:\s+of\s+§\s+(?:oblast|region))?)?"
    rf"(?P<paren>\s*,\s*(?:which|who|a|an|the|once|formerly|now|home\s+to|until|after|before|occupied|captured|"
    rf"seized|held|taken|controlled|located|situated|lying|on|near|north|south|east|west|northeast|northwest|adjacent|"
    rf"close|next|just|some|about|both|each|along|also|"
    rf"southeast|southwest|between)\b(?:[^,;()]|(?<=\d),(?=\d{{3}}))" r"{1,90},)?\s*,?\s*(?P<rel>which\s+|that\s+)?"
    rf"(?P<aux>(?:has|have|had)\s+(?:(?:all|both|also|now|already|since)\s+)*been|"
    rf"was|were|is|are|being|been|got|gets|remains|remained|remain)\s+(?P<mods>(?:(?:now|finally|fully|completely|just|reportedly|recently|"
    rf"officially|also|already|again|effectively|largely|successfully|eventually|quickly|not|never|soon|mostly|partly|"
    rf"partially|briefly|temporarily|first|later|then|subsequently)\s+)*)"
    rf"(?P<verb>{LEXICON.participles('passive')}|claimed(?=\s+by\b))\b"
    rf"(?:\s+(?:back\s+)?(?:by|to)\s+(?P<actor>[^,;.]{{1,60}})|\s+of\s+(?P<loser>[^,;.]{{1,60}}))?")

# "Kramatorsk had been abandoned by the insurgents", "Russian forces in the Balakliia and Izium areas were being
# regrouped": a withdrawal in the passive; the agent after "by", or the forces "in X" before it, is the loser.
_WITHDRAW_PARTICIPLES = "|".join(p for p in LEXICON.participles("active", "withdraw").split("|")
                                 if not re.search(r"driven|pushed|forced|ousted|expelled", p))
RIGHT_WITHDRAWN = lower_re(
    rf"^(?:{SEP}§)*(?:\s+(?:areas?|districts?|sectors?))?\s*,?\s*"
    rf"(?:(?:has|have|had)\s+(?:(?:also|now|already|reportedly)\s+)?been|was|were|is|are)\s+"
    rf"(?:being\s+)?(?:(?:also|now|fully|completely|reportedly|already|partially|partly)\s+)*"
    rf"(?P<verb>{_WITHDRAW_PARTICIPLES})\b(?:\s+by\s+(?P<actor>[^,;.]{{1,60}}))?")

FORCES_IN_BEFORE = lower_re(rf"\b(?P<forces>(?:[\w'’-]+\s+){{0,3}}?(?:{LEXICON.alternation(LEXICON.force_nouns)}))\s+"
                            rf"(?:(?:stationed|deployed|based|present|fighting)\s+)?in\s+(?:the\s+)?$")

RIGHT_APPOSITIVE = lower_re(
    r"^\s*,\s*(?P<det>(?:a|an|the|which|that)\s+)?(?:(?!(?:by|which|that|where|who|and|but|near|in)\b)[\w'’-]+\s+)"
    r"{0,6}?(?P<rel>(?:which|that)\s+)?(?P<aux>(?:was|were|had\s+been|has\s+been|is)\s+)?(?:(?:just|recently|newly|only|now|already|"
    r"finally|fully)\s+)*(?P<verb>" + LEXICON.participles("appositive") + r")\b"
    r"(?:\s+(?:back\s+)?(?:by|from)\s+(?P<actor>[^,;.]{1,60}))?")

_WHICH_VERB = (r"(?:has\s+|had\s+|have\s+)?(?:(?:now|just|recently|finally|reportedly|later|then|briefly)\s+)*"
               r"(?P<verb>" + LEXICON.past_forms("relative") + r"|claimed(?=\s*[,.;]|\s+(?:on|in|last|this|earlier|"
               r"late|early|at|by)\b))\b")  # "X, which Russia claimed on 16 November"

# "X, which Russian troops seized", "X and Y, two villages that Ukraine liberated in 2023 and that Russian
# troops recaptured in 2024": the relative clause may hang on an appositive ("two villages") and repeat.
RIGHT_WHICH_ACTIVE = lower_re(
    rf"^(?:{SEP}§)*\s*,\s*(?:(?:a|an|the|two|three|four|five|both|several)\s+(?:[\w'’-]+\s+){{0,3}}?)?"
    rf"(?:which|that)\s+(?P<actor>[^,;.]{{1,40}}?)\s+{_WHICH_VERB}")

WHICH_AGAIN = lower_re(rf"[^,;.]{{0,80}}?\s+(?:and|but)\s+(?:which|that)\s+(?P<actor>[^,;.]{{1,40}}?)\s+"
                       rf"{_WHICH_VERB}")

# "X, where street fighting was under way": the place is fought over.
RIGHT_WHERE_FIGHTING = lower_re(
    rf"^(?:{SEP}§)*(?:\s+itself)?\s*,\s*(?:where|in\s+which)\s*,?\s+(?:according\s+to\s+[^,;.]{{1,40}},\s+)?"
    rf"(?:[\w'’-]+\s+){{0,4}}?(?P<verb>{LEXICON.triggers('fight')})\b")

# "X, where they raised the Ukrainian flag over the village council": the flag's side holds the place.
RIGHT_WHERE_FLAG = lower_re(
    rf"^(?:{SEP}§)*\s*,\s*where\s+(?:[\w'’-]+\s+){{0,4}}?(?P<verb>raised|hoisted|planted|unfurled|put\s+up)\s+"
    r"(?:the\s+|a\s+|their\s+|its\s+)?(?P<flag>ukrainian|russian|ukraine['’]s|russia['’]s|soviet)\s+(?:national\s+)?flag")

# "the last Ukrainian fighters holed up in Mariupol had surrendered": the place goes to the other side.
RIGHT_SURRENDER = lower_re(r"^\s+(?:(?:had|have|has)\s+)?(?:(?:finally|now|all|reportedly)\s+)?"
                           r"(?P<verb>surrendered|capitulated|laid\s+down\s+(?:their\s+)?arms)\b")

RIGHT_FELL = lower_re(
    rf"^(?:{SEP}§)*\s*,?\s*(?P<rel>(?:(?:a|an|the)\s+(?:[\w'’-]+\s+){{0,4}}?)?(?:which|that)\s+)?"
    # "was returned to Ukrainian control", "had also been returned to"
    rf"(?:(?:has|had|have)\s+(?:(?:also|now|all|both|since)\s+)*(?:been\s+)?|(?:was|were|is|are)\s+)?"
    rf"(?:(?:finally|reportedly|just|eventually|already|effectively|now)\s+)*(?P<verb>fell|falls|fallen|came|comes|"
    rf"returned|returns|passed)\s+(?:back\s+)?(?:under\s+(?:the\s+)?(?:full\s+)?control\s+of\s+|to\s+|into\s+the\s+"
    rf"hands\s+of\s+|under\s+|into\s+)(?P<actor>[^,;.]{{1,60}})")  # "into Russian hands"

# "X is now under Russian control", "X is back in Ukrainian hands": a holder stated with "now" or "back" tells of a
# change.
RIGHT_UNDER = lower_re(r"^\s*,?\s*(?:(?:is|are|was|were|as)\s+(?:now\s+(?:back\s+)?|back\s+|"
                       r"(?=(?:entirely|fully|completely)\s))|"
                       # "declared the city fully back under Ukrainian control", "Kherson back in Ukrainian hands"
                       r"(?:(?:fully|completely|now)\s+)?back\s+|"
                       r"(?P<since>(?:has|have|had)\s+been\s+))"
                       r"(?:fully\s+|completely\s+|entirely\s+|firmly\s+|effectively\s+)?(?P<verb>under|in)\s+(?:the\s+)?"
                       r"(?:full\s+|complete\s+|total\s+)?(?P<actor>[^,;.]{1,40}?)\s+(?:control|hands)\b"
                       # "X has been under militia control since the end of August": held since a day, taken then
                       r"(?(since)\s+since\b)")  # "X is back in Ukrainian hands"

# "Mariupol fell in May 2022", "Avdiivka has fallen.": a place falls to the side that did not hold it. Only
# before a time or the end of the clause ("fell silent", "fell in love", "fell on deaf ears" are not falls).
_TIME_AFTER = (r"(?:(?:on|by)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d|the\s+\d|" + _MONTHS + r")|"
               r"in\s+(?:early\s+|late\s+|mid-?)?(?:" + _MONTHS + r"|\d{4}|the\s+(?:spring|summer|autumn|fall|"
               r"winter|end|first|second|third|last|morning|night)|spring|summer|autumn|winter)|after|last|this|"
               r"within|overnight|yesterday|today|earlier|days?|weeks?|months?)\b")

RIGHT_FELL_BARE = lower_re(
    rf"^(?:{SEP}§)*\s*,?\s*(?P<rel>(?:(?:a|an|the)\s+(?:[\w'’-]+\s+){{0,4}}?)?(?:which|that)\s+)?"
    rf"(?:(?:has|had|have)\s+)?(?:(?:finally|reportedly|eventually|effectively|now|also)\s+)*"
    rf"(?P<verb>fell|fallen)(?=\s*[,.;]|\s*$|\s+{_TIME_AFTER})")

# A stem of every verb the patterns above read after a place: without one, none of them can match.
# A word of every pattern read after a place (the lexicon's participles and the constructions' own words):
# without one, none of them can match.
RIGHT_VERB_HINT = lower_re(rf"\b(?:{LEXICON.participles('passive')}|{LEXICON.participles('appositive')}|"
                           rf"{_WITHDRAW_PARTICIPLES}|"
                           rf"{LEXICON.past_forms('relative')}|claimed|surrender|capitulat|laid|fell|falls|fallen|came|comes|"
                           r"returned|returns|passed|where|(?:now|back|been|entirely|fully|completely)\s+(?:\w+\s+)?"
                           r"(?:under|in)\b)")

RIGHT_BY = lower_re(r"^\s*(?:(?:was|were|is|has\s+been)\s+)?(?:\w+\s+)?by\s+(?P<actor>[^,;.]{1,60})")

RIGHT_TO = lower_re(r"^\s*to\s+(?P<actor>[^,;.]{1,60})")

_REFERENCE_BEFORE = compile_factored(r"\b(?:(?:north|south|east|west|northeast|northwest|southeast|southwest|"
                                     r"north-east|north-west|south-east|south-west)(?:ern)?|outside|beyond|near|from|toward|"
                                     r"towards|of\s+the\s+road\s+to)\s+(?:of\s+)?$", re.I)

_PREP_BEFORE = lower_re(r"\b(?:in|into|inside|near|from|outside|to|toward|towards|at|by|around|on|beyond|behind|"
                        r"past|through|across|between|via|for|over|of|off|under|with|within|against|about)\s+"
                        r"(?:(?:the|a|an)\s+)?$")

_SETTLEMENT_OF = lower_re(r"\b(?:town|city|village|settlement|hamlet|suburb|stronghold|bastion|hub)s?\s+of\s+"
                          r"(?:the\s+)?$|\b(?:cities|towns|villages|settlements)\s+of\s+(?:the\s+)?$")

FLAG_WORD = lower_re(r"\bflags?\b")

FLAG_TO_PLACE = lower_re(rf"^[^.;]{{0,70}}?\b(?:over|in|on|above|atop|at|across)\s+{_OBJ}")

FLAG_SIDE = lower_re(r"\b(ukrainian|russian|ukraine['’]s|russia['’]s|soviet|tricolou?r|blue-and-yellow|"
                     r"yellow-and-blue)\b[^.;]{0,25}$")

FLAG_VERB = lower_re(r"\b(?:hoist\w*|rais\w*|plant\w*|fly\w*|flew|flies|wav\w*|unfurl\w*|hung|hang\w*|standing|"
                     r"hold\w*|held|stood|put\s+up|erect\w*|install\w*|with|show\w*|display\w*)\b")

FLAG_RAISED = lower_re(r"s?\s+(?:was|were|is|are|has\s+been|have\s+been|had\s+been)\s+(?:(?:now|again|finally|"
                       r"reportedly|already|just|once\s+again)\s+)*(?:raised|hoisted|planted|unfurled|installed|"
                       r"put\s+up|flown)\b")  # match(text after "flag")

FLAG_DOWN = lower_re(r"\b(?:tore|torn|tearing|removed|removing|burn\w*|took\s+down|taken\s+down|pulled\s+down|"
                     r"lowered|lowering)\s+(?:\w+\s+){0,3}$")

# The sentence pre-filter: every form and phrase of the lexicon, and the constructions' own words.
TRIGGER_HINT = lower_re(r"\b(?:" + "|".join(sorted(
    {re.escape(p).replace(r"\ ", r"\s+") for p in LEXICON.phrases()} | {
        # the constructions' own words (whole words or unambiguous stems: "forc" would pass every "forces")
        "control", "into", "patrol", "flag", "counter", "came", "comes", "returned", "returning", "passed", "hand",
        "left", "leav", "capitulat", "lost", "losing", "lose", "ced", "pulled", "pulling", "pull", "brought",
        "bring", "rais", "hoist", "plant", "reached", "kicked", "kicking", "threw", "throwing", "pushed", "pushing",
        "forced", "forcing", "expel", "oust", "cleared", "clearing", "drove", "driving", "driven", "fell", "falls",
        "fallen", "laid", "surrender", "show"},
    key=lambda w: (-len(w), w))) + ")")

# Verbs that say the place went back to its earlier holder, and those that say it went to the other side.
_RETAKE_WORDS = LEXICON.retake_words()


def is_retake(verb: str) -> bool:
    """Return True when a verb says the place went back to its earlier holder ("retook", "regained control of")."""
    return verb in _RETAKE_WORDS or verb.split(" ", 1)[0] in _RETAKE_WORDS

CONTESTED_PARTICIPLES = LEXICON.contested_participles()

LOSS_NOUNS = frozenset(n for n, fam in NOUN_FAMILY.items() if fam.side == "owner_loses")

CONTEST_NOUNS = frozenset(n for n, fam in NOUN_FAMILY.items() if fam.cls == "contested")

WITHDRAW_NOUNS = frozenset(n for n, fam in NOUN_FAMILY.items() if fam.cls == "withdraw")

_COORD_TAIL = compile_factored(rf"(?:{SEP}§)+$")
_BETWEEN_COORD = compile_factored(r"\bbetween\s+(?:the\s+)?(?:§\s*(?:,\s*(?:and\s+)?|\s+and\s+))+$")


def without_coordination(left: str) -> str:
    """Return `left` without the items of a list before its last place ("forces in the X and ": "forces in the ")."""
    return _COORD_TAIL.sub("", left + MARK)[:-1] if left.endswith((" and ", ", ", " or ")) else left


def is_subject(left: str) -> bool:
    """Return True when the place name ending `left` can be the subject of what follows it."""
    head = left[-WINDOW:]
    if head.endswith(MARK):
        head = _COORD_TAIL.sub("", head)  # the first of a coordination decides
    elif _BETWEEN_COORD.search(head):
        return False  # "a junction between Donetsk and Lugansk, was taken": the junction was, not Lugansk
    return not _search_end(_PREP_BEFORE, head) or bool(_search_end(_SETTLEMENT_OF, head))


def _search_end(pattern: re.Pattern[str], text: str, reach: int = 40) -> re.Match[str] | None:
    """Search a pattern anchored at the end (`$`) of `text` whose matches hold at most reach/2 letters.

    Only the last `reach` characters are scanned, unless half of them are spaces: a longer match needs more.
    """
    start = len(text) - reach
    if start <= 0 or 2 * (reach - len("".join(text[start:].split()))) >= reach:
        return pattern.search(text)
    return pattern.search(text, start)
