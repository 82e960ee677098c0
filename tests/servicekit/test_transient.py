"""Which failures pass (the kit's loops retry them) and which do not (a handler's are
dead-lettered, a loop's fail loudly): told by asyncpg's message where its class says too
little."""

from __future__ import annotations

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base

from kn_servicekit.errors import TransientError
from kn_servicekit.transient import passes


def test_a_connection_a_restart_left_mid_answer_passes() -> None:
    left = asyncpg.InternalClientError(
        "cannot switch to state 15; another operation (2) is in progress"
    )
    assert passes(left)


def test_an_internal_client_error_of_a_misuse_does_not_pass() -> None:
    assert not passes(asyncpg.InternalClientError("missing codec information for OID 3"))
    assert not passes(
        asyncpg.InternalClientError(
            "PoolConnectionHolder.release() called on a free connection holder"
        )
    )


def test_query_input_asyncpg_cannot_encode_does_not_pass() -> None:
    assert not passes(asyncpg_base.DataError("invalid input for query argument $1: 'x'"))


def test_a_lost_server_or_broker_passes_and_a_bug_does_not() -> None:
    assert passes(ConnectionResetError())
    assert passes(TransientError("database briefly away"))
    assert passes(
        asyncpg.InterfaceError(
            "cannot call Transaction.__aexit__(): the underlying connection is closed"
        )
    )
    assert not passes(ValueError("a tally never goes down"))
