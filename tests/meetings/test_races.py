"""A handler that loses a race on its stream decides again on the fresh state."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events.meetings import AttendanceRecorded, AttendeeCheckedIn, CheckIn
from kn_meetings import handlers
from kn_meetings.domain.commands import CheckInAttendee, CloseAttendance, ListedMember, MarkHeld
from kn_meetings.domain.errors import Conflict
from kn_servicekit.errors import ConcurrencyError
from kn_servicekit.pipeline import ATTEMPTS
from tests.meetings.fakes import NETWORK, FakeDirectory, cause, planned
from tests.support.racing import RacingStore

MARCH_12 = dt.date(2025, 3, 12)


def rival_check_in(line: int, person: str, name: str, ydernummer: str = "222222"
                   ) -> AttendeeCheckedIn:  # fmt: skip
    return AttendeeCheckedIn(
        effective_date=MARCH_12, actor=f"coordinator:{NETWORK}", causation_id="rival",
        correlation_id="rival", meeting_id="2025-03-12", network_id=NETWORK,
        check_in=CheckIn(line=line, person_id=person, name=name, ydernummer=ydernummer),
    )  # fmt: skip


@pytest.fixture
def directory() -> FakeDirectory:
    members = FakeDirectory()
    members.joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1))
    members.joined("p-per", "Per Lund", "222222", dt.date(2025, 1, 1))
    members.joined("p-sven", "Sven Dahl", "333333", dt.date(2025, 1, 1), network="esbjerg")
    return members


async def test_a_check_in_that_lost_a_race_is_decided_again_on_fresh_state(
    directory: FakeDirectory,
) -> None:
    store = RacingStore(rival_key=NETWORK)
    [meeting] = await planned(store, MARCH_12)
    await handlers.hold(store, MarkHeld(NETWORK, meeting), cause())
    store.rivals = [rival_check_in(1, "p-per", "Per Lund")]
    cmd = CheckInAttendee(NETWORK, meeting, ListedMember("p-ida"))
    detail = await handlers.check_in(store, directory, cmd, cause())
    assert [(c.line, c.name) for c in detail.check_ins] == [(1, "Per Lund"), (2, "Ida Holm")]


async def test_a_rival_checking_in_the_same_person_makes_the_retry_refuse_it(
    directory: FakeDirectory,
) -> None:
    store = RacingStore(rival_key=NETWORK)
    [meeting] = await planned(store, MARCH_12)
    await handlers.hold(store, MarkHeld(NETWORK, meeting), cause())
    store.rivals = [rival_check_in(1, "p-per", "Per Lund")]
    cmd = CheckInAttendee(NETWORK, meeting, ListedMember("p-per"))
    with pytest.raises(Conflict, match="Per Lund is already on the list"):
        await handlers.check_in(store, directory, cmd, cause())


async def test_a_writer_losing_every_race_gets_a_concurrency_error(
    directory: FakeDirectory,
) -> None:
    store = RacingStore(rival_key=NETWORK)
    [meeting] = await planned(store, MARCH_12)
    await handlers.hold(store, MarkHeld(NETWORK, meeting), cause())
    store.rivals = [rival_check_in(n, f"p-{n}", f"Rival {n}") for n in range(1, ATTEMPTS + 1)]
    cmd = CheckInAttendee(NETWORK, meeting, ListedMember("p-ida"))
    with pytest.raises(ConcurrencyError):
        await handlers.check_in(store, directory, cmd, cause())


async def test_a_visitor_who_checks_in_during_a_lost_race_counts_as_another_networks_owner(
    directory: FakeDirectory,
) -> None:
    store = RacingStore(rival_key=NETWORK)
    [meeting] = await planned(store, MARCH_12)
    await handlers.hold(store, MarkHeld(NETWORK, meeting), cause())
    ida = CheckInAttendee(NETWORK, meeting, ListedMember("p-ida"))
    await handlers.check_in(store, directory, ida, cause())
    # Sven from Esbjerg ticks in on another device just before the list is closed
    store.rivals = [rival_check_in(2, "p-sven", "Sven Dahl", "333333")]
    await handlers.close_attendance(store, directory, CloseAttendance(NETWORK, meeting), cause())
    recorded = store.all_events()[-1].event
    assert isinstance(recorded, AttendanceRecorded)
    assert {a.name: a.category for a in recorded.attendees} == {
        "Ida Holm": "member_owner",
        "Sven Dahl": "other_network_owner",
    }
