"""`kn dlq list` shows each dead letter with its reason; `kn dlq redrive` sends it back."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer

from kn_deploy.cli import main
from kn_deploy.infra import kafka_env
from kn_deploy.pytest_plugin import unique
from kn_servicekit.deadletter import DeadLetters, Letter
from kn_servicekit.kafka_access import KafkaAccess, kafka_options
from tests.support.kafka import read_all
from tests.support.ticks import create_topic, tick, tick_message

pytestmark = pytest.mark.infra


async def park(
    kafka: KafkaAccess, topic: str, value: bytes, headers: list[tuple[str, bytes]], offset: int = 41
) -> None:
    producer = AIOKafkaProducer(**kafka_options(kafka), acks="all")
    await producer.start()
    try:
        letter = Letter(topic, 2, offset, b"k", value, tuple(headers), "handler: ValueError: boom")
        await DeadLetters(producer, "members").send(letter)
    finally:
        await producer.stop()


def test_an_operator_lists_and_redrives_a_dead_letter(
    kafka_admin: KafkaAccess, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for setting, given in kafka_env(kafka_admin).items():
        monkeypatch.setenv(setting, given)
    topic = unique("ops")
    asyncio.run(create_topic(kafka_admin, topic))
    event_id = str(uuid.uuid4())
    headers, value = tick_message(event_id, tick("a", 3))
    asyncio.run(park(kafka_admin, topic, value, headers))

    assert main(["dlq", "list", "--topic", topic]) == 0
    listed = capsys.readouterr().out
    assert f"{topic}.dlq@0 pending from {topic}[2]@41 consumer=members" in listed
    assert f"id={event_id}" in listed
    assert "reason: handler: ValueError: boom" in listed
    assert "1 dead letter(s), 1 message(s) pending" in listed

    assert main(["dlq", "redrive", "--topic", topic, "--all"]) == 0
    assert f"redriven {topic}.dlq@0 -> {topic}" in capsys.readouterr().out
    [back] = asyncio.run(read_all(kafka_admin, topic))
    # back to its partition, bytes as they came, naming where it was first published
    assert (back.partition, back.value) == (2, value)
    assert list(back.headers) == [*headers, ("kn_origin", f"{topic}/2/41".encode())]

    assert main(["dlq", "list", "--topic", topic]) == 0
    assert "1 dead letter(s), 0 message(s) pending" in capsys.readouterr().out
    assert main(["dlq", "redrive", "--topic", topic, "--all"]) == 0
    assert "0 letter(s) sent back" in capsys.readouterr().out


def test_redriving_an_offset_that_holds_no_letter_says_so(
    kafka_admin: KafkaAccess, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for setting, given in kafka_env(kafka_admin).items():
        monkeypatch.setenv(setting, given)
    topic = unique("ops")
    asyncio.run(create_topic(kafka_admin, topic))
    assert main(["dlq", "redrive", "--topic", topic, "--offset", "7"]) == 1
    assert "no dead letter at offset(s) [7]" in capsys.readouterr().err


def test_a_message_dead_lettered_twice_is_one_message_to_settle(
    kafka_admin: KafkaAccess, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for setting, given in kafka_env(kafka_admin).items():
        monkeypatch.setenv(setting, given)
    topic = unique("ops")
    asyncio.run(create_topic(kafka_admin, topic))
    headers, value = tick_message(str(uuid.uuid4()), tick("a", 3))
    for _ in range(2):  # as after a rebalance re-read the poison message
        asyncio.run(park(kafka_admin, topic, value, headers))
    assert main(["dlq", "list", "--topic", topic]) == 0
    assert "2 dead letter(s), 1 message(s) pending" in capsys.readouterr().out

    assert main(["dlq", "redrive", "--topic", topic, "--all"]) == 0
    assert "1 letter(s) sent back" in capsys.readouterr().out
    assert len(asyncio.run(read_all(kafka_admin, topic))) == 1

    asyncio.run(park(kafka_admin, topic, value, headers))  # it failed again after the fix
    assert main(["dlq", "list", "--topic", topic]) == 0
    assert "3 dead letter(s), 1 message(s) pending" in capsys.readouterr().out


def test_letters_with_missing_valueless_or_empty_ids_are_listed_and_settled_one_by_one(
    kafka_admin: KafkaAccess, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for setting, given in kafka_env(kafka_admin).items():
        monkeypatch.setenv(setting, given)
    topic = unique("ops")
    asyncio.run(create_topic(kafka_admin, topic))
    headers, value = tick_message(str(uuid.uuid4()), tick("a", 3))
    for offset, bent in enumerate((
        [(n, b"") if n == "ce_id" else (n, v) for n, v in headers],
        [(n, b"") if n == "ce_id" else (n, v) for n, v in headers],
        [(n, v) for n, v in headers if n not in ("ce_id", "ce_type")],
    ), start=41):  # fmt: skip
        asyncio.run(park(kafka_admin, topic, value, bent, offset))

    assert main(["dlq", "list", "--topic", topic]) == 0
    listed = capsys.readouterr().out
    assert "3 dead letter(s), 3 message(s) pending" in listed
    assert "type=? id=?" in listed
    assert main(["dlq", "redrive", "--topic", topic, "--offset", "0"]) == 0
    assert main(["dlq", "list", "--topic", topic]) == 0
    assert "3 dead letter(s), 2 message(s) pending" in capsys.readouterr().out
