"""The demo's story: DOMAIN's worked example run through the real services and Kafka.

Every command carries a fixed Idempotency-Key and every region message a fixed ce_id, so
running the demo again answers the same and records nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from kn_contracts.events import region as rg
from kn_deploy.scenario_desk import Coordinators
from kn_deploy.scenario_kit import (
    RegionMessage,
    get_json,
    publish_region,
    region_stamp,
    send,
    until,
)
from kn_servicekit.kafka_access import KafkaAccess

__all__ = ["Scenario", "get_json", "until"]  # get_json and until: kept importable from here

NETWORK, CLINIC, SHARED = "aalborg-oest", "fysio-oest", "240117"
OWNERS = [("p-p", "Pia Poulsen", SHARED), ("p-q", "Quinn Qvist", SHARED)] + [
    (f"p-{n:02d}", f"Ejer Nummer {n:02d}", f"{400100 + n}") for n in range(3, 19)
]
Joining = rg.YdernummerOpened | rg.YdernummerShared


class Scenario:
    """Aalborg Øst, 2025: 18 member owners, a meeting on 12 March, a change of coordinator."""

    def __init__(self, membership: str, meetings: str, kafka: KafkaAccess, tokens: dict[str, str]):
        self.membership = httpx.Client(base_url=membership + "/v1", timeout=10.0)
        self.meetings = httpx.Client(base_url=meetings + "/v1", timeout=10.0)
        self.kafka = kafka
        self.ekm = {"Authorization": f"Bearer {tokens['ekm']}"}
        # the coordinator today, as a person (kn_deploy.scenario_desk)
        self.coordinators = Coordinators({"membership": membership, "meetings": meetings}, tokens)

    @property
    def coordinator(self) -> dict[str, str]:
        """Whoever coordinates Aalborg Øst today, with their own token."""
        return self.coordinators.headers(NETWORK)

    def __enter__(self) -> Scenario:
        return self

    def __exit__(self, *_: object) -> None:
        self.membership.close()
        self.meetings.close()

    def run(self, say: Callable[[str], None]) -> dict[str, Any]:
        """Play the year; return the figures it ends with."""
        self._send(
            self.membership,
            "/networks",
            self.ekm,
            "network",
            {
                "network_id": NETWORK,
                "name": "Aalborg Øst",
                "cluster_id": "aalborg",
                "effective_date": "2025-01-01",
            },
        )
        say("EKM created network Aalborg Øst in cluster Aalborg")
        first, *others = OWNERS
        self._region([self._opened(*first)])
        until(lambda: self._known(first[0]), bool)  # waiting, or assigned last time
        self._send(
            self.membership,
            f"/networks/{NETWORK}/members",
            self.ekm,
            "assign-p",
            {
                "person_id": first[0],
                "ydernummer": SHARED,
                "effective_date": "2025-01-01",
                "reason": "new clinic in Aalborg Øst",
            },
        )
        say("region: Pia Poulsen opened a brand-new clinic; EKM assigned it to Aalborg Øst")
        changes: list[Joining] = [_shared(*others[0])]
        changes += [self._opened(*owner) for owner in others[1:]]
        self._region(changes)
        members = until(
            lambda: get_json(
                self.membership,
                f"/networks/{NETWORK}/members?on=2025-03-12&owners_only=true",
                self.ekm,
            )["members"],
            lambda rows: len(rows) == 18,
        )
        say(
            f"region: Quinn Qvist shares Pia's ydernummer; 16 more owners joined -> "
            f"{len(members)} member owners on 12 March"
        )
        self._coordinators(say)
        attendance = self._meeting(say)
        return {"members": len(members), "attendance": attendance}

    def _coordinators(self, say: Callable[[str], None]) -> None:
        """EKM records the network's first election; the coordinator, signed in as
        themselves, reports the change and EKM confirms it (DOMAIN Coordinator 9)."""
        base = f"/networks/{NETWORK}/coordinator"
        first = {"person_id": "p-03", "effective_date": "2025-01-01"}
        self._send(self.membership, f"{base}/elect", self.ekm, "elect-a", first)
        change = {"person_id": "p-04", "effective_date": "2025-05-20"}
        asked = self._send(self.membership, f"{base}/change", self.coordinator, "change-b", change)
        number = asked.get("request")  # none: recorded directly, before Coordinator 9
        if number is not None:
            confirm = f"{base}/requests/{number}/confirm"
            self._send(self.membership, confirm, self.ekm, "confirm-change-b", None)
        months = get_json(self.membership, f"{base}/months?year=2025", self.coordinator)
        say(
            f"coordinator A (p-03) from 1 January, recorded by EKM; B (p-04) from 20 May, "
            f"reported by A and confirmed by EKM -> months served {months['served']}"
        )

    def _meeting(self, say: Callable[[str], None]) -> dict[str, int]:
        plan = {
            "years": [2025],
            "meetings": [
                {"date": d, "starts": "17:00", "place": "Fysio Øst, Aalborg"}
                for d in ("2025-03-12", "2025-06-11", "2025-09-10", "2025-11-26")
            ],
        }
        self._send(self.meetings, f"/networks/{NETWORK}/plan", self.coordinator, "plan-2025", plan)
        meeting = f"/networks/{NETWORK}/meetings/2025-03-12"
        until(
            lambda: get_json(self.meetings, f"{meeting}/attendance", self.coordinator)["members"],
            lambda rows: len(rows) == 18,
        )
        self._send(self.meetings, f"{meeting}/held", self.coordinator, "held-0312", None)
        for person, _, _ in OWNERS[:14]:
            self._send(
                self.meetings,
                f"{meeting}/attendance/check-ins",
                self.coordinator,
                f"in-{person}",
                {"person_id": person},
            )
        for n, name in enumerate(("Emma Ansat", "Frida Ansat"), start=1):
            self._send(
                self.meetings,
                f"{meeting}/attendance/check-ins",
                self.coordinator,
                f"in-employee-{n}",  # never a name: the key becomes the events' causation id
                {"name": name, "clinic": "Fysio Øst", "employed": True},
            )
        closed = self._send(
            self.meetings, f"{meeting}/attendance/close", self.coordinator, "close-0312", None
        )
        lines = closed.get("attendance_list", [])
        counted = dict(Counter(line["category"] for line in lines))
        say(
            f"12 March held: 14 members ticked in (P and Q both), 2 employees wrote in; the list "
            f"went to EKM classified as {counted}"
        )
        return counted

    def _known(self, person: str) -> bool:
        waiting = get_json(self.membership, "/awaiting-assignment?on=2025-01-01", self.ekm)
        path = f"/networks/{NETWORK}/members?on=2025-01-01"
        members = get_json(self.membership, path, self.ekm)["members"]
        return any(row["person_id"] == person for row in [*waiting, *members])

    def _opened(self, person: str, name: str, ydernummer: str) -> rg.YdernummerOpened:
        return rg.YdernummerOpened(
            **_stamp(),
            ydernummer=ydernummer,
            person_id=person,
            name=name,
            clinic_id=CLINIC,
            clinic_name="Fysio Øst",
            role="owner",
        )

    def _region(self, changes: list[Joining]) -> None:
        reported = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        messages = [
            RegionMessage(change, f"demo-{type(change).__name__}-{change.person_id}", reported)
            for change in changes
        ]
        publish_region(self.kafka, messages)

    def _send(
        self, client: httpx.Client, path: str, headers: dict[str, str], key: str, body: Any
    ) -> Any:
        return send(client, path, headers, key, body)


def _stamp() -> dict[str, Any]:
    return region_stamp(dt.date(2025, 1, 1))


def _shared(person: str, name: str, ydernummer: str) -> rg.YdernummerShared:
    return rg.YdernummerShared(**_stamp(), ydernummer=ydernummer, person_id=person, name=name)
