"""EKM erases a person at membership (issue 15): the key goes, "[slettet]" everywhere after."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import pytest

from kn_contracts.events import membership as ev
from kn_contracts.sealed import ERASED
from kn_contracts.topics import catalog
from kn_membership.domain import feed, unresolved
from kn_membership.domain.errors import RuleBroken
from kn_membership.domain.register import Register
from kn_servicekit.kafka_access import KafkaAccess
from tests.membership.facts import EKM as EKM_CAUSE
from tests.membership.facts import REGION, Book, opened, shared
from tests.membership.service import EKM, Membership, membership_service
from tests.support.waiting import eventually

JAN_1, JUNE_1 = dt.date(2025, 1, 1), dt.date(2025, 6, 1)
REASON = {"reason": "her request of 2 December 2026"}


@pytest.fixture
async def membership(kafka_admin: KafkaAccess, test_database_url: str) -> Any:
    async with membership_service(kafka_admin, test_database_url) as service:
        yield service


async def awaiting(membership: Membership) -> list[str]:
    answer = await membership.http.get(
        "/v1/awaiting-assignment", headers=EKM, params={"on": JUNE_1.isoformat()}
    )
    return [row["name"] for row in answer.json()]


async def keys_of(membership: Membership, test_database_url: str, person: str) -> list[bool]:
    """Whether each of the person's keys still holds its bytes, oldest first."""
    conn = await asyncpg.connect(test_database_url)
    try:
        rows = await conn.fetch(
            f'SELECT key IS NOT NULL AS live FROM "{membership.schema}".kn_subject_keys '
            "WHERE subject_id = $1 ORDER BY issued_at",
            person,
        )
    finally:
        await conn.close()
    return [row["live"] for row in rows]


def test_an_erased_persons_rejected_change_cannot_be_redriven_and_says_to_dismiss_it() -> None:
    book = Book()
    change = shared("100009", "p-anna", "Anna Berg", JAN_1)  # a ydernummer nobody holds
    [rejected] = feed.decision(change, REGION, "/region/nordjylland#7")(Register())
    assert isinstance(rejected, ev.RegionChangeRejected)
    book.events.append(rejected.model_copy(update={"change": ERASED}))

    with pytest.raises(RuleBroken, match="erased, so it cannot be applied: dismiss it"):
        unresolved.redrive(book.register, 1, catalog().decode, EKM_CAUSE)


@pytest.mark.infra
async def test_an_erased_member_reads_slettet_and_a_later_opening_gets_a_new_key(
    membership: Membership, test_database_url: str
) -> None:
    await membership.publish(opened("100001", "p-anna", "Anna Berg", "klinik-nord", JAN_1))
    await eventually(lambda: awaiting(membership), lambda names: names == ["Anna Berg"])
    body = {"person_id": "p-anna", "ydernummer": "100001", "effective_date": "2025-01-01",
            "reason": "new clinic"}  # fmt: skip
    assert (await membership.post("/v1/networks/aalborg-oest/members", body)).status_code == 201

    erased = await membership.post("/v1/persons/p-anna/erase", REASON)

    assert erased.status_code == 201, erased.text
    assert erased.json() == {"recorded": ["PersonErased"], "subject_id": "p-anna",
                             "keys_erased": 1}  # fmt: skip
    assert await membership.members("aalborg-oest", JUNE_1) == [ERASED]
    assert await keys_of(membership, test_database_url, "p-anna") == [False]
    again = await membership.post("/v1/persons/p-anna/erase", REASON)
    assert again.status_code == 409
    assert "no key of theirs is left, so nothing was changed" in again.json()["detail"]
    # years later the region reports her at a new clinic: a name typed again, a new key
    await membership.publish(opened("100077", "p-anna", "Anna Berg", "klinik-syd", JUNE_1))
    await eventually(lambda: awaiting(membership), lambda names: names == ["Anna Berg"])
    assert await keys_of(membership, test_database_url, "p-anna") == [False, True]
    assert await membership.members("aalborg-oest", JUNE_1) == [ERASED]  # the old join


@pytest.mark.infra
async def test_erasing_a_person_nobody_knows_is_404_saying_what_to_check(
    membership: Membership,
) -> None:
    answer = await membership.post("/v1/persons/p-nobody/erase", REASON)

    assert answer.status_code == 404
    assert "no person p-nobody in the register and no key of theirs" in answer.json()["detail"]


@pytest.mark.infra
async def test_only_ekm_erases_a_person(membership: Membership) -> None:
    answer = await membership.http.post(
        "/v1/persons/p-anna/erase", json=REASON, headers={"Authorization": "Bearer t-auditor"}
    )

    assert answer.status_code == 403
    assert "ekm" in answer.json()["detail"]
