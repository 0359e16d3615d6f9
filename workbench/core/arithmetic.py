"""The base of the math functions: operands from a column or a literal, integer and double results,
and the null, NaN and overflow rules every math step shares (docs/semantics.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import ColumnFunction, require_one_of
from workbench.core.lazy import F, scol
from workbench.core.params import NewColumn, Number, NumericColumn
from workbench.core.types import LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

INT_LIMIT = 9.2e18
"""Doubles at or beyond this magnitude do not fit a 64-bit integer; converting them gives null."""


def literal_type(value: float) -> LType:
    return LType.INTEGER if float(value).is_integer() and abs(value) < INT_LIMIT else LType.DOUBLE


# --- small helpers, one per engine -----------------------------------------------------------


def pd_null(a: Any) -> pa.Scalar:
    return pa.scalar(None, a.type)


def pd_double(a: Any, ltype: LType) -> Any:
    return a if ltype is LType.DOUBLE else pc.cast(a, pa.float64(), safe=False)


def pd_domain(ok: Any, a: Any) -> Any:
    """``ok`` or NaN: NaN passes a domain check and gives NaN, as Spark's comparisons do."""
    return pc.or_(ok, pc.is_nan(a))


def pd_nonzero(a: Any) -> Any:
    """The divisor with zeros replaced by null (division by zero gives null)."""
    return pc.if_else(pc.equal(a, 0), pd_null(a), a)


def sp_double(c: SparkColumn, ltype: LType) -> SparkColumn:
    return c if ltype is LType.DOUBLE else c.cast("double")


# --- the family base --------------------------------------------------------------------------


class MathFunction(ColumnFunction):
    """Computes ``targetColumn`` from operands that are each a column or a literal number.

    Subclasses list their operands, declare the result type from the operand types and
    write the computation once per engine on Arrow arrays / Spark columns.
    """

    abstract: ClassVar[bool] = True
    if TYPE_CHECKING:  # declared by each base after its inputs, so forms list the inputs first
        target_column: str

    def operands(self) -> list[tuple[str | None, float | None]]:
        """(column, literal) per operand; exactly one of the two is set."""
        raise NotImplementedError

    def result_type(self, types: list[LType]) -> LType:
        raise NotImplementedError

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        raise NotImplementedError

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        raise NotImplementedError

    def operand_types(self, schema: Schema) -> list[LType]:
        return [schema[c] if c is not None else literal_type(v) for c, v in self.operands()]  # type: ignore[arg-type]

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result_type(self.operand_types(schema))}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        types = self.operand_types(ctx.schema_of(df))
        n = len(df.index)
        args = []
        for (column, value), ltype in zip(self.operands(), types, strict=True):
            if column is None:
                scalar = pa.scalar(int(value) if ltype is LType.INTEGER else float(value), arrow_type(ltype))  # type: ignore[arg-type]
                args.append(pa.repeat(scalar, n))
                continue
            args.append(arr(df[column]))
        out = self.pandas_calc(args, types, n)
        out = pc.cast(out, arrow_type(self.result_type(types)))
        return {self.target_column: wrap(out, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        from workbench.engines.spark.types import spark_type

        types = self.operand_types(ctx.schema_of(df))
        args = []
        for (column, value), ltype in zip(self.operands(), types, strict=True):
            if column is None:
                literal = int(value) if ltype is LType.INTEGER else float(value)  # type: ignore[arg-type]
                args.append(F.lit(literal).cast(spark_type(ltype)))
                continue
            args.append(scol(column))
        out = self.spark_calc(args, types)
        return {self.target_column: out.cast(spark_type(self.result_type(types)))}


class Unary(MathFunction):
    """One numeric source column.

    The simple form writes one expression per engine on the operand (``arrow_map`` and
    ``spark_map``, the hooks a table row fills): the operand arrives as a double unless the
    operation ``keeps_type`` (ABSOLUTE gives an integer for an integer).
    """

    abstract: ClassVar[bool] = True
    row_hooks: ClassVar[tuple[str, str]] = ("arrow_map", "spark_map")
    keeps_type: ClassVar[bool] = False
    """The result has the operand's type; otherwise both are doubles."""
    source_column: NumericColumn
    target_column: NewColumn

    def operands(self) -> list[tuple[str | None, float | None]]:
        return [(self.source_column, None)]

    def result_type(self, types: list[LType]) -> LType:
        return types[0] if self.keeps_type else LType.DOUBLE

    def arrow_map(self, a: Any) -> Any:
        raise NotImplementedError

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        return self.arrow_map(args[0] if self.keeps_type else pd_double(args[0], types[0]))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        return self.spark_map(args[0] if self.keeps_type else sp_double(args[0], types[0]))


class ColumnOrNumber(MathFunction):
    """One operand given either as ``sourceColumn`` or as a literal (named by ``value_param``)."""

    abstract: ClassVar[bool] = True
    value_param: ClassVar[str] = "value"
    source_column: NumericColumn | None = None
    target_column: NewColumn

    def literal(self) -> float | None:
        return getattr(self, self.value_param)

    @model_validator(mode="after")
    def _one_input(self) -> ColumnOrNumber:
        require_one_of(self.operation, "sourceColumn", self.value_param, self.source_column, self.literal())
        return self

    def operands(self) -> list[tuple[str | None, float | None]]:
        return [(self.source_column, self.literal())]


class Binary(MathFunction):
    """Two operands: ``sourceColumn1`` or ``value1``, and ``sourceColumn2`` or ``value2``.

    The operation is one expression per engine on the pair (``pandas_pair``, ``spark_pair``,
    the hooks a table row fills), both integers or both doubles.
    """

    abstract: ClassVar[bool] = True
    row_hooks: ClassVar[tuple[str, str]] = ("pandas_pair", "spark_pair")
    double_result: ClassVar[bool] = False
    """The result is a double even for two integers (division)."""
    source_column1: NumericColumn | None = None
    value1: Number | None = None
    source_column2: NumericColumn | None = None
    value2: Number | None = None
    target_column: NewColumn

    @model_validator(mode="after")
    def _one_of_each(self) -> Binary:
        self.check_operands()
        return self

    def check_operands(self) -> None:
        require_one_of(self.operation, "sourceColumn1", "value1", self.source_column1, self.value1)
        require_one_of(self.operation, "sourceColumn2", "value2", self.source_column2, self.value2)

    def operands(self) -> list[tuple[str | None, float | None]]:
        return [(self.source_column1, self.value1), (self.source_column2, self.value2)]

    def result_type(self, types: list[LType]) -> LType:
        """Integer when both operands are integers (unless ``double_result``), else double."""
        integers = all(t is LType.INTEGER for t in types)
        return LType.INTEGER if integers and not self.double_result else LType.DOUBLE

    def pandas_pair(self, a: Any, b: Any) -> Any:
        raise NotImplementedError

    def spark_pair(self, a: SparkColumn, b: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        integer = self.result_type(types) is LType.INTEGER
        a, b = ((x if integer else pd_double(x, t)) for x, t in zip(args, types, strict=True))
        return self.pandas_pair(a, b)

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        integer = self.result_type(types) is LType.INTEGER
        a, b = ((x if integer else sp_double(x, t)) for x, t in zip(args, types, strict=True))
        return self.spark_pair(a, b)
