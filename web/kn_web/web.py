"""What every page shares: the services, the cookies, the templates; showing a page and
running a form's command (Post/Redirect/Get, the outcome told on the next page)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData

from kn_web import danish
from kn_web.rules import refusal, rule_text
from kn_web.services import ServiceError, Services
from kn_web.session import MESSAGE, Cookies, Session, check_csrf


@dataclass(frozen=True)
class Posted:
    """A form sent back with this session's CSRF token."""

    session: Session
    form: FormData

    @property
    def key(self) -> str:
        """The form's own id, sent on as the command's Idempotency-Key."""
        sent = self.form.get("noegle")
        return sent if isinstance(sent, str) and sent else uuid.uuid4().hex

    def text(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def year(self, name: str) -> int:
        text = self.text(name)
        if not (text.isdigit() and 2000 <= int(text) <= 2100):
            raise ValueError(f"'{text}' er ikke et årstal: skriv det som 2025")
        return int(text)

    def date(self, name: str) -> str:
        text = self.text(name)
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"'{text}' er ikke en dato: skriv den som 2025-03-12") from None


Work = Callable[[Posted], Awaitable[str | tuple[str, str]]]  # what happened (, where next)


class Web:
    """The app's shared parts (in app.state.web)."""

    def __init__(self, services: Services, cookies: Cookies) -> None:
        self.services, self.cookies = services, cookies
        self.templates = Environment(
            loader=PackageLoader("kn_web", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters.update(
            dato=danish.day, kr=danish.kroner, klok=danish.clock, ugedag=danish.weekday
        )
        self.templates.globals.update(
            danish=danish,
            danish_rule=rule_text,
            form_key=lambda: uuid.uuid4().hex,
            session_hours=cookies.max_age // 3600,
        )

    def page(
        self,
        request: Request,
        template: str,
        session: Session | None,
        /,
        http_status: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        told = self.cookies.told(request)
        html = self.templates.get_template(template).render(
            request=request, session=session, message=told, today=danish.today(), **context
        )
        response = HTMLResponse(html, status_code=http_status)
        if told is not None:
            response.delete_cookie(MESSAGE, path="/")
        return response

    async def act(self, request: Request, back: str, work: Work) -> Response:
        """Run a form's command; go back to `back` saying what happened or what to fix."""
        session = self.cookies.session(request)
        form = await request.form()
        check_csrf(form, session.csrf)
        try:
            said = await work(Posted(session, form))
        except ServiceError as error:
            found = refusal(error)
            message = {"kind": "fejl", "title": found.title, "rule": found.rule,
                       "text": found.text, "detail": found.detail}  # fmt: skip
        except ValueError as error:
            message = {"kind": "fejl", "title": "Ret det indtastede", "rule": None,
                       "text": str(error), "detail": ""}  # fmt: skip
        else:
            if isinstance(said, tuple):
                said, back = said
            message = {"kind": "ok", "title": said, "rule": None, "text": "", "detail": ""}
        response = RedirectResponse(back, status_code=303)
        self.cookies.tell(response, message)
        return response


def web(request: Request) -> Web:
    found: Web = request.app.state.web
    return found


def signed_in(request: Request) -> Session:
    return web(request).cookies.session(request)
