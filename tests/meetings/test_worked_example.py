"""DOMAIN's worked example through HTTP and Kafka: 12 March 2025 in Aalborg Øst.

18 member owners (P and Q share one ydernummer); 14 of them attend, both P and Q
among them, plus 2 employees. The list EKM receives classifies every line.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from kn_contracts.events.meetings import AttendanceRecorded
from kn_contracts.events.membership import NetworkCreated
from tests.meetings.service import AALBORG, Running, joined
from tests.support.sealed import opened
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

NETWORK = "aalborg-oest"
JANUARY_1 = dt.date(2025, 1, 1)
SHARED = "240117"  # P's and Q's one ydernummer
OWNERS = [
    ("p-p", "Pia Poulsen", SHARED), ("p-q", "Quinn Qvist", SHARED),
    *((f"p-{n:02d}", f"Ejer Nummer {n:02d}", f"{400100 + n}") for n in range(3, 19)),
]  # fmt: skip
RECORDED = AttendanceRecorded.ce_type().encode()
ATTENDING = [person for person, _, _ in OWNERS[:14]]


async def sheet(service: Running, meeting: str) -> dict[str, Any]:
    url = f"/v1/networks/{NETWORK}/meetings/{meeting}/attendance"
    response = await service.client.get(url, headers=AALBORG)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_worked_example_reaches_ekm_with_every_attendee_classified(
    service: Running,
) -> None:
    network = NetworkCreated(effective_date=JANUARY_1, actor="ekm", causation_id="c",
                             correlation_id="c", network_id=NETWORK, name="Aalborg Øst",
                             cluster_id="aalborg")  # fmt: skip
    await service.publish_membership(
        network,
        *(joined(person, name, yd, JANUARY_1) for person, name, yd in OWNERS),
        joined("p-visitor", "Vera Gæst", "555555", JANUARY_1, network="esbjerg"),
    )
    plan = {"years": [2025], "meetings": [
        {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord, Aalborg",
         "topics": ["Rammer og aftaler"]},
    ]}  # fmt: skip
    planned = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=plan, headers=AALBORG)
    assert planned.status_code == 201, planned.text
    meeting = planned.json()[0]["meetings"][0]["meeting_id"]
    held = await service.client.post(
        f"/v1/networks/{NETWORK}/meetings/{meeting}/held", headers=AALBORG
    )
    assert held.status_code == 200, held.text

    listed = await eventually(
        lambda: sheet(service, meeting), lambda s: len(s["members"]) == 18,
        what="the 18 members on the sheet",
    )  # fmt: skip
    assert sum(1 for m in listed["members"] if m["ydernummer"] == SHARED) == 2

    check_ins = f"/v1/networks/{NETWORK}/meetings/{meeting}/attendance/check-ins"
    for person in ATTENDING:
        ticked = await service.client.post(check_ins, json={"person_id": person}, headers=AALBORG)
        assert ticked.status_code == 201, ticked.text
    for name in ("Emma Ansat", "Jonas Ansat"):
        body = {"name": name, "clinic": "Klinik Nord", "employed": True}
        written = await service.client.post(check_ins, json=body, headers=AALBORG)
        assert written.status_code == 201, written.text
    closed = await service.client.post(
        f"/v1/networks/{NETWORK}/meetings/{meeting}/attendance/close", headers=AALBORG
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["meeting"]["attendance"] == {
        "revision": 1, "member_owner": 14, "other_network_owner": 0, "employee": 2, "guest": 0,
    }  # fmt: skip

    records = await eventually(
        service.meetings_records,
        lambda rs: any(dict(r.headers)["ce_type"] == RECORDED for r in rs),
        what="AttendanceRecorded on the meetings topic",
    )
    [record] = [r for r in records if dict(r.headers)["ce_type"] == RECORDED]
    message = KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    cloud_event = from_binary_event(message)

    assert cloud_event.get_type() == "dk.kvalitetsnet.meetings.AttendanceRecorded.v2"
    assert cloud_event.get_source() == "/kvalitetsnet/meetings"
    assert cloud_event.get_subject() == "plan:aalborg-oest:2025"
    assert cloud_event.get_extension("partitionkey") == NETWORK
    recorded = AttendanceRecorded.model_validate(cloud_event.get_data())
    assert (recorded.network_id, recorded.meeting_date) == (NETWORK, dt.date(2025, 3, 12))
    assert recorded.effective_date == dt.date(2025, 3, 12)
    assert recorded.actor == "coordinator:aalborg-oest/c-aalborg"  # the person who acted
    assert Counter(a.category for a in recorded.attendees) == {"member_owner": 14, "employee": 2}
    owners = {a.person_id for a in recorded.attendees if a.category == "member_owner"}
    assert owners == set(ATTENDING)
    assert {a.ydernummer for a in recorded.attendees if a.person_id in ("p-p", "p-q")} == {SHARED}
    [recorded] = await opened(service.settings.database_url, [recorded])  # sealed on the wire
    assert {a.name for a in recorded.attendees if a.category == "employee"} == {
        "Emma Ansat", "Jonas Ansat",
    }  # fmt: skip
