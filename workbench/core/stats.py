"""Statistics as column values: exact rounding into a column's type, means, and the mode's choice.

A statistic goes back into an integer column rounded half away from zero, into a decimal column
rounded half away from zero to 18 places. The fills, the invalid-value replacements and the
outlier steps share these (the statistics themselves are in ``workbench/core/column_stats.py``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from workbench.core.column_stats import Stats
from workbench.core.types import LType


def round_half_away(x: Fraction) -> int:
    """Round to the nearest integer, halves away from zero."""
    n = math.floor(abs(x) + Fraction(1, 2))
    return n if x >= 0 else -n


def column_value(x: Any, ltype: LType) -> Any:
    """A statistic (int, float, Decimal or Fraction) as a value of a numeric column's type.

    Integers are rounded half away from zero; decimals to 18 places, halves away from zero.
    Values that cannot be represented (an infinite mean in an integer column) become None.
    """
    if x is None:
        return None
    if isinstance(x, float) and not math.isfinite(x):
        return x if ltype is LType.DOUBLE else None
    if ltype is LType.INTEGER:
        return round_half_away(Fraction(x))
    if ltype is LType.DECIMAL:
        return Decimal(round_half_away(Fraction(x) * 10**18)).scaleb(-18)
    if ltype is LType.DOUBLE:
        return float(x)
    return x


def mean_value(total: Any, count: int, ltype: LType) -> Any:
    """The mean of ``count`` values summing to ``total``, exact for integers and decimals."""
    if total is None or count == 0:
        return None
    if ltype is LType.DOUBLE:
        return float(total) / count
    if isinstance(total, float) and not math.isfinite(total):
        return None
    return column_value(Fraction(total) / count, ltype)


class ModeType(str, Enum):
    """modeType: how a mode chooses between equally frequent values."""

    MINIMUM = "MINIMUM"
    MAXIMUM = "MAXIMUM"
    AVERAGE = "AVERAGE"
    NONE = "NONE"


def mode_value(stats: Stats, ltype: LType, how: str) -> Any:
    """The mode from statistics: the smallest, largest or mean of the equally frequent values.

    ``NONE`` takes the smallest, so the result never depends on the engine.
    """
    if stats.mode_count == 0:
        return None
    if how == "MAXIMUM":
        return stats.mode_max
    if how == "AVERAGE":
        return mean_value(stats.mode_total, stats.mode_count, ltype)
    return stats.mode_min
