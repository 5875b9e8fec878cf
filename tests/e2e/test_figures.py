"""An officer's 考核 and 需求 in the real app: the month's table for their area, a
drill-down, the XLSX export that downloads, and the demand tables (issue 8)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_an_officer_reads_the_assessment_drills_down_and_exports_it(page: Page, app_ui, api):
    # What the API says officer1's (street) table holds this month: the page shows the same.
    table = api.get("officer1", "/assessment?group_by=org&level=community")
    assert table["rows"], "the demo street has communities"
    assert any(r["cases"] for r in table["rows"]), "and cases this month"

    app_ui.sign_in(page, "officer1")
    page.get_by_test_id("nav-figures").click()
    rows = page.get_by_test_id("assessment-row")
    expect(rows).to_have_count(len(table["rows"]))
    for row in table["rows"]:
        expect(page.get_by_test_id("assessment-table")).to_contain_text(row["unit"]["name"])

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.startswith("考核_")
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert any(r[0] == "排名" for r in sheet.iter_rows(values_only=True))

    # Drill into the first community: its providers.
    page.get_by_test_id("drill").first.click()
    expect(page.get_by_test_id("crumbs")).to_be_visible()
    expect(page.get_by_test_id("group-provider")).to_have_attribute("aria-pressed", "true")


def test_an_officer_reads_the_demand(page: Page, app_ui, api):
    demand = api.get("officer1", "/analytics/demand")

    app_ui.sign_in(page, "officer1")
    page.get_by_test_id("nav-figures").click()
    page.get_by_test_id("figures-demand").click()

    expect(page.get_by_test_id("heat-row").first).to_be_visible()
    recurring = page.get_by_test_id("recurring-item")
    expect(recurring).to_have_count(len(demand["recurring_needs"]))
    links = sum(len(r["openable_case_ids"]) for r in demand["recurring_needs"])
    expect(page.get_by_test_id("recurring-case")).to_have_count(links)
    if links:
        page.get_by_test_id("recurring-case").first.click()
        expect(page.get_by_test_id("case-reference")).to_be_visible()
