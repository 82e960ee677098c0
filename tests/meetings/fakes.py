"""A fake membership directory (the port's in-memory twin) and builders for handler tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from kn_contracts.coordinator import RoleHistory
from kn_meetings.adapters.scheme import load_agenda
from kn_meetings.domain.commands import PlannedMeeting, ScheduleMeetings
from kn_meetings.domain.roster import FactKind, MembershipFact
from kn_meetings.domain.scheme import Scheme
from kn_meetings.handlers import schedule_meetings
from kn_servicekit.cause import Cause
from kn_servicekit.memstore import InMemoryEventStore

NETWORK = "aalborg-oest"
SCHEME = Scheme(
    min_meetings=2,
    max_meetings=4,
    first_mandatory_topic_year=2025,
    agenda_template=load_agenda(None),
)
TODAY = dt.date(2025, 11, 1)


def cause(actor: str = f"coordinator:{NETWORK}", today: dt.date = TODAY) -> Cause:
    return Cause(actor, "cmd-1", "corr-1", today)


class FakeStatuses:
    """Annual statuses submitted, as (network, year) pairs."""

    def __init__(self, *submitted: tuple[str, int]) -> None:
        self.recorded = set(submitted)

    async def submitted(self, network_id: str, year: int) -> bool:
        return (network_id, year) in self.recorded


NO_STATUS = FakeStatuses()


class FakeDirectory:
    """Joins and leaves in a list; answers the port's query like the PostgreSQL view."""

    def __init__(self) -> None:
        self.recorded: list[MembershipFact] = []

    def _add(self, kind: FactKind, network: str, person: str, ydernummer: str, on: dt.date,
             name: str | None, clinic: str) -> None:  # fmt: skip
        seq = len(self.recorded) + 1
        clinic_id = f"clinic-{clinic}".lower()
        fact = MembershipFact(kind, network, person, ydernummer, clinic_id, on, seq, name, clinic)
        self.recorded.append(fact)

    def joined(self, person: str, name: str, ydernummer: str, on: dt.date,
               network: str = NETWORK, clinic: str = "Nord") -> None:  # fmt: skip
        self._add("joined", network, person, ydernummer, on, name, clinic)

    def left(self, person: str, ydernummer: str, on: dt.date, network: str = NETWORK,
             clinic: str = "Nord") -> None:  # fmt: skip
        self._add("left", network, person, ydernummer, on, None, clinic)

    async def network_name(self, network_id: str) -> str | None:
        return None

    async def coordinators(self, network_id: str) -> RoleHistory:
        return RoleHistory()

    async def facts(
        self, network_id: str, person_ids: Collection[str], ydernumre: Collection[str]
    ) -> list[MembershipFact]:
        return [
            f
            for f in self.recorded
            if f.network_id == network_id or f.person_id in person_ids or f.ydernummer in ydernumre
        ]


async def planned(
    store: InMemoryEventStore,
    *dates: dt.date,
    by: Cause | None = None,
    mandatory_topic_id: str | None = None,
) -> list[str]:
    """Schedule meetings at 17:00 in Aalborg; return their ids."""
    meetings = tuple(
        PlannedMeeting(date=d, starts=dt.time(17), place="Klinik Nord, Aalborg",
                       topics=("Rammer og aftaler",), mandatory_topic_id=mandatory_topic_id)
        for d in dates
    )  # fmt: skip
    years = tuple(sorted({d.year for d in dates}))
    views = await schedule_meetings(
        store, ScheduleMeetings(NETWORK, years, meetings), by or cause(), SCHEME
    )
    return [m.meeting_id for v in views for m in v.meetings if m.date in dates]
