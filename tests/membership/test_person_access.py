"""Access follows the person (issue 16 item 4): a person's token EKM issued, and the
standing membership's own register gives them on the request's day (Coordinator 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.tokens import new_private_key
from tests.membership.service import EKM, Membership, membership_service
from tests.support.persons import PUBLIC_KEY, as_person, person_token, today

pytestmark = pytest.mark.infra

ROLE = "/v1/networks/aalborg-oest/coordinator"
MEMBERS = "/v1/networks/aalborg-oest/members"
PEOPLE = [("100001", "p-astrid", "Astrid Aagaard"), ("100002", "p-bent", "Bent Bach")]


@pytest.fixture
async def membership(kafka_admin: KafkaAccess, test_database_url: str) -> Any:
    async with membership_service(kafka_admin, test_database_url) as service:
        for ydernummer, person, name in PEOPLE:
            await service.post(MEMBERS, {
                "person_id": person, "ydernummer": ydernummer, "effective_date": "2025-01-01",
                "reason": "founding members", "name": name, "clinic_id": "klinik-nord",
                "clinic_name": "Klinik Nord", "role": "owner",
            })  # fmt: skip
        yield service


async def test_a_confirmed_coordinator_acts_on_the_next_request_with_the_same_token(
    membership: Membership,
) -> None:
    """Coordinator 9: the network elects, EKM records; the person's token was issued before
    and is not issued again. Before EKM confirms, it is 403 saying so."""
    bent, astrid = as_person("p-bent"), as_person("p-astrid")
    await membership.post(f"{ROLE}/elect", {"person_id": "p-bent", "effective_date": "2025-01-01"})
    asked = await membership.http.post(
        f"{ROLE}/change",
        headers=bent,
        json={"person_id": "p-astrid", "effective_date": "2025-06-01"},
    )
    assert asked.status_code == 202, asked.text
    waiting = await membership.http.get(MEMBERS, headers=astrid)
    assert waiting.status_code == 403
    assert "EKM has not confirmed it yet" in waiting.json()["detail"]
    [pending] = (await membership.http.get("/v1/coordinator-requests", headers=EKM)).json()[
        "pending"
    ]
    assert pending["requested_by"] == "coordinator:aalborg-oest/p-bent"  # who asked, by id
    assert (await membership.post(f"{ROLE}/requests/1/confirm", {})).status_code == 201
    assert (await membership.http.get(MEMBERS, headers=astrid)).status_code == 200
    ended = await membership.http.get(MEMBERS, headers=bent)
    assert (ended.status_code, ended.json()["rule"]) == (403, "Coordinator 9")
    assert ended.json()["detail"].startswith("p-bent coordinated aalborg-oest until 2025-06-01")


async def test_a_shared_role_lets_both_act_until_one_steps_down(membership: Membership) -> None:
    """Coordinator 1 (a role shared by two members), Coordinator 9 (until they step down)."""
    share = {"person_ids": ["p-astrid", "p-bent"], "payee_person_id": "p-astrid"}
    await membership.post(f"{ROLE}/share", {**share, "effective_date": "2025-01-01"})
    astrid, bent = as_person("p-astrid"), as_person("p-bent")
    for headers in (astrid, bent):
        assert (await membership.http.get(MEMBERS, headers=headers)).status_code == 200
    who = await membership.http.get("/whoami", headers=bent)
    assert (who.json()["actor"], who.json()["coordinates"]) == ("person:p-bent", ["aalborg-oest"])
    stepped = await membership.post(
        f"{ROLE}/step-down", {"person_id": "p-bent", "effective_date": today().isoformat()}
    )
    assert stepped.status_code == 201, stepped.text
    refused = await membership.http.get(MEMBERS, headers=bent)
    assert refused.status_code == 403
    assert f"until {today().isoformat()}: the role ended that day" in refused.json()["detail"]
    assert (await membership.http.get(MEMBERS, headers=astrid)).status_code == 200
    assert (await membership.http.get("/whoami", headers=bent)).json()["coordinates"] == []


async def test_a_persons_token_never_acts_for_another_network(membership: Membership) -> None:
    """Coordinator 1: the coordinator of aalborg-oest has no standing in vejle-nord."""
    await membership.post(
        "/v1/networks", {"network_id": "vejle-nord", "name": "Vejle Nord", "cluster_id": "vejle"}
    )
    await membership.post(
        f"{ROLE}/elect", {"person_id": "p-astrid", "effective_date": "2025-01-01"}
    )
    astrid = as_person("p-astrid")
    other = await membership.http.get("/v1/networks/vejle-nord/members", headers=astrid)
    assert other.status_code == 403
    assert other.json()["rule"].startswith("Coordinator 1")
    assert other.json()["detail"].startswith("p-astrid may not read or act for vejle-nord")
    asked = await membership.http.post(
        "/v1/networks/vejle-nord/coordinator/elect", headers=astrid,
        json={"person_id": "p-astrid", "effective_date": "2025-02-01"},
    )  # fmt: skip
    assert asked.status_code == 403
    ekm_only = await membership.http.post(
        "/v1/networks", headers=astrid, json={"network_id": "y", "name": "Y", "cluster_id": "vejle"}
    )
    assert ekm_only.status_code == 403
    assert "you signed in as person:p-astrid" in ekm_only.json()["detail"]


@pytest.mark.parametrize(
    ("token", "why"),
    [
        (person_token("p-astrid", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)), "expired"),
        (person_token("p-astrid", key=new_private_key()), "signature does not verify"),
        (person_token("p-astrid")[:-6] + "AAAAAA", "signature does not verify"),
        ("a.b.c", "not a JWT"),
    ],
    ids=["expired", "another-key", "tampered", "garbage"],
)
async def test_an_expired_or_tampered_token_is_401(
    membership: Membership, token: str, why: str
) -> None:
    await membership.post(
        f"{ROLE}/elect", {"person_id": "p-astrid", "effective_date": "2025-01-01"}
    )
    answer = await membership.http.get(MEMBERS, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert why in answer.json()["detail"]
    assert PUBLIC_KEY  # the service was given the test key's public half only
