"""PostgreSQL from Debian's package, run as a cluster of this checkout's own.

As root the server runs as the `postgres` OS user, which may not be able to enter the
checkout (a home directory of mode 700, a `mktemp -d` folder). So the cluster then lives
under that user's own home, in a folder named after the checkout's path, and the checkout's
cache holds a link to it; nothing of the user's own folders is loosened."""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kn_deploy.debian import apt_install
from kn_deploy.layout import cache_dir
from kn_deploy.process import pid_alive, read_pid, run_checked

OS_USER = "postgres"
DEBIAN_HOME = Path("/var/lib/postgresql")  # the home Debian's package gives `postgres`
SOCKET_PATH_MAX = 100  # a Unix socket path holds at most 107 bytes; leave a margin


@dataclass(frozen=True)
class PostgresLocal:
    """Files and port of the local cluster."""

    root: Path
    host: str = "127.0.0.1"
    port: int = 55432
    link: Path | None = None  # where the checkout's cache points at `root`, when apart

    @classmethod
    def default(cls) -> PostgresLocal:
        port = int(os.environ.get("KN_LOCAL_POSTGRES_PORT", "55432"))
        in_cache = cache_dir() / "postgres"
        if os.geteuid() != 0:
            return cls(root=in_cache, port=port)
        return cls(root=cluster_home(cache_dir()), port=port, link=in_cache / "cluster")

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        run = self.root / "run"
        if len(str(run / f".s.PGSQL.{self.port}")) <= SOCKET_PATH_MAX:
            return run
        return Path(tempfile.gettempdir()) / f"kn-pg-{_digest(self.root)}"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"


def legacy() -> PostgresLocal | None:
    """A cluster that an earlier version kept inside the checkout's cache (as root), if any:
    stopped before a new one starts on the same port, and purged with the rest."""
    old = PostgresLocal(root=cache_dir() / "postgres", port=PostgresLocal.default().port)
    if os.geteuid() != 0 or not (old.data / "PG_VERSION").exists():
        return None
    return old


def cluster_home(cache: Path) -> Path:
    """This checkout's cluster folder under the postgres user's home: readable name, plus a
    digest of the full path so two checkouts never share a cluster."""
    try:
        home = Path(pwd.getpwnam(OS_USER).pw_dir)
    except KeyError:  # not installed yet: Debian's package will create it with this home
        home = DEBIAN_HOME
    name = re.sub(r"[^a-z0-9]+", "-", cache.parent.name.lower()).strip("-")[:24] or "checkout"
    return home / "kvalitetsnet" / f"{name}-{_digest(cache)}"


def _digest(path: Path) -> str:
    return hashlib.sha256(str(path).encode()).hexdigest()[:10]


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
        return ["runuser", "-u", OS_USER, "--", *command]
    return command


def _make_owned(path: Path) -> None:
    """Create `path` (and its missing parents) owned by the server's OS user, mode 700."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return
    entry = pwd.getpwnam(OS_USER)
    for created in (path, *missing):
        os.chown(created, entry.pw_uid, entry.pw_gid)
        created.chmod(0o700)


def _link_from_cache(pg: PostgresLocal) -> None:
    """Point the checkout's cache at the cluster, so an operator finds it from the checkout."""
    if pg.link is None or pg.link.is_symlink():
        return
    pg.link.parent.mkdir(parents=True, exist_ok=True)
    pg.link.symlink_to(pg.root, target_is_directory=True)
    (pg.root / "checkout").write_text(f"{pg.link.parent.parent.parent}\n")


def is_running(pg: PostgresLocal) -> bool:
    """True if the postmaster recorded in the data directory is alive."""
    pid = read_pid(pg.data / "postmaster.pid")
    return pid is not None and pid_alive(pid)


def start(pg: PostgresLocal) -> None:
    """Initialise (once) and start the cluster; wait until it accepts connections."""
    binaries = ensure_installed()
    if is_running(pg):
        return
    for path in (pg.root, pg.socket_dir):
        _make_owned(path)
    _link_from_cache(pg)
    if not (pg.data / "PG_VERSION").exists():
        run_checked(
            _as_owner([
                str(binaries / "initdb"), "-D", str(pg.data), "-U", "postgres",
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--locale=C.UTF-8",
            ]),
            what="creating the local PostgreSQL cluster (initdb)",
            hint=f"check that the {OS_USER} OS user can write {pg.root}; "
            "`kn infra down --purge` starts the cluster afresh",
        )  # fmt: skip
    options = (
        f"-c port={pg.port} -c listen_addresses={pg.host} "
        f"-c unix_socket_directories='{pg.socket_dir}' -c max_connections=200"
    )
    run_checked(
        _as_owner([
            str(binaries / "pg_ctl"), "-D", str(pg.data), "-l", str(pg.log_file),
            "-o", options, "-w", "-t", "60", "start",
        ]),
        what="starting the local PostgreSQL",
        hint=f"read {pg.log_file}; if port {pg.port} is taken, set KN_LOCAL_POSTGRES_PORT",
    )  # fmt: skip


def stop(pg: PostgresLocal) -> bool:
    """Stop the cluster with a fast shutdown. True if it ran."""
    binaries = bin_dir()
    if binaries is None or not is_running(pg):
        return False
    run_checked(
        _as_owner([str(binaries / "pg_ctl"), "-D", str(pg.data), "-m", "fast", "-w", "stop"]),
        what="stopping the local PostgreSQL",
        hint=f"read {pg.log_file}",
    )
    return True


def purge(pg: PostgresLocal) -> list[Path]:
    """Delete this checkout's cluster (data, sockets, log) and the cache's link to it."""
    removed: list[Path] = []
    for path in (pg.root if pg.link else pg.data, pg.socket_dir):
        if path.exists():
            shutil.rmtree(path)
            removed.append(path)
    if pg.link is not None and pg.link.is_symlink():
        pg.link.unlink()
    return removed
