"""What keeps the app quick with many people: lists computed in workers (the screen answers meanwhile), the same
rows as computed at once, the focus where the keys expect it, no pauses for work nobody sees."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from textual.widgets import DataTable

from screens.footer import LocalFooter
from screens.table import ListTable
from screens.widgets import plain
from tracker.model import Person
from tracker.service import Service

from .conftest import MakeApp

SIZE = (120, 36)


def rows(table: DataTable[Any] | ListTable) -> list[tuple[str, ...]]:
    return [tuple(str(plain(c) if not hasattr(c, "plain") else c.plain) for c in table.get_row_at(i))
            for i in range(table.row_count)]


async def _tab_rows(make_app: MakeApp, service: Service, key: str, table_id: str, background_from: int
                    ) -> tuple[list[tuple[str, ...]], object, bool]:
    app = make_app(svc=service)
    app.background_from = background_from
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(f"#{table_id}", ListTable)
        return rows(table), app.focused is table, bool(table.loading)


@pytest.mark.parametrize(("key", "table_id"), [("3", "deadline-table"), ("4", "planner-table")])
async def test_with_many_people_deadlines_and_the_meeting_list_come_from_a_worker_complete_and_focused(
        make_app: MakeApp, service: Service, key: str, table_id: str) -> None:
    """As with 10k people (the meeting list took 3 s on the UI thread): the same rows as computed at once, the
    loading indicator gone, and the list has the focus it could not take while loading (↓ and Enter work)."""
    at_once, _, _ = await _tab_rows(make_app, service, key, table_id, background_from=10**6)
    in_worker, focused, loading = await _tab_rows(make_app, service, key, table_id, background_from=0)
    assert len(at_once) > 5
    assert in_worker == at_once
    assert focused and not loading


async def test_while_the_meeting_list_is_computed_it_shows_as_loading_and_keys_still_work(
        make_app: MakeApp, service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import screens.planner as planner_module

    release = threading.Event()
    real = planner_module.meeting_items

    def slow(*args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(planner_module, "meeting_items", slow)
    app = make_app(svc=service)
    app.background_from = 0
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        table = app.screen.query_one("#planner-table", ListTable)
        assert table.loading
        await pilot.press("2")  # the UI is not held by the computation: another tab at once
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "people"  # type: ignore[attr-defined]
        await pilot.press("4")
        await pilot.pause()
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not table.loading and table.row_count > 5
        assert app.focused is table


async def test_a_date_typed_in_the_planner_gives_that_meetings_list_from_the_worker(
        make_app: MakeApp, service: Service) -> None:
    from tracker.meeting import meeting_items

    app = make_app(svc=service)
    app.background_from = 0
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("m", "ctrl+a", *"2027-06-01", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#planner-table", ListTable)
        want = meeting_items(service.people(), service.book, __import__("datetime").date(2027, 6, 1),
                             today=service.today)
        eligible = {e.person.name for e in want if e.eligible}
        shown_eligible = {r[2] for r in rows(table) if "✓" in r[-2]}
        assert shown_eligible and shown_eligible <= eligible


async def test_no_worker_describes_everyone(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual describes a worker by repr() of its arguments unless told otherwise: for 10k people that was 2 s
    on the UI thread when People or the calendar was first shown."""
    described: list[int] = []

    def counted_repr(self: Person) -> str:
        described.append(self.id)
        return f"Person({self.id})"

    monkeypatch.setattr(Person, "__repr__", counted_repr)
    app = make_app()
    app.background_from = 0
    async with app.run_test(size=SIZE) as pilot:
        for key in "23451":
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert described == []


async def test_the_footer_is_not_rebuilt_when_its_keys_are_the_same(make_app: MakeApp) -> None:
    """Back from a person the main screen's keys are those it had: the same key widgets (a rebuild styles some
    fifteen widgets anew, the largest part of a keystroke at 10k people); another tab's keys are rebuilt."""
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(LocalFooter)
        before = list(footer.children)
        labels = [str(getattr(k, "description", "")) for k in before]
        assert before
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert list(footer.children) == before
        await pilot.press("4")  # the planner: its own keys (m, space, e, g)
        await pilot.pause()
        await pilot.pause()
        after = [str(getattr(k, "description", "")) for k in footer.children]
        assert after != labels


async def test_pinyin_dictionaries_are_out_of_the_collectors_reach(make_app: MakeApp) -> None:
    """pypinyin's ≈ 200k lists live as long as the app: a full collection must not walk them (at 10k people a
    full pass took 0.2–0.4 s, landing in the middle of a keystroke)."""
    app = make_app(tab="people")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        from pypinyin import pinyin_dict

        tracked = {id(o) for o in gc.get_objects(generation=2)}
        assert id(pinyin_dict.pinyin_dict) not in tracked
        from screens.search import pinyin_key

        someone = app.service.people()[0]
        initials, _ = pinyin_key(someone.name)
        await pilot.press("slash", *initials)  # and matching by pinyin still works
        await pilot.pause()
        names = [r[1] for r in rows(app.screen.query_one("#people-table", ListTable))]
        assert someone.name in names


async def test_a_letter_that_narrows_the_last_finds_filters_at_once_even_after_a_slow_search(
        make_app: MakeApp) -> None:
    """After a slow search of everyone (10k people under load) the next letters wait 60 ms for more typing; a
    letter added to the last query only narrows what it found (milliseconds), so the list follows it at once."""
    from screens.people import People

    app = make_app(tab="people")
    app.background_from = 0  # as with many people
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        people = app.screen.query_one(People)
        someone = app.service.people()[0]
        from screens.search import pinyin_key

        initials, _ = pinyin_key(someone.name)
        await pilot.press("slash", initials[0])
        await pilot.pause(0.2)
        people._filter_cost = 1.0  # as if that search of everyone had been slow
        await pilot.press(initials[1])
        assert people._filter_timer is None
        assert people.query_text == initials[:2]
        assert someone in people.matches
        assert all(p in people.index.filter(app.service.people(), initials[:2]) for p in people.matches)
