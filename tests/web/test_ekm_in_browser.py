"""EKM in Chromium: assigns the owner of a brand-new clinic with one click, sets a region
change aside with a note, closes the fee year, and reads the other desks; an auditor reads
the figures as of a date with the digest reporting serves."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from kn_deploy.scenario_kit import until
from kn_web.danish import day as danish_day
from kn_web.danish import today
from tests.web import story
from tests.web.browser import context, look, sign_in, told
from tests.web.conftest import System

# end-to-end: services started and a long story played; on a slow 2-core machine under the
# suite's other workers, setup and call together come near the default 120 s
pytestmark = [pytest.mark.infra, pytest.mark.timeout(300)]


def test_ekm_assigns_an_awaiting_owner_and_closes_the_fee_year(
    system: System, browser: Browser
) -> None:
    with context(browser) as ctx:
        page = ctx.new_page()
        sign_in(page, system.web, story.EKM)
        expect(page.get_by_role("heading", level=1)).to_have_text("Netværk og klynger")
        expect(page.get_by_role("link", name="Aalborg Vest")).to_be_visible()
        look(page, "ekm-1-netvaerk")

        page.get_by_role("link", name="Afventer tildeling").click()
        row = page.get_by_role("row", name=re.compile("Helle Hald"))
        row.get_by_label("Netværk til Helle Hald").select_option(label="Aalborg Vest")
        look(page, "ekm-2-afventer")
        row.get_by_role("button", name=re.compile("^Tildel")).click()
        told(page, "Helle Hald er tildelt aalborg-vest")
        expect(page.get_by_text("Ingen venter på et netværk")).to_be_visible()
        vest = f"{system.urls['membership']}/v1/networks/aalborg-vest/members?on=2025-03-01"
        members = httpx.get(vest, headers=story.bearer(story.EKM))
        assert [m["name"] for m in members.json()["members"]] == ["Helle Hald"]

        page.get_by_role("link", name="Regionens ændringer").click()
        look(page, "ekm-3-regionen")
        page.get_by_label("Note").fill("regionen lukkede et ydernummer, vi ikke kender")
        page.get_by_role("button", name="Læg til side ændring 1").click()
        told(page, "Ændring 1 er lagt til side med din note")

        page.goto(f"{system.web}/ekm/honorar?aar=2025")
        payee = page.get_by_role("row", name=re.compile("Aalborg Øst"))
        expect(payee).to_contain_text("Foreløbigt")
        expect(payee).to_contain_text("21.360,00 kr.")
        page.get_by_role("button", name="Luk honoraråret").click()
        told(page, "Honoraråret 2025 er lukket")
        expect(page.get_by_role("row", name=re.compile("Aalborg Øst"))).not_to_contain_text(
            "Foreløbigt"
        )
        look(page, "ekm-4-honorar-lukket")
        page.get_by_role("button", name="Luk honoraråret").click()  # a second time
        told(page, "Aktivitetspuljen, regel 9")

        story.register_venue_invoice(system.urls, invoice_id="catering-0601", amount=30000,
                                     meeting_date="2025-06-01", received_date="2025-06-01",
                                     due_date="2025-06-10", supplier_invoice_number="K-9",
                                     cost_kind="catering")  # fmt: skip
        page.goto(f"{system.web}/ekm/fakturaer?netvaerk={story.NETWORK}")
        row = page.get_by_role("row", name=re.compile("nr. K-9"))
        expect(row).to_contain_text("Afvist")
        expect(row).to_contain_text("Betalingsfristen er under 14 dage efter modtagelsen")
        look(page, "ekm-5-fakturaer")
        decide = page.locator("details", has_text="nr. K-9")
        decide.locator("summary").click()
        decide.get_by_label("Begrundelse").fill("aftalt med leverandøren")
        decide.get_by_label("Godkendt beløb i kr. (valgfrit)").fill("300,00")
        decide.get_by_role("button", name="Afgør fakturaen").click()
        told(page, "Fakturaen catering-0601 er afgjort på ny")
        row = page.get_by_role("row", name=re.compile("nr. K-9"))
        expect(row).to_contain_text("EKM: godkendt – aftalt med leverandøren")
        expect(row).to_contain_text("Godkendt")

        # the same number and day, its CVR typed otherwise: EKM tells whether it is a copy
        story.register_venue_invoice(system.urls, invoice_id="catering-0601b", amount=30000,
                                     meeting_date="2025-06-01", received_date="2025-06-01",
                                     due_date="2025-06-10", supplier_invoice_number="K 9",
                                     supplier_cvr="12345687", cost_kind="catering")  # fmt: skip
        page.goto(f"{system.web}/ekm/fakturaer?netvaerk={story.NETWORK}")
        row = page.get_by_role("row", name=re.compile("nr. K 9"))
        expect(row).to_contain_text("Samme fakturanummer er modtaget før til samme mødedag")
        expect(row).to_contain_text(
            "Mulig kopi: aalborg-oest/catering-0601 (Godkendt, 300,00 kr.) fra Fysio Øst "
            "Lokaler ApS (CVR 12345678); denne: Fysio Øst Lokaler ApS (CVR 12345687)"
        )
        look(page, "ekm-5b-mulig-kopi")
        decide = page.locator("details", has_text="nr. K 9")
        decide.locator("summary").click()
        decide.get_by_label("Begrundelse").fill("to leverandører, tjekket")
        decide.get_by_label("Godkendt beløb i kr. (valgfrit)").fill("300,00")
        decide.get_by_label(
            "En anden leverandørs faktura end aalborg-oest/catering-0601 fra Fysio Øst Lokaler "
            "ApS (begge kan betales)"
        ).check()
        decide.get_by_role("button", name="Afgør fakturaen").click()
        told(page, "Fakturaen catering-0601b er afgjort på ny")
        expect(page.get_by_role("row", name=re.compile("nr. K 9"))).to_contain_text("Godkendt")

        page.goto(f"{system.web}/ekm/takster?aar=2026")
        expect(page.get_by_text("Ingen takster for 2026")).to_be_visible()
        page.get_by_label("År", exact=True).last.fill("2026")
        page.get_by_label("Pulje pr. deltager i kr.").fill("550,00")
        page.get_by_label("Koordinatorhonorar pr. år i kr.").fill("22.000,00")
        page.get_by_role("button", name="Udgiv takster").click()
        told(page, "Taksterne for 2026 er udgivet")
        expect(page.get_by_role("row", name=re.compile("Pulje pr. deltager"))).to_contain_text(
            "550,00 kr."
        )
        look(page, "ekm-6-takster")

        for path, name in (("/ekm/eksport", "ekm-7-eksport"),
                           ("/oversigt/2025", "ekm-8-oversigt")):  # fmt: skip
            page.goto(system.web + path)
            look(page, name)
        export = page.request.get(f"{system.web}/ekm/eksport/udbetalinger.csv",
                                  params={"fra": "2025-01-01", "til": "2026-12-31"})  # fmt: skip
        assert export.ok
        assert export.body().startswith("\ufeff".encode())  # Danish Excel's UTF-8


def test_an_auditor_reads_the_figures_as_of_a_date_with_reportings_digest(
    system: System, browser: Browser
) -> None:
    day = today().isoformat()
    served = _settled_audit(system, day)
    with context(browser) as ctx:
        page = ctx.new_page()
        sign_in(page, system.web, story.AUDITOR)
        page.get_by_label("Pr. dato").fill(day)
        page.get_by_role("button", name="Regn").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Tallene pr. {danish_day(day)}")
        expect(page.locator("#digest")).to_have_text(served["digest"])
        expect(page.get_by_role("row", name=re.compile("aalborg-oest 2025"))).to_be_visible()
        look(page, "revisor-1-tal")


def _settled_audit(system: System, day: str) -> dict[str, Any]:
    """Reporting's audit once its projection has read what the set-up recorded (two answers
    a second apart agree)."""
    url = f"{system.urls['reporting']}/v1/audit?as_of={day}"

    def digest() -> dict[str, Any]:
        found: dict[str, Any] = story.get(url, story.AUDITOR)
        return found

    previous: list[str] = []

    def settled(answer: dict[str, Any]) -> bool:
        previous.append(answer["digest"])
        return len(previous) > 4 and len(set(previous[-5:])) == 1

    return until(digest, settled, within=45)
