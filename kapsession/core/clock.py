"""One injected clock: the system clock in a real session, a scaled clock in practice, a manual
clock in tests. Every elapsed time in kapsession is a difference of two of its readings, never a
count of timer ticks (Textual drops late ticks)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


def utc_now() -> datetime:
    return datetime.now(UTC)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """Wall-clock time, for real sessions."""

    speed = 1.0
    paused = False

    def now(self) -> datetime:
        return utc_now()


class ManualClock:
    """A clock that moves only when told to, for tests."""

    speed = 1.0
    paused = False

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)).astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, /, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


class ScaledClock:
    """Time that runs `speed` times faster than the real clock, and can be paused.

    Virtual time is anchored: virtual = anchor_virtual + (real - anchor_real) * speed. Pausing and
    changing speed re-anchor, so virtual time never jumps and never runs backwards.
    """

    def __init__(
        self,
        speed: float = 10.0,
        start: datetime | None = None,
        real: Clock | None = None,
    ) -> None:
        if not 1 <= speed <= 120:
            raise ValueError(f"speed {speed} is out of range: accepted 1 to 120")
        self._real = real or SystemClock()
        self._lock = threading.Lock()
        self._speed = float(speed)
        self._anchor_real = self._real.now()
        self._anchor_virtual = (start or self._anchor_real).astimezone(UTC)
        self._paused = False

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def now(self) -> datetime:
        with self._lock:
            if self._paused:
                return self._anchor_virtual
            return self._anchor_virtual + (self._real.now() - self._anchor_real) * self._speed

    def _reanchor(self) -> None:
        current = self._anchor_virtual
        if not self._paused:
            current = self._anchor_virtual + (self._real.now() - self._anchor_real) * self._speed
        self._anchor_virtual = current
        self._anchor_real = self._real.now()

    def pause(self) -> None:
        with self._lock:
            if not self._paused:
                self._reanchor()
                self._paused = True

    def resume(self) -> None:
        with self._lock:
            if self._paused:
                self._anchor_real = self._real.now()
                self._paused = False

    def toggle_pause(self) -> bool:
        """Pause if running, resume if paused; returns True when now paused."""
        if self._paused:
            self.resume()
        else:
            self.pause()
        return self._paused

    def set_speed(self, speed: float) -> None:
        if not 1 <= speed <= 120:
            raise ValueError(f"speed {speed} is out of range: accepted 1 to 120")
        with self._lock:
            self._reanchor()
            self._speed = float(speed)

    def real_seconds_until(self, moment: datetime) -> float:
        """How many real seconds until virtual time reaches `moment` (for scheduling timers)."""
        return max(0.0, (moment - self.now()).total_seconds() / self._speed)
