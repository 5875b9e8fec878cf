"""Client apps' keys: issued by an admin (API) or the operator (CLI), audited, revocable."""

import pytest
from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.audit.models import AuditRecord
from linli.extensions import db
from linli.open311.keys import digest
from linli.open311.models import Open311Key
from tests.open311.conftest import V2
from tests.support import API, assert_problem

KEYS = f"{API}/open311-keys"


def test_an_admin_issues_a_key_shown_once_stored_as_a_digest_and_audited(client, auth, world):
    response = client.post(
        KEYS,
        headers=auth(world.admin),
        json={
            "name": "街道App",
            "community_id": world.community_b.id,
            "rate_limit": "5 per minute",
        },
    )

    assert response.status_code == 201, response.get_json()
    issued = response.get_json()
    key = issued["api_key"]
    row = db.session.get(Open311Key, issued["id"])
    assert row.key_digest == digest(key) != key
    assert (row.community_id, row.rate_limit, row.issued_by_id) == (
        world.community_b.id,
        "5 per minute",
        world.admin.id,
    )
    assert row.account.active is False  # the app's account never signs in
    listed = client.get(KEYS, headers=auth(world.admin)).get_json()
    assert [k["name"] for k in listed] == ["街道App"] and "api_key" not in listed[0]
    records = list(
        db.session.scalars(select(AuditRecord).where(AuditRecord.object_type == "open311_key"))
    )
    assert [r.changes["name"] for r in records] == [[None, "街道App"]]
    every_record = " ".join(str(r.changes) for r in db.session.scalars(select(AuditRecord)))
    assert key not in every_record and row.key_digest not in every_record


def test_a_revoked_key_is_refused_and_the_revocation_audited(client, auth, world):
    issued = client.post(
        KEYS,
        headers=auth(world.admin),
        json={"name": "旧App", "community_id": world.community_a.id},
    ).get_json()

    response = client.delete(f"{KEYS}/{issued['id']}", headers=auth(world.admin))

    assert response.status_code == 200 and response.get_json()["revoked_at"]
    form = {"api_key": issued["api_key"], "service_code": "other", "address_string": "x"}
    assert client.post(f"{V2}/requests.json", data=form).status_code == 403
    [revoked] = db.session.scalars(
        select(AuditRecord).where(
            AuditRecord.action == "update", AuditRecord.object_type == "open311_key"
        )
    )
    assert revoked.changes == {"revoked": [False, True]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x"}, "community_id"),
        ({"name": "x", "community_id": 999999}, "community_id"),
        ({"name": "x", "community_id": "grid"}, "community_id"),
        ({"name": "x", "community_id": "ok", "rate_limit": "lots"}, "rate_limit"),
    ],
)
def test_a_bad_key_request_is_a_problem(client, auth, world, body, field):
    if body.get("community_id") == "grid":
        body["community_id"] = world.grid_a1.id
    if body.get("community_id") == "ok":
        body["community_id"] = world.community_a.id

    assert_problem(client.post(KEYS, headers=auth(world.admin), json=body), 422, field)


def test_only_admins_handle_keys_and_a_scoped_admin_only_their_area(client, auth, world):
    assert client.get(KEYS, headers=auth(world.dispatcher_a)).status_code == 403
    theirs = client.post(
        KEYS,
        headers=auth(world.admin),
        json={"name": "乙App", "community_id": world.community_b.id},
    ).get_json()
    area_admin = User(
        username="admin_a",
        display_name="甲管理员",
        password_hash="!",
        role=Role.ADMIN,
        org_id=world.community_a.id,
    )
    db.session.add(area_admin)
    db.session.commit()

    refused = client.post(
        KEYS, headers=auth(area_admin), json={"name": "越界", "community_id": world.community_b.id}
    )
    assert_problem(refused, 422, "community_id")
    assert client.get(KEYS, headers=auth(area_admin)).get_json() == []
    assert client.delete(f"{KEYS}/{theirs['id']}", headers=auth(area_admin)).status_code == 404


def test_the_cli_prints_the_key_as_its_last_line_and_it_works(app, client, world):
    result = app.test_cli_runner().invoke(
        args=["open311", "issue-key", "热线App", "--community", "t-ca"]
    )

    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    form = {"api_key": key, "service_code": "other", "address_string": "甲社区"}
    assert client.post(f"{V2}/requests.json", data=form).status_code == 201

    revoked = app.test_cli_runner().invoke(
        args=["open311", "revoke-key", str(db.session.scalar(select(Open311Key.id)))]
    )
    assert revoked.exit_code == 0, revoked.output
    assert client.post(f"{V2}/requests.json", data=form).status_code == 403


def test_the_cli_refuses_an_unknown_community_or_a_taken_name(app, world):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["open311", "issue-key", "A", "--community", "nowhere"])
    runner.invoke(args=["open311", "issue-key", "A", "--community", "t-ca"])
    taken = runner.invoke(args=["open311", "issue-key", "A", "--community", "t-ca"])

    assert unknown.exit_code != 0 and "nowhere" in unknown.output
    assert taken.exit_code != 0 and "exists" in taken.output
