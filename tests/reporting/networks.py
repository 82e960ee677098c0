"""Networks of many sizes for the national overview's tests: members at a number of
clinics, meetings held with their lists sent."""

from __future__ import annotations

import datetime as dt

from kn_contracts.base import Event
from kn_contracts.events import meetings as me
from kn_contracts.events import membership as mb
from tests.reporting.example import JOINED, stamp

CLUSTERS = [
    mb.ClusterAdded(**stamp(JOINED), cluster_id="aalborg", name="Aalborg"),
    mb.ClusterAdded(**stamp(JOINED), cluster_id="esbjerg", name="Esbjerg"),
]


def network(
    network_id: str,
    name: str,
    cluster: str,
    *,
    clinics: int,
    members: int = 10,
    attending: int = 6,
    meetings: int = 2,
) -> list[Event]:
    """A network of `members` owners spread over `clinics` clinics, with `meetings` held
    meetings that `attending` members came to."""
    people = [(f"{network_id}-p{n:02d}", f"Fysioterapeut {name} {n:02d}") for n in range(members)]
    events: list[Event] = [
        mb.NetworkCreated(**stamp(JOINED), network_id=network_id, name=name, cluster_id=cluster),
        *(
            mb.MemberJoined(
                **stamp(JOINED, "region:syddanmark"),
                network_id=network_id,
                person_id=person,
                name=who,
                ydernummer=f"{500000 + n + 100 * len(network_id)}",
                clinic_id=f"{network_id}-k{n % clinics}",
                clinic_name=f"Klinik {name} {n % clinics}",
                role="owner",
                reason="region_feed",
            )
            for n, (person, who) in enumerate(people)
        ),
    ]
    coordinator = f"coordinator:{network_id}"
    for m in range(meetings):
        day = dt.date(2025, 3 + 4 * m, 10)
        meeting_id = f"{day.isoformat()}-1"
        lines = tuple(
            me.Attendee(line=i + 1, person_id=p, name=w, category="member_owner")
            for i, (p, w) in enumerate(people[:attending])
        )
        events += [
            me.MeetingScheduled(
                **stamp(dt.date(2025, 1, 5), coordinator),
                meeting_id=meeting_id,
                network_id=network_id,
                plan_year=2025,
                meeting_date=day,
                starts=dt.time(17),
                ends=dt.time(20),
                place=f"Klinik {name} 0",
            ),
            me.MeetingHeld(
                **stamp(day, coordinator),
                meeting_id=meeting_id,
                network_id=network_id,
                place=f"Klinik {name} 0",
            ),
            me.AttendanceRecorded(
                **stamp(day, coordinator),
                meeting_id=meeting_id,
                network_id=network_id,
                meeting_date=day,
                attendees=lines,
            ),
        ]
    return events
