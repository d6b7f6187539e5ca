"""Text decoding: byte order marks, binary detection, UTF-8, declared and guessed code pages, streamed in blocks.

A file is read in blocks of `BLOCK_BYTES`; its first block decides the encoding (a BOM, else UTF-8, else an HTML
page's declared charset, else the region's code pages scored by how word-like the text reads).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import unicodedata
from collections.abc import Iterator

from geo.htmltext import sniff_charset

from .base import Skip, Warn

__all__ = ["BLOCK_BYTES", "BOMS", "BINARY_SAMPLE_BYTES", "decoded_pieces", "detect_binary", "normalized_newlines"]

BLOCK_BYTES = 1 << 20
# Control bytes other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x7f"
_BINARY_CONTROL_RATIO = 0.10
BINARY_SAMPLE_BYTES = 8192
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _size_hint(handle: io.BufferedReader) -> int:
    """Return the file's size in bytes, or a block when it has none (a pipe, a character device)."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, io.UnsupportedOperation):
        return BLOCK_BYTES
    return size if size > 0 else BLOCK_BYTES


def decoded_pieces(handle: io.BufferedReader, *, html: bool, warn: Warn, where: str) -> Iterator[str]:
    """Yield the decoded text of a binary file in blocks; raise Skip on the first block if it is unusable."""
    # A small file is read at its size: asking for a whole block costs a block-sized buffer per file.
    wanted = min(BLOCK_BYTES, _size_hint(handle) + 1)
    first = handle.read(wanted)
    if not first:
        raise Skip("empty file")
    complete = len(first) < wanted  # a file that grew since fstat is read on
    decoder, text = _detect(first, complete, html)
    yield text
    if complete:
        return
    warned = False
    while True:
        block = handle.read(BLOCK_BYTES)
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeDecodeError as err:
            if not warned:
                warn(f"{where}: undecodable bytes after byte {handle.tell() - len(block)} ({err.reason}); "
                     "replaced with U+FFFD")  # fmt: skip
                warned = True
            # The decoder keeps its buffered state when it raises, so retrying the block is safe.
            decoder.errors = "replace"
            text = decoder.decode(block, final=not block)
        if text:
            yield text
        if not block:
            return


def _detect(sample: bytes, complete: bool, html: bool) -> tuple[codecs.IncrementalDecoder, str]:
    """Return a decoder for a file starting with `sample`, and `sample` decoded; raise Skip if binary."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            attempt = _try_decode(encoding, sample, complete)
            if attempt is None:
                raise Skip(f"starts with a {encoding} byte order mark but is not {encoding} text")
            return attempt
    detect_binary(sample[:BINARY_SAMPLE_BYTES])
    attempt = _try_decode("utf-8", sample, complete)
    if attempt is not None:
        return attempt
    if html:
        declared = sniff_charset(sample)
        if declared:
            attempt = _try_decode(declared, sample, complete)
            if attempt is not None:
                return attempt
    # Imported here: charset-normalizer costs ~100 ms to import and most corpora are UTF-8.
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guesses = ([best.encoding] if best is not None else []) + [e for e in _LEGACY_ENCODINGS if e != getattr(
        best, "encoding", None)]
    # On short texts charset-normalizer often picks a wrong code page (cp1251 read as GB2312): the legacy
    # code pages of the region are scored too, by how much the decoded text looks like words.
    scored = []
    for rank, encoding in enumerate(guesses):
        attempt = _try_decode(encoding, sample, complete)
        if attempt is not None:
            scored.append((_plausibility(attempt[1]), -rank, attempt))
    if scored:
        return max(scored, key=lambda item: item[:2])[2]
    raise Skip("cannot tell the text encoding (not UTF-8; save it as UTF-8)")


# Single-byte code pages of Ukrainian, Russian and Western European news sites.
_LEGACY_ENCODINGS = ("cp1251", "koi8_u", "koi8_r", "cp1252", "cp1250", "iso8859_5")
_WORD = re.compile(r"[^\W\d_]+")


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x400 <= code <= 0x4FF:
        return "cyrillic"
    return "latin" if code < 0x250 else "other"


def _plausibility(text: str) -> int:
    """Score decoded text: words in one script with ordinary capitals gain, symbols and mixed words lose."""
    score = 0
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in "\n\r\t":
            score -= 5
        elif category in ("So", "Sk", "No", "Co", "Cn"):
            score -= 3
    for match in _WORD.finditer(text):
        word = match.group()
        scripts = {_script(c) for c in word}
        if "other" in scripts or len(scripts) > 1:
            score -= 2 * len(word)
        elif not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
            score -= len(word)
        elif scripts == {"latin"} and 2 * sum(ord(c) > 127 for c in word) > len(word):
            score -= len(word)  # "ìòî": Cyrillic read through a Latin code page
        else:
            score += len(word)
    # Code pages that differ only in accented letters (cp1250 vs cp1252) are told apart by the letters
    # West European news uses most ("très" rather than "trčs").
    return score + sum(text.count(c) for c in _COMMON_ACCENTS)


_COMMON_ACCENTS = "àâçéèêëîïôûùüäöß"


def _try_decode(encoding: str, sample: bytes, complete: bool) -> tuple[codecs.IncrementalDecoder, str] | None:
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        return decoder, decoder.decode(sample, final=complete)
    except (LookupError, UnicodeDecodeError, ValueError):
        return None


def normalized_newlines(pieces: Iterator[str]) -> Iterator[str]:
    """Turn CRLF and CR line ends into LF, also when a CRLF straddles two pieces."""
    carry = ""
    for piece in pieces:
        text = carry + piece if carry else piece
        carry = ""
        if text.endswith("\r"):
            text, carry = text[:-1], "\r"
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text:
            yield text
    if carry:
        yield "\n"


def detect_binary(head: bytes) -> None:
    """Raise Skip when the first bytes of a file hold NUL bytes or many control characters."""
    if b"\x00" in head:
        raise Skip("binary file (NUL bytes)")
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > _BINARY_CONTROL_RATIO * len(head):
        raise Skip("binary file (control characters)")
