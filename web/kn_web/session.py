"""The sign-in: the person's bearer token in a signed, HttpOnly, SameSite=Strict cookie,
with a CSRF token every form sends back, and a one-time message shown after a redirect."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData

SESSION, MESSAGE, SIGN_IN_CSRF = "kn_session", "kn_besked", "kn_login_csrf"


@dataclass(frozen=True)
class Session:
    """Who is signed in: the token the services know them by, and what it stands for."""

    token: str
    # ekm or auditor (a service's token), or coordinator:<network>/<person> for a person
    # who coordinates the network today in EKM's confirmed history
    actor: str
    csrf: str
    networks: tuple[str, ...] = ()  # every network the person coordinated at sign-in

    @property
    def role(self) -> str:
        return self.actor.partition(":")[0]

    @property
    def network_id(self) -> str | None:
        return self.actor.partition(":")[2].partition("/")[0] or None

    @property
    def person_id(self) -> str | None:
        return self.actor.partition(":")[2].partition("/")[2] or None


class SignInNeeded(Exception):
    """No valid session cookie: the person signs in first."""


class FormExpired(Exception):
    """A form came back without this session's CSRF token."""


class Cookies:
    """Signs and reads the web app's cookies."""

    def __init__(self, secret: str, max_age: int, secure: bool) -> None:
        self.signer = URLSafeTimedSerializer(secret, salt="kn-web")
        self.max_age, self.secure = max_age, secure

    def start(
        self, response: Response, token: str, actor: str, networks: tuple[str, ...] = ()
    ) -> None:
        value = {"t": token, "a": actor, "c": secrets.token_urlsafe(32), "n": list(networks)}
        self._set(response, SESSION, self.signer.dumps(value), self.max_age)
        response.delete_cookie(SIGN_IN_CSRF, path="/")

    def end(self, response: Response) -> None:
        response.delete_cookie(SESSION, path="/", httponly=True, samesite="strict")

    def session(self, request: Request) -> Session:
        value = self._read(request, SESSION, self.max_age)
        if not isinstance(value, dict) or not {"t", "a", "c"} <= value.keys():
            raise SignInNeeded
        networks = tuple(str(n) for n in value.get("n") or ())
        return Session(str(value["t"]), str(value["a"]), str(value["c"]), networks)

    def sign_in_csrf(self, request: Request) -> str:
        """The CSRF token of the sign-in form (no session yet: a cookie of its own)."""
        return request.cookies.get(SIGN_IN_CSRF) or secrets.token_urlsafe(32)

    def keep_sign_in_csrf(self, response: Response, token: str) -> None:
        self._set(response, SIGN_IN_CSRF, token, 3600)

    def tell(self, response: Response, message: dict[str, Any]) -> None:
        """A message for the next page (what happened, or what to fix)."""
        self._set(response, MESSAGE, self.signer.dumps(message), 300)

    def told(self, request: Request) -> dict[str, Any] | None:
        value = self._read(request, MESSAGE, 300)
        return value if isinstance(value, dict) else None

    def _read(self, request: Request, name: str, max_age: int) -> Any:
        raw = request.cookies.get(name)
        if raw is None:
            return None
        try:
            return self.signer.loads(raw, max_age=max_age)
        except BadSignature:
            return None

    def _set(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                            samesite="strict", secure=self.secure)  # fmt: skip


def check_csrf(form: FormData, expected: str) -> None:
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise FormExpired
