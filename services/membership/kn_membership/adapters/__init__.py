"""Membership's adapters: the region feed consumer, the attendance sheet, the dead letters."""
