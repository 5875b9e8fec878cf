"""The built app and the API docs run under their Content-Security-Policy (issue 7, item 15):
a page the policy breaks shows up here as a violation, not as a blank screen in the field."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def watch(page: Page) -> list[str]:
    """Violations, from the page's events and from the console."""
    seen: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None
    )
    return seen


def violations(page: Page, console: list[str]) -> list[str]:
    return page.evaluate("window.__cspViolations") + console


def test_the_app_runs_under_its_policy(page: Page, app_ui):
    console = watch(page)

    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    app_ui.sign_in(page, "grid1")
    app_ui.wait_for_service_worker(page)
    for tab in ("nav-report", "nav-cases", "nav-outbox"):
        if page.get_by_test_id(tab).count():
            page.get_by_test_id(tab).click()
            page.wait_for_load_state("networkidle")

    assert violations(page, console) == []


def test_the_api_docs_run_under_their_policy(page: Page):
    console = watch(page)

    response = page.goto("/api/docs")
    assert "sha256-" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.wait_for_load_state("networkidle")

    assert violations(page, console) == []
