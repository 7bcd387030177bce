"""Find people as secretaries type: by name, pinyin initials (zs), full pinyin (zhangsan) or branch."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from functools import cache

from tracker.model import Person


@dataclass(frozen=True)
class SearchKey:
    text: str  # name + branch, as typed
    initials: str
    full: str
    #: what a query may be found in, lower case, one string: name, branch and full pinyin apart (a query
    #: never holds the separator, so it never matches across two of them)
    hay: str = ""


_SEP = "\x00"


def normalized(query: str) -> str:
    """A query as it is matched: lower case, without spaces."""
    return query.strip().lower().replace(" ", "")


@cache
def _load_pinyin() -> None:
    """pypinyin's dictionaries (≈ 200k lists, kept for the whole run) are put out of the garbage collector's
    reach once loaded: else every full collection walks them again (≈ 0.2–0.4 s, in the middle of a keystroke)."""
    import pypinyin  # noqa: F401

    gc.freeze()


def pinyin_key(name: str) -> tuple[str, str]:
    _load_pinyin()
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="default")
    return "".join(s[:1] for s in syllables).lower(), "".join(syllables).lower()


class SearchIndex:
    """Pinyin is computed once per name (pypinyin is slow to import: build this off the UI thread)."""

    def __init__(self) -> None:
        self._keys: dict[int, SearchKey] = {}
        self._names: dict[int, str] = {}

    def key_for(self, person: Person) -> SearchKey:
        cached = self._keys.get(person.id)
        if cached is not None and self._names.get(person.id) == person.name + _SEP + person.branch:
            return cached
        initials, full = pinyin_key(person.name)
        key = SearchKey(f"{person.name} {person.branch}".lower(), initials, full,
                        _SEP.join((person.name.lower(), person.branch.lower(), full)))
        self._keys[person.id] = key
        self._names[person.id] = person.name + _SEP + person.branch
        return key

    def filter(self, people: list[Person], query: str, *, on_demand: bool = True) -> list[Person]:
        """``[p for p in people if self.matches(p, query, ...)]``, the query normalised once and each person
        matched against one string made when their pinyin was (10k people in a few milliseconds)."""
        q = normalized(query)
        if not q:
            return list(people)
        if not q.isascii():  # Chinese: by the characters of the name or the branch
            return [p for p in people if q in p.name.lower() or q in p.branch.lower()]
        keys, names = self._keys, self._names
        out = []
        for p in people:
            key = keys.get(p.id)
            if key is None or names.get(p.id) != p.name + _SEP + p.branch:
                if not on_demand:  # not in the index yet: by characters only
                    if q in p.name.lower() or q in p.branch.lower():
                        out.append(p)
                    continue
                key = self.key_for(p)
            if q in key.hay or key.initials.startswith(q):
                out.append(p)
        return out

    def build(self, people: list[Person]) -> None:
        for p in people:  # (the keys made here live as long as the people: frozen with them at the end)
            self.key_for(p)
        gc.freeze()

    def matches(self, person: Person, query: str, *, on_demand: bool = True) -> bool:
        """``on_demand=False`` (the index still being built off the UI thread): a name not yet in the index
        is matched by its characters and branch only, not its pinyin, rather than computed here."""
        q = normalized(query)
        if not q:
            return True
        if q in person.name.lower() or q in person.branch.lower():
            return True
        if not q.isascii():
            return False
        key = self.key_for(person) if on_demand else self._keys.get(person.id)
        if key is None:
            return False
        return key.initials.startswith(q) or key.full.startswith(q) or q in key.full
