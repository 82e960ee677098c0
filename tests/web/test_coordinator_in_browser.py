"""A coordinator in Chromium: plans the 12 March meeting, ticks members in on a tablet,
writes two employees in, closes the list, and sees the pool used (DOMAIN's worked example)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web import story
from tests.web.browser import DESKTOP, TABLET, context, look, sign_in, told
from tests.web.conftest import System

# end-to-end: services started and a long story played; on a slow 2-core machine under the
# suite's other workers, setup and call together come near the default 120 s
pytestmark = [pytest.mark.infra, pytest.mark.timeout(300)]
NETWORK = f"/netvaerk/{story.NETWORK}"


def test_a_coordinator_plans_holds_and_closes_a_meeting_and_sees_the_pool_used(
    system: System, browser: Browser
) -> None:
    with context(browser) as ctx:
        page = ctx.new_page()
        sign_in(page, system.web, story.COORDINATOR)
        expect(page.get_by_role("heading", level=1)).to_have_text("Aalborg Øst")
        page.goto(f"{system.web}{NETWORK}?dato=2025-03-12")
        expect(page.get_by_role("cell", name="Quinn Qvist")).to_be_visible()
        look(page, "koordinator-1-netvaerk")

        page.goto(f"{system.web}{NETWORK}/moeder?aar=2025")
        page.get_by_label("Dato", exact=True).fill("2025-03-12")
        page.get_by_label("Sted").fill("Fysio Øst, Aalborg")
        page.get_by_label("Emner (ét pr. linje)").fill("Datadrevet kvalitetsudvikling")
        page.get_by_role("button", name="Planlæg mødet").click()
        told(page, "Mødet er planlagt")
        look(page, "koordinator-2-moedeplan")

        page.get_by_role("link", name="onsdag 12. marts 2025").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Møde onsdag 12. marts 2025")
        look(page, "koordinator-3-moede")
        page.get_by_role("button", name="Mødet er afholdt – åbn deltagerlisten").click()
        told(page, "Mødet er afholdt")
        story.register_venue_invoice(system.urls)  # EKM receives the venue's invoice: it waits

        page.set_viewport_size(TABLET)
        _until_members_listed(page, len(story.OWNERS))
        page.evaluate("window.sameDocument = true")
        for _, name, _ in story.OWNERS[:14]:
            page.get_by_role("button", name=f"Kryds af {name}").click()
            expect(page.locator("li.til-stede", has_text=name)).to_be_visible()
        expect(page.locator("li.til-stede")).to_have_count(14)
        told(page, "Ejer Nummer 14 er krydset af")
        assert page.evaluate("window.sameDocument === true")  # htmx swapped the list only
        for name in ("Emma Ansat", "Frida Ansat"):
            page.get_by_label("Navn").fill(name)
            page.get_by_label("Klinik").fill("Fysio Øst")
            page.get_by_label("Jeg er ansat uden ydernummer").check()
            page.get_by_role("button", name="Skriv på listen").click()
            told(page, f"{name} er skrevet på listen")
        expect(page.get_by_text("14 af 18 medlemmer til stede, 2 skrevet på")).to_be_visible()
        look(page, "koordinator-4-deltagere-tablet")

        page.get_by_role("button", name="Luk og send listen til EKM").click()
        told(page, "Listen er lukket og sendt til EKM")
        expect(page.locator(".noegletal")).to_contain_text("14")
        expect(page.get_by_role("cell", name="Ansat", exact=True)).to_have_count(2)
        look(page, "koordinator-5-liste-sendt")
        sheet = page.request.get(f"{system.web}{NETWORK}/moeder/2025-03-12/deltagerliste.pdf")
        assert sheet.ok
        assert sheet.body().startswith(b"%PDF")

        page.set_viewport_size(DESKTOP)
        page.get_by_role("link", name="Se puljen og fakturaerne for mødet").click()
        _until_text(page, ".noegletal", "7.476,00 kr. brugt af puljen")
        row = page.get_by_role("row", name=re.compile("Fysio Øst Lokaler ApS"))
        expect(row).to_contain_text("Godkendt")
        expect(row).to_contain_text("8.100,00 kr.")
        expect(row).to_contain_text("624,00 kr.")
        look(page, "koordinator-6-oekonomi")

        page.goto(f"{system.web}{NETWORK}/aarsstatus/2025")
        _until_text(page, ".noegletal", "7.476,00 kr. pulje brugt af 7.476,00 kr.")
        look(page, "koordinator-7-aarsstatus")
        page.get_by_label("Det har netværket arbejdet med").fill("Datadrevet kvalitetsudvikling")
        page.get_by_label("Aftaler").fill("Hver klinik måler på sine forløb")
        page.get_by_label("Opfølgning: hvad gør medlemmerne nu, og hvornår").fill("Til juni")
        page.get_by_role("button", name="Indsend årsstatus 2025 til EKM").click()
        told(page, "Årsstatus 2025 er indsendt til EKM")
        expect(page.locator("main")).to_contain_text("Hver klinik måler på sine forløb")
        pdf = page.request.get(f"{system.web}{NETWORK}/aarsstatus/2025.pdf")
        assert pdf.body().startswith(b"%PDF")


def _until_members_listed(page: Page, count: int) -> None:
    """Meetings learns the members from membership's events: reload until it has them."""
    for _ in range(60):
        if page.get_by_role("button", name=re.compile("^Kryds af")).count() >= count:
            return
        page.wait_for_timeout(500)
        page.reload()
    raise AssertionError(f"the list never showed {count} members")


def _until_text(page: Page, where: str, text: str) -> None:
    """Finance and reporting learn the closed list through Kafka: reload until `where`
    shows `text` (compared without white space: figures and labels sit in their own boxes)."""
    for _ in range(60):
        if _squash(text) in _squash(page.locator(where).inner_text()):
            return
        page.wait_for_timeout(500)
        page.reload()
    raise AssertionError(f"{page.url} never showed {text!r} in {where}")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
