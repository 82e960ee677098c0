"""Who acts: an actor's role, network and person, as commands record it (`ekm`,
`coordinator:<network>/<person>`, ...). Apart from kn_servicekit.auth, which reads actors
from HTTP requests, so settings and workers read them without importing FastAPI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

RoleName = Literal["ekm", "coordinator", "region", "auditor"]
ROLE_NAMES: tuple[str, ...] = get_args(RoleName)
PRINCIPALS = ("ekm", "region", "auditor")  # the roles a configured token may carry
PERSON: Literal["person"] = "person"


@dataclass(frozen=True)
class Actor:
    """Who issues a command: a role, for a coordinator the network they act for, and for a
    person the person id (recorded in the actor, so the log says who acted)."""

    role: RoleName | Literal["person"]
    network_id: str | None = None
    person_id: str | None = None

    @classmethod
    def parse(cls, text: str) -> Actor:
        """Read `ekm`, `region`, `auditor`, `person:<id>`, `coordinator:<network id>` (as
        older events record it) or `coordinator:<network id>/<person id>`."""
        name, _, rest = text.partition(":")
        if name == PERSON and rest:
            return cls(role=PERSON, person_id=rest)
        if name not in ROLE_NAMES:
            raise ValueError(f"unknown role {text!r}: use one of {', '.join(ROLE_NAMES)}")
        if name == "coordinator" and not rest:
            raise ValueError(f"role {text!r} needs a network: write coordinator:<network id>")
        if name != "coordinator" and rest:
            raise ValueError(f"role {text!r} takes no network; only coordinator:<id> does")
        network, _, person = rest.partition("/")
        role: RoleName = name  # type: ignore[assignment]
        return cls(role=role, network_id=network or None, person_id=person or None)

    @property
    def scope(self) -> str:
        """Whose Idempotency-Keys these are: a role, and for a coordinator the network's
        role whoever holds it (a co-holder's or successor's repeat gets the first answer)."""
        if self.role == "coordinator" and self.network_id:
            return f"coordinator:{self.network_id}"
        return str(self)

    def __str__(self) -> str:
        if self.role == PERSON:
            return f"{PERSON}:{self.person_id}"
        if self.network_id is None:
            return self.role
        person = f"/{self.person_id}" if self.person_id else ""
        return f"{self.role}:{self.network_id}{person}"
