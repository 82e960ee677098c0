"""Tests read what a service sealed as a person would see it: opened with its own keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import asyncpg

from kn_contracts.base import Event
from kn_contracts.topics import catalog
from kn_servicekit import subject_keys
from kn_servicekit.sealing import KeyRing

E = TypeVar("E", bound=Event)


async def ring_of(database_url: str) -> KeyRing:
    """The keys a service holds (its own and its copies), from its database."""
    ring = KeyRing()
    conn = await asyncpg.connect(database_url.split("?search_path=")[0])
    try:
        schema = database_url.rsplit("search_path=", 1)[1]
        await conn.execute(f'SET search_path TO "{schema}"')
        await subject_keys.load(conn, ring)
    finally:
        await conn.close()
    return ring


async def opened(database_url: str, events: Sequence[E]) -> list[E]:
    """The events with their sealed fields opened by the service's keys ("[slettet]" once
    erased)."""
    ring, known = await ring_of(database_url), catalog()
    return [_same(e, known.decode(e.ce_type(), e.model_dump_json(), ring)) for e in events]


def _same(event: E, again: Event) -> E:
    assert isinstance(again, type(event))
    return again
