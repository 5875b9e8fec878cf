"""Working time for SLA clocks: an optional calendar of holidays and make-up working days.

Without a calendar, clocks run on wall time. With one, time counts only on working days in
Asia/Shanghai: Monday to Friday, minus holidays, plus make-up working days (调休). The
calendar is the database's days (calendar_days, edited in the console, pre-filled from the
national calendar of the `chinese-calendar` package), over those of the JSON file that
LINLI_WORKING_CALENDAR may name ({"holidays": ["2026-10-01", …], "workdays": [...]}, also
the format `linli escalation calendar-import` reads).
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
from flask import current_app, g
from sqlalchemy import select

from linli.audit.service import describe, record_change, record_removal
from linli.errors import abort
from linli.escalation.models import CalendarDay, DayKind
from linli.extensions import db

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


# --- the calendar the clocks use ---------------------------------------------------------------


def _file_calendar() -> WorkingCalendar | None:
    path = current_app.config.get("WORKING_CALENDAR")
    if not path:
        return None
    calendars = current_app.extensions.setdefault("linli_calendars", {})
    if path not in calendars:
        calendars[path] = load_calendar(path)
    return calendars[path]


def _read_working_calendar() -> WorkingCalendar | None:
    base = _file_calendar()
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.kind)).all()
    if base is None and not rows:
        return None
    base = base or WorkingCalendar()
    entered = {day for day, _ in rows}
    return WorkingCalendar(
        holidays=frozenset(base.holidays - entered)
        | {day for day, kind in rows if kind is DayKind.HOLIDAY},
        workdays=frozenset(base.workdays - entered)
        | {day for day, kind in rows if kind is DayKind.WORKDAY},
    )


def working_calendar() -> WorkingCalendar | None:
    """The calendar SLA clocks count in (None: wall time). Read once per request or sweep:
    kept on flask.g until the app context ends or the calendar changes."""
    if "linli_calendar" not in g:
        g.linli_calendar = _read_working_calendar()
    return g.linli_calendar


def forget_calendar() -> None:
    """Read the calendar afresh next time (after a change, or at the start of a sweep)."""
    g.pop("linli_calendar", None)


# --- editing it ----------------------------------------------------------------------------------


def national_years() -> tuple[int, int]:
    """The first and last year the national calendar package knows."""
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(422, f"not a date: {text!r}", errors={"day": ["use YYYY-MM-DD"]})


def days_of_year(year: int) -> list[CalendarDay]:
    query = select(CalendarDay).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day < date(year + 1, 1, 1)
    )
    return list(db.session.scalars(query.order_by(CalendarDay.day)))


def _put(day: date, kind: DayKind, note: str, *, actor, now: datetime) -> CalendarDay:
    row = db.session.get(CalendarDay, day)
    before = None if row is None else describe(row)
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.kind, row.note, row.updated_at = kind, note, now
    record_change(actor, row, before, now=now)
    return row


def set_day(day: date, kind: DayKind, note: str, *, actor, now: datetime) -> CalendarDay:
    """Make `day` a holiday or a make-up working day (clocks started later count it so)."""
    row = _put(day, kind, note, actor=actor, now=now)
    db.session.commit()
    forget_calendar()
    return row


def remove_day(day: date, *, actor, now: datetime) -> None:
    """`day` is again what its weekday says."""
    row = db.session.get(CalendarDay, day)
    if row is None:
        abort(404, f"{day} is not in the calendar")
    record_removal(actor, row, now=now)
    db.session.delete(row)
    db.session.commit()
    forget_calendar()


def _import(days: dict[date, tuple[DayKind, str]], *, actor, now: datetime) -> int:
    """Enter these days (changed ones updated, the rest of the calendar kept); how many changed."""
    changed = 0
    for day, (kind, note) in sorted(days.items()):
        row = db.session.get(CalendarDay, day)
        if row is None or (row.kind, row.note) != (kind, note):
            _put(day, kind, note, actor=actor, now=now)
            changed += 1
    db.session.commit()
    forget_calendar()
    return changed


def import_national_year(year: int, *, actor, now: datetime) -> int:
    """The year's holidays and make-up working days from the national calendar (the State
    Council's notice as the `chinese-calendar` package has it); 422 for a year it lacks."""
    first, last = national_years()
    if not first <= year <= last:
        abort(
            422,
            f"the national calendar has no days for {year}",
            errors={"year": [f"known: {first}-{last}; enter the days of {year} by hand"]},
        )
    days = {}
    for table, kind in (
        (chinese_calendar.holidays, DayKind.HOLIDAY),
        (chinese_calendar.workdays, DayKind.WORKDAY),
    ):
        for day, name in table.items():  # the holiday's English name: its Chinese one
            if day.year == year:
                days[day] = (kind, chinese_calendar.Holiday(name).chinese if name else "")
    return _import(days, actor=actor, now=now)


def import_calendar_file(path: str | Path, *, now: datetime) -> int:
    """The days of a calendar JSON file (LINLI_WORKING_CALENDAR's format), by the system."""
    calendar = load_calendar(path)
    days = dict.fromkeys(calendar.holidays, (DayKind.HOLIDAY, ""))
    days.update(dict.fromkeys(calendar.workdays, (DayKind.WORKDAY, "")))
    return _import(days, actor=None, now=now)
