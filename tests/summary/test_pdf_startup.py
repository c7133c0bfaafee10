"""Work a summary PDF no longer does, without changing the page: its data is wrapped once (in
`summary_template_data`, not again by `render_pdf`: wrapping is idempotent), and after the command
the collector does not walk everything the command made."""

from __future__ import annotations

from summary_sessions import long_session, short_session

from kapsession.summary import pdf as pdf_module
from kapsession.summary.model import build_summary


def test_summary_data_is_wrapped_once_and_wrapping_again_changes_nothing() -> None:
    notes = [("https://example.org/" + "a" * 300, True, "observation"), ("short", True, "client-words")]
    data = pdf_module.summary_template_data(build_summary(short_session(notes=notes).state()))
    assert "\u200b" in data["notes"][0]["paras"][0]  # the link was wrapped
    assert pdf_module.wrap_long_runs(data) == data
    data = pdf_module.summary_template_data(build_summary(long_session().state()))
    assert pdf_module.wrap_long_runs(data) == data


def test_after_a_command_the_collector_is_back_without_a_backlog_of_young_objects() -> None:
    import gc

    from kapsession.summary.command_line import _no_cycle_collection

    assert gc.isenabled()
    with _no_cycle_collection():
        assert not gc.isenabled()
        made = [[index] for index in range(20000)]
        assert gc.get_count()[0] > 20000
    assert gc.isenabled()
    assert gc.get_count()[0] < 100  # nothing left for the next allocation to walk
    assert gc.get_freeze_count() == 0  # moved to the oldest generation, not frozen
    assert made[-1] == [19999]


def test_objects_someone_else_froze_stay_frozen() -> None:
    import gc

    from kapsession.summary.command_line import _no_cycle_collection

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with _no_cycle_collection():
            pass
        assert gc.isenabled() and gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_collector_that_was_off_stays_off() -> None:
    import gc

    from kapsession.summary.command_line import _no_cycle_collection

    gc.disable()
    try:
        with _no_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
