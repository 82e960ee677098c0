"""What the browser tests start from, recorded through the services' own APIs and the region
feed on Kafka: Aalborg Øst in 2025 with 18 member owners, a coordinator, the year's rate
tables, a second network (Aalborg Vest), one owner of a brand-new clinic waiting for EKM and
one region change the register contradicted."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any

from aiokafka import AIOKafkaProducer

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, encode
from kn_contracts.events import region as rg
from kn_contracts.topics import REGION_YDERNUMMER
from kn_deploy.scenario_kit import until
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from tests.support.http import HTTP
from tests.support.persons import person_token

NETWORK, CLINIC, SHARED = "aalborg-oest", "fysio-oest", "240117"
OWNERS = [("p-p", "Pia Poulsen", SHARED), ("p-q", "Quinn Qvist", SHARED)] + [
    (f"p-{n:02d}", f"Ejer Nummer {n:02d}", f"{400100 + n}") for n in range(3, 19)
]
WAITING = ("p-helle", "Helle Hald", "100042")  # a brand-new clinic: EKM assigns her
EKM, AUDITOR = "demo-ekm", "demo-auditor"
COORDINATOR = person_token("p-03")  # EKM issued it; EKM's act below makes p-03 coordinator


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post(url: str, token: str, body: Any = None) -> Any:
    """POST to a service; a refusal fails the set-up with the service's own answer."""
    answer = HTTP.post(url, json=body, headers=bearer(token), timeout=15.0)
    if answer.status_code >= 400:
        raise RuntimeError(f"POST {url} answered {answer.status_code}: {answer.text}")
    return answer.json()


def get(url: str, token: str) -> Any:
    answer = HTTP.get(url, headers=bearer(token), timeout=15.0)
    answer.raise_for_status()
    return answer.json()


def seed(urls: dict[str, str], kafka: KafkaAccess) -> None:
    """Record the starting point through membership, finance and the region feed."""
    m, f = urls["membership"] + "/v1", urls["finance"] + "/v1"
    network = {"network_id": NETWORK, "name": "Aalborg Øst", "cluster_id": "aalborg",
               "effective_date": "2025-01-01"}  # fmt: skip
    post(f"{m}/networks", EKM, network)
    vest = {"network_id": "aalborg-vest", "name": "Aalborg Vest", "cluster_id": "aalborg",
            "effective_date": "2025-01-01"}  # fmt: skip
    post(f"{m}/networks", EKM, vest)
    first, *others = OWNERS
    _region(kafka, [_opened(*first)])
    until(lambda: get(f"{m}/awaiting-assignment?on=2025-01-01", EKM), bool, within=45)
    assign = {"person_id": first[0], "ydernummer": SHARED, "effective_date": "2025-01-01",
              "reason": "ny klinik i Aalborg Øst"}  # fmt: skip
    post(f"{m}/networks/{NETWORK}/members", EKM, assign)
    later = [_shared(*others[0]), *(_opened(*o) for o in others[1:])]
    _region(kafka, [*later, _opened(*WAITING, clinic=("klinik-hals", "Klinik Hals")),
                        rg.YdernummerClosed(**_stamp(), ydernummer="999999")])  # fmt: skip
    members = f"{m}/networks/{NETWORK}/members?on=2025-03-12&owners_only=true"
    until(lambda: get(members, EKM)["members"], lambda rows: len(rows) == len(OWNERS), within=45)
    until(lambda: get(f"{m}/feed/unresolved", EKM)["unresolved"], bool, within=45)
    elect = {"person_id": "p-03", "effective_date": "2025-01-01"}
    post(f"{m}/networks/{NETWORK}/coordinator/elect", EKM, elect)
    for url in urls.values():  # each service's own view of the history has the act
        until(lambda u=url: get(f"{u}/whoami", COORDINATOR)["coordinates"], bool, within=45)  # type: ignore[misc]
    base = {"year": 2022, "amounts": {"pool": [{"tier": "standard", "amount": 50000}],
                                      "coordinator_fee": 2000000}}  # fmt: skip
    post(f"{f}/rate-tables", EKM, base)
    post(f"{f}/rate-tables", EKM, {"year": 2025, "index_factor": "1.068", "index_base_year": 2022})


def register_venue_invoice(urls: dict[str, str], **changes: Any) -> Any:
    """EKM registers the venue's invoice of 8,100.00 kr for 12 March (worked example)."""
    invoice = {"invoice_id": "venue-0312", "network_id": NETWORK,
               "coordinator_name": "Ejer Nummer 03", "meeting_date": "2025-03-12",
               "due_date": "2025-04-10", "amount": 810000,
               "payee": {"kind": "danish_account", "reference": "9570-0001234567"},
               "supplier_name": "Fysio Øst Lokaler ApS", "supplier_cvr": "12345678",
               "supplier_invoice_number": "F-1", "received_date": "2025-03-20",
               "cost_kind": "venue"}  # fmt: skip
    return post(urls["finance"] + "/v1/invoices", EKM, invoice | changes)


def _stamp() -> dict[str, Any]:
    return {"effective_date": dt.date(2025, 1, 1), "actor": "region:nordjylland",
            "causation_id": "web-test", "correlation_id": "web-test"}  # fmt: skip


def _opened(
    person: str, name: str, ydernummer: str, clinic: tuple[str, str] = (CLINIC, "Fysio Øst")
) -> rg.YdernummerOpened:
    return rg.YdernummerOpened(
        **_stamp(), ydernummer=ydernummer, person_id=person, name=name, clinic_id=clinic[0],
        clinic_name=clinic[1], role="owner",
    )  # fmt: skip


def _shared(person: str, name: str, ydernummer: str) -> rg.YdernummerShared:
    return rg.YdernummerShared(**_stamp(), ydernummer=ydernummer, person_id=person, name=name)


def _region(kafka: KafkaAccess, changes: list[Event]) -> None:
    asyncio.run(_publish(kafka, changes))


async def _publish(kafka: KafkaAccess, changes: list[Event]) -> None:
    producer = AIOKafkaProducer(**kafka_options(kafka), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for number, change in enumerate(changes):
            key = str(getattr(change, "ydernummer", ""))
            envelope = Envelope(f"web-{type(change).__name__}-{key}-{number}",
                                "/region/nordjylland", change.ce_type(),
                                dt.datetime(2025, 1, 1, tzinfo=dt.UTC), subject=key)  # fmt: skip
            headers, value = encode(change, envelope)
            topic = os.environ.get("KN_TOPIC_PREFIX", "") + REGION_YDERNUMMER.name
            await producer.send_and_wait(topic, value, key=key.encode(), headers=headers)
    finally:
        await producer.stop()
