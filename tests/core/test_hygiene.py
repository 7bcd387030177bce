"""House rules: the core never imports Textual; only store.py knows it is TinyDB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_core_and_cli_does_not_load_textual() -> None:
    code = ("import sys, tracker, tracker.cli, tracker.service, tracker.reports, tracker.rules;"
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_only_the_file_store_imports_tinydb() -> None:
    users = sorted(p.name for p in (ROOT / "tracker").glob("*.py") if "tinydb" in p.read_text(encoding="utf-8"))
    assert users == ["store.py", "storejson.py"]  # the Store and the storage class TinyDB writes through


def test_screens_never_touch_storage_or_rules_internals() -> None:
    for path in (ROOT / "screens").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "tinydb" not in text and "tracker.store" not in text and "tracker.rules" not in text, path.name
