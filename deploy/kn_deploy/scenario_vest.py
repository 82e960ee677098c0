"""Aalborg Vest's 2025 (cluster Aalborg, beside the worked example): a renter, a clinic sale
that ends the coordinator's membership and so the role (Coordinator 6), two months with no
coordinator, a new one elected, and an invoice naming the coordinator who had left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kn_contracts.events import region as rg
from kn_contracts.money import kroner_text
from kn_deploy.scenario_actions import Play
from kn_deploy.scenario_kit import region_stamp, until
from kn_deploy.scenario_networks import BUYER, FREJLEV, RENTER, Bill, opened

MANDATORY = "samarbejde-2025"  # EKM's mandatory topic of 2025 (scenario_year.py)
PLAN = [
    ("2025-03-19", "Fysioterapien Vestbyen", ["Netværkets aftaler", "Mål for året"], None),
    ("2025-06-18", "Hasseris Fysioterapi", ["Træning efter knæalloplastik"], None),
    ("2025-11-19", "Gug Træningscenter", ["Hvordan arbejder vi i vores kvalitetsnetværk"],
     MANDATORY),
]  # fmt: skip
VENUE = ("Vestbyens Medborgerhus", "23456789", "VM-1903")
CAFE = ("Café Vestergade", "34567890", "C-311")
HALL = ("Hasseris Kulturhus", "45678901", "HK-2025-18")
GUG = ("Gug Sognegård", "56789012", "GS-77")
BILLS = {
    "march": Bill("venue-0319", "2025-03-19", 6500, "av-01", VENUE, "2025-03-24", "2025-04-23"),
    "cafe": Bill("catering-0319", "2025-03-19", 1200, "av-01", CAFE, "2025-03-25", "2025-04-24",
                 "catering"),
    "june": Bill("venue-0618", "2025-06-18", 7500, "av-01", HALL, "2025-06-23", "2025-07-23",
                 approved=694_200),  # 13 × 534 kr
    # the venue still names the coordinator who left in July: rejected (Pool payouts 7) ...
    "stale": Bill("venue-1119", "2025-11-19", 6000, "av-01", GUG, "2025-11-24", "2025-12-22",
                  status="rejected", approved=0),
    # ... and sent again naming the new one (a rejected invoice is no duplicate)
    "again": Bill("venue-1119-b", "2025-11-19", 6000, "av-05", GUG, "2025-11-28", "2025-12-29"),
}  # fmt: skip


def owners(first: int, last: int) -> list[str]:
    return [f"av-{n:02d}" for n in range(first, last + 1)]


def play(p: Play, say: Callable[[str], None]) -> dict[str, int]:
    """The year; the pool approved per invoice, as finance decided it."""
    members = p.open_network()
    say(f"Aalborg Vest (cluster Aalborg): EKM created it and assigned 6 brand-new clinics; "
        f"{members} owners are members from 1 January")  # fmt: skip
    p.act("elect", "elect-av-01", by_ekm=True, person_id="av-01", effective_date="2025-01-01")
    p.plan(PLAN)
    say(
        "its coordinator Bjarne Holm (av-01, elected by the network and recorded by EKM, from "
        "1 January) planned 19 March, 18 June and 19 November, the last on the mandatory topic"
    )
    renting = opened(RENTER, "renter", "nordjylland", dt.date(2025, 4, 1))
    p.region([(renting, "av-renter-av-21")], dt.datetime(2025, 3, 14, 9, tzinfo=dt.UTC))
    employee = {"name": "Signe Mortensen", "clinic": "Fysioterapien Vestbyen", "employed": True}
    counted = p.hold("2025-03-19", owners(1, 15), [employee])
    got: dict[str, dict[str, Any]] = {name: p.invoice(BILLS[name]) for name in ("march", "cafe")}
    say(f"19 March held: {dict(counted)}; entitlement 15 × 534 kr = "
        f"{kroner_text(p.entitlement('2025-03-19', 1))}; venue {got['march']['approved_text']} "
        f"and catering {got['cafe']['approved_text']} approved")  # fmt: skip
    counted = p.hold("2025-06-18", [*owners(1, 12), RENTER.person_id], [])
    june = got["june"] = p.invoice(BILLS["june"])
    say(f"region: Asger Krogh rents in at Hasseris Fysioterapi from 1 April and joins "
        f"(Membership 2); 18 June held with him: {dict(counted)}; venue {june['amount_text']} "
        f"approved {june['approved_text']}, {june['not_covered_text']} not covered")  # fmt: skip
    sale = rg.ClinicTakenOver(
        **region_stamp(dt.date(2025, 7, 1)), clinic_id=FREJLEV.clinic_id,
        seller_ydernummer=p.network.person("av-01").ydernummer,
        buyer_person_id=BUYER.person_id, buyer_name=BUYER.name,
        buyer_ydernummer=BUYER.ydernummer,
    )  # fmt: skip
    p.region([(sale, "av-sale-frejlev")], dt.datetime(2025, 6, 25, 9, tzinfo=dt.UTC))
    until(lambda: p.holders("2025-07-01"), lambda holders: holders == [])
    say(
        "region: Bjarne Holm sold Frejlev Fysioterapi to Bodil Munk from 1 July (Membership "
        "3): Bodil joins, Bjarne leaves and so steps down as coordinator (Coordinator 6)"
    )
    p.act("elect", "elect-av-05", by_ekm=True, person_id="av-05", effective_date="2025-09-15")
    say(
        "the network elected Freja Nielsen (av-05) from 15 September; EKM recorded it: "
        "July and August had no coordinator (Coordinator 3)"
    )
    counted = p.hold("2025-11-19", [*owners(2, 15), RENTER.person_id, BUYER.person_id], [])
    stale = got["stale"] = p.invoice(BILLS["stale"])
    again = got["again"] = p.invoice(BILLS["again"])
    why = "; ".join(r["text"] for r in stale["reasons"])
    say(f"19 November held on the mandatory topic: {dict(counted)}; the venue's invoice naming "
        f"Bjarne is rejected ({why}); sent again naming Freja, approved "
        f"{again['approved_text']}")  # fmt: skip
    return {view["invoice_id"]: view["approved"] for view in got.values()}
