"""Stored text is data: shown literally, never as markup or terminal control.

``printable`` is the one function every front end (CLI, TUI) uses before showing a stored string:
control characters (C0, DEL, C1), bidirectional overrides and line/paragraph separators become
visible escapes as Python writes them (``\\x1b``, ``\\n``, ``\\u202e``), so an ESC, BEL or OSC
sequence in a name can never reach the terminal, and a right-to-left override cannot reorder a line.
``control_char`` finds the first such character, for refusing it on input.
"""

from __future__ import annotations

#: bidirectional controls (LRM, RLM, ALM, embeddings, overrides, isolates) and line/paragraph separators
_INVISIBLE = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
#: what a multi-line field (a note) may keep
MULTILINE_OK = frozenset("\n\t")


def is_unsafe(ch: str) -> bool:
    """A character that steers a terminal or reorders text instead of showing itself."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or ch in _INVISIBLE


def escape_char(ch: str) -> str:
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every unsafe character written as a visible escape (``keep_newlines``: newlines and
    tabs stay, for notes and multi-line messages). Markup is a separate matter: show the result as
    ``rich.text.Text`` (or escape it), never as a markup string."""
    if text.isprintable() and (text.isascii() or _INVISIBLE.isdisjoint(text)):  # the common case, fast
        return text
    allowed = MULTILINE_OK if keep_newlines else frozenset()
    return "".join(escape_char(ch) if is_unsafe(ch) and ch not in allowed else ch for ch in text)


def control_char(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first unsafe character (1-based position, and the character), or None; ``multiline`` allows
    newlines and tabs."""
    for i, ch in enumerate(text, 1):
        if is_unsafe(ch) and not (multiline and ch in MULTILINE_OK):
            return i, ch
    return None


def codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"
