"""Days and months as the city lives them: Asia/Shanghai, whatever the server's zone.

The database and the wire keep UTC; "a day" or "a month" of figures is a Shanghai one,
turned into a half-open UTC span [start, end)."""

import re
from datetime import UTC, date, datetime, time

from linli.escalation.calendar import SHANGHAI

MONTH_LABEL = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def start_of_day(day: date) -> datetime:
    """Midnight of a Shanghai day, in UTC."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)


def first_of_month(day: date, months_later: int = 0) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months_later, 12)
    return date(year, month + 1, 1)


def shanghai_today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


def month_of(label: str) -> date | None:
    """The first day of the month labelled "2026-11"; None if the label is not one."""
    match = MONTH_LABEL.match(label)
    return date(int(match[1]), int(match[2]), 1) if match else None


def month_label(day: date) -> str:
    return f"{day.year}-{day.month:02d}"
