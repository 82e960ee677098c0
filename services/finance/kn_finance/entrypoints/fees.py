"""The coordinator fee: a preview any time, EKM's close of a year, each payee's statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from kn_finance.adapters.statement import fee_statement
from kn_finance.domain import views
from kn_finance.entrypoints.wiring import Ekm, Reader, Wired
from kn_finance.handlers import commands
from kn_finance.handlers.streams import fee_account, fee_years, rate_book
from kn_rules.errors import FEE, NotFound
from kn_servicekit.access import may_read
from kn_servicekit.commands import run_command
from kn_servicekit.params import YearInPath, YearInQuery

router = APIRouter(prefix="/v1", tags=["coordinator fee"])
Year = YearInQuery


async def _fee(
    request: Request, wired: Wired, network_id: str, year: int, as_of: dt.date | None
) -> dict[str, Any]:
    inputs = await (await wired.inputs(request)).network(network_id)
    closed = (await fee_years(wired.store)).closed.get(year)
    tables = await rate_book(wired.store, wired.scheme.scheme)
    account = await fee_account(wired.store, network_id, year)
    return views.fee_view(inputs, year, tables, closed, account, as_of or wired.today())


@router.get("/networks/{network_id}/fee")
async def fee(
    request: Request,
    network_id: str,
    year: Year,
    actor: Reader,
    wired: Wired,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Months served and paid, and each payee's fee: so far (preview) or for the closed year."""
    may_read(str(actor), network_id)
    return await _fee(request, wired, network_id, year, as_of)


@router.post("/fees/{year}/close")
async def close(request: Request, year: YearInPath, actor: Ekm, wired: Wired) -> JSONResponse:
    """Close a year in January: each payee's fee becomes a CoordinatorFeeDue."""
    inputs = await wired.inputs(request)
    return await run_command(
        request,
        actor,
        wired.store,
        None,
        lambda st, cause: commands.close_fee_year(st, inputs, year, wired.scheme, cause),
        clock=wired.clock,
    )


@router.get("/networks/{network_id}/fee/{year}/statement/{person_id}.pdf", response_class=Response)
async def statement(
    request: Request,
    network_id: str,
    year: YearInPath,
    person_id: str,
    actor: Reader,
    wired: Wired,
) -> Response:
    """The payee's fee statement ('opgørelse') for the year, in Danish."""
    may_read(str(actor), network_id)
    figures = await _fee(request, wired, network_id, year, None)
    line = next((p for p in figures["payees"] if p["person_id"] == person_id), None)
    if line is None:
        raise NotFound(FEE, f"{person_id} held no coordinator role in {network_id} in {year}")
    inputs = await (await wired.inputs(request)).network(network_id)
    spells = [
        (s.start, " og ".join(name for _, name in s.holders) or "ingen")
        for s in inputs.roles.spells
        if s.start.year == year
    ]
    pdf = fee_statement(wired.font, wired.scheme, inputs.name or network_id, figures, line, spells)
    name = f"honoraropgoerelse-{network_id}-{year}-{person_id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
