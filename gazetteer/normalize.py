"""Name normalization: the one key every spelling of a name is looked up by."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "fold_diacritics", "APOSTROPHES"]

APOSTROPHES = "'’ʼ`´‘ʹ"
# Letters that Unicode decomposition leaves alone but the press writes without their stroke.
_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "ı": "i"})
_DROP = str.maketrans({c: None for c in APOSTROPHES})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_./,()]+")


def fold_diacritics(text: str) -> str:
    """Return `text` with combining marks removed (Grakové -> Grakove, Balakliïa -> Balakliia)."""
    if text.isascii():
        return text  # nothing to fold: the common case, skipped for speed
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(name: str) -> str:
    """Return the lookup key of a name: folded, lower-case, no apostrophes, single spaces for hyphens."""
    if name.isascii() and name.isalpha():
        return name.lower()  # one plain word: nothing to fold, drop or separate (the common case)
    folded = fold_diacritics(name).translate(_DROP).lower()
    return _SEPARATORS.sub(" ", folded).strip()
