"""Trace context without infrastructure: the traceparent rules, the HTTP middleware, the
envelope's header, and what a consumer binds and logs (issue 17 item 5)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog
from fastapi import FastAPI

from kn_contracts.envelope import Envelope
from kn_servicekit import access_log, trace
from kn_servicekit.access_log import TraceRequests
from kn_servicekit.projection import Delivery
from tests.support.ticks import Tick, tick
from tests.support.trace_logs import Lines, kit_lines

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"
GIVEN = f"00-{TRACE}-{SPAN}-01"
INVALID = [
    "",
    "garbage",
    f"00-{TRACE.upper()}-{SPAN}-01",  # hex is lower case
    f"00-{'0' * 32}-{SPAN}-01",  # all-zero trace id
    f"00-{TRACE}-{'0' * 16}-01",  # all-zero parent id
    f"01-{TRACE}-{SPAN}-01",  # a version this service does not know
    f"ff-{TRACE}-{SPAN}-01",
    f"00-{TRACE[:-1]}-{SPAN}-01",  # one hex digit short
    f"00-{TRACE}-{SPAN}-01-extra",
    f" {GIVEN}",
]


@pytest.fixture
def logged() -> Iterator[Lines]:
    with kit_lines() as lines:
        yield lines


def test_a_valid_traceparent_is_continued_in_a_span_of_the_service_s_own() -> None:
    span = trace.child_of(GIVEN.encode())
    assert (span.trace_id, span.parent_id, span.flags) == (TRACE, SPAN, "01")
    assert span.span_id != SPAN
    assert len(span.span_id) == 16
    assert span.traceparent == f"00-{TRACE}-{span.span_id}-01"
    assert trace.parse(span.traceparent) == (TRACE, span.span_id, "01")


@pytest.mark.parametrize("header", [None, b"\xff\xfe", *INVALID])
def test_an_invalid_or_missing_traceparent_starts_a_new_trace(header: str | bytes | None) -> None:
    assert trace.parse(header) is None
    span = trace.child_of(header)
    assert span.parent_id is None
    assert span.trace_id != TRACE
    assert trace.parse(span.traceparent) == (span.trace_id, span.span_id, "01")


def app_seeing_its_trace() -> FastAPI:
    app = FastAPI()

    @app.get("/echo")
    async def echo() -> dict[str, str | None]:
        structlog.get_logger("test").info("handled")
        with access_log.correlated("corr-1"):
            return {"traceparent": trace.traceparent()}

    app.add_middleware(TraceRequests)
    return app


async def ask(headers: list[tuple[str, str]]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app_seeing_its_trace())
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        return await client.get("/echo", headers=headers)


async def test_a_request_runs_in_its_caller_s_trace_and_logs_it(
    logged: Lines,
) -> None:
    answer = await ask([("traceparent", GIVEN)])
    assert answer.status_code == 200
    seen = answer.json()["traceparent"]
    assert seen == answer.headers["traceresponse"]
    trace_id, span_id, _ = trace.parse(seen) or ("", "", "")
    assert (trace_id, span_id != SPAN) == (TRACE, True)
    handled = next(line for line in logged if line["event"] == "handled")
    assert (handled["trace_id"], handled["span_id"], handled["parent_span_id"]) == (
        TRACE, span_id, SPAN,
    )  # fmt: skip
    access = next(line for line in logged if line["event"] == "http_request")
    assert access["trace_id"] == TRACE
    assert access["correlation_id"] == "corr-1"
    assert (access["route"], access["status"], access["method"]) == ("/echo", 200, "GET")
    assert "traceparent_invalid" not in access
    assert trace.current() is None  # nothing of the request stays behind


@pytest.mark.parametrize(
    "headers",
    [[("traceparent", INVALID[2])], [("traceparent", GIVEN), ("traceparent", GIVEN)]],
    ids=["upper case", "sent twice"],
)
async def test_an_invalid_traceparent_header_is_answered_in_a_new_trace_never_refused(
    headers: list[tuple[str, str]], logged: Lines
) -> None:
    answer = await ask(headers)
    assert answer.status_code == 200
    trace_id, _, _ = trace.parse(answer.headers["traceresponse"]) or ("", "", "")
    assert trace_id not in ("", TRACE)
    access = next(line for line in logged if line["event"] == "http_request")
    assert access["trace_id"] == trace_id
    assert access["traceparent_invalid"] is True
    assert INVALID[2] not in str(access)  # the value sent is never logged


async def test_a_request_without_traceparent_starts_a_trace_and_says_which(
    logged: Lines,
) -> None:
    answer = await ask([])
    trace_id, _, _ = trace.parse(answer.headers["traceresponse"]) or ("", "", "")
    access = next(line for line in logged if line["event"] == "http_request")
    assert access["trace_id"] == trace_id != ""
    assert "traceparent_invalid" not in access
    assert "parent_span_id" not in access


def delivery(traceparent: bytes | None, offset: int = 7) -> Delivery:
    envelope = Envelope("id-1", "/kvalitetsnet/test", Tick.ce_type(), dt.datetime.now(dt.UTC),
                        traceparent=traceparent)  # fmt: skip
    return Delivery("kn.test", 0, offset, envelope, tick("a"))


def test_the_envelope_carries_the_traceparent_as_the_header_s_own_bytes() -> None:
    headers = delivery(GIVEN.encode()).envelope.headers()
    assert ("ce_traceparent", GIVEN.encode()) in headers
    read = Envelope.from_headers(headers)
    sent = dict(headers)["ce_traceparent"]
    assert read.traceparent is sent  # the header's bytes: no object made per message
    assert "ce_traceparent" not in dict(delivery(None).envelope.headers())
    assert Envelope.from_headers(delivery(None).envelope.headers()).traceparent is None
    # an invalid one is no contract error: the event stays valid, its trace is absent
    assert Envelope.from_headers([*headers[:-1], ("ce_traceparent", b"junk")]).traceparent


def test_one_delivery_is_handled_in_a_child_span_of_its_event_s_trace(
    logged: Lines,
) -> None:
    with trace.handling([delivery(GIVEN.encode())]) as handled:
        structlog.get_logger("test").info("reacting")
        appended_with = trace.traceparent()
    assert handled.span is not None
    assert appended_with == f"00-{TRACE}-{handled.span.span_id}-01"  # a reaction's trace
    line = logged[0]
    assert (line["trace_id"], line["parent_span_id"], line["correlation_id"]) == (
        TRACE, SPAN, "test",
    )  # fmt: skip
    with trace.handling([delivery(GIVEN.encode()), delivery(None)]) as many:
        assert trace.current() is None
        assert many.span is None


def test_each_applied_event_is_one_line_with_its_trace_and_correlation_id(
    logged: Lines,
) -> None:
    batch = [delivery(GIVEN.encode(), 7), delivery(None, 8), delivery(b"junk", 9)]
    trace.applied("tally", batch, trace.Handled())
    assert [(line["event"], line["offset"], line["trace_id"]) for line in logged] == [
        ("event_applied", 7, TRACE), ("event_applied", 8, None), ("event_applied", 9, None),
    ]  # fmt: skip
    assert logged[0]["parent_span_id"] == SPAN
    assert logged[0]["correlation_id"] == "test"
    assert logged[0]["projection"] == "tally"
    assert logged[0]["topic"] == "kn.test"


def test_a_muted_trace_logger_costs_no_line(logged: Lines) -> None:
    logging.getLogger(trace.LOGGER).setLevel(logging.WARNING)  # as `kn-<service> rebuild`
    trace.applied("tally", [delivery(GIVEN.encode())], trace.Handled())
    assert logged == []
