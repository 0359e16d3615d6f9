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
from functools import reduce
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark, text_valid_pandas, text_valid_spark
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, InPlace, RowFilter
from workbench.core.lazy import F, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.params import Column, Columns, Text, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import CAST_TARGETS, LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

DataType = Enum(  # type: ignore[misc]
    "DataType", {name.upper(): name for name in CAST_TARGETS}, type=str
)
"""The type names columnDataType accepts: DataBrew's, and the aliases real recipes use."""


class NumberType(str, Enum):
    """columnDataType of the numeric replacements: DataBrew only allows ``number``."""

    NUMBER = "number"


class ModeType(str, Enum):
    """How REPLACE_WITH_MODE chooses between equally frequent values."""

    MINIMUM = "MINIMUM"
    MAXIMUM = "MAXIMUM"
    AVERAGE = "AVERAGE"
    NONE = "NONE"


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

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: Any) -> Any:
        """The new Arrow values where ``invalid`` holds (the whole column is returned)."""
        raise NotImplementedError

    def replace_spark(self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: Any) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        s = df[self.source_column]
        ltype = ctx.schema_of(df)[self.source_column]
        if ltype is not LType.STRING:
            return {self.source_column: s}
        invalid = invalid_pandas(s, ltype, self.target())
        return {self.source_column: wrap(self.replace_pandas(s, invalid, ctx), s)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
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

    def pandas_drop(self, df: pd.DataFrame, ctx: Any) -> pd.Series:
        ltype = ctx.schema_of(df)[self.source_column]
        invalid = invalid_pandas(df[self.source_column], ltype, _target(self.column_data_type))
        return pd.Series(invalid.to_numpy(zero_copy_only=False), index=df.index, dtype=bool)

    def spark_drop(self, df: SparkFrame, ctx: Any) -> SparkColumn:
        ltype = ctx.schema_of(df)[self.source_column]
        return invalid_spark(scol(self.source_column), ltype, _target(self.column_data_type))


class _Constant(_Invalid):
    """Replace invalid values by one fixed value."""

    abstract: ClassVar[bool] = True
    replacement: ClassVar[str | None]
    column_data_type: enum_param(DataType)  # type: ignore[valid-type]
    advanced_data_type: Text | None = None

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: Any) -> Any:
        a = arr(s)
        return pc.if_else(invalid, pa.scalar(self.replacement, a.type), a)

    def replace_spark(self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: Any) -> SparkColumn:
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

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
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

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        out = {}
        for name in self.columns():
            c = scol(name)
            invalid = invalid_spark(c, schema[name], _target(self.column_data_type))
            out[name] = F.when(invalid, F.lit(self.value)).otherwise(c) if schema[name] is LType.STRING else c
        return out


# --- statistics ----------------------------------------------------------------------------------


def _stats_pandas(s: pd.Series, mode: bool) -> dict[str, Any]:
    values = pc.drop_null(_numbers_pandas(s))
    out: dict[str, Any] = {"count": len(values)}
    if not len(values):
        return out
    out["total"] = pc.sum(values).as_py()
    out["median"] = pc.quantile(values, q=0.5, interpolation="linear")[0].as_py()
    if mode:
        counted = pc.value_counts(pc.add(values, 0.0))  # -0.0 and 0.0 are one value
        counts = counted.field("counts")
        tied = pc.filter(counted.field("values"), pc.equal(counts, pc.max(counts)))
        out.update(mode_min=pc.min(tied).as_py(), mode_max=pc.max(tied).as_py())
        out.update(mode_total=pc.sum(tied).as_py(), mode_count=len(tied))
    return out


def _stats_spark(df: SparkFrame, ctx: Any, column: str, mode: bool) -> dict[str, Any]:
    """All statistics of the valid numbers in one ``ctx.aggregate`` (the mode as a cross join)."""
    number = _numbers_spark(scol(column))
    main = {"count": F.count(number), "total": F.sum(number), "median": F.percentile(number, 0.5)}
    frames = [df.agg(*[e.alias(k) for k, e in main.items()])]
    names = list(main)
    if mode:
        values = df.select((number + F.lit(0.0)).alias("v")).where(F.col("v").isNotNull())
        counts = values.groupBy("v").agg(F.count(F.lit(1)).alias("n"))
        tied = counts.crossJoin(counts.agg(F.max("n").alias("top"))).where(F.col("n") == F.col("top"))
        aggs = {
            "mode_min": F.min("v"),
            "mode_max": F.max("v"),
            "mode_total": F.sum("v"),
            "mode_count": F.count("v"),
        }
        frames.append(tied.agg(*[e.alias(k) for k, e in aggs.items()]))
        names.extend(aggs)
    one_row = reduce(lambda left, right: left.crossJoin(right), frames)
    return ctx.aggregate(one_row, {name: F.first(F.col(name)) for name in names})


class _Statistic(_Invalid):
    """Replace invalid values by one number learnt from the valid ones."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    wants_mode: ClassVar[bool] = False
    column_data_type: enum_param(NumberType)  # type: ignore[valid-type]

    def statistic(self, stats: dict[str, Any]) -> float | None:
        raise NotImplementedError

    def _value(self, stats: dict[str, Any]) -> str | None:
        if not stats.get("count"):
            return None
        found = self.statistic(stats)
        return None if found is None else _text(float(found))

    def replace_pandas(self, s: pd.Series, invalid: Any, ctx: Any) -> Any:
        a = arr(s)
        value = self._value(_stats_pandas(s, self.wants_mode))
        return a if value is None else pc.if_else(invalid, pa.scalar(value, a.type), a)

    def replace_spark(self, df: SparkFrame, c: SparkColumn, invalid: SparkColumn, ctx: Any) -> SparkColumn:
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

    def statistic(self, stats: dict[str, Any]) -> float | None:
        return float(stats["total"]) / stats["count"]


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

    def statistic(self, stats: dict[str, Any]) -> float | None:
        return stats["total"]  # type: ignore[no-any-return]


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

    def statistic(self, stats: dict[str, Any]) -> float | None:
        return stats["median"]  # type: ignore[no-any-return]
