"""Reporting's adapters: its read model of the other services' facts, the PDF, exports."""
