"""One traceparent followed from an HTTP command to another service's log (issue 17 item 5):
EKM creates a network at membership with a known trace; meetings applies the event it
caused and logs that trace with the command's correlation id. Real Kafka and PostgreSQL,
both services in-process in one sandbox."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from kn_contracts.topics import MEMBERSHIP_EVENTS
from kn_deploy import infra
from kn_meetings.bootstrap import create_app as meetings_app
from kn_meetings.settings import MeetingsSettings
from kn_membership.bootstrap import create_app as membership_app
from kn_membership.settings import MembershipSettings
from kn_servicekit import trace
from tests.support.kafka import read_all
from tests.support.service import Sandbox, running, sandbox
from tests.support.trace_logs import Lines, kit_lines, lines_of
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

TOKENS = {"t-ekm": "ekm"}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture
async def box(endpoints: infra.Endpoints) -> AsyncIterator[Sandbox]:
    async with sandbox(endpoints.kafka(), endpoints.databases["membership"]) as made:
        yield made


async def drop(url: str, schema: str) -> None:
    conn = await asyncpg.connect(url.split("?")[0])
    try:
        live = await conn.fetch(f'SELECT schema_name FROM "{schema}".kn_projection_live')
        for name in [*(row["schema_name"] for row in live), schema]:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await conn.close()


async def test_a_commands_traceparent_reaches_the_consuming_services_log_lines(
    box: Sandbox, endpoints: infra.Endpoints
) -> None:
    membership = box.settings(MembershipSettings, TOKENS, f"m_{uuid.uuid4().hex[:10]}")
    meetings_box = dataclasses.replace(box, database_url=endpoints.databases["meetings"])
    meetings = meetings_box.settings(MeetingsSettings, TOKENS, f"g_{uuid.uuid4().hex[:10]}")
    try:
        with kit_lines() as lines:
            async with (
                running(membership_app, membership) as http,
                running(meetings_app, meetings),
            ):
                answer = await http.post(
                    "/v1/networks",
                    json={"network_id": "vejle-nord", "name": "Vejle Nord",
                          "cluster_id": "aalborg", "effective_date": "2025-01-01"},
                    headers={"Authorization": "Bearer t-ekm",
                             "traceparent": f"00-{TRACE_ID}-{CALLER_SPAN}-01",
                             "X-Correlation-Id": "ekm-ticket-4711"},
                )  # fmt: skip
                assert answer.status_code == 201, answer.text
                await eventually(
                    lambda: _consumed(lines), lambda found: len(found) == 2,
                    what="meetings' two consumers of membership applying the NetworkCreated",
                )  # fmt: skip
    finally:
        await drop(membership.database_url, membership.database_url.rsplit("=", 1)[1])
        await drop(meetings.database_url, meetings.database_url.rsplit("=", 1)[1])

    # membership: its access line, in the caller's trace, in a span of its own
    served = trace.parse(answer.headers["traceresponse"])
    assert served is not None
    assert served[0] == TRACE_ID
    membership_span = served[1]
    (access,) = lines_of(lines, "http_request", route="/v1/networks", method="POST")
    assert (access["trace_id"], access["span_id"], access["parent_span_id"]) == (
        TRACE_ID, membership_span, CALLER_SPAN,
    )  # fmt: skip
    assert (access["status"], access["correlation_id"]) == (201, "ekm-ticket-4711")
    # on Kafka: the event carries the trace as a child of membership's span
    records = await read_all(box.kafka, box.topic(MEMBERSHIP_EVENTS.name))
    (created,) = [r for r in records if b"NetworkCreated" in dict(r.headers)["ce_type"]]
    traceparent = dict(created.headers)["ce_traceparent"].decode()
    assert traceparent == f"00-{TRACE_ID}-{membership_span}-01"
    # meetings: the line of the consumer that applied it names the trace and the correlation
    consumed = await _consumed(lines)
    (applied,) = lines_of(consumed, "event_applied", projection="membership_view")
    assert applied["trace_id"] == TRACE_ID
    assert applied["parent_span_id"] == membership_span
    assert applied["correlation_id"] == "ekm-ticket-4711"
    assert applied["ce_id"] == dict(created.headers)["ce_id"].decode()
    # its command consumer of the same topic handles it in a span of its own
    (revisions,) = lines_of(consumed, "event_applied", projection="attendance_revisions")
    assert revisions["trace_id"] == TRACE_ID
    assert revisions["span_id"] not in (membership_span, CALLER_SPAN)


async def _consumed(lines: Lines) -> Lines:
    """Meetings' lines for the NetworkCreated (its consumers of membership's topic)."""
    return [
        line
        for line in lines_of(lines, "event_applied")
        if str(line["ce_type"]).endswith(".NetworkCreated.v1")
        and line["projection"] in ("membership_view", "attendance_revisions")
    ]
