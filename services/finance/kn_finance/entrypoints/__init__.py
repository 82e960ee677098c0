"""Finance's HTTP routes."""
