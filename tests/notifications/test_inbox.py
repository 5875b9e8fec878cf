"""The in-app inbox: newest first, keyset pages, an unread count, marking read."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from linli.extensions import db
from linli.notifications.models import Notification, NotificationKind
from linli.notifications.service import notify
from tests.support import API, assert_problem, snapshot

INBOX = f"{API}/notifications"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def inbox(world):
    """Five notifications for resident_a (oldest first) and one for resident_a2; their ids."""
    mine = [
        notify(
            [world.resident_a],
            NotificationKind.RESOLVED,
            now=T0 + timedelta(minutes=n),
            reference=f"LL-2026-00000{n}",
        )[0]
        for n in range(5)
    ]
    theirs = notify([world.resident_a2], NotificationKind.RESOLVED, now=T0)[0]
    db.session.commit()
    return [n.id for n in mine], theirs.id


@pytest.fixture
def get(client, auth, world):
    def fetch(query="", user=None):
        response = client.get(f"{INBOX}{query}", headers=auth(user or world.resident_a))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return fetch


def test_the_inbox_lists_my_notifications_newest_first(get, inbox):
    mine, _ = inbox

    page = get()

    assert [n["id"] for n in page["items"]] == mine[::-1]
    assert (page["next_cursor"], page["unread_count"]) == (None, 5)
    first = page["items"][-1]
    assert {k: first[k] for k in ("kind", "case_id", "data", "read_at", "delivery_state")} == {
        "kind": "resolved",
        "case_id": None,
        "data": {"reference": "LL-2026-000000"},
        "read_at": None,
        "delivery_state": "pending",
    }


def test_the_inbox_pages_with_a_cursor_until_there_is_none(get, inbox):
    mine, _ = inbox
    seen, cursor, pages = [], None, 0
    while True:
        page = get(f"?limit=2{f'&cursor={cursor}' if cursor else ''}")
        pages += 1
        seen += [n["id"] for n in page["items"]]
        assert page["unread_count"] == 5  # the whole inbox, whatever the page
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert (seen, pages) == (mine[::-1], 3)


def test_a_page_that_ends_exactly_at_the_last_item_has_no_next_cursor(get, inbox):
    page = get("?limit=5")
    assert len(page["items"]) == 5
    assert page["next_cursor"] is None


def test_an_empty_inbox(get, world):
    assert get(user=world.admin) == {"items": [], "next_cursor": None, "unread_count": 0}


def test_reading_one_marks_it_and_lowers_the_unread_count(client, auth, world, get, inbox):
    mine, _ = inbox

    response = client.post(f"{INBOX}/{mine[2]}/read", headers=auth(world.resident_a))

    assert response.status_code == 200, response.get_json()
    read_at = response.get_json()["read_at"]
    assert read_at is not None
    assert get()["unread_count"] == 4
    assert [n["id"] for n in get("?unread=true")["items"]] == [mine[4], mine[3], mine[1], mine[0]]
    again = client.post(f"{INBOX}/{mine[2]}/read", headers=auth(world.resident_a))
    assert again.get_json()["read_at"] == read_at  # the first reading counts


def test_read_all_marks_every_unread_one_of_mine_only(client, auth, world, get, inbox):
    mine, theirs = inbox
    client.post(f"{INBOX}/{mine[0]}/read", headers=auth(world.resident_a))

    response = client.post(f"{INBOX}/read-all", headers=auth(world.resident_a))

    assert response.status_code == 200
    assert response.get_json() == {"marked": 4}
    assert get()["unread_count"] == 0
    assert get("?unread=true")["items"] == []
    assert client.post(f"{INBOX}/read-all", headers=auth(world.resident_a)).get_json() == {
        "marked": 0
    }
    assert db.session.get(Notification, theirs).read_at is None


def test_someone_elses_notification_is_a_404_and_stays_unread(client, auth, world, inbox):
    _, theirs = inbox
    before = snapshot()

    response = client.post(f"{INBOX}/{theirs}/read", headers=auth(world.resident_a))

    assert_problem(response, 404)
    assert snapshot() == before
    assert db.session.get(Notification, theirs).read_at is None


@pytest.mark.parametrize("notification_id", ["987654", str(2**31), str(2**63), "9" * 40])
def test_an_unknown_or_huge_notification_id_is_a_404(client, auth, world, inbox, notification_id):
    response = client.post(f"{INBOX}/{notification_id}/read", headers=auth(world.resident_a))
    assert_problem(response, 404)


@pytest.mark.parametrize("path", ["/-1/read", "/abc/read", "/1.5/read"])
def test_a_malformed_notification_id_is_a_404(client, auth, world, path):
    assert_problem(client.post(f"{INBOX}{path}", headers=auth(world.resident_a)), 404)


@pytest.mark.parametrize(
    "query, field",
    [
        ("?limit=0", "limit"),
        ("?limit=201", "limit"),
        ("?limit=two", "limit"),
        ("?cursor=0", "cursor"),
        ("?cursor=abc", "cursor"),
        (f"?cursor={2**63}", "cursor"),
        ("?unread=maybe", "unread"),
    ],
)
def test_bad_inbox_arguments_are_a_422_naming_the_field(client, auth, world, query, field):
    assert_problem(client.get(f"{INBOX}{query}", headers=auth(world.resident_a)), 422, field)


@pytest.mark.parametrize("method, path", [("GET", ""), ("POST", "/1/read"), ("POST", "/read-all")])
def test_the_inbox_needs_a_token(client, method, path):
    assert_problem(client.open(f"{INBOX}{path}", method=method), 401)


def test_a_staff_inbox_fills_from_real_events(client, auth, world, new_case, act):
    case = new_case()
    act(world.dispatcher_a, case, "assign", provider_id=world.provider.id)

    page = client.get(INBOX, headers=auth(world.provider_staff)).get_json()

    assert [(n["kind"], n["case_id"], n["data"]["reference"]) for n in page["items"]] == [
        ("assigned", case["id"], case["reference"])
    ]
    assert (
        db.session.scalars(
            select(Notification).where(Notification.user_id == world.dispatcher_a.id)
        ).all()
        == []
    )
