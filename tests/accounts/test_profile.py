"""One's own account: the name others see, a new password (other devices signed out), a
new phone number proved by its code, and signing out everywhere."""

import pytest

from tests.accounts.conftest import ask_for_code, sent_code
from tests.factories import PASSWORD
from tests.support import API, assert_problem

NEW = "a-new-long-passphrase"


@pytest.fixture
def signed_in(client, world):
    """signed_in(user, password) → the bearer headers of a fresh login (a device of its own)."""

    def login(user, password=PASSWORD):
        response = client.post(
            f"{API}/auth/login", json={"username": user.username, "password": password}
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        return {"Authorization": f"Bearer {body['access_token']}"}, body["refresh_token"]

    return login


def me(client, headers):
    return client.get(f"{API}/me", headers=headers)


def test_the_user_changes_the_name_others_see(client, world, signed_in):
    headers, _ = signed_in(world.resident_a)
    response = client.patch(f"{API}/me", json={"display_name": "王阿姨"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["display_name"] == "王阿姨"
    assert me(client, headers).get_json()["display_name"] == "王阿姨"


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "A\u202eB"])
def test_an_unusable_name_is_a_422_naming_display_name(client, world, signed_in, name):
    headers, _ = signed_in(world.resident_a)
    response = client.patch(f"{API}/me", json={"display_name": name}, headers=headers)
    assert_problem(response, 422, "display_name")


def test_a_new_password_signs_out_the_other_devices_and_keeps_this_one(client, world, signed_in):
    phone, phone_refresh = signed_in(world.resident_a)
    laptop, _ = signed_in(world.resident_a)
    response = client.post(
        f"{API}/me/password",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=phone,
    )
    assert response.status_code == 200, response.get_json()
    fresh = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
    assert me(client, fresh).status_code == 200
    for old in (phone, laptop):
        assert_problem(me(client, old), 401)
    refreshed = client.post(
        f"{API}/auth/refresh", headers={"Authorization": f"Bearer {phone_refresh}"}
    )
    assert_problem(refreshed, 401)
    bad_login = client.post(
        f"{API}/auth/login", json={"username": world.resident_a.username, "password": PASSWORD}
    )
    assert_problem(bad_login, 401)
    assert signed_in(world.resident_a, NEW)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "wrong-password!", "new_password": NEW}, "current_password"),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": PASSWORD}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "password123"}, "new_password"),
        ({"new_password": NEW}, "current_password"),
    ],
)
def test_a_refused_password_change_changes_nothing(client, world, signed_in, body, field):
    headers, _ = signed_in(world.resident_a)
    assert_problem(client.post(f"{API}/me/password", json=body, headers=headers), 422, field)
    assert me(client, headers).status_code == 200
    assert signed_in(world.resident_a, PASSWORD)


def test_signing_out_everywhere_stops_every_token_until_the_next_login(client, world, signed_in):
    phone, phone_refresh = signed_in(world.dispatcher_a)
    laptop, _ = signed_in(world.dispatcher_a)
    other, _ = signed_in(world.resident_a)
    response = client.post(f"{API}/me/sign-out-everywhere", headers=phone)
    assert response.status_code == 204
    for headers in (phone, laptop):
        assert_problem(me(client, headers), 401)
    refreshed = client.post(
        f"{API}/auth/refresh", headers={"Authorization": f"Bearer {phone_refresh}"}
    )
    assert_problem(refreshed, 401)
    assert me(client, other).status_code == 200  # someone else's sessions go on
    again, _ = signed_in(world.dispatcher_a)
    assert me(client, again).status_code == 200


def test_a_new_phone_number_is_proved_by_its_code(client, world, signed_in):
    headers, _ = signed_in(world.resident_a)
    assert ask_for_code(client, "13700000077").status_code == 202
    code = sent_code("13700000077")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(
        f"{API}/me/phone", json={"phone": "13700000077", "code": wrong}, headers=headers
    )
    assert_problem(response, 422, "code")
    response = client.post(
        f"{API}/me/phone",
        json={"phone": "137 0000 0077", "code": code},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["phone"] == "13700000077"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"phone": "12345", "code": "123456"}, "phone"), ({"phone": "13700000078"}, "code")],
)
def test_a_bad_phone_change_is_a_422(client, world, signed_in, body, field):
    headers, _ = signed_in(world.resident_a)
    assert_problem(client.post(f"{API}/me/phone", json=body, headers=headers), 422, field)


def test_a_number_with_an_account_gets_no_code_and_cannot_be_taken(client, world, signed_in):
    headers, _ = signed_in(world.resident_a)
    ask_for_code(client, world.resident_a2.phone)
    assert sent_code(world.resident_a2.phone) is None
    response = client.post(
        f"{API}/me/phone",
        json={"phone": world.resident_a2.phone, "code": "123456"},
        headers=headers,
    )
    assert_problem(response, 422, "code")
