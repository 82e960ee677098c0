"""Membership's HTTP side on the real stack: coordinators, roles, events on Kafka."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from kn_servicekit.kafka_access import KafkaAccess
from tests.membership.facts import opened
from tests.membership.service import EKM, Membership, membership_service
from tests.support.kafka import read_all
from tests.support.persons import as_person
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

JAN_1 = dt.date(2025, 1, 1)
PEOPLE = [
    ("100001", "p-astrid", "Astrid Aagaard", "owner"),
    ("100002", "p-bent", "Bent Bach", "renter"),
    ("100003", "p-cecilie", "Cecilie Crone", "renter"),
]


@pytest.fixture
async def membership(kafka_admin: KafkaAccess, test_database_url: str) -> Any:
    async with membership_service(kafka_admin, test_database_url) as service:
        for ydernummer, person, name, role in PEOPLE:
            await service.post(
                "/v1/networks/aalborg-oest/members",
                {
                    "person_id": person,
                    "ydernummer": ydernummer,
                    "effective_date": "2025-01-01",
                    "reason": "founding members",
                    "name": name,
                    "clinic_id": "klinik-nord",
                    "clinic_name": "Klinik Nord",
                    "role": role,
                },
            )
        yield service


async def test_the_worked_example_coordinator_months_are_four_and_eight(
    membership: Membership,
) -> None:
    """Coordinator 9: EKM records the first election; the coordinator's reports are
    requests, made with their own token, that EKM confirms or rejects."""
    role = "/v1/networks/aalborg-oest/coordinator"
    astrid, bent = as_person("p-astrid"), as_person("p-bent")
    first = await membership.post(
        f"{role}/elect", {"person_id": "p-astrid", "effective_date": "2025-01-01"}
    )
    assert first.json() == {"recorded": ["CoordinatorElected"]}
    change = await membership.http.post(
        f"{role}/change",
        headers=astrid,
        json={"person_id": "p-bent", "effective_date": "2025-05-20"},
    )
    assert (change.status_code, change.json()) == (
        202,
        {"recorded": ["CoordinatorActRequested"], "request": 1},
    )
    months = await membership.http.get(f"{role}/months", headers=EKM, params={"year": 2025})
    assert months.json()["served"] == {"p-astrid": 12}  # a request counts for nothing
    pending = await membership.http.get("/v1/coordinator-requests", headers=EKM)
    [row] = pending.json()["pending"]
    assert (row["act"], row["person_ids"], row["requested_by"]) == (
        "change",
        ["p-bent"],
        "coordinator:aalborg-oest/p-astrid",
    )
    refused = await membership.http.post(f"{role}/requests/1/confirm", headers=astrid)
    assert refused.status_code == 403
    confirmed = await membership.post(f"{role}/requests/1/confirm", {})
    assert confirmed.json() == {"confirmed": 1, "recorded": ["CoordinatorChanged"]}
    months = await membership.http.get(f"{role}/months", headers=bent, params={"year": 2025})
    body = months.json()
    assert (body["served"], body["paid"]) == ({"p-astrid": 4, "p-bent": 8},) * 2
    assert [c["from"] for c in body["changes"]] == ["2025-01-01", "2025-05-20"]
    holder = await membership.http.get(f"{role}", headers=EKM, params={"on": "2025-05-19"})
    assert holder.json()["holders"] == [{"person_id": "p-astrid", "name": "Astrid Aagaard"}]
    # a second report is rejected with a reason the coordinator reads; it changes nothing
    await membership.http.post(
        f"{role}/change",
        headers=bent,
        json={"person_id": "p-cecilie", "effective_date": "2025-09-01"},
    )
    no = {"reason": "the network has not voted on it"}
    assert (await membership.post(f"{role}/requests/2/reject", no)).status_code == 201
    again = await membership.post(f"{role}/requests/2/confirm", {})
    assert (again.status_code, again.json()["rule"]) == (409, "Coordinator 9")
    unknown = await membership.post(f"{role}/requests/99/reject", no)
    assert (unknown.status_code, unknown.json()["detail"]) == (
        404,
        "aalborg-oest has no coordinator request 99",
    )
    listed = await membership.http.get(f"{role}/requests", headers=bent)
    assert [(r["request"], r["status"], r["reason"]) for r in listed.json()["requests"]] == [
        (1, "confirmed", None),
        (2, "rejected", "the network has not voted on it"),
    ]
    assert (await membership.http.get("/v1/coordinator-requests", headers=EKM)).json() == {
        "pending": []
    }


async def test_months_as_of_a_date_count_the_months_paid_by_then(membership: Membership) -> None:
    """Coordinator 5: each month goes to the payee on its last day; `as_of` counts the part
    of the year up to that date."""
    role = "/v1/networks/aalborg-oest/coordinator"
    share = {"person_ids": ["p-astrid", "p-bent"], "payee_person_id": "p-astrid"}
    await membership.post(f"{role}/share", {**share, "effective_date": "2025-01-01"})
    share["payee_person_id"] = "p-bent"
    await membership.post(f"{role}/share", {**share, "effective_date": "2025-06-15"})
    months = await membership.http.get(
        f"{role}/months", headers=as_person("p-bent"), params={"year": 2025, "as_of": "2025-07-31"}
    )
    body = months.json()
    assert (body["as_of"], body["served"], body["paid"]) == (
        "2025-07-31",
        {"p-astrid": 7, "p-bent": 7},
        {"p-astrid": 5, "p-bent": 2},
    )


async def test_a_late_act_is_refused_naming_the_date_and_ekm_restates(
    membership: Membership,
) -> None:
    """Coordinator 7, through the routes."""
    role = "/v1/networks/aalborg-oest/coordinator"
    await membership.post(
        f"{role}/elect", {"person_id": "p-astrid", "effective_date": "2025-06-01"}
    )
    late = await membership.post(
        f"{role}/change", {"person_id": "p-bent", "effective_date": "2025-03-01"}
    )
    assert late.status_code == 422
    assert late.json()["rule"] == "Coordinator 7"
    assert "dated 2025-06-01; an act dated 2025-03-01 comes before it" in late.json()["detail"]
    restated = await membership.post(
        f"{role}/restate",
        {
            "effective_date": "2025-03-01",
            "spells": [
                {"start": "2025-03-01", "person_ids": ["p-bent"], "payee_person_id": "p-bent"}
            ],
            "reason": "Bent was elected in March; reported late",
        },
    )
    assert restated.json() == {"recorded": ["CoordinatorSpellsRestated"]}
    months = await membership.http.get(f"{role}/months", headers=EKM, params={"year": 2025})
    assert months.json()["paid"] == {"p-bent": 10}
    mine: dict[str, object] = {"start": "2025-03-01", "person_ids": [], "payee_person_id": None}
    by_coordinator = await membership.http.post(
        f"{role}/restate",
        headers=as_person("p-bent"),
        json={"effective_date": "2025-03-01", "spells": [mine], "reason": "mine"},
    )
    assert by_coordinator.status_code == 403


async def test_a_broken_rule_is_a_422_that_names_it(membership: Membership) -> None:
    answer = await membership.http.post(
        "/v1/networks/aalborg-oest/coordinator/elect",
        headers=EKM,
        json={"person_id": "p-nobody", "effective_date": "2025-01-01"},
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": "p-nobody is not a member of aalborg-oest on 2025-01-01",
        "rule": "Coordinator 1",
    }
    unknown = await membership.post(
        "/v1/networks", {"network_id": "x", "name": "X", "cluster_id": "atlantis"}
    )
    assert (unknown.status_code, unknown.json()["detail"]) == (
        404,
        "there is no cluster 'atlantis'",
    )
    twice = await membership.post(
        "/v1/networks", {"network_id": "aalborg-oest", "name": "Again", "cluster_id": "aalborg"}
    )
    assert twice.status_code == 409


async def test_each_role_sees_and_does_only_its_own(membership: Membership) -> None:
    other = as_person("p-astrid")  # a member, coordinator of nothing
    auditor = {"Authorization": "Bearer t-auditor"}
    path = "/v1/networks/aalborg-oest/members"
    assert (await membership.http.get(path)).status_code == 401
    denied = await membership.http.get(path, headers=other)
    assert denied.status_code == 403
    assert denied.json()["rule"].startswith("Coordinator 1")
    assert (await membership.http.get(path, headers=auditor)).status_code == 200
    assert (
        await membership.http.post(
            "/v1/networks/aalborg-oest/coordinator/elect",
            headers=auditor,
            json={"person_id": "p-astrid", "effective_date": "2025-01-01"},
        )
    ).status_code == 403
    assert (
        await membership.http.post(
            "/v1/networks",
            headers=other,
            json={"network_id": "y", "name": "Y", "cluster_id": "aalborg"},
        )
    ).status_code == 403


async def test_a_repeated_command_with_the_same_idempotency_key_records_once(
    membership: Membership,
) -> None:
    body = {"network_id": "aalborg-vest", "name": "Aalborg Vest", "cluster_id": "aalborg"}
    first = await membership.post("/v1/networks", body, **{"Idempotency-Key": "create-vest"})
    again = await membership.post("/v1/networks", body, **{"Idempotency-Key": "create-vest"})
    assert (first.status_code, first.json()) == (again.status_code, again.json())
    assert first.json() == {"recorded": ["NetworkCreated"]}
    networks = (await membership.http.get("/v1/networks", headers=EKM)).json()
    assert [n["network_id"] for n in networks] == ["aalborg-oest", "aalborg-vest"]
    other = await membership.post(
        "/v1/networks", {**body, "name": "Other"}, **{"Idempotency-Key": "create-vest"}
    )
    assert other.status_code == 422
    assert "used before for a different request" in other.json()["detail"]


async def test_membership_events_reach_kafka_as_cloudevents_keyed_by_network(
    membership: Membership,
) -> None:
    topic = membership.box.topic("kn.membership.events")
    records = await eventually(
        lambda: read_all(membership.box.kafka, topic),
        lambda r: len(r) >= 26,
        what="seed, network, 3 members",
    )
    joined = [r for r in records if dict(r.headers)["ce_type"].endswith(b"MemberJoined.v2")]
    assert {r.key for r in joined} == {b"aalborg-oest"}
    event = from_binary_event(KafkaMessage(dict(joined[0].headers), joined[0].key, joined[0].value))
    assert event.get_source() == "/kvalitetsnet/membership"
    assert event.get_subject() == "register"
    data = event.get_data()
    assert isinstance(data, dict)
    assert data["actor"] == "ekm"
    assert data["reason"] == "ekm_assignment"
    assert data["note"].startswith("sealed:")  # EKM's note about the person (issue 15)
    assert "founding members" not in joined[0].value.decode()
    assert "cpr" not in json.dumps(data).lower()


async def test_a_person_is_fed_in_and_assigned(membership: Membership) -> None:
    await membership.publish(opened("100009", "p-dan", "Dan Dahl", "klinik-nord", JAN_1, "renter"))
    await membership.eventually_members(
        "aalborg-oest", JAN_1, ["Astrid Aagaard", "Bent Bach", "Cecilie Crone", "Dan Dahl"]
    )


async def test_a_persons_history_shows_every_membership_over_time(membership: Membership) -> None:
    await membership.post(
        "/v1/networks",
        {"network_id": "aalborg-vest", "name": "Aalborg Vest", "cluster_id": "aalborg"},
    )
    await membership.post(
        "/v1/members/p-bent/move",
        {
            "ydernummer": "100002",
            "to_network_id": "aalborg-vest",
            "effective_date": "2025-06-01",
            "reason": "moved to the west side",
        },
    )
    answer = await membership.http.get(
        "/v1/persons/p-bent/history", headers={"Authorization": "Bearer t-auditor"}
    )
    memberships = answer.json()["memberships"]
    assert [(m["network_id"], m["from"], m["until"]) for m in memberships] == [
        ("aalborg-oest", "2025-01-01", "2025-06-01"),
        ("aalborg-vest", "2025-06-01", None),
    ]
    missing = await membership.http.get("/v1/persons/p-nobody/history", headers=EKM)
    assert missing.status_code == 404
