"""Working time for SLA clocks: an optional calendar of holidays and make-up working days.

Without a calendar, clocks run on wall time. With one (a JSON file named by
LINLI_WORKING_CALENDAR: {"holidays": ["2026-10-01", …], "workdays": ["2026-09-27", …]}),
time counts only on working days in Asia/Shanghai: Monday to Friday, minus holidays,
plus make-up working days (调休).
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start` (aware datetimes in and out)."""
        moment = start.astimezone(SHANGHAI)
        remaining = duration
        for _ in range(3660):  # ten years of days: a bound, never reached by real durations
            next_midnight = datetime.combine(moment.date() + timedelta(days=1), time(), SHANGHAI)
            if self.is_working_day(moment.date()):
                step = min(remaining, next_midnight - moment)
                moment += step
                remaining -= step
                if remaining <= timedelta(0):
                    return moment.astimezone(start.tzinfo)
            else:
                moment = next_midnight
        raise CalendarError("the calendar has no working days ahead")


def load_calendar(path: str | Path) -> WorkingCalendar:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return WorkingCalendar(
            holidays=frozenset(date.fromisoformat(d) for d in raw.get("holidays", [])),
            workdays=frozenset(date.fromisoformat(d) for d in raw.get("workdays", [])),
        )
    except (OSError, ValueError, AttributeError, TypeError) as error:
        raise CalendarError(f"cannot read the working calendar {path}: {error}") from error
