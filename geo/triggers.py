"""Triggers: the constructions matched around each place (pure matching), read by one function per family."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from gazetteer.gazetteer import remember

from .actors import Actor, other_side
from .cues import (
    ADJECTIVAL_BEFORE,
    ATTEMPT_BEFORE,
    DETERMINER_BEFORE,
    FORCE_CONTEXT,
    FORCE_WORD,
    FORECAST_BEFORE,
    FORESEEN_AFTER,
    FREED_FROM_THREAT,
    LEAVE_NOT_PLACE,
    MODAL_AFTER,
    NOMINAL_FORESEEN,
    NON_MILITARY_SUBJECT,
    ORDERED_BEFORE,
    PRONOUN_SUBJECT,
    RETROSPECT_AFTER,
    WORD,
)
from .grammar import (
    ANY_LEFT_KEYWORD,
    COLON_SOON,
    COMPASS_OF,
    CONTEST_NOUNS,
    COUNT_BEFORE,
    COUNT_SUBJECT,
    FIGHT_TRIGGER_FAMILY,
    FRONTED_CLAUSE,
    FRONTED_PLACE,
    GROUP_NEEDS,
    LEFT_KEYWORD_WORDS,
    LEFT_PATTERNS,
    LETTERS,
    LEXICON,
    MARK,
    NEW_CLAUSE_AFTER,
    PARTIAL,
    RIGHT_VERB_HINT,
    VERBAL_FAMILIES,
    WINDOW,
    is_retake,
)
from .hits import DIRECTNESS, GUESSED, Claimed, Hit, Trigger
from .mentions import APPOSITION_BEFORE, POSSESSIVE_AFTER, NameMention, Template
from .phrases import PhraseReader
from .timeline import side_of_country


class TriggerReader(PhraseReader):
    """Match the constructions around each place of a template and read each match into a hit."""

    _families_memo: dict[str, tuple[str, ...]]

    # -- matching ---------------------------------------------------------------------------------------
    def _keyword_families(self, text: str, pos: int) -> tuple[str, ...]:
        """Return the left-pattern families with a keyword at `pos` (a word start where one of them begins)."""
        word = LETTERS.match(text, pos)
        key = word.group() if word else ""
        families = self._families_memo.get(key)
        if families is None:
            # A keyword is a whole first word: the word alone decides.
            families = tuple(name for name, words in LEFT_KEYWORD_WORDS.items() if key in words)
            remember(self._families_memo, key, families)
        return families

    def _hits(self, tmpl: Template, mentions: list[NameMention], actors: Sequence[Actor]) -> list[Hit]:
        text = tmpl.lower
        hits: list[Hit] = []
        claimed = self._claims(text, actors)
        flag_ok = "flag" in text

        last_right_verb = max((k.start() for k in RIGHT_VERB_HINT.finditer(text)), default=-1)
        # The left patterns with a keyword in the sentence, each with where its keywords start.
        starts_of: dict[str, list[int]] = {}
        for k in ANY_LEFT_KEYWORD.finditer(text):
            for name in self._keyword_families(text, k.start()):
                starts_of.setdefault(name, []).append(k.start())
        keyword_starts = [(name, pattern, starts_of[name]) for name, pattern in LEFT_PATTERNS if name in starts_of
                          and (name not in GROUP_NEEDS or GROUP_NEEDS[name].search(text))]
        if not keyword_starts and last_right_verb < 0 and not flag_ok:
            return hits
        for index, pos in enumerate(tmpl.marks):
            left, right = text[:pos], text[pos + 1:]
            mention = mentions[index]
            if mention.direction:
                continue  # "in the Pokrovsk direction": an axis of the front, not fighting in the town
            if POSSESSIVE_AFTER.match(right) and APPOSITION_BEFORE.search(left):
                continue  # "in Myrnohrad, Pokrovsk's twin town": Pokrovsk only describes Myrnohrad
            country = mention.resolution.best.country if mention.resolution and mention.resolution.best else ""
            owner = side_of_country(country) or "UA"
            # "seized Sloviansk's police station": the object is the thing owned; "Pokrovsk's southern districts": part.
            possessed = _POSSESSED.match(right)
            part_owned = bool(possessed and _PART_NOUN.search(possessed.group(0)))
            first = len(hits)

            # The patterns end at the mark and start at one of their keywords within a bounded window; when the
            # match from one keyword reads as nothing, a match from a later keyword may ("improved its position
            # and repelled three attacks of assault groups ... near X": the attacks, not the improvement).
            for name, pattern, starts in keyword_starts if not possessed or part_owned else ():
                at = next((k for k in starts if pos - WINDOW <= k < pos), None)
                while at is not None:
                    m = pattern.search(left, at)
                    if not m:
                        break
                    hit = self._read_match(name, m, index, left, right, text, owner, part_owned, actors, claimed)
                    if hit:
                        hits.append(hit)
                        break
                    at = next((k for k in starts if m.start("verb") < k < pos), None)

            if pos <= 120 and FRONTED_PLACE.match(left):
                hit = self._fronted_hit(index, pos, right, text, claimed)
                if hit:
                    hits.append(hit)
            if flag_ok:
                hit = self._flag_hit(index, left, actors, claimed)
                if hit:
                    hits.append(hit)
            if last_right_verb > pos:  # every pattern after a place has one of these verbs
                hits.extend(self._right_hits(index, pos, left, right, owner, actors, claimed))
            if len(hits) > first and (locator := _LOCATOR_BEFORE.search(left)) \
                    and not _NEAR_BEFORE.search(left, 0, locator.start()):
                # "fighting in Robotyne near Orikhiv": Orikhiv only says where Robotyne is (not "near X, near Y")
                hits[first:] = [h for h in hits[first:] if h.cls != "contested"]
        return _one_side_per_mention(_without_inner_fights(hits))

    def _read_match(self, name: str, m: re.Match[str], index: int, left: str, right: str, text: str, owner: str,
                    part_owned: bool, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """Read one match of a construction group before a place into a hit, or nothing."""
        if name in VERBAL_FAMILIES and "§" in left[m.end("verb"):] and NEW_CLAUSE_AFTER.match(right):
            return None  # a later item of the list is the subject of the next clause, not an object
        vpos = m.start("verb")
        allowed = _ALLOWED_AFTER_MODAL.get(name)
        attempted = False
        if self._blocked_before(left[:vpos]):
            window = left[max(0, vpos - 70):vpos]
            if FORECAST_BEFORE.search(left, max(0, vpos - 50), vpos):
                return None  # "are likely to continue to apply pressure near X": a forecast, not the day's fighting
            if allowed and allowed.search(window):
                pass  # "were ordered to withdraw from X", "tried to advance near X": the day's news
            elif name in _TRIED_IS_FIGHTING and ATTEMPT_BEFORE.search(window) and not _NOT_TRIED.search(window) \
                    and not _TRIED_LONG_OR_IF.match(right):
                attempted = True  # "Russian forces are trying to take X": fought over, not (yet) taken
            else:
                return None
        # Only the words before a list's first place say "part of" (not an apposition's "west of").
        # ("took a string of villages east of the town, including X": the counted villages, not part of X)
        partial = part_owned or (name != "announced" and bool(PARTIAL.search(m.group(0).split(MARK, 1)[0])))
        verb = re.sub(r"\s+", " ", m.group("verb").lower())
        hit = _READERS[name](self, Trigger(name, index, m, verb, vpos, left, right, text, owner, partial), actors,
                             claimed)
        if hit and attempted:
            return Hit(index, "contested", verb, None, vpos, 0.5, claimed(vpos, None), True)
        return hit

    # -- one reader per construction group: a match before a place -> a hit, or nothing ------------------
    def _read_change(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "Russian troops captured X", "regained control of X", "now control X": the agent gains."""
        agent = self._agent(actors, t.vpos)
        if t.verb == "occupied" and ADJECTIVAL_BEFORE.search(t.left, max(0, t.vpos - 20), t.vpos):
            return None  # "in occupied Sevastopol"
        if FREED_FROM_THREAT.match(t.right) or (not agent and NON_MILITARY_SUBJECT.search(
                t.left, max(0, t.vpos - 40), t.vpos)):
            return None
        if FORESEEN_AFTER.match(t.right):
            return None  # "claimed control of Pokrovsk was imminent": a change foreseen
        if (t.verb.endswith(" over") or t.verb.startswith("now")) and not agent:
            return None  # "Syrskyi took over Kharkiv operations": a post, not a town, without troops named
        side: str | None
        if PRONOUN_SUBJECT.search(t.left, max(0, t.vpos - 60), t.vpos):
            # "the ministry says ... that it had taken X": "it" is who speaks, not the troops named between.
            agent = self._speaking_actor(t.left, t.vpos, actors) or agent
        speaker = self._speaker_after(t.text, t.vpos, actors) if not agent else None
        if agent:
            side, conf = agent.side, 0.9
        elif speaker:
            # "Units of the Center group liberated X, the Russian ministry said": the side speaks.
            side, conf = speaker, 0.7
        elif is_retake(t.verb) and (writer := self._writer_side()):
            side, conf = writer, 0.65  # "units of the 'East' group liberated X" in the Russian ministry's words
        else:
            side, conf = (t.owner if is_retake(t.verb) else other_side(t.owner)), 0.6
            return Hit(t.index, "contested" if t.partial else "change", t.verb, side, t.vpos, conf,
                       claimed(t.vpos, side), t.partial, GUESSED)
        return Hit(t.index, "contested" if t.partial else "change", t.verb, side, t.vpos, conf,
                   claimed(t.vpos, side), t.partial)

    def _read_announced(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "ten settlements were liberated, among them X": a change of a counted list, read as "liberated X"."""
        if not t.match.group("count") and not COUNT_SUBJECT.search(t.left, 0, t.vpos) \
                and not COLON_SOON.match(t.left, t.match.end("verb")):
            return None  # a participle with no counted places before or after it: some other clause
        by = self._by_side(t.match.string[t.match.end("verb"):t.match.end()])
        if by:  # "ten settlements were liberated by Russian troops, including X"
            return Hit(t.index, "change", t.verb, by, t.vpos, 0.85, claimed(t.vpos, by))
        return self._read_change(t, actors, claimed)

    def _by_side(self, text: str) -> str | None:
        """Return the side of the agent of a passive ("... by Russian troops ..."), or None."""
        by = _BY_AGENT.search(text)
        return self._side_of_text(text[by.end():]) if by else None

    def _read_listed_after(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "the settlements that returned under Ukrainian control are X, Y": the list after the verb."""
        if not COUNT_BEFORE.search(t.left, 0, t.vpos):
            return None
        rest = t.match.group("rest")
        if t.verb.endswith(("under", "into")):  # "came under Russian control", "passed into Ukrainian hands"
            side = self._side_of_text(rest)
            if not side:
                return None
            return Hit(t.index, "change", t.verb, side, t.vpos, 0.8, claimed(t.vpos, side))
        by = self._by_side(rest)
        if by:
            return Hit(t.index, "change", t.verb, by, t.vpos, 0.85, claimed(t.vpos, by))
        return self._read_change(t, actors, claimed)

    def _read_hold_part(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "controlled about half of X", "still hold the northern part of X": part of the place, fought over."""
        if not FORCE_CONTEXT.search(t.text):
            return None
        return Hit(t.index, "contested", t.verb, None, t.vpos, 0.65, claimed(t.vpos, None), True)

    def _read_enter(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "Ukrainian troops entered X", "returned to X", "were filmed in X": armed men there."""
        agent = self._agent(actors, t.vpos)
        if t.verb.startswith("show"):  # "footage shows Ukrainian soldiers in X": the men after the verb
            agent = next((a for a in actors if t.vpos <= a.start and a.end <= t.match.end("verb")), None)
        presence = t.verb.endswith((" in", " inside"))
        if not agent or ((t.verb.startswith(("return", "reach")) or presence) and not FORCE_WORD.search(agent.text)):
            return None  # "Ukrainian troops returned to X" retakes it; "Zelensky returned to Kyiv" does not
        conf = 0.55 if t.verb.startswith("patrol") or presence else 0.75
        # "pushed into X", "broke into X": in the place, not yet holding it (entered, rolled, marched into: taken)
        partial = t.partial or t.verb.startswith(_INTO_UNHELD)
        return Hit(t.index, "contested" if partial else "change", t.verb, agent.side, t.vpos, conf,
                   claimed(t.vpos, agent.side), partial)

    def _read_withdraw(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "Ukrainian forces withdrew from X": the other side holds it."""
        if DETERMINER_BEFORE.search(t.left, max(0, t.vpos - 8), t.vpos):
            return None  # "the retreat from X" is the noun: the nominal family reads it
        if _IN_AFTER_VERB.match(t.left, t.match.end("verb")):
            return None  # "pulled out of X and regrouped in Y": where they went, not what they left
        # The actor marked as the loser is the one withdrawing, also when another actor stands before it
        # ("Kyiv's forces ... after Russian troops withdrew").
        agent = self._agent(actors, t.vpos)
        nearest = self._agent(actors, t.vpos, losers=True)
        if nearest and (agent is None or nearest.start > agent.start):
            agent = nearest
        if agent is None:  # "to regroup the Russian troops stationed in X": the troops named after the verb
            agent = next((a for a in actors if t.vpos <= a.start and a.end <= t.match.end()), None)
        if PRONOUN_SUBJECT.search(t.left, max(0, t.vpos - 60), t.vpos):
            agent = self._speaking_actor(t.left, t.vpos, actors) or agent  # "Kyiv said it had pulled out of X"
        if not agent:
            return None
        if t.verb.startswith(("left", "leav")) and (LEAVE_NOT_PLACE.match(t.left, t.match.end("verb")) or not (
                FORCE_WORD.search(agent.text) or "enemy" in agent.text.lower())):
            return None  # "left in Bakhmut", "Zelensky left Kyiv": only troops leaving a place withdraw
        gainer = other_side(agent.side)
        if t.partial and _PART_OF.search(t.match.group(0)):  # "withdrew from the eastern districts of X": still held
            return Hit(t.index, "contested", t.verb, None, t.vpos, 0.6, claimed(t.vpos, None), True)
        return Hit(t.index, "withdraw", t.verb, gainer, t.vpos, 0.8, claimed(t.vpos, gainer))

    def _read_lose(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "Ukraine lost control of X", "ceded X": the subject gave it up, the other side gained it."""
        agent = self._agent(actors, t.vpos, losers=True)
        if not agent:
            return None
        gainer = other_side(agent.side)
        return Hit(t.index, "contested" if t.partial else "change", t.verb, gainer, t.vpos, 0.75,
                   claimed(t.vpos, gainer), t.partial)

    def _read_expel(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "drove the Russians out of X": the side driven out loses it."""
        loser = self._side_of_text(t.match.group("obj"))
        if not loser:
            return None
        gainer = other_side(loser)
        if t.partial and _PART_OF.search(t.match.group(0)):  # "pushed them back from the outskirts of X": its edge
            return Hit(t.index, "contested", t.verb, None, t.vpos, 0.6, claimed(t.vpos, None), True)
        return Hit(t.index, "withdraw", t.verb, gainer, t.vpos, 0.8, claimed(t.vpos, gainer))

    def _read_nominal(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "the capture of X", "the fall of X", "the battle for X"."""
        if MODAL_AFTER.match(t.right) or NOMINAL_FORESEEN.search(t.left, max(0, t.vpos - 50), t.vpos) \
                or (t.verb in CONTEST_NOUNS and RETROSPECT_AFTER.match(t.right)):
            return None
        return self._nominal_hit(t.index, t.verb, t.vpos, t.right, actors, t.owner, claimed, t.partial,
                                 t.left[:t.vpos])

    def _read_fight(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """The military-report register: "repelled attacks near X, Y and Z"."""
        return self._fight_hit(t.index, t.match, t.verb, t.vpos, t.right, t.text, claimed)

    def _read_contest(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "fighting in X", "encircled X", "stormed X": fought over."""
        if RETROSPECT_AFTER.match(t.right) or NOMINAL_FORESEEN.search(t.left, max(0, t.vpos - 50), t.vpos):
            return None
        near = (t.match.group("prep") or "").strip().lower().startswith(("near", "toward", "towards"))
        return Hit(t.index, "contested", t.verb, None, t.vpos, 0.55 if near else 0.7, claimed(t.vpos, None))

    @staticmethod
    def _fronted_hit(index: int, pos: int, right: str, text: str, claimed: Claimed) -> Hit | None:
        """ "In the area of X, assault groups repelled five counterattacks": fighting at the place said first."""
        m = FRONTED_CLAUSE.match(right)
        if not m:
            return None
        clause = text[:pos] + m.group("clause")
        if any(word in LEXICON.not_ground_words for word in WORD.findall(clause)):
            return None  # "In Kharkiv, drones attacked ...": no ground fighting
        family = LEXICON.families[FIGHT_TRIGGER_FAMILY.get(m.group("verb").lower(), "fight")]
        if family.needs_force and not FORCE_CONTEXT.search(text):
            return None
        vpos = pos + 1 + m.start("verb")
        return Hit(index, "contested", m.group("verb").lower(), None, vpos, family.confidence - 0.05,
                   claimed(vpos, None))

    @staticmethod
    def _fight_hit(index: int, m: re.Match[str], verb: str, vpos: int, right: str, text: str,
                   claimed) -> Hit | None:  # type: ignore[no-untyped-def]
        """Fighting at a place in the register of military reports: contested, or nothing."""
        family = LEXICON.families[FIGHT_TRIGGER_FAMILY.get(verb, "fight")]
        prep = re.sub(r"\s+", " ", m.group("prep"))
        again = _PREPOSITION_AGAIN.findall(m.string, m.end("prep"), m.end())
        if again:  # "attacks on X and near the settlements of Y": Y's preposition is the last one said
            prep = again[-1]
        if again:
            prep = re.sub(r"\s+", " ", prep)
        if COMPASS_OF.fullmatch(prep) and (not family.name.startswith("advance") or _NEAR_NEXT.match(right)):
            return None  # "attacked east of Borova near X": Borova only says where X is
        refused = prep in LEXICON.prepositions_not_for.get(family.name, ()) and not (
            prep == "on" and family.name == "attack" and (_REPELLED.search(text, max(0, vpos - 40), m.start("prep"))
                                                          or _STEPPED_UP.search(text, max(0, vpos - 30), vpos))
        ) and not _POSITIONS_BEFORE.search(m.group("mid")) and not (  # "attacked positions in X": fighting there
            # "made gains in the eastern part of X", "hold positions in the north of X": fighting in the town
            prep in ("in", "into", "on", "at") and PARTIAL.search(m.group(0))) and not (
            # "trying to advance near X and towards Y", "attempting to advance in X itself": fought for at Y
            (prep in _TOWARD or prep in ("in", "into")) and family.name.startswith("advance")
            and (again or ATTEMPT_BEFORE.search(text, max(0, vpos - 40), vpos)))
        if refused or RETROSPECT_AFTER.match(right) \
                or NOMINAL_FORESEEN.search(text, max(0, vpos - 50), vpos):
            return None  # "to prevent an assault on Odesa": fighting feared, not fought
        # "a drone attack near X", "political pressure on Kyiv": no ground fighting at the place.
        before = text[max(0, vpos - 30):vpos]
        around = before[max(before.rfind(","), before.rfind(";")) + 1:] + text[vpos:m.start("prep")]
        if any(word in LEXICON.not_ground_words for word in WORD.findall(around)):
            return None
        if len(WORD.findall(m.group("mid").rsplit(";", 1)[-1])) > family.max_gap:  # ISW's "X itself; east of ..."
            return None  # "improved its position and inflicted losses ... near X": another clause between
        if family.needs_force and not FORCE_CONTEXT.search(text):
            return None  # "Western pressure on Moscow": attacks and advances are made by armed men
        confidence = family.confidence - (0.05 if prep in ("near", "toward", "towards", "close to") else 0.0)
        # "toward X" and "northwest of X" are at X when X is a village (see TOWARD_TOWN_POPULATION in detect)
        return Hit(index, "contested", verb, None, vpos, confidence, claimed(vpos, None),
                   toward=prep in _TOWARD or bool(COMPASS_OF.fullmatch(prep)))

_POSSESSED = re.compile(r"^['’]s(?:\s+[\w'’§-]+){1,4}")

_PART_NOUN = re.compile(r"\b(?:districts?|outskirts|parts?|neighbou?rhoods?|suburbs?|edges?|cent(?:re|er)|quarters?|"
                        r"streets|half|approaches|microdistricts?|eastern|western|northern|southern|central)\b")

# A part of the place itself ("the outskirts of X", "central X"), not a bearing from it ("positions west of X").
_PART_OF = re.compile(r"\b(?:outskirts|districts?|parts?|half|quarters?|neighbou?rhoods?|microdistricts?|streets|"
                      r"edges?|cent(?:re|er))\s+of\b|\bcentral\s+$")

_IN_AFTER_VERB = re.compile(r"\s+(?:in|inside)\s")

# Groups whose change, tried and not yet done, tells of fighting at the place.
_TRIED_IS_FIGHTING = frozenset({"change", "enter", "contest"})

# "does not have the forces to attempt to capture X": no attempt; "an attempt to storm X would be far harder", "have
# been trying to take X since 2022": a hypothesis, or the background of a long siege rather than the day's fighting.
_NOT_TRIED = re.compile(r"\b(?:not|no|never|without|insufficient|lacks?|lacking|unable|fail\w*)\b")
_TRIED_LONG_OR_IF = re.compile(r"^[^.;]{0,80}?\b(?:would|could|might|since|for\s+(?:more\s+than\s+)?(?:\w+\s+)?"
                               r"(?:weeks|months|years))\b")

_POSITIONS_BEFORE = re.compile(r"\b(?:positions?|defen[cs]es|lines|trenches|strongholds?)$")

# "repelled Russian attacks on Avdiivka": ground attacks, not strikes on a city
_REPELLED = re.compile(r"\b(?:repel\w*|repuls\w*|beat\w*\s+(?:back|off)|fend\w*\s+off|fought\s+off|thwart\w*|"
                       r"stopp\w*|halt\w*)\b")

_INTO_UNHELD = ("push", "broke", "break", "infiltrat")

_BY_AGENT = re.compile(r"\bby\s+(?:the\s+)?")

_PREPOSITION_AGAIN = re.compile(r"\b(?:and|as\s+well\s+as)\s+(into|in|near|around|towards?|"
                                r"in\s+the\s+direction\s+of)\s")
_TOWARD = frozenset({"toward", "towards", "in the direction of"})
_STEPPED_UP = re.compile(r"\b(?:stepped|stepping|steps|step)\s+up\s+(?:their\s+|its\s+)?$|"
                         r"\b(?:intensified|increased)\s+$")
_NEAR_NEXT = re.compile(r"\s*,?\s+(?:near|around|in\s+the\s+areas?\s+of|and\s+near)\b")

# Each construction group's reader: the only place a group's words are interpreted.
_READERS: dict[str, Callable[[TriggerReader, Trigger, Sequence[Actor], Claimed], Hit | None]] = {
    "change": TriggerReader._read_change, "enter": TriggerReader._read_enter,
    "withdraw": TriggerReader._read_withdraw, "lose": TriggerReader._read_lose,
    "expel": TriggerReader._read_expel, "nominal": TriggerReader._read_nominal,
    "fight": TriggerReader._read_fight, "contest": TriggerReader._read_contest,
    "announced": TriggerReader._read_announced, "listed_after": TriggerReader._read_listed_after,
    "hold_part": TriggerReader._read_hold_part,
}
# Groups whose trigger stands after a modal cue and still reports the day's news: a withdrawal ordered, fighting tried.
_ALLOWED_AFTER_MODAL = {"withdraw": ORDERED_BEFORE, "fight": ATTEMPT_BEFORE}


# A place that only locates the one before it: "X near Y", "X, just outside Y", "the village of X close to Y".
_LOCATOR_BEFORE = re.compile(r"§\s*,?\s+(?:(?:just|some|about|\d+\s*(?:km|kilometres|kilometers|miles))\s+)*"
                             r"(?:near|outside|close\s+to|not\s+far\s+from|on\s+the\s+outskirts\s+of)\s+"
                             r"(?:the\s+(?:town|city|village|settlement)\s+of\s+)?$")

# ... unless that one is itself a reference: "north of Kupiansk near X", "toward Selydove near X", "near A, near B".
_NEAR_BEFORE = re.compile(r"(?:\b(?:near|around|outside|toward|towards)|(?:north|south|east|west)(?:ern)?|"
                          r"(?:north|south)-?(?:east|west)(?:ern)?)\s+(?:of\s+)?$")


def _one_side_per_mention(hits: list[Hit]) -> list[Hit]:
    """Keep, of one place's changes to different sides in a sentence, those said most directly.

    A side named by an actor beats one read from a descriptive apposition ("entered Kherson, the only regional
    capital captured by Russia"), which beats one guessed from who held the place ("Kyiv's forces recaptured
    towns, including X, which were taken on July 22").
    """
    changes = [h for h in hits if h.cls != "contested"]
    if len(changes) < 2:
        return hits
    best: dict[int, int] = {}
    for h in changes:
        best[h.mention] = min(best.get(h.mention, 9), DIRECTNESS.get(h.actor_note, 0))
    sides = {(h.mention, h.side) for h in changes if DIRECTNESS.get(h.actor_note, 0) == best[h.mention]}
    return [h for h in hits if h.cls == "contested" or DIRECTNESS.get(h.actor_note, 0) == best[h.mention]
            or (h.mention, h.side) in sides]


def _without_inner_fights(hits: list[Hit]) -> list[Hit]:
    """Drop a fight read inside a change's own words ("finished clearing X": done, not under way)."""
    spans = [(h.mention, h.trigger_pos, h.trigger_pos + len(h.verb)) for h in hits if h.cls != "contested"]
    if not spans:
        return hits
    return [h for h in hits if h.cls != "contested" or not any(
        m == h.mention and a <= h.trigger_pos < b for m, a, b in spans)]
