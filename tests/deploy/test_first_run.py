"""A newcomer's first run: wherever the checkout lives, with errors that say what to do."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from kn_deploy.infra import kafka_env
from kn_deploy.layout import REPO_ROOT
from kn_deploy.process import ExternalCommandFailed, run_checked
from kn_servicekit.kafka_access import KafkaAccess
from tests.support.private_infra import free_port

PACKAGES = ("deploy", "contracts", "servicekit", "rules")
# end-to-end: services started and a long story played; on a slow 2-core machine under the
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


def _kn(checkout: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(str(checkout / package) for package in PACKAGES)
    return subprocess.run(
        [sys.executable, "-m", "kn_deploy.cli", *args],
        env={**env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KN_")}
    return {**env, **extra}


@pytest.mark.infra
@pytest.mark.parametrize("name", ["kvalitetsnet", "my checkout"])
def test_infra_up_gives_a_working_postgresql_from_a_checkout_in_a_private_folder(
    tmp_path: Path, kafka_admin: KafkaAccess, name: str
) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)  # like /root, or a user's home: the server's OS user cannot enter
    checkout = _checkout_in(home / name)
    env = _clean_env(**kafka_env(kafka_admin), KN_LOCAL_POSTGRES_PORT=str(free_port()))
    up = _kn(checkout, env, "infra", "up")
    try:
        assert up.returncode == 0, up.stderr
        url = re.search(r"KN_MEMBERSHIP_DATABASE_URL=(\S+)", up.stdout)
        assert url, up.stdout
        assert asyncio.run(_database_name(url.group(1))) == "kn_membership"
        status = _kn(checkout, env, "infra", "status")
        assert "postgres: running" in status.stdout
    finally:
        link = checkout / ".cache" / "postgres" / "cluster"
        cluster = link.resolve() if link.is_symlink() else None
        down = _kn(checkout, env, "infra", "down", "--purge")
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


@pytest.mark.infra
def test_the_demo_can_keep_everything_running_for_a_newcomer_to_look_around(
    tmp_path: Path, kafka_admin: KafkaAccess, test_database_url: str
) -> None:
    services = ("membership", "meetings", "finance", "reporting")
    env = _clean_env(
        **kafka_env(kafka_admin),
        KN_CACHE_DIR=str(tmp_path / "cache"),
        KN_TOPIC_PREFIX=f"keep{uuid.uuid4().hex[:8]}.",
    )
    schemas = [f"keep_{service}_{uuid.uuid4().hex[:8]}" for service in services]
    asyncio.run(_create_schemas(test_database_url, schemas))
    for service, schema in zip(services, schemas, strict=True):
        env[f"KN_{service.upper()}_DATABASE_URL"] = f"{test_database_url}?search_path={schema}"
        env[f"KN_{service.upper()}_HTTP_PORT"] = str(free_port())
    env["KN_WEB_HTTP_PORT"] = str(free_port())
    demo = _kn(REPO_ROOT, env, "demo", "--keep-running")
    try:
        assert demo.returncode == 0, demo.stderr + demo.stdout
        token = re.search(r"EKM token: +(\S+)", demo.stdout)
        assert token, demo.stdout
        url = f"http://127.0.0.1:{env['KN_MEMBERSHIP_HTTP_PORT']}"
        assert f"{url}/docs" in demo.stdout
        members = httpx.get(
            f"{url}/v1/networks/aalborg-oest/members",
            params={"on": "2025-03-12"},
            headers={"Authorization": f"Bearer {token.group(1)}"},
        )
        assert members.status_code == 200
        assert len(members.json()["members"]) == 18
        # the coordinator today signs in with their own token (issue 16 item 4)
        person = re.search(r"coordinator p-04 \(aalborg-oest\): +(\S+)", demo.stdout)
        assert person, demo.stdout
        mine = httpx.get(
            f"{url}/v1/networks/aalborg-oest/members",
            params={"on": "2025-03-12"},
            headers={"Authorization": f"Bearer {person.group(1)}"},
        )
        assert mine.status_code == 200, mine.text
        web = f"http://127.0.0.1:{env['KN_WEB_HTTP_PORT']}"
        assert f"{web}/log-ind" in demo.stdout  # the web app runs in front of the services
        assert httpx.get(f"{web}/log-ind").status_code == 200
    finally:
        down = _kn(REPO_ROOT, env, "infra", "down")
    assert "membership service" in down.stdout, down.stdout
    for stopped in (url, web):
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{stopped}/health", timeout=2.0)


async def _create_schemas(url: str, schemas: list[str]) -> None:
    admin = await asyncpg.connect(url)
    try:
        for schema in schemas:
            await admin.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await admin.close()
