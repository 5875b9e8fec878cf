"""Issue 7, items 7–10: token claims, refresh-token families, login counting, registration."""

import re
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
import time_machine
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from sqlalchemy import select

from linli.accounts.models import User, VerificationCode
from linli.extensions import db
from tests.accounts.conftest import ask_for_code, sent_code
from tests.factories import PASSWORD
from tests.support import API, assert_problem


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def login(client, username, password=PASSWORD, **kwargs):
    return client.post(
        f"{API}/auth/login", json={"username": username, "password": password}, **kwargs
    )


def refresh(client, token):
    return client.post(f"{API}/auth/refresh", headers=bearer(token))


def me(client, token):
    return client.get(f"{API}/me", headers=bearer(token))


# Item 9: a validly signed token must name an account id and carry a jti ------------------


@pytest.mark.parametrize("sub", ["abc", "9" * 30, str(2**63), "0", "-3", "1e3", " 1", "١٢", ""])
@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_a_signed_token_whose_subject_is_not_an_account_id_is_a_401(client, world, sub, kind):
    make = create_access_token if kind == "access" else create_refresh_token
    token = make(identity=sub, additional_claims={"role": "resident"})

    response = me(client, token) if kind == "access" else refresh(client, token)

    assert_problem(response, 401)


def _signed(app, **claims):
    now = datetime.now(UTC)
    payload = {
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=5),
        "fresh": False,
        "type": "access",
        "role": "resident",
        **claims,
    }
    return pyjwt.encode(payload, app.config["JWT_SECRET_KEY"], algorithm="HS256")


@pytest.mark.parametrize("jti", [None, "", 5, "x" * 200])
def test_a_signed_token_without_a_proper_jti_is_a_401(app, client, world, jti):
    claims = {"sub": str(world.resident_a.id)}
    if jti is not None:
        claims["jti"] = jti
    access = _signed(app, **claims)
    refresh_token = _signed(app, **{**claims, "type": "refresh"})

    assert_problem(me(client, access), 401)
    assert_problem(refresh(client, refresh_token), 401)


def test_a_well_formed_signed_token_still_works(app, client, world):
    token = _signed(app, sub=str(world.resident_a.id), jti="a-proper-jti")

    assert me(client, token).status_code == 200


def test_logout_refuses_a_refresh_token_without_a_jti_and_revokes_nothing(app, client, world):
    session = login(client, "resident_a").get_json()
    odd = _signed(app, sub=str(world.resident_a.id), type="refresh")

    response = client.post(
        f"{API}/auth/logout", json={"refresh_token": odd}, headers=bearer(session["access_token"])
    )

    assert_problem(response, 422, "refresh_token")
    assert me(client, session["access_token"]).status_code == 200


# Item 8: a session is a family of tokens; reuse or logout ends all of it ---------------------


def test_replaying_a_rotated_refresh_token_ends_the_whole_session(client, world):
    first = login(client, "resident_a").get_json()
    second = refresh(client, first["refresh_token"]).get_json()
    third = refresh(client, second["refresh_token"]).get_json()

    assert_problem(refresh(client, first["refresh_token"]), 401)  # the replay (a thief, or us)

    # Every token of that session stops working, the newest included ...
    assert_problem(refresh(client, third["refresh_token"]), 401)
    assert_problem(me(client, third["access_token"]), 401)
    assert_problem(me(client, second["access_token"]), 401)


def test_a_replay_leaves_the_users_other_sessions_alone(client, world):
    phone = login(client, "resident_a").get_json()
    laptop = login(client, "resident_a").get_json()
    refresh(client, phone["refresh_token"])

    assert_problem(refresh(client, phone["refresh_token"]), 401)

    assert me(client, laptop["access_token"]).status_code == 200
    assert refresh(client, laptop["refresh_token"]).status_code == 200


def test_tokens_of_one_session_share_a_family_and_a_new_login_starts_another(client, world):
    first = login(client, "resident_a").get_json()
    rotated = refresh(client, first["refresh_token"]).get_json()
    other = login(client, "resident_a").get_json()

    families = {
        name: decode_token(token)["family"]
        for name, token in [
            ("access", first["access_token"]),
            ("refresh", first["refresh_token"]),
            ("rotated", rotated["access_token"]),
            ("rotated_refresh", rotated["refresh_token"]),
        ]
    }
    assert len(set(families.values())) == 1
    assert decode_token(other["refresh_token"])["family"] not in families.values()


def test_logout_without_a_body_ends_the_session_of_its_access_token(client, world):
    session = login(client, "resident_a").get_json()
    rotated = refresh(client, session["refresh_token"]).get_json()
    other = login(client, "resident_a").get_json()

    response = client.post(f"{API}/auth/logout", headers=bearer(rotated["access_token"]))

    assert response.status_code == 204
    assert_problem(me(client, rotated["access_token"]), 401)
    assert_problem(refresh(client, rotated["refresh_token"]), 401)
    assert me(client, other["access_token"]).status_code == 200
    assert refresh(client, other["refresh_token"]).status_code == 200


def test_logout_with_a_refresh_token_of_another_session_ends_both(client, world):
    one = login(client, "resident_a").get_json()
    two = login(client, "resident_a").get_json()

    response = client.post(
        f"{API}/auth/logout",
        json={"refresh_token": two["refresh_token"]},
        headers=bearer(one["access_token"]),
    )

    assert response.status_code == 204
    for session in (one, two):
        assert_problem(refresh(client, session["refresh_token"]), 401)
        assert_problem(me(client, session["access_token"]), 401)


def test_a_token_from_before_families_still_refreshes_into_a_session_of_its_own(client, world):
    legacy = create_refresh_token(
        identity=str(world.resident_a.id), additional_claims={"role": "resident"}
    )

    pair = refresh(client, legacy).get_json()

    assert me(client, pair["access_token"]).status_code == 200
    assert_problem(refresh(client, legacy), 401)
    assert_problem(refresh(client, pair["refresh_token"]), 401)  # the replay ended the chain


# Item 7: failed logins count against the account sign-in resolves to ------------------------

SPELLINGS = [
    "13900000001",
    "+86 139 0000 0001",
    "139-0000-0001",
    "+8613900000001",
    "139 0000 0001",
    "+86-139-0000-0001",
    "0086 139 0000 0001",
    "8613900000001",
]


def assert_rate_limited(response):
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0


def test_spellings_of_one_phone_number_count_as_one_account(client, world):
    for spelling in SPELLINGS[:5]:
        assert_problem(login(client, spelling, "wrong-password"), 401)

    for spelling in SPELLINGS:
        assert_rate_limited(login(client, spelling, "wrong-password"))
    assert_rate_limited(login(client, "resident_a"))  # the same account by its username
    assert login(client, "resident_a2").status_code == 200


def test_a_phone_and_a_username_of_one_account_share_the_limit(client, world):
    for name in ["resident_a", "+86 139 0000 0001", "RESIDENT_A", "13900000001", "resident_a"]:
        assert_problem(login(client, name, "wrong-password"), 401)

    assert_rate_limited(login(client, "139-0000-0001"))


def test_unknown_phone_numbers_are_counted_by_their_normalised_number(client, world):
    for spelling in [
        "13912345678",
        "+86 139 1234 5678",
        "139-1234-5678",
        "+8613912345678",
        "139 1234 5678",
    ]:
        assert_problem(login(client, spelling, "wrong-password"), 401)

    assert_rate_limited(login(client, "0086 139-1234-5678", "wrong-password"))


# Item 10: registration proves the phone, says nothing about accounts, and is limited -------

NEW_PHONE = "13912345678"


def new_resident(world, **fields):
    return {
        "phone": NEW_PHONE,
        "password": "long-enough-pw",
        "display_name": "王阿姨",
        "org_id": world.grid_a1.id,
        **fields,
    }


def register(client, body, **kwargs):
    return client.post(f"{API}/auth/register", json=body, **kwargs)


def test_a_code_texted_to_the_phone_lets_its_holder_register_once(client, world, sms):
    assert ask_for_code(client, "+86 139 1234 5678").status_code == 202
    code = sent_code(NEW_PHONE)
    assert code is not None and len(code) == 6 and code.isdigit()

    created = register(client, new_resident(world, code=code))

    assert created.status_code == 201, created.get_json()
    assert created.get_json()["user"]["phone"] == NEW_PHONE
    # Used once: the same code does not make (or probe) another account.
    assert_problem(register(client, new_resident(world, code=code)), 422, "code")


def test_registration_without_the_phones_code_is_refused(client, world):
    assert_problem(register(client, new_resident(world)), 422, "code")
    ask_for_code(client, NEW_PHONE)
    wrong = "000000" if sent_code(NEW_PHONE) != "000000" else "111111"

    assert_problem(register(client, new_resident(world, code=wrong)), 422, "code")
    assert_problem(register(client, new_resident(world, code="12345")), 422, "code")


def test_asking_for_a_code_answers_alike_whether_or_not_the_number_has_an_account(
    client, world, sms
):
    # One frozen moment: Retry-After counts whole seconds, and a tick between the two
    # requests would tell them apart (the headers must not).
    with time_machine.travel(datetime.now(UTC), tick=False):
        taken = ask_for_code(client, "13900000001")
        free = ask_for_code(client, NEW_PHONE)

    assert taken.status_code == free.status_code == 202
    assert taken.get_data() == free.get_data()
    # Each answer's own request id aside (it is random).
    assert {
        k: v for k, v in taken.headers if not k.startswith(("X-RateLimit", "X-Request-ID"))
    } == {k: v for k, v in free.headers if not k.startswith(("X-RateLimit", "X-Request-ID"))}
    # The account holder gets a notice, not a code; the new number gets a code.
    assert [(p, kind) for p, kind, _ in sms] == [("13900000001", "registered"), (NEW_PHONE, "code")]


def test_asking_for_a_code_needs_a_mainland_mobile(client, world, sms):
    assert_problem(ask_for_code(client, "+1 650 253 0000"), 422, "phone")
    assert sms == []


def test_a_code_expires_after_ten_minutes(client, world):
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        ask_for_code(client, NEW_PHONE)
    code = sent_code(NEW_PHONE)

    with time_machine.travel(start + timedelta(minutes=10, seconds=1), tick=False):
        assert_problem(register(client, new_resident(world, code=code)), 422, "code")


def test_a_code_survives_only_a_few_wrong_guesses(client, world):
    ask_for_code(client, NEW_PHONE)
    code = sent_code(NEW_PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert_problem(register(client, new_resident(world, code=wrong)), 422, "code")

    assert_problem(register(client, new_resident(world, code=code)), 422, "code")


def test_only_the_newest_code_works(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "CODE_LIMIT_PER_PHONE", "5 per minute")
    ask_for_code(client, NEW_PHONE)
    first = sent_code(NEW_PHONE)
    ask_for_code(client, NEW_PHONE)
    second = sent_code(NEW_PHONE)

    if first != second:
        assert_problem(register(client, new_resident(world, code=first)), 422, "code")
    assert register(client, new_resident(world, code=second)).status_code == 201


def test_codes_are_stored_as_digests_only(client, world):
    ask_for_code(client, NEW_PHONE)
    code = sent_code(NEW_PHONE)

    stored = db.session.execute(select(VerificationCode.phone_digest, VerificationCode.code_digest))
    assert all(NEW_PHONE not in row and code not in "".join(row) for row in stored)


def test_codes_are_limited_per_phone_and_per_address(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "CODE_LIMIT_PER_ADDRESS", "3 per hour")
    assert ask_for_code(client, NEW_PHONE).status_code == 202
    assert_rate_limited(ask_for_code(client, "+86 139-1234-5678"))  # one number, one a minute

    assert ask_for_code(client, "13912345679").status_code == 202
    assert ask_for_code(client, "13900000001").status_code == 202  # has an account: same count
    assert_rate_limited(ask_for_code(client, "13912345670"))
    elsewhere = ask_for_code(client, "13912345660", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 202


def test_accounts_made_are_limited_per_address(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_PER_ADDRESS", "2 per hour")
    phones = ["13912345671", "13912345672", "13912345673"]
    for phone in phones:
        ask_for_code(client, phone)
    for phone in phones[:2]:
        body = new_resident(world, phone=phone, code=sent_code(phone))
        assert register(client, body).status_code == 201

    assert_rate_limited(
        register(client, new_resident(world, phone=phones[2], code=sent_code(phones[2])))
    )


def test_the_console_sender_logs_a_masked_number_and_the_code(
    app, client, world, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "SMS_SENDER", "linli.accounts.sms:LogSender")
    with caplog.at_level("INFO"):
        assert ask_for_code(client, NEW_PHONE).status_code == 202
        assert ask_for_code(client, "13900000001").status_code == 202

    text = caplog.text
    assert "139****5678" in text and "139****0001" in text
    assert NEW_PHONE not in text and "13900000001" not in text
    assert re.search(r"139\*{4}5678: registration code \d{6}", text)


def new_account(client, auth, world, endpoint: str, **fields):
    """A resident registering (with a fresh code) or an admin creating a dispatcher, with
    `fields` (password, display_name) in the body."""
    if endpoint == "register":
        ask_for_code(client, NEW_PHONE)
        return register(client, new_resident(world, code=sent_code(NEW_PHONE), **fields))
    body = {
        "username": "new_staff",
        "password": "long-enough-pw",
        "display_name": "新同事",
        "role": "dispatcher",
        "org_id": world.community_a.id,
        **fields,
    }
    return client.post(f"{API}/users", headers=auth(world.admin), json=body)


@pytest.mark.parametrize(
    "password",
    [
        "password",
        "Password1",
        "12345678",
        "  12345678 ",
        "woaini1314",
        "qwertyuiop",
        "        ",
        "\t\t\t\t\t\t\t\t",
        "short",
    ],
)
@pytest.mark.parametrize("endpoint", ["register", "create_user"])
def test_weak_passwords_are_refused(client, auth, world, password, endpoint):
    response = new_account(client, auth, world, endpoint, password=password)

    assert_problem(response, 422, "password")


def test_the_demo_and_factory_passwords_pass_the_policy(app):
    from linli.accounts.schemas import RegisterIn

    for password in (app.config["DEMO_PASSWORD"], PASSWORD, "long-enough-pw"):
        assert "password" not in RegisterIn().validate({"password": password})


@pytest.mark.parametrize(
    "name",
    [
        "王\u200b阿姨",
        "王\u200d阿姨",
        "\u202e姨阿王",
        "王\u2066阿姨\u2069",
        "王\ufeff阿姨",
        "王\x00阿姨",
        "王\n阿姨",
        "王\u2028阿姨",
        "\u200e王",
        "王\ue000",
    ],
)
@pytest.mark.parametrize("endpoint", ["register", "create_user"])
def test_display_names_with_hidden_characters_are_refused(client, auth, world, name, endpoint):
    response = new_account(client, auth, world, endpoint, display_name=name)

    assert_problem(response, 422, "display_name")


@pytest.mark.parametrize("name", ["王阿姨", "Zhang Wei", "李 小明", "Ödön", "王阿姨🙂", "محمد"])
def test_ordinary_display_names_are_accepted(client, world, name):
    ask_for_code(client, NEW_PHONE)

    response = register(client, new_resident(world, code=sent_code(NEW_PHONE), display_name=name))

    assert response.status_code == 201, response.get_json()


def test_the_command_line_applies_the_password_policy_too(app, world):
    result = app.test_cli_runner().invoke(
        args=[
            "accounts",
            "create",
            "--username",
            "weak_new",
            "--role",
            "officer",
            "--org",
            "t-s",
        ],
        input="password123\npassword123\n",
    )

    assert result.exit_code != 0
    assert "too common" in result.output
    assert db.session.scalar(select(User).where(User.username == "weak_new")) is None


def test_a_breached_limit_logs_no_phone_number(app, client, world, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_SENDER", "linli.accounts.sms:MemorySender")
    with caplog.at_level("INFO"):
        for _ in range(6):
            login(client, "13900000001", "wrong-password")
        for _ in range(2):
            ask_for_code(client, NEW_PHONE)

    assert "exceeded" in caplog.text  # flask-limiter logged both breaches, with their keys
    assert "13900000001" not in caplog.text and NEW_PHONE not in caplog.text
    assert "resident_a" not in caplog.text
