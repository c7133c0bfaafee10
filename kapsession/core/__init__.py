"""The session itself, with no screen: events, state, clock, vitals, scales, protocol.

Nothing below this package imports Textual (tests/core/test_import_hygiene.py proves it).
"""
