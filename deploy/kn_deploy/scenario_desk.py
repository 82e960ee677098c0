"""The demo's hold on the four services: a client each, and the tokens of EKM, the auditor
and each network's coordinator (`coordinator` is the worked example's, Aalborg Øst)."""

from __future__ import annotations

import httpx

from kn_deploy.scenario_kit import bearer

SERVICES = ("membership", "meetings", "finance", "reporting")


def coordinator_token(tokens: dict[str, str], network_id: str) -> str:
    """The demo's coordinator token of a network (`coordinator` is the worked example's)."""
    return tokens.get(f"coordinator:{network_id}") or tokens["coordinator"]


def roles_of(tokens: dict[str, str]) -> dict[str, str]:
    """The role of each demo token (`KN_<SERVICE>_API_TOKENS`)."""
    roles = {
        tokens["ekm"]: "ekm",
        tokens["auditor"]: "auditor",
        tokens["coordinator"]: "coordinator:aalborg-oest",
    }
    for key, token in tokens.items():
        if key.startswith("coordinator:"):
            roles[token] = key
    return roles


class Desk:
    """A client for each service, with EKM's, the auditor's and the coordinators' tokens."""

    def __init__(self, urls: dict[str, str], bootstrap: str, tokens: dict[str, str]) -> None:
        self.http = {
            name: httpx.Client(base_url=urls[name] + "/v1", timeout=10.0) for name in SERVICES
        }
        self.bootstrap = bootstrap
        self.tokens = tokens
        self.ekm = bearer(tokens["ekm"])
        self.auditor = bearer(tokens["auditor"])

    def coordinator(self, network_id: str) -> dict[str, str]:
        return bearer(coordinator_token(self.tokens, network_id))

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *_: object) -> None:
        for client in self.http.values():
            client.close()
