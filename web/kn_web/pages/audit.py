"""The national overview (anonymity as reporting applies it) and an auditor's figures as of
a date with their digest (Annual status: anonymity, audit)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web.pages.common import on_date
from kn_web.pages.files import passed_on
from kn_web.web import signed_in, web

router = APIRouter()


@router.get("/oversigt/{year}.{kind}")  # before the page: "2025.csv" is no year
async def overview_file(request: Request, year: int, kind: str) -> Response:
    suffix = "xlsx" if kind == "xlsx" else "csv"
    return await passed_on(request, "reporting", f"/v1/overview/{year}.{suffix}")


@router.get("/oversigt/{year}")
async def overview(request: Request, year: int) -> Response:
    session = signed_in(request)
    found = await web(request).services.get("reporting", f"/v1/overview/{year}", session.token)
    return web(request).page(request, "oversigt.html", session, year=year, o=found)


@router.get("/revision")
async def audit(request: Request, dato: str | None = None, efter: str = "ce_time") -> Response:
    session = signed_in(request)
    day = on_date(dato)
    by = "effective_date" if efter == "effective_date" else "ce_time"
    found = await web(request).services.get("reporting", "/v1/audit", session.token,
                                            as_of=day.isoformat(), by=by)  # fmt: skip
    return web(request).page(request, "revision.html", session, day=day, by=by, a=found,
                             rows=_rows(found["figures"]))  # fmt: skip


def _rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per network and year: meetings held, the pool paid and the fee."""
    rows = []
    for network_id, years in sorted(figures.get("networks", {}).items()):
        for year, got in sorted(years.items()):
            fee = got.get("fee", {})
            amounts = [p.get("amount") for p in fee.values()]
            rows.append({"network_id": network_id, "year": year,
                         "meetings_held": got.get("meetings_held", 0),
                         "pool_paid": got.get("pool_paid", 0),
                         "invoices": len(got.get("invoices", {})),
                         "fee": None if None in amounts else sum(a or 0 for a in amounts),
                         "fee_closed": got.get("fee_closed", False)})  # fmt: skip
    return rows
