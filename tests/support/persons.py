"""Persons' tokens for tests, and the one way a test makes someone a network's coordinator:
EKM's confirmed act reaches the service, then the person's own token acts (Coordinator 9).

One signing key per test run; every sandboxed service is configured with its public key
(tests/support/service.py), as `kn token issue` and KN_TOKEN_PUBLIC_KEY do for real.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable

import httpx

from kn_contracts.base import Event
from kn_contracts.events.membership import (
    CoordinatorElected,
    CoordinatorHolder,
    CoordinatorSpellsRestated,
    RestatedSpell,
)
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.tokens import issue, new_private_key, public_key_of
from tests.support.waiting import eventually

SIGNING_KEY = new_private_key()
PUBLIC_KEY = public_key_of(SIGNING_KEY)


def person_token(
    person_id: str, days: int = 1, now: dt.datetime | None = None, key: bytes = SIGNING_KEY
) -> str:
    """A token EKM issued the person (from `now`, for `days` days)."""
    moment = now or dt.datetime.now(dt.UTC)
    return issue(key, person_id, moment, days, uuid.uuid4().hex)


def as_person(person_id: str) -> dict[str, str]:
    """The Authorization header of the person's token."""
    return {"Authorization": f"Bearer {person_token(person_id)}"}


def today() -> dt.date:
    """The request's day the services check a coordinator's standing on."""
    return copenhagen_date(dt.datetime.now(dt.UTC))


def elected(
    network_id: str, person_id: str, on: dt.date | None = None, name: str | None = None,
    alone: bool = False,
) -> Event:  # fmt: skip
    """EKM's confirmed election of the person from `on` (default today), as membership
    publishes it; `alone`: EKM restates the history so only they hold it from `on`."""
    holder = CoordinatorHolder(person_id=person_id, name=name or f"Koordinator {person_id}")
    cause, day = f"test-elect-{person_id}", on or today()
    if alone:
        spell = RestatedSpell(start=day, holders=(holder,), payee_person_id=person_id)
        return CoordinatorSpellsRestated(
            effective_date=day, actor="ekm", causation_id=cause, correlation_id=cause,
            network_id=network_id, spells=(spell,), reason="the test's coordinator",
        )  # fmt: skip
    return CoordinatorElected(
        effective_date=day, actor="ekm", causation_id=cause, correlation_id=cause,
        network_id=network_id, holders=(holder,), payee_person_id=person_id,
    )  # fmt: skip


async def coordinates(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    """The networks the service says the token's person coordinates today."""
    answer = await client.get("/whoami", headers=headers)
    assert answer.status_code == 200, answer.text
    found: list[str] = answer.json()["coordinates"]
    return found


async def appointed(
    publish: Callable[[Event], Awaitable[None]],
    client: httpx.AsyncClient,
    network_id: str,
    person_id: str,
    on: dt.date | None = None,
    name: str | None = None,
    alone: bool = False,
) -> dict[str, str]:
    """Make the person the network's coordinator from `on` (today) in the service's own view
    (`publish` puts EKM's confirmed act on membership's topic) and return their header once
    the service sees it: nothing else is issued when the role changes. `alone`: the only
    holder from `on` (a restatement replaces what the fixture appointed)."""
    headers = as_person(person_id)
    await publish(elected(network_id, person_id, on, name, alone))
    await eventually(
        lambda: coordinates(client, headers),
        lambda found: network_id in found,
        within=60.0,
        what=f"{person_id} coordinating {network_id}",
    )
    return headers
