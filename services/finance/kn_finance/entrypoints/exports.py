"""EKM's payouts of a period as CSV and XLSX (Danish headers, kroner with two decimals)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["exports"])
