"""A held meeting's attendance at the meeting, on a tablet: members tick in, others write
in with name, clinic and ydernummer, and the coordinator closes and sends the list (Meetings
3, 9)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kn_web.web import Posted, signed_in, web

router = APIRouter()
PAGE = "/netvaerk/{network_id}/moeder/{meeting_id}/deltagere"


def _api(network_id: str, meeting_id: str) -> str:
    return f"/v1/networks/{network_id}/meetings/{meeting_id}"


@router.get(PAGE)
async def attendance(request: Request, network_id: str, meeting_id: str) -> Response:
    session, services = signed_in(request), web(request).services
    sheet, detail = await asyncio.gather(
        services.get("meetings", _api(network_id, meeting_id) + "/attendance", session.token),
        services.get("meetings", _api(network_id, meeting_id), session.token),
    )
    present = sum(1 for m in sheet["members"] if m["checked_in"])
    return web(request).page(request, "deltagere.html", session, network_id=network_id,
                             meeting_id=meeting_id, sheet=sheet, detail=detail,
                             present=present)  # fmt: skip


@router.post(PAGE + "/kryds")
async def tick(request: Request, network_id: str, meeting_id: str) -> Response:
    async def work(sent: Posted) -> str:
        body = {"person_id": sent.text("person")}
        await _check_in(request, sent, network_id, meeting_id, body)
        return f"{sent.text('navn') or 'Medlemmet'} er krydset af"

    return await web(request).act(request, _here(network_id, meeting_id), work)


@router.post(PAGE + "/skriv-ind")
async def write_in(request: Request, network_id: str, meeting_id: str) -> Response:
    async def work(sent: Posted) -> str:
        body = {"name": sent.text("navn"), "clinic": sent.optional("klinik"),
                "ydernummer": sent.optional("ydernummer"),
                "employed": sent.text("ansat") == "ja"}  # fmt: skip
        await _check_in(request, sent, network_id, meeting_id, body)
        return f"{body['name']} er skrevet på listen"

    return await web(request).act(request, _here(network_id, meeting_id), work)


@router.post(PAGE + "/luk")
async def close(request: Request, network_id: str, meeting_id: str) -> Response:
    async def work(sent: Posted) -> str:
        path = _api(network_id, meeting_id) + "/attendance/close"
        await web(request).services.post("meetings", path, sent.session.token, None, sent.key)
        return "Listen er lukket og sendt til EKM"

    return await web(request).act(request, _here(network_id, meeting_id), work)


async def _check_in(
    request: Request, sent: Posted, network_id: str, meeting_id: str, body: Mapping[str, object]
) -> None:
    path = _api(network_id, meeting_id) + "/attendance/check-ins"
    await web(request).services.post("meetings", path, sent.session.token, body, sent.key)


def _here(network_id: str, meeting_id: str) -> str:
    return f"/netvaerk/{network_id}/moeder/{meeting_id}/deltagere"
