"""Trace context: W3C Trace Context over HTTP, the CloudEvents Distributed Tracing
extension on Kafka, and the log lines that handle what a request caused.

A request's `traceparent` header (`00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`)
names the caller's span; the service takes a span of its own in that trace (a new trace
when the header is missing or invalid: never a refusal). While the request runs, the span
is current: every event it appends is stored with the span's traceparent (the event
table's `traceparent` column), the relay publishes it as the `ce_traceparent` header, and
every log line carries `trace_id` and `span_id`. A consumer reads the header back as bytes
(kn_contracts.envelope: no object made per event) and parses it only where it is used:
in the line it logs for each event it applied, and, where it handles one delivery at a
time (a command consumer), as the parent of its own span, which the events it appends
then carry: a reaction keeps the trace id with a new span id.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import structlog

from kn_servicekit.projection import Delivery

LOGGER = "trace"  # the per-event lines: on at INFO (a service's KN_LOG_LEVEL); a rebuild mutes it
_FORMAT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
_NO_TRACE, _NO_SPAN = "0" * 32, "0" * 16
log = structlog.get_logger(LOGGER)


@dataclass(frozen=True, slots=True)
class Span:
    """This participant's span: its trace, its own id, and the span it continues (if any)."""

    trace_id: str
    span_id: str
    flags: str = "01"  # sampled: every trace is in the logs
    parent_id: str | None = None

    @property
    def traceparent(self) -> str:
        """The header that makes what comes next a child of this span."""
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def parse(header: str | bytes | None) -> tuple[str, str, str] | None:
    """(trace id, parent span id, flags) of a valid version-00 traceparent, else None:
    lower-case hex only, neither id all zeros (W3C Trace Context, section 3.2)."""
    if header is None:
        return None
    if isinstance(header, bytes):
        try:
            header = header.decode("ascii")
        except UnicodeDecodeError:
            return None
    found = _FORMAT.fullmatch(header)
    if found is None or found[1] == _NO_TRACE or found[2] == _NO_SPAN:
        return None
    return found[1], found[2], found[3]


def new_span_id() -> str:
    return os.urandom(8).hex()


def child_of(header: str | bytes | None) -> Span:
    """A span continuing `header`'s trace, or the first span of a new trace."""
    parsed = parse(header)
    if parsed is None:
        return Span(os.urandom(16).hex(), new_span_id())
    trace_id, parent_id, flags = parsed
    return Span(trace_id, new_span_id(), flags, parent_id)


_current: ContextVar[Span | None] = ContextVar("kn_trace_span", default=None)


def current() -> Span | None:
    """The span this code runs in (None: outside any request or handled event)."""
    return _current.get()


def traceparent() -> str | None:
    """What an event appended now carries (kn_servicekit.pgstore), or None."""
    span = _current.get()
    return None if span is None else span.traceparent


@contextmanager
def active(span: Span, **fields: object) -> Iterator[Span]:
    """Make `span` current and bind it (and `fields`) into every log line meanwhile."""
    token = _current.set(span)
    bound = {"trace_id": span.trace_id, "span_id": span.span_id, **fields}
    if span.parent_id is not None:
        bound["parent_span_id"] = span.parent_id
    try:
        with structlog.contextvars.bound_contextvars(**bound):
            yield span
    finally:
        _current.reset(token)


class Handled:
    """What a batch's handling knows of traces: the span of its one delivery, if it took one."""

    __slots__ = ("span",)

    def __init__(self, span: Span | None = None) -> None:
        self.span = span


@contextmanager
def handling(deliveries: Sequence[Delivery]) -> Iterator[Handled]:
    """Around a projection's apply: a batch of one delivery (a command consumer's, always)
    is handled in a span of the delivery's trace, so its log lines and the events it
    appends carry it; a larger batch is handled as it is (one check, no object per event)."""
    if len(deliveries) != 1:
        yield Handled()
        return
    delivery = deliveries[0]
    span = child_of(delivery.envelope.traceparent)
    with active(span, correlation_id=delivery.event.correlation_id):
        yield Handled(span)


def applied(projection: str, deliveries: Sequence[Delivery], handled: Handled) -> None:
    """One `event_applied` line per delivery, once its batch committed: the trace and the
    correlation id it came with, so an operator follows a request into this consumer.
    Checked once per batch: a logger muted (a rebuild, KN_LOG_LEVEL=WARNING) costs nothing."""
    if not deliveries or not logging.getLogger(LOGGER).isEnabledFor(logging.INFO):
        return
    span = handled.span  # a batch of one handled in its own span: the line names it
    for delivery in deliveries:
        envelope = delivery.envelope
        trace_id: str | None = None
        parent_id: str | None = None
        if span is not None:
            trace_id, parent_id = span.trace_id, span.parent_id
        elif (parsed := parse(envelope.traceparent)) is not None:
            trace_id, parent_id, _ = parsed
        log.info(
            "event_applied",
            projection=projection,
            topic=delivery.topic,
            partition=delivery.partition,
            offset=delivery.offset,
            ce_type=envelope.type,
            ce_id=envelope.id,
            correlation_id=delivery.event.correlation_id,
            trace_id=trace_id,
            parent_span_id=parent_id,
            **({} if span is None else {"span_id": span.span_id}),
        )
