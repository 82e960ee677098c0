"""What Kafka refuses for good when the relay publishes, and what an operator does about it."""

from __future__ import annotations

from aiokafka import errors
from aiokafka.errors import KafkaError

from kn_servicekit.errors import KitError

STOPPED_RECHECK = 60.0  # seconds between tries of a log Kafka refused for good
# What Kafka will refuse however often it is asked: retrying would stop the log for ever
# while /ready said all is well.
REFUSED_FOR_GOOD: tuple[type[KafkaError], ...] = (
    errors.MessageSizeTooLargeError,
    errors.RecordTooLargeError,
    errors.RecordListTooLargeError,
    errors.InvalidTopicError,
    errors.TopicAuthorizationFailedError,
    errors.ClusterAuthorizationFailedError,
    errors.UnsupportedVersionError,
    errors.CorruptRecordException,
)
_TOO_LARGE = (
    "an event larger than the limit reached the store (appends refuse them since the "
    "limit exists); raise the topic's max.message.bytes (kafka-configs --alter) above it"
)
REMEDIES: dict[type[KafkaError], str] = {
    errors.MessageSizeTooLargeError: _TOO_LARGE,
    errors.RecordTooLargeError: _TOO_LARGE,
    errors.TopicAuthorizationFailedError: "grant this service's principal WRITE on the topic",
    errors.InvalidTopicError: "create the topic (`kn infra topics`) under its registered name",
}


class PublishRefused(KitError):
    """Kafka refuses a batch for a reason that retrying cannot change."""
