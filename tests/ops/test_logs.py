"""Request logs: one JSON line per request, the request id everywhere, no personal data."""

import io
import json
import logging

import pytest

from linli.errors import abort
from linli.ops.logs import APP_LOGGER, json_handler
from tests.accounts.conftest import ask_for_code, sent_code
from tests.support import API

PHONE = "13912345678"
NAME = "王秀英"
OTHER_PHONE = "13700001111"
OTHER_NAME = "李建国"


@pytest.fixture
def log_lines():
    """The JSON lines the app's log handler writes during the test, parsed."""
    stream = io.StringIO()
    handler = json_handler(stream)
    logger = logging.getLogger(APP_LOGGER)
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def test_one_line_per_request_with_the_route_rule_and_user(
    client, auth, world, new_case, log_lines
):
    case = new_case()

    response = client.get(f"{API}/cases/{case['id']}", headers=auth(world.resident_a))

    assert response.status_code == 200
    line = [entry for entry in log_lines() if entry["logger"] == "linli.request"][-1]
    assert line == {
        "time": line["time"],
        "level": "INFO",
        "logger": "linli.request",
        "message": "request",
        "method": "GET",
        "route": "/api/v1/cases/<uuid:case_id>",
        "status": 200,
        "duration_ms": line["duration_ms"],
        "user_id": str(world.resident_a.id),
        "request_id": response.headers["X-Request-ID"],
    }
    assert line["time"].endswith("Z")
    assert line["duration_ms"] >= 0


def test_a_sane_request_id_is_kept_and_a_strange_one_replaced(client, log_lines):
    kept = client.get("/healthz", headers={"X-Request-ID": "0f3c9a7be2d14c55a1e0b6c7d8e9f001"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "x\u00e9 <script>"})

    assert kept.headers["X-Request-ID"] == "0f3c9a7be2d14c55a1e0b6c7d8e9f001"
    assert replaced.headers["X-Request-ID"] not in ("", "x\u00e9 <script>")
    assert len(replaced.headers["X-Request-ID"]) == 32
    assert [line["request_id"] for line in log_lines()] == [
        kept.headers["X-Request-ID"],
        replaced.headers["X-Request-ID"],
    ]


def test_every_line_of_a_request_carries_its_id(app, client, log_lines, monkeypatch):
    def failing(*_args, **_kwargs):
        app.logger.warning("inside the view")
        abort(409, "something conflicts")

    monkeypatch.setitem(app.view_functions, "ops.healthz", failing)

    response = client.get("/healthz", headers={"X-Request-ID": "req-0001-abcdef"})

    assert response.status_code == 409
    assert response.get_json()["request_id"] == "req-0001-abcdef"
    lines = log_lines()
    assert [(line["message"], line["request_id"]) for line in lines] == [
        ("inside the view", "req-0001-abcdef"),
        ("request", "req-0001-abcdef"),
    ]
    assert lines[1]["status"] == 409


def test_a_problem_body_carries_the_request_id(client):
    response = client.get(f"{API}/no-such-thing")

    assert response.status_code == 404
    assert response.get_json()["request_id"] == response.headers["X-Request-ID"]


def test_phones_and_names_stay_out_of_the_logs(client, auth, world, post_report, log_lines, caplog):
    caplog.set_level(logging.DEBUG)
    ask_for_code(client, PHONE)
    registered = client.post(
        f"{API}/auth/register",
        json={
            "phone": PHONE,
            "code": sent_code(PHONE),
            "password": "a-long-and-rare-passphrase",
            "display_name": NAME,
            "org_id": world.grid_a1.id,
        },
    )
    assert registered.status_code == 201, registered.get_json()
    on_behalf = post_report(
        world.grid_worker_a1, on_behalf_of={"name": OTHER_NAME, "phone": OTHER_PHONE}
    )
    assert on_behalf.status_code == 201, on_behalf.get_json()
    # A phone in the path and in a query string: the log keeps the URL rule only.
    client.get(f"{API}/cases/{OTHER_PHONE}", headers=auth(world.dispatcher_a))
    client.get(f"{API}/cases?category={OTHER_PHONE}", headers=auth(world.dispatcher_a))

    lines = log_lines()
    written = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + caplog.text
    assert len([line for line in lines if line["logger"] == "linli.request"]) == 5
    for personal in (PHONE, NAME, OTHER_PHONE, OTHER_NAME, registered.get_json()["access_token"]):
        assert personal not in written
