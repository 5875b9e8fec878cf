"""Screenshots of the screens e2e tests reach, for reviewing by eye: set LINLI_E2E_SCREENSHOTS
to a folder and each `shoot` writes NAME-WIDTH.png there (nothing when it is unset)."""

import os
from pathlib import Path

from playwright.sync_api import Page

SHOTS = os.environ.get("LINLI_E2E_SCREENSHOTS")


def shoot(page: Page, name: str, widths: tuple[int, ...] = ()) -> None:
    """The whole page at each of `widths` (the viewport's own width when none), then the
    viewport as it was."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in widths or (size["width"] if size else 1280,):
        if widths:
            page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    if widths and size:
        page.set_viewport_size(size)
