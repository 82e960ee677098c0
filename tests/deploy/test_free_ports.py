"""The suite's servers get ports no outgoing connection can take before they bind."""

from __future__ import annotations

import socket

from tests.support.private_infra import ephemeral_start, free_port, free_ports


def test_free_ports_lie_below_the_kernels_ephemeral_range() -> None:
    start = ephemeral_start()
    for _ in range(50):
        first = free_ports(5)
        assert first >= 10_000
        assert first + 5 <= start
        assert free_port() < start


def test_free_ports_are_free_when_given() -> None:
    first = free_ports(3)
    for port in range(first, first + 3):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))
