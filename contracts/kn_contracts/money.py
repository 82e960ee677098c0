"""Money as integer øre, with the one rounding rule the system uses."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import Field

Ore = Annotated[int, Field(ge=0, description="An amount in øre (1 kr = 100 øre).")]

ORE_PER_KRONE = 100


def ore(kroner: str | int | Decimal) -> int:
    """Whole øre from an amount in kroner; refuses fractions of an øre."""
    amount = Decimal(kroner) * ORE_PER_KRONE
    if amount != amount.to_integral_value():
        raise ValueError(f"{kroner} kr is not a whole number of øre")
    return int(amount)


def share_half_up(amount: int, numerator: int, denominator: int) -> int:
    """amount × numerator ÷ denominator in øre, rounded half up (DOMAIN Coordinator 4)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    exact = Decimal(amount) * numerator / denominator
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def kroner_text(amount: int) -> str:
    """Danish-style display, e.g. 747600 → '7.476,00 kr'."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), ORE_PER_KRONE)
    return f"{sign}{whole:,}".replace(",", ".") + f",{cents:02d} kr"


SignedOre = Annotated[
    int, Field(description="A signed amount in øre, for adjustments (negative: recovered).")
]


def scale_half_up(amount: int, factor: Decimal) -> int:
    """amount × factor in øre, rounded half up (an index factor on a base amount)."""
    if factor <= 0:
        raise ValueError("an index factor must be positive")
    return int((Decimal(amount) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def kroner_decimal(amount: int) -> Decimal:
    """Kroner with two decimals, e.g. 747600 → Decimal('7476.00')."""
    return (Decimal(amount) / ORE_PER_KRONE).quantize(Decimal("0.01"))
