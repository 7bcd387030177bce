"""Ctrl-C on the command line, made safe to press at any moment.

A command imports what it needs as it goes (start-up is faster so). Python cannot always stop an import
cleanly: a Ctrl-C landing in the import machinery's own clean-up is printed as "Exception ignored … KeyboardInterrupt"
and lost (the command then carries on), and one landing while a dataclass is made leaves a traceback. So while
a module is being imported, Ctrl-C is held, and raised as the outermost import returns to the command — a few
milliseconds later. Everywhere else it is raised at once, as Python does.

Also: CPython notes an "unhandled KeyboardInterrupt" when one leaves code run by ``exec`` of a string (every
dataclass and namedtuple is made so), and at exit kills the process with SIGINT instead of the exit code we
chose, although we caught it; ``forget_the_interrupt`` clears that note.
"""

from __future__ import annotations

import builtins
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

_held: list[int] = []


def _importing(frame: FrameType | None) -> bool:
    """Whether ``frame`` runs inside an import (the import machinery's frames are on its stack)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _on_ctrl_c(signum: int, frame: FrameType | None) -> None:
    if _importing(frame):
        _held.append(signum)  # raised when the import is done (see _import)
        return
    raise KeyboardInterrupt


def _import(*args: Any, **kwargs: Any) -> Any:
    module = _original_import(*args, **kwargs)
    if _held and not _importing(sys._getframe(1)):  # the outermost import is done: the held Ctrl-C now
        _held.clear()
        raise KeyboardInterrupt
    return module


_original_import = builtins.__import__


@contextlib.contextmanager
def imports_finish_first() -> Iterator[None]:
    """For the length of one command (the main thread only): Ctrl-C during an import waits for it to finish."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(signal.SIGINT, _on_ctrl_c)
    except (ValueError, OSError):  # no signals here
        yield
        return
    builtins.__import__ = _import
    try:
        yield
        if _held:  # held by an import the command made last, with no import statement after it
            _held.clear()
            raise KeyboardInterrupt
    finally:
        builtins.__import__ = _original_import
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGINT, previous)


def forget_the_interrupt() -> None:
    """Tell CPython the Ctrl-C was handled (see the module's note): the next ``exec`` of a string clears it."""
    exec("pass")
