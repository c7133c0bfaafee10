"""The store's own commands, registered by kapsession.cli through `register`:

    kapsession check                      integrity check; what could be recovered
    kapsession recover -o DIR             copy every readable event into a new store in DIR
    kapsession backup FILE [--force]      a consistent copy, while a session is live
    kapsession restore FILE [--force]     make the store the backup (refused if it would lose anything)
    kapsession encrypt [--remember]       convert the store to SQLCipher (passphrase asked twice)
    kapsession decrypt                    convert it back to plain SQLite
    kapsession passphrase remember|forget the OS keyring keeps the passphrase (optional extra)
    kapsession store copy --to URL|DIR    the whole store into an empty one on the other engine, verified

An encrypted store's passphrase comes from $KAPSESSION_PASSPHRASE, the keyring, or a prompt at a
terminal. Refusals are one sentence (kapsession.cli prints them): exit 2 for what was typed, 1 for
a store that cannot be used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kapsession.core.errors import StoreError


def _in_sentences(command: Callable[[Any], int]) -> Callable[[Any], int]:
    """A file the command cannot create or write is one sentence, like every other refusal."""

    @functools.wraps(command)
    def run(ctx: Any) -> int:
        try:
            return command(ctx)
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            raise StoreError(f"cannot use{where} ({error.strerror or error}); nothing was changed") from error

    return run


def register(subparsers: Any) -> None:
    check = subparsers.add_parser("check", help="check the database; say what can be recovered")
    check.set_defaults(func=_in_sentences(cmd_check))

    recover = subparsers.add_parser("recover", help="copy every readable event into a new store in DIR")
    recover.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="a new or empty folder, e.g. -o ~/kap-recovered"
    )
    recover.set_defaults(func=_in_sentences(cmd_recover))

    backup = subparsers.add_parser("backup", help="a consistent copy of the store (encrypted if the store is)")
    backup.add_argument(
        "file", help="the backup file to write (keep it on another disk), e.g. /media/usb/kap-2026-03-02.sqlite3"
    )
    backup.add_argument("--force", action="store_true", help="replace an existing file")
    backup.set_defaults(func=_in_sentences(cmd_backup))

    restore = subparsers.add_parser("restore", help="make the store a backup (refused if that would lose anything)")
    restore.add_argument("file", help="a backup written by `kapsession backup`, e.g. /media/usb/kap-2026-03-02.sqlite3")
    restore.add_argument(
        "--force", action="store_true", help="replace a store holding what the backup lacks (it is kept in replaced/)"
    )
    restore.set_defaults(func=_in_sentences(cmd_restore))

    encrypt = subparsers.add_parser("encrypt", help="encrypt the store with a passphrase (SQLCipher)")
    encrypt.add_argument("--remember", action="store_true", help="the OS keyring remembers the passphrase")
    encrypt.set_defaults(func=_in_sentences(cmd_encrypt))

    decrypt = subparsers.add_parser("decrypt", help="turn an encrypted store back into plain SQLite")
    decrypt.set_defaults(func=_in_sentences(cmd_decrypt))

    passphrase = subparsers.add_parser("passphrase", help="the OS keyring remembers or forgets the passphrase")
    passphrase.add_argument(
        "action",
        choices=["remember", "forget"],
        help="remember (asks for it and keeps it in the keyring) or forget, e.g. forget",
    )
    passphrase.set_defaults(func=_in_sentences(cmd_passphrase))

    store = subparsers.add_parser("store", help="copy the whole store into PostgreSQL, or back into SQLite")
    store.add_argument("action", choices=["copy"], help="copy (the only action), e.g. copy")
    store.add_argument(
        "--to",
        required=True,
        metavar="URL|DIR",
        help="an empty PostgreSQL database (postgresql://...) or a folder for a new SQLite store, "
        "e.g. --to postgresql://me@db.clinic.example/kapsession",
    )
    store.set_defaults(func=_in_sentences(cmd_store_copy))


def _database(ctx: Any) -> Path:
    from kapsession.locations import DATABASE_NAME

    return ctx.data_dir / DATABASE_NAME


def cmd_check(ctx: Any) -> int:
    from kapsession.store.maintenance import check
    from kapsession.store.passphrase import ask_on_terminal

    report = check(ctx.data_dir, ask=ask_on_terminal)
    form = "encrypted" if report.encrypted else "not encrypted"
    schema = f", schema {report.schema}" if report.schema is not None else ""
    ctx.out(f"store:     {report.path} ({form}{schema})")
    readable = report.readable
    if report.ok and readable is not None:
        ctx.out("integrity: ok")
        ctx.out(
            f"readable:  all {_count(len(readable.sessions), 'session')} and {_count(readable.event_count, 'event')}"
        )
        return 0
    first, more = report.problems[0], len(report.problems) - 1
    ctx.out(f"integrity: DAMAGED: {first}" + (f" (and {more} more)" if more else ""))
    if readable is None:
        ctx.out("readable:  nothing: restore a backup (`kapsession restore FILE`)")
        return 1
    lost = readable.unreadable_events
    ctx.out(
        f"readable:  {_count(len(readable.sessions), 'session')} and {_count(readable.event_count, 'event')}"
        + (f"; {_count(len(lost), 'event')} cannot be read (#{_ranges(lost)})" if lost else "")
    )
    ctx.out("recover:   `kapsession recover -o DIR` copies every readable event into a new store in DIR")
    return 1


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _ranges(numbers: list[int]) -> str:
    """1,2,3,7 -> '1-3, 7' (at most five ranges)."""
    ranges: list[list[int]] = []
    for number in sorted(numbers):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges[:5])
    return text + (", …" if len(ranges) > 5 else "")


def cmd_recover(ctx: Any) -> int:
    from kapsession.store.maintenance import recover
    from kapsession.store.passphrase import ask_on_terminal

    out = Path(ctx.args.output).expanduser()
    report = recover(ctx.data_dir, out, ask=ask_on_terminal)
    ctx.out(f"recovered {_count(report.sessions, 'session')} and {_count(report.events, 'event')} into {report.target}")
    lost = [
        text
        for count, text in (
            (len(report.lost_events), _count(len(report.lost_events), "unreadable event")),
            (
                report.orphaned_events,
                f"{_count(report.orphaned_events, 'event')} of sessions whose first event was lost",
            ),
        )
        if count
    ]
    if lost:
        ctx.out(f"not recovered: {' and '.join(lost)} (their numbers are in {out / 'recovery.json'})")
    ctx.out(f"look at it with: kapsession --data-dir {out} sessions")
    return 0


def cmd_backup(ctx: Any) -> int:
    from kapsession.store.maintenance import backup
    from kapsession.store.passphrase import ask_on_terminal

    target = Path(ctx.args.file).expanduser()
    sessions, events, encrypted = backup(ctx.data_dir, target, force=ctx.args.force, ask=ask_on_terminal)
    form = (
        "encrypted with the store's passphrase"
        if encrypted
        else "not encrypted: keep it somewhere as safe as the records themselves"
    )
    ctx.out(f"backed up {_count(sessions, 'session')} ({_count(events, 'event')}) to {target} ({form})")
    return 0


def cmd_restore(ctx: Any) -> int:
    from kapsession.store.maintenance import restore
    from kapsession.store.passphrase import ask_on_terminal

    report = restore(ctx.data_dir, Path(ctx.args.file), force=ctx.args.force, ask=ask_on_terminal)
    ctx.out(
        f"restored {_count(report.sessions, 'session')} ({_count(report.events, 'event')}) from {ctx.args.file}"
        + (" (encrypted)" if report.encrypted else " (not encrypted; `kapsession encrypt` encrypts it)")
    )
    if report.kept_aside is not None:
        ctx.out(f"the store it replaced is kept at {report.kept_aside}")
    return 0


def cmd_encrypt(ctx: Any) -> int:
    from kapsession.store import passphrase as passphrases
    from kapsession.store.maintenance import encrypt

    chosen = passphrases.new_passphrase()
    events = encrypt(ctx.data_dir, chosen)
    ctx.out(
        f"the store is encrypted ({events:,} events). Keep the passphrase safe: without it no one, you "
        "included, can read these sessions. Backups made from now on are encrypted too; earlier ones are not."
    )
    if ctx.args.remember:
        passphrases.remember(_database(ctx), chosen)
        ctx.out("the OS keyring remembers the passphrase on this computer")
    return 0


def cmd_decrypt(ctx: Any) -> int:
    from kapsession.store import passphrase as passphrases
    from kapsession.store.maintenance import decrypt

    events = decrypt(ctx.data_dir, ask=passphrases.ask_on_terminal)
    passphrases.forget(_database(ctx))
    ctx.out(f"the store is no longer encrypted ({events:,} events)")
    return 0


def cmd_passphrase(ctx: Any) -> int:
    from kapsession.store import passphrase as passphrases
    from kapsession.store.event_store import EventStore

    database = _database(ctx)
    if ctx.args.action == "forget":
        forgotten = passphrases.forget(database)
        ctx.out(
            "the OS keyring forgot the passphrase" if forgotten else "the OS keyring held no passphrase for this store"
        )
        return 0
    typed = passphrases.from_environment() or passphrases.ask_on_terminal()
    if typed is None:
        raise passphrases.PassphraseError(
            f"type the passphrase at a terminal, or set ${passphrases.ENVIRONMENT_VARIABLE}"
        )
    with EventStore(ctx.data_dir, typed) as store:  # it must open the store before it is kept
        if not store.encrypted:
            raise passphrases.PassphraseError("the store is not encrypted; there is no passphrase to remember")
    passphrases.remember(database, typed)
    ctx.out("the OS keyring remembers the passphrase on this computer")
    return 0


def cmd_store_copy(ctx: Any) -> int:
    """Copy the store this command line uses (--database, $KAPSESSION_DATABASE_URL, else the data
    directory's SQLite file) into the empty store `--to` names; the source is only read."""
    from kapsession.store.copy import copy_store
    from kapsession.store.factory import open_store
    from kapsession.store.postgres.connection import is_postgres_url, where

    to = str(ctx.args.to).strip()
    source = ctx.store()
    if is_postgres_url(to):
        if is_postgres_url(getattr(source, "url", None)) and where(to) == where(source.url):
            raise StoreError("the store would be copied into itself; --to must name another database")
        target, name = open_store(ctx.data_dir, to), f"the PostgreSQL database {where(to)}"
    else:
        folder = Path(to).expanduser()
        if folder.resolve() == Path(ctx.data_dir).resolve() and not is_postgres_url(getattr(source, "url", None)):
            raise StoreError("the store would be copied into itself; --to must name another folder")
        target, name = open_store(folder, None), f"the SQLite store in {folder}"
    with target:
        report = copy_store(source, target, name)
    counts = report.counts
    ctx.out(
        f"copied into {name}: {_count(counts.clients, 'client')} ({_count(counts.client_events, 'client event')}), "
        f"{_count(counts.sessions, 'session')}, {_count(counts.events, 'event')}"
    )
    ctx.out(f"verified:  the counts, and a SHA-256 over each of the {_count(len(report.hashes), 'session')}' events")
    return 0
