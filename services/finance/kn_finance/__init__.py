"""The finance service: rate tables, invoices, pool entitlement, coordinator fees and payouts."""

SERVICE = "finance"
