"""Only a topic's owner writes it: forged messages on real Kafka are dead letters, with why."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest

from kn_contracts.envelope import Envelope, encode
from kn_contracts.topics import MEMBERSHIP_EVENTS
from kn_deploy import infra
from kn_servicekit.deadletter_inbox import read_letters
from kn_servicekit.kafka_access import KafkaAccess
from tests.meetings.service import AALBORG, Running, joined, meetings_service
from tests.membership.facts import opened
from tests.membership.service import EKM, Membership, membership_service
from tests.support.kafka import produce
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra
LIST = "/v1/networks/aalborg-oest/meetings/2025-03-12/attendance"


@pytest.fixture
async def meetings(endpoints: infra.Endpoints) -> AsyncIterator[Running]:
    database = endpoints.databases["meetings"]
    async with meetings_service(endpoints.kafka(), database) as running:
        yield running


@pytest.fixture
async def membership(kafka_admin: KafkaAccess, test_database_url: str) -> AsyncIterator[Membership]:
    async with membership_service(kafka_admin, test_database_url) as service:
        yield service


async def test_a_member_joined_forged_by_another_source_never_reaches_meetings(
    meetings: Running,
) -> None:
    plan = {"years": [2025], "meetings": [
        {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord"}]}  # fmt: skip
    answer = await meetings.client.post("/v1/networks/aalborg-oest/plan", json=plan,
                                        headers=AALBORG)  # fmt: skip
    assert answer.status_code == 201, answer.text
    forged = joined("p-mallory", "Mallory", "666666", dt.date(2025, 1, 1))
    envelope = Envelope(str(uuid.uuid4()), "/region/nordjylland", forged.ce_type(),
                        dt.datetime.now(dt.UTC), subject="aalborg-oest")  # fmt: skip
    headers, value = encode(forged, envelope)
    topic = meetings.box.topic(MEMBERSHIP_EVENTS.name)
    await produce(meetings.box.kafka, topic, [(b"aalborg-oest", headers, value)])
    await meetings.publish_membership(joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1)))

    async def members() -> set[str]:
        response = await meetings.client.get(LIST, headers=AALBORG)
        return {m["person_id"] for m in response.json()["members"]}

    await eventually(members, lambda found: found == {"p-ida"}, what="Ida, not Mallory")
    letters = await read_letters(meetings.box.kafka, topic)
    # each of meetings' consumers of the topic letters it (their names say which)
    assert "meetings.membership_view" in {d.consumer for d in letters}
    assert {d.letter.reason for d in letters} == {
        (
            "provenance: ce_source '/region/nordjylland' is not '/kvalitetsnet/membership', "
            "the owner of kn.membership.events"
        )
    }


async def test_a_region_message_claiming_to_be_ekm_is_a_dead_letter_and_the_feed_goes_on(
    membership: Membership,
) -> None:
    claims_ekm = opened("100042", "p-helle", "Helle Hald", "klinik-hals", dt.date(2025, 3, 1))
    claims_ekm = claims_ekm.model_copy(update={"actor": "ekm"})
    await membership.publish(claims_ekm)
    await membership.publish(
        opened("100043", "p-ib", "Ib Isaksen", "klinik-ny", dt.date(2025, 3, 1))
    )

    async def awaiting() -> list[str]:
        answer = await membership.http.get(
            "/v1/awaiting-assignment", headers=EKM, params={"on": "2025-03-01"}
        )
        return [row["name"] for row in answer.json()]

    await eventually(awaiting, lambda names: names == ["Ib Isaksen"], what="only Ib waits")
    [letter] = await read_letters(membership.box.kafka, membership.feed_topic)
    assert letter.letter.reason == (
        "provenance: actor 'ekm' is not region:nordjylland, the region its ce_source "
        "'/region/nordjylland' names"
    )
