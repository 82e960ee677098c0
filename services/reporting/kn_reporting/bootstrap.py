"""Composition root of the reporting service: chooses the concrete adapters."""

from fastapi import FastAPI

from kn_reporting import SERVICE
from kn_reporting.settings import ReportingSettings
from kn_servicekit.http import create_http_app


def create_app(settings: ReportingSettings) -> FastAPI:
    """The reporting service's HTTP app with its Kafka side attached."""
    return create_http_app(service=SERVICE, settings=settings)
