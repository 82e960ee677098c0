"""No CPR number in clear anywhere (issue 15 item 1, Coordinator 8): every route of every
service refuses one wherever a request carries it, an inbound message holding one is a dead
letter that masks it, and afterwards no topic, table or log line holds it in clear."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from kn_contracts.envelope import Envelope, encode
from kn_finance.bootstrap import create_app as finance_app
from kn_finance.settings import FinanceSettings
from kn_meetings.bootstrap import create_app as meetings_app
from kn_meetings.settings import MeetingsSettings
from kn_membership.bootstrap import create_app as membership_app
from kn_membership.settings import MembershipSettings
from kn_reporting.bootstrap import create_app as reporting_app
from kn_reporting.settings import ReportingSettings
from kn_servicekit.deadletter_inbox import read_letters
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.settings import ServiceSettings
from tests.membership.facts import opened
from tests.membership.service import REGION_SOURCE, Membership, membership_service
from tests.support.kafka import produce, read_all
from tests.support.waiting import eventually

SHAPES = ["0101901234", "010190-1234", "010190 1234", "01.01.90.1234", "01 01 90 1234"]
REFUSED = "this looks like a CPR number; CPR numbers are never entered here"
APPS: list[tuple[Callable[[Any], FastAPI], type[ServiceSettings]]] = [
    (membership_app, MembershipSettings),
    (meetings_app, MeetingsSettings),
    (finance_app, FinanceSettings),
    (reporting_app, ReportingSettings),
]


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every route the service documents (its OpenAPI), method and path."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in sorted(ops)]


def filled(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize(("create", "settings"), APPS, ids=lambda x: getattr(x, "__module__", ""))
async def test_every_route_refuses_a_cpr_number_in_its_body_path_query_and_headers(
    create: Callable[[Any], FastAPI], settings: type[ServiceSettings]
) -> None:
    app = create(settings(api_tokens={"t": "ekm"}))  # routes only: the guard runs first
    transport = httpx.ASGITransport(app=app)
    found = routes(app)
    assert len(found) > 5
    async with httpx.AsyncClient(transport=transport, base_url="http://s") as client:
        for n, (method, path) in enumerate(found):
            shape = SHAPES[n % len(SHAPES)]
            auth = {"Authorization": "Bearer t"}
            asks: list[tuple[str, dict[str, Any]] | None] = [
                ("path", {"url": filled(path, shape)}) if "{" in path else None,
                ("query", {"url": filled(path, "x"), "params": {"on": shape}}),
                ("header idempotency-key",
                 {"url": filled(path, "x"), "headers": {**auth, "Idempotency-Key": shape}}),
                ("header x-correlation-id",
                 {"url": filled(path, "x"), "headers": {**auth, "X-Correlation-Id": shape}}),
                ("body.name", {"url": filled(path, "x"), "json": {"name": f"Ny {shape}"}})
                if method in {"POST", "PUT", "PATCH"} else None,
            ]  # fmt: skip
            for where, ask in filter(None, asks):
                answer = await client.request(method, **ask)
                assert answer.status_code == 422, (method, path, where, answer.text)
                assert answer.json()["detail"] == f"{where}: {REFUSED}", (method, path)


async def test_a_region_message_holding_one_is_a_masked_dead_letter_and_nothing_keeps_it(
    kafka_admin: KafkaAccess, test_database_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    async with membership_service(kafka_admin, test_database_url) as membership:
        for n, shape in enumerate(SHAPES):
            await publish_with(membership, f"10000{n}", shape)
        letters = await eventually(
            lambda: read_letters(membership.box.kafka, membership.feed_topic),
            lambda found: len(found) == len(SHAPES),
            what="one dead letter per message",
        )
        assert all(REFUSED in dead.letter.reason for dead in letters)
        await membership.publish(opened("100009", "p-anna", "Anna Berg", "klinik-nord",
                                        dt.date(2025, 1, 1)))  # fmt: skip
        await eventually(
            lambda: membership.http.get(
                "/v1/awaiting-assignment", headers={"Authorization": "Bearer t-ekm"},
                params={"on": "2025-01-01"},
            ),
            lambda answer: [r["name"] for r in answer.json()] == ["Anna Berg"],
            what="the honest message applied",
        )  # fmt: skip
        held = await everything_kept(membership, test_database_url)
    logs = capfd.readouterr()
    for shape in SHAPES:
        assert shape not in held
        assert shape not in logs.out + logs.err
    assert "[cpr:" in held  # the letters keep a mark to match them by


async def publish_with(membership: Membership, ydernummer: str, shape: str) -> None:
    """A region message whose clinic name holds a CPR-shaped number (as a region system
    might send it: the bytes are written by hand, no model would make them)."""
    honest = opened(ydernummer, "p-x", "Xenia Holm", "klinik-syd", dt.date(2025, 1, 1))
    envelope = Envelope(str(uuid.uuid4()), REGION_SOURCE, honest.ce_type(),
                        dt.datetime.now(dt.UTC), subject=ydernummer)  # fmt: skip
    headers, value = encode(honest, envelope)
    forged = value.replace(b"Klinik Syd", f"Klinik {shape}".encode())
    assert forged != value
    await produce(membership.box.kafka, membership.feed_topic,
                  [(ydernummer.encode(), headers, forged)])  # fmt: skip


async def everything_kept(membership: Membership, database_url: str) -> str:
    """Every topic of the sandbox read raw from offset 0 (keys, values, headers; the inbound
    topic itself excepted: a region wrote it, bounded retention handles it), and every row
    of every table the service has, as one text."""
    texts: list[str] = []
    for topic in ("kn.membership.events", "kn.region.ydernummer.dlq", "kn.membership.events.dlq"):
        for record in await read_all(membership.box.kafka, membership.box.topic(topic)):
            texts.append(repr((record.key, record.value, record.headers)))
    conn = await asyncpg.connect(database_url)
    try:
        tables = await conn.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        for row in tables:
            try:
                rows = await conn.fetch(f'SELECT * FROM "{row[0]}"."{row[1]}"')
            except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
                continue  # another test's, dropped meanwhile (the test database is shared)
            texts += [repr(tuple(r)) for r in rows]
    finally:
        await conn.close()
    return "\n".join(texts)
