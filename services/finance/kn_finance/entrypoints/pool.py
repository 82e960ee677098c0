"""Rate tables, invoices, bookings and entitlement: EKM writes, a coordinator notifies
bookings and reads their own network, an auditor reads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kn_finance.domain import commands as rules
from kn_finance.domain import views
from kn_finance.entrypoints import schemas as s
from kn_finance.entrypoints.wiring import Ekm, Reader, Wired, Writer
from kn_finance.handlers import commands
from kn_finance.handlers.copies import Copies, shown_to
from kn_finance.handlers.streams import accounts, pool_book, rate_book
from kn_rules.errors import INVOICE, NotFound
from kn_rules.pool import NO_NETWORK
from kn_servicekit.access import may_read
from kn_servicekit.commands import run_command
from kn_servicekit.params import YearInPath

router = APIRouter(prefix="/v1", tags=["pool"])
NETWORK = "/networks/{network_id}"


def account(network_id: str) -> str | None:
    """A network's id from the path; `_none` for the invoices that name none."""
    return None if network_id == NO_NETWORK else network_id


@router.post("/rate-tables", status_code=201)
async def publish_rates(
    request: Request, body: s.RateTableIn, actor: Ekm, wired: Wired
) -> JSONResponse:
    """Publish a year's rates (the next revision supersedes): amounts, or an index factor."""
    cmd = rules.PublishRates(
        body.year,
        body.price_level_year or body.year,
        body.amounts,
        body.index_factor,
        body.index_base_year,
        body.counted_categories,
        body.basis,
        body.reason,
    )
    inputs = await wired.inputs(request)
    return await run_command(
        request,
        actor,
        wired.store,
        body,
        lambda st, cause: commands.publish_rates(st, inputs, cmd, wired.scheme, cause),
        status=201,
        clock=wired.clock,
    )


@router.get("/rate-tables/{year}")
async def rates(year: YearInPath, actor: Reader, wired: Wired) -> Any:
    """The year's rates as decisions use them; 422 naming the year when there are none."""
    return (await rate_book(wired.store, wired.scheme.scheme)).resolve(year)


@router.post("/invoices", status_code=201)
async def register(request: Request, body: s.InvoiceIn, actor: Ekm, wired: Wired) -> JSONResponse:
    """Register an invoice as received; it is decided when its meeting's list is there."""
    invoice = body.model_dump() | {"received_date": body.received_date or wired.today()}
    inputs = await wired.inputs(request)
    return await run_command(
        request,
        actor,
        wired.store,
        body,
        lambda st, cause: commands.register_invoice(
            st, inputs, invoice, wired.scheme, cause, wired.folds
        ),
        status=201,
        clock=wired.clock,
    )


@router.get(f"{NETWORK}/invoices")
async def invoices(
    request: Request, network_id: str, actor: Reader, wired: Wired
) -> dict[str, Any]:
    """Every invoice of the network, its status and every reason (and the meetings to
    choose from where two share an invoice's date)."""
    may_read(str(actor), network_id)
    copies = Copies(wired.store)
    book = await copies.book(account(network_id))
    seen = await (await wired.inputs(request)).network(account(network_id))
    show = shown_to(str(actor))  # the copies in other networks: EKM's and auditors' to see
    # every account's book is read once for the page (Copies keeps them): the copies and
    # possible copies of an invoice may be in any network's account
    every = await accounts(wired.store) if show else []
    found = []
    for i in book.in_order_received():
        view = views.meeting_choices(views.invoice_view(i), seen)
        found.append(await copies.view(account(network_id), i, view, every) if show else view)
    return {"network_id": network_id, "invoices": found}


@router.get(f"{NETWORK}/invoices/{{invoice_id}}")
async def invoice(network_id: str, invoice_id: str, actor: Reader, wired: Wired) -> dict[str, Any]:
    """The invoice, its copy it was registered as a duplicate of and the copies of it."""
    may_read(str(actor), network_id)
    copies = Copies(wired.store)
    found = (await copies.book(account(network_id))).invoices.get(invoice_id)
    if found is None:
        raise NotFound(INVOICE, f"no invoice {invoice_id} of network {network_id}")
    if not shown_to(str(actor)):  # the copies in other networks: EKM's and auditors'
        return views.invoice_view(found)
    every = await accounts(wired.store)
    return await copies.view(account(network_id), found, views.invoice_view(found), every)


@router.post(f"{NETWORK}/invoices/{{invoice_id}}/override")
async def override(
    request: Request, network_id: str, invoice_id: str, body: s.OverrideIn, actor: Ekm, wired: Wired
) -> JSONResponse:
    """EKM approves a rejected invoice, or rejects an approved one, with a reason."""
    inputs = await wired.inputs(request)
    return await run_command(
        request,
        actor,
        wired.store,
        body,
        lambda st, cause: commands.override_invoice(
            st,
            inputs,
            wired.scheme,
            account(network_id),
            invoice_id,
            body.decision,
            body.reason,
            body.approved_amount,
            cause,
            wired.folds,
            body.not_copy_of,
        ),
        clock=wired.clock,
    )


@router.post(f"{NETWORK}/invoices/{{invoice_id}}/meeting")
async def name_meeting(
    request: Request,
    network_id: str,
    invoice_id: str,
    body: s.MeetingNamedIn,
    actor: Ekm,
    wired: Wired,
) -> JSONResponse:
    """EKM names the meeting an invoice is for: two meetings share its date, or it moved."""
    inputs = await wired.inputs(request)
    return await run_command(
        request,
        actor,
        wired.store,
        body,
        lambda st, cause: commands.name_meeting(
            st,
            inputs,
            wired.scheme,
            account(network_id),
            invoice_id,
            body.meeting_id,
            body.reason,
            cause,
            wired.folds,
        ),
        clock=wired.clock,
    )


@router.post(f"{NETWORK}/bookings", status_code=201)
async def book(
    request: Request, network_id: str, body: s.BookingIn, actor: Writer, wired: Wired
) -> JSONResponse:
    """The coordinator tells EKM what was booked (venue, catering, expected amount)."""
    booking = body.model_dump() | {"network_id": network_id}
    return await run_command(
        request,
        actor,
        wired.store,
        body,
        lambda st, cause: commands.notify_booking(st, booking, wired.scheme, cause),
        status=201,
        clock=wired.clock,
    )


@router.get(f"{NETWORK}/bookings")
async def bookings(network_id: str, actor: Reader, wired: Wired) -> dict[str, Any]:
    may_read(str(actor), network_id)
    book = await pool_book(wired.store, account(network_id))
    return {
        "network_id": network_id,
        "bookings": [
            b.model_dump(mode="json", exclude={"actor", "causation_id", "correlation_id"})
            for b in book.bookings.values()
        ],
    }


@router.get(f"{NETWORK}/meetings/{{meeting_id}}/entitlement")
async def entitlement(
    request: Request, network_id: str, meeting_id: str, actor: Reader, wired: Wired
) -> dict[str, Any]:
    """A meeting's entitlement (rate × counted from its latest list) and what is left."""
    may_read(str(actor), network_id)
    inputs = await (await wired.inputs(request)).network(network_id)
    book = await pool_book(wired.store, network_id)
    tables = await rate_book(wired.store, wired.scheme.scheme)
    return views.entitlement(book, inputs, tables, wired.scheme, meeting_id)
