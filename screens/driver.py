"""The terminal driver: Esc as quick as ESCDELAY says.

Textual's Linux driver waits for input with ``select(0.1)`` and only then asks its parser whether the time for a
lone ESC has run out, so a lone Esc is read after ≈ 100 ms whatever ``ESCDELAY`` is (the constant is honoured
only above 100 ms). This driver waits no longer than the parser's pending timeout.
"""

from __future__ import annotations

import os
import selectors
import sys
from codecs import getincrementaldecoder
from typing import Any

from textual._time import get_time  # the parser's clock
from textual.driver import Driver

IDLE_WAIT = 0.1  # seconds between two looks at the exit flag when no key is pending (Textual's)


def _wait(parser: Any) -> float:
    """How long to wait for input: until the parser's pending timeout (a lone ESC's), else ``IDLE_WAIT``."""
    deadline: float | None = getattr(parser, "_timeout_time", None)
    if deadline is None:
        return IDLE_WAIT
    return min(IDLE_WAIT, max(0.0, deadline - get_time()))


def terminal_driver() -> type[Driver] | None:
    """The driver class for the real terminal (None: Textual's choice, on Windows or in a browser)."""
    if sys.platform == "win32" or os.environ.get("TEXTUAL_DRIVER"):
        return None
    from textual._loop import loop_last
    from textual._xterm_parser import XTermParser
    from textual.drivers.linux_driver import LinuxDriver

    class QuickEscDriver(LinuxDriver):
        def run_input_thread(self) -> None:  # Textual 8.2.8's, the wait the parser's
            selector = selectors.SelectSelector()
            selector.register(self.fileno, selectors.EVENT_READ)
            fileno = self.fileno
            parser = XTermParser(self._debug)
            feed, tick = parser.feed, parser.tick
            decode = getincrementaldecoder("utf-8")().decode

            def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
                for last, (_key, mask) in loop_last(events):
                    if mask & selectors.EVENT_READ:
                        data = decode(os.read(fileno, 1024 * 4), final=final and last)
                        if not data:
                            break
                        for event in feed(data):
                            self.process_message(event)
                for event in tick():
                    self.process_message(event)

            try:
                while not self.exit_event.is_set():
                    process(selector.select(_wait(parser)))
                selector.unregister(self.fileno)
                process(selector.select(IDLE_WAIT), final=True)
            finally:
                selector.close()

    return QuickEscDriver
