"""The operator's commands: `linli accounts create` and `linli demo seed`."""

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from linli.accounts.models import (
    RateLimitCounter,
    RevokedToken,
    RevokedTokenFamily,
    SessionEnd,
    User,
    VerificationCode,
)
from linli.accounts.passwords import verify_password
from linli.cases.models import Case
from linli.db import utcnow
from linli.extensions import db
from linli.orgs.models import Org

LINLI = Path(sys.executable).with_name("linli")
PASSWORD_INPUT = "long-enough-pw\nlong-enough-pw\n"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return invoke


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_accounts_create_makes_a_staff_account(cli, world):
    result = cli(
        "accounts",
        "create",
        "--username",
        "dispatcher_new",
        "--role",
        "dispatcher",
        "--org",
        "t-ca",
        "--display-name",
        "新调度",
        input=PASSWORD_INPUT,
    )

    assert result.exit_code == 0, result.output
    assert "dispatcher_new" in result.output
    user = db.session.scalar(select(User).where(User.username == "dispatcher_new"))
    assert (user.role.value, user.org_id, user.display_name) == (
        "dispatcher",
        world.community_a.id,
        "新调度",
    )
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "long-enough-pw")


def test_accounts_create_makes_provider_staff_with_their_provider(cli, world):
    result = cli(
        "accounts",
        "create",
        "--username",
        "staff_new",
        "--role",
        "provider_staff",
        "--org",
        "t-s",
        "--provider-id",
        str(world.provider.id),
        input=PASSWORD_INPUT,
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "staff_new"))
    assert user.provider_id == world.provider.id


def test_accounts_create_asks_for_the_password_twice(cli, world):
    before = count(User)

    result = cli(
        "accounts",
        "create",
        "--username",
        "x_new",
        "--role",
        "officer",
        "--org",
        "t-s",
        input="long-enough-pw\ndifferent-pw\n",
    )

    assert result.exit_code != 0
    assert count(User) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "no-such-org", "--role", "dispatcher"], "no org with code 'no-such-org'"),
        (["--org", "t-ca", "--role", "provider_staff"], "provider_id"),
        (
            ["--org", "t-s", "--role", "provider_staff", "--provider-id", "999999"],
            "no provider 999999",
        ),
        (["--org", "t-s", "--role", "grid_worker"], "grid worker"),
        (["--org", "t-ca", "--role", "root"], "root"),
        (["--org", "t-ca", "--role", "dispatcher", "--phone", "12345"], "mainland mobile"),
    ],
)
def test_accounts_create_refuses_bad_accounts_with_a_message(cli, world, args, message):
    before = count(User)

    result = cli("accounts", "create", "--username", "someone_new", *args, input=PASSWORD_INPUT)

    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert count(User) == before


@pytest.mark.parametrize(
    ("username", "phone"), [("dispatcher_a", None), ("someone_new", "13900000001")]
)
def test_accounts_create_refuses_a_duplicate_with_a_clear_message(cli, world, username, phone):
    before = count(User)
    extra = ["--phone", phone] if phone else []

    result = cli(
        "accounts",
        "create",
        "--username",
        username,
        "--role",
        "dispatcher",
        "--org",
        "t-ca",
        *extra,
        input=PASSWORD_INPUT,
    )

    assert result.exit_code == 1
    assert "already registered" in result.output
    assert "Traceback" not in result.output
    assert count(User) == before


def test_demo_seed_builds_the_city_once(cli):
    first = cli("demo", "seed")
    second = cli("demo", "seed")

    assert first.exit_code == 0, first.output
    assert "demo city seeded" in first.output and "200 cases" in first.output
    assert second.exit_code == 0, second.output
    assert "already there" in second.output
    assert count(Case) == 200


def test_demo_seed_is_refused_in_production(app, cli, monkeypatch):
    monkeypatch.setitem(app.config, "ENV", "production")

    result = cli("demo", "seed")

    assert result.exit_code == 1
    assert "refused in production" in result.output
    assert count(Org) == count(Case) == 0


def test_linli_command_refuses_demo_data_in_a_production_deployment(tmp_path):
    # A real production process: its settings come from the environment only.
    database = tmp_path / "prod.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        LINLI_ENV="production",
        LINLI_SECRET_KEY="a-production-secret-that-is-long-enough",
        LINLI_INSTANCE_PATH=str(tmp_path),
        LINLI_DATABASE_URL=f"sqlite:///{database}",
    )

    def linli(*args):
        return subprocess.run(
            [str(LINLI), *args], env=env, capture_output=True, text=True, timeout=60
        )

    assert linli("db", "upgrade").returncode == 0
    seeded = linli("demo", "seed")

    assert seeded.returncode == 1
    assert "refused in production" in seeded.stderr
    assert "Traceback" not in seeded.stderr
    with sqlite3.connect(database) as connection:
        assert connection.execute("select count(*) from orgs").fetchone() == (0,)
        assert connection.execute("select count(*) from users").fetchone() == (0,)


def test_linli_command_will_not_start_in_production_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(LINLI_ENV="production", LINLI_INSTANCE_PATH=str(tmp_path))

    result = subprocess.run(
        [str(LINLI), "demo", "seed"], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 1
    assert "Error: LINLI_SECRET_KEY is required in production" in result.stderr
    assert "Traceback" not in result.stderr


def test_accounts_purge_deletes_only_what_has_expired(cli, world):
    now = utcnow()
    for when, tag in ((now - timedelta(minutes=1), "old"), (now + timedelta(hours=1), "new")):
        db.session.add_all(
            [
                RevokedToken(jti=f"jti-{tag}", user_id=world.admin.id, expires_at=when),
                RevokedTokenFamily(
                    family=f"fam-{tag}",
                    user_id=world.admin.id,
                    reason=SessionEnd.LOGOUT,
                    expires_at=when,
                ),
                RateLimitCounter(key=f"key-{tag}", count=3, expires_at=when),
                VerificationCode(phone_digest=f"p-{tag}", code_digest="c", expires_at=when),
            ]
        )
    db.session.commit()

    result = cli("accounts", "purge")

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "revoked_tokens: 1, revoked_token_families: 1, verification_codes: 1"
    )
    assert db.session.scalars(select(RevokedToken.jti)).all() == ["jti-new"]
    assert db.session.scalars(select(RevokedTokenFamily.family)).all() == ["fam-new"]
    # Rate-limit counters are their storage's to purge (accounts/ratelimit.py): untouched.
    assert sorted(db.session.scalars(select(RateLimitCounter.key))) == ["key-new", "key-old"]
    assert db.session.scalars(select(VerificationCode.phone_digest)).all() == ["p-new"]
