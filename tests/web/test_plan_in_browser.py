"""The meeting plan in Chromium: moving and cancelling a meeting and the invitations that
follow, a refusal naming the rule in Danish, and the pages without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.web import story
from tests.web.browser import context, look, sign_in, told
from tests.web.conftest import System

# end-to-end: services started and a long story played; on a slow 2-core machine under the
# suite's other workers, setup and call together come near the default 120 s
pytestmark = [pytest.mark.infra, pytest.mark.timeout(300)]
PLAN = f"/netvaerk/{story.NETWORK}/moeder"


def test_a_coordinator_moves_and_cancels_a_meeting_and_downloads_its_invitations(
    system: System, browser: Browser
) -> None:
    with context(browser) as ctx:
        page = ctx.new_page()
        sign_in(page, system.web, story.COORDINATOR)
        page.goto(f"{system.web}{PLAN}?aar=2025")
        page.get_by_label("Dato", exact=True).fill("2025-06-11")
        page.get_by_label("Sted").fill("Fysio Øst, Aalborg")
        page.get_by_role("button", name="Planlæg mødet").click()
        page.get_by_role("link", name="onsdag 11. juni 2025").click()

        page.get_by_label("Ny dato").fill("2026-01-07")
        page.get_by_role("button", name="Flyt mødet").click()
        told(page, "Møder, regel 1: En mødeplan dækker et eller to kalenderår")
        look(page, "plan-1-fejl-paa-dansk")

        page.get_by_label("Ny dato").fill("2025-06-18")
        page.get_by_label("Begrundelse (valgfri)").fill("lokalet er optaget")
        page.get_by_role("button", name="Flyt mødet").click()
        told(page, "Mødet er flyttet")
        expect(page.get_by_role("heading", level=1)).to_have_text("Møde onsdag 18. juni 2025")
        invitation = page.request.get(f"{page.url}/invitation.ics").text()
        assert "METHOD:REQUEST" in invitation
        assert "20250618T170000" in invitation

        page.get_by_label("Begrundelse", exact=True).fill("for få kan komme")
        page.get_by_role("button", name="Aflys mødet").click()
        told(page, "Mødet er aflyst")
        expect(page.locator(".under .status")).to_have_text("Aflyst")
        assert "METHOD:CANCEL" in page.request.get(f"{page.url}/invitation.ics").text()
        plan = page.request.get(f"{system.web}/netvaerk/{story.NETWORK}/moedeplan-2025.ics")
        assert "STATUS:CANCELLED" in plan.text()


def test_a_coordinator_reading_another_network_is_told_the_rule_in_danish(
    system: System, browser: Browser
) -> None:
    with context(browser) as ctx:
        page = ctx.new_page()
        sign_in(page, system.web, story.COORDINATOR)
        answer = page.goto(f"{system.web}/netvaerk/aalborg-vest")
        assert answer is not None
        assert answer.status == 403
        expect(page.locator("main")).to_contain_text(
            "Koordinator, regel 1: En koordinator handler kun for sit eget netværk."
        )
        look(page, "plan-2-andet-netvaerk")


def test_the_pages_read_and_their_forms_work_without_javascript(
    system: System, browser: Browser
) -> None:
    with browser.new_context(java_script_enabled=False, locale="da-DK") as ctx:
        page = ctx.new_page()
        sign_in(page, system.web, story.COORDINATOR)
        page.goto(f"{system.web}{PLAN}?aar=2025")
        page.get_by_label("Dato", exact=True).fill("2025-09-10")
        page.get_by_label("Sted").fill("Fysio Øst, Aalborg")
        page.get_by_role("button", name="Planlæg mødet").click()
        told(page, "Mødet er planlagt")
        expect(page.get_by_role("link", name="onsdag 10. september 2025")).to_be_visible()
        page.goto(f"{system.web}/netvaerk/{story.NETWORK}/aarsstatus/2025")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Aalborg Øst")
