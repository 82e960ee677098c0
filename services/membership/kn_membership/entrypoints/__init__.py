"""Membership's HTTP API."""
