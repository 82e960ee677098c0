"""Corrections after a payout (DOMAIN Pool payouts 8): nothing published changes; a change
of amount is an adjustment for the difference, so a thing's payouts sum to its amount."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from kn_contracts.base import Event
from kn_contracts.events.finance import InvoiceDecided, PoolRate, RateAmounts, RateTablePublished
from kn_contracts.events.payouts import PayoutAdjusted, PoolPayoutApproved
from kn_finance.domain.commands import PublishRates, paid_tiers, publish_rates
from kn_finance.domain.settle import changes
from kn_rules.decide import decide
from kn_rules.errors import Invalid
from kn_rules.inputs import NetworkInputs
from kn_rules.pool import PoolBook
from kn_rules.rates import RateBook
from kn_servicekit.cause import Cause
from tests.finance.facts import (
    CAUSE,
    SCHEME,
    attendance,
    base_table,
    inputs,
    invoice,
    override,
    rates,
    table_2025,
)

EKM_CAUSE = Cause("ekm", "test", "test", dt.date(2025, 5, 1))


def cmd_for(table: RateTablePublished) -> PublishRates:
    return PublishRates(
        year=table.year,
        price_level_year=table.price_level_year,
        amounts=table.amounts,
        index_factor=None,
        index_base_year=None,
        counted_categories=None,
        basis=None,
        reason="corrected",
    )


def settle(book: PoolBook, seen: NetworkInputs, book_of_rates: RateBook) -> list[Event]:
    """Decide and append, as the service does: every change's events, folded in."""
    appended: list[Event] = []
    for change in changes(book, decide(book, seen, book_of_rates, SCHEME), CAUSE):
        for event in change.events:
            book.apply(event)
            appended.append(event)
    return appended


def payouts_of(events: list[Event], invoice_id: str) -> list[Event]:
    kinds = PoolPayoutApproved | PayoutAdjusted
    return [e for e in events if isinstance(e, kinds) and e.invoice_id == invoice_id]


def test_a_corrected_list_publishes_the_difference_as_an_adjustment() -> None:
    book = PoolBook()
    book.apply(invoice("venue", "8100.00"))
    published = settle(book, inputs(listed=attendance(owners=10)), rates())
    corrected = settle(book, inputs(listed=attendance(owners=12, revision=2)), rates())
    [approved] = payouts_of(published, "venue")
    [adjusted] = payouts_of(corrected, "venue")
    assert isinstance(approved, PoolPayoutApproved)
    assert approved.amount == 534_000
    assert isinstance(adjusted, PayoutAdjusted)
    assert (adjusted.amount, adjusted.new_total, adjusted.list_revision) == (106_800, 640_800, 2)
    assert adjusted.cause == "attendance list revision 2"
    assert settle(book, inputs(listed=attendance(owners=12, revision=2)), rates()) == []


def test_an_ekm_rejection_after_payout_is_a_negative_adjustment() -> None:
    book = PoolBook()
    book.apply(invoice("venue", "8100.00"))
    settle(book, inputs(), rates())
    book.apply(override("venue", "reject", reason="the venue invoiced twice"))
    [_, adjusted] = settle(book, inputs(), rates())
    assert isinstance(adjusted, PayoutAdjusted)
    assert (adjusted.amount, adjusted.new_total) == (-747_600, 0)


def test_a_new_rate_revision_adjusts_what_was_paid() -> None:
    book = PoolBook()
    book.apply(invoice("venue", "8100.00"))
    settle(book, inputs(listed=attendance(owners=10)), rates())
    revised = rates(base_table(), table_2025(), table_2025("1.1", revision=2))
    [_decided, adjusted] = settle(book, inputs(listed=attendance(owners=10)), revised)
    assert isinstance(adjusted, PayoutAdjusted)
    assert (adjusted.amount, adjusted.rate_revision) == (10 * 55_000 - 534_000, 2)


def test_a_revised_base_table_of_an_indexed_year_is_named_in_the_decision_and_adjustment() -> None:
    book = PoolBook()
    book.apply(invoice("venue", "8100.00"))
    [decided, approved] = settle(book, inputs(listed=attendance(owners=10)), rates())
    assert isinstance(decided, InvoiceDecided)
    assert isinstance(approved, PoolPayoutApproved)
    assert [(r.year, r.revision) for r in decided.rate_indexed_on] == [(2022, 1)]
    assert approved.rate_indexed_on == decided.rate_indexed_on
    base_2 = base_table(pool_kr=510).model_copy(update={"revision": 2})
    [again, adjusted] = settle(
        book, inputs(listed=attendance(owners=10)), rates(base_table(), table_2025(), base_2)
    )
    assert isinstance(again, InvoiceDecided)
    assert isinstance(adjusted, PayoutAdjusted)
    assert adjusted.payee == approved.payee
    assert (again.rate_year, again.rate_revision) == (2025, 1)
    assert [(r.year, r.revision) for r in again.rate_indexed_on] == [(2022, 2)]
    assert adjusted.amount == 10 * 54_468 - 534_000  # 510 kr × 1.068 = 544.68 kr
    assert adjusted.cause == "rate table 2025 revision 1 (indexed on 2022 revision 2)"


def two_tiers(revision: int, *tiers: tuple[str, int]) -> RateTablePublished:
    amounts = RateAmounts(
        pool=tuple(PoolRate(tier=t, amount=a) for t, a in tiers), coordinator_fee=2_136_000
    )
    return table_2025().model_copy(
        update={
            "revision": revision,
            "amounts": amounts,
            "index_factor": None,
            "index_base_year": None,
        }
    )


def test_a_rate_revision_may_not_drop_a_tier_an_invoice_was_paid_at() -> None:
    book = PoolBook()
    book.apply(invoice("venue", "8100.00", tier="outside_venue"))
    first = two_tiers(1, ("standard", 53_400), ("outside_venue", 60_000))
    [_, paid] = settle(book, inputs(listed=attendance(owners=10)), rates(base_table(), first))
    assert paid.amount == 600_000  # type: ignore[attr-defined]
    published = rates(base_table(), first)
    dropped = cmd_for(two_tiers(2, ("standard", 53_400)))
    with pytest.raises(Invalid, match="lose tier outside_venue, at which invoice venue was paid"):
        publish_rates(published, dropped, SCHEME, EKM_CAUSE, paid_tiers([book]))
    kept = cmd_for(two_tiers(2, ("standard", 53_400), ("outside_venue", 58_000)))
    [table] = publish_rates(published, kept, SCHEME, EKM_CAUSE, paid_tiers([book]))
    assert table.revision == 2


def test_the_sum_of_a_things_payouts_is_always_its_current_amount() -> None:
    for seed in range(150):
        pick = random.Random(seed)
        book, published = PoolBook(), []
        tables = [base_table(), table_2025()]
        revision, listed = 1, attendance(owners=pick.randint(0, 18))
        book.apply(invoice("venue", f"{pick.randint(1, 12000)}.00"))
        book.apply(
            invoice(
                "food",
                f"{pick.randint(1, 3000)}.00",
                cost_kind="catering",
                received=dt.date(2025, 3, 21),
            )
        )
        for _ in range(pick.randint(1, 8)):
            step = pick.choice(["list", "rates", "override", "none"])
            if step == "list":
                revision += 1
                listed = attendance(owners=pick.randint(0, 18), revision=revision)
            elif step == "rates":
                factor = f"{pick.uniform(0.9, 1.3):.4f}"
                tables.append(table_2025(factor, revision=len(tables)))
            elif step == "override":
                target = pick.choice(["venue", "food"])
                amount = pick.choice([None, pick.randint(0, 900_000)])
                book.apply(
                    override(target, pick.choice(["approve", "reject"]), approved_amount=amount)
                )
            published += settle(book, inputs(listed=listed), rates(*tables))
            current = {
                o.invoice_id: o.payable
                for o in decide(book, inputs(listed=listed), rates(*tables), SCHEME)
            }
            for invoice_id, amount in current.items():
                paid = sum(getattr(e, "amount", 0) for e in payouts_of(published, invoice_id))
                assert paid == amount, (seed, invoice_id, paid, amount)
                assert book.invoices[invoice_id].paid == amount


def test_payout_cause_keys_name_the_kind_the_thing_and_its_revision() -> None:
    book = PoolBook()
    book.apply(invoice("venue", "8100.00"))
    [first] = changes(book, decide(book, inputs(), rates(), SCHEME), CAUSE)
    assert first.cause_key == "PoolPayoutApproved:pool:aalborg-oest:venue:1"
    for event in first.events:
        book.apply(event)
    fewer = inputs(listed=attendance(owners=13, revision=2))
    [second] = changes(book, decide(book, fewer, rates(), SCHEME), CAUSE)
    assert second.cause_key == "PayoutAdjusted:pool:aalborg-oest:venue:2"
    assert dataclasses.asdict(second)["subject"] == "venue"
