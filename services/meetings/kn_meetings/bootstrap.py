"""Composition root of the meetings service: chooses the concrete adapters."""

from fastapi import FastAPI

from kn_meetings import SERVICE
from kn_meetings.settings import MeetingsSettings
from kn_servicekit.http import create_http_app


def create_app(settings: MeetingsSettings) -> FastAPI:
    """The meetings service's HTTP app with its Kafka side attached."""
    return create_http_app(service=SERVICE, settings=settings)
