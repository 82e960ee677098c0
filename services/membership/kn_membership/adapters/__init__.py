"""Membership's adapters: the region feed consumer, the dead letters."""
