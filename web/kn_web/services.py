"""The services' HTTP APIs, asked with the signed-in person's bearer token.

ServiceError           a service refused or failed: its status, rule and detail
 └── ServiceUnreachable  no answer at all (not started, or the network is away)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import httpx

Service = Literal["membership", "meetings", "finance", "reporting"]
NAMES = {"membership": "medlemstjenesten", "meetings": "mødetjenesten",
         "finance": "økonomitjenesten", "reporting": "rapporteringstjenesten"}  # fmt: skip


class ServiceError(Exception):
    """A service answered 4xx or 5xx: `rule` is the DOMAIN rule it names, if any."""

    def __init__(self, service: Service, status: int, detail: str, rule: str | None) -> None:
        super().__init__(f"{service} answered {status}: {detail}")
        self.service, self.status, self.detail, self.rule = service, status, detail, rule


class ServiceUnreachable(ServiceError):
    """The service did not answer."""


@dataclass(frozen=True)
class File:
    """A document a service serves (PDF, iCalendar, CSV, XLSX), passed on as it came."""

    body: bytes
    media_type: str
    disposition: str | None


class Services:
    """One HTTP client for the four services; every call carries the person's token."""

    def __init__(self, urls: dict[str, str], client: httpx.AsyncClient) -> None:
        self.urls, self.client = urls, client

    async def get(self, service: Service, path: str, token: str, **params: Any) -> Any:
        answer = await self._send("GET", service, path, token, params=_query(params))
        return answer.json()

    async def post(
        self, service: Service, path: str, token: str, body: Any = None, key: str | None = None
    ) -> Any:
        """A command; `key` becomes its Idempotency-Key, so a form sent twice records once."""
        headers = {"Idempotency-Key": key} if key else {}
        answer = await self._send("POST", service, path, token, json=body, headers=headers)
        return answer.json()

    async def put(self, service: Service, path: str, token: str, body: Any, key: str) -> Any:
        headers = {"Idempotency-Key": key}
        answer = await self._send("PUT", service, path, token, json=body, headers=headers)
        return answer.json()

    async def file(self, service: Service, path: str, token: str, **params: Any) -> File:
        answer = await self._send("GET", service, path, token, params=_query(params))
        media = answer.headers.get("content-type", "application/octet-stream")
        return File(answer.content, media, answer.headers.get("content-disposition"))

    async def _send(
        self, method: str, service: Service, path: str, token: str, **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        url = self.urls[service] + path
        try:
            answer = await self.client.request(method, url, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise ServiceUnreachable(service, 503, f"no answer from {url}: {exc!r}", None) from exc
        if answer.status_code >= 400:
            raise _refusal(service, answer)
        return answer


def _query(params: dict[str, Any]) -> dict[str, Any]:
    return {name.rstrip("_"): value for name, value in params.items() if value is not None}


def _refusal(service: Service, answer: httpx.Response) -> ServiceError:
    try:
        body = answer.json()
    except ValueError:
        return ServiceError(service, answer.status_code, answer.text[:500], None)
    if not isinstance(body, dict):
        return ServiceError(service, answer.status_code, str(body)[:500], None)
    detail, rule = body.get("detail", ""), body.get("rule")
    if isinstance(detail, list):  # FastAPI's validation error: which field, what is wrong
        detail = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', ())[1:])}: {item.get('msg', '')}"
            for item in detail
            if isinstance(item, dict)
        )
    return ServiceError(service, answer.status_code, str(detail), rule if rule else None)
