"""The Russian and older spellings of Ukrainian settlement names, made by rule for the settlements table.

Used only by `build_settlements` (the table is package data): a Russian report writes Новомихайловка, Пески or
Победа for Новомихайлівка, Піски or Перемога, and the table carries those forms as the village's spellings.
"""

from __future__ import annotations

__all__ = ["match_key", "name_variants", "root_vowel_variants", "russian_form", "russian_forms"]


def match_key(name: str) -> str:
    """Return the Cyrillic matching key of a name: lower case, one apostrophe, ё as е, single spaces."""
    text = name.split("(")[0].strip().lower()  # "Воля (Микулинецька селищна рада)": the council is no name
    for ch in "’ʼ`´‘":
        text = text.replace(ch, "'")
    return " ".join(text.replace("ё", "е").replace("-", " ").split())



# The Russian form of a Ukrainian village's name, as Russian reports write it (TASS's Novomikhailovka, Georgiyevka,
# Krasnaya Gora, Stepovoye): first names and roots whose vowels differ, then endings, then letters. Conservative:
# a form that is wrong for a village matches no report, and the rules never touch a name's first consonants.
_RU_ROOTS = (
    ("олександр", "александр"), ("олексі", "алексе"), ("микола", "никола"), ("андрі", "андре"), ("сергі", "серге"),
    ("георгі", "георги"), ("василів", "васильев"), ("григорів", "григорьев"), ("дмитрі", "дмитри"),
    ("красн", "красн"), ("біл", "бел"), ("вільн", "вольн"), ("нов", "нов"), ("стар", "стар"),
)
_RU_ENDINGS = (
    ("іївка", "иевка"), ("ївка", "евка"), ("івка", "овка"), ("ське", "ское"), ("цьке", "цкое"), ("ине", "ино"),
    ("ове", "овое"), ("еве", "евое"), ("не", "ное"), ("ке", "кое"), ("ще", "щее"),
    # Привілля -> Приволье, Затишшя -> Затишье: a doubled consonant and я is the Russian soft sign and e.
    ("лля", "лье"), ("ння", "нье"), ("ття", "тье"), ("шшя", "шье"), ("жжя", "жье"), ("ччя", "чье"),
    ("ддя", "дье"), ("сся", "сье"), ("ззя", "зье"),
    # The neuter adjective's -е is Russian -ое after any consonant (Світле -> Светлое, Золоте -> Золотое).
    ("ле", "лое"), ("те", "тое"), ("де", "дое"), ("ре", "рое"), ("хе", "хое"), ("се", "сое"), ("зе", "зое"),
)
_RU_LETTERS = str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "'": "ь", "’": "ь", "ʼ": "ь"})


# Roots whose vowel Russian keeps where Ukrainian turned it into і (Піски -> Пески, Новосілка -> Новосёлка,
# Кліщіївка -> Клещеевка) or whose letters differ (Кам'янка -> Каменка, Роботине -> Работино), anywhere in a
# word. A name gets this second Russian form beside the first, so a wrong guess only adds a spelling nobody
# writes; the first matching rule of each word is applied.
_RU_VOWEL_ROOTS = (
    ("новосілк", "новосёлк"), ("сілк", "сёлк"), ("сіл", "сел"), ("піск", "песк"), ("пісоч", "песоч"),
    ("ліс", "лес"), ("кліщ", "клещ"), ("кам'ян", "камен"), ("світл", "светл"), ("світ", "свет"),
    ("річ", "реч"), ("гірськ", "горск"), ("гірн", "горн"), ("ріг", "рог"), ("робот", "работ"), ("оріх", "орех"),
    ("привіл", "привол"), ("вовч", "волч"), ("жовт", "желт"), ("чорн", "черн"), ("іллін", "ильин"),
    ("сіверськ", "северск"), ("дніпр", "днепр"), ("бір", "бор"), ("під", "под"), ("шахтарськ", "шахтерск"),
    # Олійникове -> Олейниково, Пильна -> Пыльная, Новоекономічне -> Новоэкономическое
    ("олій", "олей"), ("пил", "пыл"), ("новое", "новоэ"), ("цин", "цын"), ("пілл", "полл"),
)
# A Ukrainian -іївка after a consonant is often Russian -еевка (Кліщіївка -> Клещеевка), not -иевка; a possessive
# -ове/-еве is Russian -ово/-ево (Олійникове -> Олейниково), -івка also -евка (Плетенівка -> Плетеневка), a
# feminine adjective's -на is -ная (Пильна -> Пыльная) and -ічне is -ическое (Новоекономічне).
_RU_VOWEL_ENDINGS = (("іївка", "еевка"), ("ове", "ово"), ("еве", "ево"), ("івка", "евка"), ("льна", "льная"),
                     ("ічне", "ическое"))
# Names that are words, translated rather than spelled by the Russian press (Перемога -> Победа), with the
# Russian word in Ukrainian letters that was the official name until the renamings of 2016 and 2024
# (Побєда, Сєверне): TASS's Pobeda and the older Ukrainian press's Sieverne find the renamed village.
_RU_TRANSLATIONS = {
    "перемога": ("победа", "побєда"), "північне": ("северное", "сєверне"), "південне": ("южное", "южне"),
    "східне": ("восточное",), "західне": ("западное",), "сонячне": ("солнечное",), "жовтневе": ("октябрьское",),
}


def _second_russian_word(word: str, roots: bool = True, endings: bool = True) -> str:
    lower = word.lower()
    for ukrainian, russian in _RU_VOWEL_ROOTS if roots else ():
        at = lower.find(ukrainian)
        if at >= 0:
            lower = lower[:at] + russian + lower[at + len(ukrainian):]
            break
    for ukrainian, russian in _RU_VOWEL_ENDINGS if endings else ():
        if lower.endswith(ukrainian) and len(lower) > len(ukrainian) + 1:
            lower = lower[:-len(ukrainian)] + russian
            break
    return lower[:1].upper() + lower[1:] if word[:1].isupper() else lower


def russian_forms(name: str) -> tuple[str, ...]:
    """Return the Russian spellings of a Ukrainian settlement name by rule, the usual one first.

    Новомихайлівка -> (Новомихайловка,); Піски -> (Писки, Пески); Перемога -> (Перемога, Победа, Побєда).
    """
    name = name.strip()
    for apostrophe in "’ʼ":
        name = name.replace(apostrophe, "'")
    forms = [russian_form(name)]
    # A root's vowel and an ending may each differ or not (Галицинівка -> Галицыновка, Плетенівка -> Плетеневка).
    for roots, endings in ((True, True), (True, False), (False, True)):
        second = " ".join(_second_russian_word(w, roots, endings) for w in name.split(" "))
        if second != name:
            forms.append(russian_form(second))
    words = name.split(" ")
    for i, word in enumerate(words):
        for translated in _RU_TRANSLATIONS.get(word.lower(), ()):
            word_out = translated[:1].upper() + translated[1:] if word[:1].isupper() else translated
            forms.append(" ".join([*words[:i], word_out, *words[i + 1:]]))
    return tuple(f for f in dict.fromkeys(forms) if f != name)


# Ukrainian writes і where the older and the Russian spelling keep the root's е or о in a closed syllable
# (Дігтярне -> Дегтярне, Дегтярное; Остапівське -> Остаповское; Вербівка -> Вербовка). One such vowel of a
# name is varied at a time, between consonants and before the ending; a variant that is another place's name is
# dropped by the caller (see `name_variants`).
_CONSONANTS = frozenset("бвгґджзйклмнпрстфхцчшщ")


def root_vowel_variants(name: str) -> tuple[str, ...]:
    """Return the name with one root і read as е or о (Дігтярне -> (Дегтярне, Догтярне))."""
    words = name.split(" ")
    out = []
    for at, word in enumerate(words):
        lower = word.lower()
        for i in range(1, len(lower) - 3):
            if lower[i] != "і" or lower[i - 1] not in _CONSONANTS or lower[i + 1] not in _CONSONANTS:
                continue
            for vowel in "ео":
                varied = lower[:i] + vowel + lower[i + 1:]
                varied = varied[:1].upper() + varied[1:] if word[:1].isupper() else varied
                out.append(" ".join([*words[:at], varied, *words[at + 1:]]))
    return tuple(out)


def name_variants(name: str, taken: set[str]) -> list[str]:
    """Return the Russian forms of a name, then its root-vowel variants and theirs, none of them in `taken`.

    `taken` holds the match keys of every settlement's own name: a variant that names another place would only
    make that place ambiguous.
    """
    forms = list(russian_forms(name))
    for variant in root_vowel_variants(name):
        for form in (variant, *russian_forms(variant)):
            if match_key(form) not in taken:
                forms.append(form)
    return list(dict.fromkeys(forms))


def russian_form(name: str) -> str:
    """Return the Russian spelling of a Ukrainian settlement name by rule (Новомихайлівка -> Новомихайловка)."""
    words = name.strip().split(" ")
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        for ukrainian, russian in _RU_ROOTS:
            if lower.startswith(ukrainian):
                lower = russian + lower[len(ukrainian):]
                break
        for ukrainian, russian in _RU_ENDINGS:
            if lower.endswith(ukrainian) and len(lower) > len(ukrainian) + 1:
                lower = lower[:-len(ukrainian)] + russian
                break
        else:
            if lower.endswith("а") and i + 1 < len(words) and lower[-2:-1] in ("н", "л", "к", "р", "в"):
                lower += "я"  # Красна Гора -> Красная Гора: an adjective before its noun
            elif lower.endswith("ий") and len(lower) > 3 and lower[-3] not in "кгхжшчщ":
                lower = lower[:-2] + "ый"  # Новий Світ -> Новый Свет; Великий stays
        lower = lower.replace("ськ", "ск").replace("цьк", "цк").translate(_RU_LETTERS)
        out.append(lower[:1].upper() + lower[1:] if word[:1].isupper() else lower)
    return " ".join(out)
