"""`make demo`: start everything, show it healthy, play the year 2025 (the worked example and
two more networks), print each network's figures, the files and the audit digest, stop (or
not)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kn_deploy import infra
from kn_deploy.layout import demo_dir
from kn_deploy.scenario import NETWORK, Scenario
from kn_deploy.scenario_closing import close
from kn_deploy.scenario_desk import PERSON_KEY, Coordinators, Desk, roles_of
from kn_deploy.scenario_files import describe, key_figures, write
from kn_deploy.scenario_money import Money
from kn_deploy.scenario_networks import NETWORKS
from kn_deploy.scenario_year import Year
from kn_deploy.services import ServiceProcess, start_service, stop_recorded
from kn_deploy.tokens import signing_key
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.tokens import public_key_of

TOKEN_KEYS = ("ekm", "auditor")  # the service principals; coordinators are persons


def run_demo(keep_running: bool = False) -> int:
    """Run the demo; leave the infrastructure as it was found, unless asked to keep it all."""
    left = stop_recorded(demo_dir() / "pids")  # an earlier --keep-running holds the ports
    if left:
        print(f"stopped the services an earlier `kn demo --keep-running` left: {', '.join(left)}")
    found, started = infra.up()
    print(f"infrastructure: Kafka at {found.kafka_bootstrap}; started {started or 'nothing'}")
    tokens = {key: secrets.token_urlsafe(24) for key in TOKEN_KEYS}
    # EKM's signing key for persons' tokens: the one `kn token issue` uses, so a token it
    # prints signs in to a demo left running; the services get its public half
    tokens[PERSON_KEY] = signing_key().decode()
    public_key = public_key_of(tokens[PERSON_KEY].encode())
    roles = json.dumps(roles_of(tokens))
    pid_dir = demo_dir() / "pids" if keep_running else None
    processes: dict[str, ServiceProcess] = {}
    try:
        for service in infra.SERVICES:
            env = {**found.service_env(service), f"KN_{service.upper()}_API_TOKENS": roles,
                   "KN_TOKEN_PUBLIC_KEY": public_key}  # fmt: skip
            processes[service] = start_service(service, env, demo_dir() / "logs", pid_dir=pid_dir)
        for process in processes.values():
            health = process.wait_healthy()
            ready = process.wait_healthy(probe="/ready")
            print(f"{process.name:<11} {process.url}  {json.dumps(health)}")
            print(f"{'':<11} background loops working: {json.dumps(ready['ready'])}")
        urls = {name: process.url for name, process in processes.items()}
        processes["web"] = _start_web(urls, pid_dir)
        play_year(urls, found.kafka(), tokens, demo_dir(), print)
        print(f"logs: {demo_dir() / 'logs'}")
    except BaseException:
        keep_running = False
        raise
    finally:
        if keep_running:
            _describe_running(processes, tokens)
        else:
            for process in processes.values():
                process.stop()
            stop_recorded(demo_dir() / "pids")
            print("services stopped")
            if started:
                print(f"stopped {', '.join(infra.down(tuple(started)))}")
            print("\nTo look around afterwards: `.venv/bin/kn demo --keep-running`")
    return 0


def play_year(
    urls: dict[str, str],
    kafka: KafkaAccess,
    tokens: dict[str, str],
    out: Path,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """The year 2025 through the running services; what it ends with (also said)."""

    def item(line: str) -> None:
        say(f"  - {line}")

    say("\nThe worked example of DOMAIN.md (Aalborg Øst), through the services and Kafka:")
    with Scenario(urls["membership"], urls["meetings"], kafka, tokens) as scenario:
        worked = scenario.run(item)
    say("\nIts money, through finance:")
    with Money(urls["finance"], tokens, out / "finance") as money:
        worked["money"] = money.play(item)
    say("\nThe rest of 2025: two more networks, in the clusters Aalborg and Aarhus:")
    with Desk(urls, kafka, tokens) as desk:
        expected = Year(desk).run(item)
        say("\nClosing the year:")
        closed = close(desk, expected, item)
        files = write(desk, closed, out)
    figures = {n: key_figures(status) for n, status in closed.statuses.items()}
    say("\nEach network's 2025, from its annual status (reporting):")
    for network_id, found in figures.items():
        for line in describe(network_id, found):
            say(f"  {line}")
    say("\nFiles written:")
    for name, path in files.items():
        say(f"  {name:<36} {path}")
    audit, day = closed.audit, closed.today.isoformat()
    same = "the same" if closed.served_digest == audit.digest else "DIFFERENT"
    say(
        f"\naudit replay (kn audit --until {day}): sha256 {audit.digest}, "
        f"{len(audit.differences)} differences from finance, {audit.read} events read"
    )
    say(f"reporting GET /v1/audit?as_of={day}: sha256 {closed.served_digest} ({same})")
    return {
        "worked_example": worked,
        "networks": figures,
        "digest": audit.digest,
        "served_digest": closed.served_digest,
        "differences": len(audit.differences),
        "events_read": audit.read,
        "files": {name: str(path) for name, path in files.items()},
    }


def _start_web(urls: dict[str, str], pid_dir: Path | None) -> ServiceProcess:
    """The web app (kn-web) in front of the four services, signed in with their tokens."""
    env = {f"KN_WEB_{name.upper()}_URL": url for name, url in urls.items()}
    env["KN_WEB_SECRET_KEY"] = secrets.token_urlsafe(32)
    web = start_service("web", env, demo_dir() / "logs", pid_dir=pid_dir)
    web.wait_healthy()
    print(f"{'web':<11} {web.url}/log-ind  (sign in with a token printed at the end)")
    return web


def _describe_running(processes: dict[str, ServiceProcess], tokens: dict[str, str]) -> None:
    urls = {name: p.url for name, p in processes.items() if name != "web"}
    coordinators = Coordinators(urls, tokens)
    signs_in = {key: token for key, token in tokens.items() if key != PERSON_KEY}
    for network in (NETWORK, *(n.network_id for n in NETWORKS)):
        person = coordinators.person(network)
        signs_in[f"coordinator {person} ({network})"] = coordinators.token(person)
    token_file = demo_dir() / "tokens.json"
    token_file.write_text(json.dumps(signs_in, indent=2) + "\n")
    os.chmod(token_file, 0o600)
    print("\nStill running, for you to look around:")
    for process in processes.values():
        if process.name == "web":
            print(f"  {'web app':<11} {process.url}/log-ind  (sign in with a token below)")
        else:
            print(f"  {process.name:<11} {process.url}/docs  (API at {process.url}/v1)")
    print(f"  EKM token:         {tokens['ekm']}")
    print(f"  auditor token:     {tokens['auditor']}")
    for key, token in signs_in.items():
        if key.startswith("coordinator "):  # a person's own token, 30 days (kn token issue)
            print(f"  {key}: {token}")
    print(f"  (also in {token_file}; more: .venv/bin/kn token issue --person <id>)")
    print(
        "  try: curl -H 'Authorization: Bearer <EKM token>' "
        f"'{processes['membership'].url}/v1/networks/aalborg-oest/members?on=2025-03-12'"
    )
    print("Stop everything with `.venv/bin/kn infra down`.")
