"""Membership's view of the coordinator history for the kit's access dependency: the
register's confirmed acts, the same fold the coordinator routes answer from."""

from __future__ import annotations

from fastapi import Request

from kn_contracts.coordinator import RoleHistory
from kn_membership.domain.register import Register
from kn_membership.entrypoints import deps
from kn_servicekit.coordinators import CoordinatorView


class RegisterCoordinators:
    """The CoordinatorView port on one committed register."""

    def __init__(self, register: Register) -> None:
        self._register = register

    async def coordinators(self, network_id: str) -> RoleHistory:
        return self._register.role(network_id)

    async def networks_naming(self, person_id: str) -> list[str]:
        roles = self._register.roles.items()
        return [n for n, history in roles if any(s.holds(person_id) for s in history.spells)]


async def coordinator_view(request: Request) -> CoordinatorView:
    """The register as committed now (the next request after EKM's confirmation sees it)."""
    return RegisterCoordinators(await deps.register(request))
