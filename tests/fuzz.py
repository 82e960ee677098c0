"""Hostile and malformed messages for a topic, made deterministically from a seed."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable, Sequence

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, encode
from tests.support.kafka import Message

Headers = Sequence[tuple[str, bytes | None]]


def cloud(event: Event, source: str, *, sequence: tuple[str, int] | None = None) -> Message:
    """A well-formed binary-mode CloudEvent of `event` (valid unless its source is forged)."""
    log, position = sequence or (None, None)
    envelope = Envelope(str(uuid.uuid4()), source, event.ce_type(), dt.datetime.now(dt.UTC),
                        subject="x", sequence=position, log=log)  # fmt: skip
    headers, value = encode(event, envelope)
    return b"k", list(headers), value


def _swap(headers: Headers, name: str, value: bytes | None) -> list[tuple[str, bytes | None]]:
    return [(n, value if n == name else v) for n, v in headers]


def _without(fields: dict[str, object], name: str) -> bytes:
    return json.dumps({k: v for k, v in fields.items() if k != name}).encode()


def _drop(headers: Headers, name: str) -> list[tuple[str, bytes | None]]:
    return [(n, v) for n, v in headers if n != name]


def hostile(
    sample: Event, source: str, forged_source: str, count: int, seed: int = 2025
) -> list[tuple[str, Message]]:
    """`count` messages that must all be refused, each named by its kind."""
    rng = random.Random(seed)
    _, headers, body = cloud(sample, source)
    assert body is not None
    fields = json.loads(body)
    required = sorted(k for k, f in type(sample).model_fields.items() if f.is_required())

    def retyped() -> bytes:
        broken = dict(fields)
        broken[rng.choice(required)] = rng.choice([12345, [], {"x": 1}, True])
        return json.dumps(broken).encode()

    kinds: dict[str, Callable[[], Message]] = {
        "not JSON": lambda: (b"k", headers, b"{" + rng.randbytes(20).hex().encode()),
        "wrong types": lambda: (b"k", headers, retyped()),
        "missing field": lambda: (b"k", headers, _without(fields, rng.choice(required))),
        "missing header": lambda: (b"k", _drop(headers, rng.choice(
            ["ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion"])), body),
        "empty id": lambda: (b"k", _swap(headers, "ce_id", b""), body),
        "header without value": lambda: (b"k", _swap(headers, "ce_type", None), body),
        "duplicate header": lambda: (b"k", [*headers, ("ce_type", headers[3][1])], body),
        "oversized id": lambda: (b"k", _swap(headers, "ce_id", b"i" * 5000), body),
        "non-UTF-8 header": lambda: (b"k", _swap(headers, "ce_source", b"\xff\xfe/x"), body),
        "non-UTF-8 body": lambda: (b"k", headers, b"\xff\xfe" + body),
        "unknown type": lambda: (b"k", _swap(headers, "ce_type", b"dk.evil.Thing.v1"), body),
        "bad time": lambda: (b"k", _swap(headers, "ce_time", b"yesterday"), body),
        "no body": lambda: (b"k", headers, None),
        "deep nesting": lambda: (b"k", headers, b"[" * 5000 + b"]" * 5000),
        "forged source": lambda: cloud(sample, forged_source),
        "forged position": lambda: cloud(sample, forged_source, sequence=("log", 2**62)),
        "position beyond a bigint": lambda: (b"k", [*_drop(headers, "content-type"),
            ("ce_sequence", b"9" * 25), ("ce_knlog", b"log"),
            ("content-type", b"application/json")], body),
        "not a CloudEvents version": lambda: (b"k", _swap(headers, "ce_specversion", b"0.3"),
                                              body),
    }  # fmt: skip
    names = sorted(kinds)
    return [(name, kinds[name]()) for name in (names[i % len(names)] for i in range(count))]
