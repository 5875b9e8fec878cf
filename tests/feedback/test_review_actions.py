"""Reviewers' notes and sign-offs, and sending a rejected need back to triage."""

import uuid

import pytest
from sqlalchemy import select

from linli.cases.models import CaseEvent
from linli.escalation.models import Escalation
from linli.extensions import db
from linli.notifications.models import Notification, NotificationKind
from tests.support import (
    API,
    assert_problem,
    at,
    case_row,
    count,
    events_of,
    inbox_of,
    settle,
    snapshot,
)


@pytest.fixture
def review(client, auth, world):
    """review(case, kind="note", user=reviewer_a, headers=None, **body) → the response."""

    def post(case, kind="note", user=None, headers=None, **body):
        return client.post(
            f"{API}/cases/{case['id']}/reviews",
            json={"kind": kind, **body},
            headers={**auth(user or world.reviewer_a), **(headers or {})},
        )

    return post


@pytest.fixture
def timeline(client, auth, world):
    def get(case, as_=None):
        response = client.get(f"{API}/cases/{case['id']}/events", headers=auth(as_ or world.admin))
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    return get


SUPERVISION = NotificationKind.SUPERVISION_NOTE


def test_a_note_is_an_internal_event_that_does_not_change_the_case(
    review, assigned_case, world, fetch, timeline
):
    case = assigned_case()

    response = review(case, note="  请尽快联系老人家属  ")

    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert (event["action"], event["note"], event["public"]) == (
        "supervision_note",
        "请尽快联系老人家属",
        False,
    )
    assert (event["from_state"], event["to_state"]) == ("assigned", "assigned")
    assert event["actor"]["id"] == world.reviewer_a.id
    assert timeline(case)[-1] == event
    assert event["id"] not in [e["id"] for e in timeline(case, as_=world.resident_a)]
    after = fetch(case)
    assert (after["version"], after["updated_at"], after["state"]) == (
        case["version"],
        case["updated_at"],
        "assigned",
    )


def test_a_public_note_shows_in_the_residents_timeline(review, assigned_case, world, timeline):
    case = assigned_case()

    event = review(case, note="社区党委已督办", public=True).get_json()

    assert event["public"] is True
    assert timeline(case, as_=world.resident_a)[-1]["id"] == event["id"]


def test_a_note_tells_the_providers_staff_and_the_community_dispatchers(
    review, assigned_case, world
):
    case = assigned_case()

    review(case, note="请尽快联系老人家属")

    told = {
        n.user_id
        for n in db.session.scalars(select(Notification).where(Notification.kind == SUPERVISION))
    }
    assert told == {world.provider_staff.id, world.dispatcher_a.id}
    (note,) = inbox_of(world.provider_staff, SUPERVISION, case)
    assert note.data == {
        "reference": case["reference"],
        "title": case["title"],
        "note": "请尽快联系老人家属",
    }


def test_a_note_on_a_case_without_a_provider_tells_the_dispatchers(review, new_case, world):
    case = new_case()

    review(case, note="请核实是否重复")

    told = {
        n.user_id
        for n in db.session.scalars(select(Notification).where(Notification.kind == SUPERVISION))
    }
    assert told == {world.dispatcher_a.id}


def test_the_notification_reaches_the_inbox_with_its_note(
    review, assigned_case, world, client, auth
):
    case = assigned_case()
    review(case, note="请尽快联系老人家属")

    inbox = client.get(f"{API}/notifications", headers=auth(world.dispatcher_a)).get_json()

    item = inbox["items"][0]
    assert (item["kind"], item["case_id"], item["data"]["note"]) == (
        "supervision_note",
        case["id"],
        "请尽快联系老人家属",
    )


def test_marking_reviewed_is_an_internal_event_and_tells_no_one(
    review, assigned_case, fetch, timeline, world
):
    case = assigned_case()
    notifications = count(Notification)

    response = review(case, kind="reviewed")

    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert (event["action"], event["note"], event["public"]) == ("review", "", False)
    assert timeline(case)[-1] == event
    assert count(Notification) == notifications
    assert fetch(case)["version"] == case["version"]


def test_a_sign_off_may_carry_a_note(review, assigned_case):
    event = review(assigned_case(), kind="reviewed", note="处理得当").get_json()

    assert (event["action"], event["note"]) == ("review", "处理得当")


@pytest.mark.parametrize("who", ["reviewer_a", "officer_street", "admin"])
def test_reviewers_officers_and_admins_may_review_in_their_scope(
    who, review, resolved_to_street, world
):
    case = resolved_to_street()

    response = review(case, user=getattr(world, who), note="督办")

    assert response.status_code == 201, response.get_json()


@pytest.fixture
def resolved_to_street(assigned_case, drive, world):
    """A case climbed to street level (so the street officer sees it too)."""

    def build():
        case = assigned_case()
        for _ in range(2):
            case = drive(case, world.provider_staff, "accept")
            case = drive(case, world.provider_staff, "resolve", note="处理完毕")
            case = drive(case, world.dispatcher_a, "reopen")
        assert case["escalation_level"] == "street"
        return case

    return build


@pytest.mark.parametrize("who", ["resident_a", "provider_staff", "dispatcher_a", "grid_worker_a1"])
@pytest.mark.parametrize("kind", ["note", "reviewed"])
def test_other_roles_may_not_review_and_nothing_is_written(who, kind, review, assigned_case, world):
    case = assigned_case()
    before = snapshot()

    response = review(case, kind=kind, user=getattr(world, who), note="我来督办")

    assert_problem(response, 403)
    assert snapshot() == before


@pytest.mark.parametrize(("who", "org"), [("reviewer_a", "grid_b1"), ("officer_street", "grid_a1")])
def test_a_case_outside_the_reviewers_scope_is_not_found(who, org, review, new_case, world):
    case = new_case(
        reporter=world.resident_b if org == "grid_b1" else None, org_id=getattr(world, org).id
    )
    before = snapshot()

    response = review(case, user=getattr(world, who), note="督办")

    assert_problem(response, 404)
    assert snapshot() == before


def test_reviewing_a_case_that_does_not_exist_is_not_found(client, auth, world):
    response = client.post(
        f"{API}/cases/{uuid.uuid4()}/reviews",
        json={"kind": "reviewed"},
        headers=auth(world.reviewer_a),
    )

    assert_problem(response, 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "kind"),
        ({"kind": "praise"}, "kind"),
        ({"kind": None}, "kind"),
        ({"kind": "note"}, "note"),
        ({"kind": "note", "note": "   "}, "note"),
        ({"kind": "note", "note": "长" * 2001}, "note"),
        ({"kind": "note", "note": 5}, "note"),
        ({"kind": "note", "note": "督办", "public": "yes"}, "public"),
        ({"kind": "reviewed", "public": True}, "public"),
        ({"kind": "reviewed", "stars": 5}, "stars"),
    ],
)
def test_a_bad_review_body_is_refused_naming_the_field_and_nothing_is_written(
    body, field, client, auth, world, assigned_case
):
    case = assigned_case()
    before = snapshot()

    response = client.post(
        f"{API}/cases/{case['id']}/reviews", json=body, headers=auth(world.reviewer_a)
    )

    assert_problem(response, 422, field)
    assert snapshot() == before


def test_a_replayed_note_is_written_once(review, assigned_case, world):
    case = assigned_case()
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = review(case, note="请尽快联系", headers=key)
    again = review(case, note="请尽快联系", headers=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert len(events_of(case, "supervision_note")) == 1
    assert len(inbox_of(world.dispatcher_a, SUPERVISION)) == 1


def test_a_note_whose_notifications_fail_leaves_no_event(review, assigned_case, monkeypatch):
    case = assigned_case()
    before = snapshot()

    def broken(*_args, **_kwargs):
        raise RuntimeError("inbox unavailable")

    monkeypatch.setattr("linli.feedback.review.notify", broken)
    response = review(case, note="请尽快联系")

    assert_problem(response, 500)
    assert snapshot() == before


# --- sending a rejected need back --------------------------------------------------------


@pytest.fixture
def rejected(new_case, drive, world):
    def build():
        return drive(new_case(), world.dispatcher_a, "reject", reason="重复上报")

    return build


def test_a_reviewer_sends_a_rejected_need_back_to_triage(rejected, drive, world, timeline):
    case = rejected()
    old = case_row(case)
    old_due = old.accept_due_at

    sent_back = drive(case, world.reviewer_a, "reopen", note="居民确有需要，请重新研判")

    assert (sent_back["state"], sent_back["version"], sent_back["cycle"]) == (
        "submitted",
        case["version"] + 1,
        2,
    )
    assert sent_back["escalation_level"] == case["escalation_level"]
    assert sent_back["provider_id"] is None
    assert at(sent_back["accept_due_at"]) > old_due
    actions = [(e["action"], e["note"]) for e in timeline(case)]
    assert ("reject", "重复上报") in actions
    assert actions[-2:] == [("reopen", "居民确有需要，请重新研判"), ("route", "")]
    settle()
    assert count(Escalation, Escalation.case_id == uuid.UUID(case["id"])) == 0


def test_a_need_sent_back_can_be_assigned_again(rejected, drive, world):
    case = drive(rejected(), world.reviewer_a, "reopen")

    assigned = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)

    assert (assigned["state"], assigned["provider_id"]) == ("assigned", world.provider.id)


def test_a_need_sent_back_leaves_the_review_queue(rejected, drive, world, client, auth):
    case = rejected()

    drive(case, world.reviewer_a, "reopen")

    queue = client.get(f"{API}/reviews", headers=auth(world.reviewer_a)).get_json()
    assert queue["items"] == []


@pytest.mark.parametrize("who", ["dispatcher_a", "grid_worker_a1", "resident_a"])
def test_only_the_branch_officers_and_admins_send_a_rejection_back(
    who, rejected, act, world, fetch
):
    case = rejected()

    response = act(getattr(world, who), case, "reopen")

    assert_problem(response, 403)
    assert fetch(case)["version"] == case["version"]
    settle()
    assert [
        e.action
        for e in db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == uuid.UUID(case["id"]))
            .order_by(CaseEvent.id)
        )
    ][-1] == "reject"


def test_reviewers_are_offered_the_send_back_on_a_rejected_case(rejected, fetch, world):
    case = rejected()

    assert fetch(case, as_=world.reviewer_a)["allowed_actions"] == ["reopen"]
    assert fetch(case, as_=world.dispatcher_a)["allowed_actions"] == []
