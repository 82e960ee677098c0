"""Meetings 10: a membership fact that reaches meetings after a list was sent and changes a
line's category makes meetings record a new revision of that list by itself.

A command consumer under the kit's runner (like membership's region feed): the revisions
it appends commit in the same transaction as its offsets, one message a transaction, and
their ids derive from the cause, so a message handled twice appends once. It reads
membership through meetings' own view (the same the commands classify from), and keeps
only an index of the lines of sent lists, from meetings' own events, to find the lists a
fact may change. Two triggers, so no order of arrival loses a fact:
- a join or leave: once the view has applied it, every sent list with a line of that
  person or ydernummer, on a meeting on or after its date, that the fact changes (the
  view's facts before it and up to it compared, so a repeat changes nothing) is
  identified and classified again from all the view knows, so it never goes back;
- a sent list (recorded or corrected): classified again at once, for a fact the view
  applied while the list was being closed (the cause named is the newest such fact).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from kn_contracts.base import Event
from kn_contracts.catalog import Catalog
from kn_contracts.envelope import Envelope
from kn_contracts.events.meetings import AttendanceCorrected, AttendanceRecorded
from kn_contracts.events.membership import MemberJoined, MemberLeft, PersonErased
from kn_meetings.adapters.directory import PostgresMembershipDirectory
from kn_meetings.domain.roster import MembershipFact
from kn_meetings.handlers.revisions import Namer, revise_list
from kn_servicekit.cause import Cause, copenhagen_date
from kn_servicekit.db import Connection
from kn_servicekit.errors import TransientError
from kn_servicekit.pgstore import PostgresEventStore
from kn_servicekit.projection import Delivery
from kn_servicekit.sealing import KeyRing
from kn_servicekit.subject_keys import SubjectKeys

SYSTEM = "meetings"  # the actor of a revision meetings records by itself
WAIT = 0.05  # seconds between looks at whether the view has applied a fact
LOOKS = 40  # then the runner retries the message with its backoff

TABLES = """
CREATE TABLE IF NOT EXISTS sent_lines (
    network_id    text NOT NULL,
    meeting_id    text NOT NULL,
    meeting_date  date NOT NULL,
    person_id     text,
    ydernummer    text
);
CREATE INDEX IF NOT EXISTS sent_lines_meeting ON sent_lines (network_id, meeting_id);
CREATE INDEX IF NOT EXISTS sent_lines_person ON sent_lines (person_id);
CREATE INDEX IF NOT EXISTS sent_lines_ydernummer ON sent_lines (ydernummer);
"""
_FORGET = "DELETE FROM sent_lines WHERE network_id = $1 AND meeting_id = $2"
_LINE = """INSERT INTO sent_lines (network_id, meeting_id, meeting_date, person_id, ydernummer)
VALUES ($1, $2, $3, $4, $5)"""
_TOUCHED = """
SELECT DISTINCT network_id, meeting_id, meeting_date FROM sent_lines
WHERE meeting_date >= $1 AND (person_id = $2 OR ydernummer = $3)
ORDER BY network_id, meeting_id
"""
_LINES_OF = "SELECT person_id, ydernummer FROM sent_lines WHERE network_id = $1 AND meeting_id = $2"

Sent = AttendanceRecorded | AttendanceCorrected
Fact = MemberJoined | MemberLeft


class AttendanceRevisions:
    """Revises sent attendance lists when a late membership fact changes a line."""

    name = "attendance_revisions"
    derived = False  # it appends meetings events: the source of truth, commit durably

    def __init__(
        self,
        membership_topic: str,
        meetings_topic: str,
        catalog: Catalog,
        topic_for: Callable[[Event], str],
        view_name: str,
        keys: SubjectKeys | None = None,
    ) -> None:
        self.topics: tuple[str, ...] = (membership_topic, meetings_topic)
        self._catalog = catalog
        self._topic_for = topic_for
        self._view_name = view_name
        self._keys = keys

    async def create(self, conn: Connection) -> None:
        await conn.execute(TABLES)

    async def apply(self, conn: Connection, batch: Sequence[Delivery]) -> None:
        store = PostgresEventStore(conn, self._catalog, self._topic_for, self._keys)
        ring = None if self._keys is None else self._keys.ring
        view = PostgresMembershipDirectory(conn, self._view_name, ring)
        for delivery in batch:
            if isinstance(delivery.event, PersonErased) and self._keys is not None:
                # membership erased a member: meetings' own keys of them go too (the lines
                # it sealed), only those issued by then, so a later join keeps its new key
                await store.erase_subject(delivery.event.subject_id, delivery.envelope.time)
            elif isinstance(delivery.event, Fact):
                if _awaits_key(delivery, ring):
                    raise TransientError(
                        f"meetings has not yet the key of {delivery.event.person_id} from "
                        "kn.membership.keys; it reads the join again shortly"
                    )
                await self._fact(conn, store, view, delivery, delivery.event)
            elif isinstance(delivery.event, Sent):
                sent: Event = delivery.event
                if ring is not None:  # its lines' names, opened: a written-in line is matched
                    sent = self._catalog.decode(sent.ce_type(), sent.model_dump_json(), ring)
                assert isinstance(sent, Sent)
                await self._sent(conn, store, view, delivery, sent)

    async def _fact(
        self,
        conn: Connection,
        store: PostgresEventStore,
        view: PostgresMembershipDirectory,
        delivery: Delivery,
        fact: Fact,
    ) -> None:
        touched = await conn.fetch(_TOUCHED, fact.effective_date, fact.person_id, fact.ydernummer)
        if not touched:
            return
        await _until_applied(view, delivery)
        envelope = delivery.envelope
        seq = await view.place_of(envelope.id)
        for row in touched:
            network_id, meeting_id = row["network_id"], row["meeting_id"]
            lines = [dict(r) for r in await conn.fetch(_LINES_OF, network_id, meeting_id)]
            name = _namer(view, network_id, lines, row["meeting_date"],
                          (envelope.id, _as_fact(fact)), fact.correlation_id, envelope)  # fmt: skip
            key = f"{envelope.source}#{envelope.id}@{network_id}/{meeting_id}"
            await revise_list(store, view, network_id, meeting_id, name, key, seq)

    async def _sent(
        self,
        conn: Connection,
        store: PostgresEventStore,
        view: PostgresMembershipDirectory,
        delivery: Delivery,
        sent: Sent,
    ) -> None:
        await conn.execute(_FORGET, sent.network_id, sent.meeting_id)
        lines = [a for a in sent.attendees if a.person_id or a.ydernummer]
        await conn.executemany(_LINE, [(sent.network_id, sent.meeting_id, sent.meeting_date,
                                        a.person_id, a.ydernummer) for a in lines])  # fmt: skip
        persons = {a.person_id for a in lines if a.person_id}
        ydernumre = {a.ydernummer for a in lines if a.ydernummer}
        newest = await view.newest_fact(persons, ydernumre, sent.meeting_date)
        if newest is None:
            return
        envelope = delivery.envelope
        rows = [{"person_id": a.person_id, "ydernummer": a.ydernummer} for a in lines]
        name = _namer(view, sent.network_id, rows, sent.meeting_date, newest,
                      sent.correlation_id, envelope)  # fmt: skip
        key = f"{envelope.source}#{envelope.id}@{sent.network_id}/{sent.meeting_id}"
        await revise_list(store, view, sent.network_id, sent.meeting_id, name, key)


def _namer(
    view: PostgresMembershipDirectory,
    network_id: str,
    lines: Sequence[Mapping[str, str | None]],
    meeting_date: dt.date,
    fallback: tuple[str, MembershipFact],
    correlation_id: str,
    envelope: Envelope,
) -> Namer:
    """Names a revision's cause: the newest fact of the list's people among those the list
    is classified from (this consumer may lag the view: a later fact may be what changes
    it), else the fact at hand."""
    persons = {str(r["person_id"]) for r in lines if r["person_id"]}
    ydernumre = {str(r["ydernummer"]) for r in lines if r["ydernummer"]}

    async def name(up_to_seq: int | None) -> tuple[Cause, str]:
        newest = await view.newest_fact(persons, ydernumre, meeting_date, up_to_seq)
        event_id, fact = newest or fallback
        cause = Cause(SYSTEM, event_id, correlation_id, copenhagen_date(envelope.time))
        return cause, _reason(fact, event_id, network_id)

    return name


async def _until_applied(view: PostgresMembershipDirectory, delivery: Delivery) -> None:
    """Wait for meetings' view to have applied the fact (it reads the same topic apart)."""
    for _ in range(LOOKS):
        if await view.has_consumed(delivery.topic, delivery.partition, delivery.offset):
            return
        await asyncio.sleep(WAIT)
    raise TransientError(f"meetings' membership view has not applied {delivery.topic} "
                         f"[{delivery.partition}] offset {delivery.offset} yet")  # fmt: skip


KEY_WAIT = dt.timedelta(minutes=15)


def _awaits_key(delivery: Delivery, ring: KeyRing | None) -> bool:
    """A fresh join whose name meetings cannot open yet: its key is on its way on
    kn.membership.keys (it decides a written-in line's match, Meetings 10). An older one is
    decided as it reads: its key may be gone for good, erased and compacted away."""
    event = delivery.event
    if ring is None or not isinstance(event, MemberJoined) or not ring.awaits(event.name):
        return False
    return dt.datetime.now(dt.UTC) - delivery.envelope.time < KEY_WAIT


def _as_fact(event: Fact) -> MembershipFact:
    """A join or leave as the view holds it."""
    joined = isinstance(event, MemberJoined)
    return MembershipFact(
        kind="joined" if joined else "left",
        network_id=event.network_id,
        person_id=event.person_id,
        ydernummer=event.ydernummer,
        clinic_id=event.clinic_id,
        effective_date=event.effective_date,
        seq=0,
        name=event.name if isinstance(event, MemberJoined) else None,
    )


def _reason(fact: MembershipFact, event_id: str, network_id: str) -> str:
    """What changed, in words: who, which network, from when, and the membership event. The
    list's coordinator reads it: a member of another network is neither named by id nor by
    network (issue 15), only by the ydernummer the list holds."""
    if fact.network_id == network_id:
        who, where = fact.person_id, network_id  # no name: it would stay in clear
    else:
        who, where = "a member of another network", "that network"
    return (f"Meetings 10: membership reported late that {who} {fact.kind} "
            f"{where} from {fact.effective_date} (ydernummer {fact.ydernummer}; "
            f"membership event {event_id})")  # fmt: skip
