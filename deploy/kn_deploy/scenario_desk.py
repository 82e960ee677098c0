"""The demo's hold on the four services: a client each, EKM's and the auditor's configured
tokens, and each network's coordinator as a person: whoever EKM's confirmed history makes
its coordinator today signs with a token EKM issued them (kn_servicekit.tokens), so
nobody's token changes when the role does (issue 16 item 4)."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx

from kn_deploy.scenario_kit import bearer, get_json, until
from kn_servicekit.kafka_access import KafkaAccess
from kn_servicekit.tokens import issue

SERVICES = ("membership", "meetings", "finance", "reporting")
PERSON_KEY = "person_key"  # tokens[PERSON_KEY]: EKM's signing key (PEM) for persons' tokens


def roles_of(tokens: dict[str, str]) -> dict[str, str]:
    """The role of each configured demo token (`KN_<SERVICE>_API_TOKENS`): the service
    principals only; a coordinator is a person."""
    return {tokens["ekm"]: "ekm", tokens["auditor"]: "auditor"}


class Coordinators:
    """Each network's coordinator today, as a person with their own token; it waits until
    every service it was given sees them as coordinator (each keeps its own view)."""

    def __init__(self, roots: dict[str, str], tokens: dict[str, str]) -> None:
        self.roots, self.key = roots, tokens[PERSON_KEY].encode()
        self.ekm = bearer(tokens["ekm"])
        self.issued: dict[str, str] = {}
        self.seen: set[tuple[str, str]] = set()

    def token(self, person_id: str) -> str:
        """The person's token (one per person per demo run)."""
        if person_id not in self.issued:
            now = dt.datetime.now(dt.UTC)
            self.issued[person_id] = issue(self.key, person_id, now, 30, uuid.uuid4().hex)
        return self.issued[person_id]

    def person(self, network_id: str) -> str:
        """Who holds the network's role today in membership's register."""
        with httpx.Client(base_url=self.roots["membership"], timeout=10.0) as members:
            role = get_json(members, f"/v1/networks/{network_id}/coordinator", self.ekm)
        if not role["holders"]:
            raise RuntimeError(f"{network_id} has no coordinator today: EKM records one first")
        person: str = role["holders"][0]["person_id"]
        return person

    def headers(self, network_id: str) -> dict[str, str]:
        person = self.person(network_id)
        headers = bearer(self.token(person))
        if (network_id, person) not in self.seen:
            for root in self.roots.values():
                with httpx.Client(base_url=root, timeout=10.0) as client:
                    until(
                        lambda c=client: get_json(c, "/whoami", headers)["coordinates"],  # type: ignore[misc]
                        lambda networks: network_id in networks,
                    )
            self.seen.add((network_id, person))
        return headers


class Desk:
    """A client for each service, with EKM's, the auditor's and the coordinators' tokens."""

    def __init__(self, urls: dict[str, str], kafka: KafkaAccess, tokens: dict[str, str]) -> None:
        self.http = {
            name: httpx.Client(base_url=urls[name] + "/v1", timeout=10.0) for name in SERVICES
        }
        self.kafka = kafka
        self.tokens = tokens
        self.ekm = bearer(tokens["ekm"])
        self.auditor = bearer(tokens["auditor"])
        self.coordinators = Coordinators({name: urls[name] for name in SERVICES}, tokens)

    def coordinator(self, network_id: str) -> dict[str, str]:
        """The headers of whoever coordinates the network today."""
        return self.coordinators.headers(network_id)

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *_: object) -> None:
        for client in self.http.values():
            client.close()
