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
