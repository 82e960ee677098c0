"""Give the running local broker its users and ACLs (idempotent: `kn infra up` runs it each
time), and add a region system's principal later."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from kn_deploy import acls
from kn_deploy.broker_admin import Acl, acls_of, admin_client, create_acls, upsert_users
from kn_deploy.kafka import KafkaLocal
from kn_deploy.principals import user_of
from kn_servicekit.kafka_access import KafkaAccess


async def secure(broker: KafkaLocal, prefix: str = "", users: tuple[str, ...] = ()) -> None:
    """Every principal's SCRAM credential and the ACLs the registry gives them."""
    await secure_users(broker.access(), broker.principals.ensure(users), prefix)


async def secure_users(access: KafkaAccess, known: dict[str, str], prefix: str = "") -> None:
    """Give the broker `access` (its admin) reaches these users and their ACLs."""
    admin = admin_client(access)
    await admin.start()
    try:
        await upsert_users(admin, known)
        await create_acls(admin, acls.acls(known, prefix))
    finally:
        await admin.close()


def add_principal(broker: KafkaLocal, principal: str, prefix: str = "") -> tuple[str, str]:
    """A new principal (e.g. region:<name>) on the broker: its user name and password."""
    user = user_of(principal)
    asyncio.run(secure(broker, prefix, (user,)))
    return user, broker.principals.password(user)


async def grant(admin: KafkaAccess, granted: Iterable[Acl], within: float = 15.0) -> None:
    """Add bindings and wait until the broker's authorizer holds them (the controller
    writes them to the metadata log; the broker applies them a moment later)."""
    wanted = set(granted)
    client = admin_client(admin)
    await client.start()
    try:
        await create_acls(client, wanted)
        deadline = time.monotonic() + within
        for user in sorted({acl.user for acl in wanted}):
            mine = {acl for acl in wanted if acl.user == user}
            while not mine <= await acls_of(client, user):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the broker did not apply {user}'s ACLs in {within}s")
                await asyncio.sleep(0.05)
    finally:
        await client.close()
