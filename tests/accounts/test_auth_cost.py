"""Every authenticated request checks its token in one statement (issue 9): the account
and both revocations at once; a revoked token still stops at once."""

from sqlalchemy import event

from linli.extensions import db
from tests.factories import PASSWORD
from tests.support import API


def auth_statements(client, headers) -> tuple[int, list[str]]:
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_rest):
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        response = client.get(f"{API}/me", headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert response.status_code in (200, 401), response.get_json()
    about_auth = [s for s in seen if "revoked_token" in s or "FROM users" in s]
    return response.status_code, about_auth


def test_the_token_check_is_one_statement(client, auth, world):
    status, statements = auth_statements(client, auth(world.resident_a))

    assert status == 200
    assert len(statements) == 1, statements
    assert "revoked_tokens" in statements[0] and "revoked_token_families" in statements[0]


def test_a_token_revoked_by_signing_out_stops_at_the_next_request(client, world):
    login = client.post(
        f"{API}/auth/login", json={"username": world.resident_a.username, "password": PASSWORD}
    )
    assert login.status_code == 200, login.get_json()
    headers = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200

    assert client.post(f"{API}/auth/logout", headers=headers).status_code in (200, 204)
    status, statements = auth_statements(client, headers)

    assert status == 401
    assert len(statements) == 1, statements
