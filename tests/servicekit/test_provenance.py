"""Only a topic's owner writes it: what a consumer refuses, and why (defence in depth)."""

from __future__ import annotations

import datetime as dt

import pytest

from kn_contracts.envelope import Envelope, source_of
from kn_contracts.errors import ContractError
from kn_contracts.events import membership as ev
from kn_contracts.events import region as rg
from kn_contracts.topics import catalog
from kn_servicekit.provenance import Provenance

WHEN = dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC)
PREFIX = "t0001."
CHECK = Provenance([f"{PREFIX}kn.membership.events", f"{PREFIX}kn.region.ydernummer", "kit-1"])


def _stamp(actor: str) -> dict[str, object]:
    return {"effective_date": dt.date(2025, 3, 1), "actor": actor, "causation_id": "c",
            "correlation_id": "c"}  # fmt: skip


def _joined() -> ev.MemberJoined:
    return ev.MemberJoined.model_validate({
        **_stamp("ekm"), "network_id": "aalborg-oest", "person_id": "p-x", "name": "X",
        "ydernummer": "100001", "clinic_id": "k", "clinic_name": "K", "role": "owner",
        "reason": "ekm_assignment",
    })  # fmt: skip


def _opened(actor: str) -> rg.YdernummerOpened:
    return rg.YdernummerOpened.model_validate({
        **_stamp(actor), "ydernummer": "100042", "person_id": "p-h", "name": "H",
        "clinic_id": "k", "clinic_name": "K", "role": "owner",
    })  # fmt: skip


def _envelope(source: str, ce_type: str, **extra: object) -> Envelope:
    return Envelope("id-1", source, ce_type, WHEN, **extra)  # type: ignore[arg-type]


def test_a_membership_event_from_membership_is_accepted() -> None:
    envelope = _envelope(source_of("membership"), ev.MemberJoined.ce_type(), sequence=7, log="L")
    assert CHECK.refusal(f"{PREFIX}kn.membership.events", envelope, _joined()) is None


def test_an_older_version_of_a_registered_type_is_accepted_on_its_topic() -> None:
    """The log keeps every version: MemberJoined.v1 written before v2 is still membership's,
    read through its upcaster (found: every v1 event became a dead letter after v2)."""
    old_type = ev.MemberJoined.ce_type().removesuffix(".v2") + ".v1"
    assert old_type != ev.MemberJoined.ce_type()
    body = _joined().model_dump_json().encode()
    event = catalog().decode(old_type, body)  # the current model, as decode gives it
    envelope = _envelope(source_of("membership"), old_type, sequence=7, log="L")
    assert CHECK.refusal(f"{PREFIX}kn.membership.events", envelope, event) is None
    opened = _opened("region:x")
    region = _envelope(source_of("membership"), rg.YdernummerOpened.ce_type())
    assert CHECK.refusal(f"{PREFIX}kn.membership.events", region, opened) is not None


def test_a_membership_event_from_anyone_else_is_refused_naming_the_owner() -> None:
    envelope = _envelope("/region/nordjylland", ev.MemberJoined.ce_type())
    refusal = CHECK.refusal(f"{PREFIX}kn.membership.events", envelope, _joined())
    assert refusal == (
        "ce_source '/region/nordjylland' is not '/kvalitetsnet/membership', the owner of "
        "kn.membership.events"
    )


def test_an_event_type_not_registered_for_the_topic_is_refused() -> None:
    envelope = _envelope(source_of("membership"), rg.YdernummerOpened.ce_type())
    refusal = CHECK.refusal(f"{PREFIX}kn.membership.events", envelope, _opened("region:x"))
    assert refusal is not None
    assert "is not registered for kn.membership.events" in refusal


def test_a_region_message_whose_actor_claims_another_party_is_refused() -> None:
    envelope = _envelope("/region/nordjylland", rg.YdernummerOpened.ce_type())
    refusal = CHECK.refusal(f"{PREFIX}kn.region.ydernummer", envelope, _opened("ekm"))
    assert refusal == (
        "actor 'ekm' is not region:nordjylland, the region its ce_source "
        "'/region/nordjylland' names"
    )
    assert (
        CHECK.refusal(f"{PREFIX}kn.region.ydernummer", envelope, _opened("region:nordjylland"))
        is None
    )


def test_a_region_message_carrying_a_log_position_is_refused() -> None:
    envelope = _envelope("/region/nordjylland", rg.YdernummerOpened.ce_type(),
                         sequence=2**62, log="a-real-log")  # fmt: skip
    refusal = CHECK.refusal(
        f"{PREFIX}kn.region.ydernummer", envelope, _opened("region:nordjylland")
    )
    assert refusal == "a region's message carries no event-log position (ce_sequence, ce_knlog)"


def test_a_source_that_is_no_region_is_refused_on_the_region_topic() -> None:
    envelope = _envelope("/kvalitetsnet/membership", rg.YdernummerOpened.ce_type())
    refusal = CHECK.refusal(f"{PREFIX}kn.region.ydernummer", envelope, _opened("region:x"))
    assert refusal == "ce_source '/kvalitetsnet/membership' is not a region's (/region/<name>)"


def test_a_topic_outside_the_registry_has_no_owner_rule() -> None:
    envelope = _envelope("/anyone", ev.MemberJoined.ce_type())
    assert CHECK.refusal("kit-1", envelope, _joined()) is None


def test_a_position_beyond_a_bigint_is_off_contract() -> None:
    headers = _envelope(source_of("membership"), ev.MemberJoined.ce_type(),
                        sequence=2**63, log="L").headers()  # fmt: skip
    with pytest.raises(ContractError, match="beyond any event log's positions"):
        Envelope.from_headers(headers)
