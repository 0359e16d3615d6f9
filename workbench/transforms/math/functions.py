"""Math: functions with double results (logarithms, roots, trigonometry)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.arithmetic import (
    ColumnOrNumber,
    MathFunction,
    Unary,
    pd_domain,
    pd_double,
    pd_null,
    sp_double,
)
from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.params import NewColumn, Number
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row
from workbench.core.types import LType

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class Log(Unary):
    """Write the logarithm of each number in a chosen base (10 by default) to a new column.

    The result is a double. The logarithm of zero or a negative number is null (NaN gives
    NaN). base must be positive and not 1. Bases 10 and 2 use the exact log10/log2 functions;
    other bases divide natural logarithms.
    """

    operation = "LOG"
    category = Category.MATH
    base: Number = 10
    examples: ClassVar = (
        Example(
            given={"x": [100.0, 1.0, 0.001, 0.0, -10.0, None]},
            params={"sourceColumn": "x", "targetColumn": "lg"},
            expect={"x": [100.0, 1.0, 0.001, 0.0, -10.0, None], "lg": [2.0, 0.0, -3.0, None, None, None]},
        ),
        Example(
            given={"n": [8, 1, None]},
            params={"sourceColumn": "n", "targetColumn": "l2", "base": "2"},
            expect={"n": [8, 1, None], "l2": [3.0, 0.0, None]},
        ),
        Example(
            given={"n": [81, 3]},
            params={"sourceColumn": "n", "targetColumn": "l3", "base": "3"},
            expect={"n": [81, 3], "l3": [4.0, 1.0]},
        ),
    )

    @model_validator(mode="after")
    def _valid_base(self) -> Log:
        if not (self.base > 0 and self.base != 1 and math.isfinite(self.base)):
            raise ParameterError(
                f"the base of a logarithm must be positive and not 1 (got {self.base:g})",
                operation=self.operation,
                parameter="base",
            )
        return self

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        a = pd_double(args[0], types[0])
        if self.base == 10:
            out = pc.log10(a)
        elif self.base == 2:
            out = pc.log2(a)
        else:
            out = pc.divide(pc.ln(a), math.log(self.base))
        return pc.if_else(pd_domain(pc.greater(a, 0.0), a), out, pd_null(a))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        c = sp_double(args[0], types[0])
        if self.base == 10:
            out = F.log10(c)
        elif self.base == 2:
            out = F.log2(c)
        else:
            out = F.log(c) / F.lit(math.log(self.base))
        return F.when(c > 0, out)


class Power(ColumnOrNumber):
    """Raise a column or a number to a given exponent, in a new column (a double).

    The base is sourceColumn or value. A result that is not a real number is null: zero to a
    negative exponent (a division by zero) and a negative base with a fractional exponent.
    """

    operation = "POWER"
    category = Category.MATH
    value_param: ClassVar[str] = "value"
    value: Number | None = None
    exponent: Number
    examples: ClassVar = (
        Example(
            given={"age": [2, -3, 0, None]},
            params={"sourceColumn": "age", "exponent": "3", "targetColumn": "cubed"},
            expect={"age": [2, -3, 0, None], "cubed": [8.0, -27.0, 0.0, None]},
            expect_schema={"cubed": "double"},
        ),
        Example(
            given={"x": [4.0, -4.0, 0.0, None]},
            params={"sourceColumn": "x", "exponent": "-0.5", "targetColumn": "p"},
            expect={"x": [4.0, -4.0, 0.0, None], "p": [0.5, None, None, None]},
        ),
        Example(
            given={"id": [1, 2]},
            params={"value": "2", "exponent": "10", "targetColumn": "kib"},
            expect={"id": [1, 2], "kib": [1024.0, 1024.0]},
        ),
    )

    def result_type(self, types: list[LType]) -> LType:
        return LType.DOUBLE

    def _undefined_when(self) -> tuple[bool, bool]:
        """(null where base == 0, null where base < 0) for this exponent."""
        return self.exponent < 0, not float(self.exponent).is_integer()

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        a = pd_double(args[0], types[0])
        out = pc.power(a, float(self.exponent))
        at_zero, below_zero = self._undefined_when()
        if at_zero:
            out = pc.if_else(pc.equal(a, 0.0), pd_null(out), out)
        if below_zero:
            out = pc.if_else(pc.less(a, 0.0), pd_null(out), out)
        return out

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        c = sp_double(args[0], types[0])
        ok = F.lit(True)
        at_zero, below_zero = self._undefined_when()
        if at_zero:
            ok = ok & (c != 0)
        if below_zero:
            ok = ok & (c >= 0)
        return F.when(ok, F.pow(c, F.lit(float(self.exponent))))


class Pi(MathFunction):
    """Add a column holding the number pi (3.14159…) on every row.

    The column is a double and is placed at the end of the table.
    """

    operation = "PI"
    category = Category.MATH
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"id": [1, None]},
            params={"targetColumn": "pi"},
            expect={"id": [1, None], "pi": [math.pi, math.pi]},
        ),
    )

    def operands(self) -> list[tuple[str | None, float | None]]:
        return []

    def result_type(self, types: list[LType]) -> LType:
        return LType.DOUBLE

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        return pa.repeat(pa.scalar(math.pi), n)

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        return F.lit(math.pi)


DOUBLE_FUNCTIONS = declare(
    Unary,
    Category.MATH,
    __name__,
    row(
        "EXPONENT",
        """Write e raised to the power of each number to a new column (a double).""",
        examples=(
            Example(
                given={"x": [0, 1, -1, None]},
                params={"sourceColumn": "x", "targetColumn": "ex"},
                expect={"x": [0, 1, -1, None], "ex": [1.0, 2.718281828459045, 0.36787944117144233, None]},
            ),
        ),
        pandas=pc.exp,
        spark=lambda c: F.exp(c),
    ),
    row(
        "LN",
        """Write the natural logarithm of each number to a new column (a double).

        The logarithm of zero or a negative number is null; NaN gives NaN.
        """,
        examples=(
            Example(
                given={"x": [1.0, 2.718281828459045, 0.0, -1.0, None]},
                params={"sourceColumn": "x", "targetColumn": "ln"},
                expect={"x": [1.0, 2.718281828459045, 0.0, -1.0, None], "ln": [0.0, 1.0, None, None, None]},
            ),
        ),
        pandas=lambda a: pc.if_else(pd_domain(pc.greater(a, 0.0), a), pc.ln(a), pd_null(a)),
        spark=lambda c: F.when(c > 0, F.log(c)),
    ),
    row(
        "SQUARE_ROOT",
        """Write the square root of each number to a new column (a double).

        The square root of a negative number is null; NaN gives NaN.
        """,
        examples=(
            Example(
                given={"x": [16, 2, 0, -4, None]},
                params={"sourceColumn": "x", "targetColumn": "root"},
                expect={"x": [16, 2, 0, -4, None], "root": [4.0, 1.4142135623730951, 0.0, None, None]},
            ),
            Example(
                given={"x": [0.25, -0.0, float("nan"), float("-inf")]},
                params={"sourceColumn": "x", "targetColumn": "root"},
                expect={
                    "x": [0.25, -0.0, float("nan"), float("-inf")],
                    "root": [0.5, -0.0, float("nan"), None],
                },
            ),
        ),
        pandas=lambda a: pc.if_else(pd_domain(pc.greater_equal(a, 0.0), a), pc.sqrt(a), pd_null(a)),
        spark=lambda c: F.when(c >= 0, F.sqrt(c)),
    ),
    row(
        "DEGREES",
        """Convert angles in radians to degrees, in a new column (a double).""",
        examples=(
            Example(
                given={"rad": [math.pi, -math.pi / 2, 0.0, None]},
                params={"sourceColumn": "rad", "targetColumn": "deg"},
                expect={"rad": [math.pi, -math.pi / 2, 0.0, None], "deg": [180.0, -90.0, 0.0, None]},
            ),
        ),
        pandas=lambda a: pc.multiply(a, 180.0 / math.pi),
        spark=lambda c: c * F.lit(180.0 / math.pi),
    ),
    row(
        "RADIANS",
        """Convert angles in degrees to radians, in a new column (a double).""",
        examples=(
            Example(
                given={"deg": [180, -90, 0, None]},
                params={"sourceColumn": "deg", "targetColumn": "rad"},
                expect={"deg": [180, -90, 0, None], "rad": [math.pi, -math.pi / 2, 0.0, None]},
            ),
        ),
        pandas=lambda a: pc.multiply(a, math.pi / 180.0),
        spark=lambda c: c * F.lit(math.pi / 180.0),
    ),
)
