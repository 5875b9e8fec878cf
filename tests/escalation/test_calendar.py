"""Working time: with a calendar, SLA clocks skip weekends and holidays and count make-up days.

Dates are Asia/Shanghai days. The calendar file is a temporary JSON that
app.config["WORKING_CALENDAR"] points to for one test (monkeypatch restores it).
"""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from linli import create_app
from linli.cases import service as case_service
from linli.config import ConfigError
from linli.escalation.calendar import CalendarError, WorkingCalendar, load_calendar
from tests.support import case_row, events_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAYS = [f"2026-10-0{d}" for d in range(1, 8)]  # National Day week, Thursday to Wednesday
WORKDAYS = ["2026-09-27", "2026-10-10"]  # a Sunday and a Saturday worked in exchange


def sh(text: str) -> datetime:
    """A Shanghai wall-clock time ("2026-03-06 20:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def calendar(app, monkeypatch, tmp_path):
    """calendar(holidays, workdays) → the app's SLA clocks count working time from that file."""

    def install(holidays=HOLIDAYS, workdays=WORKDAYS):
        path = tmp_path / "calendar.json"
        path.write_text(json.dumps({"holidays": holidays, "workdays": workdays}), encoding="utf-8")
        monkeypatch.setitem(app.config, "WORKING_CALENDAR", str(path))
        monkeypatch.setitem(
            app.extensions, "linli_calendars", {}
        )  # no calendar cached across tests
        return path

    return install


@pytest.fixture
def report(world):
    """report(now, priority=normal) → (accept due, resolve due) in Shanghai time."""

    def run(now, priority="normal"):
        case, _ = case_service.report_case(
            world.resident_a,
            {
                "category": "elderly_care",
                "title": "助浴",
                "description": "独居老人",
                "org_id": world.grid_a1.id,
                "priority": priority,
            },
            now=now.astimezone(UTC),
        )
        return case

    return run


def due(case):
    return case.accept_due_at.astimezone(SHANGHAI), case.resolve_due_at.astimezone(SHANGHAI)


def test_without_a_calendar_the_clocks_run_on_wall_time(report):
    accept, resolve = due(report(sh("2026-03-06 20:00")))  # a Friday evening
    assert (accept, resolve) == (sh("2026-03-07 20:00"), sh("2026-03-13 20:00"))


def test_a_weekend_does_not_count(calendar, report):
    calendar()
    accept, resolve = due(report(sh("2026-03-06 20:00")))  # Friday: 4 h left today
    assert accept == sh("2026-03-09 20:00")  # … and 20 h on Monday
    # 168 h: 4 on Friday, 120 in the next week, 44 more → Tuesday of the week after, 20:00
    assert resolve == sh("2026-03-17 20:00")


def test_holidays_do_not_count(calendar, report):
    calendar()
    accept, _ = due(report(sh("2026-09-30 20:00")))  # the eve of the National Day week
    assert accept == sh("2026-10-08 20:00")


def test_a_make_up_workday_counts_although_it_is_a_saturday(calendar, report):
    calendar()
    accept, _ = due(report(sh("2026-10-09 20:00")))  # Friday
    assert accept == sh("2026-10-10 20:00")  # the make-up Saturday


def test_the_same_saturday_without_the_make_up_entry_does_not_count(calendar, report):
    calendar(workdays=[])
    accept, _ = due(report(sh("2026-10-09 20:00")))
    assert accept == sh("2026-10-12 20:00")


def test_a_report_on_a_rest_day_starts_the_clock_on_the_next_working_day(calendar, report):
    calendar()
    accept, resolve = due(report(sh("2026-03-07 15:00"), priority="urgent"))  # a Saturday
    assert (accept, resolve) == (sh("2026-03-09 02:00"), sh("2026-03-10 00:00"))


def test_the_sweep_does_not_count_a_weekend_against_the_case(calendar, report, sweep):
    calendar()
    case = report(sh("2026-03-05 20:00"))  # Thursday: due Friday 20:00
    assert case.accept_due_at == sh("2026-03-06 20:00")

    assert sweep(sh("2026-03-06 19:59")).escalated == 0
    assert sweep(sh("2026-03-06 20:01")).escalated == 1

    row = case_row({"id": str(case.id)})
    # the community's fresh 24 h: 3 h 59 min on Friday, then Monday until 20:01
    assert row.accept_due_at.astimezone(SHANGHAI) == sh("2026-03-09 20:01")
    assert sweep(sh("2026-03-08 23:00")).escalated == 0  # Sunday night: still in time
    assert sweep(sh("2026-03-09 20:02")).escalated == 1
    assert [e.data["to_level"] for e in events_of({"id": str(case.id)}, "escalate")] == [
        "community",
        "street",
    ]


@pytest.mark.parametrize(
    "start, hours, expected",
    [
        ("2026-03-06 23:30", 1, "2026-03-09 00:30"),  # Friday night runs over into Monday
        ("2026-03-09 10:00", 0.5, "2026-03-09 10:30"),  # a working day: plain addition
        ("2026-09-26 12:00", 24, "2026-09-28 00:00"),  # Saturday rests, make-up Sunday works
        ("2026-09-30 00:00", 48, "2026-10-09 00:00"),  # Wednesday, then the holiday week
    ],
)
def test_working_time_is_added_across_rest_days(start, hours, expected):
    calendar = WorkingCalendar(
        holidays=frozenset(map(_date, HOLIDAYS)), workdays=frozenset(map(_date, WORKDAYS))
    )
    assert calendar.add_working_time(sh(start), timedelta(hours=hours)) == sh(expected)


def test_working_time_comes_back_in_the_zone_it_was_given_in():
    result = WorkingCalendar().add_working_time(
        datetime(2026, 3, 6, 15, 30, tzinfo=UTC), timedelta(hours=1)
    )
    assert result.tzinfo is UTC
    assert result == datetime(2026, 3, 8, 16, 30, tzinfo=UTC)  # 23:30 Friday +8 → Monday 00:30


def test_a_calendar_without_working_days_ahead_is_an_error():
    every_day = frozenset(datetime(2026, 1, 1).date() + timedelta(days=n) for n in range(4000))
    with pytest.raises(CalendarError):
        WorkingCalendar(holidays=every_day).add_working_time(
            sh("2026-01-01 00:00"), timedelta(hours=1)
        )


@pytest.mark.parametrize(
    "content", ["not json", '{"holidays": ["2026-02-30"]}', '{"holidays": 5}', "[]"]
)
def test_an_unreadable_calendar_file_is_refused(tmp_path, content):
    path = tmp_path / "calendar.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalendarError):
        load_calendar(path)


def test_the_app_does_not_start_with_a_calendar_it_cannot_read(tmp_path):
    with pytest.raises(ConfigError, match="WORKING_CALENDAR"):
        create_app(
            {
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "x" * 40,
                "WORKING_CALENDAR": str(tmp_path / "missing.json"),
            }
        )


def _date(text):
    return datetime.fromisoformat(text).date()
