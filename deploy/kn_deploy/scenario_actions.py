"""The demo year's hands: what EKM, a region system and a network's coordinator do through
the services' APIs and the region feed, each waiting for the effect it needs next (the
services learn from each other through Kafka). Every command has a fixed key."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from kn_contracts.base import Event
from kn_contracts.events import region as rg
from kn_deploy.scenario_desk import Desk
from kn_deploy.scenario_kit import RegionMessage, get_json, get_or_none, publish_region, send, until
from kn_deploy.scenario_networks import JAN_1, Bill, Network, opened, shares, sharing

Plan = list[tuple[str, str, list[str], str | None]]


class Play:
    """One network's year through the services."""

    def __init__(self, desk: Desk, network: Network) -> None:
        self.desk, self.network, self.id = desk, network, network.network_id
        self.members = desk.http["membership"]
        self.meetings = desk.http["meetings"]
        self.finance = desk.http["finance"]

    @property
    def mine(self) -> dict[str, str]:
        """The headers of the network's coordinator today (a person's own token)."""
        return self.desk.coordinator(self.id)

    def open_network(self) -> int:
        """EKM creates the network; the region reports its owners' ydernumre; EKM assigns
        each brand-new clinic (Membership 4) and its other holders join with it."""
        n = self.network
        send(
            self.members,
            "/networks",
            self.desk.ekm,
            f"{self.id}-network",
            {
                "network_id": self.id,
                "name": n.name,
                "cluster_id": n.cluster_id,
                "effective_date": "2025-01-01",
            },
        )
        changes: list[rg.YdernummerOpened | rg.YdernummerShared] = [
            sharing(p, n.region) if shares(p, n) else opened(p, "owner", n.region, JAN_1)
            for p in n.owners
        ]
        ahead = dt.datetime(2024, 12, 16, 9, tzinfo=dt.UTC)  # reported before they take effect
        self.region([(c, f"{self.id}-{c.person_id}-{type(c).__name__}") for c in changes], ahead)
        wanted = {p.person_id for p in n.owners}
        until(lambda: self._known(wanted, "2025-01-01"), lambda known: known >= wanted)
        for owner in n.firsts():
            send(
                self.members,
                f"/networks/{self.id}/members",
                self.desk.ekm,
                f"{self.id}-assign-{owner.person_id}",
                {
                    "person_id": owner.person_id,
                    "ydernummer": owner.ydernummer,
                    "effective_date": "2025-01-01",
                    "reason": f"ny klinik; nyt netværk {n.name}",
                },
            )
        return len(until(lambda: self._member_ids("2025-01-01"), lambda ids: ids >= wanted))

    def region(self, changes: Sequence[tuple[Event, str]], reported: dt.datetime) -> None:
        """The region system publishes changes with fixed ids (a rerun is seen as a repeat)."""
        messages = [
            RegionMessage(change, f"demo-{ce_id}", reported, self.network.region)
            for change, ce_id in changes
        ]
        publish_region(self.desk.kafka, messages)

    def act(self, act: str, key: str, by_ekm: bool = False, **body: Any) -> None:
        """The coordinator reports an act; EKM confirms it (Coordinator 9). With no
        coordinator to report it (the first, or after a vacancy) EKM records it directly."""
        base = f"/networks/{self.id}/coordinator"
        if by_ekm:
            send(self.members, f"{base}/{act}", self.desk.ekm, f"{self.id}-{key}", body)
            return
        asked = send(self.members, f"{base}/{act}", self.mine, f"{self.id}-{key}", body)
        send(
            self.members,
            f"{base}/requests/{asked['request']}/confirm",
            self.desk.ekm,
            f"{self.id}-confirm-{key}",
            None,
        )

    def plan(self, meetings: Plan, starts: str = "18:00") -> None:
        """The coordinator plans the year's meetings (Meetings 1): date, place, topics and
        the mandatory topic's id where a meeting covers it (Meetings 2)."""
        planned = [
            {"date": day, "starts": starts, "place": place, "topics": topics,
             "mandatory_topic_id": mandatory} for day, place, topics, mandatory in meetings
        ]  # fmt: skip
        body = {"years": [2025], "meetings": planned}
        send(self.meetings, f"/networks/{self.id}/plan", self.mine, f"{self.id}-plan-2025", body)

    def holders(self, on: str) -> list[str]:
        """Who held the role on a day, as EKM reads it (there may be no coordinator now)."""
        found = get_json(self.members, f"/networks/{self.id}/coordinator?on={on}", self.desk.ekm)
        return [h["person_id"] for h in found["holders"]]

    def hold(self, day: str, came: list[str], written_in: list[dict[str, Any]]) -> Counter[str]:
        """The meeting is held: members tick in, others write in, the list is closed."""
        meeting = f"/networks/{self.id}/meetings/{day}"
        sheet = until(
            lambda: get_json(self.meetings, f"{meeting}/attendance", self.mine),
            lambda found: {m["person_id"] for m in found["members"]} == self._member_ids(day),
        )
        send(self.meetings, f"{meeting}/held", self.mine, f"{self.id}-held-{day}", None)
        # a rerun finds the list closed: its check-ins were made then
        for line in [] if sheet["closed"] else [{"person_id": p} for p in came] + written_in:
            # a written-in guest by a digest of their name: services log a command's
            # Idempotency-Key as its correlation id, and no log line may name a person
            who = line.get("person_id") or f"guest-{_digest(line['name'])}"
            path, key = f"{meeting}/attendance/check-ins", f"{self.id}-in-{day}-{who}"
            send(self.meetings, path, self.mine, key, line)
        closed = send(
            self.meetings, f"{meeting}/attendance/close", self.mine, f"{self.id}-close-{day}", None
        )
        return Counter(line["category"] for line in closed["attendance_list"])

    def correct(self, day: str, reason: str, add: list[str]) -> None:
        """The coordinator corrects a sent list with a reason (Meetings 3: never an edit)."""
        path = f"/networks/{self.id}/meetings/{day}/attendance/corrections"
        body = {"reason": reason, "add": [{"person_id": person} for person in add]}
        send(self.meetings, path, self.mine, f"{self.id}-correct-{day}", body)

    def cancel(self, day: str, reason: str) -> None:
        path = f"/networks/{self.id}/meetings/{day}/cancel"
        send(self.meetings, path, self.mine, f"{self.id}-cancel-{day}", {"reason": reason})

    def listed(self, day: str, revision: int) -> dict[str, Any]:
        """The meeting's latest list once it is at `revision` (meetings' own, Meetings 10)."""
        path = f"/networks/{self.id}/meetings/{day}"
        found = until(
            lambda: get_json(self.meetings, path, self.mine),
            lambda m: m["meeting"]["attendance"]["revision"] >= revision,
        )
        counted: dict[str, Any] = found["meeting"]["attendance"]
        return counted

    def invoice(self, bill: Bill) -> dict[str, Any]:
        """EKM registers an invoice once finance has the meeting's list, so finance answers
        with its decision (a rerun gets that first answer, whatever came later); if that is
        not the one expected (finance had not yet seen a coordinator act), its next one."""
        self.entitlement(bill.meeting, 1)
        body = bill.body(self.network)
        key = f"invoice-{body['invoice_id']}"
        answer: dict[str, Any] = send(self.finance, "/invoices", self.desk.ekm, key, body)
        if (answer["status"], answer.get("approved")) == bill.expected():
            return answer
        return self.decided(body["invoice_id"], *bill.expected())

    def decided(self, invoice_id: str, status: str, approved: int) -> dict[str, Any]:
        path = f"/networks/{self.id}/invoices/{invoice_id}"
        view: dict[str, Any] = until(
            lambda: get_json(self.finance, path, self.desk.ekm),
            lambda v: (v["status"], v.get("approved")) == (status, approved),
        )
        return view

    def entitlement(self, day: str, revision: int) -> int:
        """The meeting's entitlement once finance has the list at `revision`."""
        path = f"/networks/{self.id}/meetings/{day}/entitlement"
        found = until(
            lambda: get_or_none(self.finance, path, self.desk.ekm),
            lambda e: e is not None and e["list_revision"] >= revision,
        )
        return int(found["entitlement"])

    def _member_ids(self, on: str) -> set[str]:
        path = f"/networks/{self.id}/members?on={on}"
        return {m["person_id"] for m in get_json(self.members, path, self.desk.ekm)["members"]}

    def _known(self, wanted: set[str], on: str) -> set[str]:
        waiting = get_json(self.members, f"/awaiting-assignment?on={on}", self.desk.ekm)
        return ({w["person_id"] for w in waiting} | self._member_ids(on)) & wanted


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16]
