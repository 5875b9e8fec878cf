"""The rating rules around the verdict: the window and the not-rated close, the appeal, and
ratings a grid worker records for the resident they reported for (回访)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from linli.cases.models import Case, CaseEvent, EventKind
from linli.config import ConfigError, load_config
from linli.extensions import db
from linli.feedback.models import Rating
from linli.feedback.service import close_unrated_cases
from tests.support import API, assert_problem


@pytest.fixture
def rate(client, auth):
    def post(case, user, **body):
        body = {"resolved": True, "stars": 5, **body}
        return client.post(f"{API}/cases/{case['id']}/rating", json=body, headers=auth(user))

    return post


@pytest.fixture
def appeal(client, auth, world):
    def post(case, user=None, **body):
        body = {"reason": "楼道灯还是不亮", **body}
        return client.post(
            f"{API}/cases/{case['id']}/appeal", json=body, headers=auth(user or world.resident_a)
        )

    return post


@pytest.fixture
def for_resident(resolved, world):
    """A case grid_worker_a1 reported for resident_a2, resolved by world.provider."""
    return resolved(
        reporter=world.grid_worker_a1, on_behalf_of={"resident_id": world.resident_a2.id}
    )


def move_back(case, **columns):
    """Move a case's times into the past (the API reads the clock as now)."""
    db.session.execute(update(Case).where(Case.id == uuid.UUID(case["id"])).values(**columns))
    db.session.commit()


def rating_row(case) -> Rating:
    return db.session.scalar(select(Rating).where(Rating.case_id == uuid.UUID(case["id"])))


def events(case, kind):
    return db.session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == uuid.UUID(case["id"]), CaseEvent.action == kind)
        .order_by(CaseEvent.id)
    ).all()


# --- recorded by a grid worker ---------------------------------------------------------------


def test_the_grid_worker_who_reported_records_the_residents_verdict_after_a_call(
    for_resident, rate, world, fetch
):
    assert fetch(for_resident, as_=world.grid_worker_a1)["may_rate"] is True
    assert fetch(for_resident, as_=world.resident_a2)["may_rate"] is True
    assert fetch(for_resident, as_=world.dispatcher_a)["may_rate"] is False
    response = rate(for_resident, world.grid_worker_a1, stars=4, comment="电话回访，满意")

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "closed"
    assert response.get_json()["rating"]["channel"] == "phone"
    row = rating_row(for_resident)
    assert (row.rater_id, row.recorded_by_id, row.channel) == (
        world.resident_a2.id,
        world.grid_worker_a1.id,
        "phone",
    )
    (close,) = events(for_resident, EventKind.CLOSE)
    assert close.actor_id == world.grid_worker_a1.id
    assert close.data["rating"] == {"resolved": True, "stars": 4, "channel": "phone"}


def test_a_recorded_unhappy_verdict_climbs_like_the_residents_own(for_resident, rate, world):
    response = rate(for_resident, world.grid_worker_a1, resolved=False, stars=2, channel="visit")

    assert response.status_code == 200, response.get_json()
    case = response.get_json()
    assert (case["state"], case["cycle"], case["escalation_level"]) == ("assigned", 2, "community")
    (climb,) = events(for_resident, EventKind.ESCALATE)
    assert climb.data["reason"] == "resident_not_satisfied"
    assert rating_row(for_resident).channel == "visit"


def test_only_the_reporting_grid_worker_records_and_only_by_phone_or_visit(
    for_resident, resolved, rate, world
):
    other_worker = rate(for_resident, world.grid_worker_b1)
    in_the_app = rate(for_resident, world.grid_worker_a1, channel="app")
    own_case = resolved()
    resident_by_phone = rate(own_case, world.resident_a, channel="phone")
    unknown = rate(own_case, world.resident_a, channel="fax")

    assert other_worker.status_code == 404  # not in their grid: not even visible
    assert assert_problem(in_the_app, 422, "channel")["errors"]["channel"] == [
        "must be phone or visit"
    ]
    assert assert_problem(resident_by_phone, 422, "channel")["errors"]["channel"] == ["must be app"]
    assert_problem(unknown, 422, "channel")
    assert rating_row(for_resident) is None and rating_row(own_case) is None


def test_a_dispatcher_cannot_enter_a_rating(resolved, rate, world):
    case = resolved()

    assert rate(case, world.dispatcher_a).status_code == 403
    assert rating_row(case) is None


# --- the rating window and the not-rated close ---------------------------------------------


def test_a_resolved_case_says_until_when_it_can_be_rated(resolved, app):
    case = resolved()

    due = datetime.fromisoformat(case["rating_due_at"])
    resolved_at = datetime.fromisoformat(case["resolved_at"])
    assert due - resolved_at == timedelta(days=app.config["RATING_WINDOW_DAYS"]) == timedelta(7)


def test_after_the_window_the_resident_can_no_longer_rate(resolved, rate, world, fetch):
    case = resolved()
    move_back(case, resolved_at=datetime.now(UTC) - timedelta(days=7, minutes=1))
    assert fetch(case, as_=world.resident_a)["may_rate"] is False

    response = rate(case, world.resident_a)

    assert_problem(response, 422)
    assert "rating window" in response.get_json()["detail"]
    assert rating_row(case) is None


def test_the_sweep_closes_unrated_cases_once_the_window_has_passed(resolved, fetch, world):
    case = resolved()
    resolved_at = datetime.fromisoformat(case["resolved_at"])

    early = close_unrated_cases(now=resolved_at + timedelta(days=7) - timedelta(minutes=1))
    late = close_unrated_cases(now=resolved_at + timedelta(days=7, minutes=1))
    again = close_unrated_cases(now=resolved_at + timedelta(days=7, minutes=2))

    assert (early.closed, late.closed, again.closed) == (0, 1, 0)
    closed = fetch(case)
    assert (closed["state"], closed["rating"], closed["version"]) == (
        "closed",
        None,
        case["version"] + 1,
    )
    (close,) = events(case, EventKind.CLOSE)
    assert (close.actor_id, close.data, close.public) == (None, {"not_rated": True}, True)
    assert rating_row(case) is None


def test_the_resident_sees_why_their_case_closed(resolved, client, auth, world):
    case = resolved()
    close_unrated_cases(now=datetime.fromisoformat(case["resolved_at"]) + timedelta(days=8))

    timeline = client.get(f"{API}/cases/{case['id']}/events", headers=auth(world.resident_a))

    last = timeline.get_json()["items"][-1]
    assert (last["action"], last["data"], last["actor"]) == ("close", {"not_rated": True}, None)


def test_the_sweep_leaves_rated_and_open_cases_alone(resolved, assigned_case, rate, world):
    rated = resolved()
    rate(rated, world.resident_a, resolved=False, stars=1)  # reopened: a new cycle, unresolved
    still_open = assigned_case()

    result = close_unrated_cases(now=datetime.now(UTC) + timedelta(days=30))

    assert result.closed == 0
    assert events(rated, EventKind.CLOSE) == [] and events(still_open, EventKind.CLOSE) == []


def test_the_sweep_command_closes_not_rated_cases_too(resolved, app):
    case = resolved()
    later = (datetime.fromisoformat(case["resolved_at"]) + timedelta(days=8)).isoformat()

    output = app.test_cli_runner().invoke(args=["escalation", "sweep", "--now", later]).output

    assert "closed 1 not rated" in output, output


def test_the_window_is_configurable_and_checked(monkeypatch):
    monkeypatch.setenv("LINLI_RATING_WINDOW_DAYS", "3")
    assert load_config({"SECRET_KEY": "x" * 40})["RATING_WINDOW_DAYS"] == 3
    for bad in ("0", "-1", "seven", "1.5"):
        monkeypatch.setenv("LINLI_APPEAL_WINDOW_DAYS", bad)
        with pytest.raises(ConfigError, match="LINLI_APPEAL_WINDOW_DAYS"):
            load_config({"SECRET_KEY": "x" * 40})


# --- appeal -----------------------------------------------------------------------------------


@pytest.fixture
def closed(resolved, rate, world):
    """resident_a's case, resolved and rated satisfied (closed)."""

    def build():
        response = rate(resolved(), world.resident_a, stars=4)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return build


def test_the_reporter_appeals_a_closed_case_and_it_is_handled_again_a_level_up(
    closed, appeal, world
):
    case = closed()
    assert "appeal" in case["allowed_actions"] and case["appeal_due_at"] is not None

    response = appeal(case)

    assert response.status_code == 200, response.get_json()
    again = response.get_json()
    assert (again["state"], again["cycle"], again["escalation_level"]) == (
        "assigned",
        2,
        "community",
    )
    assert again["provider_id"] == world.provider.id and again["rating"] is None
    assert "appeal" not in again["allowed_actions"] and again["appeal_due_at"] is None
    (appealed,) = events(case, EventKind.APPEAL)
    assert (appealed.actor_id, appealed.note) == (world.resident_a.id, "楼道灯还是不亮")
    assert set(appealed.data["clock"]) == {"accept_due_at", "resolve_due_at"}
    (climb,) = events(case, EventKind.ESCALATE)
    assert climb.data == {"reason": "appealed", "from_level": "grid", "to_level": "community"}


def test_a_case_is_appealed_once(closed, appeal, drive, rate, world):
    case = closed()
    again = appeal(case).get_json()
    again = drive(again, world.provider_staff, "accept")
    again = drive(again, world.provider_staff, "resolve", note="再次上门")
    assert rate(again, world.resident_a, stars=4).get_json()["state"] == "closed"

    response = appeal(case)

    assert_problem(response, 422)
    assert "once" in response.get_json()["detail"]
    assert len(events(case, EventKind.APPEAL)) == 1


def test_the_appeal_window_closes(closed, appeal, fetch, world):
    case = closed()
    move_back(case, closed_at=datetime.now(UTC) - timedelta(days=7, minutes=1))

    response = appeal(case)

    assert_problem(response, 422)
    assert "appeal window" in response.get_json()["detail"]
    assert "appeal" not in fetch(case, as_=world.resident_a)["allowed_actions"]
    assert events(case, EventKind.APPEAL) == []


def test_a_case_closed_as_not_rated_can_be_appealed(resolved, appeal):
    case = resolved()
    close_unrated_cases(now=datetime.now(UTC) + timedelta(days=8))
    move_back(case, closed_at=datetime.now(UTC) - timedelta(hours=1))

    response = appeal(case)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "assigned"


def test_only_the_reporter_appeals_and_says_why(closed, appeal, world):
    case = closed()

    assert appeal(case, world.resident_a2).status_code in (403, 404)
    assert appeal(case, world.dispatcher_a).status_code == 403
    assert appeal(case, world.provider_staff).status_code == 403
    assert_problem(appeal(case, reason="  "), 422, "reason")
    assert events(case, EventKind.APPEAL) == []


def test_an_open_case_cannot_be_appealed(assigned_case, appeal):
    response = appeal(assigned_case())

    assert_problem(response, 422)
    assert response.get_json()["state"] == "assigned"
