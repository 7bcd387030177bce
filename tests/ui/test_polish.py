"""No surprises (issue 10): questions before bulk undo and discarding, forms that do not save on Enter,
messages wrapped by character, re-layout on resize, a Chinese-only palette, keys that are not lost."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select

from screens.app import HelpScreen, TrackerApp
from screens.confirm import ConfirmModal
from screens.forms import PersonForm
from screens.importing import ImportModal
from screens.person import PersonScreen
from screens.table import ListTable
from screens.wrap import wrap_text
from tracker.model import Event
from tracker.service import Service
from tracker.stages import stage_label

from .conftest import MakeApp, settle

SIZE = (120, 36)
CSV = "姓名,性别,递交入党申请书时间,所在党支部\n甲一,男,2026-01-05,机关第一党支部\n乙二,女,2026-02-06,机关第二党支部\n"


def toasts(app: object) -> str:
    return " ".join(str(n.message) for n in app._notifications)  # type: ignore[attr-defined]


def import_two(svc: Service, tmp_path: Path) -> None:
    sheet = tmp_path / "two.csv"
    sheet.write_text(CSV, encoding="utf-8")
    assert svc.apply_import(svc.plan_import(sheet)) is not None


async def test_undo_of_a_change_to_two_people_asks_first_and_says_how_many(make_app: MakeApp,
                                                                          tmp_path: Path) -> None:
    app = make_app(demo=False)
    import_two(app.service, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "2 人" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")  # declined: nothing undone
        await pilot.pause()
        assert len(app.service.people()) == 2
        await pilot.press("u")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert app.service.people() == [] and not isinstance(app.screen, ConfirmModal)


async def test_undo_of_one_persons_step_needs_no_question_and_names_person_and_step(
        make_app: MakeApp, service: Service) -> None:
    p = service.add({"name": "测试撤销"}, date(2024, 1, 5)).person
    service.record(p.id, Event("activist", date(2024, 3, 1)), override="支委会决定")  # overrides a local minimum?
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        text = toasts(app)
        assert ("测试撤销" in text and "确定为入党积极分子" in text) or "积极分子" in text
        assert not re.search(r"[A-Za-z]{3,}", text)  # no rule ids, no English in the Chinese UI


async def test_enter_in_the_first_field_does_not_save(make_app: MakeApp) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"zhang", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PersonForm) and app.service.people() == []
        assert app.screen.query_one("#f-name", Input).value == "zhang"  # burst typing lost nothing
        assert app.focused is app.screen.query_one("#f-applied")  # Enter went on to the date


async def test_application_date_is_required(make_app: MakeApp) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-name", Input).value = "新同志"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert app.screen is form and app.service.people() == []
        assert "递交入党申请书的日期" in form.query_one("#err-applied").text.plain  # type: ignore[attr-defined]
        assert app.focused is form.query_one("#f-applied")


async def test_esc_on_a_filled_form_asks_before_discarding(make_app: MakeApp) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"li")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PersonForm) and app.screen.query_one("#f-name", Input).value == "li"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, PersonForm | ConfirmModal)


async def test_esc_on_an_empty_form_closes_it_at_once(make_app: MakeApp) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PersonForm | ConfirmModal)


async def test_birth_to_the_month_and_branch_from_the_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        choice = form.query_one("#f-branch-choice", Select)
        branches = sorted({p.branch for p in app.service.people() if p.branch})
        assert [v for _, v in choice._options if v in branches] == branches  # type: ignore[attr-defined]
        assert not form.query_one("#f-branch").display  # typing a branch only for a new one
        form.query_one("#f-name", Input).value = "月份生"
        form.query_one("#f-applied", Input).value = "2026-11-01"
        form.query_one("#f-birth", Input).value = "1998-05"
        choice.value = branches[1]
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert isinstance(app.screen, PersonScreen)
        saved = next(p for p in app.service.people() if p.name == "月份生")
        assert saved.birth == date(1998, 5, 1) and saved.branch == branches[1]


async def test_a_new_branch_is_typed(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-name", Input).value = "新支部人"
        form.query_one("#f-applied", Input).value = "2026-11-01"
        form.query_one("#f-branch-choice", Select).value = "\x00new"
        await pilot.pause()
        assert form.query_one("#f-branch").display and app.focused is form.query_one("#f-branch")
        await pilot.press(*"xin")
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert any(p.branch == "xin" for p in app.service.people())


def test_chinese_wraps_by_character_never_leaving_a_closing_mark_alone() -> None:
    from rich.text import Text

    message = "✗不能列为发展对象：确定为入党积极分子（2025-03-15）未满一年，最早可于 2026-03-15 列为发展对象。（细则第十三条）"
    for width in range(14, 60):
        lines = wrap_text(Text(message), width).plain.split("\n")
        assert all(len(line) and line[0] not in "）。，：" for line in lines), (width, lines)
        assert all(line != "✗" for line in lines)
        assert "".join(lines).replace(" ", "") == message.replace(" ", "")


async def test_a_long_error_is_shown_whole_inside_the_dialog(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-name", Input).value = "新同志"
        form.query_one("#f-applied", Input).value = "2026-11-27"
        form.query_one("#f-id_number", Input).value = "110105194912310021"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        err = form.query_one("#err-id_number")
        assert "校验位" in err.text.plain.replace("\n", "")  # type: ignore[attr-defined]
        assert err.region.width > 0 and form.query_one("#dialog").region.contains_region(err.region)
        assert err.region.height >= len(str(err.render()).split("\n"))  # every line shown


async def test_resize_across_110_columns_relayouts_people_and_deadlines(make_app: MakeApp) -> None:
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        assert "stage_date" in {str(k.value) for k in table.columns}
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert "stage_date" not in {str(k.value) for k in table.columns}
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        await pilot.pause()
        col = next(c for k, c in table.columns.items() if k.value == "stage_date")
        assert col.get_render_width(table) >= len("2026-09-06")  # not the header's width
        await pilot.press("3")
        await pilot.pause()
        deadlines = app.screen.query_one("#deadline-table", ListTable)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert "rule" not in {str(k.value) for k in deadlines.columns}
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        await pilot.pause()
        left = next(c for k, c in deadlines.columns.items() if k.value == "left")
        assert left.get_render_width(deadlines) >= len("逾期168天") * 2 - 3


async def test_the_chinese_palette_is_chinese_only(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        titles = [c.title for c in commands]
        assert not any(c.help for c in commands)  # no English second line
        for title in titles:
            plain_title = re.sub(r"\([^)]*\)$", "", title).replace("English", "")  # the language's own name
            assert not re.search(r"[A-Za-z]{3,}", plain_title), title
        assert not any(w in " ".join(titles) for w in ("Screenshot", "Theme", "Quit", "Keys", "Maximize"))
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        assert app.screen.query_one(Input).placeholder == "搜索命令……"


async def test_footer_has_no_english_in_chinese(make_app: MakeApp) -> None:
    from textual.widgets._footer import FooterKey

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        descriptions = [k.description for k in app.screen.query(FooterKey)]
        assert "命令面板" in descriptions and "palette" not in descriptions
        assert descriptions[0] == "帮助"  # the most used keys first: at 80 columns the rest fall off the end


async def test_slash_and_letters_typed_at_once_all_reach_the_filter(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "z", "s")
        await pilot.pause()
        assert app.screen.query_one("#people-filter", Input).value == "zs"


async def test_one_overlong_name_does_not_push_the_dates_off_the_screen(make_app: MakeApp, service: Service) -> None:
    """The longest name the form takes (40 characters) is cut with "…" in the lists; the dates stay in view."""
    service.add({"name": "长" * 40}, date(2024, 1, 5))
    app = make_app(svc=service, tab="people")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        name = next(c for k, c in table.columns.items() if k.value == "name")
        assert name.get_render_width(table) <= 20 + 2 * table.cell_padding
        await pilot.press("3")
        await pilot.pause()
        deadlines = app.screen.query_one("#deadline-table", ListTable)
        name = next(c for k, c in deadlines.columns.items() if k.value == "name")
        assert name.get_render_width(deadlines) <= 20 + 2 * deadlines.cell_padding  # the group headings too
        due = next(c for k, c in deadlines.columns.items() if k.value == "due")
        assert due.get_render_width(deadlines) >= len("2026-11-27")


async def test_slash_starts_a_new_search_in_place_of_the_last(make_app: MakeApp) -> None:
    """A secretary found "/zhang", Esc, "/zhang" gave "zhangzhang" and nobody: "/" starts afresh."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "z", "h", "a", "n", "g")
        await pilot.pause()
        box = app.screen.query_one("#people-filter", Input)
        assert box.value == "zhang"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash", "l", "i")  # typed at once: reaches the box before it has the focus
        await pilot.pause()
        assert box.value == "li"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        for key in ("w", "a", "n", "g"):  # typed once the box has the focus
            await pilot.press(key)
        await pilot.pause()
        assert box.value == "wang"


async def test_a_late_focus_in_the_pane_left_behind_does_not_switch_back(make_app: MakeApp) -> None:
    """On a busy machine Textual's focus hand-over inside the hidden overview arrived after ``5`` and took the user
    back to the overview, so the arrow keys typed next moved nothing (CI lost them this way)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        app.screen.query_one("#overview-soon", DataTable).focus()  # what the late hand-over does
        await pilot.pause()
        assert app.screen.current_tab() == "calendar"  # type: ignore[attr-defined]
        app.screen.query_one("#cal-grid", DataTable).focus()
        await pilot.pause()
        await pilot.press("up")
        await pilot.pause()
        assert str(app.screen.query_one("#cal-title").render()).strip() == "2026年11月"
        assert app.screen.query_one("#cal-grid", DataTable).cursor_row == 3  # 27 November was in the 5th week


async def test_help_from_a_text_box_with_question_mark_and_f1(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")  # help closed: back in the filter
        await pilot.pause()
        await pilot.press("escape", "n")  # out of the filter; a new person
        await pilot.pause()
        await pilot.press(*"ab", "question_mark")  # typing into a name: ? is typed
        await pilot.pause()
        assert app.focused is not None and getattr(app.focused, "value", "") == "ab?"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_sort_marker_in_the_header_and_reverse_on_a_second_press(make_app: MakeApp) -> None:
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        people = app.screen.query_one("#pane-people")
        people.sort_by("name")  # type: ignore[attr-defined]
        await pilot.pause()
        labels = {str(k.value): str(c.label) for k, c in table.columns.items()}
        assert labels["name"].endswith("▲") and not labels["id"].endswith("▲")
        first = table.get_row_at(0)[1]
        people.sort_by("name")  # type: ignore[attr-defined]
        await pilot.pause()
        assert str(table.columns[next(k for k in table.columns if k.value == "name")].label).endswith("▼")
        assert table.get_row_at(table.row_count - 1)[1] == first
        assert "按“姓名”降序排序" in toasts(app)


async def test_filter_down_and_esc_go_to_the_results(make_app: MakeApp) -> None:
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#people-table")
        await pilot.press("slash", "escape")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#people-table")


async def test_deadlines_cursor_starts_on_a_person_not_a_heading(make_app: MakeApp) -> None:
    app = make_app(tab="deadlines")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#deadline-table", ListTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key is not None and not key.startswith("group-")


async def test_deadline_rule_filter_names_steps_not_rule_ids(make_app: MakeApp) -> None:
    app = make_app(tab="deadlines")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rule = app.screen.query_one("#deadline-rule", Select)
        prompts = [str(p) for p, _ in rule._options[1:]]  # type: ignore[attr-defined]
        assert prompts and all(re.fullmatch(r"R\d+ [^A-Za-z]+", p) for p in prompts), prompts


async def test_import_dialog_previews_then_imports(make_app: MakeApp, tmp_path: Path) -> None:
    sheet = tmp_path / "two.csv"
    sheet.write_text(CSV, encoding="utf-8")
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "导入" in str(app.screen.query_one("#empty-start").render())
        modal = await _preview_in_import_dialog(app, pilot, sheet)
        report = str(modal.query_one("#imp-report").render())
        assert "甲一" in report and "新增 2" in report and app.service.people() == []  # a dry run first
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert sorted(p.name for p in app.service.people()) == ["乙二", "甲一"]


async def test_import_dialog_names_a_missing_file_in_chinese(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        app.screen.query_one("#imp-file", Input).value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        await pilot.pause()
        text = app.screen.query_one("#imp-error").text.plain  # type: ignore[attr-defined]
        assert "找不到文件" in text and "Errno" not in text


async def _export_dialog(app: object, pilot: object, folder: Path, stage: str = "activist", fmt: str = "csv") -> object:
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("e")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    modal = app.screen  # type: ignore[attr-defined]
    modal.query_one("#x-stage", Select).value = stage
    modal.query_one("#x-format", Select).value = fmt
    modal.query_one("#x-dir", Input).value = str(folder)
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await settle(pilot)  # the save runs in a worker
    await pilot.pause()  # type: ignore[attr-defined]
    return modal


async def test_export_asks_before_creating_a_missing_folder(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    folder = tmp_path / "新建" / "名册"
    async with app.run_test(size=SIZE) as pilot:
        await _export_dialog(app, pilot, folder)
        assert isinstance(app.screen, ConfirmModal) and str(folder) in app.screen.query_one(
            "#confirm-question").text.plain.replace("\n", "")  # type: ignore[attr-defined]
        await pilot.press("n")
        await pilot.pause()
        assert not folder.exists()
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert (folder / "入党积极分子名册-2026-11-27.csv").exists()


async def test_export_messages_are_in_the_uis_words(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    (tmp_path / "a-file").write_text("x")
    async with app.run_test(size=SIZE) as pilot:
        modal = await _export_dialog(app, pilot, tmp_path, stage="all", fmt="csv")
        text = modal.query_one("#x-error").text.plain  # type: ignore[attr-defined]
        assert "请选择一个阶段" in text and "--" not in text
        modal.query_one("#x-stage", Select).value = "activist"  # type: ignore[attr-defined]
        modal.query_one("#x-dir", Input).value = str(tmp_path / "a-file" / "x.csv")  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        text = modal.query_one("#x-error").text.plain  # type: ignore[attr-defined]
        assert "不是文件夹" in text and "Errno" not in text
        modal.query_one("#x-dir", Input).value = str(tmp_path)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        await _export_dialog(app, pilot, tmp_path)  # the same file again
        text = app.screen.query_one("#x-error").text.plain  # type: ignore[attr-defined]
        assert "覆盖同名文件" in text and "--force" not in text and "（-o）" not in text


async def test_export_of_an_empty_roster_warns(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await _export_dialog(app, pilot, tmp_path, fmt="xlsx")
        assert "名册为空" in toasts(app)


async def test_a_big_database_shows_the_screen_first_then_counts_then_lists(service: Service) -> None:
    """Computed in a worker (here from 1 person on): a loading indicator, then the same counts and lists."""

    from tracker.reports import status

    from .test_pilot import chart_rows

    app = TrackerApp(service, lang="zh", cursor_blink=False, watch_seconds=0, background_from=1)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        counts = status(service.people(), service.book, service.today).counts
        shown = chart_rows(app)  # the pipeline chart: stage → its numbers, the count first
        for stage, n in counts.items():
            assert shown[stage_label(stage, "zh")][0] == str(n)
        assert not app.screen.query_one("#overview-loading").display
        assert app.screen.query_one("#overview-due", DataTable).row_count > 0


async def _burst(app: object, pilot: object, keys: list[str]) -> None:
    """Keys as a fast typist or a paste sends them: all queued before the first is handled."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, {"slash": "/", "enter": "\r"}.get(key, key)))  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_a_pasted_search_loses_no_letter(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _burst(app, pilot, ["slash", "z", "s"])
        assert app.focused is app.screen.query_one("#people-filter") and app.focused.value == "zs"  # type: ignore[attr-defined]


async def test_a_search_typed_fast_on_the_people_tab_loses_no_letter(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _burst(app, pilot, ["2", "slash", "z", "s"])
        assert app.screen.query_one("#people-filter", Input).value == "zs"


async def test_n_then_a_name_then_enter_typed_fast(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _burst(app, pilot, ["n", *"zhang", "enter"])
        form = app.screen
        assert isinstance(form, PersonForm) and form.query_one("#f-name", Input).value == "zhang"
        assert app.focused is form.query_one("#f-applied")  # Enter moved on; nothing saved
        await pilot.press("escape")
        await pilot.pause()  # the question is up (a y before it would be the main screen's: the year chart)
        await pilot.press("y")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        await pilot.press("2")  # keys mean keys again after the form
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "people"  # type: ignore[attr-defined]


async def test_person_screen_chinese_punctuation_and_today_visible(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = next(p.id for p in app.service.people() if p.gender)
        app.open_person(pid)
        await pilot.pause()
        details = str(app.screen.query_one("#person-details").render())
        assert "性别：" in details and "性别:" not in details
        assert "2026-11-27" in app.sub_title and app.screen.query("Header")  # today stays in view


async def test_switching_language_keeps_the_row_and_the_focus(make_app: MakeApp) -> None:
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        table.focus()
        await pilot.press("down", "down", "down")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#people-table", ListTable)
        assert app.lang == "en" and table.cursor_row == 3 and app.focused is table


async def test_tab_in_a_dialog_stops_only_on_fields_and_buttons(make_app: MakeApp) -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import Button

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("n", "e"):
            await pilot.press(key)
            await pilot.pause()
            chain = app.screen.focus_chain
            assert chain and not any(isinstance(w, VerticalScroll) for w in chain)
            assert all(isinstance(w, Input | Select | Button | Checkbox) for w in chain)
            await pilot.press("escape")
            await pilot.pause()


async def test_a_select_menus_footer_is_in_chinese(make_app: MakeApp) -> None:
    from textual.widgets._footer import FooterKey

    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#people-stage", Select).focus()
        await pilot.press("enter")  # the menu opens
        await pilot.pause()
        descriptions = [k.description for k in app.screen.query(FooterKey)]
        assert "关闭菜单" in descriptions and "Dismiss menu" not in descriptions


async def test_a_member_opens_on_a_step_not_on_a_heading(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pid = next(p.id for p in app.service.people() if p.stage == "member")
        app.open_person(pid)
        await pilot.pause()
        table = app.screen.query_one("#timeline", ListTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key is not None and not key.startswith("section-")


async def test_import_dialog_leaves_hidden_rows_out_unless_ticked(make_app: MakeApp, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "递交入党申请书时间"])
    ws.append(["甲一", "2025-03-01"])
    ws.append(["乙二", "2025-04-01"])  # row 3: hidden (moved away)
    ws.row_dimensions[3].hidden = True
    sheet = tmp_path / "hidden.xlsx"
    wb.save(sheet)
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        modal = await _preview_in_import_dialog(app, pilot, sheet)
        report = str(modal.query_one("#imp-report").render())
        assert "第3行已隐藏，未导入：乙二" in report and "--include-hidden" not in report  # no CLI option in the app
        box = modal.query_one("#imp-hidden", Checkbox)
        assert box.display
        box.value = True  # ticked: previewed again with the hidden row
        await settle(pilot)
        await settle(pilot)
        report = str(modal.query_one("#imp-report").render())
        assert "已隐藏" not in report and "乙二" in report
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sorted(p.name for p in app.service.people()) == ["乙二", "甲一"]


async def test_import_dialog_can_read_a_hidden_sheet(make_app: MakeApp, tmp_path: Path) -> None:
    from openpyxl import Workbook
    from textual.widgets import Select

    wb = Workbook()
    ws = wb.active
    ws.title = "在册"
    ws.append(["姓名", "递交入党申请书时间"])
    ws.append(["甲一", "2025-03-01"])
    old = wb.create_sheet("往年")
    old.append(["姓名", "递交入党申请书时间"])
    old.append(["丙三", "2024-03-01"])
    old.sheet_state = "hidden"
    sheet = tmp_path / "sheets.xlsx"
    wb.save(sheet)
    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        modal = await _preview_in_import_dialog(app, pilot, sheet)
        picker = modal.query_one("#imp-sheet", Select)
        report = str(modal.query_one("#imp-report").render())
        assert "隐藏的工作表，未导入：往年（需要时在下面的“工作表”中选择）" in report and "--sheet" not in report
        assert picker.display and "丙三" not in report
        picker.value = "往年"  # chosen: read again, that sheet alone
        await settle(pilot)
        await settle(pilot)
        report = str(modal.query_one("#imp-report").render())
        assert "丙三" in report and "甲一" not in report
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [p.name for p in app.service.people()] == ["丙三"]


async def test_a_ticked_box_differs_from_an_unticked_one_without_colour(make_app: MakeApp) -> None:

    app = make_app(demo=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        box = app.screen.query_one("#imp-hidden", Checkbox)
        assert str(box.render()).startswith("▐ ▌")  # unticked: an empty box
        box.value = True
        await pilot.pause()
        assert str(box.render()).startswith("▐✓▌")


async def _preview_in_import_dialog(app: TrackerApp, pilot: Pilot[None], sheet: Path) -> ImportModal:
    """``I``, the file's path typed, Enter: the import dialog with the file's dry-run report shown."""
    await pilot.press("I")
    await pilot.pause()
    modal = app.screen
    assert isinstance(modal, ImportModal)
    modal.query_one("#imp-file", Input).value = str(sheet)
    await pilot.press("enter")
    await settle(pilot)
    return modal
