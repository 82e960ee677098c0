"""The kit's log lines as event dicts, as a service logging at INFO writes them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from kn_servicekit import access_log, trace

Lines = list[structlog.typing.EventDict]


@contextmanager
def kit_lines() -> Iterator[Lines]:
    """Every structlog line meanwhile, with what the context binds (trace id, correlation
    id); the kit's per-request and per-event loggers on, as a service's KN_LOG_LEVEL=INFO
    has them (under pytest the standard library's root logger stays at WARNING)."""
    loggers = [logging.getLogger(name) for name in (trace.LOGGER, access_log.LOGGER)]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.INFO)
    try:
        with structlog.testing.capture_logs(
            processors=[structlog.contextvars.merge_contextvars]
        ) as lines:
            yield lines
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def lines_of(lines: Lines, event: str, **having: object) -> Lines:
    """The lines of one event whose fields have the given values."""
    return [
        line
        for line in lines
        if line["event"] == event and all(line.get(k) == v for k, v in having.items())
    ]
