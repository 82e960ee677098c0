"""Meetings' own view of membership, fed by membership's events on Kafka, read by dates."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events.meetings import AttendanceCorrected
from kn_contracts.events.membership import MemberLeft
from tests.meetings.service import AALBORG, Running, joined
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

NETWORK = "aalborg-oest"
LIST = f"/v1/networks/{NETWORK}/meetings/2025-03-12/attendance"


def left(person: str, ydernummer: str, on: dt.date) -> MemberLeft:
    return MemberLeft(effective_date=on, actor="region", causation_id=f"left-{person}",
                      correlation_id=f"left-{person}", network_id=NETWORK, person_id=person,
                      ydernummer=ydernummer, clinic_id="klinik-nord", reason="sale")  # fmt: skip


async def members_on_the_sheet(service: Running) -> set[str]:
    response = await service.client.get(LIST, headers=AALBORG)
    assert response.status_code == 200, response.text
    return {m["person_id"] for m in response.json()["members"]}


async def test_late_and_future_membership_dates_classify_by_the_meeting_date(
    service: Running,
) -> None:
    plan = {"years": [2025], "meetings": [
        {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord"}]}  # fmt: skip
    assert (await service.client.post(f"/v1/networks/{NETWORK}/plan", json=plan,
                                      headers=AALBORG)).status_code == 201  # fmt: skip
    await service.client.post(f"/v1/networks/{NETWORK}/meetings/2025-03-12/held", headers=AALBORG)
    await service.publish_membership(
        joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1)),
        joined("p-carl", "Carl Mose", "654321", dt.date(2025, 1, 1)),
        joined("p-bo", "Bo Ravn", "777777", dt.date(2025, 4, 1)),  # announced ahead
    )
    await eventually(lambda: members_on_the_sheet(service), lambda s: s == {"p-ida", "p-carl"},
                     what="Ida and Carl, not Bo, members on 12 March")  # fmt: skip

    for body in ({"person_id": "p-ida"}, {"person_id": "p-carl"},
                 {"name": "Bo Ravn", "clinic": "Klinik Nord", "ydernummer": "777777"}):  # fmt: skip
        response = await service.client.post(f"{LIST}/check-ins", json=body, headers=AALBORG)
        assert response.status_code == 201, response.text
    closed = await service.client.post(f"{LIST}/close", headers=AALBORG)
    assert closed.json()["meeting"]["attendance"]["member_owner"] == 2

    # Carl's sale on 1 March is reported after the list went to EKM: meetings revises it
    await service.publish_membership(left("p-carl", "654321", dt.date(2025, 3, 1)))
    events = await eventually(service.meetings_events,
                              lambda es: any(isinstance(e, AttendanceCorrected) for e in es),
                              what="meetings' own revision on Kafka")  # fmt: skip
    [event] = [e for e in events if isinstance(e, AttendanceCorrected)]
    assert (event.revision, event.actor) == (2, "meetings")
    assert event.reason.startswith("Meetings 10: membership reported late that p-carl left")
    assert {a.name: a.category for a in event.attendees} == {
        "Ida Holm": "member_owner",
        "Carl Mose": "guest",
        "Bo Ravn": "guest",
    }
