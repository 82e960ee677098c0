"""Documents the services make (PDF, iCalendar, CSV, XLSX), passed on to the person."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from kn_web.services import Service
from kn_web.web import signed_in, web


async def passed_on(request: Request, service: Service, path: str, **params: object) -> Response:
    """The service's file as it came, under its own name (a refusal shows the error page)."""
    session = signed_in(request)
    found = await web(request).services.file(service, path, session.token, **params)
    headers = {"Content-Disposition": found.disposition} if found.disposition else {}
    return Response(found.body, media_type=found.media_type, headers=headers)
