"""HTTP for a latency benchmark: a lean keep-alive HTTP/1.1 client (so the load generator
costs the machine little beside the services it measures) and what the services' /metrics
say about where a run's time went."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from prometheus_client.parser import text_string_to_metric_families

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Connections:
    """Keep-alive connections to one server, one request on each at a time; the most
    recently used first, so an idle one the server closed is met only when more are
    needed (then it is opened again and the request sent again: send an Idempotency-Key)."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        fixed = {"Host": parts.netloc, "Content-Type": "application/json", **headers}
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in fixed.items())
        self._idle: list[Stream] = []

    async def post(self, path: str, body: dict[str, Any], **headers: str) -> int:
        """POST `body` as JSON; the answer's status (its body is read and dropped)."""
        data = json.dumps(body).encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head = f"POST {path} HTTP/1.1\r\n{self._fixed}{extra}Content-Length: {len(data)}\r\n\r\n"
        request = head.encode() + data
        stream = self._idle.pop() if self._idle else await self._open()
        try:
            status, keep = await self._exchange(stream, request)
        except (ConnectionError, asyncio.IncompleteReadError):  # closed while idle
            stream[1].close()
            stream = await self._open()
            status, keep = await self._exchange(stream, request)
        if keep:
            self._idle.append(stream)
        else:
            stream[1].close()
        return status

    async def _open(self) -> Stream:
        return await asyncio.open_connection(self._host, self._port)

    async def _exchange(self, stream: Stream, request: bytes) -> tuple[int, bool]:
        reader, writer = stream
        writer.write(request)
        line = await reader.readline()
        if not line:
            raise ConnectionResetError("closed by the server")
        status, length, keep = int(line.split()[1]), 0, True
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                keep = False
        await reader.readexactly(length)
        return status, keep

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()


async def scrape(urls: dict[str, str], route: str) -> dict[str, float]:
    """Membership's server time for `route` and meetings' membership_view batches so far."""
    view = "membership_view"
    wanted = {
        ("membership", "kn_http_request_seconds_sum", "route", route): "server_s",
        ("membership", "kn_http_request_seconds_count", "route", route): "requests",
        ("meetings", "kn_projection_batch_seconds_sum", "projection", view): "write_s",
        ("meetings", "kn_projection_batch_seconds_count", "projection", view): "batches",
        ("meetings", "kn_projection_events_applied_total", "projection", view): "applied",
    }
    found = dict.fromkeys(wanted.values(), 0.0)
    async with httpx.AsyncClient(timeout=10) as http:
        for service in ("membership", "meetings"):
            text = (await http.get(f"{urls[service]}/metrics")).text
            for family in text_string_to_metric_families(text):
                for s in family.samples:
                    for label in ("route", "projection"):
                        name = wanted.get((service, s.name, label, s.labels.get(label, "")))
                        if name is not None:
                            found[name] += s.value
    return found


@dataclass(frozen=True)
class Split:
    """What the services' own /metrics say about the run (differences, after - before)."""

    delta: dict[str, float]

    @classmethod
    def of(cls, before: dict[str, float], after: dict[str, float]) -> Split:
        return cls({k: after[k] - before[k] for k in after})

    def lines(self) -> list[str]:
        d = self.delta
        requests, batches = max(d["requests"], 1), max(d["batches"], 1)
        return [
            f"membership's own time per command (its /metrics): mean "
            f"{d['server_s'] / requests * 1000:.1f} ms over {d['requests']:.0f}",
            f"meetings' membership_view (its /metrics): {d['batches']:.0f} batches, mean "
            f"{d['applied'] / batches:.1f} events and {d['write_s'] / batches * 1000:.1f} ms "
            "written each",
        ]
