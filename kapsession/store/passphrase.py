"""Where an encrypted store's passphrase comes from: given, $KAPSESSION_PASSPHRASE, the OS keyring
(if the optional `keyring` package is installed and the therapist asked it to remember), or typed
at a terminal (never echoed). The passphrase is never written to a file or a log by kapsession.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kapsession.store.faults import PassphraseError

ENVIRONMENT_VARIABLE = "KAPSESSION_PASSPHRASE"
KEYRING_SERVICE = "kapsession"
MINIMUM_NEW_LENGTH = 8  # NIST SP 800-63B: at least 8 characters for a secret a person chooses
MAXIMUM_LENGTH = 1024

Asker = Callable[[], "str | None"]


def checked(passphrase: str, *, new: bool = False) -> str:
    """A passphrase as given, or a PassphraseError saying what is wrong with it."""
    if any(ord(character) < 32 or 127 <= ord(character) < 160 for character in passphrase):
        raise PassphraseError(
            "the passphrase contains a control character; accepted: letters, digits, spaces and punctuation"
        )
    if not passphrase:
        raise PassphraseError("the passphrase is empty")
    if len(passphrase) > MAXIMUM_LENGTH:
        raise PassphraseError(f"the passphrase is {len(passphrase)} characters long: accepted up to {MAXIMUM_LENGTH}")
    if new and len(passphrase) < MINIMUM_NEW_LENGTH:
        raise PassphraseError(
            f"the passphrase is {len(passphrase)} characters long: choose at least "
            f"{MINIMUM_NEW_LENGTH} (a few words are easier to remember than symbols)"
        )
    return passphrase


def from_environment() -> str | None:
    value = os.environ.get(ENVIRONMENT_VARIABLE)
    return value if value else None


def _keyring() -> Any:
    """The keyring module, or None when it is not installed (it is an optional extra)."""
    try:
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return None
    return keyring


def _account(database: Path) -> str:
    return str(Path(database).resolve())


def remembered(database: Path) -> str | None:
    """The passphrase the OS keyring holds for this store, if any (any keyring failure: none)."""
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, _account(database)) or None
    except Exception:
        return None


def remember(database: Path, passphrase: str) -> None:
    keyring = _keyring()
    if keyring is None:
        raise PassphraseError("remembering the passphrase needs the keyring package: pip install 'kapsession[keyring]'")
    try:
        keyring.set_password(KEYRING_SERVICE, _account(database), passphrase)
    except Exception as error:
        raise PassphraseError(
            f"the OS keyring did not take the passphrase ({type(error).__name__}); it was not remembered"
        ) from error


def forget(database: Path) -> bool:
    """Remove the remembered passphrase; True if one was removed."""
    keyring = _keyring()
    if keyring is None or remembered(database) is None:
        return False
    try:
        keyring.delete_password(KEYRING_SERVICE, _account(database))
    except Exception:
        return False
    return True


def ask_on_terminal(prompt: str = "Passphrase for the kapsession store: ") -> str | None:
    """Typed at a terminal without echo; None when there is no terminal to ask at."""
    if not sys.stdin.isatty():
        return None
    import getpass

    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return None


def ask_new_on_terminal() -> str | None:
    """A new passphrase typed twice; None without a terminal."""
    first = ask_on_terminal("New passphrase for the kapsession store: ")
    if first is None:
        return None
    checked(first, new=True)
    second = ask_on_terminal("The same passphrase again: ")
    if second != first:
        raise PassphraseError("the two passphrases typed differ; nothing was changed")
    return first


def new_passphrase() -> str:
    """For `encrypt`: $KAPSESSION_PASSPHRASE, else typed twice at a terminal."""
    given = from_environment()
    if given is not None:
        return checked(given, new=True)
    typed = ask_new_on_terminal()
    if typed is None:
        raise PassphraseError(f"a passphrase is needed: type it at a terminal, or set {ENVIRONMENT_VARIABLE}")
    return typed


def for_store(database: Path, given: str | None, ask: Asker | None) -> tuple[str, str]:
    """The passphrase for an encrypted store and where it came from (for the sentence if it is
    wrong): `given`, else $KAPSESSION_PASSPHRASE, else the keyring, else `ask()`."""
    from kapsession.store.faults import PassphraseNeeded

    candidates: list[tuple[str, Callable[[], str | None]]] = [
        ("given", lambda: given),
        (f"in ${ENVIRONMENT_VARIABLE}", from_environment),
        ("remembered by the OS keyring", lambda: remembered(database)),
    ]
    if ask is not None:
        candidates.append(("typed", ask))
    for source, find in candidates:
        found = find()
        if found is not None:
            return checked(found), source
    raise PassphraseNeeded(
        f"the store {database} is encrypted: type its passphrase when asked (at a terminal), "
        f"or set ${ENVIRONMENT_VARIABLE}"
    )
