"""Bad input on every write endpoint: a 4xx problem, field errors, never a 500, nothing written.

Each endpoint is described once (method, path, who calls it, a body that works); the
matrix below derives the bad requests from that valid body, so a new field in a body
is fuzzed without a new test.
"""

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask_jwt_extended import create_refresh_token
from PIL import Image
from sqlalchemy import func, select

from linli.accounts.models import RevokedToken, User
from linli.accounts.sms import MemorySender
from linli.accounts.verification import request_registration_code
from linli.cases import service as case_service
from linli.cases.lifecycle import Action, apply_transition
from linli.cases.models import Attachment, Case, CaseEvent, CaseSupport
from linli.categories.models import Category
from linli.extensions import db
from linli.feedback.models import Rating
from linli.idempotency import IdempotencyRecord
from linli.rounds.models import Visit
from tests.factories import PASSWORD
from tests.support import assert_problem

API = "/api/v1"
UNKNOWN_ID = 987_654
UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000"
BIG = "长" * 100_000  # 100 000 characters, ~300 kB of UTF-8


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def db_snapshot() -> dict:
    """Row counts of everything a write could create, plus the mutable bits of categories/cases."""
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Case,
            CaseEvent,
            User,
            Category,
            Visit,
            Attachment,
            Rating,
            CaseSupport,
            RevokedToken,
            IdempotencyRecord,
        )
    }
    counts["category_active"] = sorted(
        db.session.execute(select(Category.code, Category.active)).all()
    )
    counts["case_versions"] = sorted(
        (str(i), s.value, v)
        for i, s, v in db.session.execute(select(Case.id, Case.state, Case.version))
    )
    return counts


@dataclass
class Ctx:
    """A world with one submitted and one resolved case reported by resident_a."""

    world: object
    case: Case
    resolved: Case
    refresh_token: str
    code: str = ""  # a registration code texted to 13912345678


@pytest.fixture
def ctx(world) -> Ctx:
    now = datetime.now(UTC)
    fields = {
        "category": "elderly_care",
        "title": "助浴",
        "description": "独居老人",
        "org_id": world.grid_a1.id,
    }
    case, _ = case_service.report_case(world.resident_a, fields, now=now)
    resolved, _ = case_service.report_case(world.resident_a, fields, now=now)
    apply_transition(
        resolved, Action.ASSIGN, actor=world.dispatcher_a, now=now, provider=world.provider
    )
    apply_transition(resolved, Action.ACCEPT, actor=world.provider_staff, now=now)
    apply_transition(resolved, Action.RESOLVE, actor=world.provider_staff, now=now, note="好了")
    db.session.commit()
    refresh = create_refresh_token(
        identity=str(world.resident_a.id), additional_claims={"role": "resident"}
    )
    request_registration_code("13912345678", now=now)
    return Ctx(world, case, resolved, refresh, code=MemorySender.outbox[-1][2])


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: Callable[[Ctx], str]
    user: str | None  # attribute of the world; None = anonymous
    body: Callable[[Ctx], dict] | None  # a valid JSON body (None: takes no JSON body)
    required: tuple[str, ...] = ()
    ok: int = 200


ENDPOINTS = {
    "register": Endpoint(
        "POST",
        lambda c: "/auth/register",
        None,
        lambda c: {
            "phone": "13912345678",
            "code": c.code,
            "password": "long-enough-pw",
            "display_name": "新居民",
            "org_id": c.world.grid_a1.id,
        },
        required=("phone", "code", "password", "display_name", "org_id"),
        ok=201,
    ),
    "login": Endpoint(
        "POST",
        lambda c: "/auth/login",
        None,
        lambda c: {"username": "resident_a", "password": PASSWORD},
        required=("username", "password"),
    ),
    "logout": Endpoint(
        "POST",
        lambda c: "/auth/logout",
        "resident_a",
        lambda c: {"refresh_token": c.refresh_token},
        ok=204,
    ),
    "create_user": Endpoint(
        "POST",
        lambda c: "/users",
        "admin",
        lambda c: {
            "username": "new_staff",
            "password": "long-enough-pw",
            "display_name": "新员工",
            "role": "dispatcher",
            "org_id": c.world.community_a.id,
        },
        required=("username", "password", "display_name", "role", "org_id"),
        ok=201,
    ),
    "add_category": Endpoint(
        "POST",
        lambda c: "/categories",
        "admin",
        lambda c: {"code": "pet_care", "name_zh": "宠物照看", "name_en": "Pet care", "icon": "pet"},
        required=("code", "name_zh", "name_en"),
        ok=201,
    ),
    "patch_category": Endpoint(
        "PATCH",
        lambda c: "/categories/elderly_care",
        "admin",
        lambda c: {"active": False},
        required=("_schema",),  # any one of its fields
    ),
    "report_case": Endpoint(
        "POST",
        lambda c: "/cases",
        "resident_a",
        lambda c: {
            "category": "childcare",
            "title": "托育名额",
            "description": "双职工家庭",
            "org_id": c.world.grid_a1.id,
            "address": "1号楼",
            "lat": 31.2,
            "lon": 121.4,
            "priority": "normal",
            "channel": "app",
        },
        required=("category", "title", "description", "org_id"),
        ok=201,
    ),
    "act": Endpoint(
        "POST",
        lambda c: f"/cases/{c.case.id}/actions/assign",
        "dispatcher_a",
        lambda c: {"version": c.case.version, "provider_id": c.world.provider.id, "note": "派单"},
        required=("version",),
    ),
    "rating": Endpoint(
        "POST",
        lambda c: f"/cases/{c.resolved.id}/rating",
        "resident_a",
        lambda c: {"resolved": True, "stars": 5, "comment": "满意"},
        required=("resolved", "stars"),
    ),
    "support": Endpoint("POST", lambda c: f"/cases/{c.case.id}/support", "resident_a2", None),
    "attachment": Endpoint(
        "POST", lambda c: f"/cases/{c.case.id}/attachments", "resident_a", None, ok=201
    ),
    "visit": Endpoint(
        "POST",
        lambda c: "/visits",
        "grid_worker_a1",
        lambda c: {
            "household_id": c.world.building_a1.households[0].id,
            "visited_at": "2025-01-02T03:04:05Z",
            "note": "老人安好",
        },
        required=("household_id", "visited_at"),
        ok=201,
    ),
}
JSON_ENDPOINTS = [name for name, e in ENDPOINTS.items() if e.body is not None]


def wrong_values(value) -> list[tuple[str, object]]:
    """Values of the wrong type (or out of range) for a field whose valid value is `value`."""
    if isinstance(value, bool):
        return [("string", "maybe"), ("int", 2), ("list", [True]), ("object", {"v": True})]
    if isinstance(value, int):
        return [
            ("string", "twelve"),
            ("numeric-string", "12"),
            ("float", 1.5),
            ("list", [1]),
            ("object", {"id": 1}),
            ("huge", 2**63),
            ("negative", -1),
            ("zero", 0),
        ]
    if isinstance(value, float):
        return [
            ("string", "north"),
            ("list", [1.0]),
            ("object", {"v": 1.0}),
            ("nan", math.nan),
            ("inf", math.inf),
            ("nan-string", "NaN"),
            ("out-of-range", 1000.0),
        ]
    return [
        ("int", 123),
        ("bool", True),
        ("list", [value]),
        ("object", {"v": value}),
        ("100kB", BIG),
    ]


def bad_field_cases():
    """(endpoint, field, [(label, body mutation)]) for every field of every JSON body."""
    # Built against placeholder ids: only the keys and value types of each body matter here.
    sample = Ctx(
        world=_Placeholder(), case=_Placeholder(), resolved=_Placeholder(), refresh_token="t"
    )
    for name in JSON_ENDPOINTS:
        endpoint = ENDPOINTS[name]
        yield pytest.param(
            name, "bogus", [("unknown-field", _with("bogus", "x"))], id=f"{name}-unknown-field"
        )
        for field, value in endpoint.body(sample).items():
            mutations = [("missing", _without(field))] if field in endpoint.required else []
            mutations.append(("null", _with(field, None)))
            mutations += [(label, _with(field, bad)) for label, bad in wrong_values(value)]
            yield pytest.param(name, field, mutations, id=f"{name}-{field}")


class _Placeholder:
    id = 1
    version = 1

    def __getattr__(self, name):
        return _Placeholder()

    def __getitem__(self, index):
        return _Placeholder()


def _without(field):
    return lambda body: {k: v for k, v in body.items() if k != field}


def _with(field, value):
    return lambda body: {**body, field: value}


def send(client, auth, ctx, name, *, path=None, **kwargs):
    endpoint = ENDPOINTS[name]
    user = getattr(ctx.world, endpoint.user) if endpoint.user else None
    headers = auth(user) if user else {}
    return client.open(
        API + (path or endpoint.path(ctx)), method=endpoint.method, headers=headers, **kwargs
    )


def valid_request(ctx, name) -> dict:
    if name == "attachment":
        return {
            "data": {"file": (io.BytesIO(png_bytes()), "photo.png")},
            "content_type": "multipart/form-data",
        }
    endpoint = ENDPOINTS[name]
    return {"json": endpoint.body(ctx)} if endpoint.body else {}


# --- the valid request of each endpoint works (so each refusal below is the bad input's doing) ---


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_valid_request_of_each_endpoint_succeeds(client, auth, ctx, name):
    response = send(client, auth, ctx, name, **valid_request(ctx, name))
    assert response.status_code == ENDPOINTS[name].ok, response.get_json()


# --- field by field -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "field", "mutations"), list(bad_field_cases()))
def test_a_bad_field_is_a_422_naming_the_field_and_writes_nothing(
    client, auth, ctx, subtests, name, field, mutations
):
    before = db_snapshot()
    for label, mutate in mutations:
        with subtests.test(label):
            response = send(client, auth, ctx, name, json=mutate(ENDPOINTS[name].body(ctx)))
            assert_problem(response, 422, field)
            assert db_snapshot() == before


REFERENCES = [
    ("report_case", "category", "no_such_category"),
    ("report_case", "org_id", UNKNOWN_ID),
    ("report_case", "id", "not-a-uuid"),
    ("report_case", "id", "x" * 100_000),
    ("create_user", "role", "superuser"),
    ("act", "provider_id", UNKNOWN_ID),
    ("visit", "household_id", UNKNOWN_ID),
    ("visit", "id", "not-a-uuid"),
    ("visit", "id", "x" * 100_000),
    ("visit", "visited_at", "yesterday"),
    ("register", "phone", "12345"),
    ("add_category", "code", "Has Spaces"),
]


@pytest.mark.parametrize(
    ("name", "field", "value"), REFERENCES, ids=[f"{n}-{f}-{str(v)[:20]}" for n, f, v in REFERENCES]
)
def test_an_unknown_reference_or_malformed_value_is_a_422_naming_the_field(
    client, auth, ctx, name, field, value
):
    before = db_snapshot()
    response = send(client, auth, ctx, name, json={**ENDPOINTS[name].body(ctx), field: value})
    assert_problem(response, 422, field)
    assert db_snapshot() == before


@pytest.mark.parametrize("name", ["register", "create_user"])
def test_an_unknown_home_org_of_an_account_is_a_404_problem(client, auth, ctx, name):
    before = db_snapshot()
    response = send(
        client, auth, ctx, name, json={**ENDPOINTS[name].body(ctx), "org_id": UNKNOWN_ID}
    )
    assert_problem(response, 404)
    assert db_snapshot() == before


# --- the body as a whole --------------------------------------------------------------------

WHOLE_BODIES = [
    ("invalid-json", {"data": "{bad", "content_type": "application/json"}, 400),
    ("truncated-json", {"data": '{"title": "x"', "content_type": "application/json"}, 400),
    ("text-plain", {"data": '{"a": 1}', "content_type": "text/plain"}, 415),
    (
        "form-urlencoded",
        {"data": "a=1&b=2", "content_type": "application/x-www-form-urlencoded"},
        415,
    ),
    ("xml", {"data": "<a/>", "content_type": "application/xml"}, 415),
]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_an_unreadable_or_non_json_body_is_refused_and_writes_nothing(
    client, auth, ctx, subtests, name
):
    before = db_snapshot()
    for label, request_kwargs, status in WHOLE_BODIES:
        with subtests.test(label):
            assert_problem(send(client, auth, ctx, name, **request_kwargs), status)
            assert db_snapshot() == before


NOT_OBJECTS = [("array", "[1, 2]"), ("string", '"hello"'), ("number", "42"), ("null", "null")]


@pytest.mark.parametrize("name", JSON_ENDPOINTS)
def test_a_json_body_that_is_not_an_object_is_a_422(client, auth, ctx, subtests, name):
    before = db_snapshot()
    for label, text in NOT_OBJECTS:
        if name == "logout" and text == "null":
            continue  # logout's body is optional: JSON null is no body
        with subtests.test(label):
            response = send(client, auth, ctx, name, data=text, content_type="application/json")
            assert_problem(response, 422)
            assert db_snapshot() == before


@pytest.mark.parametrize("name", [n for n in JSON_ENDPOINTS if ENDPOINTS[n].required])
def test_an_empty_body_is_a_422_naming_the_required_fields(client, auth, ctx, subtests, name):
    before = db_snapshot()
    for content_type in (None, "application/json"):
        with subtests.test(content_type=content_type):
            kwargs = {"content_type": content_type} if content_type else {}
            body = assert_problem(send(client, auth, ctx, name, data=b"", **kwargs), 422)
            assert set(ENDPOINTS[name].required) <= set(body["errors"]), body
            assert db_snapshot() == before


def test_an_empty_json_object_is_a_422_naming_every_required_field(client, auth, ctx):
    before = db_snapshot()
    response = send(client, auth, ctx, "report_case", json={})
    body = assert_problem(response, 422)
    assert set(body["errors"]) == {"category", "title", "description", "org_id"}
    assert db_snapshot() == before


# --- paths ------------------------------------------------------------------------------------

BAD_PATHS = [
    ("act", "/cases/not-a-uuid/actions/assign"),
    ("act", "/cases/12345/actions/assign"),
    ("act", f"/cases/{UNKNOWN_UUID}/actions/assign"),
    ("act", "/cases/{case}/actions/explode"),
    ("rating", "/cases/not-a-uuid/rating"),
    ("rating", f"/cases/{UNKNOWN_UUID}/rating"),
    ("support", "/cases/zzz/support"),
    ("support", f"/cases/{UNKNOWN_UUID}/support"),
    ("attachment", "/cases/not-a-uuid/attachments"),
    ("attachment", f"/cases/{UNKNOWN_UUID}/attachments"),
    ("patch_category", "/categories/no_such_category"),
    ("patch_category", "/categories/" + "x" * 5000),
]


@pytest.mark.parametrize(("name", "path"), BAD_PATHS, ids=[p for _, p in BAD_PATHS])
def test_a_malformed_or_unknown_id_in_the_path_is_a_404_problem(client, auth, ctx, name, path):
    before = db_snapshot()
    response = send(
        client, auth, ctx, name, path=path.format(case=ctx.case.id), **valid_request(ctx, name)
    )
    assert_problem(response, 404)
    assert db_snapshot() == before


def test_a_case_outside_the_callers_scope_is_a_404_not_a_403(client, auth, ctx):
    before = db_snapshot()
    response = client.post(
        f"{API}/cases/{ctx.case.id}/actions/assign",
        headers=auth(ctx.world.dispatcher_b),
        json={"version": 1, "provider_id": ctx.world.other_provider.id},
    )
    assert_problem(response, 404)
    assert db_snapshot() == before


def test_a_failed_logout_does_not_revoke_the_access_token(client, auth, ctx):
    headers = auth(ctx.world.resident_a)
    response = client.post(
        f"{API}/auth/logout", json={"refresh_token": "not-a-token"}, headers=headers
    )
    assert_problem(response, 422, "refresh_token")
    assert client.get(f"{API}/me", headers=headers).status_code == 200


# --- routes and methods -------------------------------------------------------------------------

UNKNOWN_ROUTES = [
    ("GET", "/api/v1/nope"),
    ("POST", "/api/v1/nope"),
    ("GET", "/api/v1/cases/not-a-uuid"),
    ("POST", "/api/v1/cases/" + UNKNOWN_UUID + "/actions"),
    ("DELETE", "/api/v2/cases"),
    ("PUT", "/api/whatever"),
]


@pytest.mark.parametrize(
    ("method", "path"), UNKNOWN_ROUTES, ids=[f"{m} {p}" for m, p in UNKNOWN_ROUTES]
)
def test_an_unknown_api_route_is_a_404_problem(client, auth, world, method, path):
    response = client.open(path, method=method, headers=auth(world.admin), json={})
    assert_problem(response, 404)


WRONG_METHODS = [
    ("GET", "/api/v1/auth/login"),
    ("DELETE", "/api/v1/cases"),
    ("PUT", "/api/v1/categories"),
    ("DELETE", "/api/v1/categories/elderly_care"),
    ("PATCH", "/api/v1/visits"),
    ("GET", "/api/v1/cases/" + UNKNOWN_UUID + "/rating"),
]


@pytest.mark.parametrize(
    ("method", "path"), WRONG_METHODS, ids=[f"{m} {p}" for m, p in WRONG_METHODS]
)
def test_a_wrong_method_on_a_known_route_is_a_405_problem(client, auth, world, method, path):
    response = client.open(path, method=method, headers=auth(world.admin), json={})
    assert_problem(response, 405)
    assert "Allow" in response.headers
