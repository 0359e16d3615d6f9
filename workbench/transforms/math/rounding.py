"""Math: rounding and sign, with integer results."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.arithmetic import (
    INT_LIMIT,
    ColumnOrNumber,
    MathFunction,
    Unary,
    pd_double,
    pd_null,
    sp_double,
)
from workbench.core.lazy import F
from workbench.core.params import Number
from workbench.core.registry import Category, Example
from workbench.core.types import LType

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class _ToInteger(MathFunction):
    """Results are 64-bit integers; a double too large for one (or infinite) gives null."""

    abstract: ClassVar[bool] = True

    def result_type(self, types: list[LType]) -> LType:
        return LType.INTEGER

    def pandas_double(self, a: Any) -> Any:
        raise NotImplementedError

    def spark_double(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        if types[0] is LType.INTEGER:
            return args[0]
        a = pd_double(args[0], types[0])
        fits = pc.less(pc.abs(a), INT_LIMIT)
        return pc.cast(pc.if_else(fits, self.pandas_double(a), pd_null(a)), pa.int64())

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        if types[0] is LType.INTEGER:
            return args[0]
        c = sp_double(args[0], types[0])
        return F.when(F.abs(c) < F.lit(INT_LIMIT), self.spark_double(c).cast("long"))


class Ceiling(_ToInteger, ColumnOrNumber):
    """Round each number up to the nearest integer, in a new column.

    The operand is sourceColumn or the number value1. The result is an integer column
    (2.1 -> 3, -2.9 -> -2); integers are unchanged; NaN, infinities and doubles beyond the
    64-bit range give null.
    """

    operation = "CEILING"
    category = Category.MATH
    value_param: ClassVar[str] = "value1"
    value1: Number | None = None
    examples: ClassVar = (
        Example(
            given={"kg": [2.1, -2.9, 3.0, None, 1e300]},
            params={"sourceColumn": "kg", "targetColumn": "up"},
            expect={"kg": [2.1, -2.9, 3.0, None, 1e300], "up": [3, -2, 3, None, None]},
            expect_schema={"up": "integer"},
        ),
        Example(
            given={"id": [1, 2]},
            params={"value1": "4.2", "targetColumn": "c"},
            expect={"id": [1, 2], "c": [5, 5]},
        ),
    )

    def pandas_double(self, a: Any) -> Any:
        return pc.ceil(a)

    def spark_double(self, c: SparkColumn) -> SparkColumn:
        return F.ceil(c)


class Floor(_ToInteger, ColumnOrNumber):
    """Round each number down to the nearest integer, in a new column.

    The operand is sourceColumn or the number value. The result is an integer column
    (2.9 -> 2, -2.1 -> -3); integers are unchanged; NaN, infinities and doubles beyond the
    64-bit range give null.
    """

    operation = "FLOOR"
    category = Category.MATH
    value_param: ClassVar[str] = "value"
    value: Number | None = None
    examples: ClassVar = (
        Example(
            given={"x": [2.9, -2.1, -3.0, None]},
            params={"sourceColumn": "x", "targetColumn": "down"},
            expect={"x": [2.9, -2.1, -3.0, None], "down": [2, -3, -3, None]},
            expect_schema={"down": "integer"},
        ),
        Example(
            given={"n": [5, -5, None]},
            params={"sourceColumn": "n", "targetColumn": "down"},
            expect={"n": [5, -5, None], "down": [5, -5, None]},
        ),
    )

    def pandas_double(self, a: Any) -> Any:
        return pc.floor(a)

    def spark_double(self, c: SparkColumn) -> SparkColumn:
        return F.floor(c)


class Round(_ToInteger, Unary):
    """Round each number to the nearest integer, halves away from zero, in a new column.

    2.5 -> 3 and -2.5 -> -3. The result is an integer column; integers are unchanged; NaN,
    infinities and doubles beyond the 64-bit range give null.
    """

    operation = "ROUND"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"r": [2.5, -2.5, 2.4999, 0.5, -0.4, None, float("nan")]},
            params={"sourceColumn": "r", "targetColumn": "rr"},
            expect={
                "r": [2.5, -2.5, 2.4999, 0.5, -0.4, None, float("nan")],
                "rr": [3, -3, 2, 1, 0, None, None],
            },
            expect_schema={"rr": "integer"},
        ),
        Example(
            given={"d": [Decimal("7.5"), Decimal("-0.5"), None]},
            schema={"d": "decimal"},
            params={"sourceColumn": "d", "targetColumn": "rr"},
            expect={"d": [Decimal("7.5"), Decimal("-0.5"), None], "rr": [8, -1, None]},
        ),
    )

    def pandas_double(self, a: Any) -> Any:
        return pc.round(a, 0, round_mode="half_towards_infinity")

    def spark_double(self, c: SparkColumn) -> SparkColumn:
        # Spark's round is HALF_UP on the decimal value: halves go away from zero.
        return F.round(c, 0)


class Sign(_ToInteger, Unary):
    """Write -1, 0 or 1 according to each number's sign, in a new column.

    The result is an integer column (-0.0 gives 0; infinities give -1 or 1; NaN gives null).
    """

    operation = "SIGN"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"x": [-4.5, 0.0, 3.25, None, float("inf"), float("nan")]},
            params={"sourceColumn": "x", "targetColumn": "s"},
            expect={"x": [-4.5, 0.0, 3.25, None, float("inf"), float("nan")], "s": [-1, 0, 1, None, 1, None]},
            expect_schema={"s": "integer"},
        ),
        Example(
            given={"n": [-7, 0, 12, None]},
            params={"sourceColumn": "n", "targetColumn": "s"},
            expect={"n": [-7, 0, 12, None], "s": [-1, 0, 1, None]},
        ),
    )

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        if types[0] is LType.INTEGER:
            return pc.sign(args[0])
        a = pd_double(args[0], types[0])
        return pc.if_else(pc.is_nan(a), pd_null(a), pc.sign(a))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        if types[0] is LType.INTEGER:
            return F.signum(args[0])
        c = sp_double(args[0], types[0])
        return F.when(~F.isnan(c), F.signum(c))
