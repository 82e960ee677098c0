"""An operator rebuilds meetings' membership view from the log while the service runs:
`kn-meetings rebuild membership_view`."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys

import asyncpg
import pytest

from kn_meetings import SERVICE
from kn_meetings.bootstrap import READ_MODELS, create_app
from kn_meetings.settings import MeetingsSettings
from kn_servicekit.serve import command_line
from tests.meetings.service import AALBORG, Running, joined
from tests.meetings.test_membership_view import NETWORK, members_on_the_sheet
from tests.support.waiting import eventually

pytestmark = pytest.mark.infra


async def live_schema(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        schema: str = await conn.fetchval(
            "SELECT schema_name FROM kn_projection_live WHERE projection = 'membership_view'"
        )
        return schema
    finally:
        await conn.close()


async def kn_meetings(*args: str, url: str, service: Running) -> tuple[int, str, str]:
    """Run the real entry point as an operator would, with the service's settings."""
    env = {
        **os.environ,
        **service.box.env("meetings"),
        "KN_MEETINGS_DATABASE_URL": url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kn_meetings", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def plan_one_meeting(service: Running) -> None:
    """A 2025 plan of one meeting: the sheet the tests read members from."""
    plan = {"years": [2025], "meetings": [
        {"date": "2025-03-12", "starts": "17:00", "place": "Klinik Nord"}]}  # fmt: skip
    response = await service.client.post(f"/v1/networks/{NETWORK}/plan", json=plan, headers=AALBORG)
    assert response.status_code == 201, response.text


async def test_a_rebuilt_membership_view_answers_the_same_and_keeps_following_the_log(
    service: Running,
) -> None:
    await plan_one_meeting(service)
    await service.publish_membership(
        joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1)),
        joined("p-carl", "Carl Mose", "654321", dt.date(2025, 1, 1)),
    )
    await eventually(lambda: members_on_the_sheet(service), lambda s: s == {"p-ida", "p-carl"})
    url = service.settings.database_url
    before = await live_schema(url)

    code, out, err = await kn_meetings("rebuild", "membership_view", url=url, service=service)
    assert code == 0, err
    after = await live_schema(url)
    assert after != before
    assert f"readers now use schema {after}" in out
    assert f"previous schema {before} is kept" in out
    # the two facts, and the fixture's two coordinators (tests/support/persons)
    assert "rebuilt membership_view: 4 message(s) read, 4 applied" in out
    assert await members_on_the_sheet(service) == {"p-ida", "p-carl"}  # read from the new one

    # the running service's live runner moved to the new schema: news still arrive
    await service.publish_membership(joined("p-bo", "Bo Ravn", "777777", dt.date(2025, 2, 1)))
    await eventually(
        lambda: members_on_the_sheet(service), lambda s: s == {"p-ida", "p-carl", "p-bo"},
        what="Bo, joined after the rebuild, in the rebuilt view",
    )  # fmt: skip
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetchval(f'SELECT count(*) FROM "{after}".membership_facts')
        await conn.execute(f'DROP SCHEMA "{before}" CASCADE')
    finally:
        await conn.close()
    assert rows == 3


async def test_a_rebuild_in_two_workers_answers_the_same_as_one(service: Running) -> None:
    """Issue 17 item 3: `--workers 2` shares the partitions out to two processes."""
    await plan_one_meeting(service)
    await service.publish_membership(
        joined("p-ida", "Ida Holm", "123456", dt.date(2025, 1, 1)),
        joined("p-bo", "Bo Ravn", "777777", dt.date(2025, 2, 1)),
    )
    await eventually(lambda: members_on_the_sheet(service), lambda s: {"p-ida", "p-bo"} <= s)
    before = await members_on_the_sheet(service)
    url = service.settings.database_url
    code, out, err = await kn_meetings(
        "rebuild", "membership_view", "--workers", "2", url=url, service=service
    )
    assert code == 0, err
    assert "rebuilt membership_view: 4 message(s) read, 4 applied by 2 workers" in out
    assert await members_on_the_sheet(service) == before


@pytest.mark.parametrize(
    ("args", "told"),
    [
        (["--into", "s"], "--into and --partitions come together: one worker's share"),
        (["--workers", "0"], "--workers 0: give 1 or more"),
        (["--into", "s", "--partitions", "kn.x"], "'kn.x' is not topic:partition"),
    ],
)
def test_a_rebuild_told_wrong_workers_or_shares_says_what_to_write(
    args: list[str], told: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["rebuild", "membership_view", *args]
    with pytest.raises(SystemExit) as exit_:
        command_line(SERVICE, MeetingsSettings, create_app, READ_MODELS, argv)
    assert exit_.value.code == 2
    assert told in capsys.readouterr().err


def test_rebuilding_an_unknown_read_model_names_the_ones_there_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        command_line(SERVICE, MeetingsSettings, create_app, READ_MODELS, ["rebuild", "members"])
    assert exit_.value.code == 2
    assert "meetings has no read model 'members'; it has: membership_view" in (
        capsys.readouterr().err
    )
