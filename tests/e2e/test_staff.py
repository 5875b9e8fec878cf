"""Staff in the real app: an escalated case reaches the street office, a co-unit does its task."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from .conftest import ROOT, LiveServer, _server_env, _venv_tool

pytestmark = pytest.mark.e2e


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _sweep(live_server: LiveServer, now: datetime) -> None:
    """`linli escalation sweep --now …` against the server's own instance folder."""
    instance = live_server.log.parent  # conftest keeps server.log in the instance folder
    done = subprocess.run(
        [_venv_tool("linli"), "escalation", "sweep", "--now", now.isoformat()],
        env=_server_env(instance),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_officer_sees_a_case_escalated_to_the_street_with_its_badge_and_notification(
    page: Page, app_ui, api, live_server
):
    case = api.report(
        "resident1", category="facility", title="路灯坏了一整周", description="晚上看不见台阶。"
    )
    assert case["escalation_level"] == "grid", case
    # Nobody accepts it: each sweep past the accept clock climbs one level (grid → community → street).
    for level in ("community", "street"):
        _sweep(live_server, _parse(case["accept_due_at"]) + timedelta(minutes=1))
        case = api.get("dispatcher1", f"/cases/{case['id']}")
        assert case["escalation_level"] == level, case
    # The sweeps ran "as if" later; the phone lives at that later moment too, past the new clock.
    page.clock.install(time=_parse(case["accept_due_at"]) + timedelta(hours=1))

    app_ui.sign_in(page, "officer1")
    page.get_by_test_id("nav-queue").click()
    row = page.locator(f"[data-testid=case-item][data-case-id='{case['id']}']")
    expect(row).to_be_visible()
    expect(row.get_by_test_id("case-overdue")).to_be_visible()
    expect(row.get_by_test_id("case-level-badge")).to_have_attribute("data-level", "street")
    expect(row.get_by_test_id("case-due")).to_have_attribute("data-overdue", "true")

    expect(page.get_by_test_id("nav-notifications-count")).to_be_visible()
    page.get_by_test_id("nav-notifications").click()
    item = page.locator("[data-testid=notification-item][data-kind=escalated]").filter(
        has_text=case["reference"]
    )
    expect(item).to_have_attribute("data-unread", "true")
    expect(item).to_contain_text("已升级到街道")
    item.get_by_role("link").click()

    expect(page.get_by_test_id("case-reference")).to_have_text(case["reference"])
    expect(page.get_by_test_id("case-overdue")).to_be_visible()
    # Tapping it marked it read, through the outbox.
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    inbox = api.get("officer1", "/notifications?limit=200")
    mine = [n for n in inbox["items"] if n["case_id"] == case["id"] and n["kind"] == "escalated"]
    assert mine and all(n["read_at"] for n in mine), mine


def test_provider_completes_a_joint_handling_task(page: Page, app_ui, api):
    co_unit = api.me("provider1")["provider_id"]
    case = api.report(
        "resident1",
        category="facility",
        title="楼道堆物挡住消防通道",
        description="需要物业和街道一起处理。",
    )
    providers = api.get("dispatcher1", f"/providers?org_id={case['org_id']}")
    lead = next(p["id"] for p in providers if p["id"] != co_unit)
    due = (
        (datetime.now(UTC) + timedelta(days=2))
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z")
    )
    case = api.act(
        "dispatcher1",
        case["id"],
        "coordinate",
        lead_provider_id=lead,
        co_providers=[{"provider_id": co_unit, "due_at": due, "note": "协助清理楼道"}],
    )
    task = next(t for t in case["co_tasks"] if t["provider_id"] == co_unit)

    app_ui.sign_in(page, "provider1")
    page.get_by_test_id("nav-tasks").click()
    item = page.locator(f"[data-testid=task-item][data-task-id='{task['id']}']")
    expect(item).to_have_attribute("data-state", "open")
    expect(item.get_by_test_id("task-case")).to_contain_text(case["reference"])
    expect(item).to_contain_text("协助清理楼道")
    item.get_by_test_id("task-action-complete").click()
    item.get_by_test_id("task-text").fill("已清理完毕")
    item.get_by_test_id("task-submit").click()

    # Sent through the outbox; the list ("unfinished only") then drops it.
    expect(page.get_by_test_id("outbox-pending")).to_have_text("0")
    expect(item).to_have_count(0)
    page.get_by_test_id("tasks-only-open").uncheck()
    expect(item).to_have_attribute("data-state", "done")
    done = api.get("dispatcher1", f"/cases/{case['id']}")
    assert [t["state"] for t in done["co_tasks"] if t["id"] == task["id"]] == ["done"]
