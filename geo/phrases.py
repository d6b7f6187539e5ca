"""The readers of constructions shared by several groups: nominalizations, flags, and what stands after a place."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .actors import Actor, other_side
from .cues import (
    ADMITTED_NOUN,
    CONDITIONAL_BEFORE,
    IN_PLACE_BEFORE,
    MODAL_PASSIVE,
    REPORTED_NOUN,
    TAKEN_IDIOM,
)
from .grammar import (
    CONTEST_NOUNS,
    CONTESTED_PARTICIPLES,
    FLAG_DOWN,
    FLAG_RAISED,
    FLAG_SIDE,
    FLAG_TO_PLACE,
    FLAG_VERB,
    FLAG_WORD,
    FORCES_IN_BEFORE,
    LOSS_NOUNS,
    MARK,
    NOUN_FAMILY,
    RIGHT_APPOSITIVE,
    RIGHT_BY,
    RIGHT_FELL,
    RIGHT_FELL_BARE,
    RIGHT_PASSIVE,
    RIGHT_SURRENDER,
    RIGHT_TO,
    RIGHT_UNDER,
    RIGHT_WHERE_FIGHTING,
    RIGHT_WHERE_FLAG,
    RIGHT_WHICH_ACTIVE,
    RIGHT_WITHDRAWN,
    WHICH_AGAIN,
    WITHDRAW_NOUNS,
    is_retake,
    is_subject,
    without_coordination,
)
from .hits import APPOSITION, GUESSED, Hit
from .reading import SideReader

_DOER_VERB_BEFORE = re.compile(r"\b(?:completed|complete|completes|completing|finished|finishing|began|begun|begins|"
                               r"started|starting|continued|continues|continuing|achieved|carried\s+out|"
                               r"conducted|pressed\s+on\s+with)\s+(?:the|their|its)\s+(?:[\w-]+\s+)?$")


_OWN_TIME = re.compile(r"\s+(?:back\s+)?(?:in|since|during|last|earlier|at\s+the\s+(?:start|beginning|end)|"
                       r"(?:on|by)\s+(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))\b", re.IGNORECASE)

class PhraseReader(SideReader):
    """Read the nominal, flag and after-the-place constructions into hits (mixed into the TriggerReader)."""

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

    def _passive_hits(self, index: int, pos: int, left: str, right: str, owner: str, actors: Sequence[Actor],
                      claimed, subject: bool, conditional: bool) -> list[Hit]:  # type: ignore[no-untyped-def]
        """ "X was captured by Russian troops", "X, which had been occupied since March": the passive and the
        participle apposition after a place."""
        hits: list[Hit] = []
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
            # A clause with its own time tells of another, earlier change ("X, which had been occupied since
            # March", "Izium, which they captured in April"): never weighed against the sentence's main one.
            own_time = bool(_OWN_TIME.match(right, m.end("verb"))) or (m.group("aux") or "").startswith("had")
            note = "" if pattern is RIGHT_PASSIVE or own_time else APPOSITION
            if reporter:
                # "X had been liberated, the Russian ministry said": each side "liberates" what it gains.
                side, conf = reporter, conf - 0.15
            elif side is None:
                retake = is_retake(verb)
                side, conf = (owner if retake else other_side(owner)), conf - 0.25
                note = "" if own_time else GUESSED
            partial = pattern is RIGHT_PASSIVE and bool(re.search(r"\bpart(?:ly|ially)\b", m.group("mods"), re.I))
            hits.append(Hit(index, "contested" if partial else "change", verb, side, vpos, conf,
                             claimed(vpos, side), partial, note))
        return hits

    def _right_hits(self, index: int, pos: int, left: str, right: str, owner: str, actors: Sequence[Actor],
                    claimed) -> list[Hit]:  # type: ignore[no-untyped-def]
        hits: list[Hit] = []
        subject = is_subject(left)
        conditional = bool(CONDITIONAL_BEFORE.search(left[-60:]))
        hits.extend(self._passive_hits(index, pos, left, right, owner, actors, claimed, subject, conditional))
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
