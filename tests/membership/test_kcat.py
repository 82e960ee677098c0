"""A region system needs nothing of ours: a message produced by kcat (Debian's package) applies.

The command below is the one the README gives region integrators (there with the real
topic name, here with the test sandbox's prefix).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from kn_deploy.kcat import kcat_env, kcat_options
from kn_deploy.principals import region_user
from kn_servicekit.kafka_access import KafkaAccess
from tests.membership.facts import opened, shared
from tests.membership.service import EKM, Membership, membership_service
from tests.support.kafka import read_all
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra

JAN_1, JUNE_1 = dt.date(2025, 1, 1), dt.date(2025, 6, 1)
REPO = Path(__file__).resolve().parents[2]
REGION = region_user("nordjylland")
README_CA = ".cache/kafka/security/ca.pem"  # where `kn infra up` keeps the local CA
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
async def membership(kafka_admin: KafkaAccess, test_database_url: str) -> Any:
    async with membership_service(kafka_admin, test_database_url) as service:
        yield service


async def test_a_region_message_produced_by_kcat_is_applied(membership: Membership) -> None:
    assert shutil.which("kcat"), "kcat is missing: `make test` installs Debian's kcat package"
    region = membership.box.access(REGION)
    command = [
        part.format(bootstrap=region.bootstrap, topic=membership.feed_topic) for part in KCAT
    ]
    kcat = await asyncio.create_subprocess_exec(
        *command, *kcat_options(region), env=kcat_env(),
        stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
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


def readme_example(ce_type: str) -> str:
    """The README's kcat command for a region message of this type, as shell lines."""
    readme = (REPO / "README.md").read_text()
    blocks = readme.split("```")
    [block] = [b for b in blocks[1::2] if f"-H ce_type={ce_type}" in b]
    return block.strip().replace("\\\n", " ")


async def run_readme_line(line: str, membership: Membership, topic: str) -> tuple[int, str]:
    """Run a README kcat line as it stands, with the region's password in the variable it
    names; only the broker, the CA file and the topic swapped for the sandbox's."""
    region = membership.box.access(REGION)
    assert region.password is not None
    assert region.ca_file is not None
    line = line.replace("127.0.0.1:19092", region.bootstrap)
    line = line.replace(README_CA, shlex.quote(region.ca_file))  # a checkout's path may hold spaces
    line = line.replace("-t kn.region.ydernummer", f"-t {topic}")
    kcat = await asyncio.create_subprocess_exec(
        "bash", "-c", line, cwd=REPO, env={**os.environ, "REGION_PASSWORD": region.password},
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await kcat.communicate()
    return kcat.returncode or 0, errors.decode()


async def test_the_readmes_unshare_example_ends_one_sharers_membership(
    membership: Membership,
) -> None:
    """Membership 11 from a region system's side: the README's kcat line, run as it stands
    (only the broker and the sandbox's topic name swapped in)."""
    assert shutil.which("kcat"), "kcat is missing: `make test` installs Debian's kcat package"
    await membership.publish(opened("100042", "p-helle", "Helle Hald", "klinik-hals", JAN_1))
    await membership.publish(shared("100042", "p-hans", "Hans Hald", JAN_1))
    await eventually(lambda: waiting(membership, JAN_1), lambda rows: len(rows) == 2)
    await membership.post(
        "/v1/networks/aalborg-oest/members",
        {"person_id": "p-helle", "ydernummer": "100042", "effective_date": "2025-01-01",
         "reason": "new clinic"},
    )  # fmt: skip
    line = readme_example("dk.kvalitetsnet.region.YdernummerUnshared.v1")
    returncode, errors = await run_readme_line(line, membership, membership.feed_topic)
    assert returncode == 0, errors
    await membership.eventually_members("aalborg-oest", JUNE_1, ["Helle Hald"])
    assert await membership.members("aalborg-oest", JAN_1) == ["Hans Hald", "Helle Hald"]


async def waiting(membership: Membership, on: dt.date) -> list[dict[str, Any]]:
    answer = await membership.http.get(
        "/v1/awaiting-assignment", headers=EKM, params={"on": on.isoformat()}
    )
    rows: list[dict[str, Any]] = answer.json()
    return rows


async def test_the_broker_refuses_the_readmes_line_on_another_topic(
    membership: Membership,
) -> None:
    """The region's credentials write the region feed only: the same README line aimed at
    membership's own topic is refused by the broker (its ACLs: kn_deploy.acls)."""
    line = readme_example("dk.kvalitetsnet.region.YdernummerOpened.v1")
    topic = membership.box.topic("kn.membership.events")
    returncode, errors = await run_readme_line(line, membership, topic)
    assert returncode != 0
    assert "authorization failed" in errors.lower(), errors
    ids = {dict(r.headers).get("ce_id") for r in await read_all(membership.box.kafka, topic)}
    assert b"nordjylland-2025-000042" not in ids  # membership's own events only
