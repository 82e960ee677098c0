"""`make demo`: start the infrastructure and the four services, show each healthy, stop."""

from __future__ import annotations

import json
import secrets

from kn_deploy import infra
from kn_deploy.layout import cache_dir
from kn_deploy.services import ServiceProcess, start_service


def run_demo() -> int:
    """Run the demo; leave the infrastructure as it was found."""
    found, started = infra.up()
    print(f"infrastructure: Kafka at {found.kafka_bootstrap}; started {started or 'nothing'}")
    tokens = json.dumps({secrets.token_urlsafe(24): "ekm"})
    processes: list[ServiceProcess] = []
    try:
        for service in infra.SERVICES:
            env = {**found.service_env(service), f"KN_{service.upper()}_API_TOKENS": tokens}
            processes.append(start_service(service, env, cache_dir() / "demo" / "logs"))
        for process in processes:
            health = process.wait_healthy()
            ready = process.wait_healthy(probe="/ready")
            print(f"{process.name:<11} {process.url}  {json.dumps(health)}")
            print(f"{'':<11} background loops working: {json.dumps(ready['ready'])}")
    finally:
        for process in processes:
            process.stop()
        print("services stopped")
        if started:
            print(f"stopped {', '.join(infra.down(tuple(started)))}")
    return 0
