"""payouts_view: every payout event, one row each, for EKM's exports (a read model of
kn.finance.payouts, rebuildable like any other)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from kn_contracts.events.finance import Payee, RateRevision
from kn_contracts.events.payouts import CoordinatorFeeDue, PayoutAdjusted, PoolPayoutApproved
from kn_servicekit.db import Connection
from kn_servicekit.projection import Delivery

NAME = "payouts_view"

TABLES = """
CREATE TABLE IF NOT EXISTS fin_payouts (
    payout_id        text PRIMARY KEY,
    kind             text NOT NULL,
    thing            text NOT NULL,
    effective_date   date NOT NULL,
    network_id       text NOT NULL,
    invoice_id       text,
    person_id        text,
    year             integer,
    meeting_id       text,
    meeting_date     date,
    list_revision    integer,
    rate_scheme      text,
    rate_year        integer,
    rate_revision    integer,
    amount           bigint NOT NULL,
    total            bigint NOT NULL,
    months           integer,
    payee            text,
    cause            text,
    seq              bigserial
);
CREATE INDEX IF NOT EXISTS fin_payouts_when ON fin_payouts (effective_date);
-- added with the base tables of indexed rates: a schema made before has it empty until
-- `kn-finance rebuild payouts_view`
ALTER TABLE fin_payouts ADD COLUMN IF NOT EXISTS rate_indexed_on text;
"""
COLUMNS = (
    "payout_id",
    "kind",
    "thing",
    "effective_date",
    "network_id",
    "invoice_id",
    "person_id",
    "year",
    "meeting_id",
    "meeting_date",
    "list_revision",
    "rate_scheme",
    "rate_year",
    "rate_revision",
    "rate_indexed_on",
    "amount",
    "total",
    "months",
    "payee",
    "cause",
)
_INSERT = f"""
INSERT INTO fin_payouts ({", ".join(COLUMNS)})
VALUES ({", ".join(f"${n}" for n in range(1, len(COLUMNS) + 1))})
ON CONFLICT (payout_id) DO NOTHING
"""


@dataclass(frozen=True)
class PayoutRow:
    """One payout or adjustment, with the ids that link it to what it pays."""

    payout_id: str
    kind: str
    thing: str
    effective_date: dt.date
    network_id: str
    invoice_id: str | None
    person_id: str | None
    year: int | None
    meeting_id: str | None
    meeting_date: dt.date | None
    list_revision: int | None
    rate_scheme: str | None
    rate_year: int | None
    rate_revision: int | None
    rate_indexed_on: str | None
    amount: int
    total: int
    months: int | None
    payee: str | None
    cause: str | None


class PayoutsView:
    """Rows of kn.finance.payouts."""

    name = NAME

    def __init__(self, payouts_topic: str) -> None:
        self.topics: tuple[str, ...] = (payouts_topic,)

    async def create(self, conn: Connection) -> None:
        await conn.execute(TABLES)

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        rows = [row for d in batch if (row := _row(d)) is not None]
        if rows:
            await conn.executemany(_INSERT, rows)


def _row(delivery: Delivery) -> tuple[object, ...] | None:
    e, payout_id = delivery.event, delivery.envelope.id
    if isinstance(e, PoolPayoutApproved):
        return (
            payout_id,
            "pool",
            e.thing,
            e.effective_date,
            e.network_id,
            e.invoice_id,
            None,
            e.meeting_date.year if e.meeting_date else None,
            e.meeting_id,
            e.meeting_date,
            e.list_revision,
            e.rate_scheme,
            e.rate_year,
            e.rate_revision,
            _chain(e.rate_indexed_on),
            e.amount,
            e.amount,
            None,
            _payee(e.payee),
            None,
        )
    if isinstance(e, CoordinatorFeeDue):
        return (
            payout_id,
            "fee",
            e.thing,
            e.effective_date,
            e.network_id,
            None,
            e.person_id,
            e.year,
            None,
            None,
            None,
            e.rate_scheme,
            e.year,
            e.rate_revision,
            _chain(e.rate_indexed_on),
            e.amount,
            e.amount,
            e.months,
            _fee_payee(e.person_id),
            None,
        )
    if isinstance(e, PayoutAdjusted):
        return (
            payout_id,
            "adjustment",
            e.thing,
            e.effective_date,
            e.network_id,
            e.invoice_id,
            e.person_id,
            e.year,
            e.meeting_id,
            None,
            e.list_revision,
            e.rate_scheme,
            e.year,
            e.rate_revision,
            _chain(e.rate_indexed_on),
            e.amount,
            e.new_total,
            e.months,
            _payee(e.payee) if e.payee else _fee_payee(e.person_id) if e.person_id else None,
            e.cause,
        )
    return None


def _chain(chain: tuple[RateRevision, ...]) -> str | None:
    return ", ".join(f"{r.year} rev. {r.revision}" for r in chain) or None


def _payee(payee: Payee) -> str:
    return f"{payee.kind} {payee.reference}"


def _fee_payee(person_id: str | None) -> str:
    return f"NemKonto via person {person_id}"


async def payouts_between(pool: asyncpg.Pool, start: dt.date, until: dt.date) -> list[PayoutRow]:
    """Every payout and adjustment with an effective date in [start, until]."""
    schema = await pool.fetchval(
        "SELECT schema_name FROM kn_projection_live WHERE projection = $1", NAME
    )
    if schema is None:
        return []
    rows = await pool.fetch(
        f'SELECT {", ".join(COLUMNS)} FROM "{schema}".fin_payouts '
        "WHERE effective_date BETWEEN $1 AND $2 ORDER BY effective_date, seq",
        start,
        until,
    )
    return [PayoutRow(**dict(row)) for row in rows]
