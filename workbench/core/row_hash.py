"""Seeded per-row random numbers that pandas and Spark compute bit for bit alike.

Row ``i`` (0-based, in the table's current order) of stream ``s`` gets the 64-bit hash
``splitmix64(start(seed, s) + (i + 1) * GOLDEN)``; ``unit`` turns it into a double in [0, 1)
from its top 53 bits. Both engines use 64-bit wrapping arithmetic: NumPy ``uint64`` on pandas,
Spark longs (which wrap with ``spark.sql.ansi.enabled=false``) with ``shiftrightunsigned`` and
``bitwiseXOR``, so the same seed gives the same numbers on both (docs/decisions.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from workbench.core.lazy import F, W

if TYPE_CHECKING:
    from pyspark.sql import Column

GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_BITS = (1 << 64) - 1
_TOP53 = 2.0**-53


def _as_long(value: int) -> int:
    """An unsigned 64-bit value as the signed long Spark holds."""
    value &= _BITS
    return value - (1 << 64) if value >> 63 else value


def _splitmix(z: int) -> int:
    z &= _BITS
    z = ((z ^ (z >> 30)) * _M1) & _BITS
    z = ((z ^ (z >> 27)) * _M2) & _BITS
    return z ^ (z >> 31)


def start(seed: int, stream: int = 0) -> int:
    """Where a stream's row hashes start, mixed from the seed on the driver."""
    return _splitmix(seed * GOLDEN + stream * _M2 + 1)


def hashes_numpy(begin: int, count: int) -> np.ndarray:
    """The hashes of rows 0 … count - 1 (uint64)."""
    z = np.uint64(begin) + (np.arange(count, dtype=np.uint64) + np.uint64(1)) * np.uint64(GOLDEN)
    for shift, factor in ((30, _M1), (27, _M2)):
        z = (z ^ (z >> np.uint64(shift))) * np.uint64(factor)
    return z ^ (z >> np.uint64(31))


def hashes_spark(begin: int, position: Column) -> Column:
    """The hash of each row's position (a long column)."""
    z = F.lit(_as_long(begin)) + (position + F.lit(1)) * F.lit(_as_long(GOLDEN))
    for shift, factor in ((30, _M1), (27, _M2)):
        z = z.bitwiseXOR(F.shiftrightunsigned(z, shift)) * F.lit(_as_long(factor))
    return z.bitwiseXOR(F.shiftrightunsigned(z, 31))


def units_numpy(hashes: np.ndarray) -> np.ndarray:
    """Doubles in [0, 1) from the top 53 bits of each hash."""
    return (hashes >> np.uint64(11)).astype(np.float64) * _TOP53


def units_spark(hashes: Column) -> Column:
    """Doubles in [0, 1) from the top 53 bits of each hash."""
    return F.shiftrightunsigned(hashes, 11).cast("double") * F.lit(_TOP53)


def position_spark() -> Column:
    """Each row's 0-based position in the order carried by the engine's row-position column.

    A global window numbers the rows (one partition for that step), which is what makes the
    positions, and so the numbers, the same as pandas' for any partitioning of the input.
    """
    from workbench.engines.spark import ROW_POSITION

    return (F.row_number().over(W.Window.orderBy(F.col(ROW_POSITION))) - F.lit(1)).cast("long")
