"""The worked example's facts as meetings and membership publish them, and EKM's requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kn_contracts.events import meetings as mt
from kn_contracts.events import membership as ms
from tests.finance.facts import ANNA, BO, NETWORK, stamp
from tests.finance.service import Finance

MARCH = "2025-03-12"
JUNE = "2025-06-11"


def network(network_id: str = NETWORK, name: str = "Aalborg Øst") -> ms.NetworkCreated:
    return ms.NetworkCreated(**stamp(), network_id=network_id, name=name, cluster_id="aalborg")


def coordinators(network_id: str = NETWORK) -> list[ms.MembershipEvent]:
    """A from 1 January, B from 20 May (months paid 4 and 8)."""
    anna = (ms.CoordinatorHolder(person_id=ANNA[0], name=ANNA[1]),)
    bo = (ms.CoordinatorHolder(person_id=BO[0], name=BO[1]),)
    return [
        ms.CoordinatorElected(
            **stamp(), network_id=network_id, holders=anna, payee_person_id=ANNA[0]
        ),
        ms.CoordinatorChanged(
            **stamp(dt.date(2025, 5, 20)), network_id=network_id, holders=bo, payee_person_id=BO[0]
        ),
    ]


def scheduled(day: str, network_id: str = NETWORK) -> mt.MeetingScheduled:
    return mt.MeetingScheduled(
        **stamp(actor=f"coordinator:{network_id}"),
        meeting_id=day,
        network_id=network_id,
        plan_year=2025,
        meeting_date=dt.date.fromisoformat(day),
        starts=dt.time(17),
        ends=dt.time(19),
        place="Fysio Øst, Aalborg",
    )


def held(day: str = MARCH, network_id: str = NETWORK) -> mt.MeetingHeld:
    return mt.MeetingHeld(
        **stamp(dt.date.fromisoformat(day)),
        meeting_id=day,
        network_id=network_id,
        place="Fysio Øst, Aalborg",
    )


def attendees(owners: int = 14) -> tuple[mt.Attendee, ...]:
    """P and Q share ydernummer 240117; the rest own their own; two employees wrote in."""
    lines = [
        mt.Attendee(
            line=1,
            person_id="p-p",
            name="Pia Poulsen",
            ydernummer="240117",
            category="member_owner",
        ),
        mt.Attendee(
            line=2,
            person_id="p-q",
            name="Quinn Qvist",
            ydernummer="240117",
            category="member_owner",
        ),
    ]
    lines += [
        mt.Attendee(
            line=n,
            person_id=f"p-{n:02d}",
            name=f"Ejer Nummer {n:02d}",
            ydernummer=f"{400100 + n}",
            category="member_owner",
        )
        for n in range(3, owners + 1)
    ]
    lines += [
        mt.Attendee(line=owners + n, name=name, category="employee")
        for n, name in enumerate(("Emma Ansat", "Frida Ansat"), start=1)
    ]
    return tuple(lines)


def recorded(
    day: str = MARCH, owners: int = 14, network_id: str = NETWORK
) -> mt.AttendanceRecorded:
    return mt.AttendanceRecorded(
        **stamp(dt.date.fromisoformat(day)),
        meeting_id=day,
        network_id=network_id,
        meeting_date=dt.date.fromisoformat(day),
        attendees=attendees(owners),
    )


def corrected(owners: int, revision: int = 2) -> mt.AttendanceCorrected:
    return mt.AttendanceCorrected(
        **stamp(dt.date(2025, 3, 12)),
        meeting_id=MARCH,
        network_id=NETWORK,
        meeting_date=dt.date(2025, 3, 12),
        revision=revision,
        attendees=attendees(owners),
        reason="a member ticked in on paper",
    )


BASE_2022 = {
    "year": 2022,
    "amounts": {"pool": [{"tier": "standard", "amount": 50_000}], "coordinator_fee": 2_000_000},
}
INDEXED_2025 = {"year": 2025, "index_factor": "1.068", "index_base_year": 2022}


def invoice_body(invoice_id: str, kroner: int, **fields: Any) -> dict[str, Any]:
    return {
        "invoice_id": invoice_id,
        "network_id": NETWORK,
        "coordinator_name": ANNA[1],
        "meeting_date": MARCH,
        "due_date": "2025-04-10",
        "amount": kroner * 100,
        "payee": {"kind": "danish_account", "reference": "9570-0001234567"},
        "supplier_name": "Fysio Øst Lokaler ApS",
        "supplier_cvr": "12345678",
        "supplier_invoice_number": f"F-{invoice_id}",
        "received_date": "2025-03-20",
        "cost_kind": "venue",
        **fields,
    }


async def worked_example(finance: Finance) -> None:
    """Everything before the list: network, coordinators, plan, rates, three invoices."""
    await finance.publish("membership", network(), *coordinators())
    await finance.publish("meetings", scheduled(MARCH), scheduled(JUNE), held())
    for table in (BASE_2022, INDEXED_2025):
        answer = await finance.post("/v1/rate-tables", table)
        assert answer.status_code == 201, answer.text
    for body in (
        invoice_body("venue-0312", 8100),
        invoice_body(
            "catering-0312",
            300,
            cost_kind="catering",
            received_date="2025-03-21",
            supplier_name="Kantinen A/S",
            supplier_cvr="87654321",
        ),
        invoice_body(
            "venue-0611",
            2000,
            meeting_date=JUNE,
            received_date="2025-06-01",
            due_date="2025-06-10",
            coordinator_name=BO[1],
        ),
    ):
        answer = await finance.post("/v1/invoices", body)
        assert answer.status_code == 201, answer.text
