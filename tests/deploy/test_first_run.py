"""A newcomer's first run: wherever the checkout lives, with errors that say what to do."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

import asyncpg
import pytest

from kn_deploy.infra import kafka_env
from kn_deploy.layout import REPO_ROOT
from kn_deploy.process import ExternalCommandFailed, run_checked
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.kn_cli import PACKAGES, clean_env, kn
from tests.support.private_infra import free_port

# end-to-end: PostgreSQL clusters made and started; on a slow 2-core machine under the
# suite's other workers, setup and call together come near the default 120 s
pytestmark = pytest.mark.timeout(300)


def test_a_failing_external_command_shows_its_own_output_and_what_to_do() -> None:
    with pytest.raises(ExternalCommandFailed) as failure:
        run_checked(
            ["sh", "-c", "echo 'initdb: could not change directory' >&2; exit 3"],
            what="creating the cluster",
            hint="give the server's user access",
        )
    message = str(failure.value)
    assert "creating the cluster failed with exit status 3" in message
    assert "initdb: could not change directory" in message
    assert "what to do: give the server's user access" in message
    assert "CalledProcessError" not in message


def test_a_missing_program_is_named_with_what_to_do() -> None:
    with pytest.raises(RuntimeError, match=r"no-such-program-kn is not installed\. What to do: x"):
        run_checked(["no-such-program-kn"], what="running it", hint="x")


def _checkout_in(folder: Path) -> Path:
    """A copy of the runtime's own packages, as a clone in `folder` would have them."""
    for package in PACKAGES:
        shutil.copytree(
            REPO_ROOT / package,
            folder / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )
    return folder


@pytest.mark.infra
@pytest.mark.parametrize("name", ["kvalitetsnet", "my checkout"])
def test_infra_up_gives_a_working_postgresql_from_a_checkout_in_a_private_folder(
    tmp_path: Path, kafka_admin: KafkaAccess, name: str
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)  # like /root, or a user's home: the server's OS user cannot enter
    checkout = _checkout_in(home / name)
    env = clean_env(**kafka_env(kafka_admin), KN_LOCAL_POSTGRES_PORT=str(free_port()))
    up = kn(checkout, env, "infra", "up")
    try:
        assert up.returncode == 0, up.stderr
        url = re.search(r"KN_MEMBERSHIP_DATABASE_URL=(\S+)", up.stdout)
        assert url, up.stdout
        assert asyncio.run(_database_name(url.group(1))) == "kn_membership"
        status = kn(checkout, env, "infra", "status")
        assert "postgres: running" in status.stdout
    finally:
        link = checkout / ".cache" / "postgres" / "cluster"
        cluster = link.resolve() if link.is_symlink() else None
        down = kn(checkout, env, "infra", "down", "--purge")
    assert down.returncode == 0, down.stderr
    assert "stopped: postgres" in down.stdout
    if os.geteuid() == 0:
        assert cluster is not None
        assert cluster.name.startswith(name.replace(" ", "-"))
        assert not cluster.exists()  # exactly this checkout's cluster is gone
        assert not link.is_symlink()


async def _database_name(url: str) -> str:
    connection = await asyncpg.connect(url)
    try:
        return str(await connection.fetchval("SELECT current_database()"))
    finally:
        await connection.close()
