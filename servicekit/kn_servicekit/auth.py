"""Who calls: a service principal by its configured token (ekm, region, auditor), or a
person by the token EKM issued them (kn_servicekit.tokens); the actor of every command.

A person holds no role in their token: `require` asks the service's own view of the
coordinator history whether they coordinate the request's network today (DOMAIN
Coordinator 9), so nothing is re-issued when the role changes. That one dependency guards
every route of every service.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kn_servicekit import coordinators
from kn_servicekit.actors import PERSON, Actor, RoleName
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.errors import AccessDenied
from kn_servicekit.tokens import PersonTokens, TokenRefused, looks_like_person_token

_bearer = HTTPBearer(
    auto_error=False,
    description="A person's token EKM issued (kn token issue), or a service's configured token.",
)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _lookup(tokens: Mapping[str, Actor], presented: str) -> Actor | None:
    found: Actor | None = None
    for token, actor in tokens.items():
        # compare every entry in constant time so timing does not reveal near-misses
        if hmac.compare_digest(token.encode(), presented.encode()):
            found = actor
    return found


def current_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The actor behind the request's bearer token; 401 without a valid one."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token: send 'Authorization: Bearer <token>'",
            headers=_CHALLENGE,
        )
    presented = credentials.credentials
    actor = _lookup(request.app.state.actors, presented)
    if actor is not None:
        return actor
    persons: PersonTokens | None = getattr(request.app.state, "person_tokens", None)
    if persons is None or not looks_like_person_token(presented):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "unknown bearer token", headers=_CHALLENGE
        )
    try:
        claims = persons.verify(presented, now(request))
    except TokenRefused as refused:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(refused), headers=_CHALLENGE
        ) from None
    return Actor(role=PERSON, person_id=claims.person_id)


def now(request: Request) -> dt.datetime:
    """The service's clock (a composition root may set app.state.clock; tests do)."""
    clock: Callable[[], dt.datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else dt.datetime.now(dt.UTC)


def request_day(request: Request) -> dt.date:
    """The request's day in Copenhagen: the day a coordinator's standing is checked on."""
    return copenhagen_date(now(request))


async def as_coordinator(request: Request, person_id: str) -> Actor:
    """The person as coordinator of the route's network (its `network_id`), or of the one
    network they coordinate today when the route names none; AccessDenied otherwise."""
    day = request_day(request)
    view = await coordinators.view(request)
    network_id = request.path_params.get("network_id")
    if network_id is None:
        mine = await coordinators.networks_of(view, person_id, day)
        if len(mine) != 1:
            held = f"coordinates {', '.join(mine)}" if mine else "coordinates no network"
            raise AccessDenied(
                coordinators.CONFIRMED,
                f"{person_id} {held} on {day.isoformat()} in EKM's confirmed coordinator "
                "history; this needs the coordinator of one network",
            )
        network_id = mine[0]
    coordinators.check(await view.coordinators(network_id), person_id, network_id, day)
    return Actor(role="coordinator", network_id=network_id, person_id=person_id)


def require(*roles: RoleName) -> Callable[..., Awaitable[Actor]]:
    """The access dependency of every route: admits only the given roles (403 for any
    other); a person is admitted as `coordinator` for the network they coordinate today."""

    async def check(request: Request, actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        if actor.role == PERSON and "coordinator" in roles:
            assert actor.person_id is not None
            return await as_coordinator(request, actor.person_id)
        if actor.role not in roles:
            held = (
                f"you signed in as {actor}"
                if actor.role == PERSON
                else f"your token has role {actor.role}"
            )
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this needs role {' or '.join(roles)}; {held}"
            )
        return actor

    check.kn_access = roles  # type: ignore[attr-defined]  # the route walk's mark
    return check
