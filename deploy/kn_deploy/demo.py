"""`make demo`: start everything, show it healthy, play the worked example, stop."""

from __future__ import annotations

import json
import secrets

from kn_deploy import infra
from kn_deploy.layout import cache_dir
from kn_deploy.scenario import Scenario
from kn_deploy.services import ServiceProcess, start_service


def run_demo() -> int:
    """Run the demo; leave the infrastructure as it was found."""
    found, started = infra.up()
    print(f"infrastructure: Kafka at {found.kafka_bootstrap}; started {started or 'nothing'}")
    tokens = {"ekm": secrets.token_urlsafe(24), "coordinator": secrets.token_urlsafe(24)}
    roles = json.dumps({tokens["ekm"]: "ekm", tokens["coordinator"]: "coordinator:aalborg-oest"})
    processes: dict[str, ServiceProcess] = {}
    try:
        for service in infra.SERVICES:
            env = {**found.service_env(service), f"KN_{service.upper()}_API_TOKENS": roles}
            processes[service] = start_service(service, env, cache_dir() / "demo" / "logs")
        for process in processes.values():
            health = process.wait_healthy()
            ready = process.wait_healthy(probe="/ready")
            print(f"{process.name:<11} {process.url}  {json.dumps(health)}")
            print(f"{'':<11} background loops working: {json.dumps(ready['ready'])}")
        print("\nThe worked example of DOMAIN.md, through the services and Kafka:")
        urls = (processes["membership"].url, processes["meetings"].url)
        with Scenario(*urls, found.kafka_bootstrap, tokens) as scenario:
            figures = scenario.run(lambda line: print(f"  - {line}"))
        print(f"\nresult: {json.dumps(figures)}")
        print(f"logs: {cache_dir() / 'demo' / 'logs'}")
    finally:
        for process in processes.values():
            process.stop()
        print("services stopped")
        if started:
            print(f"stopped {', '.join(infra.down(tuple(started)))}")
    return 0
