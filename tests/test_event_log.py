"""The event log has an owner: one writer, a closed list of kinds, append-only rows; and
administrative changes leave an audit record (issue 7, "The event log gets an owner")."""

import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import DBAPIError, IntegrityError

from linli.audit.models import AuditRecord
from linli.cases.lifecycle import Action
from linli.cases.models import EventKind
from linli.extensions import db
from linli.routing.tasks import TaskAction
from tests.support import (
    API,
    ONE_CASE_ID,
    assert_problem,
    insert_one_case,
    migrated_app,
    own_apps,
    upgraded_to,
)

BACKEND = Path(__file__).resolve().parents[1] / "backend" / "linli"


def test_every_action_the_code_takes_is_an_event_kind():
    kinds = {k.value for k in EventKind}

    assert {a.value for a in Action} <= kinds
    assert {f"co_task_{a.value}" for a in TaskAction} <= kinds


def test_events_are_written_in_one_place_only():
    writers = [
        path.relative_to(BACKEND).as_posix()
        for path in BACKEND.rglob("*.py")
        if re.search(r"(?<!class )\bCaseEvent\(", path.read_text())
    ]

    assert writers == ["cases/events.py"]


def test_the_database_refuses_an_unknown_event_kind(world, new_case):
    case = new_case()

    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.text(
                "INSERT INTO case_events (case_id, at, action, note, public, data) "
                "SELECT id, created_at, 'made_up', '', true, '{}' FROM cases WHERE id = :id"
            ),
            {"id": uuid.UUID(case["id"]).hex if db.engine.dialect.name == "sqlite" else case["id"]},
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE case_events SET note = 'rewritten'",
        "DELETE FROM case_events",
        "UPDATE audit_records SET object_id = 'x'",
        "DELETE FROM audit_records",
    ],
)
def test_the_logs_are_append_only_on_postgresql(world, new_case, client, auth, statement):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite has no roles to keep it)")
    new_case()
    client.patch(
        f"{API}/providers/{world.provider.id}", json={"capacity": 70}, headers=auth(world.admin)
    )

    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(sa.text(statement))


# --- audit ---------------------------------------------------------------------------------


def test_administrative_changes_are_audited_with_before_and_after(client, auth, world):
    patched = client.patch(
        f"{API}/providers/{world.provider.id}",
        headers=auth(world.admin),
        json={"capacity": 70, "coverage": [world.community_a.id]},
    )
    client.put(
        f"{API}/sla-policies",
        headers=auth(world.admin),
        json={"priority": "urgent", "accept_within_minutes": 60, "resolve_within_minutes": 600},
    )
    client.patch(f"{API}/categories/childcare", headers=auth(world.admin), json={"active": False})
    client.patch(
        f"{API}/providers/{world.provider.id}", headers=auth(world.admin), json={"capacity": 70}
    )  # no change: no record

    assert patched.status_code == 200
    log = client.get(f"{API}/audit", headers=auth(world.admin)).get_json()["items"]
    assert [(r["object_type"], r["action"]) for r in log] == [
        ("category", "update"),
        ("sla_policy", "create"),
        ("provider", "update"),
    ]
    provider = log[2]
    assert provider["object_id"] == str(world.provider.id)
    assert provider["actor"]["id"] == world.admin.id
    assert provider["changes"] == {
        "capacity": [50, 70],
        "coverage": [[world.street.id], [world.community_a.id]],
    }
    assert log[0]["changes"] == {"active": [True, False]}
    one = client.get(
        f"{API}/audit?object_type=provider&object_id={world.provider.id}", headers=auth(world.admin)
    ).get_json()["items"]
    assert [r["id"] for r in one] == [provider["id"]]


def test_a_new_account_is_audited_without_its_password_or_full_phone(client, auth, world):
    created = client.post(
        f"{API}/users",
        headers=auth(world.admin),
        json={
            "username": "dispatcher_new",
            "password": "a-long-new-password",
            "display_name": "新调度",
            "role": "dispatcher",
            "org_id": world.community_a.id,
            "phone": "13712345678",
        },
    )

    assert created.status_code == 201, created.get_json()
    [record] = client.get(f"{API}/audit?object_type=user", headers=auth(world.admin)).get_json()[
        "items"
    ]
    text = str(record)
    assert record["changes"]["username"] == [None, "dispatcher_new"]
    assert record["changes"]["phone"] == [None, "137****5678"]
    assert "a-long-new-password" not in text and "13712345678" not in text and "argon" not in text


@pytest.mark.parametrize("role", ["dispatcher_a", "officer_district", "reviewer_a", "resident_a"])
def test_only_admins_read_the_audit_log(client, auth, world, role):
    assert_problem(client.get(f"{API}/audit", headers=auth(getattr(world, role))), 403)


def test_the_audit_log_pages_by_cursor(client, auth, world):
    for capacity in (51, 52, 53):
        client.patch(
            f"{API}/providers/{world.provider.id}",
            headers=auth(world.admin),
            json={"capacity": capacity},
        )

    first = client.get(f"{API}/audit?limit=2", headers=auth(world.admin)).get_json()
    rest = client.get(
        f"{API}/audit?limit=2&cursor={first['next_cursor']}", headers=auth(world.admin)
    ).get_json()

    capacities = [r["changes"]["capacity"][1] for r in first["items"] + rest["items"]]
    assert capacities == [53, 52, 51] and rest["next_cursor"] is None
    assert db.session.query(AuditRecord).count() == 3


# --- the migration, from the previous head with data in it ----------------------------------


@pytest.fixture
def _own_apps():
    with own_apps():
        yield


@pytest.mark.usefixtures("_own_apps")
def test_the_upgrade_keeps_events_and_stops_on_an_unknown_kind(tmp_path):
    def at_previous_head(app, action):
        config = upgraded_to(app, "0002_auth_hardening")
        with app.app_context(), db.engine.begin() as conn:
            insert_one_case(conn)
            conn.execute(
                sa.text(
                    "INSERT INTO case_events (case_id, at, action, note, public, data) VALUES "
                    f"('{ONE_CASE_ID}', '2026-01-01', '{action}', '', 1, '{{}}')"
                )
            )
        return config

    good = migrated_app(tmp_path, "good.sqlite3")
    config = at_previous_head(good, "submit")
    with good.app_context():
        command.upgrade(config, "head")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT action FROM case_events")).scalars().all() == [
                "submit"
            ]
            with pytest.raises(IntegrityError):
                conn.execute(sa.text("UPDATE case_events SET action = 'teleport'"))

    bad = migrated_app(tmp_path, "bad.sqlite3")
    config = at_previous_head(bad, "teleport")
    with bad.app_context(), pytest.raises(RuntimeError, match="teleport"):
        command.upgrade(config, "head")
