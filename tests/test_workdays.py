"""Working days and the course's deadline rule (kynangso.workdays), checked against worked examples
around the 2022 holidays and a brute-force reading of the rules."""

import random
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from kynangso import workdays as wd


def test_2022_days_off_from_domain_md():
    off = [
        date(2022, 1, 3),
        date(2022, 1, 31),
        date(2022, 2, 4),
        date(2022, 4, 11),
        date(2022, 5, 2),
        date(2022, 5, 3),
        date(2022, 9, 1),
        date(2022, 9, 2),
    ]
    assert not any(wd.is_working_day(d) for d in off)
    assert wd.is_working_day(date(2022, 4, 12)) and not wd.is_working_day(date(2022, 4, 9))
    assert wd.holiday_name(date(2022, 4, 11)).startswith("Ngày Giỗ Tổ Hùng Vương")


def test_domain_md_example_friday_8_april():
    assert wd.due_date(datetime(2022, 4, 8, 10, 0), 3) == date(2022, 4, 14)
    assert wd.add_working_days(date(2022, 4, 8), 3) == date(2022, 4, 14)


@pytest.mark.parametrize(
    "received,days,due",
    [
        (datetime(2022, 4, 8, 15, 0), 0, date(2022, 4, 12)),  # at 15:00 counts from the next working day
        (datetime(2022, 4, 8, 14, 59), 0, date(2022, 4, 8)),  # same day before 15:00
        (datetime(2022, 1, 28, 16, 0), 1, date(2022, 2, 8)),  # across Tết: 7 Feb effective, due 8 Feb
        (datetime(2022, 4, 29, 9, 0), 2, date(2022, 5, 5)),  # across 30/4-1/5 and the substitute days
        (datetime(2022, 8, 31, 10, 0), 1, date(2022, 9, 5)),  # across 2/9
        (datetime(2022, 5, 1, 21, 30), 0, date(2022, 5, 4)),  # online on a holiday night
    ],
)
def test_deadline_rule_around_holidays(received, days, due):
    assert wd.due_date(received, days) == due


def test_supplement_restarts_the_clock():
    received = datetime(2022, 3, 1, 9, 0)
    assert wd.due_date(received, 5, complete=datetime(2022, 3, 10, 16, 0)) == date(2022, 3, 18)


def brute_due(received: datetime, days: int) -> date:
    """The rule read literally, day by day, straight from the holidays package."""
    import holidays

    cal = holidays.Vietnam(years=[received.year, received.year + 1])

    def working(d):
        return d.weekday() < 5 and d not in cal

    d = received.date()
    if not (working(d) and received.hour < 15):
        d += timedelta(days=1)
        while not working(d):
            d += timedelta(days=1)
    while days:
        d += timedelta(days=1)
        if working(d):
            days -= 1
    return d


def test_scalar_and_array_forms_agree_with_a_brute_force_reading():
    rng = random.Random(1)
    cal = wd.Calendar(date(2022, 1, 1), date(2023, 3, 31))
    cases = [
        (datetime(2022, 1, 1) + timedelta(minutes=rng.randrange(365 * 24 * 60)), rng.choice([0, 1, 3, 5, 15, 30]))
        for _ in range(400)
    ]
    day = np.array([cal.day(r.date()) for r, _ in cases])
    minutes = np.array([r.hour * 60 + r.minute for r, _ in cases])
    n = np.array([d for _, d in cases])
    array_due = [cal.dates[k] for k in cal.due(day, minutes, n)]
    for (received, days), got in zip(cases, array_due, strict=True):
        expected = brute_due(received, days)
        assert wd.due_date(received, days) == expected, (received, days)
        assert got == expected, (received, days)


def test_working_days_between():
    assert wd.working_days_between(date(2022, 4, 8), date(2022, 4, 14)) == 3
    assert wd.working_days_between(date(2022, 4, 14), date(2022, 4, 8)) == -3
