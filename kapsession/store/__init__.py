"""Durable event storage: one SQLite database, append-only events, a listing projection."""

from kapsession.store.event_store import EventStore, SessionRow

__all__ = ["EventStore", "SessionRow"]
