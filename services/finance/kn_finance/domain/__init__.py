"""Finance in pure code: rates, invoice checks, decisions, payouts, fees (no I/O)."""
