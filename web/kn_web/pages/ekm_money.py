"""EKM's money desk in finance: invoices and their decisions (override with a reason), the
rate tables, closing the fee year, and the payout exports (Pool payouts 5, 7, 8, 9)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web import danish
from kn_web.pages.common import year_of
from kn_web.pages.files import passed_on
from kn_web.services import ServiceError
from kn_web.web import Posted, signed_in, web

router = APIRouter()


@router.get("/ekm/fakturaer")
async def invoices(request: Request, netvaerk: str | None = None) -> Response:
    session, services = signed_in(request), web(request).services
    found = await services.get("membership", "/v1/networks", session.token)
    chosen = netvaerk or (found[0]["network_id"] if found else None)
    rows: list[dict[str, Any]] = []
    if chosen:
        answer = await services.get("finance", f"/v1/networks/{chosen}/invoices", session.token)
        rows = answer["invoices"]
    return web(request).page(request, "ekm_fakturaer.html", session, networks=found,
                             chosen=chosen, invoices=rows)  # fmt: skip


@router.post("/ekm/fakturaer/{network_id}/{invoice_id}")
async def override(request: Request, network_id: str, invoice_id: str) -> Response:
    async def work(sent: Posted) -> str:
        body: dict[str, Any] = {"decision": sent.text("afgoerelse"),
                                "reason": sent.text("begrundelse")}  # fmt: skip
        if sent.text("beloeb"):
            body["approved_amount"] = danish.ore(sent.text("beloeb"))
        # the possible copies EKM checked are other suppliers' invoices (rule 7)
        others = [v for v in sent.form.getlist("ikke_kopi_af") if isinstance(v, str) and v]
        if others:
            body["not_copy_of"] = others
        path = f"/v1/networks/{network_id}/invoices/{invoice_id}/override"
        await web(request).services.post("finance", path, sent.session.token, body, sent.key)
        return f"Fakturaen {invoice_id} er afgjort på ny"

    return await web(request).act(request, f"/ekm/fakturaer?netvaerk={network_id}", work)


@router.post("/ekm/fakturaer/{network_id}/{invoice_id}/moede")
async def name_meeting(request: Request, network_id: str, invoice_id: str) -> Response:
    """EKM names the meeting of an invoice whose date two meetings share (Pool payouts 3)."""

    async def work(sent: Posted) -> str:
        body = {"meeting_id": sent.text("moede"), "reason": sent.text("begrundelse")}
        path = f"/v1/networks/{network_id}/invoices/{invoice_id}/meeting"
        await web(request).services.post("finance", path, sent.session.token, body, sent.key)
        return f"Fakturaen {invoice_id} gælder nu mødet {body['meeting_id']}"

    return await web(request).act(request, f"/ekm/fakturaer?netvaerk={network_id}", work)


@router.get("/ekm/takster")
async def rates(request: Request, aar: str | None = None) -> Response:
    session = signed_in(request)
    year = year_of(aar)
    try:
        table = await web(request).services.get("finance", f"/v1/rate-tables/{year}",
                                                session.token)  # fmt: skip
        missing = None
    except ServiceError as error:
        if error.status != 422:
            raise
        table, missing = None, error.detail
    return web(request).page(request, "takster.html", session, year=year, table=table,
                             missing=missing)  # fmt: skip


@router.post("/ekm/takster")
async def publish(request: Request) -> Response:
    async def work(sent: Posted) -> tuple[str, str]:
        year = sent.year("aar")
        body: dict[str, Any] = {"year": year, "reason": sent.optional("begrundelse")}
        if sent.text("faktor"):
            body |= {"index_factor": sent.text("faktor").replace(",", "."),
                     "index_base_year": sent.year("basisaar")}  # fmt: skip
        else:
            pool = [{"tier": "standard", "amount": danish.ore(sent.text("pulje"))}]
            body["amounts"] = {"pool": pool, "coordinator_fee": danish.ore(sent.text("honorar"))}
        await web(request).services.post("finance", "/v1/rate-tables", sent.session.token,
                                          body, sent.key)  # fmt: skip
        return f"Taksterne for {year} er udgivet", f"/ekm/takster?aar={year}"

    return await web(request).act(request, "/ekm/takster", work)


@router.get("/ekm/honorar")
async def fees(request: Request, aar: str | None = None) -> Response:
    session, services = signed_in(request), web(request).services
    year = year_of(aar) if aar else year_of(None) - 1
    found = await services.get("membership", "/v1/networks", session.token)
    rows = await asyncio.gather(*(
        services.get("finance", f"/v1/networks/{n['network_id']}/fee", session.token, year=year)
        for n in found
    ))  # fmt: skip
    return web(request).page(request, "honorar.html", session, year=year,
                             rows=list(zip(found, rows, strict=True)))  # fmt: skip


@router.post("/ekm/honorar")
async def close_year(request: Request) -> Response:
    async def work(sent: Posted) -> tuple[str, str]:
        year = sent.year("aar")
        await web(request).services.post("finance", f"/v1/fees/{year}/close",
                                          sent.session.token, None, sent.key)  # fmt: skip
        return f"Honoraråret {year} er lukket: honorarerne er til udbetaling", \
            f"/ekm/honorar?aar={year}"  # fmt: skip

    return await web(request).act(request, "/ekm/honorar", work)


@router.get("/ekm/eksport")
async def exports(request: Request) -> Response:
    session = signed_in(request)
    return web(request).page(request, "eksport.html", session)


@router.get("/ekm/eksport/udbetalinger.{kind}")
async def payouts(request: Request, kind: str, fra: str, til: str) -> Response:
    suffix = "xlsx" if kind == "xlsx" else "csv"
    return await passed_on(request, "finance", f"/v1/payouts.{suffix}", from_=fra, until=til)
