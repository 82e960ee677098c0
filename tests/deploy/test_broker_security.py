"""The broker `kn infra up` starts lets a principal do what the topic registry gives it, and
nothing else: TLS only, SCRAM-SHA-512 users, ACLs derived in kn_deploy.acls."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import ssl
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from kn_contracts.topics import (
    FINANCE_PAYOUTS,
    MEETINGS_EVENTS,
    MEMBERSHIP_EVENTS,
    REGION_YDERNUMMER,
    TOPICS,
)
from kn_deploy import infra, kafka
from kn_deploy.acls import acls
from kn_deploy.broker_admin import TOPIC
from kn_deploy.kcat import kcat_env, kcat_options
from kn_deploy.principals import AUDITOR, EKM_FINANCE, region_user
from kn_servicekit.kafka_access import KafkaAccess, kafka_options

pytestmark = pytest.mark.infra

REGION = region_user("nordjylland")


@pytest.fixture
def secured(endpoints: infra.Endpoints) -> infra.Endpoints:
    if not endpoints.kafka_local:
        pytest.skip("an external broker's security is its operator's (KN_KAFKA_BOOTSTRAP)")
    return endpoints


async def write(access: KafkaAccess, topic: str) -> None:
    """Publish one message as `access` (raising what the broker answers)."""
    producer = AIOKafkaProducer(**kafka_options(access), acks="all", request_timeout_ms=10000)
    await producer.start()
    try:
        await asyncio.wait_for(producer.send_and_wait(topic, b"{}", key=b"k"), 30)
    finally:
        await producer.stop()


async def read(access: KafkaAccess, topic: str) -> str:
    """Read the topic to its end as `access` with kcat (aiokafka only logs a refused read);
    what kcat said, or TopicAuthorizationFailedError."""
    kcat = await asyncio.create_subprocess_exec(
        "kcat", "-C", "-b", access.bootstrap, *kcat_options(access), "-t", topic, "-e", "-q",
        env=kcat_env(), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await asyncio.wait_for(kcat.communicate(), 60)
    said = errors.decode()
    if "authorization failed" in said.lower():
        raise TopicAuthorizationFailedError(said)
    assert kcat.returncode == 0, said
    return said


async def test_a_region_system_may_not_write_membership_s_topic(
    secured: infra.Endpoints,
) -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        await write(secured.kafka(REGION), MEMBERSHIP_EVENTS.name)


async def test_a_service_may_not_write_another_service_s_topic(secured: infra.Endpoints) -> None:
    with pytest.raises(TopicAuthorizationFailedError):
        await write(secured.kafka("membership"), MEETINGS_EVENTS.name)


async def test_ekm_s_finance_system_only_reads_the_payouts(secured: infra.Endpoints) -> None:
    ekm = secured.kafka(EKM_FINANCE)
    await read(ekm, FINANCE_PAYOUTS.name)
    with pytest.raises(TopicAuthorizationFailedError):
        await write(ekm, FINANCE_PAYOUTS.name)
    with pytest.raises(TopicAuthorizationFailedError):
        await read(ekm, MEMBERSHIP_EVENTS.name)


async def test_the_auditor_reads_every_topic_and_writes_none(secured: infra.Endpoints) -> None:
    auditor = secured.kafka(AUDITOR)
    for topic in TOPICS:
        await read(auditor, topic.name)
    with pytest.raises(TopicAuthorizationFailedError):
        await write(auditor, REGION_YDERNUMMER.name)


async def test_a_wrong_password_is_refused(
    secured: infra.Endpoints, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = dataclasses.replace(secured.kafka(REGION), password="not-the-password")
    admin = AIOKafkaAdminClient(**kafka_options(wrong), request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError), caplog.at_level(logging.ERROR, "aiokafka"):
        await admin.start()
    await admin.close()
    assert "invalid credentials" in caplog.text


async def test_a_plaintext_connection_is_refused(secured: infra.Endpoints) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=secured.kafka_bootstrap, request_timeout_ms=3000)
    with pytest.raises(KafkaConnectionError):
        await admin.start()
    await admin.close()


async def test_a_client_that_does_not_trust_the_ca_is_refused(secured: infra.Endpoints) -> None:
    """TLS verifies the broker: without the local CA, the handshake fails."""
    untrusting = dataclasses.replace(
        secured.kafka(REGION), ca_file=ssl.get_default_verify_paths().cafile
    )
    admin = AIOKafkaAdminClient(**kafka_options(untrusting), request_timeout_ms=3000)
    with pytest.raises(KafkaConnectionError):
        await admin.start()
    await admin.close()


def test_a_service_writes_only_its_own_topics_and_their_dead_letters() -> None:
    """The ACLs come from the registry: membership writes its topic and DLQ, and the DLQ of
    the region feed it consumes; the region system writes the feed alone."""
    found = acls(["membership", REGION, AUDITOR, EKM_FINANCE])
    writes = {(a.user, a.name) for a in found if a.operation == "write" and a.resource == TOPIC}
    assert writes == {
        ("membership", "kn.membership.events"),
        ("membership", "kn.membership.events.dlq"),
        ("membership", "kn.membership.keys"),
        ("membership", "kn.membership.keys.dlq"),
        ("membership", "kn.region.ydernummer.dlq"),
        (REGION, "kn.region.ydernummer"),
    }
    reads = {a.name for a in found if a.user == EKM_FINANCE and a.resource == TOPIC}
    assert reads == {"kn.finance.payouts"}


async def test_an_added_region_writes_the_feed_with_the_password_printed_once(
    secured: infra.Endpoints,
) -> None:
    """`kn infra principal add region:<name>`: a new user and its ACLs, nothing more."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    user, password = await asyncio.to_thread(infra.add_principal, f"region:{name}")
    assert user == f"region-{name}"
    region = secured.kafka().as_user(user, password)
    await write(region, REGION_YDERNUMMER.name)
    with pytest.raises(TopicAuthorizationFailedError):
        await write(region, MEMBERSHIP_EVENTS.name)


def test_a_principal_that_is_not_one_of_ours_is_refused_with_what_to_name() -> None:
    with pytest.raises(ValueError, match="region:<name>"):
        infra.add_principal("regoin:nord")
    with pytest.raises(ValueError, match="lower-case"):
        infra.add_principal("region:Nord Jylland")


def test_a_broker_started_before_it_was_secured_is_named_with_what_to_do(tmp_path: Path) -> None:
    """A checkout whose Kafka runs PLAINTEXT from before: `kn infra up` says to purge."""
    broker = kafka.KafkaLocal(root=tmp_path)
    (tmp_path / "data").mkdir()
    broker.pid_file.write_text(str(os.getpid()))  # a live process where its pid is kept
    with pytest.raises(RuntimeError, match="kn infra down --purge"):
        kafka.start(broker)
    (tmp_path / "data" / "meta.properties").write_text("version=1\n")
    with pytest.raises(RuntimeError, match="formatted before the broker was secured"):
        kafka._check_formatted_secured(broker)
