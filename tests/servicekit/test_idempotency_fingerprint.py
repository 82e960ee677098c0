"""A request's fingerprint tells a true repeat from a reused key, also across an upgrade
that adds an optional field to the body."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kn_servicekit.idempotency import ADDED_LATER, fingerprint, fingerprint_body


class Before(BaseModel):
    invoice_id: str
    tier: str | None = None


class After(Before):
    meeting_id: str | None = Field(None, json_schema_extra={ADDED_LATER: "2026-12-04"})


def _of(body: BaseModel) -> str:
    return fingerprint("POST", "/v1/invoices", fingerprint_body(body))


def test_a_repeat_sent_before_a_field_was_added_is_still_a_repeat() -> None:
    assert _of(After(invoice_id="v")) == _of(Before(invoice_id="v"))


def test_a_field_added_later_counts_once_it_is_given() -> None:
    assert _of(After(invoice_id="v", meeting_id="m")) != _of(Before(invoice_id="v"))
    assert _of(After(invoice_id="v", tier="a")) != _of(After(invoice_id="v"))  # old fields count
