"""Finance's use cases: load, decide, append — for HTTP commands and for the decider."""
