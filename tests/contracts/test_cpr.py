"""No CPR number in clear (issue 15 item 1, Coordinator 8): one guard, every field."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord
from hypothesis import given, settings
from hypothesis import strategies as st

from kn_contracts.cpr import (
    CPR_REFUSED,
    CprNumberRefused,
    cpr_in,
    look,
    looks_like_cpr,
    mask,
    suspicious,
)
from kn_contracts.envelope import Envelope, encode, source_of
from kn_contracts.errors import ContractError
from kn_contracts.events import membership as ms
from kn_contracts.topics import catalog
from kn_servicekit.deadletter import letter_of
from tests.finance.story import attendees, recorded

SHAPES = ["0101901234", "010190-1234", "010190 1234", "01.01.90.1234", "01 01 90 1234",
          "010190–1234", "010190—1234", "010190−1234", "010190\u00a01234", "010190\u202f1234",
          "010190\u20091234", "010190\u00ad1234", "010190\u200b1234", "010190－1234"]  # fmt: skip
STAMP: dict[str, Any] = {"effective_date": dt.date(2025, 1, 1), "actor": "ekm",
                         "causation_id": "c", "correlation_id": "c"}  # fmt: skip


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_of_a_cpr_number_is_recognised_also_inside_text(shape: str) -> None:
    assert looks_like_cpr(shape)
    assert looks_like_cpr(f"ring til {shape} i morgen")
    assert looks_like_cpr(f"cpr:{shape}")
    assert looks_like_cpr(f"cpr{shape}")  # a label glued before it
    assert suspicious(json.dumps({"note": f"cpr{shape}"}, ensure_ascii=False).encode())


def test_the_label_glued_before_the_number_counts_but_no_other_letters_do() -> None:
    for text in (
        "cpr010190-1234",
        "CPR0101901234",
        "CPRnr0101901234",
        "cpr-nr010190–1234",
        "cpr nr0101901234",
        "Personnummer010190-1234",
    ):
        assert looks_like_cpr(text), text
    for text in ("abc0101901234", "INV250312-0042", "PO2503120001", "ordrenr2503120001"):
        assert not looks_like_cpr(text), text


@pytest.mark.parametrize(
    "value",
    [
        "240117",  # a ydernummer
        "12345678",  # a CVR or phone number
        "9570-0001234567",  # a registration and account number (no real day: 95/70)
        "3102901234",  # 31 February is no day
        "2025-03-12",
        "abc0101901234",  # glued to hex letters: part of a code, not a number on its own
        "0101901234abc",  # glued to letters after it
        "010190--1234",  # two separators are not one
        "INV250312-0042",  # invoice numbers (a review found these refused by a wider shape)
        "R2503120001",
        "DK12 0400 0440 1162 43",  # an IBAN in groups
        "Forplejning 12/10/24 1000 kr",  # a date and an amount
        "Møde 12.10.24 - 1500 kr",
        "12/10/24 – 1500,00 kr",
        "Ordre 120325/1234",
    ],
)
def test_ydernumre_cvr_accounts_and_dates_are_not_cpr_numbers(value: str) -> None:
    assert not looks_like_cpr(value)


def test_no_uuid_looks_like_a_cpr_number() -> None:
    ids = [str(uuid.uuid4()) for _ in range(20_000)] + ["ab010190-1234-4000-8000-000000000000"]
    assert [i for i in ids if looks_like_cpr(i)] == []


def test_an_event_holding_one_in_any_field_cannot_be_made_and_names_the_field() -> None:
    with pytest.raises(CprNumberRefused, match=f"name: {CPR_REFUSED}"):
        ms.NetworkCreated(**STAMP, network_id="n-1", name="Netværk 010190-1234", cluster_id="c")
    with pytest.raises(CprNumberRefused, match="causation_id"):
        ms.NetworkCreated(**{**STAMP, "causation_id": "0101901234"}, network_id="n-1",
                          name="Nord", cluster_id="c")  # fmt: skip
    lines = list(attendees())
    lines[3] = lines[3].model_copy(update={"name": "Ejer 01.01.90.1234"})
    with pytest.raises(CprNumberRefused, match=r"attendees\.3\.name"):
        type(recorded())(**{**recorded().model_dump(), "attendees": tuple(lines)})


def test_a_message_holding_one_does_not_decode_and_its_dead_letter_masks_it() -> None:
    event = recorded()
    envelope = Envelope(str(uuid.uuid4()), source_of("meetings"), event.ce_type(),
                        dt.datetime.now(dt.UTC), subject="aalborg-oest")  # fmt: skip
    headers, value = encode(event, envelope)
    forged = value.replace(b"Pia Poulsen", b"Pia 010190-1234")
    with pytest.raises(ContractError, match=r"attendees\.0\.name: this looks like a CPR number"):
        catalog().decode(event.ce_type(), forged)
    record = ConsumerRecord("kn.meetings.events", 0, 7, 0, 0, b"aalborg-oest", forged, None,
                            0, len(forged), [*headers, ("x-note", b"0101901234")])  # fmt: skip
    letter = letter_of(record, "contract: ...")
    assert letter.value is not None
    assert b"010190-1234" not in letter.value
    assert b"[cpr:" in letter.value
    assert dict(letter.headers)["x-note"].startswith(b"[cpr:")
    # the same number under the same key gets the same mark: two letters can be matched
    assert mask("010190-1234", b"k") == mask("0101901234", b"k") != mask("0101901234", b"j")
    assert catalog().decode(event.ce_type(), value) == event  # the honest one decodes


def test_a_catalog_that_just_read_a_body_of_hex_ids_still_refuses_one_in_the_next() -> None:
    event = recorded()
    honest = encode(event, Envelope(str(uuid.uuid4()), source_of("meetings"), event.ce_type(),
                                    dt.datetime.now(dt.UTC)))[1]  # fmt: skip
    hex_ids = honest.replace(b"Pia Poulsen", b"k1820c7082f7f947cf00bd1a2025")
    forged = honest.replace(b"Pia Poulsen", b"Pia 010190-1234")
    events = catalog()
    for body in (hex_ids, forged, hex_ids, honest, forged):  # guessed dense, then not
        if body is forged:
            with pytest.raises(ContractError, match="this looks like a CPR number"):
                events.decode(event.ce_type(), body)
        else:
            events.decode(event.ce_type(), body)


def test_money_and_counts_are_never_taken_for_one() -> None:
    assert cpr_in({"amount": 1_501_901_234, "counted": 14, "ydernummer": "240117"}) is None


_PIECES = st.sampled_from(
    [
        "0101901234",
        "010190-1234",
        "3112991234",
        "1234",
        "12",
        "-",
        " ",
        ".",
        "\n",
        "\t",
        '"',
        "\\",
        "a",
        "Æ",
        "٣",
        "０",
        "14 ",
        "240117",
        "–",
        "\u00a0",
        "\u202f",
        "\u200b",
        "\u00ad",
        "personnummer",
        "ø",
        "−",
        "cpr",
        "-nr",
        "r",
        "€",
        "ē",
    ]
)
_TEXT = st.lists(_PIECES, max_size=8).map("".join)
_VALUES = st.recursive(
    _TEXT | st.integers(0, 10**12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=10,
)


# `make test` draws 1,000 values; KN_FUZZ_CPR=10000 draws more (a run of its own)
@settings(max_examples=int(os.environ.get("KN_FUZZ_CPR", "1000")), deadline=None)
@given(_VALUES)
def test_the_quick_look_at_raw_json_never_misses_what_the_walk_of_its_strings_finds(
    value: Any,
) -> None:
    for raw in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        if cpr_in(value) is not None:
            assert suspicious(raw), raw
            assert suspicious(raw.encode()), raw
        # a guess of whether the body holds a run of ten digits never changes the answer
        guessed_not, guessed_so = look(raw), look(raw, dense=True)
        assert guessed_not[0] == guessed_so[0] == suspicious(raw), raw
        if "\\" not in raw:
            assert guessed_not[1] == guessed_so[1], raw


def test_an_account_number_of_fourteen_digits_needs_no_walk() -> None:
    payee = {"kind": "danish_account", "reference": "95700001234567"}
    assert not suspicious(json.dumps({"payee": payee, "amount": 747600}))
    assert suspicious(json.dumps({"note": "ring 010190-1234"}))


@pytest.mark.parametrize(
    ("text", "real"),
    [
        ("2902001234", True),
        ("2902011234", False),
        ("3104901234", False),
        ("3112991234", True),
        ("0001901234", False),
        ("0113901234", False),
        ("2802011234", True),
        ("3201901234", False),
    ],
)
def test_only_a_real_day_in_1900_or_2000_makes_the_shape(text: str, real: bool) -> None:
    assert looks_like_cpr(text) is real


def test_a_body_in_utf_16_is_no_way_around_the_guard() -> None:
    body = {**STAMP, "effective_date": "2025-01-01", "network_id": "n-1", "person_id": "p-1",
            "ydernummer": "240117", "clinic_id": "c-1", "reason": "sale",
            "note": "hans cpr 010190-1234"}  # fmt: skip
    old = ms.MemberLeft.ce_type().removesuffix(".v2") + ".v1"  # read through the upcaster
    for encoding in ("utf-16", "utf-32"):
        raw = json.dumps(body).encode(encoding)
        assert suspicious(raw)
        with pytest.raises(ContractError):
            catalog().decode(old, raw)
    with pytest.raises(ContractError, match="note: this looks like a CPR number"):
        catalog().decode(old, json.dumps(body).encode())
