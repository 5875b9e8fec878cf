"""A grid worker's follow-ups: the handled cases of their grids that residents have not confirmed."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_grid_worker_opens_follow_ups_from_the_round_and_sees_only_unconfirmed_cases(
    page: Page, app_ui, api
):
    resolved_in_grid = set(api.case_ids("grid1", state="resolved"))
    assert resolved_in_grid, "the demo city has resolved cases in grid1's grid"

    app_ui.sign_in(page, "grid1")
    page.get_by_test_id("nav-round").click()
    page.get_by_test_id("round-followups").click()

    expect(page.get_by_test_id("filter-state")).to_have_value("followup")
    items = page.get_by_test_id("case-item")
    expect(items.first).to_be_visible()
    shown = set(app_ui.shown_case_ids(page))
    assert shown == resolved_in_grid
    for state in page.get_by_test_id("case-state").all():
        expect(state).to_have_attribute("data-state", "resolved")
