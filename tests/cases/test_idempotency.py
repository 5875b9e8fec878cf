"""Replayed writes: the PWA's outbox retries until it hears back, so a retry must be harmless."""

import uuid

import pytest
from sqlalchemy import func, select

from linli.cases.models import Case, CaseEvent
from linli.extensions import db
from linli.feedback.models import Rating
from linli.idempotency import MAX_KEY_LENGTH, IdempotencyRecord
from tests.support import assert_problem

CASES = "/api/v1/cases"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def report(client, auth, world):
    """report(user=resident_a, key=None, **fields) → the response to POST /cases."""

    def post(user=None, key=None, **fields):
        body = {
            "category": "community_meals",
            "title": "老年助餐",
            "description": "希望增加午餐点",
            "org_id": world.grid_a1.id,
            **fields,
        }
        headers = {"Idempotency-Key": key} if key is not None else {}
        return client.post(CASES, json=body, headers=auth(user or world.resident_a, **headers))

    return post


def test_the_same_key_and_body_twice_makes_one_case_and_the_same_answer(report):
    before = count(Case)
    key = str(uuid.uuid4())
    first = report(key=key)
    again = report(key=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(Case) == before + 1
    # One report: its submit event and the routing decision (a suggestion in the test app).
    actions = db.session.scalars(
        select(CaseEvent.action)
        .where(CaseEvent.case_id == uuid.UUID(first.get_json()["id"]))
        .order_by(CaseEvent.id)
    ).all()
    assert actions == ["submit", "route"]


def test_a_different_body_under_a_used_key_is_a_422_and_writes_nothing(report):
    key = str(uuid.uuid4())
    first = report(key=key)
    before = count(Case)
    response = report(key=key, title="另一件事")
    body = assert_problem(response, 422)
    assert body["type"].endswith("/idempotency-key-reused")
    assert count(Case) == before
    assert db.session.get(Case, uuid.UUID(first.get_json()["id"])).title == "老年助餐"


def test_a_used_key_on_another_endpoint_is_a_422(client, auth, world, report, new_case):
    key = str(uuid.uuid4())
    assert report(key=key).status_code == 201
    neighbours = new_case(reporter=world.resident_a2)
    response = client.post(
        f"{CASES}/{neighbours['id']}/support",
        headers=auth(world.resident_a, **{"Idempotency-Key": key}),
    )
    assert_problem(response, 422)
    assert db.session.get(Case, uuid.UUID(neighbours["id"])).supporters == 0


def test_the_same_key_from_two_users_is_two_writes(report, world):
    before = count(Case)
    key = str(uuid.uuid4())
    mine = report(key=key)
    theirs = report(user=world.resident_a2, key=key)
    assert mine.status_code == theirs.status_code == 201
    assert mine.get_json()["id"] != theirs.get_json()["id"]
    assert count(Case) == before + 2


def test_a_client_id_sent_twice_without_a_key_makes_one_case_and_the_same_answer(report):
    case_id = str(uuid.uuid4())
    before = count(Case)
    first = report(id=case_id)
    again = report(id=case_id)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert first.get_json()["id"] == case_id
    assert count(Case) == before + 1


def test_a_client_id_spelled_in_upper_case_is_still_the_same_case(report):
    case_id = str(uuid.uuid4())
    before = count(Case)
    report(id=case_id)
    again = report(id=case_id.upper())
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["id"] == case_id
    assert count(Case) == before + 1


def test_a_client_id_replayed_under_a_new_key_returns_the_existing_case_with_200(report):
    """The outbox lost its key but kept the case's id: the server still knows the case."""
    case_id = str(uuid.uuid4())
    first = report(id=case_id, key=str(uuid.uuid4()))
    before = count(Case)
    for retry in (report(id=case_id), report(id=case_id, key=str(uuid.uuid4()))):
        assert retry.status_code == 200, retry.get_json()
        assert retry.get_json()["id"] == case_id
        assert retry.get_json()["reference"] == first.get_json()["reference"]
    assert count(Case) == before


def test_a_client_id_resent_with_a_changed_body_is_a_422_and_changes_nothing(report):
    case_id = str(uuid.uuid4())
    report(id=case_id)
    before = count(Case)
    response = report(id=case_id, title="改过的标题")
    assert_problem(response, 422)
    assert count(Case) == before
    assert db.session.get(Case, uuid.UUID(case_id)).title == "老年助餐"


@pytest.mark.parametrize("with_key", [False, True], ids=["id-only", "id-and-own-key"])
def test_another_user_reusing_a_case_id_gets_a_409_and_no_case(report, world, with_key):
    case_id = str(uuid.uuid4())
    report(id=case_id)
    before = count(Case)
    response = report(
        user=world.resident_a2, id=case_id, key=str(uuid.uuid4()) if with_key else None
    )
    assert_problem(response, 409, "id")
    assert count(Case) == before
    assert db.session.get(Case, uuid.UUID(case_id)).created_by_id == world.resident_a.id


def test_a_replayed_action_returns_the_stored_answer_not_a_conflict(
    client, auth, world, new_case, act
):
    case = act(world.dispatcher_a, new_case(), "assign", provider_id=world.provider.id).get_json()
    url = f"{CASES}/{case['id']}/actions/accept"
    headers = auth(world.provider_staff, **{"Idempotency-Key": str(uuid.uuid4())})
    first = client.post(url, json={"version": case["version"]}, headers=headers)
    again = client.post(url, json={"version": case["version"]}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert first.get_json()["state"] == "in_progress"
    accepts = CaseEvent.case_id == uuid.UUID(case["id"]), CaseEvent.action == "accept"
    assert count(CaseEvent, *accepts) == 1
    # Without the key the same stale request is what it is: a conflict.
    assert_problem(
        client.post(url, json={"version": case["version"]}, headers=auth(world.provider_staff)), 409
    )
    assert count(CaseEvent, *accepts) == 1


def test_a_replayed_rating_returns_the_stored_answer_and_rates_once(
    client, auth, world, new_case, act
):
    case = act(world.dispatcher_a, new_case(), "assign", provider_id=world.provider.id).get_json()
    case = act(world.provider_staff, case, "accept").get_json()
    case = act(world.provider_staff, case, "resolve", note="已送餐").get_json()
    url = f"{CASES}/{case['id']}/rating"
    headers = auth(world.resident_a, **{"Idempotency-Key": str(uuid.uuid4())})
    first = client.post(url, json={"resolved": True, "stars": 5}, headers=headers)
    again = client.post(url, json={"resolved": True, "stars": 5}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json()
    assert first.get_json()["state"] == "closed"
    assert count(Rating, Rating.case_id == uuid.UUID(case["id"])) == 1
    assert (
        count(CaseEvent, CaseEvent.case_id == uuid.UUID(case["id"]), CaseEvent.action == "close")
        == 1
    )


@pytest.mark.parametrize("length", [MAX_KEY_LENGTH + 1, 10_000])
def test_a_key_longer_than_the_limit_is_a_422_and_writes_nothing(report, length):
    before = count(Case), count(IdempotencyRecord)
    response = report(key="k" * length)
    assert_problem(response, 422, "Idempotency-Key")
    assert (count(Case), count(IdempotencyRecord)) == before


def test_a_key_of_exactly_the_limit_is_accepted(report):
    assert report(key="k" * MAX_KEY_LENGTH).status_code == 201


def test_a_refused_first_attempt_does_not_poison_the_key(report):
    key = str(uuid.uuid4())
    before = count(Case)
    assert_problem(report(key=key, org_id=987_654), 422, "org_id")
    assert_problem(report(key=key, title=""), 422, "title")
    assert count(Case) == before
    fixed = report(key=key)
    assert fixed.status_code == 201, fixed.get_json()
    again = report(key=key)
    assert again.status_code == 201
    assert again.get_json() == fixed.get_json()
    assert count(Case) == before + 1


def test_a_refused_action_does_not_poison_the_key(client, auth, world, new_case):
    case = new_case()
    url = f"{CASES}/{case['id']}/actions/assign"
    headers = auth(world.dispatcher_a, **{"Idempotency-Key": str(uuid.uuid4())})
    assert_problem(client.post(url, json={"version": 1}, headers=headers), 422, "provider_id")
    response = client.post(
        url, json={"version": 1, "provider_id": world.provider.id}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == "assigned"
