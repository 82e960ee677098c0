"""The meetings domain: pure decisions and folds, no I/O, no clock, no random ids."""
