"""Waiting for the writers' lock, as the one who waits sees it.

A write waits (up to the store's ``lock_timeout``) while another program holds the lock. A UI that
saves in a worker thread wraps the call in ``watching(...)``: it is told when the lock was found taken
(to say "waiting for another window to save…"), and it can give up (Esc) while it still waits, before
anything is read or written under the lock. Plain Python; the file store calls ``found_busy`` and
``check_cancelled`` from its lock loop, other backends may ignore it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .i18n import BilingualError

__all__ = ["WaitCancelled", "check_cancelled", "found_busy", "watching"]


class WaitCancelled(BilingualError):
    """The user gave up waiting for the lock: nothing was written."""

    def __init__(self) -> None:
        super().__init__("已停止等待：未保存任何改动（填写的内容仍在，可再次保存）。",
                         "Stopped waiting: nothing was saved (what you typed is still here; save again when ready).")


@dataclass
class _Watch:
    on_busy: Callable[[], None] | None
    cancel: threading.Event
    told: bool = field(default=False)


_local = threading.local()


@contextlib.contextmanager
def watching(on_busy: Callable[[], None] | None = None,
             cancel: threading.Event | None = None) -> Iterator[threading.Event]:
    """Within the block (on this thread), a write that finds the lock taken calls ``on_busy`` once, and
    gives up with ``WaitCancelled`` as soon as ``cancel`` is set while it still waits."""
    previous = getattr(_local, "watch", None)
    watch = _Watch(on_busy, cancel or threading.Event())
    _local.watch = watch
    try:
        yield watch.cancel
    finally:
        _local.watch = previous


def found_busy() -> None:
    """Called by the store the first time (per wait) it finds the lock taken."""
    watch: _Watch | None = getattr(_local, "watch", None)
    if watch is not None and not watch.told and watch.on_busy is not None:
        watch.told = True
        watch.on_busy()


def check_cancelled() -> None:
    """Called by the store while it waits for the lock (never once it holds it)."""
    watch: _Watch | None = getattr(_local, "watch", None)
    if watch is not None and watch.cancel.is_set():
        raise WaitCancelled()
