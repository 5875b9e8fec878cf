"""The party branch's review queue: which cases need a second look, and for what reasons."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from linli.cases.models import Case
from linli.db import utcnow
from linli.extensions import db
from tests.support import API, assert_problem

REVIEWS = f"{API}/reviews"


@pytest.fixture
def queue(client, auth, world):
    """queue(user=reviewer_a, **query) → the queue page as JSON (asserting 200)."""

    def get(user=None, **query):
        response = client.get(REVIEWS, query_string=query, headers=auth(user or world.reviewer_a))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get


def reasons_by_case(page) -> dict:
    return {item["case"]["id"]: item["reasons"] for item in page["items"]}


@pytest.fixture
def review(client, auth, world):
    """review(case, kind="reviewed", user=reviewer_a, **body) → the response."""

    def post(case, kind="reviewed", user=None, **body):
        return client.post(
            f"{API}/cases/{case['id']}/reviews",
            json={"kind": kind, **body},
            headers=auth(user or world.reviewer_a),
        )

    return post


@pytest.fixture
def bounced(assigned_case, drive, world):
    """bounced(times) → a case whose return a dispatcher accepted `times` times."""

    def build(times):
        case = assigned_case()
        for turn in range(times):
            if turn:
                case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
            case = drive(case, world.provider_staff, "return", reason="不归我们管")
            case = drive(case, world.dispatcher_a, "accept_return")
        return case

    return build


def make_overdue(case) -> None:
    """Move the case's accept clock into the past (as if nobody had taken it for too long)."""
    db.session.execute(
        update(Case)
        .where(Case.id == uuid.UUID(case["id"]))
        .values(accept_due_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()


@pytest.fixture
def build_for_reason(new_case, drive, world, rated, bounced, resolved):
    """build_for_reason(reason) → a case that is in the queue for `reason` (and why else)."""

    def overdue():
        case = new_case()
        make_overdue(case)
        return case, ["overdue"]

    builders = {
        # An unhappy rating reopens the case one level up: it is escalated too.
        "low_rating": lambda: (rated(stars=2), ["low_rating", "escalated"]),
        "overdue": overdue,
        "bounced": lambda: (bounced(2), ["bounced"]),
        "escalated": lambda: (drive(resolved(), world.dispatcher_a, "reopen"), ["escalated"]),
        "rejected": lambda: (
            drive(new_case(), world.dispatcher_a, "reject", reason="重复上报"),
            ["rejected"],
        ),
    }
    return lambda reason: builders[reason]()


REASONS = ["low_rating", "overdue", "bounced", "escalated", "rejected"]


@pytest.mark.parametrize("reason", REASONS)
def test_each_reason_puts_the_case_in_the_queue_saying_why(reason, build_for_reason, queue):
    case, reasons = build_for_reason(reason)

    page = queue()

    assert reasons_by_case(page) == {case["id"]: reasons}
    (item,) = page["items"]
    assert item["last_reviewed_at"] is None
    assert item["case"]["state"] == case["state"]


@pytest.mark.parametrize(("resolved_", "stars"), [(True, 1), (True, 2), (False, 5)])
def test_a_rating_of_two_stars_or_less_or_not_resolved_is_a_low_rating(
    resolved_, stars, rated, queue
):
    case = rated(resolved_=resolved_, stars=stars)

    assert "low_rating" in reasons_by_case(queue())[case["id"]]


def test_a_low_rating_stays_a_reason_after_the_next_cycle_is_rated_well(
    rated, drive, world, client, auth, queue
):
    case = rated(stars=1)
    case = drive(case, world.provider_staff, "accept")
    case = drive(case, world.provider_staff, "resolve", note="重新处理")
    client.post(
        f"{API}/cases/{case['id']}/rating",
        json={"resolved": True, "stars": 5},
        headers=auth(world.resident_a),
    )

    assert reasons_by_case(queue())[case["id"]] == ["low_rating", "escalated"]


def test_cases_without_a_reason_are_not_in_the_queue(
    new_case, assigned_case, rated, bounced, queue
):
    new_case()
    assigned_case()
    rated(stars=4)  # satisfied: closed
    bounced(1)  # one bounce is not yet a pattern

    assert queue()["items"] == []


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("rejected", {"rejected"}),
        ("bounced", {"bounced"}),
        ("rejected,overdue", {"rejected", "overdue"}),
        ("escalated", {"low_rating", "escalated"}),
    ],
)
def test_the_reason_filter_keeps_cases_with_any_of_the_reasons(
    wanted, expected, build_for_reason, queue
):
    built = {reason: build_for_reason(reason)[0]["id"] for reason in REASONS}

    page = queue(reason=wanted)

    assert set(reasons_by_case(page)) == {built[r] for r in expected}


def test_marking_a_case_reviewed_takes_it_out_of_the_queue(build_for_reason, review, queue):
    case, _ = build_for_reason("bounced")
    other, _ = build_for_reason("rejected")

    response = review(case, note="已核实")

    assert response.status_code == 201, response.get_json()
    assert set(reasons_by_case(queue())) == {other["id"]}


def test_a_change_after_the_review_brings_the_case_back(
    build_for_reason, review, drive, world, queue
):
    case, _ = build_for_reason("bounced")
    reviewed_at = review(case).get_json()["at"]

    drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)

    (item,) = queue()["items"]
    assert (item["case"]["id"], item["reasons"]) == (case["id"], ["bounced"])
    assert item["last_reviewed_at"] == reviewed_at
    assert item["case"]["state"] == "assigned"


def test_a_supervision_note_does_not_bring_a_reviewed_case_back(build_for_reason, review, queue):
    case, _ = build_for_reason("rejected")
    review(case)

    response = review(case, kind="note", note="请社区再核实一次")

    assert response.status_code == 201, response.get_json()
    assert queue()["items"] == []


def test_a_sweep_escalation_after_the_review_brings_the_case_back(
    build_for_reason, review, sweep, queue
):
    case, _ = build_for_reason("overdue")
    review(case)
    assert queue()["items"] == []

    sweep(utcnow())

    # The sweep restarted the accept clock for the new level: escalated, no longer late.
    assert reasons_by_case(queue()) == {case["id"]: ["escalated"]}


def test_the_queue_is_newest_first_with_a_keyset_cursor(new_case, drive, world, queue):
    ids = [
        drive(new_case(title=f"需要{n}"), world.dispatcher_a, "reject", reason="重复")["id"]
        for n in range(3)
    ]

    first = queue(limit=2)
    second = queue(limit=2, cursor=first["next_cursor"])

    assert [i["case"]["id"] for i in first["items"]] == ids[:0:-1]
    assert [i["case"]["id"] for i in second["items"]] == ids[:1]
    assert first["next_cursor"] and second["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"reason": "grumpy"}, "reason"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "x" * 201}, "cursor"),
    ],
)
def test_a_bad_query_is_refused_naming_the_field(query, field, client, auth, world):
    response = client.get(REVIEWS, query_string=query, headers=auth(world.reviewer_a))

    assert_problem(response, 422, field)


# --- who sees which queue ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["resident_a", "provider_staff", "dispatcher_a", "grid_worker_a1"])
def test_only_reviewers_officers_and_admins_have_a_review_queue(who, client, auth, world):
    response = client.get(REVIEWS, headers=auth(getattr(world, who)))

    assert_problem(response, 403)


def test_a_reviewer_sees_only_their_own_communitys_cases(new_case, drive, world, queue):
    mine = drive(new_case(), world.dispatcher_a, "reject", reason="重复")
    theirs = drive(
        new_case(reporter=world.resident_b, org_id=world.grid_b1.id),
        world.dispatcher_b,
        "reject",
        reason="重复",
    )

    assert set(reasons_by_case(queue())) == {mine["id"]}
    assert set(reasons_by_case(queue(world.admin))) == {mine["id"], theirs["id"]}


def test_an_officer_sees_the_cases_that_reached_their_level(
    build_for_reason, drive, world, resolved, queue
):
    build_for_reason("rejected")  # at grid level: below the street officer
    case = drive(resolved(), world.dispatcher_a, "reopen")  # grid → community
    case = drive(case, world.provider_staff, "accept")
    case = drive(case, world.provider_staff, "resolve", note="再次处理")
    case = drive(case, world.dispatcher_a, "reopen")  # community → street

    assert set(reasons_by_case(queue(world.officer_street))) == {case["id"]}


# --- cost -----------------------------------------------------------------------------


def test_the_queue_does_not_query_per_case_for_reasons_tasks_or_photos(
    new_case, drive, world, client, auth, statements
):
    # Reasons, co-tasks, photos and this cycle's ratings are fetched for the whole page at once.
    headers = auth(world.reviewer_a)

    def cost():
        return statements(lambda: client.get(REVIEWS, headers=headers))

    drive(new_case(), world.dispatcher_a, "reject", reason="重复")
    one = cost()
    for _ in range(4):
        drive(new_case(), world.dispatcher_a, "reject", reason="重复")

    assert cost() == one
