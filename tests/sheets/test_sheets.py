"""Sheets in and out: the dry run is what the import does, a bad row refuses the whole file,
an export imports back unchanged, offices' encodings are read, bad files are 422 problems."""

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from linli.accounts.models import Role, User
from linli.accounts.permissions import org_in_scope
from linli.audit.models import AuditRecord
from linli.extensions import db
from linli.orgs.models import Building, Household, Org, OrgKind
from linli.routing.models import Provider
from linli.sheets.layouts import LAYOUTS, SheetKind
from tests.factories import make_user
from tests.sheets.conftest import csv_bytes, xlsx
from tests.support import API, assert_problem, count, settle

KINDS = [k.value for k in SheetKind]


def households_in(grid) -> list[tuple[str, str]]:
    return sorted(
        db.session.execute(
            select(Building.name, Household.label)
            .join(Household, Household.building_id == Building.id)
            .where(Building.grid_id == grid.id)
        ).all()
    )


def everything() -> dict:
    """What an import could write, to compare before and after."""
    settle()
    db.session.expire_all()
    return {
        "orgs": sorted(db.session.execute(select(Org.code, Org.name, Org.name_en, Org.path))),
        "homes": sorted(
            db.session.execute(
                select(Building.grid_id, Building.name, Household.label).join(Household)
            )
        ),
        "users": sorted(
            db.session.execute(
                select(User.username, User.display_name, User.phone, User.role, User.org_id)
            )
        ),
        "providers": sorted(
            (p.name, p.type, p.capacity, p.contact, sorted(o.id for o in p.coverage))
            for p in db.session.scalars(select(Provider))
        ),
        "audit": count(AuditRecord),
    }


def test_the_dry_run_lists_what_the_import_then_does(send, world):
    rows = [
        ["t-ca-1", "1号楼", "1-101"],  # already there
        ["t-ca-1", "1号楼", "1-201"],
        ["t-ca-2", "5号楼", "1单元101室"],
    ]
    before = everything()

    dry = send("households", xlsx("households", rows))
    assert dry.status_code == 200, dry.get_json()
    assert everything() == before  # the dry run writes nothing
    done = send("households", xlsx("households", rows), "import")

    assert done.status_code == 200, done.get_json()
    assert done.get_json() == dry.get_json()
    assert dry.get_json()["counts"] == {"create": 2, "change": 0, "unchanged": 1, "refuse": 0}
    assert [(r["row"], r["action"], r["key"]) for r in dry.get_json()["rows"]] == [
        (3, "create", "t-ca-1 / 1号楼 / 1-201"),
        (4, "create", "t-ca-2 / 5号楼 / 1单元101室"),
    ]
    settle()
    assert households_in(world.grid_a1) == [
        ("1号楼", "1-101"),
        ("1号楼", "1-102"),
        ("1号楼", "1-201"),
    ]
    assert households_in(world.grid_a2) == [("5号楼", "1单元101室")]


def test_a_bad_row_refuses_the_whole_file_with_its_row_and_reason(send, world):
    rows = [
        ["t-ca-1", "2号楼", "2-101"],
        ["t-ca-9", "2号楼", "2-102"],  # no such grid
        ["t-ca", "2号楼", "2-103"],  # a community, not a grid
        ["t-ca-1", "", "2-104"],  # no building
        ["t-ca-1", "2号楼", "2-101"],  # repeats row 2
    ]
    before = everything()

    dry = send("households", xlsx("households", rows)).get_json()
    response = send("households", xlsx("households", rows), "import")

    body = assert_problem(response, 422)
    assert body["type"].endswith("/sheet-refused")
    assert body["counts"] == {"create": 1, "change": 0, "unchanged": 0, "refuse": 4}
    assert [(r["row"], r["problems"]) for r in body["rows"]] == [
        (3, [{"code": "unknown_org", "column": "grid", "params": {}}]),
        (4, [{"code": "not_a_grid", "column": "grid", "params": {}}]),
        (5, [{"code": "required", "column": "building", "params": {}}]),
        (6, [{"code": "duplicate_row", "column": None, "params": {"row": 2}}]),
    ]
    assert [r for r in dry["rows"] if r["action"] == "refuse"] == body["rows"]
    assert everything() == before


def test_fixing_the_bad_row_lets_the_file_in(send, world):
    bad = [["t-ca-1", "2号楼", "2-101"], ["t-ca-9", "2号楼", "2-102"]]
    assert send("households", xlsx("households", bad), "import").status_code == 422
    settle()

    fixed = [["t-ca-1", "2号楼", "2-101"], ["t-ca-2", "2号楼", "2-102"]]
    response = send("households", xlsx("households", fixed), "import")

    assert response.status_code == 200, response.get_json()
    settle()
    assert households_in(world.grid_a2) == [("2号楼", "2-102")]


@pytest.mark.parametrize("kind", KINDS)
def test_an_export_imports_back_changing_nothing(send, download, world, kind):
    before = everything()

    response = send(kind, download(kind), "import")

    assert response.status_code == 200, response.get_json()
    counts = response.get_json()["counts"]
    assert counts["unchanged"] > 0
    assert counts == {**counts, "create": 0, "change": 0, "refuse": 0}
    assert everything() == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(send, world):
    data = xlsx("users", [["wang", "王网格员", "13912345678", "网格员", "t-ca-2", ""]])
    assert send("users", data, "import").get_json()["counts"]["create"] == 1
    before = everything()

    again = send("users", data, "import").get_json()

    assert again["counts"] == {"create": 0, "change": 0, "unchanged": 1, "refuse": 0}
    assert everything() == before


def test_title_rows_above_the_header_are_passed_over(send, world):
    data = "桃园社区住户登记表,,\n2026年12月,,\n网格编码,楼栋,单元门牌\nt-ca-2,3号楼,3-101\n"

    body = send("households", data.encode("gb18030"), name="住户.csv").get_json()

    assert [(r["row"], r["action"]) for r in body["rows"]] == [(4, "create")]


def test_a_name_starting_with_an_equals_sign_is_exported_as_text(send, download, world):
    world.provider.name = '=HYPERLINK("http://x")'
    db.session.commit()

    exported = download("providers")

    names = [row[0] for row in load_workbook(io.BytesIO(exported)).worksheets[0].iter_rows()]
    cell = next(c for c in names if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"  # text, not a formula
    counts = send("providers", exported, "import").get_json()["counts"]
    assert counts == {"create": 0, "change": 0, "unchanged": 2, "refuse": 0}


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_from_offices_excel_is_read_in_its_encoding(send, world, encoding):
    data = csv_bytes("households", [["t-ca-2", "七号楼", "东单元一〇一"]], encoding)

    response = send("households", data, "import", name="住户.csv")

    assert response.status_code == 200, response.get_json()
    settle()
    assert households_in(world.grid_a2) == [("七号楼", "东单元一〇一")]


def test_an_xlsx_with_numbers_for_phone_and_capacity_is_read_as_text(send, world):
    data = xlsx("users", [["li", "李调度", 13912345679, "dispatcher", "t-ca", None]])

    response = send("users", data, "import")

    assert response.status_code == 200, response.get_json()
    settle()
    assert db.session.scalar(select(User.phone).where(User.username == "li")) == "13912345679"


def test_rows_outside_the_admins_area_are_refused(send, download, world):
    street_admin = make_user("admin_ca", Role.ADMIN, world.community_a)
    db.session.commit()
    if org_in_scope(street_admin, world.grid_b1):
        pytest.skip("admins are scoped to their subtree by the console (issue 11)")
    before = everything()

    response = send(
        "households",
        xlsx("households", [["t-ca-1", "9号楼", "9-101"], ["t-cb-1", "9号楼", "9-101"]]),
        "import",
        as_=street_admin,
    )

    body = assert_problem(response, 422)
    assert [(r["row"], r["problems"][0]["code"]) for r in body["rows"]] == [(3, "outside_area")]
    assert everything() == before
    exported = load_workbook(io.BytesIO(download("households", as_=street_admin)))
    assert {row[0] for row in list(exported.worksheets[0].values)[1:]} == {"t-ca-1"}


def _broken_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_a_spreadsheet"),
        (bytes(range(256)) * 4, "not_a_spreadsheet"),
        (_broken_xlsx(), "not_a_spreadsheet"),
        (xlsx("households", [])[:200], "not_a_spreadsheet"),  # a truncated upload
        (b"\n\n", "empty"),
        ("网格编码,楼栋,单元门牌\n".encode(), "no_rows"),
        ("网格,楼,门\nt-ca-1,1号楼,1-103\n".encode(), "wrong_headers"),
        (xlsx("users", [["u", "n", "", "网格员", "t-ca-1", ""]]), "wrong_headers"),
    ],
    ids=[
        "empty",
        "png",
        "binary",
        "docx-like zip",
        "truncated",
        "blank",
        "header only",
        "wrong headers",
        "another kind",
    ],
)
@pytest.mark.parametrize("step", ["plan", "import"])
def test_a_file_that_is_not_the_sheet_is_a_422_problem(send, world, data, code, step):
    before = everything()

    response = send("households", data, step)

    body = assert_problem(response, 422, "file")
    assert body["sheet"]["code"] == code
    if code == "wrong_headers":
        assert body["sheet"]["expected"] == LAYOUTS[SheetKind.HOUSEHOLDS].headers
        assert body["sheet"]["missing"]
    assert everything() == before


@pytest.mark.parametrize("as_", [xlsx, csv_bytes])
def test_a_file_with_too_many_rows_is_refused_before_it_is_planned(send, world, monkeypatch, as_):
    from linli.sheets import readers

    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    data = as_("households", [["t-ca-1", "1号楼", f"9-{i}"] for i in range(5)])

    body = assert_problem(send("households", data), 422, "file")

    assert body["sheet"] == {"code": "too_many_rows", "max": 3}


def test_a_request_without_a_file_or_of_an_unknown_kind_is_a_problem(client, auth, world):
    headers = auth(world.admin)
    assert_problem(client.post(f"{API}/sheets/households/plan", headers=headers), 422, "file")
    assert_problem(client.get(f"{API}/sheets/buses/template.xlsx", headers=headers), 404)


@pytest.mark.parametrize("kind", KINDS)
def test_the_template_has_the_headers_an_example_and_the_columns_explained(download, kind):
    book = load_workbook(io.BytesIO(download(kind, "template")))

    rows = list(book.worksheets[0].values)
    layout = LAYOUTS[SheetKind(kind)]
    assert list(rows[0]) == layout.headers
    assert len(rows) == 2
    notes = list(book["填写说明"].values)
    assert [r[0] for r in notes[1 : 1 + len(layout.columns)]] == layout.headers


def test_sheets_are_for_admins(client, auth, world, send):
    response = client.get(f"{API}/sheets/users/export.xlsx", headers=auth(world.officer_street))
    assert_problem(response, 403)
    assert_problem(send("households", xlsx("households", []), as_=world.dispatcher_a), 403)


# --- each kind's rules ---------------------------------------------------------------------


def test_an_org_file_builds_a_community_with_its_grids_in_any_order(send, world):
    rows = [
        ["网格", "t-cc-1", "丙1网格", "Bing Grid 1", "t-cc"],
        ["社区", "t-cc", "丙社区", "Bing", "t-s"],
        ["社区", "t-ca", "甲社区（新名）", "", "t-s"],
    ]

    body = send("orgs", xlsx("orgs", rows), "import").get_json()

    assert body["counts"] == {"create": 2, "change": 1, "unchanged": 0, "refuse": 0}
    assert body["rows"][2]["changes"] == [
        {"column": "name", "before": "甲社区", "after": "甲社区（新名）"}
    ]
    settle()
    grid = db.session.scalar(select(Org).where(Org.code == "t-cc-1"))
    community = db.session.scalar(select(Org).where(Org.code == "t-cc"))
    assert (grid.kind, grid.parent_id, grid.name_en) == (OrgKind.GRID, community.id, "Bing Grid 1")
    assert grid.path == f"{world.street.path}{community.id}/{grid.id}/"
    assert count(AuditRecord, AuditRecord.object_type == "org") == 3


def test_an_org_file_cannot_move_a_node_or_skip_a_level(send, world):
    rows = [
        ["网格", "t-ca-1", "甲1网格", "", "t-cb"],  # a move: the console's job
        ["网格", "t-x-1", "新网格", "", "t-s"],  # a grid under a street
        ["楼", "t-x-2", "新楼", "", "t-ca"],
        ["社区", "t-x-3", "新社区", "", "t-nowhere"],
    ]

    body = assert_problem(send("orgs", xlsx("orgs", rows), "import"), 422)

    assert [(r["row"], [p["code"] for p in r["problems"]]) for r in body["rows"]] == [
        (2, ["move_in_console"]),
        (3, ["wrong_parent_level"]),
        (4, ["unknown_level"]),
        (5, ["unknown_parent"]),
    ]
    assert body["rows"][1]["problems"][0]["params"] == {"expected": "社区"}


def test_imported_accounts_have_no_password_until_an_admin_resets_it(send, client, world):
    rows = [["zhao", "赵师傅", "+86 139-1234-5670", "服务单位", "t-s", "街道服务中心"]]

    assert send("users", xlsx("users", rows), "import").status_code == 200

    settle()
    user = db.session.scalar(select(User).where(User.username == "zhao"))
    assert (user.phone, user.role, user.provider_id) == (
        "13912345670",
        Role.PROVIDER_STAFF,
        world.provider.id,
    )
    for password in ("", "!imported: set by a password reset", user.password_hash):
        login = client.post(f"{API}/auth/login", json={"username": "zhao", "password": password})
        assert login.status_code in (401, 422), login.get_json()
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.object_id == str(user.id)))
    assert record.changes["phone"] == [None, "139****5670"]
    # When a password was set may show (the console's reset does), the password never does.
    assert "password_hash" not in record.changes
    assert user.password_hash not in str(record.changes)


def test_a_user_file_refuses_bad_phones_roles_and_providers(send, world):
    rows = [
        ["a1", "甲", "12345", "网格员", "t-ca-1", ""],
        ["a2", "乙", "13900000001", "网格员", "t-ca-1", ""],  # resident_a's phone
        ["a3", "丙", "", "居民", "t-ca-1", ""],
        ["a4", "丁", "", "服务单位", "t-s", ""],
        ["a5", "戊", "", "社区调度", "t-ca", "街道服务中心"],
        ["a6", "己", "", "网格员", "t-s", ""],
        ["resident_a", "王", "", "社区调度", "t-ca", ""],
        ["a7", "庚", "13912340000", "管理员", "t-ca", ""],
        ["a8", "辛", "139 1234 0000", "管理员", "t-ca", ""],
    ]

    body = assert_problem(send("users", xlsx("users", rows), "import"), 422)

    assert [(r["row"], [p["code"] for p in r["problems"]]) for r in body["rows"]] == [
        (2, ["invalid_phone"]),
        (3, ["phone_taken"]),
        (4, ["unknown_role"]),
        (5, ["provider_required"]),
        (6, ["provider_not_allowed"]),
        (7, ["wrong_org_kind"]),
        (8, ["resident_account"]),
        (10, ["duplicate_phone"]),
    ]
    assert count(User, User.username.like("a_")) == 0


def test_a_user_file_lists_the_changes_to_an_account(send, world):
    rows = [["dispatcher_a", "刘调度", "13912345671", "社区调度", "t-cb", ""]]

    body = send("users", xlsx("users", rows)).get_json()

    assert body["rows"][0]["changes"] == [
        {"column": "display_name", "before": "Dispatcher_A", "after": "刘调度"},
        {"column": "phone", "before": "", "after": "13912345671"},
        {"column": "org", "before": "t-ca", "after": "t-cb"},
    ]


def test_a_provider_file_names_categories_and_coverage(send, world):
    rows = [
        ["丙助餐点", "企业", "社区助餐、health", "t-ca;t-cb", "30", "12345"],
        ["街道服务中心", "政府部门", "养老服务", "t-s", "80", ""],
        ["丁", "公司", "外卖", "t-zz", "0", ""],
        ["", "企业", "社区助餐", "t-ca", "many", ""],
    ]

    body = assert_problem(send("providers", xlsx("providers", rows), "import"), 422)
    assert [p["code"] for p in body["rows"][0]["problems"]] == [
        "unknown_type",
        "unknown_category",
        "unknown_org",
        "out_of_range",
    ]
    assert [p["code"] for p in body["rows"][1]["problems"]] == ["required", "out_of_range"]
    settle()

    done = send("providers", xlsx("providers", rows[:2]), "import").get_json()

    assert done["counts"] == {"create": 1, "change": 1, "unchanged": 0, "refuse": 0}
    assert {c["column"] for c in done["rows"][1]["changes"]} == {"categories", "capacity"}
    settle()
    meals = db.session.scalar(select(Provider).where(Provider.name == "丙助餐点"))
    assert sorted(c.code for c in meals.categories) == ["community_meals", "health"]
    assert sorted(o.code for o in meals.coverage) == ["t-ca", "t-cb"]


# --- bulk statements -------------------------------------------------------------------------


def _homes(n: int) -> bytes:
    return xlsx("households", [["t-ca-2", f"{i % 7}号楼", f"{i}-101"] for i in range(n)])


def test_a_households_file_costs_the_same_statements_for_10_rows_as_for_100(
    send, world, statements
):
    def cost(n, step):
        data = _homes(n)
        used = statements(lambda: send("households", data, step))
        settle()
        db.session.execute(
            Household.__table__.delete().where(
                Household.building_id.in_(
                    select(Building.id).where(Building.grid_id == world.grid_a2.id)
                )
            )
        )
        db.session.execute(Building.__table__.delete().where(Building.grid_id == world.grid_a2.id))
        db.session.commit()
        return used

    assert cost(10, "plan") == cost(100, "plan")
    assert cost(10, "import") == cost(100, "import")
    assert db.session.scalar(select(func.count()).select_from(Household)) == 2


def test_an_account_created_meanwhile_makes_the_import_a_409_writing_nothing(
    send, world, monkeypatch
):
    from linli.sheets.kinds import users

    planned = users.plan

    def plan_then_someone_else_creates_wang(actor, rows):
        sheet = planned(actor, rows)
        make_user("wang", Role.DISPATCHER, world.community_a)  # another admin, just now
        return sheet

    monkeypatch.setattr(users, "plan", plan_then_someone_else_creates_wang)
    rows = [
        ["wang", "王网格员", "", "网格员", "t-ca-2", ""],
        ["li", "李", "", "网格员", "t-ca-2", ""],
    ]

    response = send("users", xlsx("users", rows), "import")

    assert assert_problem(response, 409)["type"].endswith("/sheet-conflict")
    settle()
    assert count(User, User.username.in_(["wang", "li"])) == 0


def test_an_optional_column_left_out_leaves_that_field_alone(send, world):
    world.dispatcher_a.phone = "13912345672"
    world.provider.contact = "12345"
    db.session.commit()
    users = "用户名,姓名,角色,所属组织编码\ndispatcher_a,Dispatcher_A,社区调度,t-ca\nstaff,Staff,服务单位,t-s\n"
    providers = "名称,类型,服务类别,覆盖范围,容量\n街道服务中心,政府部门,养老服务,t-s,50\n"

    accounts = send("users", users.encode(), "import", name="users.csv").get_json()
    units = send("providers", providers.encode(), "import", name="providers.csv").get_json()

    assert accounts["counts"] == {"create": 0, "change": 0, "unchanged": 2, "refuse": 0}
    assert [c["column"] for c in units["rows"][0]["changes"]] == ["categories"]
    settle()
    assert db.session.get(User, world.dispatcher_a.id).phone == "13912345672"
    assert db.session.get(User, world.provider_staff.id).provider_id == world.provider.id
    assert db.session.get(Provider, world.provider.id).contact == "12345"
