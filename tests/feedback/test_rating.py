"""The reporter's rating of a resolved case: it closes the case or sends it back one level up."""

import uuid

import pytest
from sqlalchemy import func, select

from linli.cases.models import CaseEvent
from linli.escalation.models import Escalation
from linli.extensions import db
from linli.feedback.models import Rating

PROBLEM = "application/problem+json"


@pytest.fixture
def resolved_case(world, new_case, drive):
    """resolved_case(case=None) → resident_a's case, assigned to world.provider and resolved."""

    def build(case=None):
        if case is None:
            case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
        case = drive(case, world.provider_staff, "accept")
        return drive(case, world.provider_staff, "resolve", note="已上门服务")

    return build


@pytest.fixture
def rate(client, auth, world):
    def post(case, user=None, **body):
        return client.post(
            f"/api/v1/cases/{case['id']}/rating", json=body, headers=auth(user or world.resident_a)
        )

    return post


def ratings_of(case):
    return db.session.scalar(
        select(func.count()).select_from(Rating).where(Rating.case_id == uuid.UUID(case["id"]))
    )


def events_of(client, auth, world, case):
    response = client.get(f"/api/v1/cases/{case['id']}/events", headers=auth(world.admin))
    return response.get_json()["items"]


@pytest.mark.parametrize(("resolved", "stars"), [(True, 5), (True, 4), (True, 3)])
def test_a_satisfied_rating_closes_the_case(
    resolved, stars, world, resolved_case, rate, client, auth
):
    case = resolved_case()

    response = rate(case, resolved=resolved, stars=stars, comment="  谢谢 ")

    assert response.status_code == 200, response.get_json()
    rated = response.get_json()
    assert (rated["state"], rated["version"], rated["cycle"]) == ("closed", case["version"] + 1, 1)
    assert rated["closed_at"] is not None
    assert {k: rated["rating"][k] for k in ("resolved", "stars", "comment")} == {
        "resolved": resolved,
        "stars": stars,
        "comment": "谢谢",
    }
    last = events_of(client, auth, world, case)[-1]
    assert (last["action"], last["from_state"], last["to_state"]) == ("close", "resolved", "closed")
    assert (last["actor"]["id"], last["public"]) == (world.resident_a.id, True)
    assert ratings_of(case) == 1


@pytest.mark.parametrize(
    ("resolved", "stars"), [(False, 5), (False, 3), (False, 1), (True, 2), (True, 1)]
)
def test_an_unhappy_rating_reopens_the_case_one_level_up_with_the_same_provider(
    resolved, stars, world, resolved_case, rate, client, auth
):
    case = resolved_case()
    assert (case["escalation_level"], case["cycle"]) == ("grid", 1)

    response = rate(case, resolved=resolved, stars=stars)

    assert response.status_code == 200, response.get_json()
    reopened = response.get_json()
    assert (reopened["state"], reopened["provider_id"]) == ("assigned", world.provider.id)
    assert (reopened["escalation_level"], reopened["cycle"]) == ("community", 2)
    assert reopened["version"] == case["version"] + 1
    assert reopened["rating"] is None  # the new cycle has not been rated yet
    assert (reopened["resolved_at"], reopened["closed_at"]) == (None, None)
    reopen, escalate = events_of(client, auth, world, case)[-2:]
    assert (reopen["action"], reopen["from_state"], reopen["to_state"]) == (
        "reopen",
        "resolved",
        "assigned",
    )
    assert (escalate["action"], escalate["from_state"], escalate["to_state"]) == (
        "escalate",
        "assigned",
        "assigned",
    )
    assert reopen["actor"]["id"] == escalate["actor"]["id"] == world.resident_a.id
    case_id = uuid.UUID(case["id"])
    escalate_data = db.session.scalar(
        select(CaseEvent.data).where(CaseEvent.case_id == case_id, CaseEvent.action == "escalate")
    )
    assert escalate_data == {
        "reason": "resident_not_satisfied",
        "from_level": "grid",
        "to_level": "community",
    }
    (escalation,) = db.session.scalars(select(Escalation).where(Escalation.case_id == case_id))
    assert (escalation.cycle, escalation.reason, escalation.to_level.value) == (
        2,
        "resident_not_satisfied",
        "community",
    )
    assert ratings_of(case) == 1


def test_rating_twice_in_one_cycle_is_a_conflict_and_changes_nothing(
    world, resolved_case, rate, fetch, client, auth
):
    case = resolved_case()
    closed = rate(case, resolved=True, stars=5).get_json()
    events = events_of(client, auth, world, case)

    response = rate(closed, resolved=False, stars=1)

    assert response.status_code == 409, response.get_json()
    assert response.content_type == PROBLEM
    after = fetch(case)
    assert (after["state"], after["version"]) == ("closed", closed["version"])
    assert after["rating"]["stars"] == 5
    assert ratings_of(case) == 1
    assert len(events_of(client, auth, world, case)) == len(events)


@pytest.mark.parametrize("state", ["submitted", "assigned", "in_progress"])
def test_rating_a_case_that_is_not_resolved_is_refused(state, world, new_case, drive, rate, fetch):
    case = new_case()
    if state != "submitted":
        case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    if state == "in_progress":
        case = drive(case, world.provider_staff, "accept")

    response = rate(case, resolved=True, stars=5)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert response.get_json()["state"] == state
    assert (fetch(case)["state"], fetch(case)["version"]) == (state, case["version"])
    assert ratings_of(case) == 0


def test_rating_a_rejected_case_is_refused(world, new_case, drive, rate, fetch):
    case = drive(new_case(), world.dispatcher_a, "reject", reason="重复上报")

    response = rate(case, resolved=False, stars=1)

    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert fetch(case)["state"] == "rejected"
    assert ratings_of(case) == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("dispatcher_a", 403),
        ("provider_staff", 403),
        ("admin", 403),
        ("resident_a2", 404),
        ("resident_b", 404),
    ],
)
def test_only_the_reporter_rates(who, status, world, resolved_case, rate, fetch):
    case = resolved_case()

    response = rate(case, getattr(world, who), resolved=True, stars=5)

    assert response.status_code == status, response.get_json()
    assert response.content_type == PROBLEM
    assert (fetch(case)["state"], fetch(case)["version"]) == ("resolved", case["version"])
    assert ratings_of(case) == 0


def test_a_resident_who_only_supported_the_case_cannot_rate_it(
    world, new_case, drive, resolved_case, rate, client, auth, fetch
):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    client.post(f"/api/v1/cases/{case['id']}/support", headers=auth(world.resident_a2))
    case = resolved_case(fetch(case))

    response = rate(case, world.resident_a2, resolved=False, stars=1)

    assert response.status_code == 403, response.get_json()
    assert response.content_type == PROBLEM
    assert fetch(case)["state"] == "resolved"
    assert ratings_of(case) == 0


def test_the_resident_on_whose_behalf_a_case_was_reported_rates_it(
    world, new_case, drive, resolved_case, rate
):
    case = new_case(
        reporter=world.grid_worker_a1, on_behalf_of={"resident_id": world.resident_a2.id}
    )
    case = resolved_case(drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id))

    by_resident = rate(case, world.resident_a2, resolved=True, stars=5)
    by_worker_after = rate(case, world.grid_worker_a1, resolved=True, stars=5)

    assert by_resident.status_code == 200
    assert by_resident.get_json()["state"] == "closed"
    assert by_resident.get_json()["rating"]["channel"] == "app"
    assert by_worker_after.status_code == 409  # one verdict per handling


def test_after_a_reopen_and_a_new_resolve_the_resident_rates_again(
    world, resolved_case, rate, fetch
):
    case = resolved_case()
    reopened = rate(case, resolved=False, stars=2).get_json()
    again = resolved_case(reopened)
    assert (again["state"], again["cycle"], again["rating"]) == ("resolved", 2, None)

    response = rate(again, resolved=True, stars=4, comment="第二次修好了")

    assert response.status_code == 200, response.get_json()
    closed = response.get_json()
    assert (closed["state"], closed["cycle"], closed["rating"]["stars"]) == ("closed", 2, 4)
    assert ratings_of(case) == 2
    assert fetch(case)["escalation_level"] == "community"


BAD_BODIES = {
    "stars-0": {"resolved": True, "stars": 0},
    "stars-6": {"resolved": True, "stars": 6},
    "stars-string": {"resolved": True, "stars": "5"},
    "stars-float": {"resolved": True, "stars": 4.5},
    "stars-bool": {"resolved": True, "stars": True},
    "stars-null": {"resolved": True, "stars": None},
    "stars-missing": {"resolved": True},
    "resolved-yes": {"resolved": "yes", "stars": 5},
    "resolved-string-true": {"resolved": "true", "stars": 5},
    "resolved-one": {"resolved": 1, "stars": 5},
    "resolved-zero": {"resolved": 0, "stars": 5},
    "resolved-null": {"resolved": None, "stars": 5},
    "resolved-missing": {"stars": 5},
    "comment-too-long": {"resolved": True, "stars": 5, "comment": "长" * 2001},
    "extra-field": {"resolved": True, "stars": 5, "rater_id": 1},
}


@pytest.mark.parametrize("name", BAD_BODIES)
def test_a_bad_rating_body_is_refused_naming_the_field(name, resolved_case, rate, fetch):
    case = resolved_case()
    body = BAD_BODIES[name]

    response = rate(case, **body)

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    field = name.split("-")[0] if name != "extra-field" else "rater_id"
    assert field in response.get_json()["errors"]
    assert (fetch(case)["state"], fetch(case)["version"]) == ("resolved", case["version"])
    assert ratings_of(case) == 0


@pytest.mark.parametrize("body", [[1, 2], "5", None], ids=["array", "string", "null"])
def test_a_rating_body_that_is_not_an_object_is_refused(
    body, world, resolved_case, client, auth, fetch
):
    case = resolved_case()

    response = client.post(
        f"/api/v1/cases/{case['id']}/rating", json=body, headers=auth(world.resident_a)
    )

    assert response.status_code == 422, response.get_json()
    assert response.content_type == PROBLEM
    assert fetch(case)["state"] == "resolved"
    assert ratings_of(case) == 0
