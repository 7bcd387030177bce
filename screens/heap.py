"""The garbage collector and a TUI holding 10k people: its full passes must not land in a keystroke.

The people, their events and pypinyin's dictionaries live as long as the app; they are frozen (``gc.freeze``)
once built (by the store as it loads them, and screens.search), so a full pass walks only what the screens made since. Full passes
are also made rarer: CPython runs one after every 10 passes over the middle generation (some hundreds of
thousands of allocations, a few seconds of redrawing here); a full pass over Textual's caches still takes
50–100 ms, so one after every 100 instead. Cyclic garbage is still collected, a little later.
"""

from __future__ import annotations

import gc

FULL_EVERY = 100  # passes over the middle generation per full pass (CPython: 10)


def tune() -> None:
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
