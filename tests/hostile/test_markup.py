"""Hostile text never breaks or steers the terminal: stored strings are shown literally (no Rich/Textual
markup), control characters as visible escapes, in every read command, every line a change prints, and
the full-screen app; and control characters are refused on input (notes keep newlines and tabs)."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Label, Static

from screens.app import TrackerApp
from screens.correct import CorrectModal
from screens.person import PersonScreen
from screens.record import RecordModal
from screens.table import ListTable
from tracker.inputs import InputError, build_event, clean_details
from tracker.model import Event, Person
from tracker.profiles import load_rulebook
from tracker.service import Service
from tracker.store import Store
from tracker.textsafe import control_char, printable

from .run_cli import Result, Run, runner

TODAY = date(2026, 11, 27)
HOSTILE = [
    "[/]",
    "[red]x[/red]",
    "[link=http://x]y[/link]",
    '=HYPERLINK("x")',
    "\x1b]0;pwned\x07",
    "a\x1b[2Jb",
    "张\u0000三",
    "\u202eabc",
]
IDS = ["close-tag", "red", "link", "formula", "osc-title", "clear-screen", "nul", "rtl-override"]
NOTE_TAIL = "\n第二行\t制表"


def build_db(path: Path) -> dict[str, list[int]]:
    """Hostile names, branches, notes, step notes, mentor names, override and leaving reasons, and history
    summaries, stored directly (as a damaged file or an old version could hold them, bypassing input checks).
    Returns, per kind, the ids: an applicant, an activist (override, mentors) and one who left, per name."""
    ids: dict[str, list[int]] = {"applicant": [], "activist": [], "left": []}
    store = Store(path)
    with store.transaction() as tx:
        for h in HOSTILE:
            applicant = Person(id=0, name=h, branch=h, note=h + NOTE_TAIL, birth=date(1990, 1, 1)).with_events(
                (Event("applied", date(2025, 1, 10), note=h),))
            activist = Person(id=0, name=h, branch=h, birth=date(1990, 1, 1)).with_events((
                Event("applied", date(2024, 1, 10)), Event("talked", date(2024, 1, 20)),
                Event("activist", date(2024, 6, 1), override=h, overridden=("activist-1y",)),
                Event("mentors", date(2024, 6, 2), names=(h, "李四")),
            ))
            left = Person(id=0, name=h, birth=date(1990, 1, 1)).with_events((
                Event("applied", date(2024, 1, 10)), Event("left", date(2024, 3, 1), reason=h)))
            for kind, p in (("applicant", applicant), ("activist", activist), ("left", left)):
                ids[kind].append(tx.add(p).id)
        tx.log("add", "新增 " + "、".join(HOSTILE), "Added " + ", ".join(HOSTILE))
    return ids


def clean(out: str) -> bool:
    """No control character (bar newlines and tabs), no bidi override in what reaches the terminal."""
    return control_char(out, multiline=True) is None


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[int]]]:
    path = tmp_path_factory.mktemp("hostile") / "tracker.json"
    return path, build_db(path)


@pytest.fixture
def run(tmp_path: Path) -> Run:
    return runner(tmp_path / "tracker.json", cwd=tmp_path)


def _copy_run(hostile_db: tuple[Path, dict[str, list[int]]], tmp_path: Path) -> Run:
    db = tmp_path / "copy.json"
    db.write_bytes(hostile_db[0].read_bytes())
    return runner(db, cwd=tmp_path)


def _ok(r: Result) -> None:
    assert r.code == 0, r.err
    assert clean(r.out), repr(r.out)
    assert clean(r.err), repr(r.err)


# ------------------------------------------------------------------ the helper itself

def test_printable_escapes_controls_and_keeps_markup_text() -> None:
    assert printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07"
    assert printable("张\u0000三") == "张\\x00三"
    assert printable("\u202eabc") == "\\u202eabc"
    assert printable("[red]x[/red]") == "[red]x[/red]"
    assert printable("a\nb\tc") == "a\\nb\\tc"
    assert printable("a\nb\tc\rd", keep_newlines=True) == "a\nb\tc\\rd"
    assert printable("党支部 （第一）") == "党支部 （第一）"


# ------------------------------------------------------------------ every read command

READS = [
    ("list",), ("list", "--all"), ("due",), ("history",), ("eligible", "--on", "2026-11-27"), ("status",),
    ("report", "--year", "2024"), ("list", "--stage", "activist"),
]


@pytest.mark.parametrize("args", READS, ids=[" ".join(a) for a in READS])
def test_read_commands_show_hostile_text_literally(args: tuple[str, ...], hostile_db: tuple[Path, dict[str, list[int]]],
                                                   tmp_path: Path) -> None:
    r = runner(hostile_db[0], cwd=tmp_path)(*args)
    _ok(r)
    if args[0] in ("list", "due", "history", "eligible", "report"):
        for h in HOSTILE:
            assert printable(h) in r.out, (h, r.out)


@pytest.mark.parametrize("h", HOSTILE, ids=IDS)
def test_show_prints_every_stored_text_literally(h: str, hostile_db: tuple[Path, dict[str, list[int]]],
                                                 tmp_path: Path) -> None:
    path, ids = hostile_db
    i = HOSTILE.index(h)
    run = runner(path, cwd=tmp_path)
    for kind in ("applicant", "activist", "left"):
        r = run("show", str(ids[kind][i]))
        _ok(r)
        assert printable(h) in r.out
    r = run("show", str(ids["applicant"][i]))
    assert printable(h) + "\n第二行" in r.out  # a note keeps its line break (Rich expands the tab)
    r = run("history", str(ids["activist"][i]))
    _ok(r)


def test_json_output_stays_exact(hostile_db: tuple[Path, dict[str, list[int]]], tmp_path: Path) -> None:
    r = runner(hostile_db[0], cwd=tmp_path)("list", "--all", "--json")
    assert r.code == 0
    assert "\x1b" not in r.out and "\x07" not in r.out  # JSON escapes C0 controls itself
    assert [p["name"] for p in r.json()[:3]] == [HOSTILE[0]] * 3


def test_refusal_quoting_a_hostile_name_is_escaped(hostile_db: tuple[Path, dict[str, list[int]]],
                                                   tmp_path: Path) -> None:
    run = _copy_run(hostile_db, tmp_path)
    r = run("record", str(hostile_db[1]["applicant"][4]), "target", "--on", "2026-11-27")
    assert r.code == 1
    assert clean(r.err) and clean(r.out)


# ------------------------------------------------------------------ lines that changes print

def test_change_commands_print_hostile_names_literally(hostile_db: tuple[Path, dict[str, list[int]]],
                                                       tmp_path: Path) -> None:
    run = _copy_run(hostile_db, tmp_path)
    ids = hostile_db[1]
    for i, h in enumerate(HOSTILE):
        pid = str(ids["applicant"][i])
        steps = [
            ("record", pid, "talked", "--on", "2025-01-20"),
            ("fix", pid, "talked", "--on", "2025-01-21", "--reason", "记错"),
            ("unrecord", pid, "talked", "--reason", "误记"),
            ("undo",),
            ("edit", pid, "--phone", "13800000000"),
            ("undo", "--person", pid),
        ]
        for args in steps:
            r = run(*args)
            _ok(r)
            assert printable(h) in r.out, (args, r.out)


def test_export_and_import_lines_are_escaped(hostile_db: tuple[Path, dict[str, list[int]]], tmp_path: Path) -> None:
    run = _copy_run(hostile_db, tmp_path)
    out = tmp_path / "rec.md"
    r = run("export", "--person", str(hostile_db[1]["activist"][4]), "-o", str(out))
    _ok(r)
    sheet = tmp_path / "in.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "递交入党申请书时间"])
        w.writerow(["a\x1b[2Jb", "2025-01-10"])
    r = run("import", str(sheet))
    assert r.code == 1  # the row is refused: nothing written
    assert clean(r.out) and clean(r.err)
    assert "a\\x1b[2Jb" in r.out and "U+001B" in r.out


# ------------------------------------------------------------------ input: refused, with the field named

def _nothing_saved(run: Run) -> None:
    r = run("list", "--all", "--json")
    # no database was created (a read command then says so, exit 3), or it holds nobody
    assert (r.code == 3 and r.json()["error"] == "store") or r.json() == []


@pytest.mark.parametrize("args,field", [
    (("add", "a\x1bb", "--applied", "2025-01-10"), "name"),
    (("add", "张三", "--applied", "2025-01-10", "--branch", "x\x07"), "branch"),
    (("add", "张三", "--applied", "2025-01-10", "--education", "\u202e本科"), "education"),
    (("add", "张三", "--applied", "2025-01-10", "--note", "ok\x1b[2J"), "note"),
    (("add", "张三", "--applied", "2025-01-10", "--note", "ok\x0bvt"), "note"),
    (("add", "张三", "--applied", "2024-01-10", "--birth", "2010-01-01", "--override", "x\x1b"), "override"),
], ids=["name", "branch", "bidi", "note-esc", "note-vt", "override"])
def test_add_refuses_control_characters(args: tuple[str, ...], field: str, run: Run) -> None:
    r = run(*args, "--json")
    assert r.code == 2, r.err
    assert r.json()["field"] == field
    assert "U+" in r.err and clean(r.err)
    _nothing_saved(run)


def test_add_refusal_is_bilingual(run: Run) -> None:
    r = run("add", "a\x1bb", "--applied", "2025-01-10", lang="zh")
    assert r.code == 2
    assert "姓名" in r.err and "控制字符" in r.err and "U+001B" in r.err
    r = run("add", "a\x1bb", "--applied", "2025-01-10", lang="en")
    assert "Name" in r.err and "control character" in r.err


def test_note_with_newline_and_tab_is_accepted(run: Run) -> None:
    r = run("add", "张三", "--applied", "2025-01-10", "--note", "第一行\n第二行\t制表\r\n第三行\r第四行")
    assert r.code == 0, r.err
    assert run("show", "1", "--json").json()["note"] == "第一行\n第二行\t制表\n第三行\n第四行"  # CR LF, CR → LF


def test_line_breaks_and_tabs_in_a_one_line_field_become_a_space(run: Run) -> None:
    """A name pasted from a spreadsheet cell with a line break: kept on one line, not refused (a Chinese name
    keeps no spaces at all: 张 三 and 张三 are one person)."""
    r = run("add", "李四\n| 丁 |", "--applied", "2025-01-10", "--branch", "第一\t支部")
    assert r.code == 0, r.err
    shown = run("show", "1", "--json").json()
    assert (shown["name"], shown["branch"]) == ("李四|丁|", "第一 支部")


@pytest.mark.parametrize("extra,field", [
    (("talked", "--on", "2025-01-20", "--note", "x\x1b]0;t\x07"), "note"),
    (("mentors", "--on", "2025-01-20", "--names", "李四,王\x1b五"), "names"),
    (("left", "--on", "2025-01-20", "--reason", "调走\x1b"), "reason"),
    (("talked", "--on", "2025-01-20", "--override", "x\u202e"), "override"),
], ids=["note", "names", "reason", "override"])
def test_record_refuses_control_characters(extra: tuple[str, ...], field: str, run: Run) -> None:
    assert run("add", "张三", "--applied", "2025-01-10").code == 0
    r = run("record", "1", *extra, "--json")
    assert r.code == 2, r.err
    assert r.json()["field"] == field
    assert [e["event"] for e in run("show", "1", "--json").json()["events"]] == ["applied"]


def test_step_note_keeps_newline_and_tab(run: Run) -> None:
    assert run("add", "张三", "--applied", "2025-01-10").code == 0
    assert run("record", "1", "talked", "--on", "2025-01-20", "--note", "谈话\n要点\t一").code == 0
    assert run("show", "1", "--json").json()["events"][1]["note"] == "谈话\n要点\t一"


def test_fix_and_unrecord_refuse_control_characters_in_reason(run: Run) -> None:
    assert run("add", "张三", "--applied", "2025-01-10").code == 0
    assert run("record", "1", "talked", "--on", "2025-01-20").code == 0
    r = run("fix", "1", "talked", "--on", "2025-01-21", "--reason", "记\x1b错", "--json")
    assert r.code == 2 and r.json()["field"] == "reason"
    r = run("unrecord", "1", "talked", "--reason", "误\u2028记", "--json")
    assert r.code == 2 and r.json()["field"] == "reason"
    assert run("show", "1", "--json").json()["events"][1]["date"] == "2025-01-20"


def test_edit_refuses_control_characters(run: Run) -> None:
    assert run("add", "张三", "--applied", "2025-01-10").code == 0
    r = run("edit", "1", "--name", "张\x1b三", "--json")
    assert r.code == 2 and r.json()["field"] == "name"
    assert run("show", "1", "--json").json()["name"] == "张三"


def test_service_refuses_nul_and_line_separator() -> None:
    # argv cannot carry NUL: the single entry point is checked directly
    for value in ("张\u0000三", "张\u2028三", "张\x85三"):
        with pytest.raises(InputError) as exc:
            clean_details({"name": value}, require_name=True)
        assert exc.value.field == "name"
    with pytest.raises(InputError):
        build_event("sponsors", date(2025, 1, 1), names=("李四", "王\x00五"))


def test_backup_import_refuses_control_characters(run: Run, tmp_path: Path) -> None:
    assert run("add", "张三", "--applied", "2025-01-10").code == 0
    backup = tmp_path / "b.json"
    assert run("export", "--format", "json", "-o", str(backup)).code == 0
    data = json.loads(backup.read_text(encoding="utf-8"))
    data["people"][0]["name"] = "李\x1b]0;x\x07四"
    backup.write_text(json.dumps(data), encoding="utf-8")
    db2 = runner(tmp_path / "other.json", cwd=tmp_path)
    r = db2("import", str(backup))
    assert r.code == 1 and clean(r.out) and "U+001B" in r.out
    assert not (tmp_path / "other.json").exists()  # nothing written


# ------------------------------------------------------------------ the full-screen app

def _cells(screen: object) -> list[str]:
    out = []
    for table in screen.query("DataTable, ListTable"):  # type: ignore[attr-defined]
        for i in range(table.row_count):
            out += [str(c) for c in table.get_row_at(i)]
    return out


async def test_app_shows_hostile_text_literally_on_every_tab_and_the_person(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    ids = build_db(path)
    svc = Service(Store(path), load_rulebook(), lambda: TODAY)
    app = TrackerApp(svc, lang="en", cursor_blink=False, watch_seconds=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        seen: list[str] = []
        for key in ("1", "2", "3", "4"):
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            seen += _cells(app.screen)
            assert all(clean(c) for c in seen)
            shot = app.export_screenshot()
            assert "\x1b" not in shot and "\x07" not in shot and "\u202e" not in shot
        for h in HOSTILE:
            assert printable(h) in seen, h
        await pilot.press("2")
        await pilot.pause()
        for i, h in enumerate(HOSTILE):
            for kind in ("applicant", "activist", "left"):
                app.open_person(ids[kind][i])
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, PersonScreen)
                head = str(screen.query_one("#person-head", Static).render())
                assert head.startswith(printable(h)), head
                details = str(screen.query_one("#person-details", Static).render())
                assert clean(details)
                cells = _cells(screen)
                assert all(clean(c) for c in cells)
                if kind == "activist":
                    assert any(printable(h) in c for c in cells)  # the override reason
                await pilot.press("escape")
                await pilot.pause()
        # the record and correct dialogs on a hostile person
        app.open_person(ids["activist"][0])
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordModal)
        assert printable(HOSTILE[0]) in str(app.screen.query_one(".title", Label).render())
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one("#timeline", ListTable).move_cursor(row=2)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CorrectModal)
        assert printable(HOSTILE[0]) in str(app.screen.query_one(".title", Label).render())
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        # the export dialog lists hostile branches; an undo toast quotes a hostile name
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        svc.record(ids["applicant"][4], Event("talked", date(2025, 1, 20)))
        await pilot.press("u")
        await pilot.pause()
        shot = app.export_screenshot()
        assert "pwned" in shot and "\x1b" not in shot and "\x07" not in shot  # the toast, escaped
    assert app.return_code in (None, 0)


def test_a_persons_name_cannot_point_the_default_file_name_elsewhere() -> None:
    from tracker.exporters import default_name

    name = default_name("../../etc/x-全程纪实", date(2026, 11, 27), "md", branch="a/b")
    assert "/" not in name and ".." not in name and name.endswith("-2026-11-27.md")
    assert default_name("[/]-全程纪实", date(2026, 11, 27), "md") == "[_]-全程纪实-2026-11-27.md"
