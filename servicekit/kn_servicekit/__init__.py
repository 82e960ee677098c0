"""Machinery every service needs and no domain owns."""
