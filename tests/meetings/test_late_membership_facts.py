"""Meetings 10: a membership fact reported after a meeting's list was sent, dated on or
before the meeting, makes meetings record a new revision by itself, naming the fact."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.events.meetings import AttendanceCorrected
from kn_contracts.events.membership import MemberLeft
from tests.meetings.service import AALBORG, Running, joined
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

NETWORK = "aalborg-oest"
MEETING = f"/v1/networks/{NETWORK}/meetings/2025-03-12"
JANUARY_1 = dt.date(2025, 1, 1)


def left(person: str, ydernummer: str, on: dt.date) -> MemberLeft:
    return MemberLeft(effective_date=on, actor="region", causation_id=f"left-{person}",
                      correlation_id=f"left-{person}", network_id=NETWORK, person_id=person,
                      ydernummer=ydernummer, clinic_id="klinik-nord", reason="sale")  # fmt: skip


async def revisions(service: Running, count: int) -> list[AttendanceCorrected]:
    """The revisions on Kafka, once there are `count` of them."""

    async def found() -> list[AttendanceCorrected]:
        return [e for e in await service.meetings_events() if isinstance(e, AttendanceCorrected)]

    return await eventually(found, lambda rs: len(rs) >= count, what=f"{count} revision(s)")


async def sent_list(service: Running) -> None:
    """Ida and Carl tick in, Nora writes herself in (no member yet); the list goes to EKM."""
    await service.publish_membership(
        joined("p-ida", "Ida Holm", "123456", JANUARY_1),
        joined("p-carl", "Carl Mose", "654321", JANUARY_1),
    )
    plan = {"years": [2025], "meetings": [
        {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord"}]}  # fmt: skip
    assert (await service.client.post(f"/v1/networks/{NETWORK}/plan", json=plan,
                                      headers=AALBORG)).status_code == 201  # fmt: skip
    assert (await service.client.post(f"{MEETING}/held", headers=AALBORG)).status_code == 200

    async def members() -> int:
        sheet = await service.client.get(f"{MEETING}/attendance", headers=AALBORG)
        return len(sheet.json()["members"])

    await eventually(members, lambda n: n == 2, what="Ida and Carl in meetings' view")
    nora = {"name": "Nora Friis", "clinic": "Klinik Nord", "ydernummer": "444444"}
    for body in ({"person_id": "p-ida"}, {"person_id": "p-carl"}, nora):
        response = await service.client.post(f"{MEETING}/attendance/check-ins", json=body,
                                             headers=AALBORG)  # fmt: skip
        assert response.status_code == 201, response.text
    closed = await service.client.post(f"{MEETING}/attendance/close", headers=AALBORG)
    assert closed.json()["meeting"]["attendance"]["member_owner"] == 2, closed.text


async def test_a_late_membership_fact_makes_meetings_revise_a_sent_list_naming_it_as_cause(
    service: Running,
) -> None:
    await sent_list(service)

    await service.publish_membership(left("p-carl", "654321", dt.date(2025, 3, 1)),
                                     event_id="membership-carl-left")  # fmt: skip
    [second] = await revisions(service, 1)
    assert (second.revision, second.actor, second.causation_id) == (
        2, "meetings", "membership-carl-left",
    )  # fmt: skip
    assert second.reason == (
        "Meetings 10: membership reported late that p-carl left aalborg-oest from 2025-03-01 "
        "(ydernummer 654321; membership event membership-carl-left)"
    )
    assert [(a.line, a.category) for a in second.attendees] == [
        (1, "member_owner"), (2, "guest"), (3, "guest"),
    ]  # fmt: skip

    # Nora's join, dated 1 January, is reported after the list went: her line is hers now
    await service.publish_membership(joined("p-nora", "Nora Friis", "444444", JANUARY_1),
                                     event_id="membership-nora-joined")  # fmt: skip
    _, third = await revisions(service, 2)
    assert (third.revision, third.causation_id) == (3, "membership-nora-joined")
    assert [(a.line, a.person_id, a.category) for a in third.attendees] == [
        (1, "p-ida", "member_owner"), (2, "p-carl", "guest"), (3, "p-nora", "member_owner"),
    ]  # fmt: skip
    detail = await service.client.get(MEETING, headers=AALBORG)
    assert detail.json()["meeting"]["attendance"]["revision"] == 3


async def test_repeats_of_a_late_membership_fact_change_nothing(service: Running) -> None:
    await sent_list(service)
    carl_left = left("p-carl", "654321", dt.date(2025, 3, 1))
    await service.publish_membership(carl_left, event_id="membership-carl-left")
    await revisions(service, 1)

    await service.publish_membership(carl_left, event_id="membership-carl-left")  # redelivered
    await service.publish_membership(carl_left, event_id="membership-carl-left-again")  # resent
    await service.publish_membership(
        joined("p-ida", "Ida Holm", "123456", JANUARY_1), event_id="membership-ida-again"
    )  # the same fact again
    # a fact that does change a line, after the repeats on the same partition: its revision
    # is the next one, so the repeats before it recorded none
    await service.publish_membership(left("p-ida", "123456", dt.date(2025, 2, 1)),
                                     event_id="membership-ida-left")  # fmt: skip
    found = await revisions(service, 2)
    assert [(r.revision, r.causation_id) for r in found] == [
        (2, "membership-carl-left"), (3, "membership-ida-left"),
    ]  # fmt: skip


async def test_a_membership_fact_dated_after_the_meeting_revises_nothing(
    service: Running,
) -> None:
    await sent_list(service)
    await service.publish_membership(left("p-carl", "654321", dt.date(2025, 4, 1)),
                                     event_id="membership-carl-left-april")  # fmt: skip
    await service.publish_membership(left("p-ida", "123456", dt.date(2025, 3, 12)),
                                     event_id="membership-ida-left-on-the-day")  # fmt: skip
    [only] = await revisions(service, 1)
    assert only.causation_id == "membership-ida-left-on-the-day"
    assert [a.category for a in only.attendees] == ["guest", "member_owner", "guest"]


async def test_a_late_join_elsewhere_revises_the_list_without_naming_that_member_or_network(
    service: Running,
) -> None:
    await sent_list(service)
    nora = joined("p-nora", "Nora Friis", "444444", JANUARY_1, network="esbjerg")
    await service.publish_membership(nora, event_id="membership-nora-joined-esbjerg")
    [second] = await revisions(service, 1)
    assert second.reason == (
        "Meetings 10: membership reported late that a member of another network joined that "
        "network from 2025-01-01 (ydernummer 444444; membership event "
        "membership-nora-joined-esbjerg)"
    )
    assert [a.category for a in second.attendees] == [
        "member_owner", "member_owner", "other_network_owner",
    ]  # fmt: skip
