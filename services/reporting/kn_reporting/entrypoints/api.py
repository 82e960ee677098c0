"""Routes: a network's annual status (JSON, PDF), its submission and acknowledgement, the
national overview (JSON, CSV, XLSX), and the audit's figures as of a day."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from kn_contracts.events.reporting import Narrative
from kn_reporting import handlers
from kn_reporting.adapters.exports import to_csv, to_xlsx
from kn_reporting.adapters.status_pdf import status_pdf
from kn_reporting.domain.overview import Overview
from kn_reporting.domain.status import AnnualStatus
from kn_reporting.domain.table import table
from kn_reporting.entrypoints.wiring import Auditing, Filer, NetworkId, Reader, Wired, Year
from kn_rules.audit import AsOf, By
from kn_servicekit.access import may_read
from kn_servicekit.actors import Actor
from kn_servicekit.commands import run_command

router = APIRouter(tags=["annual status"])
STATUS = "/v1/networks/{network_id}/annual-status/{year}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AcknowledgementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=1000)


@router.get(
    STATUS + ".pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}}
)
async def status_as_pdf(network_id: NetworkId, year: Year, actor: Reader, wired: Wired) -> Response:
    """The annual status as the Danish PDF the coordinator sends and EKM files."""
    found = await _status(network_id, year, actor, wired)
    pdf = await asyncio.to_thread(status_pdf, found, wired.font)
    name = f"aarlig-status-{network_id}-{year}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.get(STATUS)
async def annual_status(
    network_id: NetworkId, year: Year, actor: Reader, wired: Wired
) -> AnnualStatus:
    """Every figure of the year from the log, the flags, and the submission."""
    return await _status(network_id, year, actor, wired)


@router.post(STATUS + "/submit", response_model=AnnualStatus)
async def submit(
    request: Request, network_id: NetworkId, year: Year, body: Narrative, actor: Filer, wired: Wired
) -> JSONResponse:
    """The network's coordinator submits the status with the narrative (once)."""
    return await run_command(
        request,
        actor,
        wired.store,
        body,
        lambda store, cause: handlers.submit(wired.reports, store, network_id, year, body, cause),
        clock=wired.clock,
    )


@router.post(STATUS + "/acknowledge", response_model=AnnualStatus)
async def acknowledge(
    request: Request,
    network_id: NetworkId,
    year: Year,
    body: AcknowledgementIn,
    actor: Filer,
    wired: Wired,
) -> JSONResponse:
    """EKM acknowledges a submitted status (once)."""
    return await run_command(
        request,
        actor,
        wired.store,
        body,
        lambda store, cause: handlers.acknowledge(
            wired.reports, store, network_id, year, body.note, cause
        ),
        clock=wired.clock,
    )


overview_router = APIRouter(tags=["national overview"])
OVERVIEW = "/v1/overview/{year}"


@overview_router.get(
    OVERVIEW + ".csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
async def overview_csv(year: Year, actor: Reader, wired: Wired) -> Response:
    """The overview as CSV for Danish spreadsheets (';', decimal comma, UTF-8 with BOM)."""
    headers, rows = table(await _overview(year, actor, wired))
    return Response(
        to_csv(headers, rows),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"oversigt-{year}.csv"),
    )


@overview_router.get(
    OVERVIEW + ".xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}}
)
async def overview_xlsx(year: Year, actor: Reader, wired: Wired) -> Response:
    """The overview as an Excel workbook."""
    headers, rows = table(await _overview(year, actor, wired))
    return Response(
        to_xlsx(f"Oversigt {year}", headers, rows),
        media_type=XLSX,
        headers=_attachment(f"oversigt-{year}.xlsx"),
    )


@overview_router.get(OVERVIEW)
async def national_overview(year: Year, actor: Reader, wired: Wired) -> Overview:
    """Per cluster and network for EKM and auditors; a coordinator's own network beside
    anonymous quartiles of the others. No figure drawn from fewer than 5 clinics."""
    return await _overview(year, actor, wired)


audit_router = APIRouter(tags=["audit"])


@audit_router.get("/v1/audit")
async def audit(
    actor: Auditing,
    wired: Wired,
    as_of: Annotated[dt.date, Query(description="The last day of facts taken.")],
    by: Annotated[By, Query(description="ce_time: recorded by then; or effective_date")] = (
        "ce_time"
    ),
) -> dict[str, Any]:
    """Every money figure recomputed from reporting's facts as of a day, with the SHA-256
    of its canonical JSON and every difference from finance's decisions and payouts: the
    same figures and digest `kn audit --until` gives from the log."""
    return await handlers.audit(wired.reports, AsOf(as_of, by))


async def _status(network_id: str, year: int, actor: Actor, wired: Wired) -> AnnualStatus:
    may_read(str(actor), network_id)
    return await handlers.status(wired.reports, wired.store, network_id, year, wired.today())


async def _overview(year: int, actor: Actor, wired: Wired) -> Overview:
    own = actor.network_id if actor.role == "coordinator" else None
    return await handlers.national(wired.reports, year, str(actor), own, wired.today())


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
