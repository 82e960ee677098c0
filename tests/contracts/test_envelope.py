"""Our CloudEvents envelope, read back by us and by the official SDK."""

from __future__ import annotations

import datetime as dt

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from kn_contracts.envelope import Envelope, decode, encode, source_of
from kn_contracts.errors import ContractError
from kn_contracts.events.membership import MemberJoined
from kn_contracts.topics import catalog

JOINED = MemberJoined(
    effective_date=dt.date(2025, 3, 1),
    actor="region",
    causation_id="feed-42",
    correlation_id="feed-42",
    network_id="aalborg-oest",
    person_id="p-ida",
    name="Ida Holm",
    ydernummer="123456",
    clinic_id="klinik-nord",
    clinic_name="Klinik Nord",
    role="owner",
    reason="region_feed",
)
ENVELOPE = Envelope(
    id="0b6f4a52-1d7c-4d0e-9a55-6d3c8f1f2e11",
    source=source_of("membership"),
    type=MemberJoined.ce_type(),
    time=dt.datetime(2025, 2, 20, 9, 30, tzinfo=dt.UTC),
    subject="network-aalborg-oest",
)


def test_the_ce_type_carries_the_schema_version() -> None:
    assert MemberJoined.ce_type() == "dk.kvalitetsnet.membership.MemberJoined.v2"


def test_an_encoded_event_decodes_to_the_same_event_and_envelope() -> None:
    headers, value = encode(JOINED, ENVELOPE)
    assert decode(headers, value, catalog()) == (ENVELOPE, JOINED)


def test_the_official_sdk_reads_our_binary_mode_headers() -> None:
    headers, value = encode(JOINED, ENVELOPE)
    event = from_binary_event(KafkaMessage(headers=dict(headers), key=b"k", value=value))
    assert event.get_id() == ENVELOPE.id
    assert event.get_type() == "dk.kvalitetsnet.membership.MemberJoined.v2"
    assert event.get_source() == "/kvalitetsnet/membership"
    assert event.get_subject() == "network-aalborg-oest"
    assert event.get_specversion() == "1.0"
    assert event.get_time() == ENVELOPE.time
    data = event.get_data()
    assert isinstance(data, dict)
    assert data["ydernummer"] == "123456"


def test_a_message_without_ce_headers_is_refused_with_the_missing_names() -> None:
    with pytest.raises(
        ContractError, match=r"missing header\(s\) ce_id, ce_source, ce_type, ce_time"
    ):
        decode([("ce_specversion", b"1.0")], b"{}", catalog())


def test_an_unknown_type_is_refused() -> None:
    headers, value = encode(JOINED, ENVELOPE)
    bad = [(k, b"dk.kvalitetsnet.x.Nope.v9" if k == "ce_type" else v) for k, v in headers]
    with pytest.raises(ContractError, match=r"unknown ce_type 'dk\.kvalitetsnet\.x\.Nope\.v9'"):
        decode(bad, value, catalog())


def test_a_body_that_breaks_the_schema_is_refused_with_the_field_named() -> None:
    headers, _ = encode(JOINED, ENVELOPE)
    body = JOINED.model_dump_json().replace('"123456"', '"12345X"').encode()
    with pytest.raises(ContractError, match="ydernummer"):
        decode(headers, body, catalog())


def test_a_time_without_zone_cannot_be_written() -> None:
    naive = Envelope(id="1", source="/s", type=MemberJoined.ce_type(), time=dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        encode(JOINED, naive)


def test_a_relayed_envelope_carries_its_log_and_position_as_extensions() -> None:
    relayed = ENVELOPE._replace(sequence=42, log="7f3c")
    headers, value = encode(JOINED, relayed)
    assert ("ce_sequence", b"00000000000000000042") in headers  # orders as a string too
    assert decode(headers, value, catalog()) == (relayed, JOINED)
    event = from_binary_event(KafkaMessage(headers=dict(headers), key=b"k", value=value))
    assert (event.get_extension("sequence"), event.get_extension("knlog")) == (
        "00000000000000000042",
        "7f3c",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([("ce_sequence", b"12")], "come together"),
        ([("ce_knlog", b"7f3c")], "come together"),
        ([("ce_sequence", b"-1"), ("ce_knlog", b"7f3c")], "not a non-negative integer"),
    ],
)
def test_a_half_or_malformed_position_is_refused(
    extra: list[tuple[str, bytes]], message: str
) -> None:
    headers, value = encode(JOINED, ENVELOPE)
    with pytest.raises(ContractError, match=message):
        decode(headers + extra, value, catalog())
