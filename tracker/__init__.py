"""党员发展工作台账 — the domain core (rules, storage, service, reports) and the CLI.

This package never imports Textual; the full-screen app lives in ``screens``.
"""

__version__ = "0.1.0"
