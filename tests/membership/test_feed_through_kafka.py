"""The region feed through real Kafka: each rule applied, each contradiction kept for EKM."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.membership.facts import closed, opened, shared, taken_over
from tests.membership.service import EKM, Membership, membership_service
from tests.support.kafka import produce
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

JAN_1, MARCH_1, APRIL_1, JULY_1 = (dt.date(2025, m, 1) for m in (1, 3, 4, 7))


@pytest.fixture
async def membership(kafka_bootstrap: str, test_database_url: str) -> Any:
    async with membership_service(kafka_bootstrap, test_database_url) as service:
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


async def unresolved(membership: Membership) -> list[dict[str, Any]]:
    answer = await membership.http.get("/v1/feed/unresolved", headers=EKM)
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()
    return rows


async def test_contradicting_and_malformed_messages_are_kept_for_ekm_and_the_feed_goes_on(
    membership: Membership,
) -> None:
    await membership.publish(closed("999999", MARCH_1))
    await membership.publish(
        taken_over("klinik-syd", "999998", "p-carl", "Carl Holm", "100003", MARCH_1)
    )
    key, headers, value = b"12345X", *_malformed()
    await produce(membership.box.bootstrap, membership.feed_topic, [(key, headers, value)])
    await membership.publish(shared("100007", "p-sara", "Sara Sand", MARCH_1))
    await membership.publish(opened("100007", "p-tove", "Tove Tang", "klinik-ny", MARCH_1))
    rows = await eventually(lambda: unresolved(membership), lambda r: len(r) == 4)
    # the four arrived on different partitions, so find each by what it says
    closure = _one(rows, "ydernummer 999999 is unknown or already closed on 2025-03-01")
    sale = _one(rows, "999998 does not own clinic klinik-syd")
    malformed = _one(rows, "contract: dk.kvalitetsnet.region.YdernummerOpened.v1 violates")
    share = _one(rows, "not held by anyone on 2025-03-01, so it cannot be shared")
    assert "ydernummer" in malformed["reason"]
    assert closure["type"] == "dk.kvalitetsnet.region.YdernummerClosed.v1"
    # the feed went on past all of them
    await eventually(lambda: awaiting(membership, MARCH_1), lambda n: n == ["Tove Tang"])

    # now that 100007 exists, EKM sends the share again; it applies
    answer = await membership.http.post(
        f"/v1/feed/unresolved/{share['dlq_offset']}/redrive", headers=EKM
    )
    assert answer.status_code == 200, answer.text
    await eventually(
        lambda: awaiting(membership, MARCH_1), lambda n: n == ["Sara Sand", "Tove Tang"]
    )
    # and sets the closure of an unknown ydernummer aside with a note
    dismissed = await membership.http.post(
        f"/v1/feed/unresolved/{closure['dlq_offset']}/dismiss",
        headers=EKM,
        json={"note": "region confirmed the message was sent in error"},
    )
    assert dismissed.status_code == 200, dismissed.text
    remaining = {row["dlq_offset"] for row in await unresolved(membership)}
    assert remaining == {sale["dlq_offset"], malformed["dlq_offset"]}


def _one(rows: list[dict[str, Any]], saying: str) -> dict[str, Any]:
    [row] = [row for row in rows if saying in row["reason"]]
    return row


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
