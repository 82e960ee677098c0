"""structlog configured once per process: JSON lines bound with the service name."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(service: str, level: str = "INFO") -> structlog.stdlib.BoundLogger:
    """Route structlog and stdlib logging to JSON on stderr, each line naming the service."""
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)

    def add_service(
        _: object, __: str, event: structlog.types.EventDict
    ) -> structlog.types.EventDict:
        event.setdefault("service", service)
        return event

    shared: list[structlog.types.Processor] = [
        add_service,
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = _Stderr()
    handler.addFilter(Repeats(("aiokafka",)))
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    logging.getLogger("aiokafka").setLevel(max(numeric, logging.WARNING))
    # an outbound request's line names its URL, query and all (kn-web's calls carry what a
    # person typed): never at INFO
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(max(numeric, logging.WARNING))
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(service)
    return logger


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler on whatever sys.stderr is when a line is written, not when it was made (a
    test's captured stream closes after the test; a service's stderr never changes)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _: object) -> None:
        pass


REPEAT_WINDOW_S = 30.0


class Repeats(logging.Filter):
    """Lets a library's line through once per `window` seconds for each of its messages.

    aiokafka logs each failed connection and metadata request at ERROR, every retry of every
    client: while Kafka was away for 15 s, one membership process wrote 52,000 such lines
    (tests/test_outages.py). The first of a kind (logger, level and message template) goes
    out; the same kind again within the window is counted, not written; the next after the
    window says how many were held back ("... (312 more like it in 30 s)"). Only loggers
    named by `prefixes`: our own lines are never held back."""

    def __init__(self, prefixes: tuple[str, ...], window: float = REPEAT_WINDOW_S) -> None:
        super().__init__()
        self._prefixes, self._window = prefixes, window
        self._seen: dict[tuple[str, int, str], list[float]] = {}  # kind: [since, held back]

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self._prefixes):
            return True
        kind = (record.name, record.levelno, str(record.msg))
        seen = self._seen.get(kind)
        if seen is not None and record.created - seen[0] < self._window:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            held, since = int(seen[1]), record.created - seen[0]
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # its arguments do not fit: the handler says so
                message = None
            if message is not None:
                record.msg = f"{message} ({held} more like it in {since:.0f} s)"
                record.args = None  # formatted above
        if len(self._seen) >= 1000:  # message templates are few; never grow without bound
            self._seen.clear()
        self._seen[kind] = [record.created, 0]
        return True
