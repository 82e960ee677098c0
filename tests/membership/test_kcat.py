"""A region system needs nothing of ours: a message produced by kcat (Debian's package) applies.

The command below is the one the README gives region integrators (there with the real
topic name, here with the test sandbox's prefix).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from typing import Any

import pytest

from tests.membership.service import EKM, Membership, membership_service
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

KCAT = [
    "kcat", "-P", "-b", "{bootstrap}", "-t", "{topic}", "-k", "100042",
    "-H", "ce_specversion=1.0",
    "-H", "ce_id=nordjylland-2025-000042",
    "-H", "ce_source=/region/nordjylland",
    "-H", "ce_type=dk.kvalitetsnet.region.YdernummerOpened.v1",
    "-H", "ce_time=2025-02-20T08:00:00Z",
    "-H", "content-type=application/json",
]  # fmt: skip
MESSAGE = (
    '{"effective_date": "2025-03-01", "actor": "region:nordjylland",'
    ' "causation_id": "nordjylland-2025-000042", "correlation_id": "nordjylland-2025-000042",'
    ' "ydernummer": "100042", "person_id": "p-helle", "name": "Helle Hald",'
    ' "clinic_id": "klinik-hals", "clinic_name": "Klinik Hals", "role": "owner"}'
)


@pytest.fixture
async def membership(kafka_bootstrap: str, test_database_url: str) -> Any:
    async with membership_service(kafka_bootstrap, test_database_url) as service:
        yield service


async def test_a_region_message_produced_by_kcat_is_applied(membership: Membership) -> None:
    assert shutil.which("kcat"), "kcat is missing: `make test` installs Debian's kcat package"
    command = [
        part.format(bootstrap=membership.box.bootstrap, topic=membership.feed_topic)
        for part in KCAT
    ]
    kcat = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _, errors = await kcat.communicate((MESSAGE + "\n").encode())
    assert kcat.returncode == 0, errors.decode()

    async def waiting() -> list[dict[str, Any]]:
        answer = await membership.http.get(
            "/v1/awaiting-assignment", headers=EKM, params={"on": dt.date(2025, 3, 1).isoformat()}
        )
        rows: list[dict[str, Any]] = answer.json()
        return rows

    [row] = await eventually(waiting, lambda rows: len(rows) == 1, what="kcat's message applied")
    assert (row["name"], row["ydernummer"], row["clinic_name"]) == (
        "Helle Hald",
        "100042",
        "Klinik Hals",
    )
