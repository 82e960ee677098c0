"""The reporting service: annual status, national overview and audit replay."""

SERVICE = "reporting"
