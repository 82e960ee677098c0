"""The region feed through real Kafka: each rule applied, each contradiction kept for EKM."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kn_servicekit.deadletter_inbox import read_letters
from kn_servicekit.kafka_access import KafkaAccess
from tests.membership.facts import closed, opened, shared, taken_over, unshared
from tests.membership.service import EKM, Membership, membership_service
from tests.support.kafka import produce
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

JAN_1, MARCH_1, APRIL_1, JULY_1 = (dt.date(2025, m, 1) for m in (1, 3, 4, 7))


@pytest.fixture
async def membership(kafka_admin: KafkaAccess, test_database_url: str) -> Any:
    async with membership_service(kafka_admin, test_database_url) as service:
        yield service


async def awaiting(membership: Membership, on: dt.date) -> list[str]:
    answer = await membership.http.get(
        "/v1/awaiting-assignment", headers=EKM, params={"on": on.isoformat()}
    )
    return [row["name"] for row in answer.json()]


async def test_a_new_clinic_waits_and_then_ekm_assigns_it(membership: Membership) -> None:
    await membership.publish(opened("100001", "p-anna", "Anna Berg", "klinik-nord", JAN_1))
    await eventually(lambda: awaiting(membership, JAN_1), lambda names: names == ["Anna Berg"])
    answer = await membership.post(
        "/v1/networks/aalborg-oest/members",
        {
            "person_id": "p-anna",
            "ydernummer": "100001",
            "effective_date": "2025-01-01",
            "reason": "nearest network to the new clinic",
        },
    )
    assert answer.json() == {"recorded": ["MemberJoined"]}
    assert await awaiting(membership, JAN_1) == []
    assert await membership.members("aalborg-oest", JAN_1) == ["Anna Berg"]


async def test_renter_buyer_seller_shared_late_and_future_changes_through_kafka(
    membership: Membership,
) -> None:
    await membership.publish(opened("100001", "p-anna", "Anna Berg", "klinik-nord", JAN_1))
    await eventually(lambda: awaiting(membership, JAN_1), lambda names: names == ["Anna Berg"])
    await membership.post(
        "/v1/networks/aalborg-oest/members",
        {
            "person_id": "p-anna",
            "ydernummer": "100001",
            "effective_date": "2025-01-01",
            "reason": "new clinic",
        },
    )
    # a renter joins the colleagues' network; a second owner shares Anna's ydernummer
    await membership.publish(opened("100002", "p-bo", "Bo Lind", "klinik-nord", JAN_1, "renter"))
    await membership.publish(shared("100001", "p-quinn", "Quinn Qvist", JAN_1))
    await membership.eventually_members(
        "aalborg-oest", JAN_1, ["Anna Berg", "Bo Lind", "Quinn Qvist"]
    )
    owners = await membership.members("aalborg-oest", JAN_1, owners_only="true")
    assert owners == ["Anna Berg", "Quinn Qvist"]
    # the renter's ydernummer closes in July, announced now
    await membership.publish(closed("100002", JULY_1))
    # the clinic's sale on 1 March is reported late, after the July closure
    await membership.publish(
        taken_over("klinik-nord", "100001", "p-carl", "Carl Holm", "100003", MARCH_1)
    )
    await membership.eventually_members("aalborg-oest", MARCH_1, ["Bo Lind", "Carl Holm"])
    assert await membership.members("aalborg-oest", dt.date(2025, 2, 28)) == [
        "Anna Berg",
        "Bo Lind",
        "Quinn Qvist",
    ]
    assert await membership.members("aalborg-oest", JULY_1) == ["Carl Holm"]


async def unresolved(membership: Membership, **params: Any) -> list[dict[str, Any]]:
    answer = await membership.http.get("/v1/feed/unresolved", headers=EKM, params=params)
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["unresolved"]
    return rows


async def test_contradicting_changes_are_facts_for_ekm_malformed_ones_dead_letters(
    membership: Membership,
) -> None:
    await membership.publish(closed("999999", MARCH_1))
    await membership.publish(
        taken_over("klinik-syd", "999998", "p-carl", "Carl Holm", "100003", MARCH_1)
    )
    key, headers, value = b"12345X", *_malformed()
    not_json = [(k, v if k != "ce_id" else b"bad-2") for k, v in headers]
    await produce(
        membership.box.kafka,
        membership.feed_topic,
        [(key, headers, value), (key, not_json, b"this is not JSON {")],
    )
    await membership.publish(shared("100007", "p-sara", "Sara Sand", MARCH_1))
    await membership.publish(opened("100007", "p-tove", "Tove Tang", "klinik-ny", MARCH_1))
    # the feed went on past all of them
    await eventually(lambda: awaiting(membership, MARCH_1), lambda n: n == ["Tove Tang"])
    closure, sale, share = await unresolved(membership)
    assert (closure["rule"], closure["change_type"]) == (
        "Membership 7",
        "dk.kvalitetsnet.region.YdernummerClosed.v1",
    )
    assert "ydernummer 999999 is unknown or already closed on 2025-03-01" in closure["reason"]
    assert (sale["rule"], sale["ydernummer"]) == ("Membership 3", "999998")
    assert "not held by anyone on 2025-03-01, so it cannot be shared" in share["reason"]
    # only what breaks the contract is a dead letter: the malformed ydernummer
    malformed, garbled = await read_letters(membership.box.kafka, membership.feed_topic)
    assert "ydernummer" in malformed.letter.reason
    assert dict(malformed.letter.headers)["ce_id"] == b"bad-1"
    assert dict(garbled.letter.headers)["ce_id"] == b"bad-2"
    assert garbled.letter.value == b"this is not JSON {"

    # the list pages
    first = await membership.http.get("/v1/feed/unresolved", headers=EKM, params={"limit": 2})
    assert [row["number"] for row in first.json()["unresolved"]] == [1, 2]
    rest = await unresolved(membership, after=first.json()["next"])
    assert [row["number"] for row in rest] == [3]

    # now that 100007 exists, EKM applies the share; a sale that still contradicts is refused
    answer = await membership.post(f"/v1/feed/unresolved/{share['number']}/redrive", {})
    assert answer.status_code == 200, answer.text
    assert answer.json()["recorded"] == ["MemberAwaitingAssignment", "RegionChangeSettled"]
    assert await awaiting(membership, MARCH_1) == ["Sara Sand", "Tove Tang"]
    refused = await membership.post(f"/v1/feed/unresolved/{sale['number']}/redrive", {})
    assert refused.status_code == 422
    assert refused.json()["rule"] == "Membership 3"
    # and sets the closure of an unknown ydernummer aside with a note
    note = {"note": "region confirmed the message was sent in error"}
    dismissed = await membership.post(f"/v1/feed/unresolved/{closure['number']}/dismiss", note)
    assert dismissed.status_code == 200, dismissed.text
    again = await membership.post(f"/v1/feed/unresolved/{closure['number']}/dismiss", note)
    assert again.status_code == 409
    assert [row["number"] for row in await unresolved(membership)] == [sale["number"]]


def _malformed() -> tuple[list[tuple[str, bytes]], bytes]:
    body = (
        b'{"effective_date": "2025-03-01", "actor": "region:nordjylland", "causation_id": "x",'
        b' "correlation_id": "x", "ydernummer": "12345X", "person_id": "p-x", "name": "X",'
        b' "clinic_id": "klinik-x", "clinic_name": "Klinik X", "role": "owner"}'
    )
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", b"bad-1"),
        ("ce_source", b"/region/x"),
        ("ce_type", b"dk.kvalitetsnet.region.YdernummerOpened.v1"),
        ("ce_time", b"2025-03-01T08:00:00Z"),
        ("content-type", b"application/json"),
    ]
    return headers, body


async def test_owners_sharers_renters_and_the_role_through_kafka(membership: Membership) -> None:
    """Item by item on the real stack: waiting colleagues join with their owner (Membership
    2, 4); a sharer who stops leaves, and so does their coordinator role (Membership 11,
    Coordinator 6); one network per person (Membership 10); EKM ends a holding by hand."""
    await membership.publish(opened("100001", "p-anna", "Anna Berg", "klinik-nord", JAN_1))
    await membership.publish(shared("100001", "p-quinn", "Quinn Qvist", JAN_1))
    await membership.publish(opened("100002", "p-bo", "Bo Lind", "klinik-nord", JAN_1, "renter"))
    await eventually(lambda: awaiting(membership, JAN_1), lambda names: len(names) == 3)
    assigned = await membership.post(
        "/v1/networks/aalborg-oest/members",
        {"person_id": "p-anna", "ydernummer": "100001", "effective_date": "2025-01-01",
         "reason": "new clinic"},
    )  # fmt: skip
    assert assigned.json() == {"recorded": ["MemberJoined"] * 3}
    assert await awaiting(membership, JAN_1) == []
    role = "/v1/networks/aalborg-oest/coordinator"
    await membership.post(f"{role}/elect", {"person_id": "p-quinn", "effective_date": "2025-01-01"})

    await membership.publish(unshared("100001", "p-quinn", JULY_1))
    await membership.eventually_members("aalborg-oest", JULY_1, ["Anna Berg", "Bo Lind"])
    holder = await membership.http.get(role, headers=EKM, params={"on": "2025-07-01"})
    assert holder.json()["holders"] == []
    months = await membership.http.get(f"{role}/months", headers=EKM, params={"year": 2025})
    assert months.json()["served"] == {"p-quinn": 6}

    await membership.post(
        "/v1/networks",
        {"network_id": "aalborg-vest", "name": "Aalborg Vest", "cluster_id": "aalborg"},
    )
    await membership.publish(opened("200001", "p-vera", "Vera Vest", "klinik-vest", JAN_1))
    await eventually(lambda: awaiting(membership, JAN_1), lambda names: names == ["Vera Vest"])
    await membership.post(
        "/v1/networks/aalborg-vest/members",
        {"person_id": "p-vera", "ydernummer": "200001", "effective_date": "2025-01-01",
         "reason": "new clinic"},
    )  # fmt: skip
    await membership.publish(opened("500001", "p-anna", "Anna Berg", "klinik-vest", MARCH_1))
    [row] = await eventually(lambda: unresolved(membership), lambda rows: len(rows) == 1)
    assert row["rule"] == "Membership 10"
    assert "p-anna is already a member of aalborg-oest on 2025-03-01" in row["reason"]
    assert await membership.members("aalborg-vest", MARCH_1) == ["Vera Vest"]

    await membership.post(
        "/v1/members/p-bo/remove",
        {"ydernummer": "100002", "effective_date": "2025-08-01", "reason": "left the network"},
    )
    assert await awaiting(membership, dt.date(2025, 8, 1)) == ["Bo Lind"]
    ended = await membership.post(
        "/v1/members/p-bo/end-holding",
        {"ydernummer": "100002", "effective_date": "2025-08-01", "reason": "stopped practising"},
    )
    assert ended.json() == {"recorded": ["AwaitingAssignmentEnded"]}
    assert await awaiting(membership, dt.date(2025, 8, 1)) == []
    unknown = await membership.post(
        "/v1/members/p-bo/end-holding",
        {"ydernummer": "100002", "effective_date": "2025-09-01", "reason": "again"},
    )
    assert unknown.status_code == 404
