"""Working days on Vietnam's official calendar, and the course's deadline rule.

One implementation for the whole course: the data generator, the lessons and the tests use it.
The calendar is the `holidays` package's Vietnam (Tết and the Hùng Kings day from the lunar
calendar, substitute days off and the government's weekend swaps included).

The course's deadline rule, as the one-stop offices count a procedure's time limit: the effective
receipt day is the receipt date, or the next working day when the dossier arrives at or after 15:00
or on a day that is not a working day; a procedure of N working days is due on the Nth working day
after the effective receipt day (N = 0: the effective receipt day itself); after a supplement
request the count restarts from the moment the complete dossier arrives (with the same rule for
that moment). Errors a learner may meet are in the message catalogue (`library.workdays.*`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import numpy as np

from . import messages

CUTOFF = time(15, 0)


@cache
def _calendar(year: int):
    import holidays

    return holidays.Vietnam(years=year, language="vi")


def holiday_name(d: date) -> str | None:
    """The official name of the day off (Vietnamese), or None."""
    return _calendar(d.year).get(d)


def is_working_day(d: date) -> bool:
    cal = _calendar(d.year)
    if d in cal:
        return False
    if d in getattr(cal, "weekend_workdays", ()):
        return True
    return d.weekday() < 5


def next_working_day(d: date) -> date:
    """The first working day strictly after d."""
    d += timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int) -> date:
    """The nth working day after d (n = 0: d itself)."""
    if n < 0:
        raise ValueError(messages.text("library.workdays.negative_days", n=n))
    for _ in range(n):
        d = next_working_day(d)
    return d


def effective_receipt_day(received: datetime) -> date:
    d = received.date()
    if is_working_day(d) and received.time() < CUTOFF:
        return d
    return next_working_day(d)


def due_date(received: datetime, days: int, complete: datetime | None = None) -> date:
    """Due date of a dossier received at `received` for a procedure of `days` working days;
    `complete` is when the complete dossier arrived after a supplement request, if there was one."""
    return add_working_days(effective_receipt_day(complete or received), days)


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start)
    return sum(is_working_day(start + timedelta(days=k)) for k in range(1, (end - start).days + 1))


class Calendar:
    """The same rules over a span of days, as arrays, for generating or checking many dossiers at once.

    Days are numbered from `start` (day 0). `due(day, minutes, n)` takes receipt days and minutes
    since midnight and returns the due days, exactly as `due_date` does one at a time.
    """

    def __init__(self, start: date, end: date):
        self.start = start
        n = (end - start).days + 1
        self.dates = [start + timedelta(days=k) for k in range(n)]
        self.working = np.array([is_working_day(d) for d in self.dates], dtype=bool)
        self.workdays = np.flatnonzero(self.working)  # day numbers of the working days
        # index into workdays of the first working day on or after each day
        self._at_or_after = np.searchsorted(self.workdays, np.arange(n), side="left")

    def day(self, d: date) -> int:
        return (d - self.start).days

    def effective(self, day: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        """Index (into workdays) of the effective receipt day."""
        idx = self._at_or_after[day]
        same_day = self.working[day] & (minutes < CUTOFF.hour * 60 + CUTOFF.minute)
        return np.where(same_day, idx, self._at_or_after[np.minimum(day + 1, len(self.dates) - 1)])

    def due(self, day: np.ndarray, minutes: np.ndarray, n: np.ndarray) -> np.ndarray:
        k = self.effective(day, minutes) + n
        if k.size and k.max() >= len(self.workdays):
            raise ValueError(messages.text("library.workdays.calendar_too_short"))
        return self.workdays[k]

    def add(self, workday_index: np.ndarray, n: np.ndarray) -> np.ndarray:
        return self.workdays[workday_index + n]
