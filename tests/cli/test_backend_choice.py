"""Which backend ``--db`` names, without a server: a path stays the file (psycopg never loaded), a
``postgresql://`` URL is PostgreSQL, and the database commands say what they need."""

from __future__ import annotations

import subprocess
import sys

from tracker.backend import is_pg_url, shown_db

from .conftest import ROOT, Run


def test_a_path_is_the_file_and_a_url_is_postgres() -> None:
    assert is_pg_url("postgresql://u@h/db") and is_pg_url("postgres://h/db")
    assert not is_pg_url("tracker.json") and not is_pg_url("postgresql.json")


def test_messages_never_show_the_password() -> None:
    assert shown_db("postgresql://wang:s3cret@db.example:5432/tracker") == "postgresql://wang:***@db.example:5432/tracker"
    assert shown_db("/tmp/t.json") == "/tmp/t.json"


def test_the_file_backend_does_not_load_psycopg() -> None:
    code = "import sys, tracker.cli; tracker.cli.main(['--db', sys.argv[1], 'rules']); print('psycopg' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code, "/nonexistent/t.json"], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip().endswith("False")


def test_db_commands_on_a_file_are_bad_input(run: Run) -> None:
    res = run("db", "init", env={"TRACKER_DB": str(ROOT / "nothing.json")})
    assert res.code == 2 and "PostgreSQL" in res.err


def test_migrate_between_two_files_is_bad_input(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = run("migrate", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert res.code == 2 and "postgresql://" in res.err


def test_an_unreachable_server_is_exit_3_with_the_reason(run: Run) -> None:
    res = run("status", env={"TRACKER_DB": "postgresql:///nodb?host=/nonexistent-socket-dir&connect_timeout=2"})
    assert res.code == 3 and "Cannot connect to the PostgreSQL database" in res.err and "Traceback" not in res.err
