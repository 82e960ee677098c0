"""Only a topic's owner writes it: a consumer's own check, behind the broker's ACLs.

For each registered topic a projection reads (kn_contracts.topics), a message is accepted
only if its ce_type is registered for that topic (or is an older version of one, read as
it) and its ce_source is the owner's: the owning service's `/kvalitetsnet/<service>`, or
for the regions' inbound topic a `/region/<name>` whose body names the same
`region:<name>` as its actor. Log positions
(ce_knlog, ce_sequence) are honoured only from one of our own services (the envelope
refuses one beyond a bigint). Anything else is a dead letter with the reason: a forged
position could otherwise raise a high-water mark and hide every later real event of its
partition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kn_contracts.base import Event
from kn_contracts.envelope import Envelope, source_of
from kn_contracts.topics import TOPICS, Topic

REGION_OWNER = "region"
_REGION_SOURCE = re.compile(r"/region/([a-z0-9][a-z0-9-]{0,62})")


@dataclass(frozen=True)
class Rule:
    """Who may write one topic, and which event types it carries."""

    topic: Topic
    types: frozenset[str]


class Provenance:
    """The owner rules of the registered topics among `names` (a topic prefix allowed);
    topics outside the registry (a test's, a benchmark's) have no rule."""

    def __init__(self, names: Iterable[str]) -> None:
        self._rules: dict[str, Rule] = {}
        for name in names:
            for topic in TOPICS:
                if name == topic.name or (name.endswith("." + topic.name)):
                    types = frozenset(event.ce_type() for event in topic.events)
                    self._rules[name] = Rule(topic, types)

    def refusal(self, topic: str, envelope: Envelope, event: Event) -> str | None:
        """Why this message may not be on this topic, or None when its owner wrote it."""
        rule = self._rules.get(topic)
        if rule is None:
            return None
        owner = rule.topic.owner
        if envelope.type not in rule.types and event.ce_type() not in rule.types:
            # an older version is read as the current one (kn_contracts.upcasters): it
            # belongs where the current version is registered
            return f"ce_type {envelope.type} is not registered for {rule.topic.name}"
        if owner == REGION_OWNER:
            return _region_refusal(envelope, event)
        if envelope.source != source_of(owner):
            return (
                f"ce_source {envelope.source!r} is not {source_of(owner)!r}, the owner of "
                f"{rule.topic.name}"
            )
        return None


def _region_refusal(envelope: Envelope, event: Event) -> str | None:
    found = _REGION_SOURCE.fullmatch(envelope.source)
    if found is None:
        return f"ce_source {envelope.source!r} is not a region's (/region/<name>)"
    if event.actor != f"region:{found.group(1)}":
        return (
            f"actor {event.actor!r} is not region:{found.group(1)}, the region its "
            f"ce_source {envelope.source!r} names"
        )
    if envelope.sequence is not None or envelope.log is not None:
        return "a region's message carries no event-log position (ce_sequence, ce_knlog)"
    return None
