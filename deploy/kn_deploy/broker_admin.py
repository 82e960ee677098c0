"""The broker's users and ACLs, set through the Kafka protocol as the admin principal.

aiokafka's admin client has no call for them, so the requests are built here from its
protocol types: AlterUserScramCredentials (KIP-554) and Create/Delete/DescribeAcls. Kafka's
own tools (kafka-configs, kafka-acls) do the same, at a JVM start each.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest_v1,
    DescribeAclsRequest_v1,
)
from aiokafka.protocol.api import RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from kn_servicekit.kafka_access import KafkaAccess, kafka_options

SCRAM_SHA_512 = 2  # ScramMechanism in the protocol
ITERATIONS = 8192  # Kafka's minimum for SHA-512 is 4096
# the protocol's enums (org.apache.kafka.common.acl / resource)
TOPIC, GROUP = 2, 3
LITERAL, PREFIXED = 3, 4
ALLOW = 3
OPERATIONS = {"read": 3, "write": 4, "create": 5, "describe": 8}


@dataclass(frozen=True, order=True)
class Acl:
    """One allow binding: `user` may `operation` on the topic or group `name`."""

    user: str
    resource: int  # TOPIC or GROUP
    name: str
    pattern: int  # LITERAL or PREFIXED
    operation: str

    def row(self) -> tuple[int, str, int, str, str, int, int]:
        principal = f"User:{self.user}"
        return (self.resource, self.name, self.pattern, principal, "*",
                OPERATIONS[self.operation], ALLOW)  # fmt: skip


class _AlterScramResponse(Response):  # type: ignore[misc]  # aiokafka: untyped to mypy
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("results", CompactArray(
            ("user", CompactString("utf-8")), ("error_code", Int16),
            ("error_message", CompactString("utf-8")), ("tags", TaggedFields),
        )),
        ("tags", TaggedFields),
    )  # fmt: skip


class _AlterScramStruct(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = _AlterScramResponse
    SCHEMA = Schema(
        ("deletions", CompactArray(
            ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields),
        )),
        ("upsertions", CompactArray(
            ("name", CompactString("utf-8")), ("mechanism", Int8), ("iterations", Int32),
            ("salt", CompactBytes), ("salted_password", CompactBytes), ("tags", TaggedFields),
        )),
        ("tags", TaggedFields),
    )  # fmt: skip


class _Built:
    """A request (as aiokafka's connection takes one) whose one version is built already;
    the broker's range is checked."""

    def __init__(self, struct: RequestStruct) -> None:
        self._struct = struct
        self.API_KEY: int = struct.API_KEY

    def prepare(self, versions: dict[int, tuple[int, int]]) -> Any:
        low, high = versions.get(self.API_KEY, (0, -1))
        if not low <= self._struct.API_VERSION <= high:
            raise RuntimeError(
                f"the broker does not speak API {self.API_KEY} v{self._struct.API_VERSION} "
                f"(it has v{low}-v{high}); use Kafka 3.x or later"
            )
        return self._struct


Rows: TypeAlias = list[tuple[int, str, int, str, str, int, int]]


async def upsert_users(admin: AIOKafkaAdminClient, users: dict[str, str]) -> None:
    """Create or reset each user's SCRAM-SHA-512 credential to its password."""
    upserts: list[tuple[str, int, int, bytes, bytes, dict[int, bytes]]] = []
    for user, password in sorted(users.items()):
        salt = secrets.token_bytes(32)
        salted = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ITERATIONS)
        upserts.append((user, SCRAM_SHA_512, ITERATIONS, salt, salted, {}))
    answer = await _send(admin, _AlterScramStruct([], upserts, {}))
    failed = [(r[0], r[2]) for r in answer.results if r[1] != 0]
    if failed:
        raise RuntimeError(f"the broker refused these credentials: {failed}")


async def create_acls(admin: AIOKafkaAdminClient, acls: Iterable[Acl]) -> None:
    """Add the bindings (one already there is left as it is)."""
    rows: Rows = [acl.row() for acl in sorted(set(acls))]
    if not rows:
        return
    answer = await _send(admin, CreateAclsRequest_v1(rows))
    failed = [r for r in answer.creation_responses if r[0] != 0]
    if failed:
        raise RuntimeError(f"the broker refused {len(failed)} ACL(s), e.g. {failed[0]}")


async def delete_acls(admin: AIOKafkaAdminClient, acls: Iterable[Acl]) -> None:
    """Remove exactly these bindings."""
    rows: Rows = [acl.row() for acl in sorted(set(acls))]
    if rows:
        await _send(admin, DeleteAclsRequest_v1(rows))


async def acls_of(admin: AIOKafkaAdminClient, user: str) -> set[Acl]:
    """The allow bindings the broker's authorizer holds for `user`."""
    any_type, any_pattern, any_op = 1, 1, 1
    ask = DescribeAclsRequest_v1(any_type, None, any_pattern, f"User:{user}", None, any_op, ALLOW)
    answer = await _send(admin, ask)
    names = {code: name for name, code in OPERATIONS.items()}
    return {
        Acl(user, resource, name, pattern, names.get(row[2], str(row[2])))
        for resource, name, pattern, rows in answer.resources
        for row in rows
    }


async def _send(admin: AIOKafkaAdminClient, struct: RequestStruct) -> Any:
    # aiokafka has no public call to send a request of our own; its admin client's does it
    return await admin._send_request(_Built(struct))


def admin_client(access: KafkaAccess) -> AIOKafkaAdminClient:
    """An admin client (of the admin principal, for the calls above)."""
    return AIOKafkaAdminClient(**kafka_options(access), request_timeout_ms=10000)


def rows_of(acls: Sequence[Acl]) -> Rows:
    return [acl.row() for acl in acls]
