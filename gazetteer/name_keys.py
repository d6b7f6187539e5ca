"""Turn a place's names into the name index's keys: each spelling normalized, Cyrillic ones transliterated."""

from __future__ import annotations

from .normalize import normalize
from .place import Entry

__all__ = ["CYRILLIC_SCRIPT_COUNTRIES", "name_variants"]

# Countries whose own place names are written in Cyrillic: their names get Latin transliterations.
CYRILLIC_SCRIPT_COUNTRIES = frozenset({"UA", "RU", "BY", "BG", "RS", "MK", "KZ", "KG", "TJ", "MN", "ME", "BA"})
_MIN_KEY_LENGTH = 3


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _usable_key(name: str, key: str) -> bool:
    # GeoNames alternate names include airport codes, links and abbreviations: keep real names only.
    if len(key) < _MIN_KEY_LENGTH or not any(c.isalpha() for c in key):
        return False
    if name.isupper() and len(name) <= 4:
        return False
    return not name.startswith(("http:", "https:"))


def name_variants(entry: Entry) -> dict[str, tuple[str, bool, int]]:
    """Return key -> (first system, is_primary, support) for every spelling of an entry.

    Support counts the distinct source spellings that give the key: a town's current name is written
    many ways (its Ukrainian and Russian forms under several systems), a former name of another town rarely.
    """
    from .translit import latin_variants

    found: dict[str, tuple[str, bool, int]] = {}

    def add(key: str, system: str, primary: bool) -> None:
        old = found.get(key)
        found[key] = (old[0], old[1] or primary, old[2] + 1) if old else (system, primary, 1)

    transliterate = entry.place.country in CYRILLIC_SCRIPT_COUNTRIES or entry.place.source == "user"
    canonical = normalize(entry.place.name)
    current = {canonical, *(normalize(n) for n in entry.current_names)}
    for name in dict.fromkeys(entry.names):
        if _is_cyrillic(name):
            if transliterate:
                keys: dict[str, str] = {}
                for variant, system in latin_variants(name).items():
                    keys.setdefault(normalize(variant), system)
                for vkey, system in keys.items():
                    if _usable_key(vkey, vkey):
                        add(vkey, system, False)
            continue
        key = normalize(name)
        if _usable_key(name, key):
            add(key, "source", key in current)
    return found
