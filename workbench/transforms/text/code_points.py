"""Functions: text — code points: the character of a number and the number of a character."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import ColumnFunction, ColumnOrValue, require_one_of
from workbench.core.lazy import F, scol
from workbench.core.params import Integer, NewColumn, NumericColumn
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row
from workbench.core.text import (
    TextFunction,
    combined,
)
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column
    from pyspark.sql import DataFrame as SparkFrame

# --- code points -----------------------------------------------------------------------------


def _chars_pandas(values: Any) -> pa.Array:
    """Each number as the character with that code point; null when it is not a valid one."""
    numbers = pc.cast(combined(values), pa.float64()).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        ok = (
            np.isfinite(numbers)
            & (numbers == np.floor(numbers))
            & (numbers >= 0)
            & (numbers <= 0x10FFFF)
            & ~((numbers >= 0xD800) & (numbers <= 0xDFFF))
        )
    points = np.where(ok, numbers, 0).astype(np.uint32)
    sizes = np.where(ok, 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000), 0)
    data = points[ok].astype("<u4").tobytes().decode("utf-32-le").encode("utf-8")
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    text = pa.Array.from_buffers(
        pa.large_string(), len(numbers), [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)]
    )
    return pc.if_else(pa.array(ok), text, pa.scalar(None, pa.large_string()))


def _chars_spark(c: Column) -> Column:
    d = c.cast("double")
    surrogate = (d >= F.lit(0xD800)) & (d <= F.lit(0xDFFF))
    ok = (d == F.floor(d)) & (d >= F.lit(0)) & (d <= F.lit(0x10FFFF)) & ~surrogate
    safe = F.when(ok, d.cast("long")).otherwise(F.lit(65))
    char = F.decode(F.unhex(F.lpad(F.hex(safe), 8, "0")), "UTF-32")
    return F.when(ok, char)


def _first_code_point_pandas(a: Any) -> pa.Array:
    """The code point of each string's first character; null for null or empty text."""
    first = combined(pc.cast(pc.utf8_slice_codeunits(a, 0, 1), pa.large_string()))
    n = len(first)
    _, offsets_buf, data_buf = first.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[first.offset : first.offset + n + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    padded = np.concatenate([data, np.zeros(4, np.uint8)]).astype(np.int64)
    start = offsets[:-1]
    size = np.diff(offsets)
    b0, b1, b2, b3 = (padded[start + k] for k in range(4))
    point = np.select(
        [size == 1, size == 2, size == 3],
        [b0, ((b0 & 0x1F) << 6) | (b1 & 0x3F), ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F)],
        ((b0 & 0x07) << 18) | ((b1 & 0x3F) << 12) | ((b2 & 0x3F) << 6) | (b3 & 0x3F),
    )
    missing = (size == 0) | pc.is_null(first).to_numpy(zero_copy_only=False)
    return pa.array(point, pa.int64(), mask=missing)


class Char(ColumnFunction):
    """Write the character whose Unicode code point is the number (a column or a literal value).

    Numbers that are not a whole, valid code point (negative, above U+10FFFF, a surrogate, or
    with a fraction) give null, as does a null number.
    """

    operation = "CHAR"
    category = Category.TEXT
    source_column: NumericColumn | None = None
    value: Integer | None = None
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"n": [65, 233, 128512, -1, None, 1114112, 55296, 0x10FFFF]},
            params={"sourceColumn": "n", "targetColumn": "c"},
            expect={
                "n": [65, 233, 128512, -1, None, 1114112, 55296, 0x10FFFF],
                "c": ["A", "\u00e9", "\U0001f600", None, None, None, None, "\U0010ffff"],
            },
        ),
        Example(
            given={"d": [97.0, 97.5, None]},
            params={"sourceColumn": "d", "targetColumn": "c"},
            expect={"d": [97.0, 97.5, None], "c": ["a", None, None]},
            title="decimal numbers",
        ),
        ColumnOrValue.literal_example("66", "c", "B"),
    )

    @model_validator(mode="after")
    def _one_input(self) -> Char:
        require_one_of(self.operation, "sourceColumn", "value", self.source_column, self.value)
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        if self.source_column is not None:
            source = df[self.source_column]
        else:
            source = ctx.constant(self.value, LType.INTEGER, df.index)
        return {self.target_column: wrap(_chars_pandas(arr(source)), source)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, Column]:
        source = scol(self.source_column) if self.source_column else F.lit(self.value)
        return {self.target_column: _chars_spark(source)}


CODE_POINT = declare(
    TextFunction,
    Category.TEXT,
    __name__,
    row(
        "UNICODE",
        """Write the Unicode code point of the first character of the text to a new column.

        The result is an integer column; empty or null text gives null.
        """,
        examples=(
            Example(
                given={"t": ["A", "\u00e9t\u00e9", "\U0001f600x", "", None]},
                params={"sourceColumn": "t", "targetColumn": "code"},
                expect={
                    "t": ["A", "\u00e9t\u00e9", "\U0001f600x", "", None],
                    "code": [65, 233, 128512, None, None],
                },
            ),
        ),
        pandas=_first_code_point_pandas,
        spark=lambda c: F.when(F.length(c) > 0, F.ascii(c).cast("long")),
        result=LType.INTEGER,
    ),
)
