"""Event contracts, one module per owning service."""
