"""Functions: math. Arithmetic, rounding, logarithms and signs, each written to a new column.

Rules shared by every transform here (docs/semantics.md):

- A null input gives a null result. NaN stays a number, as in Spark: a double result of NaN
  is NaN (LN, LOG and SQUARE_ROOT included); integer results (CEILING, FLOOR, ROUND, SIGN) of
  NaN are null; IS_EVEN / IS_ODD of NaN are false.
- Decimal inputs are computed as double, except by ABSOLUTE and NEGATE, which keep the type.
- Integer arithmetic is 64-bit and wraps on overflow, the same on both engines.
- A literal ``value`` with no fractional part counts as an integer operand.
- Division by zero (DIVIDE, MOD) and out-of-domain math (LN/LOG of a number <= 0, the square
  root of a negative number) give null.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, require_one_of
from workbench.core.lazy import F, scol
from workbench.core.params import NewColumn, Number, NumericColumn, Text
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_INT_LIMIT = 9.2e18
"""Doubles at or beyond this magnitude do not fit a 64-bit integer; converting them gives null."""


def _literal_type(value: float) -> LType:
    return LType.INTEGER if float(value).is_integer() and abs(value) < _INT_LIMIT else LType.DOUBLE


# --- small helpers, one per engine -----------------------------------------------------------


def _pd_null(a: Any) -> pa.Scalar:
    return pa.scalar(None, a.type)


def _pd_double(a: Any, ltype: LType) -> Any:
    return a if ltype is LType.DOUBLE else pc.cast(a, pa.float64(), safe=False)


def _pd_domain(ok: Any, a: Any) -> Any:
    """``ok`` or NaN: NaN passes a domain check and gives NaN, as Spark's comparisons do."""
    return pc.or_(ok, pc.is_nan(a))


def _pd_nonzero(a: Any) -> Any:
    """The divisor with zeros replaced by null (division by zero gives null)."""
    return pc.if_else(pc.equal(a, 0), _pd_null(a), a)


def _sp_double(c: SparkColumn, ltype: LType) -> SparkColumn:
    return c if ltype is LType.DOUBLE else c.cast("double")


# --- the family base --------------------------------------------------------------------------


class _MathFunction(ColumnFunction):
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
        return [schema[c] if c is not None else _literal_type(v) for c, v in self.operands()]  # type: ignore[arg-type]

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


class _Unary(_MathFunction):
    """One numeric source column."""

    abstract: ClassVar[bool] = True
    source_column: NumericColumn
    target_column: NewColumn

    def operands(self) -> list[tuple[str | None, float | None]]:
        return [(self.source_column, None)]

    def result_type(self, types: list[LType]) -> LType:
        return LType.DOUBLE


class _ColumnOrNumber(_MathFunction):
    """One operand given either as ``sourceColumn`` or as a literal (named by ``value_param``)."""

    abstract: ClassVar[bool] = True
    value_param: ClassVar[str] = "value"
    source_column: NumericColumn | None = None
    target_column: NewColumn

    def literal(self) -> float | None:
        return getattr(self, self.value_param)

    @model_validator(mode="after")
    def _one_input(self) -> _ColumnOrNumber:
        require_one_of(self.operation, "sourceColumn", self.value_param, self.source_column, self.literal())
        return self

    def operands(self) -> list[tuple[str | None, float | None]]:
        return [(self.source_column, self.literal())]


class _Binary(_MathFunction):
    """Two operands: ``sourceColumn1`` or ``value1``, and ``sourceColumn2`` or ``value2``."""

    abstract: ClassVar[bool] = True
    source_column1: NumericColumn | None = None
    value1: Number | None = None
    source_column2: NumericColumn | None = None
    value2: Number | None = None
    target_column: NewColumn

    @model_validator(mode="after")
    def _one_of_each(self) -> _Binary:
        self.check_operands()
        return self

    def check_operands(self) -> None:
        require_one_of(self.operation, "sourceColumn1", "value1", self.source_column1, self.value1)
        require_one_of(self.operation, "sourceColumn2", "value2", self.source_column2, self.value2)

    def operands(self) -> list[tuple[str | None, float | None]]:
        return [(self.source_column1, self.value1), (self.source_column2, self.value2)]

    def result_type(self, types: list[LType]) -> LType:
        """Integer when both operands are integers, else double."""
        return LType.INTEGER if all(t is LType.INTEGER for t in types) else LType.DOUBLE

    def pandas_pair(self, a: Any, b: Any, integer: bool) -> Any:
        raise NotImplementedError

    def spark_pair(self, a: SparkColumn, b: SparkColumn, integer: bool) -> SparkColumn:
        raise NotImplementedError

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        integer = self.result_type(types) is LType.INTEGER
        a, b = ((x if integer else _pd_double(x, t)) for x, t in zip(args, types, strict=True))
        return self.pandas_pair(a, b, integer)

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        integer = self.result_type(types) is LType.INTEGER
        a, b = ((x if integer else _sp_double(x, t)) for x, t in zip(args, types, strict=True))
        return self.spark_pair(a, b, integer)


# --- binary arithmetic ------------------------------------------------------------------------


class Add(_Binary):
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

    def pandas_pair(self, a: Any, b: Any, integer: bool) -> Any:
        return pc.add(a, b)

    def spark_pair(self, a: SparkColumn, b: SparkColumn, integer: bool) -> SparkColumn:
        return a + b


class Subtract(_Binary):
    """Subtract the second column or number from the first into a new column.

    Integer - integer gives an integer (64-bit, wrapping on overflow); anything else a double.
    """

    operation = "SUBTRACT"
    category = Category.MATH
    examples: ClassVar = (
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
    )

    def pandas_pair(self, a: Any, b: Any, integer: bool) -> Any:
        return pc.subtract(a, b)

    def spark_pair(self, a: SparkColumn, b: SparkColumn, integer: bool) -> SparkColumn:
        return a - b


class Multiply(_Binary):
    """Multiply two columns, or a column and a number, into a new column.

    Integer x integer gives an integer (64-bit, wrapping on overflow); anything else a double.
    """

    operation = "MULTIPLY"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"qty": [3, 0, None, -2], "price": [2.5, 9.99, 1.0, 4.0]},
            params={"sourceColumn1": "qty", "sourceColumn2": "price", "targetColumn": "total"},
            expect={"qty": [3, 0, None, -2], "total": [7.5, 0.0, None, -8.0], "price": [2.5, 9.99, 1.0, 4.0]},
        ),
        Example(
            given={"n": [4, -5, None]},
            params={"sourceColumn1": "n", "value2": "3", "targetColumn": "n3"},
            expect={"n": [4, -5, None], "n3": [12, -15, None]},
            expect_schema={"n3": "integer"},
        ),
    )

    def pandas_pair(self, a: Any, b: Any, integer: bool) -> Any:
        return pc.multiply(a, b)

    def spark_pair(self, a: SparkColumn, b: SparkColumn, integer: bool) -> SparkColumn:
        return a * b


class Divide(_Binary):
    """Divide the first column or number by the second into a new column.

    The result is always a double (7 / 2 = 3.5). Division by zero gives null.
    """

    operation = "DIVIDE"
    category = Category.MATH
    examples: ClassVar = (
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
    )

    def result_type(self, types: list[LType]) -> LType:
        return LType.DOUBLE

    def pandas_pair(self, a: Any, b: Any, integer: bool) -> Any:
        return pc.divide(a, _pd_nonzero(b))

    def spark_pair(self, a: SparkColumn, b: SparkColumn, integer: bool) -> SparkColumn:
        return F.when(b != 0, a / b)


class Mod(_Binary):
    """Write the remainder of dividing the first column by the second to a new column.

    The remainder has the sign of the dividend (truncated division: -7 MOD 3 = -1, 7 MOD -3 = 1),
    like Spark's and SQL's %. A zero divisor gives null. Integer operands give an integer,
    otherwise a double (5.5 MOD 2 = 1.5). DataBrew documents two columns; value1 / value2 may
    stand in for either, as for the other binary operations.
    """

    operation = "MOD"
    category = Category.MATH
    examples: ClassVar = (
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
    )

    def pandas_pair(self, a: Any, b: Any, integer: bool) -> Any:
        return pc.remainder(a, _pd_nonzero(b))

    def spark_pair(self, a: SparkColumn, b: SparkColumn, integer: bool) -> SparkColumn:
        return F.when(b != 0, a % b)


# --- one column in, same type out -------------------------------------------------------------


class Absolute(_Unary):
    """Write the absolute value of a numeric column to a new column.

    The result keeps the input type (integer, double or decimal).
    """

    operation = "ABSOLUTE"
    category = Category.MATH
    examples: ClassVar = (
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
    )

    def result_type(self, types: list[LType]) -> LType:
        return types[0]

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        return pc.abs(args[0])

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        return F.abs(args[0])


class Negate(_Unary):
    """Write each number with its sign flipped to a new column.

    The result keeps the input type (integer, double or decimal).
    """

    operation = "NEGATE"
    category = Category.MATH
    examples: ClassVar = (
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
    )

    def result_type(self, types: list[LType]) -> LType:
        return types[0]

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        return pc.negate(args[0])

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        return -args[0]


# --- rounding and sign: integer results -------------------------------------------------------


class _ToInteger(_MathFunction):
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
        a = _pd_double(args[0], types[0])
        fits = pc.less(pc.abs(a), _INT_LIMIT)
        return pc.cast(pc.if_else(fits, self.pandas_double(a), _pd_null(a)), pa.int64())

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        if types[0] is LType.INTEGER:
            return args[0]
        c = _sp_double(args[0], types[0])
        return F.when(F.abs(c) < F.lit(_INT_LIMIT), self.spark_double(c).cast("long"))


class Ceiling(_ToInteger, _ColumnOrNumber):
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


class Floor(_ToInteger, _ColumnOrNumber):
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


class Round(_ToInteger, _Unary):
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


class Sign(_ToInteger, _Unary):
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
        a = _pd_double(args[0], types[0])
        return pc.if_else(pc.is_nan(a), _pd_null(a), pc.sign(a))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        if types[0] is LType.INTEGER:
            return F.signum(args[0])
        c = _sp_double(args[0], types[0])
        return F.when(~F.isnan(c), F.signum(c))


# --- double results -------------------------------------------------------------------------


class Exponent(_Unary):
    """Write e raised to the power of each number to a new column (a double)."""

    operation = "EXPONENT"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"x": [0, 1, -1, None]},
            params={"sourceColumn": "x", "targetColumn": "ex"},
            expect={"x": [0, 1, -1, None], "ex": [1.0, 2.718281828459045, 0.36787944117144233, None]},
        ),
    )

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        return pc.exp(_pd_double(args[0], types[0]))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        return F.exp(_sp_double(args[0], types[0]))


class Ln(_Unary):
    """Write the natural logarithm of each number to a new column (a double).

    The logarithm of zero or a negative number is null; NaN gives NaN.
    """

    operation = "LN"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"x": [1.0, 2.718281828459045, 0.0, -1.0, None]},
            params={"sourceColumn": "x", "targetColumn": "ln"},
            expect={"x": [1.0, 2.718281828459045, 0.0, -1.0, None], "ln": [0.0, 1.0, None, None, None]},
        ),
    )

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        a = _pd_double(args[0], types[0])
        return pc.if_else(_pd_domain(pc.greater(a, 0.0), a), pc.ln(a), _pd_null(a))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        c = _sp_double(args[0], types[0])
        return F.when(c > 0, F.log(c))


class Log(_Unary):
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
        a = _pd_double(args[0], types[0])
        if self.base == 10:
            out = pc.log10(a)
        elif self.base == 2:
            out = pc.log2(a)
        else:
            out = pc.divide(pc.ln(a), math.log(self.base))
        return pc.if_else(_pd_domain(pc.greater(a, 0.0), a), out, _pd_null(a))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        c = _sp_double(args[0], types[0])
        if self.base == 10:
            out = F.log10(c)
        elif self.base == 2:
            out = F.log2(c)
        else:
            out = F.log(c) / F.lit(math.log(self.base))
        return F.when(c > 0, out)


class SquareRoot(_Unary):
    """Write the square root of each number to a new column (a double).

    The square root of a negative number is null; NaN gives NaN.
    """

    operation = "SQUARE_ROOT"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"x": [16, 2, 0, -4, None]},
            params={"sourceColumn": "x", "targetColumn": "root"},
            expect={"x": [16, 2, 0, -4, None], "root": [4.0, 1.4142135623730951, 0.0, None, None]},
        ),
        Example(
            given={"x": [0.25, -0.0, float("nan"), float("-inf")]},
            params={"sourceColumn": "x", "targetColumn": "root"},
            expect={"x": [0.25, -0.0, float("nan"), float("-inf")], "root": [0.5, -0.0, float("nan"), None]},
        ),
    )

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        a = _pd_double(args[0], types[0])
        return pc.if_else(_pd_domain(pc.greater_equal(a, 0.0), a), pc.sqrt(a), _pd_null(a))

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        c = _sp_double(args[0], types[0])
        return F.when(c >= 0, F.sqrt(c))


class Degrees(_Unary):
    """Convert angles in radians to degrees, in a new column (a double)."""

    operation = "DEGREES"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"rad": [math.pi, -math.pi / 2, 0.0, None]},
            params={"sourceColumn": "rad", "targetColumn": "deg"},
            expect={"rad": [math.pi, -math.pi / 2, 0.0, None], "deg": [180.0, -90.0, 0.0, None]},
        ),
    )

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        return pc.multiply(_pd_double(args[0], types[0]), 180.0 / math.pi)

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        return _sp_double(args[0], types[0]) * F.lit(180.0 / math.pi)


class Radians(_Unary):
    """Convert angles in degrees to radians, in a new column (a double)."""

    operation = "RADIANS"
    category = Category.MATH
    examples: ClassVar = (
        Example(
            given={"deg": [180, -90, 0, None]},
            params={"sourceColumn": "deg", "targetColumn": "rad"},
            expect={"deg": [180, -90, 0, None], "rad": [math.pi, -math.pi / 2, 0.0, None]},
        ),
    )

    def pandas_calc(self, args: list[Any], types: list[LType], n: int) -> Any:
        return pc.multiply(_pd_double(args[0], types[0]), math.pi / 180.0)

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        return _sp_double(args[0], types[0]) * F.lit(math.pi / 180.0)


class Power(_ColumnOrNumber):
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
        a = _pd_double(args[0], types[0])
        out = pc.power(a, float(self.exponent))
        at_zero, below_zero = self._undefined_when()
        if at_zero:
            out = pc.if_else(pc.equal(a, 0.0), _pd_null(out), out)
        if below_zero:
            out = pc.if_else(pc.less(a, 0.0), _pd_null(out), out)
        return out

    def spark_calc(self, args: list[SparkColumn], types: list[LType]) -> SparkColumn:
        c = _sp_double(args[0], types[0])
        ok = F.lit(True)
        at_zero, below_zero = self._undefined_when()
        if at_zero:
            ok = ok & (c != 0)
        if below_zero:
            ok = ok & (c >= 0)
        return F.when(ok, F.pow(c, F.lit(float(self.exponent))))


class Pi(_MathFunction):
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


# --- flags ----------------------------------------------------------------------------------


class _Parity(_Unary):
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
            a = _pd_double(a, types[0])
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
            c = _sp_double(c, types[0])
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
