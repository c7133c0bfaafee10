"""The store's interface is engine-neutral: EventStore provides every method of
`kapsession.store.interface.Store` with the same parameters, and no public signature names an
engine's type (a PostgreSQL engine implements the same interface)."""

from __future__ import annotations

import inspect

from kapsession.store import EventStore
from kapsession.store.interface import Store


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if callable(member) and not name.startswith("_")
    }


def test_event_store_implements_the_interface() -> None:
    wanted = _public_methods(Store)
    present = _public_methods(EventStore)
    for name, signature in wanted.items():
        assert name in present, name
        assert list(present[name].parameters) == list(signature.parameters), name


def test_no_public_signature_names_an_engine() -> None:
    for cls in (Store, EventStore):
        for name, signature in _public_methods(cls).items():
            text = str(signature)
            assert "sqlite" not in text.lower() and "cursor" not in text.lower(), (cls.__name__, name, text)
