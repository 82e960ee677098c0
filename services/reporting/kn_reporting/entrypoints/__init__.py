"""Reporting's HTTP edge."""
