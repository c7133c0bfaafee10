"""Practice mode on screen: the scenario picker and the debrief.

`PracticePicker` (the home screen's `p`, or `kapsession practice` with no scenario) lists the
scenarios, sets the speed, and Enter starts one: a new practice session on a scaled clock, shown
on the live screen with the practice driver beside it. Unfinished rehearsals can be picked up and
finished ones reopened as their debrief.

`DebriefScreen` shows a practice session's debrief (score first, details below); it opens by itself
when a practice session is closed, and from `kapsession practice report ID`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from kapsession.practice.speeds import DEFAULT_SPEED, MAX_SPEED, MIN_SPEED

if TYPE_CHECKING:
    from kapsession.core.state import SessionState
    from kapsession.practice.debrief import Debrief
    from kapsession.practice.driver import PracticeDriver
    from kapsession.practice.scenario import Scenario, ScenarioLibrary
    from kapsession.store.event_store import SessionRow
    from kapsession.store.session_log import SessionLog

SPEEDS: tuple[int, ...] = (1, 2, 5, 10, 15, 20, 30, 60, 90, 120)
PAST_LIMIT = 30


def faster(speed: float) -> int:
    return next((s for s in SPEEDS if s > speed), MAX_SPEED)


def slower(speed: float) -> int:
    return next((s for s in reversed(SPEEDS) if s < speed), MIN_SPEED)


def _real_minutes(minutes: float, speed: float) -> str:
    real = minutes / speed
    if real < 1:
        return f"about {max(1, round(real * 60))} seconds"
    return f"about {round(real)} minute{'s' if round(real) != 1 else ''}"


def practice_live_screen(app: Any, log: SessionLog, driver: PracticeDriver) -> Screen:
    """A practice session on the live screen, its debrief to follow when it is closed."""
    from kapsession.tui.screens.live import LiveScreen

    driver.on_closed = debrief_opener(app, log.session_id, driver)
    return LiveScreen(log, practice=driver)


def debrief_opener(app: Any, session_id: str, driver: PracticeDriver) -> Callable[[SessionState], None]:
    """The driver's `on_closed`: once the live screen has caught up with the close, the debrief."""

    def open_debrief(state: SessionState) -> None:
        if driver.paused:
            driver.toggle_pause()  # nothing left to pause; the banner should not say PAUSED
        app.call_later(lambda: app.push_screen(DebriefScreen(session_id, now=state.clock_now)))

    return open_debrief


def rehearsal_screen(
    app: Any, session_id: str, speed: float = DEFAULT_SPEED, scenarios: ScenarioLibrary | None = None
) -> Screen | None:
    """The screen a stored practice session opens on: a closed one's debrief, an unfinished one's
    live screen with its scenario and a practice clock carrying on from its last entry (so it
    never runs on the wall clock). None, after telling the therapist why, if it cannot open."""
    from kapsession.core.errors import KapsessionError
    from kapsession.practice.driver import resume_practice_session
    from kapsession.practice.scenario import default_scenarios

    try:
        row = app.store.session(session_id)
        if row.closed_at:
            return DebriefScreen(session_id)
        library = scenarios if scenarios is not None else default_scenarios(app.presets)
        log, driver = resume_practice_session(app.store, app.presets, library, session_id, speed)
    except KapsessionError as error:
        app.notify(str(error), title="The rehearsal cannot be opened", severity="error", timeout=10)
        return None
    return practice_live_screen(app, log, driver)


def open_rehearsal(
    app: Any, session_id: str, speed: float = DEFAULT_SPEED, scenarios: ScenarioLibrary | None = None
) -> bool:
    """Push `rehearsal_screen` (for the home screen's Enter on a PRACTICE row, and the picker)."""
    screen = rehearsal_screen(app, session_id, speed, scenarios)
    if screen is None:
        return False
    app.push_screen(screen)
    return True


def debrief_opener_for_active_app(session_id: str, driver: PracticeDriver) -> Callable[[SessionState], None]:
    """Like `debrief_opener`, for a driver made before its app (`kapsession practice NAME`)."""

    def open_debrief(state: SessionState) -> None:
        from textual import active_app

        debrief_opener(active_app.get(), session_id, driver)(state)

    return open_debrief


def _scaled_clock(speed: float) -> Any:
    from kapsession.core.clock import ScaledClock

    return ScaledClock(speed)


class PracticePicker(Screen[None]):
    """Choose a scenario and a speed; Enter starts it."""

    CSS_PATH = "../practice.tcss"
    BINDINGS = [
        # priority: the focused list binds Enter itself (unshown), which hid Start from the footer.
        Binding(
            "enter",
            "start",
            "Start",
            id="practice.start",
            priority=True,
            tooltip="Start the chosen scenario, or open the chosen rehearsal",
        ),
        Binding(
            "plus,equals_sign,right_square_bracket",
            "faster",
            "Faster",
            id="practice.faster",
            key_display="+",
            tooltip="A faster practice clock",
        ),
        Binding(
            "minus,left_square_bracket",
            "slower",
            "Slower",
            id="practice.slower",
            key_display="-",
            tooltip="A slower practice clock",
        ),
        Binding("tab", "switch_list", "Scenarios / rehearsals", id="practice.switch", show=False),
        Binding(
            "d",
            "debrief",
            "Debrief",
            id="practice.debrief",
            tooltip="The debrief of the chosen rehearsal (so far, if it is unfinished)",
        ),
        Binding("escape,q", "back", "Back", id="practice.back", tooltip="Back to the home screen"),
    ]

    # How a practice clock is made at a given speed (tests put a fake real clock under it).
    clock_factory: Callable[[float], Any] = staticmethod(lambda speed: _scaled_clock(speed))

    def __init__(self, speed: float = DEFAULT_SPEED) -> None:
        super().__init__(id="practice-picker")
        self.speed = float(speed)
        self.library: ScenarioLibrary | None = None
        self.past: dict[str, SessionRow] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="practice-body"):
            yield Static(
                Text(
                    "PRACTICE · rehearse a protocol on a fast clock; nothing here reaches a client's record",
                    style="bold",
                ),
                id="practice-title",
            )
            with Horizontal(id="practice-main"):
                with Vertical(id="practice-left"):
                    yield Static("Scenarios", classes="practice-heading")
                    yield OptionList(id="practice-scenarios")
                    yield Static("Your rehearsals (Tab)", classes="practice-heading", id="practice-past-heading")
                    yield OptionList(id="practice-past")
                with VerticalScroll(id="practice-detail-box"):
                    yield Static(id="practice-detail")
            yield Static(id="practice-speed")
            yield Static(id="practice-problems", classes="hidden")
        yield Footer()

    # -- data ---------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from kapsession.practice.scenario import default_scenarios

        self.library = default_scenarios(self.app.presets)  # type: ignore[attr-defined]
        scenarios = self.query_one("#practice-scenarios", OptionList)
        scenarios.clear_options()
        for name in self.library.names():
            scenario = self.library.scenarios[name]
            scenarios.add_option(Option(Text(f"{scenario.title}  ·  {name}"), id=name))
        problems = self.query_one("#practice-problems", Static)
        if self.library.problems:
            problems.update(
                Text(
                    "Some scenario files could not be read:\n"
                    + "\n".join(f"• {problem}" for problem in self.library.problems)
                )
            )
            problems.remove_class("hidden")
        if self.library.scenarios:
            scenarios.highlighted = 0
        self._refresh_past()
        scenarios.focus()
        self._show_speed()
        self._show_detail()

    def on_screen_resume(self) -> None:
        self._refresh_past()

    def _refresh_past(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        rows = store.list_sessions(practice=True, limit=PAST_LIMIT)
        self.past = {row.id: row for row in rows}
        past = self.query_one("#practice-past", OptionList)
        chosen = self._past_id()
        past.clear_options()
        for row in rows:
            when = (row.started_at or row.created_at).astimezone()
            state = "closed" if row.closed_at else (f"stopped in {row.phase}" if row.phase else "not started")
            past.add_option(Option(Text(f"{when:%d %b %H:%M}  {row.preset:<22} {state}  ({row.id})"), id=row.id))
        past.display = bool(rows)
        self.query_one("#practice-past-heading").display = bool(rows)
        if rows:
            ids = [row.id for row in rows]
            past.highlighted = ids.index(chosen) if chosen in ids else 0

    def _scenario(self) -> Scenario | None:
        options = self.query_one("#practice-scenarios", OptionList)
        if self.library is None or options.highlighted is None:
            return None
        option = options.get_option_at_index(options.highlighted)
        return self.library.scenarios.get(option.id or "")

    def _past_id(self) -> str | None:
        past = self.query_one("#practice-past", OptionList)
        if past.highlighted is None or not past.option_count:
            return None
        return past.get_option_at_index(past.highlighted).id

    def _show_speed(self) -> None:
        scenario = self._scenario()
        text = Text()
        text.append(f" Speed ×{self.speed:g} ", style="bold reverse")
        text.append("   + / - to change")
        if scenario is not None and self.library is not None:
            minutes = self.library.presets.get(scenario.preset).planned_total_minutes
            text.append(f"   ·   a {minutes}-minute session takes {_real_minutes(minutes, self.speed)}")
        text.append("   ·   space pauses the clock during practice")
        self.query_one("#practice-speed", Static).update(text)

    def _show_detail(self) -> None:
        detail = self.query_one("#practice-detail", Static)
        past_list = self.query_one("#practice-past", OptionList)
        if past_list.has_focus and self._past_id() in self.past:
            row = self.past[self._past_id()]  # type: ignore[index]
            text = Text()
            text.append(f"Rehearsal {row.id}\n", style="bold")
            text.append(f"{row.client_name} · {row.preset}\n")
            if row.closed_at:
                text.append("Closed. Enter or d: its debrief.\n")
            else:
                text.append(
                    "Unfinished. Enter: carry on where it stopped (at the chosen speed); d: the debrief so far.\n"
                )
            detail.update(text)
            return
        scenario = self._scenario()
        if scenario is None:
            detail.update(Text("No scenarios found. `kapsession locate` shows where your own go."))
            return
        preset = self.library.presets.get(scenario.preset)  # type: ignore[union-attr]
        text = Text()
        text.append(f"{scenario.title}\n", style="bold")
        text.append(f"Preset: {preset.title}\n")
        dose = f", planned dose {scenario.planned_dose_mg:g} mg" if scenario.planned_dose_mg else ""
        weight = f", {scenario.weight_kg:g} kg" if scenario.weight_kg else ""
        text.append(f"Client: {scenario.client_name}{weight}{dose}\n")
        after = "the infusion stops" if preset.dosing.infusion_minutes and preset.route == "intravenous" else "the dose"
        text.append(f"Minimum observation: {preset.minimum_observation_minutes} min after {after}\n\n")
        text.append(scenario.description.strip() + "\n\n")
        scored = sum(1 for event in scenario.events if event.expect)
        text.append(
            f"{len(scenario.events)} scripted events ({scored} to respond to). What the monitor or the "
            "client presents appears in the practice panel; you record it yourself.\n"
        )
        detail.update(text)

    # -- keys ---------------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()
        self._show_speed()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_start()

    def on_descendant_focus(self, event: Any) -> None:
        self._show_detail()

    def action_faster(self) -> None:
        self.speed = float(faster(self.speed))
        self._show_speed()

    def action_slower(self) -> None:
        self.speed = float(slower(self.speed))
        self._show_speed()

    def action_switch_list(self) -> None:
        scenarios = self.query_one("#practice-scenarios", OptionList)
        past = self.query_one("#practice-past", OptionList)
        if scenarios.has_focus and past.display and past.option_count:
            past.focus()
            if past.highlighted is None:
                past.highlighted = 0
        else:
            scenarios.focus()
        self._show_detail()

    def action_start(self) -> None:
        if self.query_one("#practice-past", OptionList).has_focus:
            self._open_past()
            return
        scenario = self._scenario()
        if scenario is None:
            self.notify("There is no scenario to start.", title="Practice", timeout=4)
            return
        from kapsession.core.errors import KapsessionError
        from kapsession.practice.driver import open_practice_session

        clock = type(self).clock_factory(self.speed)
        try:
            _, log, driver = open_practice_session(self.app.store, self.app.presets, scenario, clock)  # type: ignore[attr-defined]
        except KapsessionError as error:
            self.notify(str(error), title="The practice session cannot start", severity="error", timeout=10)
            return
        self.app.push_screen(practice_live_screen(self.app, log, driver))

    def _open_past(self) -> None:
        session_id = self._past_id()
        if session_id is not None:
            open_rehearsal(self.app, session_id, self.speed, self.library)

    def action_debrief(self) -> None:
        session_id = self._past_id()
        if session_id is None:
            self.notify("Choose a rehearsal in the list below (Tab) first.", title="Debrief", timeout=4)
            return
        self.app.push_screen(DebriefScreen(session_id))

    def action_back(self) -> None:
        self.dismiss(None)


class DebriefScreen(Screen[None]):
    """A practice session's debrief: the score first, then every check, alert and event."""

    CSS_PATH = "../practice.tcss"
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="debrief.back"),
        Binding(
            "m",
            "save_markdown",
            "Save Markdown",
            id="debrief.save",
            tooltip="Write the debrief as Markdown (for a supervisor) into the data folder",
        ),
        Binding(
            "r",
            "reload",
            "Refresh",
            id="debrief.reload",
            show=False,
            tooltip="Score the session again (for one still running)",
        ),
    ]

    def __init__(self, session_id: str, now: Any = None, debrief: Debrief | None = None) -> None:
        super().__init__(id="debrief")
        self.session_id = session_id
        self.now = now
        self.debrief: Debrief | None = debrief

    def compose(self) -> ComposeResult:
        yield Static(Text(f"PRACTICE DEBRIEF · session {self.session_id}", style="bold"), id="debrief-banner")
        with VerticalScroll(id="debrief-scroll"):
            yield Markdown(id="debrief-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#debrief-scroll").focus()
        self.action_reload(initial=True)

    def _score(self) -> Debrief:
        from kapsession.practice.debrief import debrief_session

        return debrief_session(
            self.app.store,  # type: ignore[attr-defined]
            self.session_id,
            self.now,
            presets=getattr(self.app, "presets", None),
        )

    def action_reload(self, initial: bool = False) -> None:
        from kapsession.core.errors import KapsessionError

        if self.debrief is None or not initial:
            try:
                self.debrief = self._score()
            except KapsessionError as error:
                self.query_one("#debrief-body", Markdown).update(f"The debrief cannot be made: {error}")
                return
        score = self.debrief.score
        banner = f"PRACTICE DEBRIEF · session {self.session_id}"
        if score is not None:
            banner += f" · score {score}%"
        self.query_one("#debrief-banner", Static).update(Text(banner, style="bold"))
        self.query_one("#debrief-body", Markdown).update(self.debrief.to_markdown())

    def action_save_markdown(self) -> None:
        if self.debrief is None:
            return
        self._write(self.debrief.to_markdown())

    @work(thread=True, exclusive=True, group="debrief-save")
    def _write(self, text: str) -> None:
        from kapsession.private_dirs import make_private_dir
        from kapsession.private_files import write_private

        folder = Path(self.app.data_dir) / "debriefs"  # type: ignore[attr-defined]
        try:
            make_private_dir(folder)
            path = folder / f"practice-{self.session_id}.md"
            write_private(path, text.encode("utf-8"))
        except Exception as error:
            self.app.call_from_thread(
                self.notify, f"The debrief could not be saved ({error}).", title="Debrief", severity="error"
            )
            return
        self.app.call_from_thread(self.notify, f"Saved to {path}", title="Debrief", timeout=8)

    def action_back(self) -> None:
        self.dismiss(None)


def run_rehearsal(
    data_dir: Path | str, session_id: str, driver: PracticeDriver, clock: Any, theme: str | None = None
) -> int:
    """`kapsession practice NAME`: the app opened on a new practice session's live screen."""
    from kapsession.tui.app import run_app

    driver.on_closed = debrief_opener_for_active_app(session_id, driver)
    return run_app(data_dir=data_dir, session_id=session_id, theme=theme, practice=driver, clock=clock)


def practice_app(
    data_dir: Path | str, first: Callable[[], Screen], theme: str | None = None, exit_with_it: bool = False
) -> Any:
    """The kapsession app opened on one of these screens (`practice` with no scenario: the picker
    over the home screen; `practice report ID`: the debrief, quitting when it closes)."""
    from kapsession.tui.app import KapsessionApp

    class PracticeApp(KapsessionApp):
        def on_mount(self) -> None:  # runs before KapsessionApp.on_mount (Textual calls both)
            callback = (lambda _result: self.exit(0)) if exit_with_it else None
            self.push_screen(first(), callback)

    return PracticeApp(data_dir, theme=theme)


def run_practice_app(
    data_dir: Path | str, first: Callable[[], Screen], theme: str | None = None, exit_with_it: bool = False
) -> int:
    app = practice_app(data_dir, first, theme, exit_with_it)
    _ = app.store  # a data dir that cannot be used is a one-line error from the command line
    from kapsession.tui.crash_guard import run_reporting_crashes

    result = run_reporting_crashes(app, data_dir)  # no client data on a crash screen
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0
