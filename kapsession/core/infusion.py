"""An intravenous infusion as a span: it starts with the IV dose (planned mg over planned minutes)
and may change rate, pause and resume before it stops. Everything here is derived from events;
amounts are rates times running time, never counted ticks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kapsession.core.events import (
    DoseGiven,
    EventBase,
    InfusionPaused,
    InfusionRateChanged,
    InfusionResumed,
    InfusionStopped,
)

InfusionEvent = InfusionRateChanged | InfusionPaused | InfusionResumed | InfusionStopped
INFUSION_EVENTS = (InfusionRateChanged, InfusionPaused, InfusionResumed, InfusionStopped)


@dataclass(frozen=True)
class Segment:
    """A stretch of running at one rate; `ended_at` None while it still runs."""

    started_at: datetime
    ended_at: datetime | None
    mg_per_hour: float

    def mg(self, now: datetime) -> float:
        end = self.ended_at or now
        return max(0.0, (end - self.started_at).total_seconds()) / 3600 * self.mg_per_hour


@dataclass(frozen=True)
class Infusion:
    dose: DoseGiven
    segments: tuple[Segment, ...]
    changes: tuple[InfusionEvent, ...]
    mg_per_hour: float  # the current (or last) rate
    paused_at: datetime | None = None
    stopped: InfusionStopped | None = None

    @property
    def seq(self) -> int | None:
        return self.dose.seq

    @property
    def started_at(self) -> datetime:
        return self.dose.at

    @property
    def planned_mg(self) -> float:
        return self.dose.mg

    @property
    def planned_minutes(self) -> float:
        return self.dose.infusion_minutes or 0.0

    @property
    def stopped_at(self) -> datetime | None:
        return self.stopped.at if self.stopped else None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None and self.stopped is None

    def running(self, now: datetime) -> bool:
        return self.stopped is None and self.paused_at is None and now >= self.started_at

    def mg_so_far(self, now: datetime) -> float:
        """What has run in by `now` at the recorded rates (never more than planned); after the
        stop, what the stop says was delivered."""
        if self.stopped is not None and now >= self.stopped.at:
            return self.stopped.delivered_mg
        return min(self.planned_mg, sum(segment.mg(now) for segment in self.segments))

    @property
    def delivered_mg(self) -> float | None:
        return self.stopped.delivered_mg if self.stopped else None

    def planned_end(self, now: datetime | None = None) -> datetime | None:
        """When the planned amount runs in (or ran in) at the recorded rates: None once stopped,
        and while paused, when nothing runs in. It does not move with `now`."""
        if self.stopped is not None or self.paused_at is not None:
            return None
        given = 0.0
        for segment in self.segments:
            seconds = (self.planned_mg - given) / segment.mg_per_hour * 3600
            reached = segment.started_at + timedelta(seconds=max(0.0, seconds))
            if segment.ended_at is None or reached <= segment.ended_at:
                return reached
            given += segment.mg(segment.ended_at)
        return None

    def end_for_observation(self, now: datetime) -> datetime:
        """The moment the minimum observation counts from: the stop; before the stop is recorded,
        the planned end or now, whichever is later (it cannot have ended before it is stopped)."""
        if self.stopped is not None:
            return self.stopped.at
        return max(self.planned_end() or now, now)


def planned_rate(dose: DoseGiven) -> float:
    """mg per hour for `mg` over `infusion_minutes`."""
    return dose.mg / (dose.infusion_minutes or 1) * 60


def build_infusions(doses: Iterable[DoseGiven], events: Iterable[EventBase]) -> list[Infusion]:
    """Every infusion (IV doses with planned minutes) with its changes, in clinical-time order.
    `events` may hold anything; only infusion events naming one of these doses count."""
    starts = [dose for dose in doses if dose.infusion_minutes]
    by_dose: dict[int | None, list[InfusionEvent]] = {dose.seq: [] for dose in starts}
    for event in events:
        if isinstance(event, INFUSION_EVENTS) and event.dose_seq in by_dose:
            by_dose[event.dose_seq].append(event)
    infusions = []
    for dose in starts:
        changes = sorted(by_dose[dose.seq], key=lambda e: (e.at, e.seq or 0))
        rate = planned_rate(dose)
        segments: list[Segment] = []
        running_since: datetime | None = dose.at
        paused_at: datetime | None = None
        stopped: InfusionStopped | None = None
        for change in changes:
            if stopped is not None:
                break
            if running_since is not None and change.at >= running_since and not isinstance(change, InfusionResumed):
                segments.append(Segment(running_since, change.at, rate))
                running_since = None
            if isinstance(change, InfusionRateChanged):
                rate = change.mg_per_hour
                if paused_at is None:
                    running_since = change.at
            elif isinstance(change, InfusionPaused):
                paused_at = change.at
            elif isinstance(change, InfusionResumed):
                if paused_at is not None:
                    paused_at = None
                    running_since = change.at
            elif isinstance(change, InfusionStopped):
                stopped = change
        if running_since is not None and stopped is None:
            segments.append(Segment(running_since, None, rate))
        infusions.append(Infusion(dose, tuple(segments), tuple(changes), rate, paused_at, stopped))
    return infusions
