"""Payees (Pool payouts 4, 7; Coordinator 8): a known shape per kind, never a CPR number —
refused where entered; an invoice kept under an earlier rule still loads, and is rejected."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from kn_contracts.events.finance import InvoiceReceived, Payee
from kn_finance.entrypoints.schemas import PayeeIn
from tests.finance.facts import invoice
from tests.finance.test_pool_rules import codes, decided

CPR = "this looks like a CPR number; CPR numbers are never entered here"


@pytest.mark.parametrize(
    ("kind", "reference"),
    [
        ("nemkonto", "0101901234"),
        ("nemkonto", "010190-1234"),
        ("nemkonto", "010190 1234"),
        ("nemkonto", "cpr:0101901234"),
        ("nemkonto", " 0101901234"),
        ("nemkonto", "nk_0101901234"),
        ("giro", "0101901234"),
        ("danish_account", "010190-1234"),
        ("danish_account", "9570-0101901234"),
        ("other", "01.01.90.1234"),
    ],
)
def test_no_payee_reference_holds_a_cpr_shaped_number(kind: str, reference: str) -> None:
    with pytest.raises(ValidationError, match=CPR):
        PayeeIn(kind=kind, reference=reference)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "reference"),
    [
        ("danish_account", "9570-0001234567"),
        ("danish_account", "9570 0001234567"),
        ("danish_account", "95700001234567"),
        ("giro", "+71<123456789012345 +12345678<"),
        ("giro", "+01<+12345678<"),
        ("giro", "1234567"),
        ("nemkonto", "nk_a1B2c3D4"),
        ("other", "paypal"),
    ],
)
def test_each_payee_kind_accepts_its_documented_shape(kind: str, reference: str) -> None:
    assert PayeeIn(kind=kind, reference=reference).reference == reference  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "reference", "says"),
    [
        ("danish_account", "9570-12", "4 digits, then 6 to 10"),
        ("giro", "+99<1 +12345678<", "payment line"),
        ("nemkonto", "token-1", "nk_ and at least 8"),
        ("nemkonto", "310290-1234", "nk_"),  # not a real day, so not CPR-shaped, but no token
    ],
)
def test_a_reference_of_another_shape_is_refused_naming_the_shape(
    kind: str, reference: str, says: str
) -> None:
    with pytest.raises(ValidationError, match=says):
        PayeeIn(kind=kind, reference=reference)  # type: ignore[arg-type]


def test_an_invoice_kept_under_an_earlier_payee_rule_loads_and_is_rejected_with_the_reason() -> (
    None
):
    code = "payee_reference"
    stored = invoice("old", "100.00", payee=Payee(kind="nemkonto", reference="token-1"))
    again = InvoiceReceived.model_validate_json(stored.model_dump_json())  # as the store loads
    found = decided(invoice("venue", "8100.00"), again)["old"]
    assert (found.status, codes(found)) == ("rejected", [code])
    assert found.approved == 0
    assert again.received_date == dt.date(2025, 3, 20)
