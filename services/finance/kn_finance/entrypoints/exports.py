"""EKM's payouts of a period as CSV and XLSX (Danish headers, kroner with two decimals)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from kn_finance.adapters.exports import payouts_csv, payouts_xlsx
from kn_finance.adapters.payouts_view import PayoutRow, payouts_between
from kn_finance.entrypoints.wiring import Auditing
from kn_rules.errors import Invalid
from kn_servicekit.http import Resources

router = APIRouter(prefix="/v1", tags=["exports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
From = Annotated[dt.date, Query(alias="from", description="first day of the period")]
Until = Annotated[dt.date, Query(description="last day of the period")]


async def _rows(request: Request, start: dt.date, until: dt.date) -> list[PayoutRow]:
    if until < start:
        raise Invalid("Pool payouts 8", f"the period ends ({until}) before it starts ({start})")
    resources: Resources = request.app.state.resources
    return await payouts_between(resources.pool, start, until)


def _file(body: bytes, media: str, name: str) -> Response:
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/payouts.csv", response_class=Response)
async def csv_export(request: Request, start: From, until: Until, actor: Auditing) -> Response:
    """Every payout and adjustment of the period, one row each (semicolons, decimal comma)."""
    rows = await _rows(request, start, until)
    return _file(payouts_csv(rows), "text/csv; charset=utf-8", f"udbetalinger-{start}-{until}.csv")


@router.get("/payouts.xlsx", response_class=Response)
async def xlsx_export(request: Request, start: From, until: Until, actor: Auditing) -> Response:
    """The same rows as a spreadsheet."""
    rows = await _rows(request, start, until)
    return _file(payouts_xlsx(rows), XLSX, f"udbetalinger-{start}-{until}.xlsx")
