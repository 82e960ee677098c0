"""Who may do what on the broker, derived from the topic registry (its owners and readers).

The one place the ACLs come from; the broker denies everything else
(allow.everyone.if.no.acl.found=false), and the admin is a super user:
- a service writes, reads, creates and describes its own topics and their `.dlq`;
- a reader reads the topics it consumes; a service also writes and reads their `.dlq` (a
  consumer dead-letters there: kn_servicekit.deadletter; membership lists the feed's);
- EKM's finance system reads kn.finance.payouts and nothing else;
- a region system writes only the region feed (its owner is "region");
- the auditor reads every topic and writes none;
- each consumes in its own consumer groups only: `<service>.` (the kit names them
  `<service>.<read model>`: kn_servicekit.hosting), `ekm.` and `auditor.`.
Names carry the deployment's topic prefix (KN_TOPIC_PREFIX; a test's sandbox has its own).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kn_contracts.topics import TOPICS, Topic
from kn_deploy.broker_admin import GROUP, LITERAL, PREFIXED, TOPIC, Acl
from kn_deploy.principals import AUDITOR, EKM_FINANCE, SERVICES, is_region

REGION_OWNER = "region"
GROUPS = {EKM_FINANCE: "ekm.", AUDITOR: "auditor."} | {s: f"{s}." for s in SERVICES}


def acls(users: Iterable[str], prefix: str = "", topics: Iterable[Topic] = TOPICS) -> set[Acl]:
    """Every binding the principals `users` need, on the topics under `prefix`."""
    chosen = set(users)
    found: set[Acl] = set()
    for topic in topics:
        found |= set(_on_topic(topic, chosen, prefix))
    for user, group in GROUPS.items():
        if user in chosen:
            found |= {Acl(user, GROUP, prefix + group, PREFIXED, op) for op in ("read", "describe")}
    return found


def _on_topic(topic: Topic, users: set[str], prefix: str) -> Iterator[Acl]:
    name, dlq = prefix + topic.name, prefix + topic.dlq
    for user in users:
        if user == topic.owner:
            for op in ("write", "read", "create", "describe"):
                yield from (Acl(user, TOPIC, n, LITERAL, op) for n in (name, dlq))
        elif topic.owner == REGION_OWNER and is_region(user):
            # a region system writes its changes, and may look up the topic's partitions
            yield from (Acl(user, TOPIC, name, LITERAL, op) for op in ("write", "describe"))
        elif user in topic.readers:
            yield from (Acl(user, TOPIC, name, LITERAL, op) for op in ("read", "describe"))
            if user in SERVICES:  # EKM's system reads the payouts, nothing more
                for op in ("write", "read", "describe"):
                    yield Acl(user, TOPIC, dlq, LITERAL, op)
        elif user == AUDITOR:
            for n in (name, dlq):
                yield from (Acl(user, TOPIC, n, LITERAL, op) for op in ("read", "describe"))
