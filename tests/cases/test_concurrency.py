"""Races, with real threads and real commits: one winner, the others told what happened, no 500.

Each thread has its own test client (so its own app context, session and connection); a
barrier releases them together. Runs on SQLite (WAL) and PostgreSQL alike.
"""

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from linli.cases.models import Case, CaseEvent
from linli.extensions import db
from tests.factories import build_world
from tests.support import run_at_once

pytestmark = pytest.mark.commits

THREADS = 8
CASES = "/api/v1/cases"


@pytest.fixture
def world(app):
    """The test world, committed: the threads' sessions must see it (rows deleted after)."""
    built = build_world()
    db.session.commit()
    return built


@dataclass
class Answer:
    status: int
    body: dict | None
    headers: dict


def race(app, requests: list[tuple[str, dict, dict]]) -> list[Answer]:
    """Send (url, headers, json) requests at once, one thread each; the answers in order."""

    def request(url, headers, body):
        def send():
            response = app.test_client().post(url, json=body, headers=headers)
            return Answer(
                response.status_code, response.get_json(silent=True), dict(response.headers)
            )

        return send

    return run_at_once([request(*r) for r in requests])


def reported_case(client, auth, world) -> dict:
    body = {
        "category": "facility",
        "title": "电梯坏了",
        "description": "3号楼电梯停运",
        "org_id": world.grid_a1.id,
    }
    response = client.post(CASES, json=body, headers=auth(world.resident_a))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def events(case_id, *actions) -> int:
    query = (
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == uuid.UUID(case_id), CaseEvent.action.in_(actions))
    )
    db.session.remove()  # read what the threads committed, not a stale snapshot
    return db.session.scalar(query)


def current_case(case_id) -> Case:
    db.session.remove()
    return db.session.get(Case, uuid.UUID(case_id))


def assert_one_winner(answers: list[Answer], version_after: int) -> Answer:
    statuses = sorted(a.status for a in answers)
    assert statuses == [200] + [409] * (len(answers) - 1), statuses
    for loser in (a for a in answers if a.status == 409):
        assert loser.headers["Content-Type"] == "application/problem+json"
        assert loser.body["type"].endswith("/version-conflict")
        assert loser.body["case"]["version"] == version_after, loser.body
    return next(a for a in answers if a.status == 200)


@pytest.mark.usefixtures("other_provider_serves_a")
def test_dispatchers_assigning_at_once_make_one_assignment(app, client, auth, world):
    case = reported_case(client, auth, world)
    routers = [world.dispatcher_a, world.grid_worker_a1, world.admin]
    providers = [world.provider, world.other_provider]
    requests = [
        (
            f"{CASES}/{case['id']}/actions/assign",
            auth(routers[i % 3]),
            {"version": case["version"], "provider_id": providers[i % 2].id, "note": f"派单{i}"},
        )
        for i in range(THREADS)
    ]
    winner = assert_one_winner(race(app, requests), version_after=case["version"] + 1)

    after = current_case(case["id"])
    assert after.version == case["version"] + 1
    assert after.state.value == "assigned"
    assert after.provider_id == winner.body["provider_id"]
    assert events(case["id"], "assign") == 1


def test_accept_and_return_at_once_leave_exactly_one_of_them(app, client, auth, world):
    case = reported_case(client, auth, world)
    assigned = client.post(
        f"{CASES}/{case['id']}/actions/assign",
        headers=auth(world.dispatcher_a),
        json={"version": case["version"], "provider_id": world.provider.id},
    ).get_json()
    staff = auth(world.provider_staff)
    requests = [
        (f"{CASES}/{case['id']}/actions/accept", staff, {"version": assigned["version"]})
        if i % 2
        else (
            f"{CASES}/{case['id']}/actions/return",
            staff,
            {"version": assigned["version"], "reason": "不归我们"},
        )
        for i in range(THREADS)
    ]
    answers = race(app, requests)

    # A returned case stays with its provider, so either way the losers still see it: 409.
    winner = assert_one_winner(answers, version_after=assigned["version"] + 1)
    after = current_case(case["id"])
    assert after.version == assigned["version"] + 1
    assert after.state.value == winner.body["state"] in ("in_progress", "returned")
    assert after.provider_id == world.provider.id
    assert events(case["id"], "accept", "return") == 1


def test_dispatchers_deciding_a_return_at_once_make_one_decision(app, client, auth, world):
    case = reported_case(client, auth, world)
    for user, action, body in [
        (world.dispatcher_a, "assign", {"provider_id": world.provider.id}),
        (world.provider_staff, "return", {"reason": "不归我们"}),
    ]:
        case = client.post(
            f"{CASES}/{case['id']}/actions/{action}",
            headers=auth(user),
            json={"version": case["version"], **body},
        ).get_json()
    assert case["state"] == "returned"
    contenders = [
        (world.dispatcher_a, "accept_return", {}),
        (world.grid_worker_a1, "refuse_return", {"reason": "请继续处理"}),
        (world.admin, "accept_return", {}),
        (world.dispatcher_a, "refuse_return", {"reason": "请继续处理"}),
    ]
    requests = [
        (f"{CASES}/{case['id']}/actions/{action}", auth(user), {"version": case["version"], **body})
        for user, action, body in (contenders[i % len(contenders)] for i in range(THREADS))
    ]
    winner = assert_one_winner(race(app, requests), version_after=case["version"] + 1)

    after = current_case(case["id"])
    assert after.version == case["version"] + 1
    assert after.state.value == winner.body["state"] in ("submitted", "assigned")
    assert after.provider_id == (world.provider.id if after.state.value == "assigned" else None)
    assert events(case["id"], "accept_return", "refuse_return") == 1


def test_closing_and_reopening_at_once_do_one_of_them(app, client, auth, world):
    case = reported_case(client, auth, world)
    for user, action, body in [
        (world.dispatcher_a, "assign", {"provider_id": world.provider.id}),
        (world.provider_staff, "accept", {}),
        (world.provider_staff, "resolve", {"note": "已修好"}),
    ]:
        case = client.post(
            f"{CASES}/{case['id']}/actions/{action}",
            headers=auth(user),
            json={"version": case["version"], **body},
        ).get_json()
    assert case["state"] == "resolved"
    contenders = [
        (world.resident_a, "close"),
        (world.dispatcher_a, "reopen"),
        (world.admin, "close"),
        (world.reviewer_a, "reopen"),
        (world.dispatcher_a, "close"),
        (world.admin, "reopen"),
    ]
    requests = [
        (f"{CASES}/{case['id']}/actions/{action}", auth(user), {"version": case["version"]})
        for user, action in (contenders[i % len(contenders)] for i in range(THREADS))
    ]
    winner = assert_one_winner(race(app, requests), version_after=case["version"] + 1)

    after = current_case(case["id"])
    assert after.state.value == winner.body["state"] in ("closed", "assigned")
    assert events(case["id"], "close", "reopen") == 1
    reopened = after.state.value == "assigned"
    assert events(case["id"], "escalate") == int(reopened)
    assert after.escalation_level.value == ("community" if reopened else "grid")


def test_the_same_report_replayed_at_once_with_one_key_makes_one_case(app, auth, world):
    key = str(uuid.uuid4())
    body = {
        "category": "health",
        "title": "家庭医生签约",
        "description": "想签约家庭医生",
        "org_id": world.grid_a1.id,
    }
    headers = auth(world.resident_a, **{"Idempotency-Key": key})
    answers = race(app, [(CASES, headers, body)] * THREADS)
    assert_one_case_from_replays(answers, created_status=201)


def test_the_same_client_id_replayed_at_once_makes_one_case(app, auth, world):
    body = {
        "id": str(uuid.uuid4()),
        "category": "health",
        "title": "家庭医生签约",
        "description": "想签约家庭医生",
        "org_id": world.grid_a1.id,
    }
    answers = race(app, [(CASES, auth(world.resident_a), body)] * THREADS)
    cases = assert_one_case_from_replays(answers, created_status=201)
    assert str(cases[0].id) == body["id"]


def assert_one_case_from_replays(answers: list[Answer], *, created_status: int) -> list[Case]:
    """One created case; every other answer is its replay or "still running" (409), no 500."""
    statuses = [a.status for a in answers]
    assert set(statuses) <= {created_status, 409}, statuses
    created = [a for a in answers if a.status == created_status]
    assert created, statuses
    assert all(a.body == created[0].body for a in created)
    for busy in (a for a in answers if a.status == 409):
        assert busy.headers["Content-Type"] == "application/problem+json"
        assert "Retry-After" in busy.headers
    db.session.remove()
    cases = list(db.session.scalars(select(Case)))
    assert [str(c.id) for c in cases] == [created[0].body["id"]]
    assert events(created[0].body["id"], "submit") == 1
    return cases
