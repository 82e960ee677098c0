"""Bearer tokens mapped to roles; the role becomes the actor of every command."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

RoleName = Literal["ekm", "coordinator", "region", "auditor"]
ROLE_NAMES: tuple[str, ...] = get_args(RoleName)


@dataclass(frozen=True)
class Actor:
    """Who issues a command: a role, and for a coordinator the network they coordinate."""

    role: RoleName
    network_id: str | None = None

    @classmethod
    def parse(cls, text: str) -> Actor:
        """Read `ekm`, `region`, `auditor` or `coordinator:<network id>`."""
        name, _, network = text.partition(":")
        if name not in ROLE_NAMES:
            raise ValueError(f"unknown role {text!r}: use one of {', '.join(ROLE_NAMES)}")
        if name == "coordinator" and not network:
            raise ValueError(f"role {text!r} needs a network: write coordinator:<network id>")
        if name != "coordinator" and network:
            raise ValueError(f"role {text!r} takes no network; only coordinator:<id> does")
        role: RoleName = name  # type: ignore[assignment]
        return cls(role=role, network_id=network or None)

    def __str__(self) -> str:
        return f"{self.role}:{self.network_id}" if self.network_id else self.role


_bearer = HTTPBearer(auto_error=False, description="A token issued by EKM, mapped to a role.")


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
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing bearer token: send 'Authorization: Bearer <token>'",
            headers=challenge,
        )
    actor = _lookup(request.app.state.actors, credentials.credentials)
    if actor is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown bearer token", headers=challenge)
    return actor


def require(*roles: RoleName) -> Callable[[Actor], Actor]:
    """A dependency that admits only the given roles (403 for any other)."""

    def check(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        if actor.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"this needs role {' or '.join(roles)}; your token has role {actor.role}",
            )
        return actor

    return check
