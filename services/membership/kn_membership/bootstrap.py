"""Composition root of the membership service: chooses the concrete adapters."""

from fastapi import FastAPI

from kn_membership import SERVICE
from kn_membership.settings import MembershipSettings
from kn_servicekit.http import create_http_app


def create_app(settings: MembershipSettings) -> FastAPI:
    """The membership service's HTTP app with its Kafka side attached."""
    return create_http_app(service=SERVICE, settings=settings)
