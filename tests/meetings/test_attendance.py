"""The attendance protocol of a held meeting, classified as of the meeting date."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events.meetings import AttendanceCorrected, AttendanceRecorded
from kn_meetings import handlers
from kn_meetings.domain.commands import (
    CancelMeeting,
    CheckInAttendee,
    CloseAttendance,
    CorrectAttendance,
    Entry,
    ListedMember,
    MarkHeld,
    WrittenIn,
)
from kn_meetings.domain.errors import Conflict, Invalid
from kn_servicekit.errors import AccessDenied
from kn_servicekit.memstore import InMemoryEventStore
from tests.meetings.fakes import NETWORK, FakeDirectory, cause, planned

MARCH_12 = dt.date(2025, 3, 12)
JANUARY_1 = dt.date(2025, 1, 1)


@pytest.fixture
def store() -> InMemoryEventStore:
    return InMemoryEventStore()


@pytest.fixture
def directory() -> FakeDirectory:
    members = FakeDirectory()
    members.joined("p-ida", "Ida Holm", "123456", JANUARY_1)
    members.joined("p-per", "Per Lund", "222222", JANUARY_1, clinic="Øst")
    members.joined("p-qia", "Qia Berg", "222222", JANUARY_1, clinic="Øst")
    members.joined("p-sven", "Sven Dahl", "333333", JANUARY_1, network="esbjerg")
    return members


async def held_meeting(store: InMemoryEventStore) -> str:
    [meeting] = await planned(store, MARCH_12)
    await handlers.hold(store, MarkHeld(NETWORK, meeting), cause())
    return meeting


async def tick(store: InMemoryEventStore, directory: FakeDirectory, meeting: str,
               *entries: Entry) -> None:  # fmt: skip
    for entry in entries:
        cmd = CheckInAttendee(NETWORK, meeting, entry)
        await handlers.check_in(store, directory, cmd, cause())


async def closed_list(
    store: InMemoryEventStore, directory: FakeDirectory, meeting: str
) -> dict[str, str]:
    await handlers.close_attendance(store, directory, CloseAttendance(NETWORK, meeting), cause())
    recorded = store.all_events()[-1].event
    assert isinstance(recorded, AttendanceRecorded)
    return {a.name: a.category for a in recorded.attendees}


async def test_attendance_for_a_cancelled_meeting_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    [meeting] = await planned(store, MARCH_12)
    await handlers.cancel(store, CancelMeeting(NETWORK, meeting, "Sne"), cause())
    with pytest.raises(Conflict, match="was cancelled; it has no attendance list") as refused:
        await tick(store, directory, meeting, ListedMember("p-ida"))
    assert refused.value.rule == "Meetings 3: attendance is taken at a held meeting"


async def test_attendance_for_a_meeting_not_yet_held_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    [meeting] = await planned(store, MARCH_12)
    with pytest.raises(Conflict, match="is not held yet; mark it held first"):
        await tick(store, directory, meeting, ListedMember("p-ida"))


async def test_a_second_check_in_of_the_same_member_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"))
    with pytest.raises(Conflict, match=r"Ida Holm is already on the list \(line 1\)") as refused:
        await tick(store, directory, meeting, ListedMember("p-ida"))
    assert refused.value.rule == "Meetings 3: each person is on a meeting's attendance list once"


async def test_a_member_writing_in_with_name_and_ydernummer_is_recognised_as_ticked_in(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"))
    with pytest.raises(Conflict, match="already on the list"):
        await tick(store, directory, meeting, WrittenIn("  ida  HOLM", "Klinik Nord", "123456"))


async def test_a_second_write_in_of_the_same_guest_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, WrittenIn("Lone Vang", "Klinik Syd"))
    with pytest.raises(Conflict, match="Lone Vang is already on the list"):
        await tick(store, directory, meeting, WrittenIn("Lone Vang", "klinik syd"))


async def test_a_coordinator_of_another_network_cannot_take_attendance(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    cmd = CheckInAttendee(NETWORK, meeting, ListedMember("p-ida"))
    with pytest.raises(
        AccessDenied, match="coordinator:esbjerg may not act for network aalborg-oest"
    ):
        await handlers.check_in(store, directory, cmd, cause("coordinator:esbjerg"))


async def test_ticking_off_someone_who_is_no_member_on_the_day_asks_to_write_them_in(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    with pytest.raises(Invalid, match="p-nobody is not on this network's list on 2025-03-12"):
        await tick(store, directory, meeting, ListedMember("p-nobody"))


async def test_another_networks_member_is_never_ticked_in_by_id_nor_told_apart_from_nobody(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    said = []
    for person in ("p-sven", "p-nobody"):  # p-sven is esbjerg's member on the day
        with pytest.raises(Invalid) as refused:
            await tick(store, directory, meeting, ListedMember(person))
        said.append(str(refused.value).replace(person, "<id>"))
    assert said[0] == said[1]
    assert "Sven" not in said[0]
    assert "333333" not in said[0]
    await tick(store, directory, meeting, ListedMember("p-ida"))
    await handlers.close_attendance(store, directory, CloseAttendance(NETWORK, meeting), cause())
    fix = CorrectAttendance(NETWORK, meeting, "Sven came", (ListedMember("p-sven"),), ())
    with pytest.raises(Invalid, match="p-sven is not on this network's list"):
        await handlers.correct_attendance(store, directory, fix, cause())
    fix = CorrectAttendance(
        NETWORK, meeting, "Sven came", (WrittenIn("Sven Dahl", "Klinik Vest", "333333"),), ()
    )
    await handlers.correct_attendance(store, directory, fix, cause())
    revised = store.all_events()[-1].event
    assert isinstance(revised, AttendanceCorrected)
    assert {a.name: a.category for a in revised.attendees} == {
        "Ida Holm": "member_owner",
        "Sven Dahl": "other_network_owner",
    }


async def test_closing_classifies_each_line_as_of_the_meeting_date(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(
        store, directory, meeting,
        ListedMember("p-ida"),
        WrittenIn("Sven Dahl", "Klinik Vest", "333333"),
        WrittenIn("Maja Krog", "Klinik Nord", employed=True),
        WrittenIn("Bo Ravn", "Fysio Ravn"),
    )  # fmt: skip
    assert await closed_list(store, directory, meeting) == {
        "Ida Holm": "member_owner",
        "Sven Dahl": "other_network_owner",
        "Maja Krog": "employee",
        "Bo Ravn": "guest",
    }


async def test_owners_sharing_a_ydernummer_are_each_a_member_owner(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-per"), ListedMember("p-qia"))
    assert await closed_list(store, directory, meeting) == {
        "Per Lund": "member_owner",
        "Qia Berg": "member_owner",
    }


async def test_an_owner_whose_join_takes_effect_after_the_meeting_is_not_yet_a_member_owner(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    directory.joined("p-nora", "Nora Friis", "444444", dt.date(2025, 4, 1))  # announced ahead
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, WrittenIn("Nora Friis", "Klinik Nord", "444444"))
    assert await closed_list(store, directory, meeting) == {"Nora Friis": "guest"}


async def test_a_leave_reported_late_but_dated_before_the_meeting_is_applied(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"))
    directory.left("p-ida", "123456", dt.date(2025, 3, 1))  # reported after the check-in
    assert await closed_list(store, directory, meeting) == {"Ida Holm": "guest"}


async def test_a_member_leaving_on_the_meeting_day_is_no_member_owner_that_day(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"))
    directory.left("p-ida", "123456", MARCH_12)  # [joined, left): the leave day is outside
    assert await closed_list(store, directory, meeting) == {"Ida Holm": "guest"}


async def test_a_member_moving_network_before_the_meeting_counts_for_the_new_network(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    directory.left("p-sven", "333333", dt.date(2025, 3, 1), network="esbjerg")
    directory.joined("p-sven", "Sven Dahl", "333333", dt.date(2025, 3, 1))
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-sven"))
    assert await closed_list(store, directory, meeting) == {"Sven Dahl": "member_owner"}


async def test_a_written_in_ydernummer_of_this_network_under_another_name_does_not_count(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, WrittenIn("Ukendt Person", "Klinik Øst", "222222"))
    assert await closed_list(store, directory, meeting) == {"Ukendt Person": "guest"}


async def test_closing_an_empty_list_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    with pytest.raises(Invalid, match="nobody is on the list"):
        await closed_list(store, directory, meeting)


async def test_a_check_in_after_closing_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"))
    await closed_list(store, directory, meeting)
    with pytest.raises(Conflict, match="is closed; send a correction with a reason") as refused:
        await tick(store, directory, meeting, ListedMember("p-per"))
    assert refused.value.rule.startswith("Meetings 3: a closed attendance list is corrected")


async def test_a_correction_after_closing_is_a_new_event_with_a_reason(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"), WrittenIn("Bo Ravn", "Fysio"))
    await closed_list(store, directory, meeting)
    cmd = CorrectAttendance(NETWORK, meeting, "Per skrev sig ikke på; Bo var her ikke",
                            add=(ListedMember("p-per"),), remove=(2,))  # fmt: skip
    detail = await handlers.correct_attendance(store, directory, cmd, cause())
    recorded, corrected = [e.event for e in store.all_events()[-2:]]
    assert isinstance(recorded, AttendanceRecorded)
    assert [a.name for a in recorded.attendees] == ["Ida Holm", "Bo Ravn"]  # never edited
    assert isinstance(corrected, AttendanceCorrected)
    assert (corrected.revision, corrected.reason) == (2, "Per skrev sig ikke på; Bo var her ikke")
    assert [(a.line, a.name, a.category) for a in corrected.attendees] == [
        (1, "Ida Holm", "member_owner"),
        (3, "Per Lund", "member_owner"),
    ]
    assert detail.meeting.attendance is not None
    assert (detail.meeting.attendance.revision, detail.meeting.attendance.member_owner) == (2, 2)


async def test_a_correction_before_the_list_is_closed_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    cmd = CorrectAttendance(NETWORK, meeting, "Glemt", add=(ListedMember("p-per"),))
    with pytest.raises(Conflict, match="is still open"):
        await handlers.correct_attendance(store, directory, cmd, cause())


async def test_a_correction_cannot_add_someone_already_on_the_list(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"))
    await closed_list(store, directory, meeting)
    cmd = CorrectAttendance(NETWORK, meeting, "Dobbelt", add=(ListedMember("p-ida"),))
    with pytest.raises(Conflict, match="Ida Holm is already on the list"):
        await handlers.correct_attendance(store, directory, cmd, cause())


async def test_a_leave_reported_after_closing_is_taken_in_by_a_correction_with_a_reason(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"), ListedMember("p-per"))
    assert await closed_list(store, directory, meeting) == {
        "Ida Holm": "member_owner",
        "Per Lund": "member_owner",
    }
    directory.left("p-per", "222222", dt.date(2025, 3, 1), clinic="Øst")  # reported late
    cmd = CorrectAttendance(NETWORK, meeting, "Per solgte klinikken 1. marts")
    await handlers.correct_attendance(store, directory, cmd, cause())
    corrected = store.all_events()[-1].event
    assert isinstance(corrected, AttendanceCorrected)
    assert {a.name: a.category for a in corrected.attendees} == {
        "Ida Holm": "member_owner",
        "Per Lund": "guest",
    }


async def test_a_correction_that_changes_nothing_is_refused(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"))
    await closed_list(store, directory, meeting)
    cmd = CorrectAttendance(NETWORK, meeting, "Bare for en sikkerheds skyld")
    with pytest.raises(Invalid, match="the corrected list would equal the current one"):
        await handlers.correct_attendance(store, directory, cmd, cause())


async def test_a_written_in_member_whose_join_was_reported_late_is_re_identified_at_closing(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, WrittenIn("Nora Friis", "Klinik Nord", "444444"))
    directory.joined("p-nora", "Nora Friis", "444444", JANUARY_1)  # reported after she wrote in
    assert await closed_list(store, directory, meeting) == {"Nora Friis": "member_owner"}
    recorded = store.all_events()[-1].event
    assert isinstance(recorded, AttendanceRecorded)
    assert recorded.attendees[0].person_id == "p-nora"


async def test_a_correction_that_only_gives_a_reason_re_identifies_written_in_lines(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, ListedMember("p-ida"),
               WrittenIn("Nora  FRIIS", "Klinik Nord", "444444"))  # fmt: skip
    assert await closed_list(store, directory, meeting) == {
        "Ida Holm": "member_owner",
        "Nora  FRIIS": "guest",
    }
    directory.joined("p-nora", "Nora Friis", "444444", JANUARY_1)  # reported after closing
    cmd = CorrectAttendance(NETWORK, meeting, "Noras indmeldelse kom for sent")
    await handlers.correct_attendance(store, directory, cmd, cause())
    corrected = store.all_events()[-1].event
    assert isinstance(corrected, AttendanceCorrected)
    assert [(a.line, a.person_id, a.category) for a in corrected.attendees] == [
        (1, "p-ida", "member_owner"),
        (2, "p-nora", "member_owner"),
    ]


async def test_re_identifying_never_puts_a_person_on_the_list_twice(
    store: InMemoryEventStore, directory: FakeDirectory
) -> None:
    meeting = await held_meeting(store)
    await tick(store, directory, meeting, WrittenIn("Sven Dahl", "Klinik Vest", "333333"),
               WrittenIn("Sven Dahl", "Klinik Nord", "444444"))  # fmt: skip
    directory.joined("p-sven", "Sven Dahl", "444444", JANUARY_1)  # a second ydernummer
    await closed_list(store, directory, meeting)
    recorded = store.all_events()[-1].event
    assert isinstance(recorded, AttendanceRecorded)
    assert [a.person_id for a in recorded.attendees] == ["p-sven", None]
