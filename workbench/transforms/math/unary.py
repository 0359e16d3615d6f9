"""Math: one column in, the same type out."""

from __future__ import annotations

import operator
from decimal import Decimal

import pyarrow.compute as pc

from workbench.core.arithmetic import (
    Unary,
)
from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row

SAME_TYPE = declare(
    Unary,
    Category.MATH,
    __name__,
    row(
        "ABSOLUTE",
        """Write the absolute value of a numeric column to a new column.

        The result keeps the input type (integer, double or decimal).
        """,
        examples=(
            Example(
                given={"x": [-1.5, 2.0, None, -0.0]},
                params={"sourceColumn": "x", "targetColumn": "abs_x"},
                expect={"x": [-1.5, 2.0, None, -0.0], "abs_x": [1.5, 2.0, None, 0.0]},
            ),
            Example(
                given={"n": [-3, 0, 7, None]},
                params={"sourceColumn": "n", "targetColumn": "m"},
                expect={"n": [-3, 0, 7, None], "m": [3, 0, 7, None]},
                expect_schema={"m": "integer"},
            ),
            Example(
                given={"d": [Decimal("-12.345"), Decimal("0.5"), None]},
                schema={"d": "decimal"},
                params={"sourceColumn": "d", "targetColumn": "m"},
                expect={
                    "d": [Decimal("-12.345"), Decimal("0.5"), None],
                    "m": [Decimal("12.345"), Decimal("0.5"), None],
                },
                expect_schema={"m": "decimal"},
            ),
        ),
        pandas=pc.abs,
        spark=lambda c: F.abs(c),
        keeps_type=True,
    ),
    row(
        "NEGATE",
        """Write each number with its sign flipped to a new column.

        The result keeps the input type (integer, double or decimal).
        """,
        examples=(
            Example(
                given={"n": [3, -4, 0, None]},
                params={"sourceColumn": "n", "targetColumn": "neg"},
                expect={"n": [3, -4, 0, None], "neg": [-3, 4, 0, None]},
                expect_schema={"neg": "integer"},
            ),
            Example(
                given={"x": [2.5, -0.125, None]},
                params={"sourceColumn": "x", "targetColumn": "neg"},
                expect={"x": [2.5, -0.125, None], "neg": [-2.5, 0.125, None]},
            ),
        ),
        pandas=pc.negate,
        spark=operator.neg,
        keeps_type=True,
    ),
)
