"""The sweep asks the reporter to rate a day before the rating window closes, once a cycle."""

from datetime import timedelta

from linli.feedback.service import remind_unrated_cases
from linli.notifications.models import NotificationKind
from tests.support import case_row, inbox_of


def resolved(new_case, drive, world):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    return drive(case, world.provider_staff, "resolve", note="已处理")


def test_the_reporter_is_asked_to_rate_a_day_before_the_window_closes_once(
    app, new_case, drive, world
):
    case = resolved(new_case, drive, world)
    resolved_at = case_row(case).resolved_at
    window = timedelta(days=app.config["RATING_WINDOW_DAYS"])
    due = resolved_at + window

    assert remind_unrated_cases(now=due - timedelta(days=1, minutes=1)) == 0
    assert remind_unrated_cases(now=due - timedelta(hours=23)) == 1
    assert remind_unrated_cases(now=due - timedelta(hours=1)) == 0  # asked already
    [reminder] = inbox_of(world.resident_a, NotificationKind.RATE_REQUESTED)
    assert reminder.data == {
        "reference": case["reference"],
        "title": case["title"],
        "due_at": due.isoformat(),
    }


def test_a_rated_case_is_not_reminded(app, new_case, drive, world, client, auth):
    case = resolved(new_case, drive, world)
    response = client.post(
        f"/api/v1/cases/{case['id']}/rating",
        json={"resolved": True, "stars": 5},
        headers=auth(world.resident_a),
    )
    assert response.status_code in (200, 201), response.get_json()
    later = case_row(case).resolved_at + timedelta(days=app.config["RATING_WINDOW_DAYS"] - 0.5)
    assert remind_unrated_cases(now=later) == 0
