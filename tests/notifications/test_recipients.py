"""Who hears about what: one row per event kind, naming exactly the users told."""

import uuid

import pytest
from sqlalchemy import select, update

from linli.accounts.models import User
from linli.escalation.service import escalate_case
from linli.extensions import db
from linli.notifications.models import DeliveryState, Notification, NotificationKind
from tests.support import CASES, case_row, later

K = NotificationKind


def told(case: dict, kind: NotificationKind) -> set[str]:
    """Usernames that got `kind` about this case."""
    return set(
        db.session.scalars(
            select(User.username)
            .join(Notification, Notification.user_id == User.id)
            .where(Notification.case_id == uuid.UUID(case["id"]), Notification.kind == kind)
        )
    )


@pytest.fixture
def happen(new_case, drive, world, client, auth):
    """happen(event) → a case on which that event has just happened."""

    def assigned():
        return drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)

    def run(event):
        if event == "assigned":
            return assigned()
        if event == "co_task":
            return drive(
                new_case(),
                world.dispatcher_a,
                "coordinate",
                lead_provider_id=world.provider.id,
                co_providers=[{"provider_id": world.other_provider.id, "due_at": later()}],
            )
        if event == "returned":
            return drive(assigned(), world.provider_staff, "return", reason="不归我们管")
        if event == "co_task_returned":
            case = run("co_task")
            task_id = case["co_tasks"][0]["id"]
            response = client.post(
                f"/api/v1/tasks/{task_id}/actions/return",
                json={"reason": "不在职责内"},
                headers=auth(world.other_provider_staff),
            )
            assert response.status_code == 200, response.get_json()
            return case
        if event == "refused_return":
            return drive(run("returned"), world.dispatcher_a, "refuse_return", reason="请继续")
        if event in ("escalated_community", "escalated_street", "escalated_district"):
            case = new_case()
            row = case_row(case)
            for _ in range({"community": 1, "street": 2, "district": 3}[event.split("_")[1]]):
                escalate_case(row, "accept_overdue", now=row.created_at)
            db.session.commit()
            return case
        if event == "accepted":
            return drive(assigned(), world.provider_staff, "accept")
        if event == "resolved":
            return drive(run("accepted"), world.provider_staff, "resolve", note="已处理")
        if event.startswith("withdrawn_"):
            case = assigned() if event.endswith("_assigned") else new_case()
            return drive(case, world.resident_a, "withdraw")
        if event.startswith("info_added_"):
            case = assigned() if event.endswith("_assigned") else new_case()
            response = client.post(
                f"{CASES}/{case['id']}/info",
                json={"note": "楼道灯也坏了"},
                headers=auth(world.resident_a),
            )
            assert response.status_code in (200, 201), response.get_json()
            return case
        if event == "review_requested":
            return drive(new_case(), world.dispatcher_a, "reject", reason="重复上报")
        raise AssertionError(event)

    return run


@pytest.mark.parametrize(
    "event, kind, expected",
    [
        ("assigned", K.ASSIGNED, {"staff"}),
        ("co_task", K.CO_TASK, {"staff_b"}),
        ("co_task", K.ASSIGNED, {"staff"}),  # the lead unit is assigned as well
        ("returned", K.RETURNED, {"dispatcher_a"}),
        ("co_task_returned", K.RETURNED, {"dispatcher_a"}),
        ("refused_return", K.ASSIGNED, {"staff"}),
        ("escalated_community", K.ESCALATED, {"reviewer_a", "resident_a"}),
        ("escalated_street", K.ESCALATED, {"officer_s", "reviewer_a", "resident_a"}),
        (
            "escalated_district",
            K.ESCALATED,
            {"officer_s", "officer_d", "reviewer_a", "resident_a"},
        ),
        ("accepted", K.ACCEPTED, {"resident_a"}),
        ("resolved", K.RESOLVED, {"resident_a"}),
        ("withdrawn_unassigned", K.WITHDRAWN, {"dispatcher_a"}),
        ("withdrawn_assigned", K.WITHDRAWN, {"staff"}),
        ("info_added_unassigned", K.INFO_ADDED, {"dispatcher_a"}),
        ("info_added_assigned", K.INFO_ADDED, {"staff"}),
        ("review_requested", K.REVIEW_REQUESTED, {"reviewer_a"}),
    ],
)
@pytest.mark.usefixtures("other_provider_serves_a")
def test_each_event_tells_exactly_the_people_concerned(happen, event, kind, expected):
    case = happen(event)
    assert told(case, kind) == expected


@pytest.mark.parametrize(
    "event, kind, count",
    [
        ("refused_return", K.ASSIGNED, 2),  # the assignment, then the refusal
        # reviewer ×3, street officer, district officer, the reporter ×3
        ("escalated_district", K.ESCALATED, 8),
    ],
)
def test_each_event_is_one_notification_per_person(happen, event, kind, count):
    case = happen(event)
    rows = db.session.scalars(
        select(Notification).where(
            Notification.case_id == uuid.UUID(case["id"]), Notification.kind == kind
        )
    ).all()
    assert len(rows) == count


def test_a_notification_carries_what_its_text_needs(happen):
    case = happen("returned")
    [note] = db.session.scalars(
        select(Notification).where(
            Notification.case_id == uuid.UUID(case["id"]), Notification.kind == K.RETURNED
        )
    ).all()
    assert note.data == {
        "reference": case["reference"],
        "title": case["title"],
        "reason": "不归我们管",
    }
    # Unread; a dispatcher with no push subscription has nothing to be delivered.
    assert (note.read_at, note.delivery_state) == (None, DeliveryState.NOT_REQUIRED)


@pytest.mark.usefixtures("other_provider_serves_a")
def test_reassigning_to_the_same_provider_does_not_tell_its_staff_again(happen, drive, world):
    case = happen("assigned")
    again = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    assert (
        len(
            db.session.scalars(
                select(Notification).where(
                    Notification.case_id == uuid.UUID(again["id"]), Notification.kind == K.ASSIGNED
                )
            ).all()
        )
        == 1
    )
    moved = drive(again, world.dispatcher_a, "assign", provider_id=world.other_provider.id)
    assert told(moved, K.ASSIGNED) == {"staff", "staff_b"}


def test_a_returned_case_in_community_b_tells_community_bs_dispatchers(new_case, drive, world):
    case = new_case(reporter=world.resident_b, org_id=world.grid_b1.id)
    case = drive(case, world.dispatcher_b, "assign", provider_id=world.other_provider.id)
    case = drive(case, world.other_provider_staff, "return", reason="不归我们管")
    assert told(case, K.RETURNED) == {"dispatcher_b"}


def test_a_deactivated_account_is_not_told(happen, world):
    db.session.execute(update(User).where(User.id == world.provider_staff.id).values(active=False))
    db.session.commit()
    assert told(happen("assigned"), K.ASSIGNED) == set()


def test_a_need_reported_without_a_resident_account_tells_nobody_when_resolved(
    client, auth, drive, world
):
    response = client.post(
        CASES,
        json={
            "category": "elderly_care",
            "title": "助浴",
            "description": "电话反映",
            "org_id": world.grid_a1.id,
            "on_behalf_of": {"name": "王阿姨", "phone": "13900001111"},
        },
        headers=auth(world.grid_worker_a1),
    )
    case = response.get_json()
    case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(
        drive(case, world.provider_staff, "accept"), world.provider_staff, "resolve", note="已处理"
    )
    assert told(case, K.RESOLVED) == set()


def test_a_residents_reopen_tells_the_community_reviewers_of_the_climb(happen, drive, world):
    case = drive(happen("resolved"), world.resident_a, "reopen", note="还是不行")
    assert told(case, K.ESCALATED) == {"reviewer_a", "resident_a"}  # the reporter hears too
    notes = db.session.scalars(
        select(Notification).where(
            Notification.case_id == uuid.UUID(case["id"]), Notification.kind == K.ESCALATED
        )
    ).all()
    assert {(n.data["level"], n.data["reason"]) for n in notes} == {
        ("community", "resident_not_satisfied")
    }
