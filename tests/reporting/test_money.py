"""The money part of the annual status from finance's events (pure): invoices as finance
decided them, the pool against its entitlement, the coordinator fee due or previewed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kn_contracts.base import Event
from kn_contracts.events import finance as fi
from kn_contracts.events import payouts as po
from kn_contracts.money import ore
from kn_finance.domain import settle
from kn_reporting.domain.facts import COMMON_FACTS, NETWORK_FACTS, Facts
from kn_reporting.domain.money import _invoices, _pool
from kn_reporting.domain.policy import Policy
from kn_rules.decide import decide
from kn_rules.inputs import MeetingFact, NetworkInputs
from kn_rules.pool import fold
from tests.finance.facts import CAUSE, SCHEME, inputs, invoice, rates
from tests.reporting import example as ex
from tests.reporting.fold import figures_of

BASE = [*ex.membership(), *ex.meetings()]


def test_the_fee_is_previewed_from_an_indexed_rate_table_until_the_year_is_closed() -> None:
    table_2022 = fi.RateTablePublished(
        **ex.stamp(dt.date(2022, 1, 1)),
        scheme="fysioterapi",
        year=2022,
        revision=1,
        price_level_year=2022,
        amounts=fi.RateAmounts(
            pool=(fi.PoolRate(tier="standard", amount=ore("500")),), coordinator_fee=ore("20000")
        ),
        counted_categories=("member_owner",),
        basis="person",
    )
    table_2025 = fi.RateTablePublished(
        **ex.stamp(dt.date(2024, 12, 1)),
        scheme="fysioterapi",
        year=2025,
        revision=1,
        price_level_year=2025,
        index_factor=Decimal("1.068"),
        index_base_year=2022,
        counted_categories=("member_owner",),
        basis="person",
    )
    fee = figures_of([*BASE, table_2022, table_2025]).money.fee
    assert (fee.status, fee.yearly_amount) == ("preview", ore("21360"))  # 20,000 × 1.068
    assert [(p.name, p.months, p.amount) for p in fee.payees] == [
        ("Anne Andersen", 4, ore("7120")),
        ("Bo Bech", 8, ore("14240")),
    ]
    so_far = figures_of([*BASE, table_2022, table_2025], today=dt.date(2025, 6, 30)).money.fee
    assert [(p.person_id, p.months, p.amount) for p in so_far.payees] == [
        (ex.A[0], 4, ore("7120")),
        (ex.B[0], 2, ore("3560")),
    ]


def test_a_year_without_a_rate_table_says_so_and_money_is_not_yet_available() -> None:
    money = figures_of(BASE).money
    assert not money.available
    assert money.note == (
        "not yet available: finance has published nothing for 2025 yet "
        "(no rate table, invoice or fee statement)"
    )
    assert money.fee.status == "not_available"
    assert money.fee.note == "EKM has published no rate table for 2025 yet (Pool payouts 5)"


def test_several_schemes_need_the_one_the_report_follows() -> None:
    other = ex.RATE_TABLE.model_copy(update={"scheme": "kiropraktik"})
    fee = figures_of([*BASE, ex.RATE_TABLE, other]).money.fee
    assert fee.status == "not_available"
    assert "set KN_REPORTING_RATE_SCHEME" in (fee.note or "")
    chosen = figures_of([*BASE, ex.RATE_TABLE, other], policy=Policy(rate_scheme="fysioterapi"))
    assert chosen.money.fee.total == ore("21360")


def test_a_closed_years_fee_is_what_finance_paid_out_with_its_adjustments() -> None:
    adjusted = po.PayoutAdjusted(
        **ex.stamp(dt.date(2026, 3, 1), "ekm"),
        thing=f"fee:{ex.NETWORK}:2025:{ex.B[0]}",
        adjusts="fee",
        network_id=ex.NETWORK,
        person_id=ex.B[0],
        year=2025,
        amount=-ore("1780"),
        previous_total=ore("14240"),
        new_total=ore("12460"),
        cause="coordinator history corrected: months paid 8 -> 7",
        months=7,
    )
    fee = figures_of([*BASE, *ex.finance(), *ex.fee_year_closed(), adjusted]).money.fee
    assert fee.status == "due"
    assert [(p.person_id, p.months, p.amount) for p in fee.payees] == [
        (ex.A[0], 4, ore("7120")),
        (ex.B[0], 7, ore("12460")),
    ]  # Pool payouts 8: the sum of a thing's payouts is its amount


def test_the_latest_decision_of_an_invoice_replaces_the_earlier_one() -> None:
    waiting = ex.decided("inv-1", dt.date(2025, 3, 20), "waiting")
    events = [
        *BASE,
        ex.RATE_TABLE,
        ex.invoice("inv-1", "8100", dt.date(2025, 3, 20), dt.date(2025, 4, 10)),
        waiting,
    ]
    money = figures_of(events).money
    assert (money.waiting, money.pool_used, money.pool) == (1, 0, ())
    approved = ex.decided("inv-1", dt.date(2025, 3, 22), "approved", "7476", "624")
    money = figures_of([*events, approved]).money
    assert (money.waiting, money.approved, money.not_covered) == (0, ore("7476"), ore("624"))
    assert (money.pool_used, money.pool_entitlement) == (ore("7476"), ore("7476"))


def test_a_yearly_cap_of_another_cost_kind_is_no_pool_and_an_override_says_why() -> None:
    speaker = ex.invoice("inv-9", "4000", dt.date(2025, 3, 25), dt.date(2025, 4, 30), "speaker")
    capped = ex.decided("inv-9", dt.date(2025, 3, 25), "approved", "4000").model_copy(
        update={"counted": None, "entitlement": ore("10000"), "overridden": True}
    )
    override = fi.InvoiceOverridden(
        **ex.stamp(dt.date(2025, 3, 25)),
        invoice_id="inv-9",
        network_id=ex.NETWORK,
        decision="approve",
        reason="aftalt med EKM på forhånd",
    )
    money = figures_of([*BASE, *ex.finance(), speaker, override, capped]).money
    assert money.approved == ore("11476")
    assert (money.pool_used, money.pool_entitlement) == (ore("7476"), ore("7476"))
    [speaking] = [i for i in money.invoices if i.invoice_id == "inv-9"]
    assert speaking.override == "aftalt med EKM på forhånd"


def test_an_invoice_for_another_years_meeting_is_not_in_this_status() -> None:
    later = ex.invoice("inv-7", "500", dt.date(2026, 1, 5), dt.date(2026, 2, 5)).model_copy(
        update={"meeting_date": dt.date(2026, 1, 3)}
    )
    assert [i.invoice_id for i in figures_of([*BASE, *ex.finance(), later]).money.invoices] == [
        "inv-1",
        "inv-2",
        "inv-3",
    ]


def test_a_closed_year_waits_for_finances_payouts_before_its_fee_is_due() -> None:
    close = ex.fee_year_closed()[0]
    waiting = figures_of([*BASE, *ex.finance(), close]).money.fee
    assert waiting.status == "preview"
    assert waiting.note is not None
    assert waiting.note.startswith("preview: 2025 is closed, finance's payouts")
    vacant = [e for e in BASE if not type(e).__name__.startswith("Coordinator")]
    nothing = figures_of([*vacant, *ex.finance(), close]).money.fee
    assert (nothing.status, nothing.total, nothing.note) == (
        "due",
        0,
        "2025 is closed: no months to pay",
    )


def test_reporting_keeps_every_finance_fact_but_bookings_so_its_audit_is_the_audits() -> None:
    kept = set(NETWORK_FACTS) | set(COMMON_FACTS)
    assert set(fi.FINANCE_EVENT_TYPES) - kept == {fi.BookingNotified}  # bookings move no money
    assert set(po.PAYOUT_EVENT_TYPES) <= kept


def test_a_moved_meetings_entitlement_is_counted_once_whatever_date_its_invoices_name() -> None:
    base = inputs()
    moved = MeetingFact("2025-03-12", dt.date(2025, 3, 19), "held")
    seen = NetworkInputs(base.network_id, base.name, (moved, *base.meetings[1:]), base.lists,
                         base.roles)  # fmt: skip
    by_id = invoice("venue", "5000.00", meeting_id="2025-03-12")
    by_new_date = invoice("cater", "5000.00", meeting_date=dt.date(2025, 3, 19),
                          cost_kind="catering", received=dt.date(2025, 3, 21))  # fmt: skip
    book = fold([by_id, by_new_date])
    events: list[Event] = [by_id, by_new_date]
    for change in settle.changes(book, decide(book, seen, rates(), SCHEME), CAUSE):
        events += change.events
    found = Facts(events, [])
    [pool] = _pool(found, _invoices(found, 2025))
    assert (pool.meeting_id, pool.entitlement, pool.used) == ("2025-03-12", 747_600, 747_600)
