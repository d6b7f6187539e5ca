"""Sides and modality of a sentence: who acts, who speaks, and whether a change is claimed or blocked."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .actors import Actor, ActorLexicon, other_side
from .cues import ACCORDING, ATTRIBUTION_TAIL, BARE_INSTITUTION, CLAIM, MODAL_BEFORE, institution_key


class SideReader:
    """Read the sides and the modality of a sentence (mixed into the Detector)."""

    lexicon: ActorLexicon
    # The side the article being read speaks for (set by the detector for each article), or None.
    _writer_side: Callable[[], str | None] = staticmethod(lambda: None)  # type: ignore[assignment]

    # -- sides ------------------------------------------------------------------------------------------
    def _side_of_text(self, text: str) -> str | None:
        actors = self.lexicon.find(text)
        if actors:
            return actors[0].side
        word = re.match(r"\s*([\w'’-]+)", text)
        if word:  # "under Ukrainian control", "in rebel hands"
            return self.lexicon.side_of_word(word.group(1))
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
            cues = [(m.start(), self._cue_speaker(m, actors)) for m in CLAIM.finditer(text)]  # (position, side)
            tail = ATTRIBUTION_TAIL.search(text)
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
        tail = ATTRIBUTION_TAIL.search(text)
        return self._tail_side(tail, actors) if tail and tail.start() > pos else None

    def _reporter_side(self, text: str, pos: int, actors: Sequence[Actor]) -> str | None:
        """Return the side of the source that reports what stands at `pos`: the speaker of the last report verb
        before it ("the ministry reported that X ..."), else a closing attribution ("..., the ministry said")."""
        side = None
        for m in CLAIM.finditer(text, 0, pos):
            side = self._cue_speaker(m, actors) or side
        after = ACCORDING.search(text, pos) if side is None else None  # "X was liberated, according to the ministry"
        if after:
            side = self._cue_speaker(after, actors) or self._side_of_text(
                re.sub(r"^\s*(?:the\s+)?", "", text[after.end():after.end() + 40]))
        return side or self._speaker_after(text, pos, actors)

    @staticmethod
    def _speaking_actor(text: str, pos: int, actors: Sequence[Actor]) -> Actor | None:
        """Return the actor that speaks at the last report verb before `pos` ("the ministry said that it ...")."""
        speaker = None
        for m in CLAIM.finditer(text, 0, pos):
            if m.group(0).lower().startswith("according"):
                continue
            # A locative actor speaks too: "according to the ministry, which also claimed ..."
            before = [a for a in actors if a.end <= m.start() and m.start() - a.end <= 60]
            speaker = before[-1] if before else speaker
        return speaker

    @staticmethod
    def _cue_speaker(cue: re.Match[str], actors: Sequence[Actor]) -> str | None:
        """Return the side of who speaks at a report cue: the actor after "according to", else the one just before."""
        if cue.group(0).lower().startswith("according"):
            after = [a for a in actors if a.start >= cue.end() and a.start - cue.end() <= 40 and not a.locative]
            return after[0].side if after else None
        before = [a for a in actors if a.end <= cue.start() and cue.start() - a.end <= 60 and not a.locative]
        return before[-1].side if before else None

    def _tail_side(self, tail: re.Match[str], actors: Sequence[Actor]) -> str | None:
        inside = [a for a in actors if tail.start("who") <= a.start and a.end <= tail.end("who")]
        return inside[0].side if inside else self._side_of_text(tail.group("who"))

    @staticmethod
    def _blocked_before(left: str) -> bool:
        """Return True when the words before a trigger make it an intention, a negation or a condition."""
        return bool(MODAL_BEFORE.search(left[-70:]))

    def _bare_institutions(self, text: str, actors: Sequence[Actor],
                           memory: tuple[dict[str, str], list[str]]) -> list[Actor]:
        """Return "the ministry", "the General Staff" as actors of the side the article named them with."""
        out = []
        institutions, pending = memory
        for m in BARE_INSTITUTION.finditer(text):
            for sentence in pending:
                for actor in self.lexicon.find(sentence):
                    key = institution_key(actor.text)
                    if key and not actor.locative:
                        institutions[key] = actor.side
            pending.clear()
            side = institutions.get(institution_key(m.group("noun")) or "")
            if side and not any(a.start < m.end() and m.start() < a.end for a in actors):
                out.append(Actor(m.start(), m.end(), side, m.group(0)))
        return out
