"""Reporting's pure domain: the annual status and the national overview, folded from facts."""
