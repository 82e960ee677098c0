"""A request whose database goes away mid-transaction is answered 503, not 500 (seen once
in 306 requests of the PostgreSQL restart test, tests/test_outages.py)."""

from __future__ import annotations

import asyncpg
import pytest
from fastapi import Request

from kn_servicekit.unavailable import database_away

REQUEST = Request({"type": "http", "method": "POST", "path": "/v1/x", "headers": []})


async def test_a_connection_closed_under_a_transaction_is_try_again_later() -> None:
    closed = asyncpg.InterfaceError(
        "cannot call Transaction.__aexit__(): the underlying connection is closed"
    )
    answer = await database_away(REQUEST, closed)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert b"send the request again with the same Idempotency-Key" in answer.body


async def test_any_other_interface_error_stays_a_server_error() -> None:
    misuse = asyncpg.InterfaceError("cannot perform operation: another operation is in progress")
    with pytest.raises(asyncpg.InterfaceError):
        await database_away(REQUEST, misuse)


async def test_a_connection_left_mid_answer_by_a_restart_is_try_again_later() -> None:
    left = asyncpg.InternalClientError(
        "cannot switch to state 15; another operation (2) is in progress"
    )
    answer = await database_away(REQUEST, left)
    assert answer.status_code == 503


async def test_any_other_internal_client_error_stays_a_server_error() -> None:
    misuse = asyncpg.InternalClientError(
        "PoolConnectionHolder.release() called on a free connection holder"
    )
    with pytest.raises(asyncpg.InternalClientError):
        await database_away(REQUEST, misuse)
