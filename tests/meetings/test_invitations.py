"""Meetings as iCalendar: the plan to import and each meeting's invitation (iTIP REQUEST or
CANCEL), parsed back with the icalendar library and checked by libical's iTIP rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component, vCalAddress

from kn_contracts.events.membership import NetworkCreated
from kn_meetings import handlers
from kn_meetings.adapters.ics import Addresses, Person, invitation, plan_calendar
from kn_meetings.domain.commands import CancelMeeting, RescheduleMeeting
from kn_meetings.domain.model import Meeting
from kn_servicekit.memstore import InMemoryEventStore
from tests.meetings.fakes import NETWORK, cause, planned
from tests.meetings.itip import build, itip_errors
from tests.meetings.service import AALBORG, ESBJERG, Running, joined
from tests.support.persons import appointed
from tests.support.waiting import eventually

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2025, 1, 20, 9, 0, tzinfo=dt.UTC)
ADDRESSES = Addresses("mailto:{person_id}@deltager.kvalitetsnet.invalid")
ANNA = Person("p-anna", "Anna Ærø")  # the coordinator
MEMBERS = [Person("p-ida", "Ida Holm"), Person("p-lukasz", "Łukasz Wiśniewski")]


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("libical"))


async def march_meeting(store: InMemoryEventStore) -> Meeting:
    await planned(store, dt.date(2025, 3, 12))
    return (await handlers.load_plan(store, NETWORK, 2025)).meeting("2025-03-12")


def attendees_of(event: Component) -> list[vCalAddress]:
    found = event.get("attendee", [])
    return cast(list[vCalAddress], found if isinstance(found, list) else [found])


def sent(meeting: Meeting) -> Calendar:
    return Calendar.from_ical(invitation(meeting, "Aalborg Øst", ANNA, MEMBERS, ADDRESSES, NOW))


async def test_each_planned_meeting_is_an_invitation_with_date_time_place_and_summary() -> None:
    store = InMemoryEventStore()
    march, september = await planned(store, dt.date(2025, 3, 12), dt.date(2025, 9, 3))
    await handlers.cancel(store, CancelMeeting(NETWORK, september, "Ferie"), cause())
    plan = await handlers.load_plan(store, NETWORK, 2025)

    calendar = Calendar.from_ical(plan_calendar([plan], "Aalborg Øst", ANNA, ADDRESSES, NOW))

    first, second = calendar.walk("VEVENT")
    assert first.decoded("dtstart") == dt.datetime(2025, 3, 12, 17, 0, tzinfo=COPENHAGEN)
    assert first.decoded("dtend") == dt.datetime(2025, 3, 12, 19, 55, tzinfo=COPENHAGEN)
    assert str(first["location"]) == "Klinik Nord, Aalborg"
    assert str(first["summary"]) == "Kvalitetsnetværksmøde Aalborg Øst: Rammer og aftaler"
    assert str(first["uid"]) == "aalborg-oest.2025-03-12@meetings.kvalitetsnet.dk"
    assert "17:05 Kort oplæg om Rammer og aftaler (10 min.)" in str(first["description"])
    assert (str(first["status"]), str(second["status"])) == ("CONFIRMED", "CANCELLED")
    assert second.decoded("sequence") == 1
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert march == "2025-03-12"
    assert (str(calendar["method"]), str(first["organizer"])) == (
        "PUBLISH", "mailto:p-anna@deltager.kvalitetsnet.invalid",
    )  # fmt: skip


async def test_an_invitation_is_a_request_from_the_coordinator_to_every_member() -> None:
    meeting = await march_meeting(InMemoryEventStore())
    calendar = sent(meeting)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "REQUEST"
    organizer = cast(vCalAddress, event["organizer"])
    assert (str(organizer), organizer.params["CN"]) == (
        "mailto:p-anna@deltager.kvalitetsnet.invalid", "Anna Ærø",
    )  # fmt: skip
    attendees = {str(a): (a.params["CN"], a.params["ROLE"], a.params["RSVP"])
                 for a in attendees_of(event)}  # fmt: skip
    assert attendees == {
        "mailto:p-anna@deltager.kvalitetsnet.invalid": ("Anna Ærø", "CHAIR", "TRUE"),
        "mailto:p-ida@deltager.kvalitetsnet.invalid": ("Ida Holm", "REQ-PARTICIPANT", "TRUE"),
        "mailto:p-lukasz@deltager.kvalitetsnet.invalid": (
            "Łukasz Wiśniewski", "REQ-PARTICIPANT", "TRUE",
        ),
    }  # fmt: skip
    assert (str(event["uid"]), event.decoded("sequence")) == (
        "aalborg-oest.2025-03-12@meetings.kvalitetsnet.dk", 0,
    )  # fmt: skip


async def test_a_changed_meeting_is_requested_again_and_a_cancelled_one_cancelled_same_uid() -> (
    None
):
    store = InMemoryEventStore()
    first = sent(await march_meeting(store)).walk("VEVENT")[0]
    moved = RescheduleMeeting(NETWORK, "2025-03-12", date=dt.date(2025, 3, 19), reason="Sal")
    await handlers.reschedule(store, moved, cause())
    plan = await handlers.load_plan(store, NETWORK, 2025)
    changed_calendar = sent(plan.meeting("2025-03-12"))
    await handlers.cancel(store, CancelMeeting(NETWORK, "2025-03-12", "Sne"), cause())
    plan = await handlers.load_plan(store, NETWORK, 2025)
    cancelled_calendar = sent(plan.meeting("2025-03-12"))
    changed, cancelled = changed_calendar.walk("VEVENT")[0], cancelled_calendar.walk("VEVENT")[0]
    assert [str(c["method"]) for c in (changed_calendar, cancelled_calendar)] == [
        "REQUEST", "CANCEL",
    ]  # fmt: skip
    assert {str(e["uid"]) for e in (first, changed, cancelled)} == {
        "aalborg-oest.2025-03-12@meetings.kvalitetsnet.dk"
    }
    assert [e.decoded("sequence") for e in (first, changed, cancelled)] == [0, 1, 2]
    assert changed.decoded("dtstart") == dt.datetime(2025, 3, 19, 17, 0, tzinfo=COPENHAGEN)
    assert str(cancelled["status"]) == "CANCELLED"


async def test_invitations_and_the_plan_pass_libicals_itip_checks(
    checker: Path, tmp_path: Path
) -> None:
    meeting = await march_meeting(InMemoryEventStore())
    cancelled = replace(meeting, status="cancelled", changes=1)
    documents = {
        "request": invitation(meeting, "Aalborg Øst", ANNA, MEMBERS, ADDRESSES, NOW),
        "request to nobody but the coordinator": invitation(
            meeting, "Aalborg Øst", ANNA, [], ADDRESSES, NOW
        ),
        "cancel": invitation(cancelled, "Aalborg Øst", ANNA, MEMBERS, ADDRESSES, NOW),
        "plan": plan_calendar(
            [await handlers.load_plan(InMemoryEventStore(), NETWORK, 2025)], "Aalborg Øst", ANNA,
            ADDRESSES, NOW,
        ),
    }  # fmt: skip
    assert {name: itip_errors(checker, body, tmp_path) for name, body in documents.items()} == {
        name: [] for name in documents
    }


def test_libicals_check_finds_an_invitation_without_organizer_or_attendee(
    checker: Path, tmp_path: Path
) -> None:
    bare = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//DA\r\nMETHOD:REQUEST\r\n"
        b"BEGIN:VEVENT\r\nUID:u@x\r\nDTSTAMP:20250120T090000Z\r\n"
        b"DTSTART:20250312T160000Z\r\nSUMMARY:Moede\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    errors = itip_errors(checker, bare, tmp_path)
    assert any("ORGANIZER" in e for e in errors)
    assert any("ATTENDEE" in e for e in errors)


@pytest.mark.infra
async def test_the_plan_for_two_years_is_served_as_ics(service: Running) -> None:
    await service.publish_membership(
        NetworkCreated(
            effective_date=dt.date(2024, 6, 1),
            actor="ekm",
            causation_id="c",
            correlation_id="c",
            network_id=NETWORK,
            name="Aalborg Øst",
            cluster_id="aalborg",
        )
    )
    body = {"years": [2025, 2026], "meetings": [
        {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord", "topics": ["Rammer"]},
        {"date": "2026-02-25", "starts": "16:30", "ends": "19:00", "place": "Hotel Aalborg"},
    ]}  # fmt: skip
    planned_ = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=body, headers=AALBORG)
    assert planned_.status_code == 201, planned_.text

    async def fetch() -> Calendar:
        response = await service.client.get(
            f"/v1/networks/{NETWORK}/plan.ics", params=[("year", 2025), ("year", 2026)],
            headers=AALBORG,
        )  # fmt: skip
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/calendar")
        return Calendar.from_ical(response.content)

    def named(calendar: Calendar) -> bool:
        return "Aalborg Øst" in str(calendar.walk("VEVENT")[0]["summary"])

    calendar = await eventually(fetch, named, what="the network's name in the invitations")
    march, february = calendar.walk("VEVENT")
    assert str(march["summary"]) == "Kvalitetsnetværksmøde Aalborg Øst: Rammer"
    assert (march.decoded("dtstart"), march.decoded("dtend")) == (
        dt.datetime(2025, 3, 12, 17, 0, tzinfo=COPENHAGEN),
        dt.datetime(2025, 3, 12, 19, 55, tzinfo=COPENHAGEN),
    )
    assert (february.decoded("dtstart"), february.decoded("dtend")) == (
        dt.datetime(2026, 2, 25, 16, 30, tzinfo=COPENHAGEN),
        dt.datetime(2026, 2, 25, 19, 0, tzinfo=COPENHAGEN),
    )
    assert str(february["location"]) == "Hotel Aalborg"
    assert str(february["summary"]) == "Kvalitetsnetværksmøde Aalborg Øst"


@pytest.mark.infra
async def test_a_meetings_invitation_is_served_from_the_coordinator_to_the_members(
    service: Running, checker: Path, tmp_path: Path
) -> None:
    await service.publish_membership(
        joined("p-anna", "Anna Ærø", "111111", dt.date(2025, 1, 1)),
        joined("p-lukasz", "Łukasz Wiśniewski", "222222", dt.date(2025, 1, 1)),
    )  # fmt: skip
    anna = await appointed(service.publish_membership, service.client, NETWORK, "p-anna",
                           dt.date(2025, 1, 1), "Anna Ærø", alone=True)  # fmt: skip
    march = {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord"}
    body = {"years": [2025], "meetings": [march]}
    planned_ = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=body, headers=anna)
    assert planned_.status_code == 201, planned_.text
    url = f"/v1/networks/{NETWORK}/meetings/2025-03-12/invitation.ics"

    async def fetch() -> bytes:
        response = await service.client.get(url, headers=anna)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/calendar")
        return response.content

    def complete(content: bytes) -> bool:
        event = Calendar.from_ical(content).walk("VEVENT")[0]
        return "p-anna" in str(event["organizer"]) and len(attendees_of(event)) == 2

    content = await eventually(fetch, complete, what="Anna organising, Łukasz invited")
    assert itip_errors(checker, content, tmp_path) == []
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert sorted(a.params["CN"] for a in attendees_of(event)) == ["Anna Ærø", "Łukasz Wiśniewski"]
    other = await service.client.get(url, headers=ESBJERG)
    assert other.status_code == 403
    assert other.json()["rule"].startswith("Coordinator 1")
