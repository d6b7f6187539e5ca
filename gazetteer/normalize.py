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
# In ASCII text: the apostrophes to drop, and the separators of _SEPARATORS other than whitespace.
_ASCII_DROP_SEPARATE = str.maketrans({**{c: None for c in APOSTROPHES if c.isascii()}, **dict.fromkeys("-_./,()", " ")})


def fold_diacritics(text: str) -> str:
    """Return `text` with combining marks removed (Grakové -> Grakove, Balakliïa -> Balakliia)."""
    if text.isascii():
        return text  # nothing to fold: the common case, skipped for speed
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(name: str) -> str:
    """Return the lookup key of a name: folded, lower-case, no apostrophes, single spaces for hyphens."""
    if name.isascii():
        if name.isalpha():
            return name.lower()  # one plain word: nothing to fold, drop or separate (the common case)
        # Nothing to fold; str.split() splits at the whitespace that \s matches: the same key as below.
        if name.replace(" ", "").replace("-", "").isalpha():  # words joined by spaces or hyphens: no translate
            return " ".join(name.replace("-", " ").lower().split())
        return " ".join(name.translate(_ASCII_DROP_SEPARATE).lower().split())
    folded = fold_diacritics(name).translate(_DROP).lower()
    return _SEPARATORS.sub(" ", folded).strip()
