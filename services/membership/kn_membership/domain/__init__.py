"""Membership rules: pure functions over the register; no I/O, no clock, no ids."""
