"""Issue 7, bad input: deep JSON, dates at the edge of the calendar, control characters.

Each is refused as a 4xx problem before it can reach a parser's recursion limit, a
datetime's range or a database's text type; nothing is written.
"""

import re
from datetime import UTC, datetime

import pytest
from marshmallow import Schema, ValidationError

from linli.common_schemas import Instant, Text
from linli.errors import MAX_JSON_DEPTH
from tests.factories import PASSWORD
from tests.support import API, CASES, assert_problem, later, snapshot

UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"
EDGE_DATES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1900-01-01T00:00:00Z",
    "2200-01-01T00:00:00Z",
]


OUT_OF_RANGE = "Must be between 2000-01-01T00:00:00+00:00 and 2100-01-01T00:00:00+00:00."


def deep(levels: int, inner: str = "1") -> str:
    return "[" * levels + inner + "]" * levels


# --- 11. deeply nested JSON -------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        deep(1000),
        '{"username": ' + deep(1000) + "}",
        '{"a": ' * 1000 + "1" + "}" * 1000,
        "[" * 5000,
        deep(1000).encode("utf-16"),
    ],
    ids=lambda body: f"{len(body)}-{type(body).__name__}",
)
def test_deeply_nested_json_on_login_is_a_400_problem(client, body):
    response = client.post(f"{API}/auth/login", data=body, content_type="application/json")

    problem = assert_problem(response, 400, "_schema")
    assert problem["type"].endswith("/json-too-deep")


def test_deeply_nested_json_on_a_write_is_refused_and_writes_nothing(client, auth, world):
    before = snapshot()
    body = '{"category": "elderly_care", "title": "t", "description": "d", "org_id": 1, "x": %s}'

    response = client.post(
        CASES,
        data=body % deep(1000),
        content_type="application/json",
        headers=auth(world.resident_a),
    )

    assert_problem(response, 400, "_schema")
    assert snapshot() == before


def test_a_json_body_over_a_megabyte_is_a_413_problem(client, auth, world):
    body = '{"username": "resident_a", "password": "%s"}' % ("x" * 1024 * 1024)

    response = client.post(f"{API}/auth/login", data=body, content_type="application/json")

    assert_problem(response, 413)


def test_brackets_inside_strings_do_not_count_as_nesting(client, auth, world):
    title = "[" * 1000 + '{"' + '\\"[' * 100
    response = client.post(
        CASES,
        json={
            "category": "elderly_care",
            "title": title[:200],
            "description": "[[[" * 1000,
            "org_id": world.grid_a1.id,
        },
        headers=auth(world.resident_a),
    )

    assert response.status_code == 201, response.get_json()


def test_json_at_the_depth_limit_is_parsed_and_judged_by_the_schema(client):
    body = f'{{"username": "resident_a", "password": {deep(MAX_JSON_DEPTH - 1)}}}'

    response = client.post(f"{API}/auth/login", data=body, content_type="application/json")

    assert_problem(response, 422, "password")


# --- 12. dates at the edge of the calendar -----------------------------------------------


@pytest.mark.parametrize("value", EDGE_DATES)
def test_a_visit_time_outside_the_window_is_a_422_naming_the_field(client, auth, world, value):
    before = snapshot()
    household = world.building_a1.households[0]

    response = client.post(
        f"{API}/visits",
        json={"household_id": household.id, "visited_at": value},
        headers=auth(world.grid_worker_a1),
    )

    assert_problem(response, 422, "visited_at")
    assert snapshot() == before


@pytest.mark.parametrize("value", EDGE_DATES)
def test_a_since_outside_the_window_is_a_422_naming_the_parameter(client, auth, world, value):
    response = client.get(
        f"{API}/visits", query_string={"since": value}, headers=auth(world.grid_worker_a1)
    )

    assert_problem(response, 422, "since")


@pytest.mark.parametrize("value", EDGE_DATES)
def test_a_co_unit_due_time_outside_the_window_is_a_422_naming_it(
    client, auth, world, new_case, make_provider, value
):
    co_unit = make_provider("协办单位", coverage=[world.street])
    case = new_case()
    before = snapshot()

    response = client.post(
        f"{CASES}/{case['id']}/actions/coordinate",
        headers=auth(world.dispatcher_a),
        json={
            "version": case["version"],
            "lead_provider_id": world.provider.id,
            "co_providers": [{"provider_id": co_unit.id, "due_at": value}],
        },
    )

    problem = assert_problem(response, 422, "co_providers")
    assert problem["errors"]["co_providers"] == {"0": {"due_at": [OUT_OF_RANGE]}}
    assert snapshot() == before


class _When(Schema):
    at = Instant(required=True)


@pytest.mark.parametrize("value", [*EDGE_DATES, "2025-01-02T03:04:05"])
def test_an_instant_outside_the_window_or_without_an_offset_is_a_field_error(value):
    with pytest.raises(ValidationError) as error:
        _When().load({"at": value})

    assert list(error.value.messages) == ["at"]


def test_an_instant_inside_the_window_is_taken_and_given_in_utc():
    loaded = _When().load({"at": "2030-06-01T08:00:00+08:00"})["at"]

    assert loaded == datetime(2030, 6, 1, 0, 0, tzinfo=UTC)
    assert loaded.utcoffset().total_seconds() == 0
    assert _When().load({"at": later(1)})["at"] > datetime.now(UTC)


# --- 13. control characters in text ------------------------------------------------------

CONTROL = ["\x00", "\x07", "\x1b[31m", "\r", "\x7f", "\x85"]


class _Note(Schema):
    note = Text(100)


@pytest.mark.parametrize("char", CONTROL, ids=repr)
def test_a_text_field_refuses_control_characters(char):
    with pytest.raises(ValidationError) as error:
        _Note().load({"note": f"好{char}的"})

    assert list(error.value.messages) == ["note"]


def test_a_text_field_keeps_newlines_and_tabs():
    assert _Note().load({"note": "第一行\n\t第二行"}) == {"note": "第一行\n\t第二行"}


@pytest.mark.parametrize("field", ["title", "description", "address"])
def test_a_nul_byte_in_a_case_is_a_422_naming_the_field(client, auth, world, field):
    before = snapshot()
    body = {
        "category": "elderly_care",
        "title": "助浴",
        "description": "独居老人",
        "address": "1号楼",
        "org_id": world.grid_a1.id,
    }

    response = client.post(
        CASES, json={**body, field: body[field] + "\x00"}, headers=auth(world.resident_a)
    )

    assert_problem(response, 422, field)
    assert snapshot() == before


def test_a_nul_byte_in_a_visit_note_is_a_422(client, auth, world):
    household = world.building_a1.households[0]

    response = client.post(
        f"{API}/visits",
        json={
            "household_id": household.id,
            "visited_at": "2025-01-02T03:04:05Z",
            "note": "老人\x00安好",
        },
        headers=auth(world.grid_worker_a1),
    )

    assert_problem(response, 422, "note")


def test_a_nul_byte_in_a_category_name_is_a_422(client, auth, world):
    response = client.post(
        f"{API}/categories",
        headers=auth(world.admin),
        json={"code": "pet_care", "name_zh": "宠物\x00", "name_en": "Pets"},
    )

    assert_problem(response, 422, "name_zh")


def test_a_nul_byte_in_an_sla_policy_category_is_a_422(client, auth, world):
    response = client.put(
        f"{API}/sla-policies",
        headers=auth(world.admin),
        json={
            "category": "elderly\x00care",
            "priority": "normal",
            "accept_within_minutes": 60,
            "resolve_within_minutes": 600,
        },
    )

    assert_problem(response, 422, "category")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (CASES, "category"),
        (CASES, "cursor"),
        (f"{API}/providers", "category"),
        (f"{API}/visits", "grid_id"),
        (f"{API}/cases/similar", "category"),
    ],
)
def test_a_control_character_in_a_query_string_is_a_422_naming_the_parameter(
    client, auth, world, path, name
):
    response = client.get(
        path, query_string={name: "elderly\x00care"}, headers=auth(world.dispatcher_a)
    )

    assert_problem(response, 422, name)


def test_a_control_character_in_a_query_string_name_is_refused_too(client, auth, world):
    response = client.get(
        CASES, query_string={"cat\x00egory": "x"}, headers=auth(world.dispatcher_a)
    )

    assert_problem(response, 422)


def test_a_nul_byte_in_a_login_is_a_problem_not_a_500(client):
    response = client.post(
        f"{API}/auth/login", json={"username": "resident_a\x00", "password": PASSWORD}
    )

    assert_problem(response, 422, "username")


# --- 14. the OpenAPI document says what the server sends ---------------------------------

PROBLEM = "application/problem+json"
METHODS = ("get", "post", "put", "patch", "delete")
PATH_VALUES = {
    "case_id": UNKNOWN_UUID,
    "attachment_id": UNKNOWN_UUID,
    "action": "assign",
    "code": "elderly_care",
}


@pytest.fixture
def spec(client):
    return client.get(f"{API}/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolved(spec, node: dict) -> dict:
    while "$ref" in node:
        section, kind, name = node["$ref"].removeprefix("#/").split("/")
        node = spec[section][kind][name]
    return node


def test_every_error_response_is_documented_as_a_problem(spec):
    checked = 0
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            content = resolved(spec, response).get("content", {})
            if status == "default" or status[0] in "45":
                assert list(content) == [PROBLEM], (method, path, status, list(content))
                problem = resolved(spec, content[PROBLEM]["schema"])
                assert {"type", "title", "status", "detail"} <= set(problem["required"])
                checked += 1
            else:
                assert PROBLEM not in content, (method, path, status)
    assert checked > 60


def test_the_document_declares_the_bearer_tokens(spec):
    schemes = spec["components"]["securitySchemes"]

    assert {name: (s["type"], s["scheme"], s["bearerFormat"]) for name, s in schemes.items()} == {
        "accessToken": ("http", "bearer", "JWT"),
        "refreshToken": ("http", "bearer", "JWT"),
    }
    refresh = spec["paths"][f"{API}/auth/refresh"]["post"]
    assert refresh["security"] == [{"refreshToken": []}]
    assert spec["paths"][f"{API}/me"]["get"]["security"] == [{"accessToken": []}]


def test_an_operation_is_documented_as_needing_a_token_exactly_when_it_refuses_none(client, spec):
    public = set()
    for path, method, operation in operations(spec):
        url = path
        for name, value in PATH_VALUES.items():
            url = url.replace(f"{{{name}}}", value)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        body = {"json": {}} if method in ("post", "put", "patch") else {}

        response = client.open(url, method=method.upper(), **body)

        if operation["security"]:
            assert_problem(response, 401)
            assert "401" in operation["responses"], (method, path)
        else:
            assert response.status_code != 401, (method, path)
            public.add((method, path))
    assert public == {
        ("post", f"{API}/auth/register"),
        ("post", f"{API}/auth/login"),
        ("post", f"{API}/auth/verification-codes"),
        ("get", f"{API}/orgs"),
        ("get", f"{API}/categories"),
        ("get", f"{API}/push/vapid-public-key"),  # a public key, for subscribing
        ("get", f"{API}/map"),  # where map tiles come from, if anywhere
    }
