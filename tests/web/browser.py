"""What a browser test does on every page: sign in, take a screenshot, run axe-core."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.boundaries import REPO

SHOTS = REPO / ".cache" / "web-screenshots"
TABLET: ViewportSize = {"width": 820, "height": 1180}  # a 10.9" tablet held upright
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
AXE = (resources.files("axe_playwright_python") / "axe.min.js").read_text()
RUN_AXE = """async () => {
  const found = await axe.run(document, {resultTypes: ['violations']});
  return found.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


def context(browser: Browser, viewport: ViewportSize = DESKTOP) -> BrowserContext:
    """A fresh browser profile in Danish; CSP bypassed only so axe can be injected."""
    return browser.new_context(viewport=viewport, locale="da-DK", bypass_csp=True)


def sign_in(page: Page, web: str, token: str) -> None:
    page.goto(f"{web}/log-ind")
    page.get_by_label("Adgangsnøgle").fill(token)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands."""
    page.add_script_tag(content=AXE)
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def look(page: Page, name: str) -> Path:
    """Save a screenshot of the whole page and check it with axe-core."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    assert serious_violations(page) == [], f"axe-core on {page.url}"
    return path


def told(page: Page, text: str) -> None:
    """The page says what happened (or what to fix)."""
    expect(page.locator("#beskeder")).to_contain_text(text)
