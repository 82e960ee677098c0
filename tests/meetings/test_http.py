"""The HTTP API on the real stack: refusals name their rule, repeats are idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kn_contracts.events.meetings import AttendeeCheckedIn, MeetingCancelled
from tests.meetings.service import AALBORG, EKM, ESBJERG, Running, joined
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

NETWORK = "aalborg-oest"
MEETING = f"/v1/networks/{NETWORK}/meetings"
TWO_MEETINGS = {"years": [2025], "meetings": [
    {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord", "topics": ["Rammer"]},
    {"date": "2025-09-03", "starts": "17:00", "place": "Klinik Øst", "topics": ["Smerte"]},
]}  # fmt: skip


async def plan(service: Running) -> None:
    response = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=TWO_MEETINGS,
                                         headers=AALBORG)  # fmt: skip
    assert response.status_code == 201, response.text


async def refusal(response: Any, status: int) -> tuple[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    return body["rule"], body["detail"]


async def ida_on_the_roster(service: Running) -> None:
    await service.publish_membership(joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1)))

    async def members() -> int:
        sheet = await service.client.get(f"{MEETING}/2025-03-12/attendance", headers=AALBORG)
        return len(sheet.json()["members"])

    await eventually(members, lambda n: n == 1, what="Ida on the sheet")


async def test_a_plan_answers_each_year_with_its_flags(service: Running) -> None:
    one = {"years": [2025, 2026], "meetings": [TWO_MEETINGS["meetings"][0]]}  # type: ignore[index]
    response = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=one, headers=EKM)
    assert response.status_code == 201, response.text
    assert [(y["year"], y["meetings_planned"], len(y["flags"])) for y in response.json()] == [
        (2025, 1, 1), (2026, 0, 1),
    ]  # fmt: skip
    # the service's clock is the real one: once 2025 is over only held meetings count
    flag = response.json()[0]["flags"][0]
    assert flag.startswith(("Meetings 6: 1 meeting(s) planned or held in 2025",
                            "Meetings 6: 0 meeting(s) held in 2025"))  # fmt: skip


async def test_attendance_for_a_cancelled_meeting_answers_409_naming_the_rule(
    service: Running,
) -> None:
    await plan(service)
    cancel = await service.client.post(f"{MEETING}/2025-03-12/cancel", json={"reason": "Sne"},
                                       headers=AALBORG)  # fmt: skip
    assert cancel.status_code == 200, cancel.text
    check_in = await service.client.post(f"{MEETING}/2025-03-12/attendance/check-ins",
                                         json={"person_id": "p-ida"}, headers=AALBORG)  # fmt: skip
    assert await refusal(check_in, 409) == (
        "Meetings 3: attendance is taken at a held meeting",
        "meeting 2025-03-12 was cancelled; it has no attendance list",
    )


async def test_attendance_for_a_meeting_not_yet_held_answers_409(service: Running) -> None:
    await plan(service)
    check_in = await service.client.post(f"{MEETING}/2025-09-03/attendance/check-ins",
                                         json={"name": "Bo Ravn"}, headers=AALBORG)  # fmt: skip
    assert await refusal(check_in, 409) == (
        "Meetings 3: attendance is taken at a held meeting",
        "meeting 2025-09-03 is not held yet; mark it held first",
    )


async def test_a_second_check_in_of_the_same_person_answers_409(service: Running) -> None:
    await plan(service)
    await ida_on_the_roster(service)
    await service.client.post(f"{MEETING}/2025-03-12/held", headers=AALBORG)
    url = f"{MEETING}/2025-03-12/attendance/check-ins"
    first = await service.client.post(url, json={"person_id": "p-ida"}, headers=AALBORG)
    assert first.status_code == 201, first.text
    again = await service.client.post(url, json={"person_id": "p-ida"}, headers=AALBORG)
    assert await refusal(again, 409) == (
        "Meetings 3: each person is on a meeting's attendance list once",
        "Ida Holm is already on the list (line 1)",
    )


async def test_a_coordinator_acting_on_another_network_answers_403(service: Running) -> None:
    response = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=TWO_MEETINGS,
                                         headers=ESBJERG)  # fmt: skip
    rule, detail = await refusal(response, 403)
    assert (rule, detail.split(":")[0]) == (
        "Coordinator 1: a coordinator acts for their own network only",
        "c-esbjerg may not read or act for aalborg-oest",
    )
    reading = await service.client.get(f"/v1/networks/{NETWORK}/years/2025", headers=ESBJERG)
    assert reading.status_code == 403


async def test_a_date_outside_the_plan_year_answers_422(service: Running) -> None:
    late = {"years": [2025], "meetings": [{"date": "2026-01-14", "starts": "17:00",
                                           "place": "Klinik Nord"}]}  # fmt: skip
    response = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=late, headers=AALBORG)
    assert await refusal(response, 422) == (
        "Meetings 1: a meeting plan covers one or two calendar years",
        "the meeting on 2026-01-14 is outside the plan year(s) 2025",
    )
    await plan(service)
    moved = await service.client.post(f"{MEETING}/2025-09-03/reschedule",
                                      json={"date": "2026-02-01"}, headers=AALBORG)  # fmt: skip
    rule, _ = await refusal(moved, 422)
    assert rule == "Meetings 1: a meeting plan covers one or two calendar years"


async def test_a_repeated_command_with_the_same_key_gets_the_same_answer_and_no_second_event(
    service: Running,
) -> None:
    await plan(service)
    await ida_on_the_roster(service)
    await service.client.post(f"{MEETING}/2025-03-12/held", headers=AALBORG)
    url = f"{MEETING}/2025-03-12/attendance/check-ins"
    keyed = {**AALBORG, "Idempotency-Key": "tick-ida-1"}
    first = await service.client.post(url, json={"person_id": "p-ida"}, headers=keyed)
    again = await service.client.post(url, json={"person_id": "p-ida"}, headers=keyed)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    other = await service.client.post(url, json={"name": "Bo Ravn"}, headers=keyed)
    assert other.status_code == 422  # the key was used for another request
    # a later event on the topic proves the relay got past any second check-in
    await service.client.post(f"{MEETING}/2025-09-03/cancel", json={"reason": "Ferie"},
                              headers=AALBORG)  # fmt: skip
    events = await eventually(service.meetings_events,
                              lambda es: any(isinstance(e, MeetingCancelled) for e in es),
                              what="the cancellation on Kafka")  # fmt: skip
    check_ins = [e for e in events if isinstance(e, AttendeeCheckedIn)]
    assert [c.check_in.person_id for c in check_ins] == ["p-ida"]
    assert check_ins[0].causation_id == "tick-ida-1"


async def test_the_year_view_shows_the_mandatory_topic_covered(service: Running) -> None:
    topic = {"year": 2025, "topic_id": "forventninger", "title": "Hvordan arbejder vi"}
    published = await service.client.post("/v1/mandatory-topics", json=topic, headers=EKM)
    assert published.status_code == 201, published.text
    refused = await service.client.post("/v1/mandatory-topics", json=topic, headers=AALBORG)
    assert (await refusal(refused, 403))[0] == "Meetings 2: one mandatory topic a year, set by EKM"
    await plan(service)
    covers = {"topics": ["Forventninger"], "mandatory_topic_id": "forventninger"}
    changed = await service.client.put(f"{MEETING}/2025-03-12/topics", json=covers,
                                       headers=AALBORG)  # fmt: skip
    assert changed.status_code == 200, changed.text
    await service.client.post(f"{MEETING}/2025-03-12/held", headers=AALBORG)
    year = (await service.client.get(f"/v1/networks/{NETWORK}/years/2025", headers=AALBORG)).json()
    assert year["mandatory_topic"] == {
        "year": 2025, "topic_id": "forventninger", "title": "Hvordan arbejder vi",
        "status": "covered",
    }  # fmt: skip
    assert [m["covers_mandatory_topic"] for m in year["meetings"]] == [True, False]
