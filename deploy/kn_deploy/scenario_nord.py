"""Aarhus Nord's 2025 (cluster Aarhus): a shared coordinator role whose payee changes, an
attendance correction and a late region report, each raising a paid invoice (Pool payouts
8), the same supplier invoice sent twice, and a cancelled meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kn_contracts.money import kroner_text
from kn_deploy.scenario_actions import Play
from kn_deploy.scenario_networks import LATE, Bill, opened
from kn_deploy.scenario_vest import MANDATORY

PLAN = [
    ("2025-03-05", "Risskov Fysioterapi", ["Netværkets aftaler", "Årshjul"], None),
    ("2025-06-11", "Skejby Fysio", ["Skulderpatienten"], None),
    ("2025-09-10", "Lystrup Fysioterapi", ["Hvordan arbejder vi i vores kvalitetsnetværk"],
     MANDATORY),
    ("2025-11-26", "Egå Bevægelsesklinik", ["Opfølgning: skulderpatienten"], None),
]  # fmt: skip
HALL = ("Risskov Medborgerhus", "67890123", "RM-2025-014")
SKEJBY = ("Skejby Mødecenter", "78901234", "SM-0611")
BAKERY = ("Lystrup Bageri", "89012345", "LB-910")
BILLS = {
    # 14 × 534 kr at first; 8,000 kr once the correction counts a 15th (Pool payouts 8)
    "march": Bill("venue-0305", "2025-03-05", 8000, "an-01", HALL, "2025-03-10", "2025-04-09",
                  approved=747_600),
    # 12 × 534 kr at first; 13 × 534 kr once the late report makes Cecilie a member
    "june": Bill("venue-0611", "2025-06-11", 7000, "an-02", SKEJBY, "2025-06-13", "2025-07-14",
                 approved=640_800),
    # the venue sent it again, its number spelled another way: a duplicate (Pool payouts 7)
    "twice": Bill("venue-0611-again", "2025-06-11", 7000, "an-02", (*SKEJBY[:2], "SM 0611"),
                  "2025-06-18", "2025-07-18", status="rejected", approved=0),
    "cake": Bill("catering-0910", "2025-09-10", 2400, "an-01", BAKERY, "2025-09-15",
                 "2025-10-15", "catering"),
}  # fmt: skip


def owners(first: int, last: int, but: int) -> list[str]:
    return [f"an-{n:02d}" for n in range(first, last + 1) if n != but]


def play(p: Play, say: Callable[[str], None]) -> dict[str, int]:
    """The year; the pool approved per invoice, as finance decided it in the end."""
    members = p.open_network()
    say(f"Aarhus Nord (cluster Aarhus): 6 brand-new clinics assigned by EKM; {members} members "
        f"from 1 January, two of them sharing one ydernummer")  # fmt: skip
    p.act("elect", "elect-an-01", by_ekm=True, person_id="an-01", effective_date="2025-01-01")
    p.plan(PLAN, starts="17:30")
    student = {"name": "Jonas Kristiansen", "clinic": "VIA University College"}
    counted = p.hold("2025-03-05", owners(1, 15, but=9), [student])
    got: dict[str, dict[str, Any]] = {"march": p.invoice(BILLS["march"])}
    march = got["march"]
    say(f"coordinator Karin Sørensen (an-01) from 1 January; 5 March held: {dict(counted)}; "
        f"venue {march['amount_text']} approved {march['approved_text']}")  # fmt: skip
    p.act("share", "share-an-02", person_ids=["an-01", "an-02"], payee_person_id="an-01",
          effective_date="2025-04-01")  # fmt: skip
    missed = p.network.person("an-09").name
    p.correct("2025-03-05", f"{missed} skrev under på papirlisten, men blev ikke krydset af",
              ["an-09"])  # fmt: skip
    listed = p.listed("2025-03-05", 2)
    got["march"] = p.decided(got["march"]["invoice_id"], "approved", 800_000)
    say(f"from 1 April Karin shares the role with Lars Bech (an-02), Karin paid; the 5 March "
        f"list corrected (revision 2, {listed['member_owner']} member owners): the venue's "
        f"approval rises to {got['march']['approved_text']}, finance publishes the difference "
        f"(Pool payouts 8)")  # fmt: skip
    wrote = {"name": LATE.name, "clinic": LATE.clinic.name, "ydernummer": LATE.ydernummer}
    counted = p.hold("2025-06-11", owners(1, 13, but=9), [wrote])
    got |= {name: p.invoice(BILLS[name]) for name in ("june", "twice")}
    why = "; ".join(r["text"] for r in got["twice"]["reasons"])
    say(f"11 June held: {dict(counted)} (Cecilie Lauridsen wrote herself in: no member yet); "
        f"venue approved {got['june']['approved_text']}; the same invoice sent again is "
        f"rejected: {why}")  # fmt: skip
    joining = opened(LATE, "owner", "midtjylland", dt.date(2025, 5, 1))
    p.region([(joining, "an-late-an-21")], dt.datetime(2025, 6, 20, 9, tzinfo=dt.UTC))
    listed = p.listed("2025-06-11", 2)
    got["june"] = p.decided(got["june"]["invoice_id"], "approved", 694_200)
    paid = kroner_text(got["june"]["approved"])
    say(f"region, late (20 June): Cecilie co-owns Lystrup Fysioterapi since 1 May; meetings "
        f"revises the 11 June list itself (Meetings 10: {listed['member_owner']} member "
        f"owners) and finance pays {paid} for the venue")  # fmt: skip
    counted = p.hold("2025-09-10", owners(1, 17, but=6), [])
    got["cake"] = p.invoice(BILLS["cake"])
    p.act("share", "payee-an-02", person_ids=["an-01", "an-02"], payee_person_id="an-02",
          effective_date="2025-10-01")  # fmt: skip
    p.cancel("2025-11-26", "For få kunne komme; opfølgningen flyttes til planen for 2026")
    say(f"10 September held on the mandatory topic: {dict(counted)}, catering "
        f"{got['cake']['approved_text']}; from 1 October Lars is the payee; 26 November "
        f"cancelled")  # fmt: skip
    return {view["invoice_id"]: view["approved"] for view in got.values()}
