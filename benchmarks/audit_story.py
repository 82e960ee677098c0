"""One network's years for the audit benchmark's synthetic national log (audit_replay.py).

A network of about ten holders (two may share a ydernummer) lives through the years: one
member leaves and one joins each year; a coordinator is elected, changed every few years,
the role shared in some networks, and left vacant for weeks when a holder leaves; two to
four meetings a year are planned (a few moved, a few cancelled) and held, each with an
attendance list of about sixteen lines (owners, employees, now and then an owner from
another network), a few corrected weeks later (Meetings 10); a venue invoice for most
meetings and a catering one for half (a few due too soon, a few naming the wrong
coordinator, a few for a cancelled meeting). Finance's decisions and payouts are made by
finance's own domain code (kn_rules.decide, kn_finance.domain.settle) from the facts known
when each invoice or correction arrives, so the last decision of each invoice and the sum
of its payouts agree with what the audit recomputes: 0 differences.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from benchmarks.audit_meetings import meetings_of
from benchmarks.audit_rates import Message, RateTimeline, at
from kn_contracts.base import Event
from kn_contracts.events import finance as fi
from kn_contracts.events import meetings as mt
from kn_contracts.events import membership as ms
from kn_finance.domain.fee import FeeAccount, fee_changes
from kn_finance.domain.settle import changes
from kn_rules.decide import decide
from kn_rules.facts import InputsBook
from kn_rules.fee import fee_lines
from kn_rules.pool import PoolBook, account_of
from kn_rules.rates import RateBook
from kn_rules.scheme import Scheme
from kn_servicekit.cause import Cause

PAYEE = fi.Payee(kind="danish_account", reference="9570-0001234567")


@dataclass
class Holder:
    person_id: str
    name: str
    ydernummer: str

    def holder(self) -> ms.CoordinatorHolder:
        return ms.CoordinatorHolder(person_id=self.person_id, name=self.name)


@dataclass
class NetworkStory:
    """One network's facts, year by year, and finance's decisions on them."""

    number: int
    scheme: Scheme
    rng: random.Random
    members: list[Holder] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)  # the coordinator role now
    joined: int = 0
    inputs: InputsBook = field(default_factory=InputsBook)
    seq: int = 0
    acts: int = 0

    @property
    def network_id(self) -> str:
        return f"net-{self.number:04d}"

    def uid(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def stamp(self, day: dt.date, actor: str = "ekm") -> dict[str, Any]:
        cause = self.uid()
        return {"effective_date": day, "actor": actor, "causation_id": cause,
                "correlation_id": cause}  # fmt: skip

    def new_member(self) -> Holder:
        self.joined += 1
        n, k = self.number, self.joined
        shared = k == 2 and n % 5 == 0  # two owners share one ydernummer in a fifth of them
        number = self.members[0].ydernummer if shared else f"{(n * 100 + k) % 1_000_000:06d}"
        return Holder(f"p-{n:04d}-{k:03d}", f"Fysioterapeut {n}-{k}", number)

    def join(self, day: dt.date) -> Message:
        member = self.new_member()
        self.members.append(member)
        event = ms.MemberJoined(
            **self.stamp(day, "region"), network_id=self.network_id,
            person_id=member.person_id, name=member.name, ydernummer=member.ydernummer,
            clinic_id=f"clinic-{member.ydernummer}", clinic_name=f"Klinik {member.ydernummer}",
            role="owner", reason="region_feed",
        )  # fmt: skip
        return self.membership(day, event)

    def membership(self, day: dt.date, event: Event, hour: int = 10) -> Message:
        when = at(day, hour, self.rng.randrange(60))
        if isinstance(event, ms.NetworkCreated | ms.CoordinatorEvent):
            # acts of one day keep the order they were made in (RoleHistory keeps it too)
            self.acts += 1
            when = at(day, hour) + dt.timedelta(seconds=self.acts)
            self.inputs.apply(event)
        return (when, "membership", self.network_id, f"network:{self.network_id}", event)

    def act(self, kind: type[ms.CoordinatorEvent], day: dt.date, **extra: Any) -> Message:
        payee = self.holders[0].person_id if self.holders else None
        event = kind(
            **self.stamp(day), network_id=self.network_id,
            holders=tuple(h.holder() for h in self.holders), payee_person_id=payee, **extra,
        )  # fmt: skip
        return self.membership(day, event, hour=11)

    def start(self, year: int) -> list[Message]:
        """The network, its first holders and its first coordinator(s) on 1 January."""
        day = dt.date(year, 1, 1)
        created = ms.NetworkCreated(
            **self.stamp(day), network_id=self.network_id, name=f"Netværk {self.number}",
            cluster_id=f"cluster-{self.number % 21}",
        )  # fmt: skip
        out = [self.membership(day, created, hour=9)]
        out += [self.join(day) for _ in range(10)]
        self.holders = self.members[:2] if self.number % 10 == 0 else self.members[:1]
        kind = ms.CoordinatorRoleShared if len(self.holders) == 2 else ms.CoordinatorElected
        return [*out, self.act(kind, day)]

    def membership_year(self, year: int) -> list[Message]:
        """One leaves (a holder among them: the role ends that day, Coordinator 6), one joins;
        every fourth year the network changes its coordinator."""
        rng, out = self.rng, []
        leave = dt.date(year, rng.randint(1, 9), rng.randint(1, 28))
        leaver = rng.choice(self.members)
        self.members.remove(leaver)
        left = ms.MemberLeft(
            **self.stamp(leave, "region"), network_id=self.network_id,
            person_id=leaver.person_id, ydernummer=leaver.ydernummer,
            clinic_id=f"clinic-{leaver.ydernummer}", reason="ydernummer_closed",
        )  # fmt: skip
        out.append(self.membership(leave, left))
        if leaver in self.holders:
            self.holders = [h for h in self.holders if h is not leaver]
            out.append(self.act(ms.CoordinatorSteppedDown, leave, person_id=leaver.person_id,
                                reason="membership ended"))  # fmt: skip
            if not self.holders:  # vacant until the network elects again
                self.holders = [rng.choice(self.members)]
                out.append(self.act(ms.CoordinatorElected, leave + dt.timedelta(days=40)))
        elif (self.number + year) % 4 == 0 and len(self.holders) == 1:
            self.holders = [rng.choice([m for m in self.members if m not in self.holders])]
            change = dt.date(year, rng.randint(10, 12), rng.randint(1, 28))
            out.append(self.act(ms.CoordinatorChanged, change))
        out.append(self.join(dt.date(year, rng.randint(1, 11), rng.randint(1, 28))))
        return out

    def meeting_year(self, year: int, rates: RateTimeline) -> list[Message]:
        """The year's meetings, lists and invoices, decided as finance decides them: when
        an invoice arrives, when a list is corrected, when the year's table is revised."""
        facts: list[tuple[dt.datetime, Message | None]] = [
            (m[0], m) for m in meetings_of(self, year)
        ]
        facts += [(when, None) for when in rates.revised(year)]
        book, out = PoolBook(), []
        for when, message in sorted(facts, key=lambda f: f[0]):
            if message is not None:
                out.append(message)
                event = message[4]
                if isinstance(event, mt.MeetingsEvent):
                    self.inputs.apply(event)
                elif isinstance(event, fi.InvoiceReceived):
                    book.apply(event)
                if not isinstance(event, fi.InvoiceReceived | mt.AttendanceCorrected):
                    continue
            out += self.settle(book, when, rates.book(when))
        return out

    def settle(self, book: PoolBook, when: dt.datetime, rates: RateBook) -> list[Message]:
        """Finance's decider: decide the account again, publish what changed."""
        seen = self.inputs.inputs(self.network_id)
        later = when + dt.timedelta(hours=2)
        cause = Cause("system:finance", self.uid(), self.uid(), later.date())
        out: list[Message] = []
        for change in changes(book, decide(book, seen, rates, self.scheme), cause):
            for event in change.events:
                book.apply(event)
                service = "finance" if isinstance(event, fi.InvoiceDecided) else "payouts"
                out.append((later, service, self.network_id,
                            account_of(self.network_id), event))  # fmt: skip
        return out

    def close(self, year: int, rates: RateTimeline, day: dt.date) -> list[Message]:
        """The year's fee for each payee, once EKM closed it (Pool payouts 9)."""
        table = rates.book(at(day)).find(year)
        assert table is not None
        roles = self.inputs.networks[self.network_id].roles
        lines = fee_lines(roles, year, table, None)
        cause = Cause("ekm", self.uid(), self.uid(), day)
        found = fee_changes(FeeAccount(), lines, self.network_id, year, table, self.scheme, cause)
        network = self.inputs.networks[self.network_id]
        network.meetings.clear()  # the year is decided: its meetings are not needed here again
        network.lists.clear()
        return [
            (at(day, 12), "payouts", self.network_id, f"fee:{self.network_id}:{year}", event)
            for change in found
            for event in change.events
        ]
