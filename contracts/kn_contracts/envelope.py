"""CloudEvents 1.0 in Kafka binary mode: attributes in `ce_*` headers, the event as JSON value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.errors import ContractError

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"
SOURCE_PREFIX = "/kvalitetsnet/"
TRACEPARENT = "ce_traceparent"  # the Distributed Tracing extension's attribute, binary mode

Headers = Iterable[tuple[str, bytes]]


def source_of(service: str) -> str:
    """The `ce_source` a service writes with."""
    return SOURCE_PREFIX + service


class Envelope(NamedTuple):
    """The CloudEvents attributes of one message (a tuple: read once per message).

    `sequence` and `log` are set by a relay (the CloudEvents Sequence extension, and our
    `knlog`): the event's position in the event log (store) named by `log`. Positions only
    grow within one log, so a consumer can tell a republished event by its position alone.

    `traceparent` (the CloudEvents Distributed Tracing extension, header `ce_traceparent`)
    is the W3C trace context of the request that caused the event, kept as the header's
    bytes: reading it makes no object per message, and it is parsed (kn_servicekit.trace)
    only where it is used. An invalid one is no contract error: it is treated as absent.
    """

    id: str
    source: str
    type: str
    time: dt.datetime
    subject: str | None = None
    content_type: str = CONTENT_TYPE
    sequence: int | None = None
    log: str | None = None
    traceparent: bytes | None = None

    def headers(self) -> list[tuple[str, bytes]]:
        """Kafka headers for binary mode (UTF-8 values)."""
        pairs = [
            ("ce_specversion", SPECVERSION),
            ("ce_id", self.id),
            ("ce_source", self.source),
            ("ce_type", self.type),
            ("ce_time", _rfc3339(self.time)),
        ]
        if self.subject is not None:
            pairs.append(("ce_subject", self.subject))
        if self.sequence is not None and self.log is not None:
            # zero-padded: the Sequence extension orders sequences as strings
            pairs.append(("ce_sequence", f"{self.sequence:020d}"))
            pairs.append(("ce_knlog", self.log))
        pairs.append(("content-type", self.content_type))
        encoded = [(name, value.encode()) for name, value in pairs]
        if self.traceparent is not None:
            encoded.append((TRACEPARENT, self.traceparent))
        return encoded

    @classmethod
    def from_headers(cls, headers: Headers) -> Envelope:
        """Read the attributes back; a missing or malformed one raises ContractError.

        This runs once per consumed message, so it is written for speed: one dict, and the
        tuple built directly (a NamedTuple's keyword constructor costs twice as much).
        """
        if not isinstance(headers, list | tuple):
            headers = list(headers)
        found = dict(headers)
        try:
            if found["ce_specversion"] != _SPECVERSION_BYTES:
                raise ContractError(f"ce_specversion {found['ce_specversion']!r} is not 1.0")
            time = _fromisoformat(found["ce_time"].decode())
            subject = found.get("ce_subject")
            content_type = found.get("content-type")
            sequence = found.get("ce_sequence")
            log = found.get("ce_knlog")
            envelope = _new_tuple(
                cls,
                (
                    found["ce_id"].decode(),
                    found["ce_source"].decode(),
                    found["ce_type"].decode(),
                    time,
                    None if subject is None else subject.decode(),
                    CONTENT_TYPE if content_type is None else content_type.decode(),
                    None if sequence is None else _position(sequence),
                    None if log is None else log.decode(),
                    found.get(TRACEPARENT),
                ),
            )
        except KeyError:
            missing = [name for name in _REQUIRED if name not in found]
            raise ContractError(
                f"not a CloudEvent: missing header(s) {', '.join(missing)}"
            ) from None
        except UnicodeDecodeError:
            raise ContractError("a CloudEvents header is not UTF-8") from None
        except AttributeError:
            raise ContractError("a CloudEvents header has no value") from None
        except ValueError:
            raise ContractError(f"ce_time {found['ce_time']!r} is not RFC 3339") from None
        if time.tzinfo is None:
            raise ContractError("ce_time has no time zone")
        if not (envelope[0] and envelope[1] and envelope[2]):
            raise ContractError("ce_id, ce_source and ce_type must not be empty")
        if len(envelope[0]) + len(envelope[1]) + len(envelope[2]) > ATTRIBUTES_MAX:
            raise ContractError(f"ce_id, ce_source and ce_type exceed {ATTRIBUTES_MAX} characters")
        if len(found) != len(headers) and _repeats_an_attribute(headers):
            raise ContractError("a CloudEvents attribute appears twice in the headers")
        if (sequence is None) != (log is None):
            raise ContractError("ce_sequence and ce_knlog come together or not at all")
        return envelope


POSITION_MAX = 2**63 - 1  # an event log's positions are PostgreSQL bigints
ATTRIBUTES_MAX = 1024  # ce_id + ce_source + ce_type together: ids, never payloads


def _repeats_an_attribute(headers: Headers) -> bool:
    names = [name for name, _ in headers if name.startswith("ce_") or name == "content-type"]
    return len(names) != len(set(names))


def _position(sequence: bytes) -> int:
    if not sequence.isdigit():
        raise ContractError(f"ce_sequence {sequence!r} is not a non-negative integer")
    position = int(sequence)
    if position > POSITION_MAX:
        raise ContractError(f"ce_sequence {position} is beyond any event log's positions")
    return position


_new_tuple = tuple.__new__
_fromisoformat = dt.datetime.fromisoformat


_REQUIRED = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")
_SPECVERSION_BYTES = SPECVERSION.encode()


def _rfc3339(time: dt.datetime) -> str:
    if time.tzinfo is None:
        raise ValueError("ce_time must be timezone-aware")
    return time.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def encode(event: Event, envelope: Envelope) -> tuple[list[tuple[str, bytes]], bytes]:
    """Headers and value for one event; the envelope's type must be the event's."""
    if envelope.type != event.ce_type():
        raise ValueError(f"envelope type {envelope.type} does not match {event.ce_type()}")
    return envelope.headers(), event.model_dump_json().encode()


def decode(headers: Headers, value: bytes | None, catalog: Catalog) -> tuple[Envelope, Event]:
    """Envelope and typed event of a message; anything off-contract raises ContractError."""
    envelope = Envelope.from_headers(headers)
    content_type = envelope.content_type
    if content_type != CONTENT_TYPE and content_type.split(";")[0].strip() != CONTENT_TYPE:
        raise ContractError(f"content-type {envelope.content_type!r} is not {CONTENT_TYPE}")
    if value is None:
        raise ContractError("empty value: a CloudEvent here always has a JSON body")
    return envelope, catalog.decode(envelope.type, value)
