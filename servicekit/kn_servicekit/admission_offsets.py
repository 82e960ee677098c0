"""Where a projection resumes: at the offsets stored with its rows (kn_offsets), never at
the consumer group's, on a start and on every rebalance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from kn_servicekit.admission_store import stored_offsets
from kn_servicekit.db import Connection
from kn_servicekit.transient import TRANSIENT


async def seek_to_stored(
    consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition], conn: Connection
) -> None:
    """Seek each partition to the offset stored in the connection's schema (start if none)."""
    stored = await stored_offsets(conn)
    for tp in partitions:
        if tp in stored:
            consumer.seek(tp, stored[tp])
        else:
            await consumer.seek_to_beginning(tp)


class Positioned(Protocol):
    """A runner that can place its consumer at the stored offsets."""

    async def seek_to_stored(
        self, consumer: AIOKafkaConsumer, partitions: Sequence[TopicPartition]
    ) -> None:
        """Position the consumer at the offsets the database holds."""
        ...

    def mark_unpositioned(self) -> None:
        """The stored offsets could not be read: the partitions wait, paused."""
        ...


class SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    """On every assignment, resume from the offsets in the database, not the group's."""

    def __init__(self, runner: Positioned, consumer: AIOKafkaConsumer) -> None:
        self._runner = runner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        """Nothing to do: offsets are committed with every batch."""

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        """Seek each newly assigned partition to its stored offset.

        Paused first: while the offsets are read from the database, aiokafka would otherwise
        start fetching from the group's committed offsets, which are not ours.
        """
        self._consumer.pause(*assigned)
        try:
            await self._runner.seek_to_stored(self._consumer, assigned)
        except TRANSIENT:
            self._runner.mark_unpositioned()  # stay paused; the loop seeks when it can
            raise
        self._consumer.resume(*assigned)
