"""What routes need from the running service: its resources, the register's store, the date."""

from __future__ import annotations

import datetime as dt

from fastapi import Request

from kn_contracts.topics import catalog
from kn_membership import handlers
from kn_membership.domain.register import Register
from kn_servicekit.cause import copenhagen_date
from kn_servicekit.commands import Work
from kn_servicekit.folds import FoldCache
from kn_servicekit.http import Resources
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.subject_keys import SubjectKeys

CATALOG = catalog()


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def store(request: Request) -> PostgresEventStore:
    """The register's store (a command binds it to its transaction)."""
    running = resources(request)
    return PostgresEventStore(running.pool, CATALOG, running.settings.topic_for, keys(request))


def keys(request: Request) -> SubjectKeys:
    """Membership's keys of its persons (it owns them: issue 15)."""
    found: SubjectKeys = request.app.state.keys
    return found


def today() -> dt.date:
    """Today in Copenhagen: the default effective date of an act that names none."""
    return copenhagen_date(dt.datetime.now(dt.UTC))


def registers(request: Request) -> FoldCache[Register]:
    """The service's cached fold of the register."""
    cache: FoldCache[Register] = request.app.state.registers
    return cache


async def register(request: Request) -> Register:
    """The register as committed now, for a question (read it, never change it)."""
    return await handlers.register(store(request), registers(request))


def recording(request: Request, rules: handlers.Rules, command: object) -> Work:
    """What run_command runs for a command: record it by the rules (handlers.record)."""
    cache = registers(request)
    return lambda store, cause: handlers.record(store, rules, command, cause, cache)
