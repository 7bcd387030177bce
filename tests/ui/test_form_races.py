"""The edit form and another program writing the same file: only what the user changed is saved, and a
field both changed is shown, never overwritten silently."""

from __future__ import annotations

from textual.widgets import Input, Label

from screens.forms import PersonForm
from tracker.service import Service
from tracker.store import Store

from .conftest import BOOK, TODAY, MakeApp, settle

SIZE = (120, 36)


async def _open_form(app: object, pilot: object, pid: int) -> PersonForm:
    app.open_person(pid)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("d")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    form = app.screen  # type: ignore[attr-defined]
    assert isinstance(form, PersonForm)
    return form


def _outside(service: Service) -> Service:
    """Another process on the same file (the CLI, a cron job)."""
    return Service(Store(service.store.path), BOOK, lambda: TODAY)


async def test_edit_form_keeps_a_phone_changed_meanwhile_by_another_program(make_app: MakeApp,
                                                                           service: Service) -> None:
    pid = service.people()[0].id
    other = _outside(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(app, pilot, pid)
        other.edit(pid, {"phone": "13911112222"})
        app.watch_database()  # what the app's timer does every 2 s: it sees the file changed and reloads
        await pilot.pause()
        form.query_one("#f-branch", Input).value = "新成立党支部"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert not isinstance(app.screen, PersonForm)
    other.refresh()
    person = other.person(pid)
    assert person.phone == "13911112222" and person.branch == "新成立党支部"


async def test_edit_form_shows_a_field_both_changed_and_keeps_both_values(make_app: MakeApp,
                                                                         service: Service) -> None:
    pid = service.people()[0].id
    other = _outside(service)
    app = make_app(svc=service)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(app, pilot, pid)
        other.edit(pid, {"phone": "13911112222"})
        form.query_one("#f-phone", Input).value = "13833334444"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert app.screen is form  # still open: nothing written, nothing lost
        message = str(form.query_one("#err-phone", Label).content)
        assert "另一程序" in message and "13911112222" in message and "13833334444" in message
        assert form.query_one("#f-phone", Input).value == "13833334444"  # theirs in the message, yours in the field
        other.refresh()
        assert other.person(pid).phone == "13911112222"
        await pilot.press("ctrl+s")  # saving again, knowing, keeps the form's value
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        assert not isinstance(app.screen, PersonForm)
    other.refresh()
    assert other.person(pid).phone == "13833334444"


async def test_edit_form_conflict_in_english(make_app: MakeApp, service: Service) -> None:
    pid = service.people()[0].id
    other = _outside(service)
    app = make_app(lang="en", svc=service)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(app, pilot, pid)
        other.edit(pid, {"education": "博士"})
        form.query_one("#f-education", Input).value = "硕士"
        await pilot.press("ctrl+s")
        await settle(pilot)  # the save runs in a worker
        await pilot.pause()
        message = str(form.query_one("#err-education", Label).content)
        assert "Another program" in message and "博士" in message and "硕士" in message
