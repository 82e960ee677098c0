"""Vivid facts for finance's tests: DOMAIN's worked example, Aalborg Øst 2025."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kn_contracts.coordinator import RoleHistory
from kn_contracts.events.finance import (
    InvoiceOverridden,
    InvoiceReceived,
    Payee,
    PoolRate,
    RateAmounts,
    RateTablePublished,
)
from kn_contracts.events.membership import CoordinatorChanged, CoordinatorElected, CoordinatorHolder
from kn_rules.inputs import ListFact, MeetingFact, NetworkInputs
from kn_rules.rates import RateBook
from kn_rules.scheme_files import load_scheme
from kn_servicekit.cause import Cause

NETWORK = "aalborg-oest"
MARCH_12 = dt.date(2025, 3, 12)
SCHEME = load_scheme("fysioterapi")
CAUSE = Cause("ekm", "test", "test", dt.date(2025, 3, 21))
ANNA = ("p-03", "Anna Andersen")
BO = ("p-04", "Bo Bertelsen")


def stamp(on: dt.date = dt.date(2025, 1, 1), actor: str = "ekm") -> dict[str, Any]:
    return {"effective_date": on, "actor": actor, "causation_id": "c", "correlation_id": "c"}


def base_table(fee_kr: int = 20_000, pool_kr: int = 500) -> RateTablePublished:
    """The 2022 price level of seeds 000 and 001."""
    amounts = RateAmounts(
        pool=(PoolRate(tier="standard", amount=pool_kr * 100),), coordinator_fee=fee_kr * 100
    )
    return RateTablePublished(
        **stamp(dt.date(2022, 1, 1)),
        scheme="fysioterapi",
        year=2022,
        revision=1,
        price_level_year=2022,
        amounts=amounts,
        counted_categories=("member_owner",),
        basis="person",
    )


def table_2025(factor: str = "1.068", revision: int = 1) -> RateTablePublished:
    """2025 regulated by 1.068: 534 kr per owner, fee 21,360 kr (the worked example)."""
    return RateTablePublished(
        **stamp(),
        scheme="fysioterapi",
        year=2025,
        revision=revision,
        price_level_year=2025,
        index_factor=Decimal(factor),
        index_base_year=2022,
        counted_categories=("member_owner",),
        basis="person",
    )


def rates(*tables: RateTablePublished) -> RateBook:
    book = RateBook()
    for table in tables or (base_table(), table_2025()):
        book.apply(table)
    return book


def roles() -> RoleHistory:
    """A coordinates from 1 January, B takes over on 20 May."""
    history = RoleHistory()
    history.apply(
        CoordinatorElected(
            **stamp(dt.date(2025, 1, 1)),
            network_id=NETWORK,
            holders=(CoordinatorHolder(person_id=ANNA[0], name=ANNA[1]),),
            payee_person_id=ANNA[0],
        )
    )
    history.apply(
        CoordinatorChanged(
            **stamp(dt.date(2025, 5, 20)),
            network_id=NETWORK,
            holders=(CoordinatorHolder(person_id=BO[0], name=BO[1]),),
            payee_person_id=BO[0],
        )
    )
    return history


def attendance(owners: int = 14, employees: int = 2, revision: int = 1) -> ListFact:
    """14 member owners (P and Q share one ydernummer) and 2 employees."""
    lines: list[tuple[str, str | None]] = [("member_owner", "240117"), ("member_owner", "240117")]
    lines += [("member_owner", f"{400100 + n}") for n in range(3, owners + 1)]
    lines += [("employee", None)] * employees
    return ListFact("2025-03-12", revision, tuple(lines))


def inputs(status: str = "held", listed: ListFact | None = None, **extra: Any) -> NetworkInputs:
    meetings = (
        MeetingFact("2025-03-12", MARCH_12, status),
        MeetingFact("2025-06-11", dt.date(2025, 6, 11), "planned"),
    )
    lists = {} if status != "held" else {"2025-03-12": listed or attendance()}
    return NetworkInputs(NETWORK, extra.get("name", "Aalborg Øst"), meetings, lists, roles())


def invoice(invoice_id: str, kroner: str, **fields: Any) -> InvoiceReceived:
    received = fields.pop("received", dt.date(2025, 3, 20))
    values: dict[str, Any] = {
        "invoice_id": invoice_id,
        "network_id": NETWORK,
        "coordinator_name": ANNA[1],
        "meeting_date": MARCH_12,
        "due_date": dt.date(2025, 4, 10),
        "amount": int(Decimal(kroner) * 100),
        "payee": Payee(kind="danish_account", reference="9570-0001234567"),
        "supplier_name": "Fysio Øst Lokaler ApS",
        "supplier_cvr": "12345678",
        "supplier_invoice_number": f"F-{invoice_id}",
        "received_date": received,
        "cost_kind": "venue",
        **fields,
    }
    return InvoiceReceived(**stamp(received), **values)


def override(invoice_id: str, decision: str, **fields: Any) -> InvoiceOverridden:
    return InvoiceOverridden(
        **stamp(dt.date(2025, 4, 1)),
        invoice_id=invoice_id,
        network_id=NETWORK,
        decision=decision,  # type: ignore[arg-type]
        reason=fields.pop("reason", "EKM agreed by phone"),
        **fields,
    )
