"""The plan as iCalendar invitations, parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kn_contracts.events.membership import NetworkCreated
from kn_meetings import handlers
from kn_meetings.adapters.ics import invitations
from kn_meetings.domain.commands import CancelMeeting
from kn_servicekit.memstore import InMemoryEventStore
from tests.meetings.fakes import NETWORK, cause, planned
from tests.meetings.service import AALBORG, Running
from tests.support.waiting import eventually

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2025, 1, 20, 9, 0, tzinfo=dt.UTC)


async def test_each_planned_meeting_is_an_invitation_with_date_time_place_and_summary() -> None:
    store = InMemoryEventStore()
    march, september = await planned(store, dt.date(2025, 3, 12), dt.date(2025, 9, 3))
    await handlers.cancel(store, CancelMeeting(NETWORK, september, "Ferie"), cause())
    plan = await handlers.load_plan(store, NETWORK, 2025)

    calendar = Calendar.from_ical(invitations([plan], "Aalborg Øst", NOW))

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
