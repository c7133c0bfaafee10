"""An encrypted store's passphrase at launch: a small dialog, a password field; a wrong passphrase
says so in one sentence and asks again; Escape leaves."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from kapsession.store import EventStore
from kapsession.store.maintenance import encrypt
from kapsession.tui.screens.passphrase import PassphraseApp, PassphraseDialog

PASSPHRASE = "correct horse battery staple"


async def settle(pilot, app) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_wrong_passphrase_asks_again_and_the_right_one_opens_the_store(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KAPSESSION_PASSPHRASE", raising=False)
    encrypt(tmp_path, PASSPHRASE)
    app = PassphraseApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PassphraseDialog)
        field = dialog.query_one(Input)
        assert field.password and field.has_focus
        await pilot.press(*"not it")
        assert "not it" not in str(app.screen_stack[-1].query_one(Input).render())
        await pilot.press("enter")
        await settle(pilot, app)
        assert (
            dialog.query_one("#error", Static).render().plain == "That passphrase does not open the store. Try again."
        )
        assert field.value == "" and not field.disabled and field.has_focus
        await pilot.press(*PASSPHRASE, "enter")
        await settle(pilot, app)
    store = app.return_value
    assert isinstance(store, EventStore) and store.encrypted
    store.close()


async def test_escape_leaves_without_opening(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KAPSESSION_PASSPHRASE", raising=False)
    encrypt(tmp_path, PASSPHRASE)
    app = PassphraseApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # nothing typed
        assert "Type the passphrase" in app.screen.query_one("#error", Static).render().plain
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_value is None
