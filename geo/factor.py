"""Compile keyword-heavy regular expressions so that `re` tries far fewer branches.

Python's `re` tries the alternatives of a group one by one at every position: a list of 60 verbs costs 60
failed comparisons at each word start. Alternatives that begin with the same literal letter are merged into one
branch ("captur|claim|cleared" -> "c(?:aptur|laim|leared)"), recursively, so that a failed first letter costs
one comparison. The rewrite never changes what a pattern matches, nor which match `re` reports:

- two alternatives that begin with different literal characters cannot both match at one position, so moving
  them past each other changes no outcome;
- alternatives that share a first letter keep their order inside the merged branch;
- an alternative that does not begin with a plain literal (a class, a group, an escape, an empty one) may
  match where the others do: it stays where it was, and nothing is moved across it; nor is an alternative
  holding a capturing group (moving it would renumber the groups).

Lookbehinds are left as written (their width must stay fixed and they are short); verbose patterns are not
rewritten at all (their spaces are not literal).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator

__all__ = ["compile_factored", "factor_alternations", "leading_words", "source_of", "split_alternatives",
           "word_prefixes"]

# Characters that stand for themselves outside a class when no quantifier follows them.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '’-,§&")
_QUANTIFIERS = frozenset("*+?{")
_CAPTURE = re.compile(r"(?<!\\)\((?!\?)|\(\?P<")
# The pattern as written for each compiled one: what the equivalence tests compare against. Weak keys: a
# pattern compiled at run time (an actor lexicon's) is forgotten with it.
_SOURCES: weakref.WeakKeyDictionary[re.Pattern[str], str] = weakref.WeakKeyDictionary()


def compile_factored(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile `pattern` with its alternations factored by first letter (same matches, fewer branch tries)."""
    compiled = re.compile(factor_alternations(pattern, ignorecase=bool(flags & re.IGNORECASE),
                                              verbose=bool(flags & re.VERBOSE)), flags)
    _SOURCES[compiled] = pattern
    return compiled


def source_of(compiled: re.Pattern[str]) -> str:
    """Return the pattern as written before factoring (the compiled text when it was not factored here)."""
    return _SOURCES.get(compiled, compiled.pattern)


def factor_alternations(pattern: str, *, ignorecase: bool = False, verbose: bool = False) -> str:
    """Return `pattern` with the alternatives of every group (and of the top level) merged by first letter."""
    if verbose or re.match(r"\(\?[a-zA-Z]*x", pattern):
        return pattern
    ignorecase = ignorecase or bool(re.match(r"\(\?[a-zA-Z]*i", pattern))
    return _factor_body(pattern, ignorecase)


def word_prefixes(pattern: str) -> tuple[str, ...] | None:
    r"""Return the letters every match of `\b(?:alternatives)...` begins with, one run per alternative.

    None when the pattern has another shape or an alternative begins with something else than a letter. Each
    match starts where one of the runs occurs: finding the runs with str.find and trying the pattern there finds
    every match, and is much faster than `re`'s search when the runs are rare.
    """
    if not pattern.startswith(r"\b(?:"):
        return None
    end = _group_end(pattern, 2)
    if pattern[end:end + 1] in _QUANTIFIERS:
        return None  # "\b(?:re)?...": the group may be absent
    body = pattern[len(r"\b(?:"):end - 1]
    prefixes: list[str] = []
    for alternative in split_alternatives(body):
        letters = re.match(r"[a-z]*", alternative).group()  # type: ignore[union-attr]
        if alternative[len(letters):len(letters) + 1] in _QUANTIFIERS:
            letters = letters[:-1]  # "bolsheviks?": the "s" may be absent
        if not letters:
            return None
        prefixes.append(letters)
    # A run that begins with another run is found where that one is ("grouping" where "group" is).
    return tuple(p for p in dict.fromkeys(prefixes) if not any(p != q and p.startswith(q) for q in prefixes))


def _factor_body(body: str, ignorecase: bool) -> str:
    if "|" not in body:
        return body  # nothing to merge here nor inside
    alternatives = [_factor_groups(a, ignorecase) for a in split_alternatives(body)]
    return "|".join(_merge(alternatives, ignorecase))


def _merge(alternatives: list[str], ignorecase: bool) -> list[str]:
    """Merge runs of alternatives that begin with the same plain letter; others stay where they stand."""
    out: list[str] = []
    run: dict[str, list[str]] = {}  # first letter -> the rests, in order; insertion order = first appearance

    def flush() -> None:
        for first, rests in run.items():
            merged = rests if len(rests) == 1 else _merge(rests, ignorecase)
            # One branch left ("clear|cleared" -> "clear(?:|ed)"): no group needed around it.
            out.append(first + merged[0] if len(merged) == 1 else first + "(?:" + "|".join(merged) + ")")
        run.clear()

    for alternative in alternatives:
        first = _plain_first(alternative)
        if first is None or _CAPTURE.search(alternative):  # moving a capture would renumber the groups
            flush()
            out.append(alternative)
            continue
        key = first.lower() if ignorecase else first
        run.setdefault(key, []).append(alternative[1:])
    flush()
    return out


def _plain_first(alternative: str) -> str | None:
    """Return the first character when it is a literal that no quantifier applies to."""
    if not alternative or alternative[0] not in _PLAIN:
        return None
    if len(alternative) > 1 and alternative[1] in _QUANTIFIERS:
        return None
    return alternative[0]


def _factor_groups(text: str, ignorecase: bool) -> str:
    """Rewrite the inside of every group of one alternative (lookbehinds and back-references excepted)."""
    out: list[str] = []
    for start, end in _pieces(text):
        head = _rewritable_head(text[start:end]) if text[start] == "(" else None
        if head is None:
            out.append(text[start:end])  # a character, an escape, a class; lookbehinds, flags, back-references
        else:
            out.append(head + _factor_body(text[start + len(head):end - 1], ignorecase) + ")")
    return "".join(out)


# Group openings whose inside can be rewritten: plain, non-capturing, named, lookahead.
_REWRITABLE_HEAD = re.compile(r"\((?:\?(?::|=|!|P<\w+>))?")


def _rewritable_head(group: str) -> str | None:
    m = _REWRITABLE_HEAD.match(group)
    head = m.group(0) if m else "("
    if head == "(" and group.startswith("(?"):
        return None
    return head


def split_alternatives(text: str) -> list[str]:
    """Split a regular expression at the bars that stand outside every group and class."""
    parts: list[str] = []
    start = 0
    for piece_start, piece_end in _pieces(text):
        if piece_end - piece_start == 1 and text[piece_start] == "|":
            parts.append(text[start:piece_start])
            start = piece_end
    parts.append(text[start:])
    return parts


# The tokens of a pattern: an escape, a class, a parenthesis, a bar, or a run of other characters.
_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|[()|]|[^\\\[()|]+", re.DOTALL)


def _pieces(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """Yield the spans of the top-level pieces of a regular expression from `start`: an escape, a class, a whole
    group, a bar, or a run of other characters."""
    depth = 0
    opened = start
    pos = start
    while pos < len(text):
        token = _TOKEN.match(text, pos)
        if token is None:
            raise re.error("unterminated character set or escape", text, pos)
        end = token.end()
        char = text[pos]
        if char == "(":
            if depth == 0:
                opened = pos
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                yield opened, end
        elif depth == 0:
            yield pos, end
        pos = end
    if depth:
        raise re.error("missing ), unterminated subpattern", text, opened)


def _group_end(text: str, start: int) -> int:
    """Return the index after the `)` closing the group opened at `start`."""
    return next(_pieces(text, start))[1]


def leading_words(text: str) -> frozenset[str]:
    r"""Return the letters each alternative of `text` begins with, groups at an alternative's start opened.

    `take|(?:moved|rolled)\s+into` -> {'take', 'moved', 'rolled'}. Raises ValueError for an alternative that
    may begin with something else than a letter: its keyword would be unknown.
    """
    words: set[str] = set()
    for alternative in split_alternatives(text):
        letters = re.match(r"[a-z]+", alternative)
        if letters:
            words.add(letters.group())
        elif alternative.startswith("(?:"):
            end = _group_end(alternative, 0)
            if alternative[end:end + 1] in ("?", "*"):
                raise ValueError(f"optional group at the start of {alternative[:40]!r}")
            words |= leading_words(alternative[3:end - 1])
        else:
            raise ValueError(f"alternative does not begin with a letter: {alternative[:40]!r}")
    return frozenset(words)
