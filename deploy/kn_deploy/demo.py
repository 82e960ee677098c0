"""`make demo`: start everything, show it healthy, play the worked example, stop (or not)."""

from __future__ import annotations

import json
import os
import secrets

from kn_deploy import infra
from kn_deploy.layout import demo_dir
from kn_deploy.scenario import Scenario
from kn_deploy.scenario_money import Money
from kn_deploy.services import ServiceProcess, start_service, stop_recorded


def run_demo(keep_running: bool = False) -> int:
    """Run the demo; leave the infrastructure as it was found, unless asked to keep it all."""
    left = stop_recorded(demo_dir() / "pids")  # an earlier --keep-running holds the ports
    if left:
        print(f"stopped the services an earlier `kn demo --keep-running` left: {', '.join(left)}")
    found, started = infra.up()
    print(f"infrastructure: Kafka at {found.kafka_bootstrap}; started {started or 'nothing'}")
    tokens = {"ekm": secrets.token_urlsafe(24), "coordinator": secrets.token_urlsafe(24)}
    roles = json.dumps({tokens["ekm"]: "ekm", tokens["coordinator"]: "coordinator:aalborg-oest"})
    pid_dir = demo_dir() / "pids" if keep_running else None
    processes: dict[str, ServiceProcess] = {}
    try:
        for service in infra.SERVICES:
            env = {**found.service_env(service), f"KN_{service.upper()}_API_TOKENS": roles}
            processes[service] = start_service(service, env, demo_dir() / "logs", pid_dir=pid_dir)
        for process in processes.values():
            health = process.wait_healthy()
            ready = process.wait_healthy(probe="/ready")
            print(f"{process.name:<11} {process.url}  {json.dumps(health)}")
            print(f"{'':<11} background loops working: {json.dumps(ready['ready'])}")
        print("\nThe worked example of DOMAIN.md, through the services and Kafka:")
        urls = (processes["membership"].url, processes["meetings"].url)
        with Scenario(*urls, found.kafka_bootstrap, tokens) as scenario:
            figures = scenario.run(lambda line: print(f"  - {line}"))
        # the year's money (finance), after the story above
        print("\nThe year's money, through finance:")
        with Money(processes["finance"].url, tokens, demo_dir() / "finance") as money:
            figures["money"] = money.run(lambda line: print(f"  - {line}"))
        print(f"\nresult: {json.dumps(figures, ensure_ascii=False)}")
        for name, path in figures["money"]["files"].items():
            print(f"{name:<20} {path}")
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


def _describe_running(processes: dict[str, ServiceProcess], tokens: dict[str, str]) -> None:
    token_file = demo_dir() / "tokens.json"
    token_file.write_text(json.dumps(tokens, indent=2) + "\n")
    os.chmod(token_file, 0o600)
    print("\nStill running, for you to look around:")
    for process in processes.values():
        print(f"  {process.name:<11} {process.url}/docs  (API at {process.url}/v1)")
    print(f"  EKM token:         {tokens['ekm']}")
    print(f"  coordinator token: {tokens['coordinator']}  (network aalborg-oest)")
    print(f"  (also in {token_file})")
    print(
        "  try: curl -H 'Authorization: Bearer <EKM token>' "
        f"'{processes['membership'].url}/v1/networks/aalborg-oest/members?on=2025-03-12'"
    )
    print("Stop everything with `.venv/bin/kn infra down`.")
