"""The scheme's money rules as pure code (DOMAIN "Pool payouts", "Coordinator" 2-5): rate
tables, the checks of an invoice, its decision against the meeting's entitlement, the fee
lines. Finance decides with them; reporting and the audit recompute with the same code."""
