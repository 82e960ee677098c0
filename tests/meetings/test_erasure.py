"""Meetings owns the keys of people written in on a list (issue 15): each gets a subject id,
EKM erases them by it, and a member erased at membership reads "[slettet]" here too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kn_contracts.events.meetings import SubjectErased
from kn_contracts.events.membership import PersonErased
from kn_contracts.sealed import ERASED
from tests.meetings.service import AALBORG, EKM, Running, joined
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

NETWORK = "aalborg-oest"
MEETING = f"/v1/networks/{NETWORK}/meetings/2025-03-12"
REASON = {"reason": "asked by e-mail on 1 December 2026"}


async def planned(service: Running) -> None:
    plan = {"years": [2025], "meetings": [
        {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord"}]}  # fmt: skip
    answer = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=plan, headers=AALBORG)
    assert answer.status_code == 201, answer.text


async def held_with(service: Running, *lines: dict[str, Any]) -> None:
    await service.client.post(f"{MEETING}/held", headers=AALBORG)
    for line in lines:
        answer = await service.client.post(
            f"{MEETING}/attendance/check-ins", json=line, headers=AALBORG
        )
        assert answer.status_code == 201, answer.text


async def lines(service: Running) -> list[dict[str, Any]]:
    answer = await service.client.get(MEETING, headers=EKM)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()["check_ins"]
    return found


async def test_a_person_written_in_gets_a_subject_id_and_reads_slettet_once_erased(
    service: Running,
) -> None:
    await planned(service)
    await held_with(service, {"name": "Ole Gæst", "clinic": "Klinik Syd"})
    [line] = await lines(service)
    assert line["subject_id"].startswith("w-")
    assert (line["name"], line["clinic"]) == ("Ole Gæst", "Klinik Syd")

    answer = await service.client.post(
        f"/v1/subjects/{line['subject_id']}/erase", json=REASON, headers=EKM
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["recorded"] == ["SubjectErased"]
    [after] = await lines(service)
    assert (after["name"], after["clinic"]) == (ERASED, ERASED)
    events = await eventually(service.meetings_events,
                              lambda es: any(isinstance(e, SubjectErased) for e in es),
                              what="SubjectErased on meetings' topic")  # fmt: skip
    [erased] = [e for e in events if isinstance(e, SubjectErased)]
    assert (erased.subject_id, erased.keys_erased) == (line["subject_id"], 1)


async def test_erasing_a_subject_meetings_holds_no_key_of_is_404_saying_where_to_go(
    service: Running,
) -> None:
    answer = await service.client.post("/v1/subjects/p-nobody/erase", json=REASON, headers=EKM)

    assert answer.status_code == 404
    assert "a member is erased at membership" in answer.json()["detail"]


async def test_a_member_erased_at_membership_reads_slettet_on_meetings_list(
    service: Running,
) -> None:
    await service.publish_membership(joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1)))
    await planned(service)
    await eventually(lambda: service.client.get(f"{MEETING}/attendance", headers=AALBORG),
                     lambda r: "Ida Holm" in r.text, what="Ida in meetings' view")  # fmt: skip
    await held_with(service, {"person_id": "p-ida"})
    assert [line["name"] for line in await lines(service)] == ["Ida Holm"]

    await service.publish_membership(
        PersonErased(
            effective_date=dt.date(2026, 12, 2),
            actor="ekm",
            causation_id="erase-1",
            correlation_id="erase-1",
            subject_id="p-ida",
            reason="her request",
            keys_erased=1,
        )
    )

    await eventually(lambda: lines(service), lambda found: [line["name"] for line in found]
                     == [ERASED], what="Ida's line read as [slettet]")  # fmt: skip
