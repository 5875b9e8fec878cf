"""The community board at 360 px: a neighbour sees a need as a notice board shows it (no
reporter, no address) and +1s it from there; in English too."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.screens import shoot
from tests.e2e.test_profile import a_new_resident

pytestmark = pytest.mark.e2e


def test_a_neighbour_plus_ones_a_need_from_the_community_board(page: Page, app_ui, api):
    case = api.report(
        "resident1",
        title="小区健身器材坏了",
        description="张大爷说5号楼旁边的单杠松了",
        address="5号楼",
    )
    neighbour = a_new_resident(api)
    page.set_viewport_size({"width": 360, "height": 800})
    app_ui.sign_in(page, neighbour)
    page.get_by_test_id("nav-board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("社区诉求")
    row = page.locator(f"[data-testid=board-item][data-case-id='{case['id']}']")
    expect(row).to_contain_text("小区健身器材坏了")
    expect(row).not_to_contain_text("张大爷")
    expect(row).not_to_contain_text("5号楼")
    expect(page.get_by_test_id("board-open")).to_be_visible()
    shoot(page, "board", (360, 1280))

    row.get_by_test_id("board-support").click()
    expect(row.get_by_test_id("board-support")).to_have_text("已 +1")
    expect(row.get_by_test_id("board-support")).to_be_disabled()
    expect(row.get_by_test_id("board-supporters")).to_have_text("1 人关注")
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    assert api.get("resident1", f"/cases/{case['id']}")["supporters"] == 1

    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community needs")
    expect(page.get_by_test_id("nav-board")).to_contain_text("Community")
    shoot(page, "board-en", (360, 1280))
    page.get_by_test_id("lang-toggle").click()
