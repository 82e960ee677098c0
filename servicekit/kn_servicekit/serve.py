"""Run a service's HTTP app and Kafka side in one process under uvicorn."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from kn_servicekit.logging import configure_logging
from kn_servicekit.settings import ServiceSettings
from kn_servicekit.tuning import tune_gc

S = TypeVar("S", bound=ServiceSettings)


def serve(service: str, settings: S, create_app: Callable[[S], FastAPI]) -> None:
    """Configure logging, build the app from settings and serve it until SIGTERM."""
    configure_logging(service, settings.log_level)
    app = create_app(settings)
    tune_gc()
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
    )
