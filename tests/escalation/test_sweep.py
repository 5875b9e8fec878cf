"""The escalation sweep: overdue cases climb grid → community → street → district → city.

Every sweep is called with `now` (the service function or `linli escalation sweep --now`).
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from linli.escalation.models import Escalation
from linli.extensions import db
from linli.notifications.models import NotificationKind
from tests.support import API, CASES, assert_problem, at, case_row, count, events_of, inbox_of

MINUTE = timedelta(minutes=1)


def accept_late(case: dict):
    """A minute after the case's accept clock ran out."""
    return at(case["accept_due_at"]) + MINUTE


def escalations_of(case: dict) -> list[Escalation]:
    return list(
        db.session.scalars(
            select(Escalation)
            .where(Escalation.case_id == case_row(case).id)
            .order_by(Escalation.id)
        )
    )


def climb(case: dict, sweep, times: int):
    """Sweep each time the case's (new) accept clock has just run out; returns the last now."""
    now = None
    for _ in range(times):
        row = case_row(case)
        now = row.accept_due_at + MINUTE
        assert sweep(now).escalated == 1
    return now


def test_a_case_not_accepted_in_time_climbs_one_level(new_case, sweep, world):
    case = new_case()
    now = accept_late(case)

    result = sweep(now)

    assert (result.scanned, result.escalated) == (1, 1)
    assert result.seconds >= 0
    row = case_row(case)
    assert (row.escalation_level.value, row.version, row.state.value) == (
        "community",
        2,
        "submitted",
    )
    assert row.accept_due_at == now + timedelta(hours=24)  # the new level's fresh clock
    assert row.resolve_due_at == at(case["resolve_due_at"])
    [event] = events_of(case, "escalate")
    assert event.data == {"reason": "accept_overdue", "from_level": "grid", "to_level": "community"}
    assert (event.actor_id, event.public, event.at) == (None, True, now)
    [escalation] = escalations_of(case)
    assert (
        escalation.cycle,
        escalation.from_level.value,
        escalation.to_level.value,
        escalation.reason,
    ) == (1, "grid", "community", "accept_overdue")


def test_a_case_is_not_late_a_moment_before_its_clock_runs_out(new_case, sweep):
    case = new_case()
    assert sweep(at(case["accept_due_at"]) - MINUTE).scanned == 0
    assert case_row(case).escalation_level.value == "grid"


def test_sweeping_twice_at_the_same_moment_escalates_once(new_case, sweep):
    cases = [new_case() for _ in range(3)]
    now = max(accept_late(c) for c in cases)

    first, second = sweep(now), sweep(now)

    assert (first.scanned, first.escalated) == (3, 3)
    assert (second.scanned, second.escalated) == (0, 0)
    assert count(Escalation) == 3
    assert [case_row(c).version for c in cases] == [2, 2, 2]


def test_a_case_climbs_again_when_the_new_levels_clock_runs_out(new_case, sweep):
    case = new_case()
    first = accept_late(case)
    sweep(first)

    assert sweep(first + timedelta(hours=23)).escalated == 0
    assert sweep(first + timedelta(hours=24) + MINUTE).escalated == 1

    assert case_row(case).escalation_level.value == "street"
    assert [(e.from_level.value, e.to_level.value) for e in escalations_of(case)] == [
        ("grid", "community"),
        ("community", "street"),
    ]


def test_the_climb_stops_at_the_city(new_case, sweep):
    case = new_case()
    climb(case, sweep, 4)
    assert case_row(case).escalation_level.value == "city"

    later = case_row(case).accept_due_at + timedelta(days=30)
    assert (sweep(later).scanned, sweep(later).escalated) == (0, 0)
    assert [e.to_level.value for e in escalations_of(case)] == [
        "community",
        "street",
        "district",
        "city",
    ]


def test_a_case_reported_to_a_community_starts_at_the_community(new_case, sweep, world):
    case = new_case(org_id=world.community_a.id)
    assert case["escalation_level"] == "community"
    sweep(accept_late(case))
    assert case_row(case).escalation_level.value == "street"


def test_an_accepted_case_climbs_when_its_resolve_clock_runs_out(new_case, drive, world, sweep):
    case = drive(new_case(), world.dispatcher_a, "assign", provider_id=world.provider.id)
    case = drive(case, world.provider_staff, "accept")
    now = at(case["resolve_due_at"]) + MINUTE

    assert sweep(now).escalated == 1

    row = case_row(case)
    assert (row.escalation_level.value, row.state.value) == ("community", "in_progress")
    assert row.resolve_due_at == now + timedelta(days=7)
    assert events_of(case, "escalate")[0].data["reason"] == "resolve_overdue"


def test_an_urgent_accept_breach_also_moves_a_resolve_clock_that_would_come_first(new_case, sweep):
    case = new_case(priority="urgent")  # 2 h to accept, 24 h to resolve
    now = at(case["created_at"]) + timedelta(hours=23)

    sweep(now)

    row = case_row(case)
    assert row.accept_due_at == now + timedelta(hours=2)
    assert row.resolve_due_at == now + timedelta(hours=24)


@pytest.mark.parametrize("state", ["assigned", "returned"])
def test_cases_waiting_for_a_provider_are_on_the_accept_clock(
    assigned_case, drive, world, sweep, state
):
    case = assigned_case()
    if state == "returned":
        case = drive(case, world.provider_staff, "return", reason="不归我们管")
    assert sweep(accept_late(case)).escalated == 1


def test_a_large_sweep_works_in_batches_and_escalates_each_case_once(new_case, sweep):
    cases = [new_case() for _ in range(7)]
    result = sweep(max(accept_late(c) for c in cases), batch_size=2)
    assert (result.scanned, result.escalated) == (7, 7)
    assert count(Escalation) == 7


def test_a_client_holding_the_old_version_is_told_the_case_moved(new_case, act, sweep, world):
    case = new_case()
    sweep(accept_late(case))

    response = act(world.dispatcher_a, case, "assign", provider_id=world.provider.id)

    body = assert_problem(response, 409)
    assert body["case"]["version"] == case["version"] + 1
    assert body["case"]["escalation_level"] == "community"


def test_a_bounce_escalation_in_this_cycle_is_not_repeated_by_the_sweep(
    new_case, drive, world, sweep
):
    case = new_case()
    for _ in range(3):
        case = drive(case, world.dispatcher_a, "assign", provider_id=world.provider.id)
        case = drive(case, world.provider_staff, "return", reason="不归我们管")
        case = drive(case, world.dispatcher_a, "accept_return")
    assert case["escalation_level"] == "community"

    sweep(accept_late(case))

    # the sweep climbs from where the case is now, one level, never to a level it reached
    assert [e.to_level.value for e in escalations_of(case)] == ["community", "street"]


# --- who hears, who sees -------------------------------------------------------------------------


def test_each_climb_tells_the_new_levels_officers_and_the_communitys_reviewers(
    new_case, sweep, world
):
    case = new_case()

    climb(case, sweep, 1)  # community: no officer sits at the community
    assert inbox_of(world.officer_street, NotificationKind.ESCALATED) == []
    climb(case, sweep, 1)  # street
    [street_note] = inbox_of(world.officer_street, NotificationKind.ESCALATED, case)
    assert (street_note.data["level"], street_note.data["reason"]) == ("street", "accept_overdue")
    assert inbox_of(world.officer_district, NotificationKind.ESCALATED) == []
    climb(case, sweep, 1)  # district
    [district_note] = inbox_of(world.officer_district, NotificationKind.ESCALATED, case)
    assert district_note.data["level"] == "district"
    assert len(inbox_of(world.officer_street, NotificationKind.ESCALATED)) == 1

    assert [n.data["level"] for n in inbox_of(world.reviewer_a, NotificationKind.ESCALATED)] == [
        "community",
        "street",
        "district",
    ]
    assert inbox_of(world.dispatcher_b, NotificationKind.ESCALATED) == []


@pytest.mark.parametrize("officer, climbs", [("officer_street", 2), ("officer_district", 3)])
def test_an_officer_sees_the_case_once_it_reaches_their_level(
    client, auth, new_case, sweep, world, officer, climbs
):
    case = new_case()
    who = getattr(world, officer)

    def listed():
        return [c["id"] for c in client.get(CASES, headers=auth(who)).get_json()["items"]]

    climb(case, sweep, climbs - 1)
    assert listed() == []
    assert_problem(client.get(f"{CASES}/{case['id']}", headers=auth(who)), 404)
    inbox = client.get(f"{API}/notifications", headers=auth(who)).get_json()
    assert inbox["items"] == []

    climb(case, sweep, 1)

    assert listed() == [case["id"]]
    seen = client.get(f"{CASES}/{case['id']}", headers=auth(who))
    assert seen.status_code == 200
    assert seen.get_json()["escalation_level"] == ("street" if climbs == 2 else "district")
    inbox = client.get(f"{API}/notifications", headers=auth(who)).get_json()
    assert [(n["kind"], n["case_id"]) for n in inbox["items"]] == [("escalated", case["id"])]
    assert inbox["unread_count"] == 1


def test_an_officer_of_another_subtree_never_sees_the_case(client, auth, new_case, sweep, world):
    from linli.accounts.models import Role
    from linli.orgs.models import OrgKind
    from linli.orgs.service import create_org
    from tests.factories import make_user

    other_street = create_org(
        kind=OrgKind.STREET, code="t-s2", name="别的街道", parent=world.district
    )
    stranger = make_user("officer_s2", Role.OFFICER, other_street)
    case = new_case()
    climb(case, sweep, 2)

    assert client.get(CASES, headers=auth(stranger)).get_json()["items"] == []
    assert inbox_of(stranger) == []


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["escalation", "sweep", *args])


def test_the_sweep_command_escalates_what_is_late_at_the_given_moment(cli, new_case):
    case = new_case()
    now = accept_late(case).isoformat()

    first, second = cli("--now", now), cli("--now", now)

    assert first.exit_code == 0, first.output
    assert first.output.startswith("scanned 1, escalated 1, ")
    assert "assessment facts of 1 cases refreshed; " in first.output
    # The escalation notices go out: the reporter's by SMS; the reviewer's, which no channel
    # reaches, was written needing no delivery.
    assert first.output.rstrip().endswith(
        "notifications sent 1, retrying 0, failed 0, no channel 0"
    )
    assert second.output.startswith("scanned 0, escalated 0, ")
    assert "assessment facts of 0 cases refreshed; notifications sent 0, " in second.output
    assert case_row(case).escalation_level.value == "community"


def test_the_sweep_command_reads_a_time_without_a_zone_as_utc(cli, new_case):
    case = new_case()
    naive = accept_late(case).replace(tzinfo=None).isoformat()
    assert cli("--now", naive).output.startswith("scanned 1, escalated 1")


def test_the_sweep_command_without_now_uses_the_clock(cli, new_case):
    new_case()
    result = cli()
    assert result.exit_code == 0, result.output
    assert result.output.startswith("scanned 0, escalated 0")


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00", ""])
def test_the_sweep_command_refuses_a_bad_time(cli, new_case, value):
    case = new_case()
    result = cli("--now", value)
    assert result.exit_code == 2
    assert "ISO 8601" in result.output
    assert case_row(case).version == 1
