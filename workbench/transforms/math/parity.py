"""Math: parity flags (IS_EVEN, IS_ODD)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.arithmetic import (
    Unary,
    pd_double,
    sp_double,
)
from workbench.core.lazy import F
from workbench.core.params import Text
from workbench.core.registry import Category, Example
from workbench.core.types import LType

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class _Parity(Unary):
    """IS_EVEN / IS_ODD: a flag column, boolean or holding trueString / falseString."""

    abstract: ClassVar[bool] = True
    true_string: Text | None = None
    false_string: Text | None = None
    remainder: ClassVar[float] = 0.0

    def result_type(self, types: list[LType]) -> LType:
        return LType.BOOLEAN if self.true_string is None and self.false_string is None else LType.STRING

    def _labels(self) -> tuple[str, str]:
        return (
            "true" if self.true_string is None else self.true_string,
            "false" if self.false_string is None else self.false_string,
        )

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        a = args[0]
        if types[0] is LType.INTEGER:
            flag = pc.equal(pc.abs(pc.remainder(a, 2)), int(self.remainder))
        else:
            a = pd_double(a, types[0])
            rem = pc.abs(pc.remainder(a, 2.0))
            flag = pc.and_(pc.is_finite(a), pc.equal(rem, self.remainder))
        if self.result_type(types) is LType.BOOLEAN:
            return flag
        yes, no = self._labels()
        return pc.if_else(flag, pa.scalar(yes, pa.large_string()), pa.scalar(no, pa.large_string()))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        c = args[0]
        if types[0] is LType.INTEGER:
            flag = F.abs(c % 2) == F.lit(int(self.remainder))
        else:
            c = sp_double(c, types[0])
            finite = ~F.isnan(c) & (F.abs(c) != F.lit(float("inf")))
            flag = finite & (F.abs(c % F.lit(2.0)) == F.lit(self.remainder))
        if self.result_type(types) is LType.BOOLEAN:
            return flag
        yes, no = self._labels()
        return F.when(flag, F.lit(yes)).when(~flag, F.lit(no))


class IsEven(_Parity):
    """Flag in a new column whether each number is an even integer.

    Numbers with a fraction (2.5) and infinities are not even. A null input gives null. Without
    trueString / falseString the column is boolean; with either, it is a string column holding
    trueString / falseString (a missing one is "true" / "false").
    """

    operation = "IS_EVEN"
    category = Category.MATH
    remainder: ClassVar[float] = 0.0
    examples: ClassVar = (
        Example(
            given={"n": [4, 7, 0, -2, -3, None]},
            params={"sourceColumn": "n", "targetColumn": "even"},
            expect={"n": [4, 7, 0, -2, -3, None], "even": [True, False, True, True, False, None]},
        ),
        Example(
            given={"x": [4.0, 2.5, -6.0, None, float("inf")]},
            params={"sourceColumn": "x", "targetColumn": "even", "trueString": "yes", "falseString": "no"},
            expect={"x": [4.0, 2.5, -6.0, None, float("inf")], "even": ["yes", "no", "yes", None, "no"]},
        ),
    )


class IsOdd(_Parity):
    """Flag in a new column whether each number is an odd integer.

    Numbers with a fraction (3.5) and infinities are not odd. A null input gives null. Without
    trueString / falseString the column is boolean; with either, it is a string column holding
    trueString / falseString (a missing one is "true" / "false").
    """

    operation = "IS_ODD"
    category = Category.MATH
    remainder: ClassVar[float] = 1.0
    examples: ClassVar = (
        Example(
            given={"n": [3, 8, -5, 0, None]},
            params={"sourceColumn": "n", "targetColumn": "odd"},
            expect={"n": [3, 8, -5, 0, None], "odd": [True, False, True, False, None]},
        ),
        Example(
            given={"x": [3.0, 3.5, -1.0, None]},
            params={"sourceColumn": "x", "targetColumn": "odd", "trueString": "odd"},
            expect={"x": [3.0, 3.5, -1.0, None], "odd": ["odd", "false", "odd", None]},
        ),
    )
