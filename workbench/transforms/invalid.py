"""Invalid values: remove their rows, or replace them (null, empty, a constant, a statistic).

A value is *invalid* when it is present but does not parse as ``columnDataType`` — the same test
as the IS_INVALID condition and the profile's invalid count: only text columns can hold invalid
values; null and the empty string are missing, not invalid; text is parsed by Workbench's casting
patterns (``workbench.core.casting``), identically on both engines. On a column that already has
a type (integer, date…) nothing is invalid and these steps leave the data as it is.

Statistics (average, median, sum, mode, most frequent) are of the valid values of the whole
column, whatever the step's conditions select; on Spark all of them come from one aggregation.
Numbers are read as doubles; "NaN" is a valid number but, like a missing value, does not count
in a statistic. A statistic goes back into the text column written as Workbench casts a double
to text. When there is no valid value to compute a statistic from, the column is left as it is.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark, text_valid_pandas, text_valid_spark
from workbench.core.column_stats import Stats, Wanted, stats_pandas, stats_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, InPlace, RowFilter
from workbench.core.lazy import F, W, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.params import Column, Columns, Integer, Text, enum_param
from workbench.core.registry import Category, Example
from workbench.core.rolling import add, rolling, shift
from workbench.core.stats import ModeType, mode_value
from workbench.core.types import CAST_TARGETS, LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

DataType = Enum(  # type: ignore[misc]
    "DataType", {name.upper(): name for name in CAST_TARGETS}, type=str
)
"""The type names columnDataType accepts: DataBrew's, and the aliases real recipes use."""


_VALUE = "__workbench_value"
"""The one column of the frames the Spark statistics are computed from."""


class NumberType(str, Enum):
    """columnDataType of the numeric replacements: DataBrew only allows ``number``."""

    NUMBER = "number"


# --- what is invalid -----------------------------------------------------------------------------


def _target(data_type: Any) -> LType:
    return CAST_TARGETS[data_type.value] if data_type is not None else LType.STRING


def invalid_pandas(s: pd.Series, ltype: LType, target: LType) -> Any:
    """True where a value is invalid for ``target`` (as IS_INVALID); never null."""
    a = arr(s)
    if ltype is not LType.STRING:
        return pa.array([False] * len(a), pa.bool_())
    valid = pc.fill_null(arr(text_valid_pandas(s, target)), True)
    return pc.and_(pc.invert(valid), pc.invert(missing_pandas(a, ltype)))


def invalid_spark(c: SparkColumn, ltype: LType, target: LType) -> SparkColumn:
    """True where a value is invalid for ``target`` (as IS_INVALID); never null."""
    if ltype is not LType.STRING:
        return F.lit(False)
    return ~F.coalesce(text_valid_spark(c, target), F.lit(False)) & ~missing_spark(c, ltype)


def _refuse_advanced(step: Any) -> None:
    if getattr(step, "advanced_data_type", None) is not None:
        raise ParameterError(
            "advancedDataType is not supported yet; give columnDataType instead",
            operation=step.operation,
            parameter="advancedDataType",
        )


def _text(value: float) -> str:
    """A double as Workbench writes it as text (the same on both engines)."""
    s = pd.Series(pa.array([value], pa.float64()), dtype=pd.ArrowDtype(pa.float64()))
    return str(arr(cast_pandas(s, LType.DOUBLE, LType.STRING))[0].as_py())


def _numbers_pandas(s: pd.Series) -> Any:
    """The valid numbers of a text column as doubles, null elsewhere (NaN read as null)."""
    numbers = pc.cast(arr(cast_pandas(s, LType.STRING, LType.DOUBLE)), pa.float64())
    return pc.if_else(pc.is_nan(numbers), pa.scalar(None, pa.float64()), numbers)


def _numbers_spark(c: SparkColumn) -> SparkColumn:
    number = cast_spark(c, LType.STRING, LType.DOUBLE).cast("double")
    return F.when(~F.isnan(number), number)


class _Invalid(InPlace):
    """Rewrite the invalid values of ``sourceColumn``; other values stay as they are."""

    abstract: ClassVar[bool] = True
    source_column: Column

    @model_validator(mode="after")
    def _advanced(self) -> _Invalid:
        _refuse_advanced(self)
        return self

    def target(self) -> LType:
        return _target(getattr(self, "column_data_type", None))

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        """The new Arrow values where ``invalid`` holds (the whole column is returned)."""
        raise NotImplementedError

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        s = df[self.source_column]
        ltype = ctx.schema_of(df)[self.source_column]
        if ltype is not LType.STRING:
            return {self.source_column: s}
        invalid = invalid_pandas(s, ltype, self.target())
        return {self.source_column: wrap(self.replace_pandas(s, invalid, ctx), s)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        ltype = ctx.schema_of(df)[self.source_column]
        if ltype is not LType.STRING:
            return {self.source_column: c}
        return {self.source_column: self.replace_spark(df, c, invalid_spark(c, ltype, self.target()), ctx)}


# --- removal and constants -----------------------------------------------------------------------


class RemoveInvalid(RowFilter):
    """Remove the rows whose value in a column is not valid for the given data type.

    Invalid is what IS_INVALID tests: a present value of a text column that does not parse as
    columnDataType. Rows with a null or empty value are kept (they are missing, not invalid);
    a column that already has a type has no invalid values.
    """

    operation = "REMOVE_INVALID"
    category = Category.INVALID
    source_column: Column
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    advanced_data_type: Text | None = None
    examples: ClassVar = (
        Example(
            given={"n": ["1", "x", None, "", " 2 ", "1.5", "١٢", "-3"], "k": [1, 2, 3, 4, 5, 6, 7, 8]},
            params={"sourceColumn": "n", "columnDataType": "int"},
            expect={"n": ["1", None, "", " 2 ", "-3"], "k": [1, 3, 4, 5, 8]},
        ),
        Example(
            title="dates must be real calendar dates",
            given={"d": ["2024-02-29", "2023-02-29", "soon", None]},
            params={"sourceColumn": "d", "columnDataType": "date"},
            expect={"d": ["2024-02-29", None]},
        ),
        Example(
            title="only the rows the conditions select are removed",
            given={"x": ["a", "b", "1e3"], "g": ["keep", "drop", "drop"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            conditions=({"Condition": "IS", "Value": '["drop"]', "TargetColumn": "g"},),
            expect={"x": ["a", "1e3"], "g": ["keep", "drop"]},
        ),
        Example(
            title="a typed column has no invalid values",
            given={"n": [1, None, 3]},
            params={"sourceColumn": "n", "columnDataType": "boolean"},
            expect={"n": [1, None, 3]},
        ),
    )

    @model_validator(mode="after")
    def _advanced(self) -> RemoveInvalid:
        _refuse_advanced(self)
        return self

    def pandas_drop(self, df: pd.DataFrame, ctx: PandasContext) -> pd.Series:
        ltype = ctx.schema_of(df)[self.source_column]
        invalid = invalid_pandas(df[self.source_column], ltype, _target(self.column_data_type))
        return pd.Series(invalid.to_numpy(zero_copy_only=False), index=df.index, dtype=bool)

    def spark_drop(self, df: SparkFrame, ctx: SparkContext) -> SparkColumn:
        ltype = ctx.schema_of(df)[self.source_column]
        return invalid_spark(scol(self.source_column), ltype, _target(self.column_data_type))


class _Constant(_Invalid):
    """Replace invalid values by one fixed value."""

    abstract: ClassVar[bool] = True
    replacement: ClassVar[str | None]
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    advanced_data_type: Text | None = None

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        return pc.if_else(invalid, pa.scalar(self.replacement, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        return F.when(invalid, F.lit(self.replacement).cast("string")).otherwise(c)


class ReplaceWithNull(_Constant):
    """Replace the values that are not valid for the given data type with null.

    Missing values (null, empty text) and valid values stay as they are.
    """

    operation = "REPLACE_WITH_NULL"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["3.5", "abc", None, "", "-1E2", "NaN", "½", " "]},
            params={"sourceColumn": "x", "columnDataType": "double"},
            expect={"x": ["3.5", None, None, "", "-1E2", "NaN", None, None]},
        ),
        Example(
            given={"ok": ["true", "FALSE", "yes", None, "0"]},
            params={"sourceColumn": "ok", "columnDataType": "boolean"},
            expect={"ok": ["true", "FALSE", None, None, None]},
        ),
        Example(
            title="string: every present value is valid",
            given={"s": ["Zürich", None, "日本"]},
            params={"sourceColumn": "s", "columnDataType": "string"},
            expect={"s": ["Zürich", None, "日本"]},
        ),
    )

    replacement = None


class ReplaceWithEmpty(_Constant):
    """Replace the values that are not valid for the given data type with the empty string.

    Missing values (null, empty text) and valid values stay as they are.
    """

    operation = "REPLACE_WITH_EMPTY"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"d": ["2024-01-31", "2024-13-01", None, "31/01/2024", "", "2024-01-31 10:00:00"]},
            params={"sourceColumn": "d", "columnDataType": "date"},
            expect={"d": ["2024-01-31", "", None, "", "", ""]},
        ),
        Example(
            given={"t": ["2024-01-31 10:00:00", "2024-01-31", "noon", None]},
            params={"sourceColumn": "t", "columnDataType": "timestamp"},
            expect={"t": ["2024-01-31 10:00:00", "2024-01-31", "", None]},
        ),
    )

    replacement = ""


class ReplaceWithCustom(ColumnFunction):
    """Replace the values that are not valid for the given data type with a value you give.

    Give sourceColumn or sourceColumns (a list) and columnDataType; the value is written as
    text, as given. Replacing detected PII entities (advancedDataType) is not supported yet and
    is refused.
    """

    operation = "REPLACE_WITH_CUSTOM"
    category = Category.INVALID
    source_column: Column | None = None
    source_columns: Columns | None = None
    column_data_type: enum_param(DataType) | None = None  # type: ignore[valid-type]
    value: Text
    advanced_data_type: Text | None = None
    examples: ClassVar = (
        Example(
            given={"age": ["42", "forty", None, "", "4.0", "7½"]},
            params={"sourceColumn": "age", "columnDataType": "int", "value": "0"},
            expect={"age": ["42", "0", None, "", "4.0", "0"]},
        ),
        Example(
            given={"a": ["1", "x", None], "b": ["y", "2.5", "é"], "c": ["z", "z", "z"]},
            params={"sourceColumns": '["a", "b"]', "columnDataType": "number", "value": "n/a"},
            expect={"a": ["1", "n/a", None], "b": ["n/a", "2.5", "n/a"], "c": ["z", "z", "z"]},
        ),
        Example(
            given={"d": ["2024-02-30", "2024-02-28", None], "g": ["x", "x", "y"]},
            params={"sourceColumn": "d", "columnDataType": "date", "value": "1970-01-01"},
            conditions=({"Condition": "IS", "Value": '["y"]', "TargetColumn": "g"},),
            expect={"d": ["2024-02-30", "2024-02-28", None], "g": ["x", "x", "y"]},
        ),
    )

    @model_validator(mode="after")
    def _shape(self) -> ReplaceWithCustom:
        _refuse_advanced(self)
        if (self.source_column is None) == (self.source_columns is None):
            raise ParameterError(
                "give either sourceColumn or sourceColumns",
                operation=self.operation,
                parameter="sourceColumn",
            )
        if self.source_columns is not None and not self.source_columns:
            raise ParameterError(
                "name at least one column", operation=self.operation, parameter="sourceColumns"
            )
        if self.column_data_type is None:
            raise ParameterError(
                "columnDataType is needed to tell which values are invalid",
                operation=self.operation,
                parameter="columnDataType",
            )
        return self

    def columns(self) -> list[str]:
        return [self.source_column] if self.source_column is not None else list(self.source_columns or [])

    def anchor(self) -> str | None:
        return None

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {name: schema[name] for name in self.columns()}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        out = {}
        for name in self.columns():
            s = df[name]
            if schema[name] is not LType.STRING:
                out[name] = s
                continue
            a = arr(s)
            invalid = invalid_pandas(s, schema[name], _target(self.column_data_type))
            out[name] = wrap(pc.if_else(invalid, pa.scalar(self.value, a.type), a), s)
        return out

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        out = {}
        for name in self.columns():
            c = scol(name)
            invalid = invalid_spark(c, schema[name], _target(self.column_data_type))
            out[name] = F.when(invalid, F.lit(self.value)).otherwise(c) if schema[name] is LType.STRING else c
        return out


# --- statistics ----------------------------------------------------------------------------------


def _wanted(mode: bool) -> Wanted:
    return Wanted(total=True, quantiles=(0.5,), mode=mode)


def _stats_pandas(s: pd.Series, mode: bool) -> Stats:
    """Statistics of the valid numbers of a text column."""
    return stats_pandas(_numbers_pandas(s), LType.DOUBLE, _wanted(mode))


def _stats_spark(df: SparkFrame, ctx: SparkContext, column: str, mode: bool) -> Stats:
    """Statistics of the valid numbers of a text column, in one ``ctx.aggregate``."""
    numbers = df.select(_numbers_spark(scol(column)).alias(_VALUE))
    return stats_spark(numbers, ctx, _VALUE, LType.DOUBLE, _wanted(mode))


class _Statistic(_Invalid):
    """Replace invalid values by one number learnt from the valid ones."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    wants_mode: ClassVar[bool] = False
    column_data_type: enum_param(NumberType)  # type: ignore[valid-type]

    def statistic(self, stats: Stats) -> float | None:
        raise NotImplementedError

    def _value(self, stats: Stats) -> str | None:
        if not stats.count:
            return None
        found = self.statistic(stats)
        return None if found is None else _text(float(found))

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        value = self._value(_stats_pandas(s, self.wants_mode))
        return a if value is None else pc.if_else(invalid, pa.scalar(value, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        value = self._value(_stats_spark(df, ctx, self.source_column, self.wants_mode))
        return c if value is None else F.when(invalid, F.lit(value)).otherwise(c)


class ReplaceWithAverage(_Statistic):
    """Replace the values that are not valid numbers with the mean of the valid ones.

    The mean is written as text the way Workbench casts a double (6 decimals at most);
    missing values stay as they are and "NaN" is valid but not counted.
    """

    operation = "REPLACE_WITH_AVERAGE"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["1", "oops", None, "", " 2.5 ", "NaN", "\uff11", "4.5"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["1", "2.666667", None, "", " 2.5 ", "NaN", "2.666667", "4.5"]},
        ),
        Example(
            title="statistics use the whole column; conditions choose the cells to replace",
            given={"x": ["1", "a", "2", "b"], "g": ["y", "y", "n", "n"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            conditions=({"Condition": "IS", "Value": '["y"]', "TargetColumn": "g"},),
            expect={"x": ["1", "1.5", "2", "b"], "g": ["y", "y", "n", "n"]},
        ),
        Example(
            title="nothing valid to average",
            given={"x": ["a", None, "b"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["a", None, "b"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return float(stats.total) / stats.count


class ReplaceWithSum(_Statistic):
    """Replace the values that are not valid numbers with the sum of the valid ones.

    Missing values stay as they are; "NaN" is valid but not counted.
    """

    operation = "REPLACE_WITH_SUM"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["1", "x", None, "-0.25", "", "1e1", "—"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["1", "10.75", None, "-0.25", "", "1e1", "10.75"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return stats.total  # type: ignore[no-any-return]


class ReplaceWithMedian(_Statistic):
    """Replace the values that are not valid numbers with the median of the valid ones.

    With an even count the median is the mean of the two middle values (linear interpolation,
    as FILL_WITH_MEDIAN). Missing values stay as they are; "NaN" is valid but not counted.
    """

    operation = "REPLACE_WITH_MEDIAN"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["3", "?", None, "1", "10", "2", "ñ"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["3", "2.5", None, "1", "10", "2", "2.5"]},
        ),
        Example(
            given={"x": ["-7", "", "x", "5", "0.5"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["-7", "", "0.5", "5", "0.5"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return stats.quantiles[0.5]


class ReplaceWithMode(_Statistic):
    """Replace the values that are not valid numbers with the most frequent valid number.

    Values compare as numbers ("2" and "2.0" are one value). modeType picks among equally
    frequent numbers: MINIMUM the smallest, MAXIMUM the largest, AVERAGE their mean; NONE, the
    default, takes the smallest, so the result never depends on the engine.
    """

    operation = "REPLACE_WITH_MODE"
    category = Category.INVALID
    wants_mode: ClassVar[bool] = True
    mode_type: enum_param(ModeType) = ModeType.NONE  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"x": ["2", "1", "?", None, "2.0", "1", "", "٣", "3"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["2", "1", "1", None, "2.0", "1", "", "1", "3"]},
        ),
        Example(
            given={"x": ["2", "1", "?", None, "2.0", "1"]},
            params={"sourceColumn": "x", "columnDataType": "number", "modeType": "MAXIMUM"},
            expect={"x": ["2", "1", "2", None, "2.0", "1"]},
        ),
        Example(
            given={"x": ["2", "1", "?", None, "-0", "0"]},
            params={"sourceColumn": "x", "columnDataType": "number", "modeType": "MINIMUM"},
            expect={"x": ["2", "1", "0", None, "-0", "0"]},
        ),
        Example(
            given={"x": ["0.5", "1", "n/a", None, "1", "0.5", "NaN", "NaN", "NaN"]},
            params={"sourceColumn": "x", "columnDataType": "number", "modeType": "AVERAGE"},
            expect={"x": ["0.5", "1", "0.75", None, "1", "0.5", "NaN", "NaN", "NaN"]},
        ),
    )

    def statistic(self, stats: Stats) -> float | None:
        return mode_value(stats, LType.DOUBLE, self.mode_type.value)  # type: ignore[no-any-return]


class ReplaceWithMostFrequent(_Invalid):
    """Replace the values that are not valid for the given data type with the most frequent valid value.

    Values compare as written (" 1" and "1" differ; case matters); between equally frequent
    values the smallest by code point wins. Without columnDataType nothing is invalid in a text
    column, so the column is left as it is.
    """

    operation = "REPLACE_WITH_MOST_FREQUENT"
    category = Category.INVALID
    uses_statistics: ClassVar[bool] = True
    column_data_type: enum_param(DataType) | None = None  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"z": ["02139", "02139", "x", None, "", "10001", "10001", "ü", " 7 "]},
            params={"sourceColumn": "z", "columnDataType": "int"},
            expect={"z": ["02139", "02139", "02139", None, "", "10001", "10001", "02139", " 7 "]},
        ),
        Example(
            given={"b": ["TRUE", "no", "true", "TRUE", None, "true"]},
            params={"sourceColumn": "b", "columnDataType": "boolean"},
            expect={"b": ["TRUE", "TRUE", "true", "TRUE", None, "true"]},
        ),
        Example(
            given={"s": ["é", "x", None]},
            params={"sourceColumn": "s"},
            expect={"s": ["é", "x", None]},
        ),
    )

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        if self.target() is LType.STRING:
            return a
        valid = pc.if_else(invalid, pa.scalar(None, a.type), a)
        stats = stats_pandas(valid, LType.STRING, Wanted(mode=True))
        top = mode_value(stats, LType.STRING, "MINIMUM")
        return a if top is None else pc.if_else(invalid, pa.scalar(top, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        if self.target() is LType.STRING:
            return c
        valid = df.select(F.when(~invalid, c).alias(_VALUE))
        stats = stats_spark(valid, ctx, _VALUE, LType.STRING, Wanted(mode=True))
        top = mode_value(stats, LType.STRING, "MINIMUM")
        return c if top is None else F.when(invalid, F.lit(top)).otherwise(c)


# --- order-dependent ------------------------------------------------------------------------------


class _Ordered(_Invalid):
    """Reads the rows above each row, in the table's current order."""

    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        return super().apply_spark(ctx.with_row_position(df), ctx, where).drop(ROW_POSITION)


def _above(rows: int | None) -> Any:
    from workbench.engines.spark import ROW_POSITION

    start = W.Window.unboundedPreceding if rows is None else -rows
    return W.Window.orderBy(F.col(ROW_POSITION)).rowsBetween(start, -1)


class ReplaceWithLastValid(_Ordered):
    """Replace each value that is not valid for the given data type with the nearest valid value above.

    Only original valid values are used (not replaced ones); an invalid value with no valid
    value above it stays as it is. Missing values stay as they are. Rows are taken in their
    current order.
    """

    operation = "REPLACE_WITH_LAST_VALID"
    category = Category.INVALID
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    advanced_data_type: Text | None = None
    examples: ClassVar = (
        Example(
            given={"x": ["bad", "1", "x", None, "", "y", "2.5", "Ω"]},
            params={"sourceColumn": "x", "columnDataType": "number"},
            expect={"x": ["bad", "1", "1", None, "", "1", "2.5", "2.5"]},
        ),
        Example(
            given={"d": ["2024-01-01", "later", "2024-02-30"], "k": ["a", "b", "a"]},
            params={"sourceColumn": "d", "columnDataType": "date"},
            conditions=({"Condition": "IS", "Value": '["a"]', "TargetColumn": "k"},),
            expect={"d": ["2024-01-01", "later", "2024-01-01"], "k": ["a", "b", "a"]},
        ),
    )

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        valid = pc.invert(pc.or_(invalid, missing_pandas(a, LType.STRING)))
        above = pc.fill_null_forward(pc.if_else(valid, a, pa.scalar(None, a.type)))
        return pc.if_else(invalid, pc.coalesce(above, a), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        valid = ~invalid & ~missing_spark(c, LType.STRING)
        above = F.last(F.when(valid, c), ignorenulls=True).over(_above(None))
        return F.when(invalid, F.coalesce(above, c)).otherwise(c)


class _RollingReplace(_Ordered):
    """Replace invalid values by a statistic of the valid numbers in the ``period`` rows above."""

    abstract: ClassVar[bool] = True
    column_data_type: enum_param(NumberType)  # type: ignore[valid-type]
    period: Integer
    average: ClassVar[bool] = False

    @model_validator(mode="after")
    def _positive(self) -> _RollingReplace:
        if self.period < 1:
            raise ParameterError(
                f"must be 1 or more (got {self.period})", operation=self.operation, parameter="period"
            )
        return self

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: PandasContext) -> Any:
        a = arr(s)
        numbers = _numbers_pandas(s)
        if isinstance(numbers, pa.ChunkedArray):
            numbers = numbers.combine_chunks()
        # The rows above: row i's window [i - period, i - 1] is [j - (period - 1), j] of the
        # numbers moved one row down.
        above = shift(numbers, -1)
        total = rolling(above, self.period - 1, 0, add)
        count = pc.fill_null(rolling(pc.cast(pc.is_valid(above), pa.int64()), self.period - 1, 0, add), 0)
        found = pc.divide(total, pc.cast(count, pa.float64())) if self.average else total
        text = arr(
            cast_pandas(pd.Series(found, dtype=pd.ArrowDtype(pa.float64())), LType.DOUBLE, LType.STRING)
        )
        return pc.if_else(pc.and_(invalid, pc.greater(count, 0)), pc.cast(text, a.type), a)

    def replace_spark(
        self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: SparkContext
    ) -> SparkColumn:
        number = _numbers_spark(c)
        total = F.sum(number).over(_above(self.period))
        count = F.count(number).over(_above(self.period))
        found = total / count if self.average else total
        return F.when(invalid & (count > 0), cast_spark(found, LType.DOUBLE, LType.STRING)).otherwise(c)


class ReplaceWithRollingAverage(_RollingReplace):
    """Replace the values that are not valid numbers with the mean of the valid numbers in the rows above.

    The window is the ``period`` rows above each invalid value, in the table's current order
    (the value's own row is invalid, so it never counts). Only original valid numbers count;
    with none in the window the value stays as it is. The mean is written as text.
    """

    operation = "REPLACE_WITH_ROLLING_AVERAGE"
    category = Category.INVALID
    average: ClassVar[bool] = True
    examples: ClassVar = (
        Example(
            given={"x": ["x", "1", "2", "?", None, "6", "", "NaN", "ß"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": "2"},
            expect={"x": ["x", "1", "2", "1.5", None, "6", "", "NaN", "ß"]},
        ),
        Example(
            given={"x": ["1", "2", "4", "a", "b", "8"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": 3},
            expect={"x": ["1", "2", "4", "2.333333", "3", "8"]},
        ),
    )


class ReplaceWithRollingSum(_RollingReplace):
    """Replace the values that are not valid numbers with the sum of the valid numbers in the rows above.

    The window and the rows used are those of REPLACE_WITH_ROLLING_AVERAGE.
    """

    operation = "REPLACE_WITH_ROLLING_SUM"
    category = Category.INVALID
    examples: ClassVar = (
        Example(
            given={"x": ["?", "1", "2.5", "x", None, "-4", "", "y", "日"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": "3"},
            expect={"x": ["?", "1", "2.5", "3.5", None, "-4", "", "-4", "-4"]},
        ),
        Example(
            given={"x": ["1", "2", "a", "3", "b"], "k": ["y", "n", "y", "y", "n"]},
            params={"sourceColumn": "x", "columnDataType": "number", "period": 10},
            conditions=({"Condition": "IS", "Value": '["y"]', "TargetColumn": "k"},),
            expect={"x": ["1", "2", "3", "3", "b"], "k": ["y", "n", "y", "y", "n"]},
        ),
    )
