"""Issue 11's acceptance, in the browser: on a fresh demo city the street admin (streetadmin1)
sets up a new community entirely in the app — the community and its grid in 组织, a building
by hand and one from the households template file in 导入导出, a provider covering the new
community with a staff account, a line of the responsibility list, a grid worker — and the
grid worker's report there goes to that provider, whose staff member signs in with the
one-time password and finds it in their queue. At 1280 px, with screenshots at 1280 and 360.

The demo city is the whole run's: every name is new, nothing outside the new community is
touched, and the community and provider are deactivated at the end (so later tests that pick
"a community of the street" or count providers find what they did before)."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from linli.sheets.readers import XLSX_MIMETYPE
from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e

BOTH = (1280, 360)  # screenshot widths
WORKER_PASSWORD = "a-new-grid-workers-password"
STAFF_PASSWORD = "a-new-staff-members-password"


def org_item(page: Page, code: str):
    return page.locator(f"[data-testid=org-item][data-code='{code}']")


def add_child(page: Page, parent_code: str, code: str, name: str) -> None:
    parent = org_item(page, parent_code)
    parent.get_by_test_id("org-edit").click()
    parent.get_by_test_id("org-child-code").fill(code)
    parent.get_by_test_id("org-child-name").fill(name)
    parent.get_by_test_id("org-child-submit").click()
    expect(org_item(page, code)).to_contain_text(name)


def filled_template(template: bytes, rows: list[list[str]]) -> dict:
    """The downloaded template with its example rows replaced by `rows`."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return {"name": "住户.xlsx", "mimeType": XLSX_MIMETYPE, "buffer": out.getvalue()}


def test_a_street_admin_sets_up_a_new_community_in_the_app(page: Page, app_ui, api):
    page.set_viewport_size({"width": 1280, "height": 900})
    tag = uuid.uuid4().hex[:6]
    street = next(
        o for o in api.get("admin1", "/orgs") if o["id"] == api.me("streetadmin1")["org_id"]
    )
    community_code, grid_code = f"e2e-c-{tag}", f"e2e-g-{tag}"
    provider_name = f"e2e社区服务站{tag}"
    staff_username, worker_username = f"e2e-staff-{tag}", f"e2e-grid-{tag}"
    try:
        app_ui.sign_in(page, "streetadmin1")
        page.get_by_test_id("nav-console").click()

        # 组织: the community under the street, a grid under it.
        page.get_by_test_id("console-orgs").click()
        add_child(page, street["code"], community_code, f"新社区{tag}")
        add_child(page, community_code, grid_code, f"新社区{tag}第1网格")
        orgs = {o["code"]: o for o in api.get("admin1", "/orgs")}
        community, grid = orgs[community_code], orgs[grid_code]
        assert (community["kind"], grid["kind"]) == ("community", "grid")

        # Its homes: a building with two households, a third added by hand, one removed.
        org_item(page, grid_code).get_by_test_id("org-homes").click()
        homes = org_item(page, grid_code).get_by_test_id("grid-homes")
        expect(homes.get_by_test_id("building-list")).to_be_empty()
        expect(homes).to_contain_text("这个网格还没有楼栋")
        homes.get_by_test_id("building-new-name").fill("1号楼")
        homes.get_by_test_id("building-new-households").fill("1-101\n1-102\n1-199")
        homes.get_by_test_id("building-add").click()
        building = homes.locator("[data-testid=building-item][data-name='1号楼']")
        building.get_by_test_id("building-open").click()
        expect(building.get_by_test_id("building-open")).to_have_text("住户（3）")
        households = homes.locator("[data-testid=building-households][data-building='1号楼']")
        households.get_by_test_id("household-new-label").fill("1-103")
        households.get_by_test_id("household-add").click()
        expect(building.get_by_test_id("building-open")).to_have_text("住户（4）")
        mistake = households.locator("[data-testid=household-item][data-name='1-199']")
        mistake.get_by_test_id("household-item-delete").click()
        mistake.get_by_test_id("household-item-delete-confirm").click()
        expect(mistake).to_have_count(0)
        expect(households.get_by_test_id("household-item")).to_have_count(3)
        shoot(page, "console-setup-homes", BOTH)

        # 导入导出: the households template, filled in, dry run, import.
        page.get_by_test_id("console-sheets").click()
        with page.expect_download() as download:
            page.get_by_test_id("sheet-template").click()
        template = download.value.path().read_bytes()
        rows = [[grid_code, "2号楼", "2-101"], [grid_code, "2号楼", "2-102"]]
        page.get_by_test_id("sheet-file").set_input_files(filled_template(template, rows))
        expect(page.get_by_test_id("sheet-counts")).to_have_text(
            "新建 2 · 修改 0 · 不变 0 · 拒绝 0"
        )
        page.get_by_test_id("sheet-confirm").click()
        expect(page.get_by_test_id("sheet-imported")).to_have_text(
            "导入完成：新建 2 行，修改 0 行。"
        )
        buildings = api.get("streetadmin1", f"/orgs/{grid['id']}/buildings")
        assert {b["name"]: sorted(h["label"] for h in b["households"]) for b in buildings} == {
            "1号楼": ["1-101", "1-102", "1-103"],
            "2号楼": ["2-101", "2-102"],
        }

        # 服务单位: a provider for the new community's elderly care, and its staff account.
        page.get_by_test_id("console-providers").click()
        page.get_by_test_id("provider-new").click()
        form = page.get_by_test_id("provider-form")
        form.get_by_test_id("provider-name").fill(provider_name)
        form.get_by_test_id("provider-categories").locator("input[value=elderly_care]").check()
        form.get_by_test_id("provider-coverage").locator(
            f"input[value='{community['id']}']"
        ).check()
        form.get_by_test_id("provider-submit").click()
        provider = page.locator(f"[data-testid=provider-item][data-name='{provider_name}']")
        expect(provider).to_contain_text(f"新社区{tag}")
        provider.get_by_test_id("provider-staff-open").click()
        staff = provider.get_by_test_id("provider-staff")
        expect(staff).to_contain_text("这个服务单位还没有工作人员账号")
        staff.get_by_test_id("staff-new").click()
        staff.get_by_test_id("staff-username").fill(staff_username)
        staff.get_by_test_id("staff-name").fill("新服务站小李")
        expect(staff.get_by_test_id("staff-org")).to_have_value(str(community["id"]))
        staff.get_by_test_id("staff-submit").click()
        one_time = staff.get_by_test_id("one-time-password")
        expect(one_time).to_be_visible()
        staff_password = one_time.inner_text()
        member = staff.locator(f"[data-testid=staff-item][data-username='{staff_username}']")
        expect(member).to_contain_text("新服务站小李")
        expect(member).to_contain_text("服务单位")
        member.get_by_test_id("staff-toggle").click()  # 停用, then 启用 again
        expect(member).to_have_attribute("data-active", "false")
        expect(member).to_contain_text("已停用")
        member.get_by_test_id("staff-toggle").click()
        expect(member).to_have_attribute("data-active", "true")
        shoot(page, "console-setup-staff", BOTH)
        provider_id = next(
            p["id"]
            for p in api.get("streetadmin1", "/providers/administered")
            if p["name"] == provider_name
        )

        # 责任清单: the new community's elderly care is led by the new unit.
        page.get_by_test_id("console-duties").click()
        expect(page.get_by_test_id("duties-hint")).to_contain_text("不改变派单")
        page.get_by_test_id("duty-new").click()
        duty = page.get_by_test_id("duty-form")
        duty.get_by_test_id("duty-category").select_option("elderly_care")
        duty.get_by_test_id("duty-org").select_option(str(community["id"]))
        duty.get_by_test_id("duty-lead").select_option(str(provider_id))
        duty.get_by_test_id("duty-note").fill("新社区助老小组")
        shoot(page, "console-setup-duty-form", BOTH)
        duty.get_by_test_id("duty-submit").click()
        line = page.locator(f"[data-testid=duty-item][data-org='{community['id']}']")
        expect(line.get_by_test_id("duty-lead-name")).to_have_text(f"牵头：{provider_name}")
        shoot(page, "console-setup-duties", BOTH)
        page.get_by_test_id("lang-toggle").click()
        expect(page.get_by_role("heading", name="Responsibility list")).to_be_visible()
        expect(line.get_by_test_id("duty-lead-name")).to_have_text(f"Lead: {provider_name}")
        shoot(page, "console-setup-duties-en", BOTH)
        page.get_by_test_id("lang-toggle").click()

        # 用户: a grid worker for the new grid.
        page.get_by_test_id("console-users").click()
        page.get_by_test_id("user-new").click()
        page.get_by_test_id("user-new-username").fill(worker_username)
        page.get_by_test_id("user-new-name").fill("新网格员")
        page.get_by_test_id("user-new-password").fill(WORKER_PASSWORD)
        page.get_by_test_id("user-new-role").select_option("grid_worker")
        page.get_by_test_id("user-new-org").select_option(str(grid["id"]))
        page.get_by_test_id("user-new-submit").click()
        expect(
            page.locator(f"[data-testid=user-item][data-username='{worker_username}']")
        ).to_be_visible()

        # The grid worker reports for a household there: the new unit has it at once.
        login = api.call(
            "POST", "/auth/login", body={"username": worker_username, "password": WORKER_PASSWORD}
        )
        assert login.status == 200, login
        household = next(b for b in buildings if b["name"] == "1号楼")["households"][0]
        case = api.call(
            "POST",
            "/cases",
            token=login.body["access_token"],
            body={
                "category": "elderly_care",
                "title": "独居老人需要助餐",
                "description": "新社区第一件诉求",
                "org_id": grid["id"],
                "household_id": household["id"],
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert case.status == 201, case
        assert (case.body["state"], case.body["provider_id"]) == ("assigned", provider_id)

        # The staff member signs in with the one-time password, sets their own, sees it.
        app_ui.sign_out(page)
        page.get_by_test_id("login-username").fill(staff_username)
        page.get_by_test_id("login-password").fill(staff_password)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("password-current").fill(staff_password)
        page.get_by_test_id("password-new").fill(STAFF_PASSWORD)
        page.get_by_test_id("password-submit").click()
        expect(
            page.locator(f"[data-testid=case-item][data-case-id='{case.body['id']}']")
        ).to_be_visible()
        shoot(page, "console-setup-provider-queue", BOTH)
    finally:
        _deactivate_what_was_made(api, community_code, provider_name)


def _deactivate_what_was_made(api, community_code: str, provider_name: str) -> None:
    for provider in api.get("admin1", "/providers/administered"):
        if provider["name"] == provider_name:
            api.as_user("admin1", "PATCH", f"/providers/{provider['id']}", body={"active": False})
    for org in api.get("admin1", "/orgs"):
        if org["code"] == community_code:
            api.as_user("admin1", "PATCH", f"/orgs/{org['id']}", body={"active": False})
