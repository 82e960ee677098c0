"""Danish on the pages: dates, kroner, and amounts typed as a Dane types them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from kn_web import danish
from kn_web.rules import refusal, rule_text
from kn_web.services import ServiceError, Services
from kn_web.session import Cookies
from kn_web.web import Web


def test_dates_read_as_danish_dates() -> None:
    assert danish.day("2025-03-12") == "12. marts 2025"
    assert danish.weekday("2025-03-12") == "onsdag"
    assert danish.day(None) == "–"


def test_kroner_read_with_a_thousands_point_and_a_decimal_comma() -> None:
    assert danish.kroner(747600) == "7.476,00 kr."
    assert danish.kroner(-62400) == "-624,00 kr."


@pytest.mark.parametrize(
    ("typed", "ore"),
    [("7.476,00", 747600), ("7476", 747600), ("12,5", 1250), ("8.100,00 kr.", 810000),
     ("534.00", 53400)],
)  # fmt: skip
def test_an_amount_typed_in_kroner_becomes_ore(typed: str, ore: int) -> None:
    assert danish.ore(typed) == ore


def test_an_amount_that_is_no_amount_says_how_to_write_one() -> None:
    with pytest.raises(ValueError, match=r"skriv fx 7\.476,00"):
        danish.ore("syv tusind")


def test_each_area_of_the_rules_reads_in_danish() -> None:
    assert rule_text("Coordinator 7") == (
        "Koordinator, regel 7",
        "En koordinatorhandling må ikke ligge før netværkets seneste; EKM retter historikken "
        "fra en dato med en begrundelse.",
    )
    assert rule_text("Pool payouts 9: in January EKM closes")[0] == "Aktivitetspuljen, regel 9"
    assert rule_text("no rule here") == (None, "")


def test_a_refused_role_is_told_what_to_do() -> None:
    error = ServiceError("finance", 403, "this needs role ekm; your token has role auditor", None)
    found = refusal(error)
    assert found.title == "Det må din rolle ikke"
    assert found.detail.startswith("this needs role ekm")


def test_an_invoice_whose_first_copy_was_rejected_says_ekm_may_approve_it() -> None:
    web = Web(cast(Services, None), cast(Cookies, SimpleNamespace(max_age=3600)))
    row = {"invoice_id": "esb-1", "supplier_name": "Fysio Øst Lokaler ApS",
           "supplier_invoice_number": "F-77", "cost_kind": "venue", "meeting_date": None,
           "received_date": "2025-03-20", "due_date": "2025-04-10", "amount": 810000,
           "status": "rejected", "overrides": [], "approved": 0, "not_covered": 810000,
           "reasons": [{"code": "duplicate", "text": "received before as aalborg-oest/v"}],
           "earlier_copy": {"invoice": "aalborg-oest/v", "status": "rejected"}}  # fmt: skip
    table = web.templates.get_template("_fakturaer.html").module.invoice_table  # type: ignore[attr-defined]
    html = str(table([row], "Fakturaer"))
    assert "Den første kopi (aalborg-oest/v) er afvist siden" in html
    assert "til EKM godkender den med en begrundelse" in html
    row["earlier_copy"] = {"invoice": "aalborg-oest/v", "status": "approved"}
    assert "Den første kopi" not in str(table([row], "Fakturaer"))


def test_an_invoice_that_may_be_a_copy_names_the_other_and_its_supplier_for_ekm() -> None:
    web = Web(cast(Services, None), cast(Cookies, SimpleNamespace(max_age=3600)))
    row = {"invoice_id": "esb-2", "supplier_name": "Fysio Øst Lokaler ApS",
           "supplier_cvr": "12345687", "supplier_invoice_number": "F-77", "cost_kind": "venue",
           "meeting_date": None,
           "received_date": "2025-03-20", "due_date": "2025-04-10", "amount": 810000,
           "status": "rejected", "overrides": [], "approved": 0, "not_covered": 810000,
           "reasons": [{"code": "possible_duplicate", "text": "registered before as a/v"}],
           "possible_copies": [{"invoice": "aalborg-oest/v", "status": "waiting",
                                "supplier_name": "Fysio Ost", "supplier_cvr": "12345678",
                                "not_a_copy": False}]}  # fmt: skip
    table = web.templates.get_template("_fakturaer.html").module.invoice_table  # type: ignore[attr-defined]
    html = str(table([row], "Fakturaer"))
    assert "Samme fakturanummer er modtaget før til samme mødedag eller betalingsmodtager " \
        "fra en leverandør med et andet navn eller CVR" in html  # fmt: skip
    assert "Mulig kopi: aalborg-oest/v (Afventer) fra Fysio Ost (CVR 12345678); denne: " \
        "Fysio Øst Lokaler ApS (CVR 12345687)" in html  # fmt: skip
