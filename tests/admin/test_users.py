"""Accounts in the console: search, edit, deactivate (tokens stop at once), reset a password
(a one-time one, replaced at first sign-in), each change audited without secrets."""

import json

from sqlalchemy import select

from linli.audit.models import AuditRecord
from linli.extensions import db
from tests.factories import PASSWORD
from tests.support import API, CASES, assert_problem


def _login(client, username, password=PASSWORD):
    response = client.post(f"{API}/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _bearer(session):
    return {"Authorization": f"Bearer {session['access_token']}"}


def test_deactivation_stops_the_accounts_tokens_at_once(client, auth, world):
    session = _login(client, "dispatcher_a")
    admin = auth(world.admin)
    assert client.get(CASES, headers=_bearer(session)).status_code == 200

    off = client.patch(
        f"{API}/users/{world.dispatcher_a.id}", headers=admin, json={"active": False}
    )
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert_problem(client.get(CASES, headers=_bearer(session)), 401)
    refresh = {"Authorization": f"Bearer {session['refresh_token']}"}
    assert_problem(client.post(f"{API}/auth/refresh", headers=refresh), 401)
    assert_problem(
        client.post(f"{API}/auth/login", json={"username": "dispatcher_a", "password": PASSWORD}),
        401,
    )

    on = client.patch(f"{API}/users/{world.dispatcher_a.id}", headers=admin, json={"active": True})
    assert on.status_code == 200
    # Reactivation revives no old token; a new sign-in works.
    assert_problem(client.get(CASES, headers=_bearer(session)), 401)
    assert client.get(CASES, headers=_bearer(_login(client, "dispatcher_a"))).status_code == 200


def test_a_reset_password_is_shown_once_and_replaced_at_first_sign_in(client, auth, world):
    old_session = _login(client, "dispatcher_a")
    reset = client.post(
        f"{API}/users/{world.dispatcher_a.id}/password-reset", headers=auth(world.admin)
    )
    assert reset.status_code == 201, reset.get_json()
    one_time = reset.get_json()["one_time_password"]
    assert len(one_time) == 12

    assert_problem(client.get(CASES, headers=_bearer(old_session)), 401)
    assert_problem(
        client.post(f"{API}/auth/login", json={"username": "dispatcher_a", "password": PASSWORD}),
        401,
    )
    session = _login(client, "dispatcher_a", one_time)
    assert session["user"]["must_change_password"] is True
    refused = assert_problem(client.get(CASES, headers=_bearer(session)), 403)
    assert refused["type"].endswith("password-change-required")
    assert client.get(f"{API}/me", headers=_bearer(session)).status_code == 200

    wrong = client.post(
        f"{API}/me/password",
        headers=_bearer(session),
        json={"current_password": "nope", "new_password": "my-own-long-password"},
    )
    assert_problem(wrong, 422, "current_password")
    changed = client.post(
        f"{API}/me/password",
        headers=_bearer(session),
        json={"current_password": one_time, "new_password": "my-own-long-password"},
    )
    assert changed.status_code == 200, changed.get_json()
    assert_problem(client.get(CASES, headers=_bearer(session)), 401)  # that session ended
    assert client.get(CASES, headers=_bearer(changed.get_json())).status_code == 200
    assert (
        _login(client, "dispatcher_a", "my-own-long-password")["user"]["must_change_password"]
        is False
    )

    records = list(
        db.session.scalars(
            select(AuditRecord).where(AuditRecord.object_id == str(world.dispatcher_a.id))
        )
    )
    assert [r.changes["must_change_password"] for r in records] == [[False, True], [True, False]]
    written = json.dumps([r.changes for r in records])
    assert one_time not in written and "my-own-long-password" not in written
    assert "hash" not in written and "argon" not in written


def test_an_admin_edits_an_account(client, auth, world):
    admin = auth(world.admin)
    url = f"{API}/users/{world.dispatcher_a.id}"

    assert_problem(client.patch(url, headers=admin, json={"phone": "12345"}), 422, "phone")
    assert_problem(
        client.patch(url, headers=admin, json={"phone": world.resident_a.phone}), 409, "phone"
    )
    assert_problem(client.patch(url, headers=admin, json={}), 422)
    assert_problem(
        client.patch(url, headers=admin, json={"role": "provider_staff"}), 422, "provider_id"
    )
    edited = client.patch(
        url,
        headers=admin,
        json={
            "phone": "+86 139-1234-5678",
            "display_name": "甲社区调度",
            "org_id": world.community_b.id,
        },
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json() | {"id": 0} == {
        "id": 0,
        "username": "dispatcher_a",
        "display_name": "甲社区调度",
        "role": "dispatcher",
        "org_id": world.community_b.id,
        "provider_id": None,
        "phone": "13912345678",
        "active": True,
        "must_change_password": False,
    }
    record = db.session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc())).first()
    assert record.changes["phone"] == [None, "139****5678"]
    assert record.org_id == world.community_b.id


def test_an_admin_does_not_lock_themselves_out(client, auth, world):
    url = f"{API}/users/{world.admin.id}"
    headers = auth(world.admin)

    assert_problem(client.patch(url, headers=headers, json={"active": False}), 422, "active")
    assert_problem(client.patch(url, headers=headers, json={"role": "officer"}), 422, "role")
    assert_problem(client.post(f"{url}/password-reset", headers=headers), 422)
    assert client.patch(url, headers=headers, json={"display_name": "管理员"}).status_code == 200


def test_accounts_are_searched_and_paged(client, auth, world):
    headers = auth(world.admin)

    def names(query):
        body = client.get(f"{API}/users?{query}", headers=headers).get_json()
        return [u["username"] for u in body["items"]], body["next_cursor"]

    assert names("q=13900000003")[0] == ["resident_b"]
    assert names("q=+86 139 0000 0003")[0] == ["resident_b"]
    assert names("q=DISPATCHER_")[0] == ["dispatcher_b", "dispatcher_a"]
    assert set(names("role=officer")[0]) == {"officer_s", "officer_d"}
    assert set(names(f"org_id={world.grid_a1.id}")[0]) == {"resident_a", "resident_a2", "grid_a1"}
    first, cursor = names("limit=3")
    second, _ = names(f"limit=3&cursor={cursor}")
    assert len(first) == 3 and len(second) == 3 and not set(first) & set(second)
    assert_problem(client.get(f"{API}/users?role=king", headers=headers), 422, "role")
