"""Percentages and amounts as officials write them: one rounding rule for the whole portal.

Every share the portal shows (execution rate, completion of an indicator, expected
progress, satisfaction, the dashboard's rates) is computed by ``percent`` and rounded by
``round_percent``: half up to one decimal, so that 49 of 400 reads 12.3 on the home page,
the project page, the dashboard, the briefing, the API and every export alike. Amounts
(万元) keep two decimals, also rounded half up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
HUNDRED = Decimal("100")


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal (through its text, so floats keep the digits they print), or
    None for anything that is not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def round_percent(value) -> Decimal | None:
    """A percentage rounded half up to one decimal; None stays None."""
    number = to_decimal(value)
    return None if number is None else number.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def round_amount(value) -> Decimal | None:
    """An amount (万元) rounded half up to two decimals; None stays None."""
    number = to_decimal(value)
    return None if number is None else number.quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


def percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, one decimal (half up); None when ``whole`` is
    zero or either is not a number."""
    part, whole = to_decimal(part), to_decimal(whole)
    if part is None or not whole:
        return None
    return round_percent(part * HUNDRED / whole)


def format_percent(value) -> str:
    """A percentage as text with at most one decimal and no trailing zero: 55, 55.5 (no %
    sign); a dash for a missing value."""
    number = round_percent(value)
    if number is None:
        return "—"
    text = f"{number:f}"
    return text[:-2] if text.endswith(".0") else text


def format_amount(value) -> str:
    """An amount (万元 or a count) with thousands separators and at most two decimals; a dash
    for a missing value."""
    number = round_amount(value)
    if number is None:
        return "—"
    return f"{number:,.2f}".rstrip("0").rstrip(".")
