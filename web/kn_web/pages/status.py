"""The annual status: every figure generated from the log, the coordinator's narrative and
submission, EKM's acknowledgement, and the PDF (Annual status; Meetings 6)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web.pages.files import passed_on
from kn_web.web import Posted, signed_in, web

router = APIRouter()
PAGE = "/netvaerk/{network_id}/aarsstatus/{year}"


def _api(network_id: str, year: int) -> str:
    return f"/v1/networks/{network_id}/annual-status/{year}"


@router.get(PAGE + ".pdf")
async def status_pdf(request: Request, network_id: str, year: int) -> Response:
    return await passed_on(request, "reporting", _api(network_id, year) + ".pdf")


@router.get(PAGE)  # after the PDF: "2025.pdf" is no year
async def status(request: Request, network_id: str, year: int) -> Response:
    session = signed_in(request)
    found = await web(request).services.get("reporting", _api(network_id, year), session.token)
    return web(request).page(request, "aarsstatus.html", session, network_id=network_id,
                             year=year, status=found, f=found["figures"])  # fmt: skip


@router.post(PAGE + "/indsend")
async def submit(request: Request, network_id: str, year: int) -> Response:
    async def work(sent: Posted) -> str:
        body = {"worked_on": sent.text("arbejdet_med"), "agreements": sent.text("aftaler"),
                "follow_ups": sent.text("opfoelgning")}  # fmt: skip
        path = _api(network_id, year) + "/submit"
        await web(request).services.post("reporting", path, sent.session.token, body, sent.key)
        return f"Årsstatus {year} er indsendt til EKM"

    return await web(request).act(request, f"/netvaerk/{network_id}/aarsstatus/{year}", work)


@router.post(PAGE + "/kvitter")
async def acknowledge(request: Request, network_id: str, year: int) -> Response:
    async def work(sent: Posted) -> str:
        body = {"note": sent.optional("note")}
        path = _api(network_id, year) + "/acknowledge"
        await web(request).services.post("reporting", path, sent.session.token, body, sent.key)
        return f"Årsstatus {year} er kvitteret"

    return await web(request).act(request, f"/netvaerk/{network_id}/aarsstatus/{year}", work)
