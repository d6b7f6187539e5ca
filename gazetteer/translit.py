"""Latin spellings of Cyrillic place names under the systems the news uses.

Five systems, each a table plus the few context rules it needs:

    ua_national_2010   Ukraine's official romanization (Cabinet resolution 55 of 2010)
    ru_bgn_pcgn        BGN/PCGN for Russian, without its diacritics and apostrophes
    ru_scholarly       the scientific transliteration (č, š, ž, x, c, ju, ja)
    fr_press           French press convention (ou, ch, tch, j, kh, ï, final é)
    de_press           German press convention (w, sch, tsch, ch, z, j)

Every system maps every Russian and Ukrainian letter, so any Russian or Ukrainian name gets a
result. The press conventions read a name the Ukrainian way (г -> h, и -> y) when it shows a
letter only Ukrainian has (і ї є ґ) or an apostrophe inside a word, as French and German editors do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = ["SYSTEMS", "transliterate", "latin_variants", "fold_diacritics", "has_cyrillic"]

SYSTEMS: tuple[str, ...] = ("ua_national_2010", "ru_bgn_pcgn", "ru_scholarly", "fr_press", "de_press")

# A rule maps (letter, previous letter, next letter, ukrainian reading) to its Latin spelling, all
# lower-case; the previous letter is "" at the start of a word and "'" right after an apostrophe.
# None means "not a letter this system knows": the character is kept as it is.
_Rule = Callable[[str, str, str, bool], str | None]

_APOSTROPHES = "'\u2019\u02bc\u2018"
# Letters joined by apostrophes form one word ("Слов'янськ"); a quote at a word's edge stays a quote.
_LETTER = r"[^\W\d_" + _APOSTROPHES + "]"
_WORD = re.compile(f"{_LETTER}+(?:[{_APOSTROPHES}]{_LETTER}+)*")
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Letters only Ukrainian has, or an apostrophe inside a Cyrillic word.
_UKRAINIAN_MARK = re.compile(f"[іїєґІЇЄҐ]|[\u0400-\u04ff][{_APOSTROPHES}][\u0400-\u04ff]")

_VOWELS = frozenset("аеёиоуыэюяіїє")
_HUSHING = frozenset("жчшщ")

_COMMON = {
    "а": "a", "б": "b", "д": "d", "з": "z", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ь": "", "ъ": "", "ы": "y",
    "э": "e", "і": "i", "ґ": "g",
}  # fmt: skip

_UA = _COMMON | {
    "в": "v", "г": "h", "е": "e", "ж": "zh", "и": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch",
}  # fmt: skip
# Iotated letters: spelling at the start of a word, spelling elsewhere (resolution 55).
_UA_IOTATED = {
    "є": ("ye", "ie"),
    "ї": ("yi", "i"),
    "й": ("y", "i"),
    "ю": ("yu", "iu"),
    "я": ("ya", "ia"),
    "ё": ("yo", "io"),
}


def _ua_national(c: str, prev: str, nxt: str, ukrainian: bool) -> str | None:
    """Spell one letter under Ukraine's national system."""
    if c in _UA_IOTATED:
        initial, inner = _UA_IOTATED[c]
        return initial if prev == "" else inner
    if c == "г" and prev == "з":
        return "gh"  # зг -> zgh, so it is not read as the zh of ж
    return _UA.get(c)


_BGN = _COMMON | {
    "в": "v", "г": "g", "ж": "zh", "и": "i", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ю": "yu", "я": "ya", "ї": "yi", "є": "ye",
}  # fmt: skip
_BGN_YE_AFTER = _VOWELS | {"й", "ъ", "ь", "'"}


def _ru_bgn_pcgn(c: str, prev: str, nxt: str, ukrainian: bool) -> str | None:
    """Spell one letter under BGN/PCGN Russian, simplified to plain ASCII."""
    if c in "её":
        return "ye" if prev == "" or prev in _BGN_YE_AFTER else "e"
    return _BGN.get(c)


_SCHOLARLY = _COMMON | {
    "в": "v", "г": "g", "е": "e", "ё": "ë", "ж": "ž", "и": "i", "й": "j", "х": "x", "ц": "c", "ч": "č",
    "ш": "š", "щ": "šč", "э": "è", "ю": "ju", "я": "ja", "ї": "ji", "є": "je",
}  # fmt: skip


def _ru_scholarly(c: str, prev: str, nxt: str, ukrainian: bool) -> str | None:
    """Spell one letter under the scholarly system (the primes of ь and ъ are dropped)."""
    return _SCHOLARLY.get(c)


_FR = _COMMON | {
    "в": "v", "ж": "j", "у": "ou", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch",
}  # fmt: skip
# French would read "ai", "oi", "ou", "ei" as one sound, so an i after these vowels takes a diaeresis.
_FR_DIAERESIS_AFTER = frozenset("аеоуэ")
_FR_GU_BEFORE = frozenset("еиыіїєэ")


def _fr_press(c: str, prev: str, nxt: str, ukrainian: bool) -> str | None:
    """Spell one letter the way the French press does."""
    after_vowel = prev in _VOWELS
    if c == "г":
        if ukrainian:
            return "h"
        return "gu" if nxt in _FR_GU_BEFORE else "g"  # keeps the g hard: Guennadi, not Gennadi
    if c == "с":
        return "ss" if after_vowel and nxt in _VOWELS else "s"  # a single s between vowels reads as z
    if c == "и":
        if ukrainian:
            return "y"
        return "ï" if prev in _FR_DIAERESIS_AFTER else "i"
    if c == "і":
        return "ï" if prev in _FR_DIAERESIS_AFTER else "i"
    if c == "й":
        if not ukrainian and prev in ("и", "ы"):
            return ""  # -ский -> -ski, -ный -> -ny
        return "ï" if after_vowel else "i"
    if c == "е":
        if nxt == "" and prev != "" and not after_vowel and prev not in "ьъ'":
            return "é"  # Гракове -> Grakové
        if ukrainian:
            return "e"
        if prev == "" or prev in "ьъ'":
            return "ie"
        if prev in "иіыї":
            return "e"
        return "ïe" if after_vowel else "e"
    if c == "ё":
        if prev in _HUSHING:
            return "o"
        return "ïo" if after_vowel else "io"
    if c in "єяю":
        tail = {"є": "e", "я": "a", "ю": "ou"}[c]
        return ("ï" if after_vowel else "i") + tail
    if c == "ї":
        return "i" if prev == "" else "ï"
    if c == "ь" and nxt == "о":
        return "i"  # ьо is the iotated o: Пьотр -> Piotr
    return _FR.get(c)


_DE = _COMMON | {
    "в": "w", "з": "s", "ж": "sch", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch",
    "є": "je", "ї": "ji", "ю": "ju", "я": "ja",
}  # fmt: skip


def _de_press(c: str, prev: str, nxt: str, ukrainian: bool) -> str | None:
    """Spell one letter the way the German press does."""
    if c == "г":
        return "h" if ukrainian else "g"
    if c == "и":
        return "y" if ukrainian else "i"
    if c == "с":
        return "ss" if prev in _VOWELS and nxt in _VOWELS else "s"  # a single s between vowels reads as z
    if c == "й":
        if not ukrainian and prev in ("и", "ы"):
            return ""  # -ский -> -ski
        return "j"
    if c == "е":
        if ukrainian:
            return "e"
        if prev == "" or prev in _VOWELS or prev in "ьъ'":
            return "je"
        return "e"
    if c == "ё":
        return "o" if prev in _HUSHING else "jo"
    if c == "ь" and nxt == "о":
        return "j"
    return _DE.get(c)


_RULES: dict[str, _Rule] = {
    "ua_national_2010": _ua_national,
    "ru_bgn_pcgn": _ru_bgn_pcgn,
    "ru_scholarly": _ru_scholarly,
    "fr_press": _fr_press,
    "de_press": _de_press,
}


def has_cyrillic(text: str) -> bool:
    """Return whether `text` holds at least one Cyrillic character."""
    return _CYRILLIC.search(text) is not None


def _reads_ukrainian(text: str) -> bool:
    """Return whether a name shows a letter or an apostrophe that only Ukrainian spelling uses."""
    return _UKRAINIAN_MARK.search(text) is not None


def _spell_word(word: str, rule: _Rule, ukrainian: bool) -> str:
    """Spell one word (letters joined by apostrophes) with `rule`, keeping the word's case."""
    if _CYRILLIC.search(word) is None:
        return word
    after_apostrophe: set[int] = set()
    if _APOSTROPHE.search(word):
        kept: list[str] = []
        for ch in word:
            if ch in _APOSTROPHES:
                # The apostrophe is dropped but still separates the sounds around it (Слов'янськ).
                after_apostrophe.add(len(kept))
            else:
                kept.append(ch)
        word = "".join(kept)
    lower = word.lower()
    if len(lower) != len(word):  # a few non-Cyrillic capitals lower-case to two characters
        lower = "".join(ch.lower()[:1] for ch in word)
    last = len(word) - 1
    out: list[str] = []
    for i, ch in enumerate(word):
        if not "\u0400" <= ch <= "\u04ff":
            out.append(ch)
            continue
        prev = "'" if i in after_apostrophe else (lower[i - 1] if i else "")
        spelled = rule(lower[i], prev, lower[i + 1] if i < last else "", ukrainian)
        if spelled is None:
            out.append(ch)
        elif ch != lower[i]:
            # Щ is "SHCH" inside a capitalised run (ЩОРС -> SHCHORS) and "Shch" before lower case.
            neighbour = word[i + 1] if i < last else (word[i - 1] if i else "")
            out.append(spelled.upper() if neighbour.isupper() else spelled[:1].upper() + spelled[1:])
        else:
            out.append(spelled)
    return "".join(out)


def transliterate(text: str, system: str) -> str:
    """Return `text` with its Cyrillic letters spelled in Latin under `system`; other characters stay."""
    rule = _RULES.get(system)
    if rule is None:
        raise ValueError(f"unknown transliteration system {system!r}; valid systems: {', '.join(SYSTEMS)}")
    text = unicodedata.normalize("NFC", text)
    if not has_cyrillic(text):
        return text
    ukrainian = _reads_ukrainian(text)
    return _WORD.sub(lambda m: _spell_word(m.group(), rule, ukrainian), text)


def fold_diacritics(text: str) -> str:
    """Return `text` with the accents of Latin letters removed (Grakové -> Grakove, č -> c)."""
    if text.isascii():
        return text
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        base = unicodedata.normalize("NFD", ch)[0]
        # Only Latin letters lose their marks: й and ї must not turn into и and і.
        out.append(base if base.isascii() else ch)
    return "".join(out)


_END = r"(?![^\W\d_])"
# Spellings editors shorten: doubled vowels and y-glides at the end of a word, and zhzh.
_SIMPLIFICATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"iia" + _END), "ia"),  # Balakliia -> Balaklia
    (re.compile(r"(?<=[a-z])ii" + _END), "i"),
    (re.compile(r"(?<=[a-z])(?:iy|yy|yi|ij|yj)" + _END), "y"),  # Krasnyy -> Krasny, Kryvyi -> Kryvy
    (re.compile(r"zhzh"), "zh"),  # Zaporizhzhia -> Zaporizhia
    (re.compile(r"(?<=[aeou])y(?=[bcdfghklmnprstvz])"), "i"),  # Gulyaypole -> Gulyaipole: й before a consonant
)
# German j for a glide after a consonant, read the English way by other papers: Isjum -> Isium.
_GERMAN_GLIDE = re.compile(r"(?<=[bcdfghklmnprstvwz])j(?=[aeiou])")
_YE_AFTER_CONSONANT = re.compile("(?<=[бвгґджзклмнпрстфхцчшщ])є", re.IGNORECASE)


def _simplified(spelling: str) -> list[str]:
    """Return the press simplifications of one spelling: each rule alone, then all of them together."""
    found: list[str] = []
    combined = spelling
    for pattern, replacement in _SIMPLIFICATIONS:
        once = pattern.sub(replacement, spelling)
        if once != spelling:
            found.append(once)
        combined = pattern.sub(replacement, combined)
    if combined != spelling:
        found.append(combined)
    return found


def latin_variants(name: str) -> dict[str, str]:
    """Return each Latin spelling of a Cyrillic name mapped to the first system that gives it.

    Spellings come from every system in `SYSTEMS`, then their diacritic-free forms (under the same
    system), then press simplifications and the Russian-style є -> e reading (labelled "press").
    A name without Cyrillic letters has no variants.
    """
    name = unicodedata.normalize("NFC", name).strip()
    if not has_cyrillic(name):
        return {}
    variants: dict[str, str] = {}

    def add(spelling: str, label: str) -> None:
        if spelling and not has_cyrillic(spelling) and spelling not in variants:
            variants[spelling] = label

    for system in SYSTEMS:
        spelling = transliterate(name, system)
        add(spelling, system)
        add(fold_diacritics(spelling), system)
    for spelling, system in list(variants.items()):
        for short in _simplified(spelling):
            add(short, "press")
        if system == "de_press":
            add(_GERMAN_GLIDE.sub("i", spelling), "press")
    if "ё" in name or "Ё" in name:
        # Новосёлка: the English press writes ё as yo (Velikaya Novosyolka), BGN/PCGN as ë, folded to e.
        add(transliterate(name.replace("ё", "йо").replace("Ё", "Йо"), "ru_bgn_pcgn").replace("yyo", "yo"), "press")
    if _YE_AFTER_CONSONANT.search(name):
        # Сєвєродонецьк is often printed from its Russian form: Severodonetsk.
        russified = _YE_AFTER_CONSONANT.sub(lambda m: "е" if m.group() == "є" else "Е", name)
        add(transliterate(russified, "ua_national_2010"), "press")
    return variants
