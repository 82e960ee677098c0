"""A network's meetings of one year for the audit benchmark (audit_story.py): plans, moves,
cancellations, held meetings with their lists (a few corrected) and the invoices for them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from benchmarks.audit_rates import Message, at
from kn_contracts.base import Event
from kn_contracts.events import finance as fi
from kn_contracts.events import meetings as mt
from kn_meetings.domain.classify import written_in
from kn_rules.pool import account_of

if TYPE_CHECKING:
    from benchmarks.audit_story import NetworkStory

PLACE = "Klinikkens træningssal"
PAYEE = fi.Payee(kind="danish_account", reference="9570-0001234567")


def meetings_of(story: NetworkStory, year: int) -> list[Message]:
    """Two to four meetings between February and November, and what follows each."""
    rng = story.rng
    months = sorted(rng.sample(range(2, 12), rng.choice((2, 3, 3, 3, 4))))
    out: list[Message] = []
    for month in months:
        day = dt.date(year, month, rng.randint(1, 28))
        out += _meeting(story, day, rng.random())
    return out


def _meeting(story: NetworkStory, day: dt.date, luck: float) -> list[Message]:
    network, meeting_id = story.network_id, day.isoformat()
    actor = f"coordinator:{network}"

    def meetings(when: dt.datetime, event: Event) -> Message:
        return (when, "meetings", network, f"meeting:{network}:{meeting_id}", event)

    planned = day - dt.timedelta(days=40)
    out = [meetings(at(planned, 13), mt.MeetingScheduled(
        **story.stamp(planned, actor), meeting_id=meeting_id, network_id=network,
        plan_year=day.year, meeting_date=day, starts=dt.time(17), ends=dt.time(19),
        place=PLACE, topics=("Skulderen", "Journalføring"),
    ))]  # fmt: skip
    if luck < 0.04:  # cancelled; now and then the venue bills it anyway (rejected)
        cancelled = day - dt.timedelta(days=5)
        out.append(meetings(at(cancelled, 13), mt.MeetingCancelled(
            **story.stamp(cancelled, actor), meeting_id=meeting_id, network_id=network,
            meeting_date=day, reason="for få tilmeldte",
        )))  # fmt: skip
        return out + (_invoices(story, day, 0.0) if luck < 0.01 else [])
    if luck < 0.09:  # moved a week on
        moved = day - dt.timedelta(days=10)
        day = day + dt.timedelta(days=7)
        out.append(meetings(at(moved, 13), mt.MeetingRescheduled(
            **story.stamp(moved, actor), meeting_id=meeting_id, network_id=network,
            meeting_date=day, starts=dt.time(17), ends=dt.time(19), place=PLACE,
        )))  # fmt: skip
    out.append(meetings(at(day, 19), mt.MeetingHeld(
        **story.stamp(day, actor), meeting_id=meeting_id, network_id=network, place=PLACE,
    )))  # fmt: skip
    lines = _attendees(story, day)
    out.append(meetings(at(day, 20), mt.AttendanceRecorded(
        **story.stamp(day, actor), meeting_id=meeting_id, network_id=network,
        meeting_date=day, attendees=lines,
    )))  # fmt: skip
    out += _invoices(story, day, story.rng.random())
    if 0.09 <= luck < 0.14:  # corrected three weeks later: one more owner ticked in on paper
        later = day + dt.timedelta(days=21)
        present = {a.person_id for a in lines}
        absent = [m for m in story.members if m.person_id not in present]
        if absent:
            extra = mt.Attendee(line=len(lines) + 1, person_id=absent[0].person_id,
                                name=absent[0].name, ydernummer=absent[0].ydernummer,
                                category="member_owner")  # fmt: skip
            out.append(meetings(at(later, 10), mt.AttendanceCorrected(
                **story.stamp(later, actor), meeting_id=meeting_id, network_id=network,
                meeting_date=day, revision=2, attendees=(*lines, extra),
                reason="et medlem skrev sig på papirlisten",
            )))  # fmt: skip
    return out


def _attendees(story: NetworkStory, day: dt.date) -> tuple[mt.Attendee, ...]:
    """Most members, three to five of their employees, sometimes a visiting owner; a line
    written in by hand has meetings' own subject id (written_in), as the service gives it,
    so its name is sealed under a key of its own like every other line's."""
    rng = story.rng
    present = rng.sample(story.members, max(1, len(story.members) - rng.randint(0, 3)))
    lines = [
        mt.Attendee(
            line=n,
            person_id=m.person_id,
            name=m.name,
            ydernummer=m.ydernummer,
            clinic=f"Klinik {m.ydernummer}",
            category="member_owner",
        )
        for n, m in enumerate(present, start=1)
    ]
    network = story.network_id
    for _ in range(rng.randint(3, 5)):
        n = len(lines) + 1
        lines.append(mt.Attendee(line=n, subject_id=written_in(network, day, n),
                                 name=f"Ansat {rng.randrange(10_000)}",
                                 clinic=f"Klinik {present[0].ydernummer}",
                                 category="employee"))  # fmt: skip
    if rng.random() < 0.2:
        n = len(lines) + 1
        lines.append(mt.Attendee(line=n, subject_id=written_in(network, day, n),
                                 name="Gæst fra nabonetværket", ydernummer="999999",
                                 category="other_network_owner"))  # fmt: skip
    return tuple(lines)


def _invoices(story: NetworkStory, day: dt.date, luck: float) -> list[Message]:
    """The venue's invoice, and for half the meetings the catering's."""
    rng, network = story.rng, story.network_id
    spell = story.inputs.networks[network].roles.on(day)
    coordinator = spell.holders[0][1] if spell and spell.holders else "Tidligere Koordinator"
    if luck < 0.02:
        coordinator = "Forkert Navn"  # not the holder on the day: rejected (Pool payouts 7)
    out: list[Message] = []
    for kind, low, high in (("venue", 4_000, 9_000), ("catering", 300, 1_800)):
        if kind == "catering" and luck > 0.5:
            continue
        received = day + dt.timedelta(days=rng.randint(3, 10))
        due = received + dt.timedelta(days=9 if rng.random() < 0.02 else 30)
        story.seq += 1
        invoice = fi.InvoiceReceived(
            **story.stamp(received), invoice_id=f"inv-{story.seq:05d}", network_id=network,
            coordinator_name=coordinator, meeting_date=day, due_date=due,
            amount=rng.randint(low, high) * 100, payee=PAYEE,
            supplier_name=f"{kind.title()} {network} ApS", supplier_cvr="12345678",
            supplier_invoice_number=f"F-{story.seq:05d}", received_date=received,
            cost_kind=kind,
        )  # fmt: skip
        out.append((at(received, 11), "finance", network, account_of(network), invoice))
    return out
