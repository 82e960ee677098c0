"""Bounds: nothing oversized gets in, and what Kafka refuses for good is said, not retried."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kn_deploy.pytest_plugin import unique
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from kn_servicekit.limits import EVENT_LIMIT, BodyLimit, EventTooLarge
from kn_servicekit.loopstate import LoopState
from kn_servicekit.memstore import InMemoryEventStore
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.relay import Relay, make_producer
from kn_servicekit.supervise import supervise
from tests.support.kafka import read_all
from tests.support.ticks import CATALOG, tick
from tests.support.waiting import eventually


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"bytes": len(await request.body())})


def _client(limit: int) -> httpx.AsyncClient:
    app = BodyLimit(Starlette(routes=[Route("/", _echo, methods=["POST"])]), limit=limit)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_a_request_body_over_the_limit_is_refused_with_413_naming_the_limit() -> None:
    async with _client(1000) as client:
        fine = await client.post("/", content=b"x" * 1000)
        assert fine.json() == {"bytes": 1000}
        refused = await client.post("/", content=b"x" * 1_180_000)
    assert refused.status_code == 413
    assert refused.json()["detail"] == (
        "the request body is 1,180,000 bytes or more; the limit is 1,000 bytes: send less at a time"
    )


async def test_a_streamed_body_without_a_length_is_counted_as_it_comes() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"y" * 400

    async with _client(1000) as client:
        refused = await client.post("/", content=chunks())
    assert refused.status_code == 413


@pytest.mark.parametrize(
    ("request_kwargs", "where"),
    [
        ({"json": {"plan": [{"title": "Ring 010190-1234"}]}}, "body.plan.0.title"),
        (
            {"json": {"note": "ok"}, "headers": {"Idempotency-Key": "0101901234"}},
            "header idempotency-key",
        ),
        (
            {"json": {}, "headers": {"X-Correlation-Id": "cpr 01.01.90.1234"}},
            "header x-correlation-id",
        ),
        ({"json": {}, "params": {"q": "010190 1234"}}, "query"),
        ({"content": b"not json 0101901234"}, "body"),
    ],
)
async def test_a_request_holding_a_cpr_number_anywhere_is_refused_with_422_naming_where(
    request_kwargs: dict[str, object], where: str
) -> None:
    async with _client(10_000) as client:
        refused = await client.post("/", **request_kwargs)  # type: ignore[arg-type]
        fine = await client.post("/", json={"ydernummer": "240117", "cvr": "12345678"})
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": f"{where}: this looks like a CPR number; CPR numbers are never entered here",
        "rule": "Coordinator 8: a CPR number is never held or sent",
    }
    assert fine.status_code == 200


async def test_an_event_the_broker_would_refuse_is_refused_at_append() -> None:
    store = InMemoryEventStore(topic_for=lambda _: "kit.events")
    huge = tick("a" * (EVENT_LIMIT + 1))
    with pytest.raises(EventTooLarge, match=r"at most 1,000,000 \(Kafka's message limit\)"):
        await store.append("counter", 0, [huge])
    assert (await store.read("counter")).version == 0


async def test_a_crashing_loop_is_named_with_its_problem_until_it_works_again() -> None:
    state = LoopState()
    runs = 0

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("database schema missing")
        state.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(supervise("flaky", flaky, state=state))
    try:
        await eventually(lambda: _problem(state), lambda p: p is not None and "crashed" in p,
                         what="the crash named")  # fmt: skip
        assert not state.is_set()
        assert "RuntimeError: database schema missing" in str(state.problem)
        await eventually(lambda: _problem(state), lambda p: p is None, what="working again")
        assert state.is_set()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def _problem(state: LoopState) -> str | None:
    return state.problem


@pytest.mark.infra
async def test_a_batch_kafka_refuses_for_good_stops_the_relay_and_says_what_to_do(
    pool: asyncpg.Pool, kafka_admin: KafkaAccess
) -> None:
    topic = unique("small")
    admin = AIOKafkaAdminClient(**kafka_options(kafka_admin))
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(topic, 1, 1, topic_configs={"max.message.bytes": "2000"})]
        )
    finally:
        await admin.close()
    store = PostgresEventStore(pool, CATALOG, topic_for=lambda _: topic)
    await store.append("counter", 0, [tick("small")])
    await store.append("counter", 1, [tick("b" * 5000)])  # fits our limit, not this topic's
    await store.append("counter", 2, [tick("after")])
    producer = make_producer(kafka_admin, "relay-limits")
    await producer.start()
    state = LoopState()
    relay = Relay(pool, producer, "/kvalitetsnet/test", batch_size=1)
    running = asyncio.create_task(relay.run(state))
    try:
        await eventually(lambda: _problem(state), lambda p: p is not None and "stopped" in p,
                         what="the relay stopped, saying why")  # fmt: skip
        assert "MessageSizeTooLargeError" in str(state.problem)
        assert "max.message.bytes" in str(state.problem)
        assert not state.is_set()
        records = await read_all(kafka_admin, topic)
        assert len(records) == 1  # the one before; nothing after the refused one
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await producer.stop()
