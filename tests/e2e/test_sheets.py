"""Issue 11, spreadsheets in the browser at 1280 and 360 px: admin1 chooses a households file
with one bad row, the dry run shows it with its reason and no import is offered (the import
itself is refused, nothing written); the fixed file's dry run, import and progress."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from linli.sheets.layouts import LAYOUTS, SheetKind
from linli.sheets.readers import XLSX_MIMETYPE, workbook_bytes
from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e

GRID = "demo-c1-g1"  # resident1's grid in the demo city


def households(rows: list[list[str]]) -> dict:
    data = workbook_bytes(LAYOUTS[SheetKind.HOUSEHOLDS], rows, explain=False)
    return {"name": "住户.xlsx", "mimeType": XLSX_MIMETYPE, "buffer": data}


def homes_in(api, building: str) -> list[str]:
    grid = next(o for o in api.get("admin1", "/orgs") if o["code"] == GRID)
    found = api.get("admin1", f"/orgs/{grid['id']}/buildings")
    return sorted(h["label"] for b in found if b["name"] == building for h in b["households"])


@pytest.mark.parametrize("width", [1280, 360])
def test_an_admin_imports_households_after_fixing_the_refused_row(page: Page, app_ui, api, width):
    page.set_viewport_size({"width": width, "height": 900})
    building = f"E2E{width}号楼"
    good = [[GRID, building, "1-101"], [GRID, building, "1-102"]]
    bad = [*good, ["demo-c1-g99", building, "1-103"]]
    app_ui.sign_in(page, "admin1")
    page.get_by_test_id("nav-console").click()
    page.get_by_test_id("console-sheets").click()
    expect(page.get_by_role("heading", name="导入导出")).to_be_visible()
    expect(page.get_by_test_id("sheet-kind-households")).to_have_attribute("aria-pressed", "true")
    shoot(page, "sheets-empty")

    # The template downloads with its headers.
    with page.expect_download() as download:
        page.get_by_test_id("sheet-template").click()
    assert download.value.suggested_filename == "住户_模板.xlsx"
    template = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert next(template.iter_rows(values_only=True)) == ("网格编码", "楼栋", "单元门牌")

    page.get_by_test_id("sheet-file").set_input_files(households(bad))
    expect(page.get_by_test_id("sheet-refused-note")).to_be_visible()
    expect(page.get_by_test_id("sheet-counts")).to_have_text("新建 2 · 修改 0 · 不变 0 · 拒绝 1")
    refused = page.locator("[data-testid=sheet-row][data-action=refuse]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("4")  # the row number in the file (the header is row 1)
    expect(refused).to_contain_text("网格编码：组织编码不存在")
    expect(page.get_by_test_id("sheet-confirm")).to_have_count(0)
    shoot(page, "sheets-refused")

    # Sent anyway, the import refuses the whole file and writes nothing.
    token = page.evaluate("JSON.parse(localStorage.getItem('linli.session')).access_token")
    response = page.request.post(
        "/api/v1/sheets/households/import",
        headers={"Authorization": f"Bearer {token}"},
        multipart={"file": households(bad)},
    )
    assert response.status == 422
    assert [r["row"] for r in response.json()["rows"]] == [4]
    assert homes_in(api, building) == []

    page.get_by_test_id("sheet-file").set_input_files(households(good))
    expect(page.get_by_test_id("sheet-counts")).to_have_text("新建 2 · 修改 0 · 不变 0 · 拒绝 0")
    expect(page.locator("[data-testid=sheet-row][data-action=create]")).to_have_count(2)
    shoot(page, "sheets-planned")
    page.get_by_test_id("sheet-confirm").click()
    expect(page.get_by_test_id("sheet-imported")).to_have_text("导入完成：新建 2 行，修改 0 行。")
    expect(page.get_by_test_id("sheet-progress")).to_have_count(0)
    shoot(page, "sheets-imported")
    assert homes_in(api, building) == ["1-101", "1-102"]

    # The same file again: nothing to import.
    page.get_by_test_id("sheet-file").set_input_files(households(good))
    expect(page.get_by_test_id("sheet-counts")).to_have_text("新建 0 · 修改 0 · 不变 2 · 拒绝 0")
    expect(page.get_by_test_id("sheet-confirm")).to_have_count(0)
