"""PostgreSQL from Debian's package, run on its own data directory under the cache."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from kn_deploy.debian import apt_install
from kn_deploy.layout import cache_dir
from kn_deploy.process import pid_alive, read_pid
from kn_servicekit.settings import LocalDatabase


@dataclass(frozen=True)
class PostgresLocal:
    """Files and port of the local cluster."""

    root: Path
    host: str = "127.0.0.1"
    port: int = 55432

    @classmethod
    def default(cls) -> PostgresLocal:
        port = int(os.environ.get("KN_LOCAL_POSTGRES_PORT", "55432"))
        return cls(root=cache_dir() / "postgres", port=port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"


def bin_dir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, if any."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def ensure_installed() -> Path:
    """Install Debian's postgresql package when no server is present; return its bin dir."""
    found = bin_dir()
    if found is None:
        apt_install("postgresql")
        found = bin_dir()
    if found is None:
        raise RuntimeError("PostgreSQL is still missing after installing Debian's postgresql")
    return found


def _as_owner(command: list[str]) -> list[str]:
    # The server refuses to run as root; Debian's package creates the `postgres` user.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _chown_to_owner(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


def is_running(pg: PostgresLocal) -> bool:
    """True if the postmaster recorded in the data directory is alive."""
    pid = read_pid(pg.data / "postmaster.pid")
    return pid is not None and pid_alive(pid)


def start(pg: PostgresLocal) -> None:
    """Initialise (once) and start the cluster; wait until it accepts connections."""
    binaries = ensure_installed()
    if is_running(pg):
        return
    pg.root.mkdir(parents=True, exist_ok=True)
    for path in (pg.root, pg.socket_dir):
        path.mkdir(parents=True, exist_ok=True)
        _chown_to_owner(path)
    if not (pg.data / "PG_VERSION").exists():
        subprocess.run(
            _as_owner([
                str(binaries / "initdb"), "-D", str(pg.data), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--locale=C.UTF-8",
            ]),
            check=True, capture_output=True,
        )  # fmt: skip
    options = (
        f"-c port={pg.port} -c listen_addresses={pg.host} "
        f"-c unix_socket_directories={pg.socket_dir} -c max_connections=200"
    )
    result = subprocess.run(
        _as_owner([
            str(binaries / "pg_ctl"), "-D", str(pg.data), "-l", str(pg.log_file),
            "-o", options, "-w", "-t", "60", "start",
        ]),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(
            f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\nsee {pg.log_file}"
        )


def stop(pg: PostgresLocal) -> bool:
    """Stop the cluster with a fast shutdown. True if it ran."""
    binaries = bin_dir()
    if binaries is None or not is_running(pg):
        return False
    subprocess.run(
        _as_owner([str(binaries / "pg_ctl"), "-D", str(pg.data), "-m", "fast", "-w", "stop"]),
        check=True, capture_output=True,
    )  # fmt: skip
    return True


async def provision(pg: PostgresLocal, databases: list[LocalDatabase]) -> None:
    """One database and one login role per service; no role may connect to another's."""
    admin = await asyncpg.connect(
        host=str(pg.socket_dir), port=pg.port, user="postgres", database="postgres"
    )
    try:
        for db in databases:
            exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", db.role)
            verb = "ALTER" if exists else "CREATE"
            password = db.password.replace("'", "''")
            await admin.execute(f"{verb} ROLE \"{db.role}\" LOGIN PASSWORD '{password}'")
            if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db.name):
                await admin.execute(f'CREATE DATABASE "{db.name}" OWNER "{db.role}"')
            await admin.execute(f'REVOKE ALL ON DATABASE "{db.name}" FROM PUBLIC')
    finally:
        await admin.close()
