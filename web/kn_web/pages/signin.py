"""Signing in with the token EKM issued, signing out, and the front page for each role."""

from __future__ import annotations

import hmac
from contextlib import suppress
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from kn_web.services import ServiceError
from kn_web.session import SIGN_IN_CSRF, FormExpired, Session, SignInNeeded, check_csrf
from kn_web.web import signed_in, web

router = APIRouter()
PAGE_ROLES = ("ekm", "coordinator", "auditor")


def home_of(session: Session) -> str:
    """Where a role starts: a coordinator at their network, EKM at its desk, an auditor at
    the figures."""
    if session.role == "coordinator":
        return f"/netvaerk/{session.network_id}"
    return "/revision" if session.role == "auditor" else "/ekm"


@router.get("/")
async def front(request: Request) -> Response:
    try:
        session = signed_in(request)
    except SignInNeeded:
        return RedirectResponse("/log-ind", status_code=303)
    return RedirectResponse(home_of(session), status_code=303)


@router.get("/log-ind")
async def sign_in_page(request: Request, videre: str = "") -> Response:
    csrf = web(request).cookies.sign_in_csrf(request)
    response = web(request).page(request, "log_ind.html", None, videre=_local(videre), csrf=csrf)
    web(request).cookies.keep_sign_in_csrf(response, csrf)
    return response


@router.post("/log-ind")
async def sign_in(request: Request) -> Response:
    """Ask membership's /whoami who the token belongs to (a person: the networks they
    coordinate today in membership's view of EKM's confirmed history); keep it in the
    session. The services check the person's standing again on every request."""
    form = await request.form()
    sent, expected = form.get("csrf"), request.cookies.get(SIGN_IN_CSRF)
    if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
        raise FormExpired
    token = str(form.get("adgangsnoegle") or "").strip()
    onward = _local(str(form.get("videre") or ""))
    if not token:
        return _again(request, "Skriv den adgangsnøgle, EKM har givet dig.", onward)
    try:
        who = await web(request).services.get("membership", "/whoami", token)
    except ServiceError as error:
        if error.status == 401:
            why = "Adgangsnøglen kendes ikke. Tjek at du har skrevet den rigtigt."
            return _again(request, why, onward)
        why = f"Medlemstjenesten svarer ikke lige nu ({error.status}); prøv igen om lidt."
        return _again(request, why, onward)
    actor, networks = str(who.get("actor", "")), tuple(who.get("coordinates") or ())
    if who.get("role") == "person":  # a person's own token: what EKM's history makes them
        if not networks:
            why = ("Du er ikke koordinator for et netværk i dag: EKM har ikke bekræftet en "
                   "koordinatorrolle til dig, eller den er ophørt (Koordinator 9).")  # fmt: skip
            return _again(request, why, onward)
        actor = f"coordinator:{networks[0]}/{who.get('person_id')}"
    if actor.partition(":")[0] not in PAGE_ROLES:
        return _again(request, "Nøglen hører til regionens system, ikke til siderne.", onward)
    session = Session(token, actor, "", networks)
    response = RedirectResponse(onward or home_of(session), status_code=303)
    web(request).cookies.start(response, token, actor, networks)
    return response


@router.post("/log-ud")
async def sign_out(request: Request) -> Response:
    """Forget the session (a form of this site only: its CSRF token is checked)."""
    with suppress(SignInNeeded):  # nobody signed in: nothing to forget
        check_csrf(await request.form(), signed_in(request).csrf)
    response = RedirectResponse("/log-ind", status_code=303)
    web(request).cookies.end(response)
    return response


def _again(request: Request, why: str, onward: str) -> Response:
    target = "/log-ind" + (f"?videre={quote(onward)}" if onward else "")
    response = RedirectResponse(target, status_code=303)
    message = {"kind": "fejl", "title": "Du er ikke logget ind", "rule": None, "text": why,
               "detail": ""}  # fmt: skip
    web(request).cookies.tell(response, message)
    return response


def _local(path: str) -> str:
    """Only a path of this site is followed after sign-in (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") else ""
