"""The authorization matrix, built from the OpenAPI document: every operation × every role ×
an object inside and one outside the caller's scope.

Each operation needs a rule below; an endpoint added without one fails
`test_every_operation_has_a_scope_rule`. For every cell the matrix checks:

- no 500;
- no resident's name or phone reaches a caller who is not handling that resident's case;
- outside the caller's scope: refused (403/404/422), or a list that leaves the object out;
- inside: the roles the rule names get a 2xx.

The inside case is resident_a's in grid A1, held by world.provider (with world.other_provider
as co-unit), escalated to the street so that every role of A's chain has it in scope. The
outside case is resident_b's in grid B1, held by world.other_provider, at grid level: outside
for every role of A's chain but the city admin, who sees everything.
"""

import io
import json
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import select

from linli.accounts.models import Role
from linli.categories.models import Category
from linli.db import utcnow
from linli.extensions import api, db
from linli.open311 import keys
from linli.orgs.service import add_building
from linli.routing.models import Responsibility
from linli.sheets.layouts import LAYOUTS, SheetKind
from linli.sheets.readers import workbook_bytes
from tests.factories import PASSWORD
from tests.support import API, CASES, case_row, later

R = Role
EVERYONE = frozenset(Role)
STAFF = EVERYONE - {R.RESIDENT}
# Who handles resident_a's inside case, and so may read resident_a's name and phone.
HANDLING_A = frozenset(
    {R.RESIDENT, R.GRID_WORKER, R.PROVIDER_STAFF, R.DISPATCHER, R.OFFICER, R.ADMIN}
)


@dataclass(frozen=True)
class Rule:
    """How to call an operation for an object `where` ("inside"/"outside"), and who gets 2xx."""

    call: object  # (client, headers, scene, where) -> response
    ok: frozenset = frozenset()  # roles with a 2xx inside their scope
    scoped: bool = True  # whether "outside" means anything for this operation
    lists: str | None = None  # for a list: the key of the object's id to look for ("id", "case_id")
    # Scope by area (org subtree) rather than by case: community B lies in the street
    # officer's area, so B's places are inside for officers.
    area: bool = False


PUSH_SUBSCRIPTION = {
    "endpoint": "https://push.example.org/send/matrix",
    "keys": {"p256dh": "BKey", "auth": "secret"},
}


def get(url):
    return lambda c, h, s, w: c.get(url(s, w), headers=h)


def post(url, body=None, **kwargs):
    return lambda c, h, s, w: c.post(
        url(s, w), headers=h, json=body(s, w) if body else None, **kwargs
    )


def case_url(suffix=""):
    return lambda s, w: f"{CASES}/{s.cases[w]['id']}{suffix}"


def _photo(client, headers, scene, where):
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    return client.post(
        case_url("/attachments")(scene, where),
        headers=headers,
        data={"file": (io.BytesIO(out.getvalue()), "p.png")},
        content_type="multipart/form-data",
    )


def _report(s, w):
    return {
        "category": "elderly_care",
        "title": "矩阵",
        "description": "范围检查",
        "org_id": s.grids[w].id,
    }


def _on_behalf(client, headers, scene, where):
    body = {**_report(scene, "inside"), "on_behalf_of": {"resident_id": scene.residents[where].id}}
    return client.post(CASES, headers=headers, json=body)


def _sheet(step):
    """A households sheet adding a home to the scene's grid `where`, sent to `step`."""

    def call(client, headers, scene, where):
        data = workbook_bytes(
            LAYOUTS[SheetKind.HOUSEHOLDS],
            [[scene.grids[where].code, "矩阵楼", "1-101"]],
            explain=False,
        )
        return client.post(
            f"{API}/sheets/households/{step}",
            headers=headers,
            data={"file": (io.BytesIO(data), "sheet.xlsx")},
            content_type="multipart/form-data",
        )

    return call


def _spare_home(scene, where):
    """A household no case or visit names, in the scene's grid `where` (its building's only one)."""
    building = add_building(scene.grids[where], "空楼", ["0-001"])
    db.session.commit()
    return building.households[0]


def _spare_line(scene, where):
    """A line of the responsibility list for the scene's community `where` (made once)."""
    health = db.session.scalar(select(Category.id).where(Category.code == "health"))
    org_id = scene.communities[where].id
    line = db.session.scalar(
        select(Responsibility).filter_by(category_id=health, org_id=org_id)
    ) or Responsibility(
        category_id=health, org_id=org_id, lead_provider_id=scene.providers[where].id
    )
    db.session.add(line)
    db.session.commit()
    return line


RULES: dict[tuple[str, str], Rule] = {
    # Public or self-only operations: no object of someone else's to reach.
    ("post", "/api/v1/auth/register"): Rule(
        post(lambda s, w: f"{API}/auth/register", lambda s, w: {}), scoped=False
    ),
    ("post", "/api/v1/auth/login"): Rule(
        post(lambda s, w: f"{API}/auth/login", lambda s, w: {"username": "x", "password": "y"}),
        scoped=False,
    ),
    ("post", "/api/v1/auth/verification-codes"): Rule(
        post(lambda s, w: f"{API}/auth/verification-codes", lambda s, w: {"phone": "13712345678"}),
        scoped=False,
    ),  # public; one code a minute per number, so only the first call gets 202
    ("post", "/api/v1/auth/refresh"): Rule(post(lambda s, w: f"{API}/auth/refresh"), scoped=False),
    ("post", "/api/v1/auth/logout"): Rule(
        post(lambda s, w: f"{API}/auth/logout"), EVERYONE, scoped=False
    ),
    ("get", "/api/v1/me"): Rule(get(lambda s, w: f"{API}/me"), EVERYONE, scoped=False),
    # One's own account: everyone, about themselves only.
    ("patch", "/api/v1/me"): Rule(
        # A name of its own each time: the cells check no resident's name leaks.
        lambda c, h, s, w: c.patch(
            f"{API}/me", headers=h, json={"display_name": f"Name {uuid.uuid4().hex[:8]}"}
        ),
        EVERYONE,
        scoped=False,
    ),
    # No code was texted in the matrix: everyone gets the same 422, about themselves only.
    ("post", "/api/v1/me/phone"): Rule(
        post(
            lambda s, w: f"{API}/me/phone", lambda s, w: {"phone": "13700000099", "code": "123456"}
        ),
        set(),
        scoped=False,
    ),
    ("post", "/api/v1/me/sign-out-everywhere"): Rule(
        post(lambda s, w: f"{API}/me/sign-out-everywhere"), EVERYONE, scoped=False
    ),
    ("get", "/api/v1/orgs"): Rule(get(lambda s, w: f"{API}/orgs"), EVERYONE, scoped=False),
    ("get", "/api/v1/map"): Rule(get(lambda s, w: f"{API}/map"), EVERYONE, scoped=False),
    ("get", "/api/v1/categories"): Rule(
        get(lambda s, w: f"{API}/categories"), EVERYONE, scoped=False
    ),
    ("get", "/api/v1/providers"): Rule(
        get(lambda s, w: f"{API}/providers"), EVERYONE, scoped=False
    ),
    ("get", "/api/v1/audit"): Rule(get(lambda s, w: f"{API}/audit"), {R.ADMIN}, scoped=False),
    ("get", "/api/v1/sla-policies"): Rule(
        get(lambda s, w: f"{API}/sla-policies"), EVERYONE, scoped=False
    ),
    # Administration: the admin only (the matrix's is the city's; tests/admin checks a
    # street admin's reach).
    ("post", "/api/v1/users"): Rule(
        post(
            lambda s, w: f"{API}/users",
            lambda s, w: {
                "username": f"new-{w}",
                "password": "a-long-new-password",
                "display_name": "新同事",
                "role": "dispatcher",
                "org_id": s.communities[w].id,
            },
        ),
        {R.ADMIN},
    ),
    ("get", "/api/v1/users"): Rule(
        get(lambda s, w: f"{API}/users?org_id={s.communities[w].id}"), {R.ADMIN}
    ),
    ("patch", "/api/v1/users/{user_id}"): Rule(
        lambda c, h, s, w: c.patch(
            f"{API}/users/{s.staff[w].id}", headers=h, json={"display_name": "改名"}
        ),
        {R.ADMIN},
    ),
    ("post", "/api/v1/users/{user_id}/password-reset"): Rule(
        post(lambda s, w: f"{API}/users/{s.staff[w].id}/password-reset"), {R.ADMIN}
    ),  # the admin's turn comes last: the reset account's tokens are void after it
    ("post", "/api/v1/me/password"): Rule(
        post(
            lambda s, w: f"{API}/me/password",
            lambda s, w: {"current_password": PASSWORD, "new_password": "a-fresh-long-password"},
        ),
        EVERYONE,
        scoped=False,
    ),
    ("post", "/api/v1/orgs"): Rule(
        post(
            lambda s, w: f"{API}/orgs",
            lambda s, w: {"parent_id": s.communities[w].id, "code": f"m-{w}", "name": "矩阵网格"},
        ),
        {R.ADMIN},
    ),
    ("patch", "/api/v1/orgs/{org_id}"): Rule(
        lambda c, h, s, w: c.patch(
            f"{API}/orgs/{s.grids[w].id}", headers=h, json={"name": "改名网格"}
        ),
        {R.ADMIN},
    ),
    ("post", "/api/v1/orgs/{org_id}/buildings"): Rule(
        post(
            lambda s, w: f"{API}/orgs/{s.grids[w].id}/buildings",
            lambda s, w: {"name": "矩阵楼", "households": ["1-101"]},
        ),
        {R.ADMIN},
    ),
    ("patch", "/api/v1/buildings/{building_id}"): Rule(
        lambda c, h, s, w: c.patch(
            f"{API}/buildings/{s.households[w].building_id}", headers=h, json={"name": "改名楼"}
        ),
        {R.ADMIN},
    ),
    ("post", "/api/v1/buildings/{building_id}/households"): Rule(
        post(
            lambda s, w: f"{API}/buildings/{s.households[w].building_id}/households",
            lambda s, w: {"label": "9-909"},
        ),
        {R.ADMIN},
    ),
    ("patch", "/api/v1/households/{household_id}"): Rule(
        lambda c, h, s, w: c.patch(
            f"{API}/households/{s.households[w].id}", headers=h, json={"label": "9-908"}
        ),
        {R.ADMIN},
    ),
    ("delete", "/api/v1/buildings/{building_id}"): Rule(
        lambda c, h, s, w: c.delete(f"{API}/buildings/{_spare_home(s, w).building_id}", headers=h),
        {R.ADMIN},
    ),
    ("delete", "/api/v1/households/{household_id}"): Rule(
        lambda c, h, s, w: c.delete(f"{API}/households/{_spare_home(s, w).id}", headers=h),
        {R.ADMIN},
    ),
    ("delete", "/api/v1/responsibilities/{line_id}"): Rule(
        lambda c, h, s, w: c.delete(f"{API}/responsibilities/{_spare_line(s, w).id}", headers=h),
        {R.ADMIN},
    ),
    ("get", "/api/v1/responsibilities"): Rule(
        get(lambda s, w: f"{API}/responsibilities"), {R.ADMIN}, scoped=False
    ),  # tests/admin checks a street admin's
    ("put", "/api/v1/responsibilities"): Rule(
        lambda c, h, s, w: c.put(
            f"{API}/responsibilities",
            headers=h,
            json={
                "category": "elderly_care",
                "org_id": s.communities[w].id,
                "lead_provider_id": s.providers[w].id,
            },
        ),
        {R.ADMIN},
    ),
    ("post", "/api/v1/categories"): Rule(
        post(
            lambda s, w: f"{API}/categories",
            lambda s, w: {"code": f"matrix_{w}", "name_zh": "矩阵", "name_en": "Matrix"},
        ),
        {R.ADMIN},
        scoped=False,
    ),
    ("patch", "/api/v1/categories/{code}"): Rule(
        lambda c, h, s, w: c.patch(
            f"{API}/categories/elderly_care", headers=h, json={"active": True}
        ),
        {R.ADMIN},
        scoped=False,
    ),
    ("post", "/api/v1/providers"): Rule(
        post(
            lambda s, w: f"{API}/providers",
            lambda s, w: {
                "name": f"矩阵{w}",
                "type": "enterprise",
                "categories": ["elderly_care"],
                "coverage": [s.communities[w].id],
            },
        ),
        {R.ADMIN},
    ),
    ("get", "/api/v1/providers/administered"): Rule(
        get(lambda s, w: f"{API}/providers/administered"), {R.ADMIN}, scoped=False
    ),  # tests/admin checks a street admin's
    ("patch", "/api/v1/providers/{provider_id}"): Rule(
        lambda c, h, s, w: c.patch(
            f"{API}/providers/{s.providers[w].id}", headers=h, json={"capacity": 60}
        ),
        {R.ADMIN},
    ),
    ("put", "/api/v1/sla-policies"): Rule(
        lambda c, h, s, w: c.put(
            f"{API}/sla-policies",
            headers=h,
            json={
                "priority": "normal",
                "accept_within_minutes": 1440,
                "resolve_within_minutes": 10080,
            },
        ),
        {R.ADMIN},
        scoped=False,
    ),
    # The working calendar: administrators read it, the (city) admin changes it.
    ("get", "/api/v1/calendar"): Rule(
        get(lambda s, w: f"{API}/calendar?year=2026"), {R.ADMIN}, scoped=False
    ),
    ("put", "/api/v1/calendar/days/{day}"): Rule(
        lambda c, h, s, w: c.put(
            f"{API}/calendar/days/2026-10-01", headers=h, json={"kind": "holiday"}
        ),
        {R.ADMIN},
        scoped=False,
    ),
    ("delete", "/api/v1/calendar/days/{day}"): Rule(
        lambda c, h, s, w: (
            c.put(f"{API}/calendar/days/2026-10-02", headers=h, json={"kind": "holiday"}),
            c.delete(f"{API}/calendar/days/2026-10-02", headers=h),
        )[1],
        {R.ADMIN},
        scoped=False,
    ),
    ("post", "/api/v1/calendar/national-import"): Rule(
        post(lambda s, w: f"{API}/calendar/national-import", lambda s, w: {"year": 2026}),
        {R.ADMIN},
        scoped=False,
    ),
    # Open311 client apps' keys: an admin, for a community of their area.
    ("post", "/api/v1/open311-keys"): Rule(
        post(
            lambda s, w: f"{API}/open311-keys",
            lambda s, w: {"name": f"矩阵App-{w}", "community_id": s.communities[w].id},
        ),
        {R.ADMIN},
    ),
    ("get", "/api/v1/open311-keys"): Rule(
        get(lambda s, w: f"{API}/open311-keys"), {R.ADMIN}, scoped=False
    ),
    ("delete", "/api/v1/open311-keys/{key_id}"): Rule(
        lambda c, h, s, w: c.delete(f"{API}/open311-keys/{s.open311_keys[w]}", headers=h),
        {R.ADMIN},
    ),
    # Spreadsheets in and out: admins, rows in their area (the export is of their area).
    ("get", "/api/v1/sheets/{kind}/template.xlsx"): Rule(
        get(lambda s, w: f"{API}/sheets/users/template.xlsx"), {R.ADMIN}, scoped=False
    ),
    ("get", "/api/v1/sheets/{kind}/export.xlsx"): Rule(
        get(lambda s, w: f"{API}/sheets/users/export.xlsx"), {R.ADMIN}, scoped=False
    ),
    ("post", "/api/v1/sheets/{kind}/plan"): Rule(_sheet("plan"), {R.ADMIN}),
    ("post", "/api/v1/sheets/{kind}/import"): Rule(_sheet("import"), {R.ADMIN}),
    # Places.
    ("get", "/api/v1/orgs/{org_id}/buildings"): Rule(
        get(lambda s, w: f"{API}/orgs/{s.grids[w].id}/buildings"),
        # residents of the grid's community: the buildings only, to say where a need is
        {R.RESIDENT, R.GRID_WORKER, R.DISPATCHER, R.OFFICER, R.ADMIN},
        area=True,
    ),
    ("post", "/api/v1/visits"): Rule(
        post(
            lambda s, w: f"{API}/visits",
            lambda s, w: {"household_id": s.households[w].id, "visited_at": s.visited_at},
        ),
        {R.GRID_WORKER},
    ),
    ("get", "/api/v1/visits"): Rule(
        get(lambda s, w: f"{API}/visits?grid_id={s.grids[w].id}"),
        {R.GRID_WORKER, R.DISPATCHER, R.ADMIN},
    ),
    # Cases.
    ("post", "/api/v1/cases"): Rule(_on_behalf, {R.GRID_WORKER, R.DISPATCHER, R.ADMIN}),
    ("get", "/api/v1/cases"): Rule(get(lambda s, w: CASES), EVERYONE, lists="id"),
    ("get", "/api/v1/cases/similar"): Rule(
        get(lambda s, w: f"{CASES}/similar?category=elderly_care&org_id={s.grids[w].id}"),
        STAFF - {R.PARTY_REVIEWER, R.PROVIDER_STAFF},
        lists="id",
    ),
    # Residents only, their own community's board (scope.community_board).
    ("get", "/api/v1/cases/board"): Rule(
        get(lambda s, w: f"{CASES}/board"), {R.RESIDENT}, lists="id"
    ),
    ("get", "/api/v1/cases/{case_id}"): Rule(get(case_url()), EVERYONE),
    ("get", "/api/v1/cases/{case_id}/events"): Rule(get(case_url("/events")), EVERYONE),
    ("post", "/api/v1/cases/{case_id}/support"): Rule(post(case_url("/support")), set()),
    # Only the reporter adds to their own open case.
    ("post", "/api/v1/cases/{case_id}/info"): Rule(
        post(case_url("/info"), lambda s, w: {"note": "补充：晚上更严重"}), {R.RESIDENT}
    ),
    ("post", "/api/v1/cases/{case_id}/actions/{action}"): Rule(
        post(
            case_url("/actions/coordinate"),
            lambda s, w: {
                "version": case_row(s.cases[w]).version,
                "lead_provider_id": s.providers[w].id,
                "note": "矩阵",
                "co_providers": [{"provider_id": s.partner.id, "due_at": later()}],
            },
        ),
        {R.DISPATCHER, R.OFFICER, R.ADMIN},
    ),
    ("post", "/api/v1/cases/{case_id}/attachments"): Rule(_photo, HANDLING_A | {R.PARTY_REVIEWER}),
    ("get", "/api/v1/cases/{case_id}/attachments/{attachment_id}"): Rule(
        get(lambda s, w: s.photos[w]), HANDLING_A | {R.PARTY_REVIEWER}
    ),
    ("get", "/api/v1/cases/{case_id}/routing"): Rule(
        get(case_url("/routing")), {R.GRID_WORKER, R.DISPATCHER, R.OFFICER, R.ADMIN}
    ),
    ("post", "/api/v1/cases/{case_id}/rating"): Rule(
        post(case_url("/rating"), lambda s, w: {"resolved": True, "stars": 5}), set()
    ),
    ("post", "/api/v1/cases/{case_id}/appeal"): Rule(
        post(case_url("/appeal"), lambda s, w: {"reason": "申诉"}), set()
    ),
    ("post", "/api/v1/cases/{case_id}/reviews"): Rule(
        post(case_url("/reviews"), lambda s, w: {"kind": "note", "note": "督办"}),
        {R.PARTY_REVIEWER, R.OFFICER, R.ADMIN},
    ),
    ("get", "/api/v1/reviews"): Rule(
        get(lambda s, w: f"{API}/reviews"), {R.PARTY_REVIEWER, R.OFFICER, R.ADMIN}, lists="id"
    ),
    # Figures: counts over the caller's area, no object to reach (tests/analytics checks
    # that another area's cases are not counted).
    ("get", "/api/v1/analytics/demand"): Rule(
        get(lambda s, w: f"{API}/analytics/demand"),
        {R.ADMIN, R.OFFICER, R.DISPATCHER, R.PARTY_REVIEWER, R.GRID_WORKER},
        scoped=False,
    ),
    ("get", "/api/v1/assessment"): Rule(
        get(lambda s, w: f"{API}/assessment?group_by=provider"), STAFF, scoped=False
    ),  # a provider's staff get their own row only (tests/assessment checks it)
    ("post", "/api/v1/assessment/periods/{period}/publish"): Rule(
        post(lambda s, w: f"{API}/assessment/periods/2026-01/publish"), {R.ADMIN}, scoped=False
    ),  # a district or city officer (the matrix's officer is a street's) or an admin
    # Joint-handling tasks: a provider's staff work their own unit's.
    ("get", "/api/v1/tasks"): Rule(
        get(lambda s, w: f"{API}/tasks"), {R.PROVIDER_STAFF}, lists="case_id"
    ),
    ("post", "/api/v1/tasks/{task_id}/actions/{action}"): Rule(
        post(lambda s, w: f"{API}/tasks/{s.tasks[w]}/actions/accept"), set()
    ),
    # Inboxes: one's own.
    ("get", "/api/v1/notifications"): Rule(
        get(lambda s, w: f"{API}/notifications"), EVERYONE, lists="id"
    ),
    ("post", "/api/v1/notifications/{notification_id}/read"): Rule(
        post(lambda s, w: f"{API}/notifications/{s.notifications[w]}/read"), set()
    ),
    ("post", "/api/v1/notifications/read-all"): Rule(
        post(lambda s, w: f"{API}/notifications/read-all"), EVERYONE, scoped=False
    ),
    # One's own browsers only: tests/notifications/test_push.py tries another user's.
    ("get", "/api/v1/push/vapid-public-key"): Rule(
        get(lambda s, w: f"{API}/push/vapid-public-key"), EVERYONE, scoped=False
    ),
    ("post", "/api/v1/push/subscriptions"): Rule(
        post(lambda s, w: f"{API}/push/subscriptions", lambda s, w: PUSH_SUBSCRIPTION),
        EVERYONE,
        scoped=False,
    ),
    ("delete", "/api/v1/push/subscriptions"): Rule(
        lambda c, h, s, w: (
            c.post(f"{API}/push/subscriptions", headers=h, json=PUSH_SUBSCRIPTION),
            c.delete(
                f"{API}/push/subscriptions",
                headers=h,
                json={"endpoint": PUSH_SUBSCRIPTION["endpoint"]},
            ),
        )[1],
        EVERYONE,
        scoped=False,
    ),
}


def documented_operations(app) -> set[tuple[str, str]]:
    with app.app_context():
        paths = api.spec.to_dict()["paths"]
    return {
        (method, path)
        for path, ops in paths.items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_every_operation_has_a_scope_rule(app):
    operations = documented_operations(app)

    assert operations - set(RULES) == set(), "operations without a scope rule"
    assert set(RULES) - operations == set(), "rules for operations that no longer exist"


@pytest.fixture
def scene(world, new_case, drive, act, client, auth, other_provider_serves_a, make_provider):
    """The inside and outside objects of every kind, as described in the module docstring."""
    partner = make_provider("区住建局", coverage=[world.district])
    inside = new_case(address="1号楼 1-101", description="王阿姨行动不便")
    inside = drive(inside, world.dispatcher_a, "assign", provider_id=world.provider.id)
    for _ in ("community", "street"):
        inside = drive(inside, world.provider_staff, "accept")
        inside = drive(inside, world.provider_staff, "resolve", note="处理完毕")
        inside = drive(inside, world.admin, "reopen")
    inside = drive(
        inside,
        world.admin,
        "coordinate",
        lead_provider_id=world.provider.id,
        co_providers=[{"provider_id": world.other_provider.id, "due_at": later()}],
    )
    outside = new_case(reporter=world.resident_b, org_id=world.grid_b1.id, address="乙1号楼")
    outside = drive(outside, world.dispatcher_b, "assign", provider_id=world.other_provider.id)
    building_b1 = add_building(world.grid_b1, "乙1号楼", ["2-201"])
    db.session.commit()

    def photo(case, user):
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, format="PNG")
        response = client.post(
            f"{CASES}/{case['id']}/attachments",
            headers=auth(user),
            data={"file": (io.BytesIO(out.getvalue()), "p.png")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["url"]

    def task_of(case, provider_staff):
        tasks = client.get(f"{API}/tasks", headers=auth(provider_staff)).get_json()["items"]
        return next((t["id"] for t in tasks if t["case_id"] == case["id"]), None)

    def notification_of(user):
        items = client.get(f"{API}/notifications", headers=auth(user)).get_json()["items"]
        return items[0]["id"]

    outside_task = drive(
        dict(outside, version=outside["version"]),
        world.dispatcher_b,
        "coordinate",
        lead_provider_id=world.other_provider.id,
        co_providers=[{"provider_id": partner.id, "due_at": later()}],
    )
    return SimpleNamespace(
        cases={
            "inside": client.get(f"{CASES}/{inside['id']}", headers=auth(world.admin)).get_json(),
            "outside": outside_task,
        },
        grids={"inside": world.grid_a1, "outside": world.grid_b1},
        communities={"inside": world.community_a, "outside": world.community_b},
        residents={"inside": world.resident_a, "outside": world.resident_b},
        staff={"inside": world.dispatcher_a, "outside": world.dispatcher_b},
        households={
            "inside": world.building_a1.households[0],
            "outside": building_b1.households[0],
        },
        providers={"inside": world.provider, "outside": world.other_provider},
        partner=partner,
        photos={
            "inside": photo(inside, world.resident_a),
            "outside": photo(outside, world.resident_b),
        },
        tasks={
            "inside": task_of(inside, world.other_provider_staff),
            "outside": outside_task["co_tasks"][0]["id"],
        },
        notifications={"inside": None, "outside": notification_of(world.other_provider_staff)},
        open311_keys={
            where: keys.issue_key(
                f"矩阵Key-{where}", community_id=community.id, actor=None, now=utcnow()
            )[0].id
            for where, community in (("inside", world.community_a), ("outside", world.community_b))
        },
        visited_at=later(-0.01),
    )


# Personal data a caller of each role may read: resident_a's (the inside case) when handling it.
def entitled(role: Role, resident_key: str) -> bool:
    return role is R.ADMIN or (resident_key == "inside" and role in HANDLING_A)


@pytest.mark.parametrize("operation", sorted(RULES), ids=lambda op: f"{op[0].upper()} {op[1]}")
def test_the_matrix(client, auth, world, scene, operation):
    """One operation, every role, inside and outside (one scene: it is costly to build)."""
    rule = RULES[operation]
    for role in Role:
        headers = auth(world.user(role))
        scene.notifications["inside"] = _own_notification(client, headers)
        for where in ("inside", "outside") if rule.scoped else ("inside",):
            db.session.rollback()  # what a refused request left behind, as the app's teardown does
            response = rule.call(client, headers, scene, where)
            _check_cell(rule, role, where, response, scene, f"{operation} as {role} {where}")


def _check_cell(rule: Rule, role: Role, where: str, response, scene, name: str) -> None:
    body = response.get_data().decode("utf-8", "replace")
    cell = f"{name}: {response.status_code} {body[:300]}"
    assert response.status_code < 500, cell
    for key, resident in scene.residents.items():
        if not entitled(role, key):
            assert resident.phone not in body and resident.display_name not in body, cell
    outside_for_caller = (
        where == "outside" and role is not R.ADMIN and not (rule.area and role is R.OFFICER)
    )
    if outside_for_caller and rule.scoped:
        if response.status_code < 300 and rule.lists:
            assert scene.cases["outside"]["id"] not in _listed_ids(response, rule.lists), cell
        elif rule.lists is None:
            assert response.status_code in (403, 404, 422), cell
    elif where == "inside" and role in rule.ok:
        assert 200 <= response.status_code < 300, cell


def _own_notification(client, headers):
    items = client.get(f"{API}/notifications", headers=headers).get_json()["items"]
    return items[0]["id"] if items else 999_999


def _listed_ids(response, key: str) -> set[str]:
    body = response.get_json()
    items = body["items"] if isinstance(body, dict) else body
    return {str(item.get(key)) for item in items} | {
        str(item.get("case", {}).get("id")) for item in items if isinstance(item.get("case"), dict)
    }


def test_the_matrix_sees_a_leak_when_there_is_one(client, auth, world, scene, monkeypatch):
    """The matrix itself can fail: widen a scope rule and the reviewer reads the reporter."""
    from linli.cases import scope

    monkeypatch.setattr(scope, "case_view", lambda actor, case: scope.CaseView.HANDLING)
    body = client.get(
        f"{CASES}/{scene.cases['inside']['id']}", headers=auth(world.reviewer_a)
    ).get_data(as_text=True)

    assert world.resident_a.phone in body
    assert json.loads(body)["reporter"]["id"] == world.resident_a.id
    assert uuid.UUID(json.loads(body)["id"])


# Open311 GeoReport v2 is outside the OpenAPI document (open311/api.py says why): its reads are
# anonymous, so no one reading them is entitled to any resident's name or phone.
OPEN311_READS = [  # (path, the cases it shows)
    ("requests.json", ("inside", "outside")),
    ("requests.xml", ("inside", "outside")),
    ("requests/{inside}.json", ("inside",)),
    ("requests/{outside}.xml", ("outside",)),
]


@pytest.mark.parametrize(("path", "shown"), OPEN311_READS)
def test_open311_reads_carry_no_residents_personal_data(client, scene, path, shown):
    references = {w: case["reference"] for w, case in scene.cases.items()}
    response = client.get("/open311/v2/" + path.format(**references))
    body = response.get_data(as_text=True)

    assert response.status_code == 200, body
    assert all(references[w] in body for w in shown)
    for resident in scene.residents.values():
        assert resident.phone not in body and resident.display_name not in body, body
    assert "王阿姨" not in body and "1-101" not in body  # the inside case's description, home
