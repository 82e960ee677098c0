"""Composition root of the finance service: chooses the concrete adapters."""

from fastapi import FastAPI

from kn_finance import SERVICE
from kn_finance.settings import FinanceSettings
from kn_servicekit.http import create_http_app


def create_app(settings: FinanceSettings) -> FastAPI:
    """The finance service's HTTP app with its Kafka side attached."""
    return create_http_app(service=SERVICE, settings=settings)
