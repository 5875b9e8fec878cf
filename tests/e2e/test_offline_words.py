"""Issue 10, items 7 and 9 in the browser at 360 px: one offline banner, a case page that says
once how old its copy is, a report made offline shown with its photo, and the outbox in the
resident's words, reached from the ⟳ badge (residents have no outbox tab)."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.screens import shoot

pytestmark = pytest.mark.e2e


def png(width: int = 48, height: int = 32) -> bytes:
    """A small orange picture, made here so the test needs no file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xf0\x80\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_offline_a_resident_sees_one_banner_their_photo_and_the_outbox_in_words(
    page: Page, context: BrowserContext, app_ui, api
):
    page.set_viewport_size({"width": 360, "height": 780})
    case = api.report("resident3", title="楼道灯坏了", description="三楼楼道灯不亮。")
    app_ui.sign_in(page, "resident3")
    expect(page.get_by_test_id("nav-outbox")).to_have_count(0)  # no outbox tab for residents
    page.goto(f"/cases/{case['id']}")
    expect(page.get_by_test_id("case-reference")).to_be_visible()
    app_ui.wait_for_service_worker(page)
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)

    context.set_offline(True)
    try:
        # The banner shows as the connection drops, before any page asks for anything.
        expect(page.get_by_test_id("offline-banner")).to_have_count(1)
        expect(page.get_by_test_id("offline-banner")).to_contain_text("当前离线")
        page.reload()
        expect(page.get_by_test_id("case-reference")).to_be_visible()
        expect(page.get_by_test_id("offline-banner")).to_have_count(1)
        notes = page.get_by_test_id("resource-note")
        expect(notes).to_have_count(1)
        expect(notes).to_contain_text(re.compile(r"显示的是 .+ 保存的内容"))
        expect(page.get_by_text("网络不可用")).to_have_count(0)
        shoot(page, "case-offline")

        # A report made offline, with a photo: its page shows the photo from the phone.
        page.get_by_test_id("nav-report").click()
        page.get_by_test_id("report-category-facility").click()
        page.get_by_test_id("report-title").fill("电梯停运")
        page.get_by_test_id("report-description").fill("二号楼电梯从早上起不动了。")
        page.get_by_test_id("report-photos").set_input_files(
            files=[{"name": "lift.png", "mimeType": "image/png", "buffer": png()}]
        )
        expect(page.locator(".photos img")).to_have_count(1)
        page.get_by_test_id("report-submit").click()
        expect(page).to_have_url(re.compile(r"/cases\?reported="))
        expect(page.get_by_test_id("outbox-pending")).to_have_text("2")  # the report and its photo
        new_id = next(i["caseId"] for i in app_ui.outbox(page) if i["kind"] == "create_case")
        page.goto(f"/cases/{new_id}")
        photo = page.locator("[data-testid=case-attachment] img")
        expect(photo).to_have_count(1)
        page.wait_for_function(
            "() => { const i = document.querySelector('[data-testid=case-attachment] img');"
            " return !!i && i.complete && i.naturalWidth > 0; }"
        )
        shoot(page, "pending-case-offline")

        # The ⟳ badge opens the outbox; each write is said in words, to be sent once online.
        page.get_by_test_id("sync-now").click()
        expect(page).to_have_url(re.compile(r"/outbox$"))
        summaries = page.get_by_test_id("outbox-summary")
        expect(summaries).to_have_text(["上报：电梯停运", "照片 · 电梯停运"])
        expect(page.get_by_test_id("outbox-when-online")).to_have_count(2)
        expect(page.get_by_test_id("outbox-list")).not_to_contain_text("已尝试")
        expect(page.get_by_test_id("outbox-list")).not_to_contain_text("下次")
        links = page.locator("[data-testid=outbox-summary] a")
        expect(links.first).to_have_text("电梯停运")
        assert new_id[:8] not in page.get_by_test_id("outbox-list").inner_text()
        expect(page.get_by_test_id("offline-banner")).to_have_count(1)
        shoot(page, "outbox-offline")
    finally:
        context.set_offline(False)

    expect(page.get_by_test_id("offline-banner")).to_have_count(0)
    page.get_by_test_id("outbox-sync").click()
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    sent = api.get("resident3", f"/cases/{new_id}")
    assert sent["title"] == "电梯停运"
    assert len(sent["attachments"]) == 1


def test_offline_a_case_seen_only_in_the_list_opens_with_its_row_and_says_what_is_missing(
    page: Page, context: BrowserContext, app_ui, api
):
    page.set_viewport_size({"width": 360, "height": 780})
    case = api.report("resident3", title="小区路灯不亮", description="东门路灯一周没亮。")
    app_ui.sign_in(page, "resident3")
    row = page.locator(f"[data-testid=case-item][data-case-id='{case['id']}']")
    expect(row).to_be_visible()  # the list has its row; the case itself was never opened
    app_ui.wait_for_service_worker(page)

    context.set_offline(True)
    try:
        row.locator("a").click()
        expect(page.get_by_test_id("case-reference")).to_have_text(case["reference"])
        expect(page.get_by_test_id("case-summary-only")).to_contain_text(
            "离线：这里只有列表中的信息"
        )
        expect(page.get_by_text("东门路灯一周没亮。")).to_have_count(0)  # not on the phone
        shoot(page, "case-row-only-offline")
    finally:
        context.set_offline(False)

    page.reload()
    expect(page.get_by_text("东门路灯一周没亮。")).to_be_visible()
    expect(page.get_by_test_id("case-summary-only")).to_have_count(0)
