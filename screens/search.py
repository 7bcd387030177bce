"""Find people as secretaries type: by name, pinyin initials (zs), full pinyin (zhangsan) or branch."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.model import Person


@dataclass(frozen=True)
class SearchKey:
    text: str  # name + branch, as typed
    initials: str
    full: str


def pinyin_key(name: str) -> tuple[str, str]:
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
        if cached is not None and self._names.get(person.id) == person.name:
            return cached
        initials, full = pinyin_key(person.name)
        key = SearchKey(f"{person.name} {person.branch}".lower(), initials, full)
        self._keys[person.id] = key
        self._names[person.id] = person.name
        return key

    def build(self, people: list[Person]) -> None:
        for p in people:
            self.key_for(p)

    def matches(self, person: Person, query: str, *, on_demand: bool = True) -> bool:
        """``on_demand=False`` (the index still being built off the UI thread): a name not yet in the index
        is matched by its characters and branch only, not its pinyin, rather than computed here."""
        q = query.strip().lower().replace(" ", "")
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
