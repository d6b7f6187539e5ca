"""Triggers: the constructions matched around each place (pure matching), read by one function per family."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gazetteer.gazetteer import remember

from .actors import Actor, other_side
from .cues import (
    ADJECTIVAL_BEFORE,
    ADMITTED_NOUN,
    ATTEMPT_BEFORE,
    CONDITIONAL_BEFORE,
    DETERMINER_BEFORE,
    FORCE_CONTEXT,
    FORCE_WORD,
    FORECAST_BEFORE,
    FORESEEN_AFTER,
    FREED_FROM_THREAT,
    IN_PLACE_BEFORE,
    LEAVE_NOT_PLACE,
    MODAL_AFTER,
    MODAL_PASSIVE,
    NOMINAL_FORESEEN,
    NON_MILITARY_SUBJECT,
    ORDERED_BEFORE,
    PRONOUN_SUBJECT,
    REPORTED_NOUN,
    RETROSPECT_AFTER,
    TAKEN_IDIOM,
    WORD,
)
from .grammar import (
    ANY_LEFT_KEYWORD,
    CONTEST_NOUNS,
    CONTESTED_PARTICIPLES,
    COUNT_BEFORE,
    COUNT_SUBJECT,
    FIGHT_TRIGGER_FAMILY,
    FLAG_DOWN,
    FLAG_RAISED,
    FLAG_SIDE,
    FLAG_TO_PLACE,
    FLAG_VERB,
    FLAG_WORD,
    FORCES_IN_BEFORE,
    FRONTED_CLAUSE,
    FRONTED_PLACE,
    GROUP_NEEDS,
    LEFT_KEYWORD_WORDS,
    LEFT_PATTERNS,
    LETTERS,
    LEXICON,
    LOSS_NOUNS,
    MARK,
    NEW_CLAUSE_AFTER,
    NOUN_FAMILY,
    PARTIAL,
    RIGHT_APPOSITIVE,
    RIGHT_BY,
    RIGHT_FELL,
    RIGHT_FELL_BARE,
    RIGHT_PASSIVE,
    RIGHT_SURRENDER,
    RIGHT_TO,
    RIGHT_UNDER,
    RIGHT_VERB_HINT,
    RIGHT_WHERE_FIGHTING,
    RIGHT_WHERE_FLAG,
    RIGHT_WHICH_ACTIVE,
    RIGHT_WITHDRAWN,
    VERBAL_FAMILIES,
    WHICH_AGAIN,
    WINDOW,
    WITHDRAW_NOUNS,
    is_retake,
    is_subject,
    without_coordination,
)
from .mentions import APPOSITION_BEFORE, POSSESSIVE_AFTER, NameMention, Template
from .reading import SideReader
from .timeline import side_of_country


@dataclass(frozen=True, slots=True)
class Hit:
    mention: int
    cls: str  # change | withdraw | contested
    verb: str
    side: str | None
    trigger_pos: int  # in template
    confidence: float
    claimed: bool
    partial: bool = False
    actor_note: str = ""


Claimed = Callable[[int, "str | None"], bool]  # (trigger position, side gained) -> is it one side's claim


@dataclass(frozen=True, slots=True)
class Trigger:
    """One construction matched before a place: its group, where its trigger word stands, and what it matched."""

    group: str  # the construction group of geo.grammar.LEFT_PATTERNS
    index: int  # the mention
    match: re.Match[str]
    verb: str  # the trigger words, lower case, single-spaced
    vpos: int  # where they start in the template
    left: str  # the template before the place
    right: str  # and after it
    text: str  # the whole template, lower case
    owner: str  # the side the place's country stands for
    partial: bool  # "part of X", "the outskirts of X"


class TriggerReader(SideReader):
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
        return hits

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
                   claimed(t.vpos, side), t.partial)

    def _read_announced(self, t: Trigger, actors: Sequence[Actor], claimed: Claimed) -> Hit | None:
        """ "ten settlements were liberated, among them X": a change of a counted list, read as "liberated X"."""
        if not t.match.group("count") and not COUNT_SUBJECT.search(t.left, 0, t.vpos):
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
        if t.verb.startswith(("left", "leav")) and (LEAVE_NOT_PLACE.match(t.left, t.match.end("verb"))
                                                   or not FORCE_WORD.search(agent.text)):
            return None  # "left in Bakhmut", "Zelensky left Kyiv": only troops leaving a place withdraw
        gainer = other_side(agent.side)
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
        refused = prep in LEXICON.prepositions_not_for.get(family.name, ()) and not (
            prep == "on" and family.name == "attack" and _REPELLED.search(text, max(0, vpos - 40), m.start("prep"))
        ) and not _POSITIONS_BEFORE.search(m.group("mid"))  # "attacked Ukrainian positions in X": ground fighting there
        if refused or RETROSPECT_AFTER.match(right) \
                or NOMINAL_FORESEEN.search(text, max(0, vpos - 50), vpos):
            return None  # "to prevent an assault on Odesa": fighting feared, not fought
        # "a drone attack near X", "political pressure on Kyiv": no ground fighting at the place.
        before = text[max(0, vpos - 30):vpos]
        around = before[max(before.rfind(","), before.rfind(";")) + 1:] + text[vpos:m.start("prep")]
        if any(word in LEXICON.not_ground_words for word in WORD.findall(around)):
            return None
        if len(WORD.findall(m.group("mid"))) > family.max_gap:
            return None  # "improved its position and inflicted losses ... near X": another clause between
        if family.needs_force and not FORCE_CONTEXT.search(text):
            return None  # "Western pressure on Moscow": attacks and advances are made by armed men
        confidence = family.confidence - (0.05 if prep in ("near", "toward", "towards", "close to") else 0.0)
        return Hit(index, "contested", verb, None, vpos, confidence, claimed(vpos, None))

    def _nominal_hit(self, index: int, noun: str, vpos: int, right: str, actors: Sequence[Actor],
                     owner: str, claimed, partial: bool,  # type: ignore[no-untyped-def]
                     before: str = "") -> Hit | None:
        by = RIGHT_BY.match(right)
        by_side = self._side_of_text(by.group("actor")) if by else None
        possessor = self._agent([a for a in actors if a.end <= vpos and vpos - a.end <= 12], vpos)
        if possessor is None and _DOER_VERB_BEFORE.search(before[-40:]):
            # "Units of the Tsentr group ... completed the liberation of X": the subject does the deed.
            possessor = self._agent(actors, vpos)
        reporter = REPORTED_NOUN.search(before)
        if possessor is None and reporter and noun not in LOSS_NOUNS:
            # "The ministry reported the liberation of X": a side announces its own gain.
            said = reporter.start("verb")
            possessor = self._agent([a for a in actors if a.end <= said and said - a.end <= 30], vpos)
        admitted = ADMITTED_NOUN.search(before) if noun == "loss" and possessor is None else None
        if admitted:
            # "The Ukrainian military confirmed the loss of X": the side that admits a loss is the loser.
            said = admitted.start("verb")
            possessor = self._agent([a for a in actors if a.end <= said and said - a.end <= 30], vpos)
        voted = self._votes(actors)
        if noun in CONTEST_NOUNS:
            return Hit(index, "contested", noun, None, vpos, 0.65, claimed(vpos, None))
        if noun in WITHDRAW_NOUNS:
            loser = by_side or (possessor.side if possessor else None) or voted
            gainer = other_side(loser)
            return Hit(index, "withdraw", noun, gainer, vpos, 0.75, claimed(vpos, gainer)) if loser else None
        if noun in LOSS_NOUNS:
            to = RIGHT_TO.match(right)
            gainer = self._side_of_text(to.group("actor")) if to else None
            if gainer is None and possessor:
                gainer = other_side(possessor.side)
            conf = 0.75
            if gainer is None and voted in (None, other_side(owner)):
                # "The fall of Bakhmut": a place falls to the side that did not hold it.
                gainer, conf = other_side(owner), 0.6
            if gainer is None:
                return None
            return Hit(index, "contested" if partial else "change", noun, gainer, vpos, conf,
                        claimed(vpos, gainer), partial)
        side = by_side or (possessor.side if possessor else None)
        conf = 0.8
        if side is None and NOUN_FAMILY[noun].retake:
            # "The liberation of X was completed, the Russian ministry said": the side that reports it gains.
            side = self._reporter_side(before + " " + right, len(before), actors) or self._writer_side()
            conf = 0.7
        if side is None:
            retake = NOUN_FAMILY[noun].retake
            prior = owner if retake else other_side(owner)
            side = prior if voted in (None, prior) else None
            conf = 0.65 if voted == prior else 0.55
        if side is None:
            return None
        return Hit(index, "contested" if partial else "change", noun, side, vpos, conf, claimed(vpos, side),
                    partial)

    def _flag_hit(self, index: int, left: str, actors: Sequence[Actor],
                  claimed) -> Hit | None:  # type: ignore[no-untyped-def]
        best: tuple[int, str] | None = None
        for m in FLAG_WORD.finditer(left):
            tail = left[m.end():]
            if MARK in tail or not FLAG_TO_PLACE.match(tail):
                continue
            before = left[max(0, m.start() - 60):m.start()]
            if FLAG_RAISED.match(tail):  # "the Ukrainian flag was raised over X": the flag's own side
                word = FLAG_SIDE.search(before)
                side = self.lexicon.flags.get(word.group(1).lower()) if word else None
                if side:
                    best = (m.start(), side)
                continue
            verbs = list(FLAG_VERB.finditer(before))
            if not verbs or FLAG_DOWN.search(before):
                continue
            verb = verbs[-1]
            word = FLAG_SIDE.search(before[verb.end():])
            side = self.lexicon.flags.get(word.group(1).lower()) if word else None
            if side is None:
                agent = self._agent(actors, m.start() - len(before) + verb.start())
                side = agent.side if agent else None
            if side:
                best = (m.start(), side)
        if best is None:
            return None
        return Hit(index, "change", "flag", best[1], best[0], 0.8, claimed(best[0], best[1]))

    def _right_hits(self, index: int, pos: int, left: str, right: str, owner: str, actors: Sequence[Actor],
                    claimed) -> list[Hit]:  # type: ignore[no-untyped-def]
        hits: list[Hit] = []
        subject = is_subject(left)
        conditional = bool(CONDITIONAL_BEFORE.search(left[-60:]))
        for pattern, conf in ((RIGHT_PASSIVE, 0.9), (RIGHT_APPOSITIVE, 0.85)):
            m = pattern.match(right)
            if not m or conditional:
                continue
            verb = re.sub(r"\s+", " ", m.group("verb").lower())
            if verb == "taken" and TAKEN_IDIOM.match(right, m.end("verb")):
                continue
            if pattern is RIGHT_PASSIVE:
                if MODAL_PASSIVE.search(right[m.end("paren") if m.group("paren") else 0: m.start("verb")]):
                    continue
                if not m.group("rel") and not subject:
                    continue  # "the outskirts of Donetsk were captured": Donetsk is not what was taken
            elif m.group("aux") and not (m.group("det") or m.group("rel")):
                continue  # ", was captured" is a predicate, not an appositive: the passive rule reads it
            vpos = pos + 1 + m.start("verb")
            if m.group("aux") and m.group("aux").startswith("remain") and verb not in CONTESTED_PARTICIPLES:
                continue  # "X remained occupied until September": a state, not a change
            if verb in CONTESTED_PARTICIPLES:
                hits.append(Hit(index, "contested", verb, None, vpos, 0.7, claimed(vpos, None)))
                continue
            side = self._side_of_text(m.group("actor")) if m.group("actor") else None
            if pattern is RIGHT_PASSIVE and m.group("loser"):  # "X was cleared of Russian troops"
                loser = self._side_of_text(m.group("loser"))
                side = other_side(loser) if loser else side
            reporter = self._reporter_side(left + MARK + right, vpos, actors) \
                if side is None and is_retake(verb) else None
            reporter = reporter or (self._writer_side() if side is None and is_retake(verb) else None)
            if reporter:
                # "X had been liberated, the Russian ministry said": each side "liberates" what it gains.
                side, conf = reporter, conf - 0.15
            elif side is None:
                retake = is_retake(verb)
                side, conf = (owner if retake else other_side(owner)), conf - 0.25
            partial = pattern is RIGHT_PASSIVE and bool(re.search(r"\bpart(?:ly|ially)\b", m.group("mods"), re.I))
            hits.append(Hit(index, "contested" if partial else "change", verb, side, vpos, conf,
                             claimed(vpos, side), partial))
        if conditional:
            return hits
        m = RIGHT_WITHDRAWN.match(right)
        if m:
            forces = None if m.group("actor") else FORCES_IN_BEFORE.search(without_coordination(left)[-80:])
            loser = (self._side_of_text(m.group("actor")) if m.group("actor") and subject
                     else self._side_of_text(forces.group("forces")) if forces else None)
            if loser:
                gainer = other_side(loser)
                vpos = pos + 1 + m.start("verb")
                hits.append(Hit(index, "withdraw", m.group("verb"), gainer, vpos, 0.75, claimed(vpos, gainer)))
        m = RIGHT_WHICH_ACTIVE.match(right)
        while m:
            side = self._side_of_text(m.group("actor"))
            if side:
                vpos = pos + 1 + m.start("verb")
                verb = m.group("verb").lower()
                hits.append(Hit(index, "change", verb, side, vpos, 0.85, verb == "claimed" or claimed(vpos, side)))
            m = WHICH_AGAIN.match(right, m.end())
        m = RIGHT_WHERE_FIGHTING.match(right)
        if m:
            vpos = pos + 1 + m.start("verb")
            hits.append(Hit(index, "contested", m.group("verb"), None, vpos, 0.65, claimed(vpos, None)))
        m = RIGHT_WHERE_FLAG.match(right)
        flag_side = self.lexicon.flags.get(m.group("flag")) if m else None
        if m and flag_side:
            vpos = pos + 1 + m.start("verb")
            hits.append(Hit(index, "change", "flag", flag_side, vpos, 0.75, claimed(vpos, flag_side)))
        m = RIGHT_SURRENDER.match(right)
        if m and IN_PLACE_BEFORE.search(left[-40:]):
            # The subject that surrendered is the nearest actor before the place (losers included).
            near = [a for a in actors if a.end <= pos and pos - a.end <= 120 and not a.locative]
            gainer = other_side(near[-1].side) if near else None
            if gainer:
                vpos = pos + 1 + m.start("verb")
                hits.append(Hit(index, "change", "surrendered", gainer, vpos, 0.7, claimed(vpos, gainer)))
        m = RIGHT_FELL.match(right)
        if m and (m.group("rel") or subject):
            side = self._side_of_text(m.group("actor"))
            if side:
                vpos = pos + 1 + m.start("verb")
                hits.append(Hit(index, "change", m.group("verb").lower(), side, vpos, 0.85, claimed(vpos, side)))
        elif (under := RIGHT_UNDER.match(right)) and subject:
            side = self._side_of_text(under.group("actor"))
            if side:
                vpos = pos + 1 + under.start("verb")
                hits.append(Hit(index, "change", "under", side, vpos, 0.7, claimed(vpos, side)))
        elif (bare := RIGHT_FELL_BARE.match(right)) and (bare.group("rel") or subject):
            gainer = other_side(owner)
            vpos = pos + 1 + bare.start("verb")
            hits.append(Hit(index, "change", bare.group("verb"), gainer, vpos, 0.6, claimed(vpos, gainer)))
        return hits

_DOER_VERB_BEFORE = re.compile(r"\b(?:completed|complete|completes|completing|finished|finishing|began|begun|begins|"
                               r"started|starting|continued|continues|continuing|achieved|carried\s+out|"
                               r"conducted|pressed\s+on\s+with)\s+(?:the|their|its)\s+(?:[\w-]+\s+)?$")

_POSSESSED = re.compile(r"^['’]s(?:\s+[\w'’§-]+){1,4}")

_PART_NOUN = re.compile(r"\b(?:districts?|outskirts|parts?|neighbou?rhoods?|suburbs?|edges?|cent(?:re|er)|quarters?|"
                        r"streets|half|approaches|microdistricts?|eastern|western|northern|southern|central)\b")

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

_PREPOSITION_AGAIN = re.compile(r"\b(?:and|as\s+well\s+as)\s+(into|in|near|around)\s")

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
