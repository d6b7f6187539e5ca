"""Cue words around a trigger: claims, denials, intentions, negation, conditions, history, sources, armed men."""

from __future__ import annotations

import re

from .factor import compile_factored
from .grammar import LEXICON, lower_re

# A place name is the subject of a following verb unless a preposition governs it ("outskirts of Donetsk
# were shelled"); "the town of X" and "the cities of X and Y" keep their subject.
DETERMINER_BEFORE = lower_re(r"\b(?:the|a|an|its|their|his|her|our|this|that)\s+$")

ACCORDING = lower_re(r"\baccording\s+to\b")

WORD = re.compile(r"[\w'’-]+")

# Armed men in the sentence: attacks and advances are fighting only when they make them.
FORCE_CONTEXT = lower_re(r"\b(?:" + "|".join(LEXICON.force_nouns) + r"|enemy|russians|ukrainians|russia|ukraine|"
                         r"russian|ukrainian|moscow|kyiv|kiev|wagner|isw|general\s+staff|ministry|army|military|"
                         # the register of military reports: "18 attacks were repelled in the Lyman direction"
                         r"direction|axis|repelled|repulsed)\b")

# "troops were ordered to withdraw from X", "decided to pull troops out of X": the order is the news of the day.
ORDERED_BEFORE = lower_re(r"\b(?:order\w*|decid\w*|decision|authori[sz]\w*|approv\w*|command\w*|allow\w*|"
                          r"permi\w*|forced)\s+(?:[\w'’-]+\s+){0,4}?to\s+(?:\w+\s+){0,2}?$")

# "the main efforts are focused on capturing X": the place is fought for, not taken (an attempt, and so a modal).
_FOCUSED_ON = r"\b(?:focus\w*|concentrat\w*|cent(?:red|ered))\s+(?:[\w'’-]+\s+){0,3}?on\s+$"

# "tried to break through near X", "continued to attack near X": the fighting happened, whatever its outcome.
ATTEMPT_BEFORE = lower_re(r"\b(?:tr(?:y|ies|ied|ying)|attempt\w*|sought|seek\w*|continu\w*|struggl\w*|"
                          r"fail\w*|unable|keep|kept)\s+(?:[\w'’-]+\s+){0,3}?to\s+(?:\w+\s+){0,2}?$"
                          r"|" + _FOCUSED_ON)

# "are likely to continue to apply pressure near X": a forecast, though "continue to" alone reports the day's fighting.
FORECAST_BEFORE = lower_re(r"\b(?:likely|unlikely|expected|poised|set|plan\w*|intend\w*|aim\w*|will|would|could|may|"
                           r"might)\s+(?:[\w'’-]+\s+){0,4}?$")

# "We expect the command to face a decision on withdrawing from X within the next two weeks", "the most likely
# developments in the coming weeks are the loss of X": what follows such words is foreseen, not reported.
FORECAST_SENTENCE = lower_re(r"\b(?:we|analysts|experts|officials)\s+(?:expect|predict|forecast|anticipate)|"
                             r"\bin\s+the\s+(?:coming|next)\s+(?:few\s+)?(?:days|weeks|months)|"
                             r"\bwithin\s+the\s+next\s+(?:\w+\s+)?(?:days|weeks|months)|"
                             r"\blikely\s+(?:developments?|scenarios?|outcomes?)")

# "Russian officials continue to falsely claim that Russian forces seized X": the article says it did not happen.
FALSE_CLAIM = lower_re(r"\bfalse(?:ly)?\s+(?:claim\w*|report\w*|assert\w*|said|says|announc\w*)|"
                       r"\b(?:claims?|reports?)\s+(?:that\s+)?(?:were|was|are|is)\s+(?:false|untrue|fake)\b")

# Who speaks in an article: the words each side's own reports use. "The enemy" is the other side.
VOICE_RU = lower_re(r"\b(?:special\s+military\s+operation|kiev\s+regime|kyiv\s+regime|(?:armed\s+)?formations\s+of\s+"
                    r"(?:the\s+)?(?:armed\s+forces\s+of\s+ukraine|ukrainian\s+army)|ukrainian\s+(?:armed\s+)?formations|"
                    r"neo-?nazis?|group\s+of\s+forces|battlegroup|allied\s+(?:forces|troops))\b")
VOICE_UA = lower_re(r"\b(?:our\s+(?:defenders|troops|units|soldiers|warriors|forces)|the\s+occupiers|occupiers|"
                    r"ruscists?|racists|defen[cs]e\s+forces|invaders)\b")
RUSSIAN_OUTLETS = lower_re(r"\b(?:tass|ria|novosti|izvestia|rt|sputnik|zvezda|russian\s+mod|"
                           r"russian\s+defen[cs]e\s+ministry|russian\s+ministry\s+of\s+defen[cs]e|rossiyskaya|kommersant|"
                           r"russia\s+today|lenta|gazeta\.?\s*ru|rbc|vesti|donetsk\s+news\s+agency|dan|lug-?info|"
                           r"interfax(?!-ukraine)|rybar|two\s+majors|russian\s+milblogger)\b")
UKRAINIAN_OUTLETS = lower_re(r"\b(?:ukrinform|ukrainska\s+pravda|general\s+staff|suspilne|unian|ukrainian\s+pravda|"
                             r"armyinform|hromadske|kyiv\s+independent|kyiv\s+post|new\s+voice\s+of\s+ukraine|nv|"
                             r"militarnyi|liga|censor|espreso|lb\.ua|defen[cs]e\s+express|khortytsia|tavria|"
                             r"operational\s+command|joint\s+forces|ato\s+press)\b")
ENEMY = lower_re(r"\b(?:the\s+)?enemy(?:['’]s)?(?:\s+(?:forces|troops|units|army|assault\s+groups|infantry|"
                 r"formations))?\b")

CONDITIONAL_BEFORE = lower_re(r"\b(?:if|unless|whether|until|before|should|once)\s+(?:[\w'’-]+\s+){0,3}$"
                              r"|\b(?:will|would|could|might|may)\s+(?:soon\s+)?$")

ATTRIBUTION_TAIL = lower_re(r",\s*(?P<who>[^,;]{1,70}?),?\s+(?:said|says|claimed|claims|reported|announced|stated|"
                            r"added|insisted|told|tells|wrote|writes|posted)\b[^,;]{0,40}$")

IN_PLACE_BEFORE = lower_re(r"\b(?:in|inside)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$")

LEAVE_NOT_PLACE = lower_re(r"\s+(?:in|of|from|out|behind|for|on|at|with|to)\b")  # match(left, end of "left")

# Words that only ever name armed men: "the occupiers left X" withdraws, "Zelensky left Kyiv" does not.
FORCE_WORD = compile_factored(r"\b(?:troops|forces|units|soldiers|fighters|servicemen|army|garrison|brigades?|"
                              r"battalions?|defenders|military|occupiers|invaders|separatists|rebels|militants|"
                              r"insurgents|mercenaries|marines|paratroopers|infantry|infantrymen|assault\s+(?:groups?|units?|detachments?)|"
                              r"stormtroopers|special\s+forces)\b", re.I)

CLAIM = lower_re(r"\b(?:said|says|say|saying|claim(?:s|ed|ing)?|report(?:s|ed|edly|ing)?|announc(?:ed|es|e|ing)|"
                 r"assert(?:ed|s|ing)?|stat(?:ed|es)|according\s+to|allegedly|purportedly|apparently|video|footage|"
                 r"showed|shows|bloggers?|posted|wrote|told|insist(?:s|ed)?)\b")

# "..., it had taken X", "they also captured X": a pronoun subject just before the trigger.
PRONOUN_SUBJECT = lower_re(r"\b(?:it|they)\s+(?:(?:had|has|have|also|earlier|already|now|finally|successfully|"
                           r"fully|completely|reportedly|since|then|later|just)\s+){0,3}$"
                           # "the ministry, which on Monday also claimed to have retaken X"
                           r"|\b(?:which|who)\s+(?:[\w'’-]+\s+){0,4}?(?:claimed|claims|said|says|announced|reported)\s+"
                           r"(?:to\s+have\s+|(?:that\s+)?(?:it|they)\s+(?:had|has|have)\s+)$")

MODAL_BEFORE = lower_re(
    r"(?:\b(?:vow\w*|aim\w*|plan\w*|intend\w*|want\w*|seek\w*|sought|try|tries|tried|trying|attempt\w*|hop\w*|"
    r"promis\w*|pledg\w*|threat\w*|prepar\w*|bid|order\w*|ready|poised|expect\w*|fail\w*|unable|going|set|need\w*|"
    r"urg\w*|call\w*|push\w*|struggl\w*|determined|tasked|goal|aim\s+is|objective\s+is|refus\w*|declin\w*|"
    r"reluctan\w*|fear\w*|unlikely|likely|able)\s+(?:\w+\s+){0,3}?to\s+"
    r"(?:\w+\s+){0,2}?$"
    r"|\b(?:will|would|shall|may|might|could|must|should|cannot|can't|won't|didn't|did\s+not|does\s+not|doesn't|"
    r"do\s+not|don't|never|not|no\s+longer|yet\s+to|if|unless|whether|before|until)\s+(?:\w+\s+){0,3}?$"
    r"|\bahead\s+of\s+us\b.*$|\bnext\s+target\b.*$|\brather\s+than\s+(?:to\s+)?$"
    # "to prevent Ukrainian forces from reaching Svatove", "stop them from taking X": a change kept from happening.
    r"|\b(?:prevent\w*|stop\w*|keep\w*|kept|block\w*|bar\w*|deter\w*|hinder\w*)\s+(?:[\w'’-]+\s+){0,4}?from\s+$"
    # "the goal of capturing Kharkiv", "the prospect of losing Pokrovsk": an aim or a fear, not a change.
    r"|\b(?:goals?|aims?|objectives?|task|plans?|intention|hopes?|prospects?|threat|risk|danger|idea|fear)\s+of\s+$"
    # "Kyiv had no interest in taking Kursk", "plans for capturing X"
    r"|\b(?:interest|intention|plans?|hopes?|chances?|attempts?|efforts?)\s+(?:in|for|at)\s+$"
    r"|" + _FOCUSED_ON +
    # "Russia demands that Ukraine withdraw from Kherson": a demand or a peace term, not a change made.
    r"|\b(?:demand\w*|insist\w*|ultimatum|condition\w*|propos\w*|urg\w*|requir\w*|call\w*\s+on|asked|asks)\s+"
    r"(?:that\s+)?(?:[\w'’-]+\s+){0,4}?$"
    # "ISW has not observed indications that Russian forces captured X": a negated report of the change.
    r"|\b(?:no|not|never|without)\s+(?:[\w'’-]+\s+){0,3}?(?:that|whether)\s+(?:[\w'’-]+\s+){0,4}?$)")

MODAL_PASSIVE = lower_re(r"\b(?:will|would|could|may|might|must|should|not|never|soon\s+be|to\s+be|yet\s+to)\b")

# "in occupied Sevastopol", "the temporarily occupied territories": an adjective, not a change.
ADJECTIVAL_BEFORE = lower_re(r"\b(?:in|inside|into|from|of|to|across|near|around|through|throughout|on|at|for|"
                             r"the|a|an|temporarily|long|formerly|partly|partially)\s+$")

# "a capture of Pokrovsk would give Russia a road hub": the noun names a possible change, not one made.
MODAL_AFTER = lower_re(r"^(?:\s+(?:and|or)\s+§)*(?:\s*,[^,;]{1,60},)?\s+(?:would|could|might|may|will|can|"
                       r"should|must|is\s+(?:likely|unlikely|expected)|would\s+not)\b"
                         # "the capture of Vuhledar remains Moscow's goal": an aim, not a change
                       r"|^\s+(?:remains?|is|was)\s+(?:[\w'’-]+\s+){0,3}?(?:goals?|aims?|objectives?|targets?|"
                       r"priority|task)\b")

# "predicted the fall of Toretsk", "fears the loss of Pokrovsk": a change foreseen, feared or averted.
NOMINAL_FORESEEN = lower_re(r"\b(?:predict\w*|forecast\w*|fear\w*|warn\w*|expect\w*|risk\w*|avert\w*|prevent\w*|"
                            r"avoid\w*|anticipat\w*|imminent|possible|potential|(?:un)?likely(?!\s+(?:have\s+)?(?:made|\w+ed)\b)|looming|inevitable|"
                            r"threat\w*|rul\w+\s+out|envisag\w*|demand\w*|propos\w*)\s+(?:(?:the|a|an)\s+)?"
                            r"(?:[\w'’-]+\s+){0,2}?$")

# "the photographer captured Kharkiv at dawn": with no side named, a camera or a team does not take a town.
NON_MILITARY_SUBJECT = lower_re(r"\b(?:photographers?|cameras?|films?|documentar\w*|photos?|photographs?|"
                                r"pictures?|paintings?|painters?|books?|novels?|exhibitions?|artists?|images?|lens|"
                                r"songs?|albums?|poems?|series|play|stor(?:y|ies)|players?|team|club|squad|"
                                r"champions?|striker|goalkeeper)\s+(?:[\w'’-]+\s+)?$")

# "was taken off the list", "was taken to hospital": idioms of "take", not a capture.
TAKEN_IDIOM = lower_re(r"\s+(?:off|out|up|down|away|aback|apart|part|note|ill|hostage|prisoners?|seriously|"
                       r"into\s+account|for\s+granted|to\s+(?:hospital|court|task))\b")  # match(right, end)

# "the defence of Mariupol became a symbol": a battle looked back on, not fighting on the day of the report.
RETROSPECT_AFTER = lower_re(r"^\s+(?:became|become|becomes|lasted|ended|went\s+down|turned\s+into|cost|"
                            r"is\s+remembered|was\s+remembered|remains\s+a\s+symbol|was\s+(?:one|the|a)\s)")

# "freed Odesa from the blockade": released from a threat, not taken back from an army.
FREED_FROM_THREAT = lower_re(r"^\s+from\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?(?:blockade|shelling|threat|attacks?|"
                             r"fear|debts?|dependence|mines|isolation|darkness)\b")

DENIAL = lower_re(r"\b(?:den(?:y|ies|ied|ying)|refut\w+|(?:dismiss|reject)(?:ed|es|s)?\s+(?:the\s+|these\s+|those\s+"
                  r"|such\s+)?(?:claims?|reports?)|false|fake|untrue|not\s+true|no\s+truth)\b")

REPORTED_NOUN = lower_re(r"\s(?P<verb>reported|announced|claimed|claims|announces|reports|confirmed|hailed|"
                         r"celebrated|completed|completes|finished|finalized)\s+(?:the\s+|its\s+|their\s+)?$")

FORESEEN_AFTER = lower_re(r"\s+(?:was|is|were|are|would\s+be|will\s+be|seemed|seems|appeared|appears|looked|"
                          r"looks)\s+(?:\w+\s+)?(?:imminent|near|close|likely|unlikely|possible|inevitable|"
                          r"expected|only\s+a\s+matter|a\s+matter)\b"
                          r"|\s+by\s+(?:next|the\s+end\s+of|early|late|mid)\b")  # match(text after the place)

ADMITTED_NOUN = lower_re(r"\s(?P<verb>confirmed|admitted|acknowledged|conceded|confirms|admits|acknowledges|"
                         r"concedes)\s+(?:the\s+)?$")

# Institutions an article names once with their side and then bare ("the ministry said").
INSTITUTION_HINT = lower_re(r"\b(?:ministry|general\s+staff|military|army|command|group|battlegroup|grouping)\b")

BARE_INSTITUTION = lower_re(r"\bthe\s+(?P<noun>(?:defen[cs]e\s+)?ministry(?:\s+of\s+defen[cs]e)?|general\s+staff|"
                            r"military|army|command|group(?:\s+of\s+forces)?|battlegroup|grouping)\b")

_INSTITUTION_WORD = lower_re(r"\b(?:ministry|general\s+staff|military|army|command|group|grouping|battlegroup)\b")

_INSTITUTION_KEYS = {"ministry": "ministry", "general staff": "general staff", "military": "military",
                     "army": "military", "command": "command", "group": "group", "grouping": "group",
                     "battlegroup": "group"}


def institution_key(text: str) -> str | None:
    """Return which institution an actor phrase names ("Russia's defence ministry" -> "ministry")."""
    m = _INSTITUTION_WORD.search(text.lower())
    return _INSTITUTION_KEYS.get(re.sub(r"\s+", " ", m.group(0))) if m else None
