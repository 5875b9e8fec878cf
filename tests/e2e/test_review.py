"""The party branch reviews a case in the real app: queue, supervision note, sign-off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def _review_ids(api, username: str, **query: str) -> list[str]:
    suffix = "".join(f"&{k}={v}" for k, v in query.items())
    return [
        item["case"]["id"] for item in api.get(username, f"/reviews?limit=100{suffix}")["items"]
    ]


def test_reviewer_notes_and_signs_off_a_rejected_case(page: Page, app_ui, api):
    # The demo has rejected cases in reviewer1's community; take one still in the queue.
    rejected = _review_ids(api, "reviewer1", reason="rejected")
    assert rejected, "the demo should leave rejected cases for reviewer1 to review"
    case_id = rejected[0]

    app_ui.sign_in(page, "reviewer1")
    # The review queue is a reviewer's home page.
    expect(page.get_by_test_id("review-list")).to_be_visible()
    expect(page.get_by_test_id("review-item").first).to_be_visible()
    page.get_by_test_id("review-reason-rejected").check()
    row = page.locator(f"[data-testid=review-item][data-case-id='{case_id}']")
    expect(row).to_be_visible()
    expect(row.locator("[data-testid=review-item-reason][data-reason=rejected]")).to_be_visible()
    row.get_by_role("link").click()

    note = "请社区复核驳回理由，并回访居民。"
    page.get_by_test_id("review-note").fill(note)
    page.get_by_test_id("review-note-submit").click()
    page.get_by_test_id("review-mark-reviewed").click()
    expect(page.get_by_test_id("review-done")).to_be_visible()
    # Both writes leave through the outbox and the timeline shows them.
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    timeline = page.get_by_test_id("case-timeline")
    expect(timeline.locator("[data-action=supervision_note]")).to_contain_text(note)
    expect(timeline.locator("[data-action=review]")).to_be_visible()
    assert {w["kind"] for w in app_ui.outbox(page)} == {"review"}
    assert all(w["state"] == "sent" for w in app_ui.outbox(page))

    events = api.get("reviewer1", f"/cases/{case_id}/events")["items"]
    actions = [e["action"] for e in events]
    assert "supervision_note" in actions and "review" in actions, actions
    assert next(e for e in events if e["action"] == "supervision_note")["note"] == note
    assert case_id not in _review_ids(api, "reviewer1")

    # Back in the queue, the case is gone.
    page.get_by_test_id("nav-review").click()
    expect(page.get_by_test_id("review-list")).to_be_visible()
    expect(page.locator(f"[data-testid=review-item][data-case-id='{case_id}']")).to_have_count(0)
