"""DOMAIN's worked example as the facts the other services publish: Aalborg Øst, 2025.

18 member owners (P and Q share one ydernummer) at six clinics; A coordinates from
1 January, B from 20 May; the 12 March meeting covers the mandatory topic, 14 members and
2 employees attend; rate table 2025: 534 kr per owner, fee 21,360 kr; the venue's invoice
(8,100.00) is approved for 7,476.00, the catering's (300.00) for 0.00, one received 1 June
due 10 June is rejected. Each fact is made as its owning service makes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kn_contracts.base import Event
from kn_contracts.events import finance as fi
from kn_contracts.events import meetings as me
from kn_contracts.events import membership as mb
from kn_contracts.events import payouts as po
from kn_contracts.money import ore

NETWORK = "aalborg-oest"
YEAR = 2025
JAN_1 = dt.date(2025, 1, 1)
JOINED = dt.date(2024, 11, 1)  # every owner was a member before the year began
MARCH_12 = dt.date(2025, 3, 12)
MEETING = "2025-03-12-1"
SHARED = "240117"  # P's and Q's one ydernummer
A, B = ("p-01", "Anne Andersen"), ("p-02", "Bo Bech")
OWNERS = [
    A,
    B,
    ("p-p", "Pia Poulsen"),
    ("p-q", "Quinn Qvist"),
    *((f"p-{n:02d}", f"Ejer Nummer {n:02d}") for n in range(5, 19)),
]
ATTENDING = [person for person, _ in OWNERS[:14]]  # A, B, P and Q among them
TOPIC = ("datadrevet-kvalitet", "Datadrevet kvalitetsudvikling")


def stamp(on: dt.date, actor: str = "ekm", cause: str = "c") -> dict[str, Any]:
    return {"effective_date": on, "actor": actor, "causation_id": cause, "correlation_id": cause}


def ydernummer(person: str) -> str:
    return SHARED if person in ("p-p", "p-q") else f"4001{int(person[2:]):02d}"


def clinic(person: str) -> str:
    if person in ("p-p", "p-q"):
        return "klinik-fjord"
    return f"klinik-{int(person[2:]) % 5}"  # five more clinics: six in all


def joined(
    person: str, name: str, on: dt.date = JOINED, network: str = NETWORK, **extra: Any
) -> mb.MemberJoined:
    return mb.MemberJoined(
        **stamp(on, "region:nordjylland"),
        network_id=network,
        person_id=person,
        name=name,
        ydernummer=ydernummer(person),
        clinic_id=clinic(person),
        clinic_name=clinic(person).title(),
        role="owner",
        reason="region_feed",
        **extra,
    )


def left(person: str, on: dt.date, reason: mb.LeaveReason = "sale") -> mb.MemberLeft:
    return mb.MemberLeft(
        **stamp(on, "region:nordjylland"),
        network_id=NETWORK,
        person_id=person,
        ydernummer=ydernummer(person),
        clinic_id=clinic(person),
        reason=reason,
    )


def holders(*people: tuple[str, str]) -> tuple[mb.CoordinatorHolder, ...]:
    return tuple(mb.CoordinatorHolder(person_id=p, name=n) for p, n in people)


def membership(network: str = NETWORK, name: str = "Aalborg Øst") -> list[Event]:
    """The cluster, the network, its 18 owners and its coordinators A then B."""
    return [
        mb.ClusterAdded(**stamp(JAN_1), cluster_id="aalborg", name="Aalborg"),
        mb.NetworkCreated(**stamp(JAN_1), network_id=network, name=name, cluster_id="aalborg"),
        *(joined(person, n, network=network) for person, n in OWNERS),
        mb.CoordinatorElected(
            **stamp(JAN_1), network_id=network, holders=holders(A), payee_person_id=A[0]
        ),
        mb.CoordinatorChanged(
            **stamp(dt.date(2025, 5, 20)),
            network_id=network,
            holders=holders(B),
            payee_person_id=B[0],
        ),
    ]


def line(n: int, person: str, name: str, category: me.AttendeeCategory) -> me.Attendee:
    member = category == "member_owner"
    return me.Attendee(
        line=n,
        person_id=person if member else None,
        name=name,
        clinic="Klinik Nord",
        ydernummer=ydernummer(person) if member else None,
        category=category,
    )


LIST = (
    *(line(i, p, n, "member_owner") for i, (p, n) in enumerate(OWNERS[:14], start=1)),
    line(15, "-", "Emma Ansat", "employee"),
    line(16, "-", "Jonas Ansat", "employee"),
)


def meetings(network: str = NETWORK, meeting: str = MEETING) -> list[Event]:
    """The year's mandatory topic, and the 12 March meeting held with its list sent."""
    coordinator = f"coordinator:{network}"
    place = "Klinik Nord, Aalborg"
    return [
        me.MandatoryTopicPublished(**stamp(JAN_1), year=YEAR, topic_id=TOPIC[0], title=TOPIC[1]),
        me.MeetingScheduled(
            **stamp(dt.date(2025, 1, 10), coordinator),
            meeting_id=meeting,
            network_id=network,
            plan_year=YEAR,
            meeting_date=MARCH_12,
            starts=dt.time(17),
            ends=dt.time(20, 15),
            place=place,
            topics=("Rammer og aftaler", TOPIC[1]),
            mandatory_topic_id=TOPIC[0],
        ),
        me.MeetingHeld(
            **stamp(MARCH_12, coordinator),
            meeting_id=meeting,
            network_id=network,
            place=place,
            topics=("Rammer og aftaler", TOPIC[1]),
            mandatory_topic_id=TOPIC[0],
        ),
        me.AttendanceRecorded(
            **stamp(MARCH_12, coordinator),
            meeting_id=meeting,
            network_id=network,
            meeting_date=MARCH_12,
            attendees=LIST,
        ),
    ]


RATE_TABLE = fi.RateTablePublished(
    **stamp(dt.date(2024, 12, 1)),
    scheme="fysioterapi",
    year=YEAR,
    revision=1,
    price_level_year=YEAR,
    amounts=fi.RateAmounts(
        pool=(fi.PoolRate(tier="standard", amount=ore("534")),), coordinator_fee=ore("21360")
    ),
    counted_categories=("member_owner",),
    basis="person",
)
PAYEE = fi.Payee(kind="danish_account", reference="9570 0001234567")


def invoice(
    invoice_id: str, amount: str, received: dt.date, due: dt.date, kind: str = "venue"
) -> fi.InvoiceReceived:
    return fi.InvoiceReceived(
        **stamp(received),
        invoice_id=invoice_id,
        network_id=NETWORK,
        coordinator_name=A[1],
        meeting_date=MARCH_12,
        due_date=due,
        amount=ore(amount),
        payee=PAYEE,
        supplier_name=f"Leverandør {invoice_id}",
        supplier_invoice_number=f"F-{invoice_id}",
        received_date=received,
        cost_kind=kind,
    )


def decided(
    invoice_id: str,
    on: dt.date,
    status: fi.InvoiceStatus,
    approved: str = "0",
    not_covered: str = "0",
    *reasons: fi.Reason,
) -> fi.InvoiceDecided:
    counted = status == "approved"
    return fi.InvoiceDecided(
        **stamp(on, "finance"),
        invoice_id=invoice_id,
        network_id=NETWORK,
        status=status,
        reasons=reasons,
        meeting_id=MEETING,
        meeting_date=MARCH_12,
        list_revision=1,
        rate_scheme="fysioterapi",
        rate_year=YEAR,
        rate_revision=1,
        counted=14 if counted else None,
        entitlement=ore("7476") if counted else None,
        approved=ore(approved),
        not_covered=ore(not_covered),
    )


TOO_SOON = fi.Reason(
    rule="Pool payouts 4",
    code="due_too_soon",
    text="due 9 days after receipt; at least 14 are needed",
)


def finance() -> list[Event]:
    """The 2025 rate table and the three invoices as finance decided them."""
    march_20, march_21, june_1 = dt.date(2025, 3, 20), dt.date(2025, 3, 21), dt.date(2025, 6, 1)
    return [
        RATE_TABLE,
        invoice("inv-1", "8100", march_20, dt.date(2025, 4, 10)),
        decided("inv-1", march_20, "approved", "7476", "624"),
        invoice("inv-2", "300", march_21, dt.date(2025, 4, 30), "catering"),
        decided("inv-2", march_21, "approved", "0", "300"),
        invoice("inv-3", "1200", june_1, dt.date(2025, 6, 10)),
        decided("inv-3", june_1, "rejected", "0", "1200", TOO_SOON),
    ]


def fee_year_closed(on: dt.date = dt.date(2026, 1, 15)) -> list[Event]:
    """EKM closes 2025 for the fee: A's 4 months and B's 8 become payouts."""

    def due(person: str, months: int, amount: str) -> po.CoordinatorFeeDue:
        return po.CoordinatorFeeDue(
            **stamp(on, "ekm"),
            thing=f"fee:{NETWORK}:{YEAR}:{person}",
            network_id=NETWORK,
            year=YEAR,
            person_id=person,
            months=months,
            yearly_amount=ore("21360"),
            amount=ore(amount),
            payable_from=dt.date(2026, 2, 1),
            payable_until=dt.date(2026, 3, 31),
            rate_scheme="fysioterapi",
            rate_revision=1,
        )

    return [
        fi.CoordinatorFeeYearClosed(**stamp(on), year=YEAR),
        due(A[0], 4, "7120"),
        due(B[0], 8, "14240"),
    ]


def meeting(
    meeting_id: str,
    on: dt.date,
    *,
    held: bool = True,
    listed: bool = True,
    mandatory: bool = False,
    attendees: tuple[me.Attendee, ...] = LIST,
) -> list[Event]:
    """Another meeting of the network: planned, and held with its list sent if asked."""
    coordinator, topic = f"coordinator:{NETWORK}", TOPIC[0] if mandatory else None
    events: list[Event] = [
        me.MeetingScheduled(
            **stamp(dt.date(2025, 1, 10), coordinator),
            meeting_id=meeting_id,
            network_id=NETWORK,
            plan_year=on.year,
            meeting_date=on,
            starts=dt.time(17),
            ends=dt.time(20),
            place="Klinik Syd, Aalborg",
            topics=("Journalføring",),
            mandatory_topic_id=topic,
        ),
    ]
    if held:
        events.append(
            me.MeetingHeld(
                **stamp(on, coordinator),
                meeting_id=meeting_id,
                network_id=NETWORK,
                place="Klinik Syd, Aalborg",
            )
        )
    if held and listed:
        events.append(
            me.AttendanceRecorded(
                **stamp(on, coordinator),
                meeting_id=meeting_id,
                network_id=NETWORK,
                meeting_date=on,
                attendees=attendees,
            )
        )
    return events
