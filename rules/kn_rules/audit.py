"""The audit: every money figure recomputed from the source facts with the rules' own code,
beside what finance decided and published, and every difference between the two.

Source facts are membership's and meetings' events (networks, meetings, list revisions,
coordinator acts) and finance's facts (rate tables, invoices, EKM's overrides, a fee year's
close). Finance's decisions and payouts are folded apart and only compared, never used to
compute a figure. The figures are a pure function of the facts admitted "as of" a day, by
the day they were recorded (ce_time, the default) or the day they take effect; their
canonical JSON (kn_rules.canonical) and its SHA-256 are the same from any machine that
reads the same log, in whatever order the topics are read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

from kn_rules.audit_ledger import Ledger
from kn_rules.canonical import canonical
from kn_rules.decide import Outcome, decide
from kn_rules.fee import fee_lines, fee_thing
from kn_rules.inputs import NetworkInputs, counted
from kn_rules.pool import NO_NETWORK, PoolBook, thing_of
from kn_rules.scheme import Scheme

By = Literal["ce_time", "effective_date"]
__all__ = [
    "AsOf",
    "By",
    "Ledger",
    "add_totals",
    "differences",
    "document",
    "figures",
    "framed",
    "network_differences",
    "network_figures",
    "piece",
]


@dataclass(frozen=True)
class AsOf:
    """Which facts an audit took: those recorded (ce_time, in Copenhagen) or taking effect
    on or before `day` (the reader filters them: the kit's Cutoff, or reporting's query)."""

    day: dt.date
    by: By = "ce_time"


def figures(ledger: Ledger, as_of: AsOf) -> dict[str, Any]:
    """Every network's figures per year, and the national totals per year."""
    networks: dict[str, Any] = {}
    totals: dict[str, dict[str, int]] = {}
    for network_id in ledger.network_ids():
        years = network_figures(ledger, network_id, as_of)
        if years:
            networks[network_id] = years
            add_totals(totals, years)
    return document(as_of, ledger.scheme, networks, totals)


def document(
    as_of: AsOf, scheme: Scheme, networks: dict[str, Any], totals: dict[str, Any]
) -> dict[str, Any]:
    """The audit's figures as one document (its canonical JSON is what is digested)."""
    return {
        "as_of": as_of.day.isoformat(),
        "by": as_of.by,
        "scheme": scheme.scheme,
        "networks": networks,
        "totals": totals,
    }


def framed(as_of: AsOf, scheme: Scheme, totals: dict[str, Any]) -> tuple[bytes, bytes]:
    """The canonical JSON of the document around its networks: the bytes before the first
    network's `"id":figures` and after the last, so a replay can write the document a
    network at a time and give the bytes `canonical(figures(...))` would."""
    head, tail = canonical(document(as_of, scheme, {}, totals)).split(b'"networks":{}')
    return head + b'"networks":{', b"}" + tail


def piece(years: dict[str, Any]) -> bytes:
    """`canonical(years)` of one network's figures, which hold JSON's own types only
    (str, int, bool, None, lists, dicts: network_figures makes them so): json's encoder
    with canonical's settings, without the walk canonical makes first to turn dates and
    dataclasses into JSON (a fifth of writing a national log's figures). A replay's
    document of pieces is the bytes of canonical(figures(...)): the audit's tests hold it."""
    text = json.dumps(years, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def add_totals(totals: dict[str, dict[str, int]], years: dict[str, Any]) -> None:
    """Add one network's figures to the national totals per year."""
    for year, figure in years.items():
        total = totals.setdefault(year, {"meetings_held": 0, "pool_paid": 0, "fee": 0})
        total["meetings_held"] += figure.get("meetings_held", 0)
        total["pool_paid"] += figure.get("pool_paid", 0)
        total["fee"] += sum(p["amount"] or 0 for p in figure.get("fee", {}).values())


def network_figures(ledger: Ledger, network_id: str, as_of: AsOf) -> dict[str, Any]:
    """One network's figures per year ({} if it has none); NO_NETWORK: the invoices that
    name no network."""
    if network_id == NO_NETWORK:
        orphans = ledger.pools.get(None)
        if orphans is None or not orphans.invoices:
            return {}
        outcomes = decide(orphans, NetworkInputs(None), ledger.rates, ledger.scheme)
        return _invoices(orphans, outcomes, {})
    return _network(ledger, ledger.inputs.inputs(network_id), as_of)


def _network(ledger: Ledger, seen: NetworkInputs, as_of: AsOf) -> dict[str, Any]:
    book = ledger.pools.get(seen.network_id, PoolBook())
    years: dict[str, Any] = {}
    for meeting in seen.meetings:
        rates = ledger.rates.find(meeting.date.year)
        listed = seen.lists.get(meeting.meeting_id)
        entry: dict[str, Any] = {
            "date": meeting.date.isoformat(),
            "status": meeting.status,
            "list_revision": listed.revision if listed else None,
        }
        if listed is not None and rates is not None and meeting.status == "held":
            heads = counted(listed.lines, rates)
            entry |= {"counted": heads, "entitlement": rates.pool[rates.default_tier] * heads}
        year = years.setdefault(str(meeting.date.year), {"meetings": {}, "meetings_held": 0})
        year["meetings"][meeting.meeting_id] = entry
        year["meetings_held"] += meeting.status == "held"
    outcomes = decide(book, seen, ledger.rates, ledger.scheme)
    for year, invoices in _invoices(book, outcomes, years).items():
        years.setdefault(year, {}).update(invoices)
    first = min((s.start.year for s in seen.roles.spells), default=as_of.day.year + 1)
    for year in range(first, as_of.day.year + 1):  # Coordinator 2-5, Pool payouts 9
        fee = _fee(ledger, seen, year, as_of)
        if fee:
            years.setdefault(str(year), {})["fee"] = fee
            years[str(year)]["fee_closed"] = year in ledger.closed
    return years


def _fee(ledger: Ledger, seen: NetworkInputs, year: int, as_of: AsOf) -> dict[str, Any]:
    """Months served and paid per person, up to the day unless the year is closed, and the
    fee where the year has a rate table (None, and the months, where it has none yet)."""
    upto = None if year in ledger.closed else min(as_of.day, dt.date(year, 12, 31))
    rates = ledger.rates.find(year)
    lines: list[tuple[str, int, int, int | None]]
    if rates is not None:
        lines = [
            (x.person_id, x.served, x.paid, x.amount)
            for x in fee_lines(seen.roles, year, rates, upto)
        ]
    else:
        months = seen.roles.months(year, upto)
        people = sorted(set(months.served) | set(months.paid))
        lines = [(p, months.served.get(p, 0), months.paid.get(p, 0), None) for p in people]
    return {
        person: {"months_served": served, "months_paid": paid, "amount": amount}
        for person, served, paid, amount in lines
        if served or paid
    }


def _invoices(
    book: PoolBook, outcomes: list[Outcome], years: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for outcome in outcomes:
        received = book.invoices[outcome.invoice_id].received
        year = str((received.meeting_date or received.received_date).year)
        into = found.setdefault(year, {"invoices": {}, "pool_paid": 0})
        into["invoices"][outcome.invoice_id] = {
            "status": outcome.status,
            "reasons": sorted(r.code for r in outcome.reasons),
            "amount": received.amount,
            "counted": outcome.counted,
            "entitlement": outcome.entitlement,
            "approved": outcome.approved,
            "not_covered": outcome.not_covered,
            "payable": outcome.payable,
        }
        into["pool_paid"] += outcome.payable
    return found


def differences(ledger: Ledger, computed: dict[str, Any]) -> list[dict[str, Any]]:
    """Where finance's decisions or published payouts differ from the recomputed figures."""
    found: list[dict[str, Any]] = []
    for network_id, years in sorted(computed["networks"].items()):
        found += network_differences(ledger, network_id, years)
    return found


def network_differences(
    ledger: Ledger, network_id: str, years: dict[str, Any]
) -> list[dict[str, Any]]:
    """Where finance differs from one network's recomputed figures."""
    found: list[dict[str, Any]] = []
    network = None if network_id == NO_NETWORK else network_id
    for year, figure in sorted(years.items()):
        for invoice_id, mine in sorted(figure.get("invoices", {}).items()):
            found += _invoice(ledger, network, invoice_id, mine)
        if figure.get("fee_closed"):
            for person, mine in sorted(figure["fee"].items()):
                thing = fee_thing(network_id, int(year), person)
                published = ledger.paid.get(thing, 0)
                if published != mine["amount"]:
                    found.append(_diff(thing, "fee published", mine["amount"], published))
    return found


def _invoice(
    ledger: Ledger, network: str | None, invoice_id: str, mine: dict[str, Any]
) -> list[dict[str, Any]]:
    thing = thing_of(network, invoice_id)
    said = ledger.decided.get((network, invoice_id))
    found = []
    if said is None:
        found.append(_diff(thing, "decision", mine["status"], None))
    else:
        if said != (mine["status"], mine["approved"], mine["not_covered"]):
            found.append(
                _diff(
                    thing,
                    "decision",
                    [mine["status"], mine["approved"], mine["not_covered"]],
                    list(said),
                )
            )
    published = ledger.paid.get(thing, 0)
    if network is not None and published != mine["payable"]:
        found.append(_diff(thing, "pool published", mine["payable"], published))
    return found


def _diff(thing: str, what: str, recomputed: object, finance: object) -> dict[str, Any]:
    return {"thing": thing, "what": what, "recomputed": recomputed, "finance": finance}
