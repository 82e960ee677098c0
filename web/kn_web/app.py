"""The composition root: the services' client, the cookies, the pages and the error pages."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from kn_web.pages import (
    attendance,
    audit,
    coordinator,
    ekm,
    ekm_money,
    meetings,
    money,
    signin,
    status,
)
from kn_web.rules import refusal
from kn_web.services import ServiceError, Services
from kn_web.session import Cookies, FormExpired, SignInNeeded
from kn_web.settings import WebSettings
from kn_web.web import Web, web

# Pages hold personal data: no caching, no framing, scripts and styles only from here.
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_app(settings: WebSettings, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """The web app, asking the services `settings` names (through `transport`, in tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(
            timeout=settings.timeout_seconds, transport=transport
        ) as client:
            cookies = Cookies(settings.secret_key, settings.session_hours * 3600,
                              settings.secure_cookies)  # fmt: skip
            app.state.web = Web(Services(settings.service_urls(), client), cookies)
            yield

    app = FastAPI(title="Kvalitetsnet", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip
    app.mount("/static", StaticFiles(packages=[("kn_web", "static")]), name="static")
    for module in (signin, coordinator, meetings, attendance, money, status, ekm, ekm_money, audit):
        app.include_router(module.router)

    @app.middleware("http")
    async def headers(request: Request, call: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str | int]:
        return {"status": "ok", "pid": os.getpid()}  # which process holds the port

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(request: Request, _: Exception) -> Response:
        return RedirectResponse(f"/log-ind?videre={quote(request.url.path)}", status_code=303)

    @app.exception_handler(FormExpired)
    async def form_expired(request: Request, _: Exception) -> Response:
        return web(request).page(request, "fejl.html", None, http_status=403, fejl={
            "title": "Formularen er udløbet", "rule": None, "detail": "",
            "text": "Siden var for gammel, eller du er logget ind på ny. Gå tilbage, "
            "genindlæs siden og send formularen igen."})  # fmt: skip

    @app.exception_handler(ServiceError)
    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, ServiceError)
        try:
            session = web(request).cookies.session(request)
        except SignInNeeded:
            session = None
        status = error.status if 400 <= error.status < 600 else 502
        return web(request).page(request, "fejl.html", session, http_status=status,
                                 fejl=refusal(error).__dict__)  # fmt: skip

    return app
