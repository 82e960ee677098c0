"""The pool's rules in pure code (DOMAIN Pool payouts 2-7): the worked example's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kn_contracts.events.finance import (
    InvoiceDecided,
    InvoiceMeetingNamed,
    InvoiceReceived,
    InvoiceStatus,
    Payee,
)
from kn_finance.domain.commands import name_meeting, override_invoice, register_invoice
from kn_rules.decide import Outcome, decide
from kn_rules.errors import Conflict, Invalid
from kn_rules.inputs import ListFact, MeetingFact, NetworkInputs
from kn_rules.pool import fold
from tests.finance.facts import (
    BO,
    CAUSE,
    SCHEME,
    attendance,
    base_table,
    inputs,
    invoice,
    override,
    rates,
    stamp,
)

LATER = {"received": dt.date(2025, 3, 22), "due_date": dt.date(2025, 4, 30)}


def decided(*events: object, seen: NetworkInputs | None = None) -> dict[str, Outcome]:
    book = fold(list(events))  # type: ignore[arg-type]
    return {o.invoice_id: o for o in decide(book, seen or inputs(), rates(), SCHEME)}


def codes(outcome: Outcome) -> list[str]:
    return [reason.code for reason in outcome.reasons]


def test_the_rate_table_regulates_the_base_amounts_half_up_to_ore() -> None:
    found = rates().resolve(2025)
    assert (found.pool["standard"], found.coordinator_fee) == (53_400, 2_136_000)
    assert (
        rates(
            base_table(pool_kr=333),
        )
        .resolve(2022)
        .pool["standard"]
        == 33_300
    )


def test_a_year_without_a_rate_table_is_an_error_naming_the_year() -> None:
    with pytest.raises(Invalid, match="no rate table for 2026"):
        rates().resolve(2026)


def test_entitlement_is_the_rate_times_the_counted_member_owners() -> None:
    venue = decided(invoice("venue", "8100.00"))["venue"]
    assert (venue.status, venue.counted, venue.entitlement) == ("approved", 14, 747_600)
    assert (venue.approved, venue.not_covered, venue.list_revision) == (747_600, 62_400, 1)


def test_invoices_of_one_meeting_share_its_entitlement_in_the_order_received() -> None:
    found = decided(
        invoice("catering", "300.00", cost_kind="catering", received=dt.date(2025, 3, 21)),
        invoice("venue", "8100.00"),
    )
    assert (found["venue"].approved, found["catering"].approved) == (747_600, 0)
    assert (found["catering"].status, found["catering"].not_covered) == ("approved", 30_000)


def test_an_invoice_due_in_fewer_than_14_days_is_rejected() -> None:
    june = invoice("june", "500.00", received=dt.date(2025, 6, 1), due_date=dt.date(2025, 6, 10))
    found = decided(june)["june"]
    assert found.status == "rejected"
    assert "due_too_soon" in codes(found)
    assert "is 9 days after receipt on 2025-06-01" in found.reasons[0].text


def test_every_failed_check_is_kept_as_a_reason() -> None:
    bad = invoice(
        "bad",
        "100.00",
        coordinator_name="Nobody Known",
        due_date=dt.date(2025, 3, 25),
        payee=Payee(kind="other", reference="paypal"),
    )
    twice = invoice("twice", "100.00", supplier_invoice_number="F-venue")
    found = decided(invoice("venue", "8100.00"), bad, twice)
    assert codes(found["bad"]) == ["coordinator_not_holder", "due_too_soon", "payee_not_accepted"]
    assert codes(found["twice"]) == ["duplicate"]
    missing = invoice("missing", "1.00", network_id=None, coordinator_name=None, meeting_date=None)
    assert codes(decided(missing)["missing"]) == [
        "network_missing",
        "meeting_date_missing",
        "coordinator_missing",
    ]


def test_an_invoice_for_a_meeting_with_no_list_waits() -> None:
    planned = decided(invoice("venue", "8100.00"), seen=inputs(status="planned"))["venue"]
    assert (planned.status, codes(planned)) == ("waiting", ["meeting_not_held"])
    cancelled = decided(invoice("venue", "8100.00"), seen=inputs(status="cancelled"))["venue"]
    assert (cancelled.status, codes(cancelled)) == ("rejected", ["meeting_cancelled"])
    unknown = decided(invoice("venue", "8100.00"), seen=inputs(name=None))["venue"]
    assert codes(unknown) == ["network_unknown"]


def test_only_the_categories_the_table_counts_count() -> None:
    six = decided(invoice("venue", "8100.00"), seen=inputs(listed=attendance(owners=6)))
    assert (six["venue"].counted, six["venue"].approved) == (6, 6 * 53_400)


def test_ekm_overrides_a_rejection_or_rejects_an_approved_invoice_with_a_reason() -> None:
    late = invoice("late", "500.00", due_date=dt.date(2025, 3, 25))
    found = decided(late, override("late", "approve"))["late"]
    assert (found.status, found.approved, found.overridden) == ("approved", 50_000, True)
    assert "due_too_soon" in codes(found)
    venue = decided(invoice("venue", "8100.00"), override("venue", "reject", reason="double"))
    assert (venue["venue"].status, venue["venue"].approved) == ("rejected", 0)
    assert codes(venue["venue"]) == ["ekm_rejected"]


def test_an_approval_without_an_amount_and_without_a_counted_list_is_rejected_not_a_crash() -> None:
    no_meeting = invoice("x", "1000.00", meeting_date=dt.date(2025, 3, 13))
    found = decided(no_meeting, override("x", "approve"))["x"]
    assert (found.status, found.approved, found.overridden) == ("rejected", 0, True)
    assert codes(found)[-1] == "override_needs_amount"
    assert "give approved_amount" in found.reasons[-1].text
    base = inputs()
    june = invoice(
        "j",
        "1000.00",
        meeting_date=dt.date(2025, 6, 11),
        received=dt.date(2025, 5, 20),
        due_date=dt.date(2025, 6, 30),
        coordinator_name=BO[1],
    )
    cancelled = NetworkInputs(
        base.network_id,
        base.name,
        (base.meetings[0], MeetingFact("2025-06-11", dt.date(2025, 6, 11), "cancelled")),
        base.lists,
        base.roles,
    )
    after = decided(june, override("j", "approve"), invoice("venue", "8100.00"), seen=cancelled)
    assert (after["j"].status, codes(after["j"])[-1]) == ("rejected", "override_needs_amount")
    assert after["venue"].approved == 747_600  # the network's other invoices are still decided
    unknown = decided(
        invoice("u", "100.00", network_id="typo-net"),
        override("u", "approve"),
        seen=NetworkInputs("typo-net"),
    )["u"]
    assert (unknown.status, codes(unknown)[-1]) == ("rejected", "override_needs_amount")


def test_an_amount_ekm_approves_counts_against_the_meetings_entitlement() -> None:
    found = decided(
        invoice("a", "5000.00", due_date=dt.date(2025, 3, 25)),
        override("a", "approve", approved_amount=500_000),
        invoice("b", "8000.00", received=dt.date(2025, 3, 22), due_date=dt.date(2025, 4, 30)),
    )
    assert (found["a"].approved, found["b"].approved) == (500_000, 247_600)
    assert found["a"].approved + found["b"].approved == 747_600  # 14 owners x 534 kr
    assert found["b"].not_covered == 552_400


def test_the_same_supplier_invoice_is_a_duplicate_with_or_without_its_cvr_however_spelt() -> None:
    found = decided(
        invoice("a", "3000.00", supplier_invoice_number="F-77"),
        invoice("b", "3000.00", supplier_invoice_number="F 77", supplier_cvr=None, **LATER),
        invoice("c", "3000.00", supplier_invoice_number="f77", supplier_name="X ApS", **LATER),
        invoice("d", "3000.00", supplier_invoice_number="F-78", **LATER),
    )
    assert [found[i].status == "rejected" for i in "abcd"] == [False, True, True, False]
    assert "duplicate" in codes(found["b"])
    assert "duplicate" in codes(found["c"])  # the same CVR, another name
    assert "received before as a" in found["b"].reasons[-1].text


def test_an_invoice_kept_elsewhere_is_registered_as_a_duplicate_of_it() -> None:
    elsewhere = fold([invoice("v1", "4000.00", supplier_invoice_number="H-2025-118")])
    fields = invoice("v2", "4000.00", network_id="esbjerg", supplier_invoice_number="H2025118")
    body = fields.model_dump(exclude={"effective_date", "actor", "causation_id", "correlation_id"})
    kept = register_invoice(fold([]), body, SCHEME, CAUSE, [elsewhere])[0]
    assert kept.duplicate_of == "aalborg-oest/v1"
    assert "duplicate" in codes(decided(kept, seen=NetworkInputs("esbjerg"))["v2"])


def _two_held_on_march_12() -> NetworkInputs:
    """The reviewer's case: 14 owners in the morning (2025-03-12), 3 in the evening (-2)."""
    base = inputs()
    evening = MeetingFact("2025-03-12-2", dt.date(2025, 3, 12), "held")
    three = ListFact("2025-03-12-2", 1, tuple(("member_owner", f"{500100 + n}") for n in range(3)))
    return NetworkInputs(
        base.network_id,
        base.name,
        (*base.meetings, evening),
        {**base.lists, "2025-03-12-2": three},
        base.roles,
    )


def test_an_invoice_naming_only_a_date_with_two_meetings_is_rejected_saying_which_to_name() -> None:
    found = decided(invoice("venue", "1602.00"), seen=_two_held_on_march_12())["venue"]
    assert (found.status, found.approved, found.meeting_id) == ("rejected", 0, None)
    assert codes(found) == ["meeting_ambiguous"]
    assert "2 meetings on 2025-03-12 (2025-03-12, 2025-03-12-2)" in found.reasons[0].text
    assert (
        "EKM names the one it is for (POST /v1/networks/aalborg-oest/invoices/venue/meeting)"
        in (found.reasons[0].text)
    )


def test_an_invoice_naming_its_meeting_draws_on_that_meetings_entitlement_only() -> None:
    seen = _two_held_on_march_12()
    evening = decided(invoice("e", "1602.00", meeting_id="2025-03-12-2"), seen=seen)["e"]
    assert (evening.status, evening.meeting_id, evening.counted) == ("approved", "2025-03-12-2", 3)
    assert (evening.entitlement, evening.approved) == (3 * 53_400, 160_200)
    morning = decided(invoice("m", "8100.00", meeting_id="2025-03-12"), seen=seen)["m"]
    assert (morning.meeting_id, morning.counted, morning.approved) == ("2025-03-12", 14, 747_600)
    unknown = decided(invoice("x", "100.00", meeting_id="2025-13-01"), seen=seen)["x"]
    assert codes(unknown) == ["no_meeting"]
    assert unknown.reasons[0].text == "aalborg-oest has no meeting 2025-13-01"


def test_ekm_naming_the_meeting_of_an_ambiguous_invoice_decides_it_against_that_meeting() -> None:
    seen = _two_held_on_march_12()
    named = InvoiceMeetingNamed(
        **stamp(dt.date(2025, 4, 1)),
        invoice_id="venue",
        network_id="aalborg-oest",
        meeting_id="2025-03-12-2",
        reason="the venue's invoice is for the evening meeting",
    )
    found = decided(invoice("venue", "1602.00"), named, seen=seen)["venue"]
    assert (found.status, found.meeting_id, found.counted) == ("approved", "2025-03-12-2", 3)
    assert (found.approved, codes(found)) == (160_200, [])


def test_an_invoice_naming_a_meeting_that_moved_is_decided_against_it_on_its_new_day() -> None:
    base = inputs()
    moved = MeetingFact("2025-03-12", dt.date(2025, 3, 19), "held")
    seen = NetworkInputs(base.network_id, base.name, (moved, *base.meetings[1:]), base.lists,
                         base.roles)  # fmt: skip
    by_date = decided(invoice("venue", "8100.00"), seen=seen)["venue"]
    assert codes(by_date) == ["no_meeting"]
    by_id = decided(invoice("venue", "8100.00", meeting_id="2025-03-12"), seen=seen)["venue"]
    assert (by_id.status, by_id.meeting_id, by_id.approved) == ("approved", "2025-03-12", 747_600)


def test_a_cancelled_meeting_on_the_same_day_leaves_the_held_one_named_by_the_date() -> None:
    base = inputs()
    cancelled = MeetingFact("2025-03-12-2", dt.date(2025, 3, 12), "cancelled")
    seen = NetworkInputs(
        base.network_id, base.name, (*base.meetings, cancelled), base.lists, base.roles
    )
    found = decided(invoice("venue", "8100.00"), seen=seen)["venue"]
    assert (found.status, found.meeting_id, found.approved) == ("approved", "2025-03-12", 747_600)


def test_a_second_copy_in_one_account_is_decided_on_its_own_once_the_first_is_rejected() -> None:
    first = invoice("a", "3000.00", supplier_invoice_number="F-77")
    second = invoice("b", "3000.00", supplier_invoice_number="F 77", **LATER)
    assert codes(decided(first, second)["b"]) == ["duplicate"]
    found = decided(first, second, override("a", "reject", reason="sent to the wrong network"))
    assert (found["a"].status, found["b"].status, codes(found["b"])) == ("rejected", "approved", [])


def test_a_named_meeting_that_moved_checks_the_coordinator_on_its_new_day() -> None:
    base = inputs()
    moved = MeetingFact("2025-03-12", dt.date(2025, 6, 4), "held")  # after B took over
    seen = NetworkInputs(base.network_id, base.name, (moved, *base.meetings[1:]), base.lists,
                         base.roles)  # fmt: skip
    by_anna = decided(invoice("venue", "8100.00", meeting_id="2025-03-12"), seen=seen)["venue"]
    assert codes(by_anna) == ["coordinator_not_holder"]
    assert "on 2025-06-04 (coordinator: " in by_anna.reasons[0].text
    by_bo = invoice("venue", "8100.00", meeting_id="2025-03-12", coordinator_name=BO[1])
    assert decided(by_bo, seen=seen)["venue"].status == "approved"


def _body(received: InvoiceReceived) -> dict[str, Any]:
    return received.model_dump(exclude={"effective_date", "actor", "causation_id",
                                        "correlation_id"})  # fmt: skip


def test_a_meeting_named_at_registration_is_one_on_the_invoices_date() -> None:
    meetings = inputs().meetings
    typo = _body(invoice("v", "100.00", meeting_id="2025-06-11"))
    with pytest.raises(Invalid, match="meeting_id 2025-06-11: it is on 2025-06-11; the network's "
                                      "meetings on 2025-03-12: 2025-03-12"):  # fmt: skip
        register_invoice(fold([]), typo, SCHEME, CAUSE, (), meetings)
    unknown = _body(invoice("v", "100.00", meeting_id="2025-03-13"))
    with pytest.raises(Invalid, match="meeting_id 2025-03-13: finance knows no such meeting"):
        register_invoice(fold([]), unknown, SCHEME, CAUSE, (), meetings)
    right = _body(invoice("v", "100.00", meeting_id="2025-03-12"))
    assert register_invoice(fold([]), right, SCHEME, CAUSE, (), meetings)[0].meeting_id


def test_ekm_names_only_a_meeting_of_the_invoices_year_that_is_not_cancelled() -> None:
    base = inputs()
    cancelled = MeetingFact("2025-09-10", dt.date(2025, 9, 10), "cancelled")
    other_year = MeetingFact("2024-11-06", dt.date(2024, 11, 6), "held")
    meetings = (*base.meetings, cancelled, other_year)
    book = fold([invoice("v", "100.00"), invoice("nodate", "1.00", meeting_date=None)])
    with pytest.raises(Invalid, match="no meeting 2024-11-06 of aalborg-oest in 2025"):
        name_meeting(book, "v", "2024-11-06", "moved", meetings, CAUSE)
    with pytest.raises(Invalid, match="meeting 2025-09-10 was cancelled"):
        name_meeting(book, "v", "2025-09-10", "moved", meetings, CAUSE)
    with pytest.raises(Invalid, match="invoice nodate names no meeting date"):
        name_meeting(book, "nodate", "2025-03-12", "moved", meetings, CAUSE)
    [named] = name_meeting(book, "v", "2025-06-11", "moved", meetings, CAUSE)
    assert (named.meeting_id, named.reason) == ("2025-06-11", "moved")


def test_a_meeting_that_moved_into_another_year_is_not_the_invoices() -> None:
    base = inputs()
    moved = MeetingFact("2025-03-12", dt.date(2026, 1, 7), "held")
    seen = NetworkInputs(base.network_id, base.name, (moved, *base.meetings[1:]), base.lists,
                         base.roles)  # fmt: skip
    found = decided(invoice("venue", "8100.00", meeting_id="2025-03-12"), seen=seen)["venue"]
    assert (found.status, codes(found)) == ("rejected", ["meeting_other_year"])


def _decided_as(received: InvoiceReceived, status: InvoiceStatus) -> InvoiceDecided:
    return InvoiceDecided(**stamp(dt.date(2025, 4, 1)), invoice_id=received.invoice_id,
                          network_id=received.network_id, status=status)  # fmt: skip


def test_a_supplier_invoice_is_approved_by_ekm_in_one_account_only() -> None:
    first = invoice("v1", "4000.00", supplier_invoice_number="H-118")
    aalborg = fold([first, _decided_as(first, "rejected")])  # by the checks (no list yet)
    again = _body(invoice("v2", "4000.00", network_id="esbjerg", supplier_invoice_number="H118"))
    copy = register_invoice(fold([]), again, SCHEME, CAUSE, [aalborg])[0]
    assert copy.duplicate_of == "aalborg-oest/v1"  # though the first was rejected then
    esbjerg = fold([copy, _decided_as(copy, "rejected")])
    with pytest.raises(Conflict, match="v2 is a later copy of aalborg-oest/v1, which EKM has not"):
        override_invoice(esbjerg, "v2", "approve", "pay it", 100, CAUSE, [aalborg])
    aalborg.apply(override("v1", "reject", reason="registered in the wrong network"))
    assert override_invoice(esbjerg, "v2", "approve", "pay it", 100, CAUSE, [aalborg])
    esbjerg.apply(_decided_as(copy, "approved"))
    with pytest.raises(Conflict, match="approved, or approved by EKM, as esbjerg/v2"):
        override_invoice(aalborg, "v1", "approve", "after all", None, CAUSE, [esbjerg])
    with pytest.raises(Conflict, match="approved, or approved by EKM, as esbjerg/v2"):
        name_meeting(aalborg, "v1", "2025-03-12", "this one", inputs().meetings, CAUSE,
                     [esbjerg])  # fmt: skip


def test_a_copy_ekm_approved_that_still_waits_blocks_approving_another() -> None:
    first = invoice("a", "4000.00", supplier_invoice_number="H-118")
    aalborg = fold([first, override("a", "reject", reason="wrong network"),
                    _decided_as(first, "rejected")])  # fmt: skip
    again = _body(invoice("b", "4000.00", network_id="esbjerg", supplier_invoice_number="H118"))
    copy = register_invoice(fold([]), again, SCHEME, CAUSE, [aalborg])[0]
    esbjerg = fold([copy, override("b", "approve", reason="this one"),
                    _decided_as(copy, "waiting")])  # its meeting is not held yet  # fmt: skip
    with pytest.raises(Conflict, match="approved, or approved by EKM, as esbjerg/b"):
        override_invoice(aalborg, "a", "approve", "after all", None, CAUSE, [esbjerg])


def test_a_later_copy_in_the_same_account_is_approved_only_after_ekm_rejected_the_first() -> None:
    first = invoice("a", "4000.00", supplier_invoice_number="H-118")
    second = invoice("a2", "4000.00", supplier_invoice_number="H118", **LATER)
    book = fold([first, second, _decided_as(first, "rejected"), _decided_as(second, "rejected")])
    with pytest.raises(Conflict, match="a2 is a later copy of aalborg-oest/a, which EKM has not"):
        override_invoice(book, "a2", "approve", "pay it", 100, CAUSE)
    assert override_invoice(book, "a", "approve", "the first", None, CAUSE)  # the original


def test_two_suppliers_with_one_name_and_two_cvrs_are_two_invoices() -> None:
    cafe = invoice("c1", "900.00", supplier_name="Café Central", supplier_invoice_number="1001")
    other = fold([cafe])
    body = _body(invoice("c2", "900.00", network_id="esbjerg", supplier_name="Café Central",
                         supplier_cvr="22222222", supplier_invoice_number="1001"))  # fmt: skip
    kept = register_invoice(fold([]), body, SCHEME, CAUSE, [other])[0]
    assert kept.duplicate_of is None
    # the same number for the same day, though: EKM tells whether it is a mistyped CVR
    assert kept.possible_copy_of == "aalborg-oest/c1"
    elsewhen = {**body, "meeting_date": dt.date(2025, 6, 11),
                "payee": Payee(kind="danish_account", reference="1234-0000001111")}  # fmt: skip
    kept = register_invoice(fold([]), elsewhen, SCHEME, CAUSE, [other])[0]
    assert (kept.duplicate_of, kept.possible_copy_of) == (None, None)
    no_cvr = {**body, "supplier_cvr": None}
    assert register_invoice(fold([]), no_cvr, SCHEME, CAUSE, [other])[0].duplicate_of == (
        "aalborg-oest/c1"
    )


def test_an_invoice_naming_no_network_is_nobodys_first_copy() -> None:
    lost = invoice("n", "4000.00", network_id=None, supplier_invoice_number="H-118")
    body = _body(invoice("a", "4000.00", supplier_invoice_number="H118"))
    kept = register_invoice(fold([]), body, SCHEME, CAUSE, [fold([lost])])[0]
    assert kept.duplicate_of is None


def test_a_copy_ekm_approved_stands_before_a_copy_registered_later_with_an_earlier_date() -> None:
    late = invoice("a", "3000.00", supplier_invoice_number="H-118", due_date=dt.date(2025, 3, 29))
    approved = override("a", "approve", reason="agreed with the venue")
    again = invoice("b", "3000.00", supplier_invoice_number="H118", received=dt.date(2025, 3, 15))
    found = decided(late, approved, again)
    assert (found["a"].status, found["b"].status) == ("approved", "rejected")
    assert codes(found["b"]) == ["duplicate"]
    assert found["a"].payable + found["b"].payable == 300_000  # paid once


def test_a_supplier_name_with_or_without_its_company_form_is_one_name() -> None:
    found = decided(
        invoice("a", "3000.00", supplier_name="Hotel Phønix A/S", supplier_invoice_number="F-77"),
        invoice("b", "3000.00", supplier_name="hotel  phønix", supplier_cvr=None,
                supplier_invoice_number="F77", **LATER),
        invoice("c", "3100.00", supplier_name="Hotel Phønix Øst ApS", supplier_cvr=None,
                supplier_invoice_number="F77", **LATER),
    )  # fmt: skip
    assert [found[i].status for i in "abc"] == ["approved", "rejected", "approved"]
    assert codes(found["b"]) == ["duplicate"]


def _registered(*invoices: InvoiceReceived) -> list[InvoiceReceived]:
    """Registered in turn in one account, as finance registers them."""
    kept: list[InvoiceReceived] = []
    for one in invoices:
        kept += register_invoice(fold(list(kept)), _body(one), SCHEME, CAUSE)
    return kept


PHONIX = {"supplier_name": "Hotel Phønix", "supplier_invoice_number": "F-77"}
CVR_TYPO = {"supplier_name": "Hotel Phønix", "supplier_cvr": "12345687",
            "supplier_invoice_number": "F77"}  # fmt: skip


def test_the_same_number_from_a_supplier_typed_otherwise_waits_for_ekm_whatever_its_amount() -> (
    None
):
    first = invoice("a", "3000.00", **PHONIX)
    cvr_typo = invoice("b", "3000.00", **CVR_TYPO, **LATER)
    misspelt = invoice("c", "3000.00", supplier_name="Hotel Fønix", supplier_cvr=None,
                       supplier_invoice_number="F77", **LATER)  # fmt: skip
    reminder = invoice("d", "3100.00", **CVR_TYPO, **LATER)  # with a reminder's fee
    kept = _registered(first, cvr_typo, misspelt, reminder)
    assert [k.possible_copy_of for k in kept] == [None, *["aalborg-oest/a"] * 3]
    found = decided(*kept)
    assert [found[i].status for i in "abcd"] == ["approved", "rejected", "rejected", "rejected"]
    assert codes(found["b"]) == codes(found["c"]) == codes(found["d"]) == ["possible_duplicate"]
    said = found["c"].reasons[0].text
    assert said.startswith(
        "invoice number F77 was registered before as a for the same day or payee, from a "
        "supplier with another name or CVR: it waits for EKM to tell whether it is a copy"
    )
    assert sum(found[i].payable for i in "abcd") == 300_000  # the one invoice paid once


def test_a_reminder_of_a_paid_invoice_with_its_cvr_mistyped_is_not_approved_by_ekm_beside_it() -> (
    None
):
    # the reviewer's chain: i2 paid in esbjerg; i, its exact copy, in odense; j, the paper
    # with a mistyped CVR, in aalborg: j and i2 are one invoice of two amounts
    esbjerg = fold([invoice("i2", "3100.00", network_id="esbjerg", **PHONIX)])
    esbjerg.apply(_decided_as(esbjerg.invoices["i2"].received, "approved"))
    i = _body(invoice("i", "3000.00", network_id="odense", **PHONIX))
    odense = fold(list(register_invoice(fold([]), i, SCHEME, CAUSE, [esbjerg])))
    [j] = register_invoice(fold([]), _body(invoice("j", "3000.00", **CVR_TYPO)), SCHEME, CAUSE,
                           [esbjerg, odense])  # fmt: skip
    assert j.possible_copy_of == "esbjerg/i2"
    with pytest.raises(Conflict, match=r"j may be a copy of esbjerg/i2.* which is approved"):
        override_invoice(fold([j]), "j", "approve", "pay it", None, CAUSE, [esbjerg, odense])


def test_a_rejection_withdraws_what_ekm_said_of_a_pair() -> None:
    nord = {"supplier_name": "Hotel Nord", "supplier_cvr": "22222222",
            "supplier_invoice_number": "F77"}  # fmt: skip
    kept = _registered(invoice("a", "3000.00", **PHONIX), invoice("b", "3000.00", **nord))
    book = fold([*kept, _decided_as(kept[0], "approved")])
    for override_ in (
        override_invoice(
            book, "b", "approve", "Nord's", None, CAUSE, not_copy_of=["aalborg-oest/a"]
        ),
        override_invoice(book, "b", "reject", "a copy after all", None, CAUSE),
    ):
        book.apply(override_[0])
    assert book.invoices["b"].not_copy_of == frozenset()
    with pytest.raises(Conflict, match=r"b may be a copy of aalborg-oest/a .* which is approved"):
        override_invoice(book, "b", "approve", "again", None, CAUSE)


def test_another_suppliers_invoice_of_that_number_and_amount_for_another_day_is_no_copy() -> None:
    other = {"supplier_name": "Café Central", "supplier_cvr": "22222222",
             "supplier_invoice_number": "1", "meeting_date": dt.date(2025, 6, 11),
             "payee": Payee(kind="danish_account", reference="1234-0000001111")}  # fmt: skip
    kept = _registered(invoice("a", "3000.00", supplier_invoice_number="1"),
                       invoice("b", "3000.00", **other, **LATER))  # fmt: skip
    assert kept[1].possible_copy_of is None
    to_the_same_account = {**other, "payee": kept[0].payee}
    kept = _registered(kept[0], invoice("c", "3000.00", **to_the_same_account, **LATER))
    assert kept[1].possible_copy_of == "aalborg-oest/a"


def test_an_invoice_number_of_no_letters_or_digits_is_nobodys_possible_copy() -> None:
    kept = _registered(invoice("a", "3000.00", supplier_invoice_number="-"),
                       invoice("b", "3000.00", **{**CVR_TYPO, "supplier_invoice_number": "#"},
                               **LATER))  # fmt: skip
    assert kept[1].possible_copy_of is None


def test_ekm_approves_a_possible_copy_as_another_suppliers_invoice_and_both_are_paid() -> None:
    other = invoice("b", "3000.00", supplier_name="Café Central", supplier_cvr="22222222",
                    supplier_invoice_number="F77", **LATER)  # fmt: skip
    kept = _registered(invoice("a", "3000.00", **PHONIX), other)
    book = fold([*kept, _decided_as(kept[0], "approved")])
    with pytest.raises(Conflict, match=r"b may be a copy of aalborg-oest/a .* which is approved"):
        override_invoice(book, "b", "approve", "the one to pay", None, CAUSE)
    [approved] = override_invoice(book, "b", "approve", "Café Central's own", None, CAUSE,
                                  not_copy_of=["aalborg-oest/a"])  # fmt: skip
    assert approved.not_copy_of == ("aalborg-oest/a",)
    found = decided(*kept, approved)
    assert (found["a"].status, found["b"].status) == ("approved", "approved")  # both stand
    assert found["b"].overridden
    book.apply(approved)
    # a later approval of either, without the words again, is not held up by the pair
    assert override_invoice(book, "b", "approve", "amount corrected", 250_000, CAUSE)
    assert override_invoice(book, "a", "approve", "confirmed", None, CAUSE)


def test_a_possible_copy_approved_as_the_one_to_pay_needs_the_other_rejected_by_ekm() -> None:
    kept = _registered(invoice("a", "3000.00", **PHONIX), invoice("b", "3000.00", **CVR_TYPO))
    book = fold([*kept, _decided_as(kept[0], "waiting")])  # its list is not there yet
    with pytest.raises(Conflict, match=r"b may be a copy of aalborg-oest/a .* which the checks"):
        override_invoice(book, "b", "approve", "pay this one", None, CAUSE)
    [no] = override_invoice(book, "a", "reject", "a copy with a typo", None, CAUSE)
    book.apply(no)
    [yes] = override_invoice(book, "b", "approve", "pay this one", None, CAUSE)
    book.apply(yes)
    with pytest.raises(Conflict, match=r"a may be a copy of aalborg-oest/b .* approved by EKM"):
        override_invoice(book, "a", "approve", "after all", None, CAUSE)
    found = decided(*kept, no, yes)  # the list arrived: a stays rejected by EKM
    assert (found["a"].status, found["b"].status) == ("rejected", "approved")
    assert found["a"].payable + found["b"].payable == 300_000


def test_an_invoice_ekm_rejected_and_approves_again_is_not_paid_beside_its_possible_copy() -> None:
    first = invoice("a", "3000.00", **PHONIX)
    book = fold([first, override("a", "reject", reason="due too soon")])
    [again] = register_invoice(book, _body(invoice("b", "3000.00", **CVR_TYPO)), SCHEME, CAUSE)
    assert again.possible_copy_of == "aalborg-oest/a"  # flagged though its first is rejected
    book.apply(again)
    [yes] = override_invoice(book, "a", "approve", "after all", None, CAUSE)
    found = decided(first, override("a", "reject"), again, yes)
    assert (found["a"].status, found["b"].status) == ("approved", "rejected")
    book.apply(yes)
    with pytest.raises(Conflict, match=r"b may be a copy of aalborg-oest/a .* approved by EKM"):
        override_invoice(book, "b", "approve", "pay it", None, CAUSE)


def test_saying_one_possible_copy_is_another_suppliers_says_nothing_of_the_others() -> None:
    nord = {"supplier_name": "Hotel Nord", "supplier_cvr": "22222222",
            "supplier_invoice_number": "F77"}  # fmt: skip
    kept = _registered(invoice("a", "3000.00", **PHONIX), invoice("b", "3000.00", **nord),
                       invoice("d", "3000.00", **{**nord, "supplier_cvr": "22222223"}))  # fmt: skip
    assert [k.possible_copy_of for k in kept] == [None, "aalborg-oest/a", "aalborg-oest/a"]
    book = fold([*kept, _decided_as(kept[0], "approved")])
    [b_ok] = override_invoice(book, "b", "approve", "Nord's own", None, CAUSE,
                              not_copy_of=["aalborg-oest/a"])  # fmt: skip
    book.apply(b_ok)
    # d, Nord's invoice again with its CVR mistyped: not a copy of a, but maybe of b
    with pytest.raises(Conflict, match=r"d may be a copy of aalborg-oest/b .* approved by EKM"):
        override_invoice(book, "d", "approve", "not a's", None, CAUSE,
                         not_copy_of=["aalborg-oest/a"])  # fmt: skip


def test_not_copy_of_goes_with_an_approval_and_names_a_possible_copy() -> None:
    kept = _registered(invoice("a", "3000.00", **PHONIX), invoice("b", "3000.00", **CVR_TYPO),
                       invoice("c", "10.00"))  # fmt: skip
    book = fold(list(kept))
    with pytest.raises(Invalid, match="not_copy_of goes with decision 'approve' only"):
        override_invoice(book, "b", "reject", "a copy", None, CAUSE, not_copy_of=["aalborg-oest/a"])
    with pytest.raises(Invalid, match=r"aalborg-oest/c is no possible copy of b .* its "
                                      r"possible copies: aalborg-oest/a"):  # fmt: skip
        override_invoice(book, "b", "approve", "fine", None, CAUSE, not_copy_of=["aalborg-oest/c"])


def test_naming_the_meeting_of_a_possible_copy_pays_nothing_until_ekm_approves_it() -> None:
    kept = _registered(invoice("a", "3000.00", **PHONIX), invoice("b", "3000.00", **CVR_TYPO))
    book = fold([*kept, _decided_as(kept[0], "approved")])
    [named_] = name_meeting(book, "b", "2025-03-12", "the morning", inputs().meetings, CAUSE)
    assert codes(decided(*kept, named_)["b"]) == ["possible_duplicate"]
    with pytest.raises(Conflict, match="approved"):  # a, approved, cannot have its meeting named
        name_meeting(fold([*kept, _decided_as(kept[1], "approved"), override("b", "approve")]),
                     "a", "2025-03-12", "x", inputs().meetings, CAUSE)  # fmt: skip


def test_a_possible_copy_in_another_account_is_rejected_there_until_ekm_decides() -> None:
    elsewhere = fold([invoice("v1", "4000.00", supplier_invoice_number="H-118")])
    body = _body(invoice("v2", "4000.00", network_id="esbjerg", supplier_name="Fysio Ost",
                         supplier_cvr=None, supplier_invoice_number="H118"))  # fmt: skip
    kept = register_invoice(fold([]), body, SCHEME, CAUSE, [elsewhere])[0]
    assert (kept.duplicate_of, kept.possible_copy_of) == (None, "aalborg-oest/v1")
    found = decided(kept, seen=NetworkInputs("esbjerg"))["v2"]
    assert found.status == "rejected"
    assert "possible_duplicate" in codes(found)
    # its coordinator reads the reason: another network's invoice is not named in it
    assert "registered before in another network's account (EKM sees which) for the same " \
        "day or payee" in found.reasons[-1].text  # fmt: skip


def test_an_exact_copy_of_a_possible_copy_is_recorded_as_both() -> None:
    aalborg = fold([invoice("a", "3000.00", **PHONIX)])
    b = _body(invoice("b", "3000.00", network_id="esbjerg", **CVR_TYPO))
    esbjerg = fold(list(register_invoice(fold([]), b, SCHEME, CAUSE, [aalborg])))
    c = _body(invoice("c", "3000.00", network_id="odense", **CVR_TYPO))
    [copy] = register_invoice(fold([]), c, SCHEME, CAUSE, [aalborg, esbjerg])
    assert (copy.duplicate_of, copy.possible_copy_of) == ("esbjerg/b", "aalborg-oest/a")
    esbjerg.apply(override_invoice(esbjerg, "b", "reject", "a copy of a", None, CAUSE)[0])
    # c is a copy of b, which EKM rejected, and maybe of a, which the checks may approve
    odense = fold([copy])
    with pytest.raises(Conflict, match="c may be a copy of aalborg-oest/a"):
        override_invoice(odense, "c", "approve", "pay it", None, CAUSE, [aalborg, esbjerg])


def test_a_rejection_of_either_invoice_withdraws_what_ekm_said_of_the_pair() -> None:
    kept = _registered(invoice("a", "3000.00", **PHONIX), invoice("b", "3000.00", **CVR_TYPO))
    book = fold([*kept, _decided_as(kept[0], "approved")])
    book.apply(override_invoice(book, "b", "approve", "another supplier's (wrong)", None, CAUSE,
                                not_copy_of=["aalborg-oest/a"])[0])  # fmt: skip
    book.apply(override_invoice(book, "a", "reject", "a is b's copy: pay b", None, CAUSE)[0])
    with pytest.raises(Conflict, match=r"a may be a copy of aalborg-oest/b .* approved by EKM"):
        override_invoice(book, "a", "approve", "amount corrected", 300_000, CAUSE)


def test_an_exact_copy_of_a_possible_copy_for_another_day_and_payee_waits_for_ekm_too() -> None:
    factoring = Payee(kind="danish_account", reference="1234-0000001111")  # paid elsewhere
    reminder = invoice(
        "d", "3100.00", **CVR_TYPO, payee=factoring, meeting_date=dt.date(2025, 6, 11)
    )
    kept = _registered(invoice("a", "3000.00", **PHONIX), invoice("b", "3000.00", **CVR_TYPO),
                       reminder)  # fmt: skip
    assert [k.possible_copy_of for k in kept] == [None, "aalborg-oest/a", "aalborg-oest/a"]
    assert "possible_duplicate" in codes(decided(*kept)["d"])


def test_an_account_typed_with_spaces_or_dashes_is_one_payee() -> None:
    spaced = Payee(kind="danish_account", reference="9570 0001234567")
    other_day = invoice("b", "3000.00", **CVR_TYPO, payee=spaced, meeting_date=dt.date(2025, 6, 11))
    kept = _registered(invoice("a", "3000.00", **PHONIX), other_day)
    assert kept[1].possible_copy_of == "aalborg-oest/a"


def test_a_possible_copy_found_through_an_exact_copy_can_be_named_as_another_suppliers() -> None:
    factoring = Payee(kind="danish_account", reference="1234-0000001111")
    hotel = {"supplier_name": "Hotel Phønix", "supplier_invoice_number": "1001"}
    bakery = {"supplier_name": "Bageriet", "supplier_cvr": "33333333",
              "supplier_invoice_number": "1001", "meeting_date": dt.date(2025, 6, 11)}  # fmt: skip
    aalborg, odense = fold([]), fold([])
    [i] = register_invoice(aalborg, _body(invoice("i", "3000.00", **hotel)), SCHEME, CAUSE)
    aalborg.apply(i)
    c = _body(invoice("c", "1200.00", network_id="odense", payee=factoring, **bakery))
    odense.apply(register_invoice(odense, c, SCHEME, CAUSE, [aalborg])[0])
    odense.apply(_decided_as(odense.invoices["c"].received, "approved"))
    # the hotel's reminder, paid to the factoring company too: c is found through it
    m = _body(invoice("m", "3100.00", payee=factoring, **hotel, **LATER))
    aalborg.apply(register_invoice(aalborg, m, SCHEME, CAUSE, [odense])[0])
    with pytest.raises(Conflict, match=r"i may be a copy of odense/c .* approved"):
        override_invoice(aalborg, "i", "approve", "corrected", 250_000, CAUSE, [odense])
    [ok] = override_invoice(aalborg, "i", "approve", "corrected", 250_000, CAUSE, [odense],
                            not_copy_of=["odense/c"])  # fmt: skip
    assert ok.not_copy_of == ("odense/c",)
