"""Door-to-door rounds: a grid worker logs visits in their own grids, often synced later."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from linli.extensions import db
from linli.rounds.models import Visit
from tests.support import assert_problem

VISITS = "/api/v1/visits"


def visits() -> int:
    return db.session.scalar(select(func.count()).select_from(Visit))


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def visit(client, auth, world, households):
    """visit(user=grid_worker_a1, household="a1", key=None, **fields) → the POST /visits response."""

    earlier = iso(datetime.now(UTC) - timedelta(hours=2))  # one time per test: replays are equal

    def post(user=None, household="a1", key=None, **fields):
        body = {
            "household_id": households[household].id,
            "visited_at": earlier,
            "note": "独居老人，身体尚好",
            **fields,
        }
        headers = {"Idempotency-Key": key} if key else {}
        return client.post(VISITS, json=body, headers=auth(user or world.grid_worker_a1, **headers))

    return post


def test_a_grid_worker_records_a_visit_in_their_grid(visit, world, households):
    before = visits()
    response = visit()
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["household_id"] == households["a1"].id
    assert body["worker_id"] == world.grid_worker_a1.id
    assert body["note"] == "独居老人，身体尚好"
    assert visits() == before + 1


def test_a_visit_replayed_by_its_id_exists_once(visit):
    visit_id = str(uuid.uuid4())
    before = visits()
    first = visit(id=visit_id)
    again = visit(id=visit_id)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert first.get_json()["id"] == visit_id
    assert visits() == before + 1


def test_a_visit_id_replayed_under_a_new_key_returns_the_existing_visit(visit):
    visit_id = str(uuid.uuid4())
    first = visit(id=visit_id, key=str(uuid.uuid4()))
    before = visits()
    again = visit(id=visit_id, key=str(uuid.uuid4()))
    assert again.status_code == 200, again.get_json()
    assert again.get_json() == first.get_json()
    assert visits() == before


def test_a_visit_replayed_with_its_key_exists_once(visit):
    key = str(uuid.uuid4())
    before = visits()
    first = visit(key=key)
    again = visit(key=key)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert visits() == before + 1


def test_another_worker_reusing_a_visit_id_gets_a_409(visit, world):
    visit_id = str(uuid.uuid4())
    visit(id=visit_id)
    before = visits()
    assert_problem(visit(user=world.grid_worker_b1, household="b1", id=visit_id), 409, "id")
    assert visits() == before


@pytest.mark.parametrize("household", ["a2", "b1"])
def test_a_household_in_another_grid_is_a_422(visit, household):
    before = visits()
    assert_problem(visit(household=household), 422, "household_id")
    assert visits() == before


def test_an_unknown_household_is_a_422(visit):
    before = visits()
    assert_problem(visit(household_id=987_654), 422, "household_id")
    assert visits() == before


@pytest.mark.parametrize("ahead", [timedelta(hours=1), timedelta(days=400)])
def test_a_visit_in_the_future_is_a_422(visit, ahead):
    before = visits()
    assert_problem(visit(visited_at=iso(datetime.now(UTC) + ahead)), 422, "visited_at")
    assert visits() == before


def test_a_phone_clock_a_few_minutes_fast_is_tolerated(visit):
    assert visit(visited_at=iso(datetime.now(UTC) + timedelta(minutes=5))).status_code == 201


def test_a_visit_synced_days_later_keeps_its_time(visit):
    then = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    response = visit(visited_at=iso(then))
    assert response.status_code == 201
    assert datetime.fromisoformat(response.get_json()["visited_at"]) == then


def test_a_visit_time_in_another_offset_is_stored_in_utc(visit):
    shanghai = datetime(2025, 3, 1, 9, 30, tzinfo=UTC) + timedelta(hours=8)
    response = visit(visited_at=shanghai.replace(tzinfo=None).isoformat() + "+08:00")
    assert response.status_code == 201
    assert datetime.fromisoformat(response.get_json()["visited_at"]) == datetime(
        2025, 3, 1, 9, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "value", ["2025-01-02T03:04:05", "2025-01-02", "yesterday", "", 1735787045]
)
def test_a_visit_time_without_a_zone_or_not_a_time_is_a_422(visit, value):
    before = visits()
    assert_problem(visit(visited_at=value), 422, "visited_at")
    assert visits() == before


@pytest.mark.parametrize("role_user", ["resident_a", "provider_staff", "dispatcher_a", "admin"])
def test_only_grid_workers_record_visits(visit, world, role_user):
    before = visits()
    assert_problem(visit(user=getattr(world, role_user)), 403)
    assert visits() == before


def test_the_visit_list_shows_the_workers_visits_newest_first(client, auth, world, visit):
    now = datetime.now(UTC).replace(microsecond=0)
    older = visit(visited_at=iso(now - timedelta(days=2))).get_json()
    newer = visit(visited_at=iso(now - timedelta(hours=1))).get_json()
    response = client.get(VISITS, headers=auth(world.grid_worker_a1))
    assert response.status_code == 200
    assert [v["id"] for v in response.get_json()["items"]] == [newer["id"], older["id"]]
    since = client.get(
        VISITS,
        query_string={"since": iso(now - timedelta(days=1))},
        headers=auth(world.grid_worker_a1),
    )
    assert [v["id"] for v in since.get_json()["items"]] == [newer["id"]]


def test_visits_are_listed_for_the_area_they_belong_to(client, auth, world, visit):
    mine = visit().get_json()
    theirs = visit(user=world.grid_worker_b1, household="b1").get_json()

    def ids(user, **query):
        response = client.get(VISITS, query_string=query, headers=auth(user))
        assert response.status_code == 200, response.get_json()
        return {v["id"] for v in response.get_json()["items"]}

    assert ids(world.grid_worker_a1) == {mine["id"]}
    assert ids(world.grid_worker_b1) == {theirs["id"]}
    assert ids(world.dispatcher_a) == {mine["id"]}
    assert ids(world.admin, grid_id=world.grid_b1.id) == {theirs["id"]}


def test_a_grid_outside_the_workers_area_is_a_404(client, auth, world, visit):
    visit(user=world.grid_worker_b1, household="b1")
    response = client.get(
        VISITS, query_string={"grid_id": world.grid_b1.id}, headers=auth(world.grid_worker_a1)
    )
    assert_problem(response, 404)


@pytest.mark.parametrize("role_user", ["resident_a", "provider_staff"])
def test_residents_and_providers_cannot_list_visits(client, auth, world, role_user):
    assert_problem(client.get(VISITS, headers=auth(getattr(world, role_user))), 403)
