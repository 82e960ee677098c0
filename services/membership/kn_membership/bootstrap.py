"""Composition root of the membership service: chooses the concrete adapters."""

from fastapi import FastAPI

from kn_contracts.topics import MEMBERSHIP_KEYS, REGION_YDERNUMMER
from kn_membership import SERVICE, handlers
from kn_membership.adapters.region import RegionFeed
from kn_membership.adapters.seed import seed
from kn_membership.domain.errors import AlreadyExists, NotFound, RuleBroken
from kn_membership.entrypoints import access, coordinator, deps, ekm, erasure, networks, requests
from kn_membership.entrypoints import feed as unresolved
from kn_membership.entrypoints.deps import CATALOG
from kn_membership.settings import MembershipSettings
from kn_servicekit import hosting, personal
from kn_servicekit.http import Resources, create_http_app
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.sealing import KeyRing
from kn_servicekit.subject_keys import SubjectKeys


async def seed_clusters(resources: Resources) -> None:
    store = PostgresEventStore(resources.pool, CATALOG, resources.settings.topic_for)
    await seed(store, deps.today())


def create_app(settings: MembershipSettings) -> FastAPI:
    """The membership service: HTTP for EKM and coordinators, the region feed, the relay."""
    registers = handlers.register_cache()
    keys = SubjectKeys(KeyRing())  # membership owns its persons' keys (issue 15)
    feed = RegionFeed(
        settings.topic(REGION_YDERNUMMER), CATALOG, settings.topic_for, registers, keys
    )
    app = create_http_app(
        service=SERVICE,
        settings=settings,
        routers=[
            ekm.router,
            unresolved.router,
            networks.router,
            coordinator.router,
            requests.router,
            erasure.router,
        ],
        on_start=[hosting.create_tables, personal.tables(keys.ring), seed_clusters],
        background={
            "relay": hosting.relay(SERVICE),
            "keys": personal.publisher(SERVICE, settings.topic(MEMBERSHIP_KEYS)),
            "region_feed": hosting.projection(SERVICE, feed, CATALOG),
        },
        errors={RuleBroken: 422, NotFound: 404, AlreadyExists: 409},
        coordinator_view=access.coordinator_view,
    )
    app.state.registers = registers
    app.state.keys = keys
    return app
