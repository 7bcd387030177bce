"""Start-up: every command still parses and explains itself though its arguments are declared only when it is
chosen, and a command imports only what it uses (a secretary feels every module as start-up time)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tracker.cli_args import COMMANDS, build_parser

from .conftest import ROOT, Run


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_its_help(command: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "tracker", command, "--help"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: tracker {command}")
    full = build_parser(full=True)._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    assert proc.stdout == full.format_help()  # the same arguments as when everything is declared at once


def test_the_overall_help_lists_every_command_with_its_line(run: Run) -> None:
    res = run("--help")
    assert res.code == 0
    for name, (help_line, _module) in COMMANDS.items():
        assert name in res.out and help_line.split()[0] in res.out


def test_a_chosen_command_still_checks_its_arguments(run: Run) -> None:
    res = run("list", "--stage", "nobody")
    assert res.code == 2 and "invalid choice: 'nobody'" in res.err
    res = run("record", "1")
    assert res.code == 2 and "the following arguments are required" in res.err


def _imported_by(args: list[str], db: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a whole ``tracker`` run (output to a pipe, as a script has it) imported."""
    code = ("import json, sys, tracker.cli\n"
            "try:\n"
            "    code = tracker.cli.main(sys.argv[2:])\n"
            "except SystemExit as exc:\n"
            "    code = exc.code\n"
            "print(json.dumps([code, sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)]))\n")
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(modules), "--db", db, *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, env={"PATH": "/usr/bin:/bin", "TRACKER_LANG": "en"})
    code_, found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert code_ in (0, None), proc.stderr
    return list(found)


HEAVY = ("rich", "openpyxl", "psycopg", "textual", "python_calamine", "pypinyin", "tracker.meeting",
         "tracker.exporters", "tracker.importers")


def test_status_on_a_file_imports_no_rich_spreadsheet_or_postgres(run: Run) -> None:
    assert run("add", "张三", "--applied", "2026-01-05").code == 0
    assert _imported_by(["status"], str(run.db), HEAVY) == []  # type: ignore[attr-defined]
    assert _imported_by(["due"], str(run.db), HEAVY) == []  # type: ignore[attr-defined]


def test_version_imports_neither_the_store_nor_the_rules(run: Run) -> None:
    found = _imported_by(["--version"], str(run.db), (*HEAVY, "tracker.service", "tracker.storefile",  # type: ignore[attr-defined]
                                                      "tracker.profiles", "tracker.rules", "orjson", "tinydb"))
    assert found == []


def test_global_options_in_any_spelling_before_the_command(run: Run) -> None:
    assert run("add", "张三", "--applied", "2026-01-05").code == 0
    db = str(run.db)  # type: ignore[attr-defined]
    res = run(f"--db={db}", "--tod", "2026-02-01", "--lang=en", "status")  # argparse's abbreviation and = forms
    assert res.code == 0 and "Member development on 2026-02-01" in res.out
    res = run("stauts")
    assert res.code == 2 and "invalid choice: 'stauts'" in res.err and "'status'" in res.err


def test_the_parser_reads_a_command_it_did_not_foresee() -> None:
    args = build_parser(argv=[]).parse_args(["--lang", "en", "list", "--stage", "target"])
    assert (args.command, args.stage) == ("list", "target")
