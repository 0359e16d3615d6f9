"""Math: binary arithmetic (ADD, SUBTRACT, MULTIPLY, DIVIDE, MOD, POWER) of columns and values."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow.compute as pc

from workbench.core.arithmetic import (
    Binary,
    pd_nonzero,
)
from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class Add(Binary):
    """Add two columns, or a column and a number, into a new column.

    Operands are sourceColumn1 or value1, and sourceColumn2 or value2. DataBrew's documented
    short form sourceColumn1 + value1 (with neither sourceColumn2 nor value2) is accepted too.
    Integer + integer gives an integer (64-bit, wrapping on overflow); anything else a double.
    """

    operation = "ADD"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"a": [1, -2, None, 4], "b": [10, 5, 3, None]},
            params={"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "a_plus_b"},
            expect={"a": [1, -2, None, 4], "a_plus_b": [11, 3, None, None], "b": [10, 5, 3, None]},
            expect_schema={"a_plus_b": "integer"},
        ),
        Example(
            given={"w": [1.5, -0.25, None]},
            params={"sourceColumn1": "w", "value1": "2", "targetColumn": "w2"},
            title="DataBrew's short form: value1 is the second operand",
            expect={"w": [1.5, -0.25, None], "w2": [3.5, 1.75, None]},
        ),
        Example(
            given={"n": [1, None, -7]},
            params={"value1": "0.5", "sourceColumn2": "n", "targetColumn": "m"},
            expect={"n": [1, None, -7], "m": [1.5, None, -6.5]},
            expect_schema={"m": "double"},
        ),
    )

    def _short_form(self) -> bool:
        # DataBrew documents ADD as sourceColumn1 + (sourceColumn2 | value1): value1 is then
        # the second operand. Addition commutes, so the order of the operands does not matter.
        return (
            self.source_column1 is not None
            and self.value1 is not None
            and self.source_column2 is None
            and self.value2 is None
        )

    def check_operands(self) -> None:
        if not self._short_form():
            super().check_operands()

    def operands(self) -> list[tuple[str | None, float | None]]:
        if self._short_form():
            return [(self.source_column1, None), (None, self.value1)]
        return super().operands()

    def pandas_pair(self, a: Any, b: Any) -> Any:
        return pc.add(a, b)

    def spark_pair(self, a: SparkColumn, b: SparkColumn) -> SparkColumn:
        return a + b


ARITHMETIC = declare(
    Binary,
    Category.MATH,
    __name__,
    row(
        "SUBTRACT",
        """Subtract the second column or number from the first into a new column.

        Integer - integer gives an integer (64-bit, wrapping on overflow); anything else a double.
        """,
        examples=(
            Example(
                given={"kg": [70.5, 10.0, None]},
                params={"sourceColumn1": "kg", "value2": "10", "targetColumn": "less"},
                expect={"kg": [70.5, 10.0, None], "less": [60.5, 0.0, None]},
            ),
            Example(
                given={"a": [5, -3, None], "b": [8, -3, 1]},
                params={"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "d"},
                expect={"a": [5, -3, None], "d": [-3, 0, None], "b": [8, -3, 1]},
                expect_schema={"d": "integer"},
            ),
            Example(
                given={"b": [1, 150, None]},
                params={"value1": "100", "sourceColumn2": "b", "targetColumn": "left"},
                expect={"b": [1, 150, None], "left": [99, -50, None]},
                expect_schema={"left": "integer"},
            ),
        ),
        pandas=pc.subtract,
        spark=operator.sub,
    ),
    row(
        "MULTIPLY",
        """Multiply two columns, or a column and a number, into a new column.

        Integer x integer gives an integer (64-bit, wrapping on overflow); anything else a double.
        """,
        examples=(
            Example(
                given={"qty": [3, 0, None, -2], "price": [2.5, 9.99, 1.0, 4.0]},
                params={"sourceColumn1": "qty", "sourceColumn2": "price", "targetColumn": "total"},
                expect={
                    "qty": [3, 0, None, -2],
                    "total": [7.5, 0.0, None, -8.0],
                    "price": [2.5, 9.99, 1.0, 4.0],
                },
            ),
            Example(
                given={"n": [4, -5, None]},
                params={"sourceColumn1": "n", "value2": "3", "targetColumn": "n3"},
                expect={"n": [4, -5, None], "n3": [12, -15, None]},
                expect_schema={"n3": "integer"},
            ),
        ),
        pandas=pc.multiply,
        spark=operator.mul,
    ),
    row(
        "DIVIDE",
        """Divide the first column or number by the second into a new column.

        The result is always a double (7 / 2 = 3.5). Division by zero gives null.
        """,
        examples=(
            Example(
                given={"a": [7, -9, 5, None, 0], "b": [2, 3, 0, 4, 5]},
                params={"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "q"},
                expect={"a": [7, -9, 5, None, 0], "q": [3.5, -3.0, None, None, 0.0], "b": [2, 3, 0, 4, 5]},
                expect_schema={"q": "double"},
            ),
            Example(
                given={"x": [1.5, -3.0, None]},
                params={"sourceColumn1": "x", "value2": "0", "targetColumn": "q"},
                title="a zero divisor gives null",
                expect={"x": [1.5, -3.0, None], "q": [None, None, None]},
            ),
            Example(
                given={"d": [4.0, 0.0, -0.5, None]},
                params={"value1": "1", "sourceColumn2": "d", "targetColumn": "inv"},
                expect={"d": [4.0, 0.0, -0.5, None], "inv": [0.25, None, -2.0, None]},
            ),
        ),
        pandas=lambda a, b: pc.divide(a, pd_nonzero(b)),
        spark=lambda a, b: F.when(b != 0, a / b),
        double_result=True,
    ),
    row(
        "MOD",
        """Write the remainder of dividing the first column by the second to a new column.

        The remainder has the sign of the dividend (truncated division: -7 MOD 3 = -1, 7 MOD -3 = 1),
        like Spark's and SQL's %. A zero divisor gives null. Integer operands give an integer,
        otherwise a double (5.5 MOD 2 = 1.5). DataBrew documents two columns; value1 / value2 may
        stand in for either, as for the other binary operations.
        """,
        examples=(
            Example(
                given={"a": [7, -7, 7, 9, None, 4], "b": [3, 3, -3, 0, 2, None]},
                params={"sourceColumn1": "a", "sourceColumn2": "b", "targetColumn": "r"},
                expect={
                    "a": [7, -7, 7, 9, None, 4],
                    "r": [1, -1, 1, None, None, None],
                    "b": [3, 3, -3, 0, 2, None],
                },
                expect_schema={"r": "integer"},
            ),
            Example(
                given={"x": [5.5, -5.5, 4.0, None]},
                params={"sourceColumn1": "x", "value2": "2", "targetColumn": "r"},
                expect={"x": [5.5, -5.5, 4.0, None], "r": [1.5, -1.5, 0.0, None]},
            ),
        ),
        pandas=lambda a, b: pc.remainder(a, pd_nonzero(b)),
        spark=lambda a, b: F.when(b != 0, a % b),
    ),
)
