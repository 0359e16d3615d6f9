"""Data science: encode, scale, map and bin columns for machine learning."""

from __future__ import annotations

import math
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import field_serializer, model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, Derive, TableTransform, place_columns
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Boolean,
    Column,
    KeyValueMap,
    NewColumn,
    Number,
    NumberList,
    NumericColumn,
    Text,
    TextList,
    enum_param,
)
from workbench.core.pivoting import (
    arrow_scalar,
    distinct_values_pandas,
    distinct_values_spark,
    flat,
    value_label,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _double_pandas(s: pd.Series, ltype: LType) -> Any:
    return flat(arr(cast_pandas(s, ltype, LType.DOUBLE))).cast(pa.float64())


def _double_spark(c: SparkColumn) -> SparkColumn:
    return c.cast("double")


# --- ONE_HOT_ENCODING ------------------------------------------------------------------------------


class OneHotEncoding(TableTransform):
    """Add one 0/1 column per distinct value of a column (at most 10 values).

    Each distinct non-null value ``v`` gives an integer column ``<sourceColumn>_<v>`` (sorted by
    value, placed after the source column, which stays) holding 1 where the row has that value
    and 0 elsewhere. A null value is no category: its row gets null in every new column. Values
    are written in names as text (whole numbers without a fraction, dates yyyy-mm-dd).
    """

    operation = "ONE_HOT_ENCODING"
    category = Category.ENCODE
    uses_statistics = True
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"shirt_size": ["L", "XL", "M", "S", "M", None], "n": [1, 2, 3, 4, 5, 6]},
            params={"sourceColumn": "shirt_size"},
            expect={
                "shirt_size": ["L", "XL", "M", "S", "M", None],
                "shirt_size_L": [1, 0, 0, 0, 0, None],
                "shirt_size_M": [0, 0, 1, 0, 1, None],
                "shirt_size_S": [0, 0, 0, 1, 0, None],
                "shirt_size_XL": [0, 1, 0, 0, 0, None],
                "n": [1, 2, 3, 4, 5, 6],
            },
        ),
        Example(
            title="numbers in names, sorted by value",
            given={"grade": [10, 2, 2, None]},
            params={"sourceColumn": "grade"},
            expect={"grade": [10, 2, 2, None], "grade_2": [0, 1, 1, None], "grade_10": [1, 0, 0, None]},
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        if schema[self.source_column] in (LType.ARRAY, LType.STRUCT, LType.MAP):
            raise ParameterError(
                f"cannot encode the {schema[self.source_column].value} column {self.source_column!r}",
                operation=self.operation,
                parameter="sourceColumn",
                column=self.source_column,
            )

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def _names(self, values: list[Any], columns: list[str]) -> list[str]:
        names = [f"{self.source_column}_{value_label(v)}" for v in values]
        for name in names:
            if name in columns or names.count(name) > 1:
                raise ParameterError(
                    f"the encoding writes {name!r} twice or over an existing column; rename it first",
                    operation=self.operation,
                    parameter="sourceColumn",
                    column=name,
                )
        return names

    def _order(self, columns: list[str], names: list[str]) -> list[str]:
        return list(place_columns(dict.fromkeys(columns), dict.fromkeys(names), self.source_column))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        source = df[self.source_column]
        values = distinct_values_pandas(source, self.operation, "sourceColumn", self.source_column)
        columns = [str(c) for c in df.columns]
        names = self._names(values, columns)
        a = arr(source)
        out = df.copy(deep=False)
        ltype = ctx.schema_of(df)[self.source_column]
        for name, value in zip(names, values, strict=True):
            match = pc.equal(a, arrow_scalar(value, ltype, a.type))
            out[name] = wrap(pc.cast(match, pa.int64()), source)
        return out[self._order(columns, names)]

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        values = distinct_values_spark(df, self.source_column, ctx, self.operation, "sourceColumn")
        names = self._names(values, list(df.columns))
        c = scol(self.source_column)
        exprs = {name: (c == F.lit(v)).cast("long") for name, v in zip(names, values, strict=True)}
        order = self._order(list(df.columns), names)
        return df.select(*[exprs[n].alias(n) if n in exprs else scol(n) for n in order])


# --- NORMALIZATION -----------------------------------------------------------------------------


class Strategy(str, Enum):
    MIN_MAX = "MIN_MAX"
    SCALE_BETWEEN = "SCALE_BETWEEN"
    MEAN_NORMALIZATION = "MEAN_NORMALIZATION"
    Z_SCORE = "Z_SCORE"


class Normalization(ColumnFunction):
    """Rescale a numeric column into a new column (min-max, a custom range, mean normalisation, z-score).

    MIN_MAX gives (x - min) / (max - min); SCALE_BETWEEN gives lowerBound + (x - min) / (max -
    min) * (upperBound - lowerBound), where ``lowerBound`` and ``upperBound`` are Workbench's
    names for the range DataBrew's docs leave unnamed (defaults 0 and 1, SCALE_BETWEEN only);
    MEAN_NORMALIZATION gives (x - mean) / (max - min); Z_SCORE gives (x - mean) / std with the
    population standard deviation (n, as scikit-learn's StandardScaler, so the result has a
    standard deviation of exactly 1). Statistics are over the non-null values of the whole
    column; a null value gives null, and a zero denominator (one distinct value) gives null
    everywhere. The result is a double.
    """

    operation = "NORMALIZATION"
    category = Category.SCALE
    uses_statistics = True
    source_column: NumericColumn
    strategy: enum_param(Strategy)  # type: ignore[valid-type]
    target_column: NewColumn
    lower_bound: Number = 0.0
    upper_bound: Number = 1.0
    examples: ClassVar = (
        Example(
            given={"all_votes": [10, 20, 40, None]},
            params={
                "sourceColumn": "all_votes",
                "strategy": "MIN_MAX",
                "targetColumn": "all_votes_normalized",
            },
            expect={"all_votes": [10, 20, 40, None], "all_votes_normalized": [0.0, 1 / 3, 1.0, None]},
        ),
        Example(
            given={"x": [-2.0, 0.0, 2.0, None]},
            params={
                "sourceColumn": "x",
                "strategy": "SCALE_BETWEEN",
                "targetColumn": "y",
                "lowerBound": "-10",
                "upperBound": "10",
            },
            expect={"x": [-2.0, 0.0, 2.0, None], "y": [-10.0, 0.0, 10.0, None]},
        ),
        Example(
            given={"x": [1, 2, 6, None]},
            params={"sourceColumn": "x", "strategy": "MEAN_NORMALIZATION", "targetColumn": "y"},
            expect={"x": [1, 2, 6, None], "y": [-0.4, -0.2, 0.6, None]},
        ),
        Example(
            given={"x": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, None]},
            params={"sourceColumn": "x", "strategy": "z_score", "targetColumn": "z"},
            expect={
                "x": [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0, None],
                "z": [-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0, None],
            },
        ),
        Example(
            title="one distinct value: nothing to scale by",
            given={"x": [3, 3, None]},
            params={"sourceColumn": "x", "strategy": "MIN_MAX", "targetColumn": "y"},
            expect={"x": [3, 3, None], "y": [None, None, None]},
        ),
    )

    @model_validator(mode="after")
    def _bounds(self) -> Normalization:
        given = {"lower_bound", "upper_bound"} & self.model_fields_set
        if given and self.strategy is not Strategy.SCALE_BETWEEN:
            raise ParameterError(
                "lowerBound and upperBound apply only to the SCALE_BETWEEN strategy",
                operation=self.operation,
                parameter="lowerBound" if "lower_bound" in given else "upperBound",
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.DOUBLE}

    def _affine(self, stats: dict[str, Any]) -> tuple[float, float, float, float] | None:
        """(center, spread, scale, offset): the result is (x - center) / spread * scale + offset."""
        low, high, mean, std = stats["min"], stats["max"], stats["mean"], stats["std"]
        if low is None:
            return None
        span = float(high) - float(low)
        if self.strategy is Strategy.Z_SCORE:
            center, spread = float(mean), float(std) if std is not None else 0.0
        elif self.strategy is Strategy.MEAN_NORMALIZATION:
            center, spread = float(mean), span
        else:
            center, spread = float(low), span
        if spread == 0 or math.isnan(spread):
            return None
        if self.strategy is Strategy.SCALE_BETWEEN:
            return center, spread, self.upper_bound - self.lower_bound, self.lower_bound
        return center, spread, 1.0, 0.0

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        x = _double_pandas(source, ctx.schema_of(df)[self.source_column])
        bounds = pc.min_max(x)
        stats = {
            "min": bounds["min"].as_py(),
            "max": bounds["max"].as_py(),
            "mean": pc.mean(x).as_py(),
            "std": pc.stddev(x, ddof=0).as_py(),
        }
        affine = self._affine(stats)
        if affine is None:
            return {self.target_column: wrap(pa.nulls(len(x), pa.float64()), source)}
        center, spread, scale, offset = affine
        y = pc.divide(pc.subtract(x, center), spread)
        if (scale, offset) != (1.0, 0.0):
            y = pc.add(pc.multiply(y, scale), offset)
        return {self.target_column: wrap(y, source)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        x = _double_spark(scol(self.source_column))
        stats = ctx.aggregate(
            df, {"min": F.min(x), "max": F.max(x), "mean": F.avg(x), "std": F.stddev_pop(x)}
        )
        affine = self._affine(stats)
        if affine is None:
            return {self.target_column: F.lit(None).cast("double")}
        center, spread, scale, offset = affine
        y = (x - F.lit(center)) / F.lit(spread)
        if (scale, offset) != (1.0, 0.0):
            y = y * F.lit(scale) + F.lit(offset)
        return {self.target_column: y}


# --- CATEGORICAL_MAPPING -----------------------------------------------------------------------


class MapType(str, Enum):
    NUMERIC = "NUMERIC"
    STRING = "STRING"


def _number(value: Any) -> int | float | None:
    """A map value as a number (numbers and numeric text), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
            return number if math.isfinite(number) else None
    return None


class CategoricalMapping(ColumnFunction):
    """Map category values to new values in a new column, keeping, replacing or removing the rest.

    Values are matched as text (numbers and dates written by the CHANGE_DATA_TYPE rules), exactly
    and case-sensitively, against the keys of ``categoryMap``. An unmapped value becomes:
    its row is removed with ``deleteOtherRows``; else it stays with ``keepOthers``; else it
    becomes ``other`` when given; else null. A null value stays null (``deleteOtherRows`` removes
    its row too). With ``mapType`` NUMERIC the new column is numeric (integer when every mapped
    value and ``other`` is a whole number, else double) and kept values are converted by the
    CHANGE_DATA_TYPE rules; otherwise it is text.
    """

    operation = "CATEGORICAL_MAPPING"
    category = Category.MAPPING
    source_column: Column
    target_column: NewColumn
    category_map: KeyValueMap
    map_type: enum_param(MapType) | None = None  # type: ignore[valid-type]
    keep_others: Boolean = False
    other: Text | None = None
    delete_other_rows: Boolean = False
    examples: ClassVar = (
        Example(
            title="DataBrew's documented example",
            given={"state_name": ["Canada", "Cuba", "Haiti", "Peru", None]},
            params={
                "categoryMap": '{"United States of America":"1","Canada":"2","Cuba":"3","Haiti":"4"}',
                "deleteOtherRows": "false",
                "keepOthers": "false",
                "mapType": "NUMERIC",
                "sourceColumn": "state_name",
                "targetColumn": "state_name_mapped",
            },
            expect={
                "state_name": ["Canada", "Cuba", "Haiti", "Peru", None],
                "state_name_mapped": [2, 3, 4, None, None],
            },
        ),
        Example(
            title="unmapped values get other",
            given={"size": ["small", "Small", "large", "", None]},
            params={
                "sourceColumn": "size",
                "targetColumn": "code",
                "categoryMap": {"small": "S", "large": "L"},
                "other": "?",
            },
            expect={"size": ["small", "Small", "large", "", None], "code": ["S", "?", "L", "?", None]},
        ),
        Example(
            title="unmapped values stay",
            given={"n": [1, 2, 3, None]},
            params={
                "sourceColumn": "n",
                "targetColumn": "m",
                "categoryMap": {"1": 0.5, "2": "1.5"},
                "mapType": "NUMERIC",
                "keepOthers": True,
            },
            expect={"n": [1, 2, 3, None], "m": [0.5, 1.5, 3.0, None]},
        ),
        Example(
            title="unmapped rows are removed",
            given={"c": ["a", "b", None, "a"], "i": [1, 2, 3, 4]},
            params={
                "sourceColumn": "c",
                "targetColumn": "d",
                "categoryMap": {"a": "x"},
                "deleteOtherRows": True,
            },
            expect={"c": ["a", "a"], "d": ["x", "x"], "i": [1, 4]},
        ),
        Example(
            title="with a condition: only rows where it holds are mapped or removed",
            given={"c": ["a", "b", "b", None, "a"], "i": [1, 2, 3, 4, 5]},
            params={
                "sourceColumn": "c",
                "targetColumn": "d",
                "categoryMap": {"a": "x"},
                "deleteOtherRows": True,
            },
            conditions=({"Condition": "GREATER_THAN", "Value": "2", "TargetColumn": "i"},),
            expect={"c": ["a", "b", "a"], "d": [None, None, "x"], "i": [1, 2, 5]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> CategoricalMapping:
        if not self.category_map:
            raise ParameterError("categoryMap is empty", operation=self.operation, parameter="categoryMap")
        if self.map_type is MapType.NUMERIC:
            for key, value in self.category_map.items():
                if value is not None and _number(value) is None:
                    raise ParameterError(
                        f"mapType NUMERIC needs numbers; {key!r} maps to {value!r}",
                        operation=self.operation,
                        parameter="categoryMap",
                    )
            if self.other is not None and _number(self.other) is None:
                raise ParameterError(
                    f"mapType NUMERIC needs a number for other (got {self.other!r})",
                    operation=self.operation,
                    parameter="other",
                )
        return self

    def result_type(self) -> LType:
        if self.map_type is not MapType.NUMERIC:
            return LType.STRING
        numbers = [_number(v) for v in self.category_map.values() if v is not None]
        if self.other is not None:
            numbers.append(_number(self.other))
        return LType.INTEGER if all(isinstance(n, int) for n in numbers) else LType.DOUBLE

    def _value(self, value: Any) -> Any:
        if value is None:
            return None
        if self.map_type is MapType.NUMERIC:
            number = _number(value)
            if number is None:
                return None
            return int(number) if self.result_type() is LType.INTEGER else float(number)
        return value if isinstance(value, str) else value_label(value)

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result_type()}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        ltype = ctx.schema_of(df)[self.source_column]
        target = self.result_type()
        atype = arrow_type(target)
        text = flat(arr(cast_pandas(source, ltype, LType.STRING))).cast(pa.large_string())
        keys = pa.array(list(self.category_map), pa.large_string())
        mapped = pa.array([self._value(v) for v in self.category_map.values()], atype)
        position = pc.index_in(text, value_set=keys)
        result = mapped.take(position)
        unmapped = pc.is_null(position)
        if self.keep_others:
            kept = flat(arr(cast_pandas(source, ltype, target))).cast(atype)
            result = pc.if_else(unmapped, kept, result)
        elif self.other is not None:
            result = pc.if_else(
                pc.and_(unmapped, pc.is_valid(text)), pa.scalar(self._value(self.other), atype), result
            )
        return {self.target_column: wrap(result, source)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        from workbench.engines.spark.types import spark_type

        ltype = ctx.schema_of(df)[self.source_column]
        target = self.result_type()
        stype = spark_type(target)
        text = cast_spark(scol(self.source_column), ltype, LType.STRING)
        pairs = []
        for key, value in self.category_map.items():
            pairs += [F.lit(key), F.lit(self._value(value)).cast(stype)]
        result = F.try_element_at(F.create_map(*pairs), text)
        if self.keep_others:
            result = F.when(self._mapped_spark(text), result).otherwise(
                cast_spark(scol(self.source_column), ltype, target).cast(stype)
            )
        elif self.other is not None:
            other = F.lit(self._value(self.other)).cast(stype)
            result = F.when(text.isNotNull() & ~self._mapped_spark(text), other).otherwise(result)
        return {self.target_column: result}

    def _mapped_spark(self, text: SparkColumn) -> SparkColumn:
        return F.coalesce(text.isin(*list(self.category_map)), F.lit(False))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        if self.delete_other_rows:
            source = df[self.source_column]
            ltype = ctx.schema_of(df)[self.source_column]
            text = flat(arr(cast_pandas(source, ltype, LType.STRING))).cast(pa.large_string())
            keys = pa.array(list(self.category_map), pa.large_string())
            drop = pc.is_null(pc.index_in(text, value_set=keys)).to_numpy(zero_copy_only=False)
            if where is not None:
                drop = drop & where.fillna(False).to_numpy(dtype=bool)
                where = where[~drop]
            df = df[~drop]
        return super().apply_pandas(df, ctx, where)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        if self.delete_other_rows:
            ltype = ctx.schema_of(df)[self.source_column]
            keep = self._mapped_spark(cast_spark(scol(self.source_column), ltype, LType.STRING))
            if where is not None:
                keep = keep | ~F.coalesce(where, F.lit(False))
            df = df.filter(keep)
        return super().apply_spark(df, ctx, where)


# --- BUCKETIZATION -----------------------------------------------------------------------------


class Bucketization(ColumnFunction):
    """Put each number into a named bucket, by boundaries (splits) or by percentiles (percentage).

    With ``splits`` [s0, s1, …, sn] (``-Infinity`` and ``Infinity`` allowed) bucket i holds
    s(i) <= x < s(i+1), the last bucket also x = sn; values outside every bucket are null.
    With ``percentage`` p the boundaries are the p-th, 2p-th, … percentiles of the column's
    non-null values (exact, interpolated linearly between values) and the first and last
    buckets are open-ended, so there are ceil(100 / p) buckets. ``bucketNames`` gives one name
    per bucket, in order; the new column is text. A null value gives null.
    """

    operation = "BUCKETIZATION"
    category = Category.ENCODE
    uses_statistics = True
    source_column: NumericColumn
    target_column: NewColumn
    bucket_names: TextList
    splits: NumberList | None = None
    percentage: Number | None = None
    examples: ClassVar = (
        Example(
            title="DataBrew's documented splits",
            given={"level": [-5.0, 2.0, 19.9, 20.0, 1e9, None]},
            params={
                "sourceColumn": "level",
                "targetColumn": "bin",
                "bucketNames": '["Bin1","Bin2","Bin3"]',
                "splits": '["-Infinity","2","20","Infinity"]',
            },
            expect={
                "level": [-5.0, 2.0, 19.9, 20.0, 1e9, None],
                "bin": ["Bin1", "Bin2", "Bin2", "Bin3", "Bin3", None],
            },
        ),
        Example(
            title="bounded splits: the last bucket includes its upper bound, values outside are null",
            given={"x": [0, 5, 10, 11, -1]},
            params={
                "sourceColumn": "x",
                "targetColumn": "b",
                "bucketNames": ["low", "high"],
                "splits": [0, 5, 10],
            },
            expect={"x": [0, 5, 10, 11, -1], "b": ["low", "high", "high", None, None]},
        ),
        Example(
            title="two buckets at the median",
            given={"level": [1, 2, 3, 4, None]},
            params={
                "sourceColumn": "level",
                "targetColumn": "bin",
                "bucketNames": '["Bin1","Bin2"]',
                "percentage": "50",
            },
            expect={"level": [1, 2, 3, 4, None], "bin": ["Bin1", "Bin1", "Bin2", "Bin2", None]},
        ),
        Example(
            title="quartiles",
            given={"v": [10.0, 20.0, 30.0, 40.0, 50.0]},
            params={
                "sourceColumn": "v",
                "targetColumn": "q",
                "bucketNames": ["q1", "q2", "q3", "q4"],
                "percentage": 25,
            },
            expect={"v": [10.0, 20.0, 30.0, 40.0, 50.0], "q": ["q1", "q2", "q3", "q4", "q4"]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> Bucketization:
        names = len(self.bucket_names)
        if (self.splits is None) == (self.percentage is None):
            raise ParameterError(
                "give either splits or percentage", operation=self.operation, parameter="splits"
            )
        if names == 0:
            raise ParameterError(
                "give at least one bucket name", operation=self.operation, parameter="bucketNames"
            )
        if self.splits is not None:
            if len(self.splits) != names + 1:
                raise ParameterError(
                    f"{names} buckets need {names + 1} splits (got {len(self.splits)})",
                    operation=self.operation,
                    parameter="splits",
                )
            if any(math.isnan(s) for s in self.splits) or any(
                a >= b for a, b in zip(self.splits, self.splits[1:], strict=False)
            ):
                raise ParameterError(
                    "splits must increase strictly", operation=self.operation, parameter="splits"
                )
        else:
            p = self.percentage
            if p is None or not 0 < p <= 100:
                raise ParameterError(
                    "percentage must be more than 0 and at most 100",
                    operation=self.operation,
                    parameter="percentage",
                )
            buckets = math.ceil(100 / p - 1e-9)
            if buckets != names:
                raise ParameterError(
                    f"percentage {p:g} makes {buckets} buckets but bucketNames has {names} names",
                    operation=self.operation,
                    parameter="bucketNames",
                )
        return self

    @field_serializer("splits")
    def _splits_text(self, splits: list[float] | None) -> list[float | str] | None:
        # Infinite splits are written as DataBrew writes them, "-Infinity" and "Infinity",
        # which keeps the recipe standard JSON.
        if splits is None:
            return None
        return [("Infinity" if s > 0 else "-Infinity") if math.isinf(s) else s for s in splits]

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def _quantiles(self) -> list[float]:
        p = self.percentage or 100.0
        return [k * p / 100 for k in range(1, len(self.bucket_names))]

    def _bounds(self, quantiles: list[Any] | None) -> list[float] | None:
        if self.splits is not None:
            return list(self.splits)
        if quantiles is None or any(q is None for q in quantiles):
            return None
        return [-math.inf, *[float(q) for q in quantiles], math.inf]

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        x = _double_pandas(source, ctx.schema_of(df)[self.source_column])
        quantiles = None
        if self.percentage is not None:
            quantiles = (
                pc.quantile(x, q=self._quantiles(), interpolation="linear").to_pylist()
                if pc.count(x).as_py()
                else None
            )
        bounds = self._bounds(quantiles)
        result = pa.nulls(len(x), pa.large_string())
        if bounds is not None:
            last = len(self.bucket_names) - 1
            for i, name in enumerate(self.bucket_names):
                upper = pc.less_equal(x, bounds[i + 1]) if i == last else pc.less(x, bounds[i + 1])
                inside = pc.and_(pc.greater_equal(x, bounds[i]), upper)
                result = pc.if_else(pc.fill_null(inside, False), pa.scalar(name, pa.large_string()), result)
        return {self.target_column: wrap(result, source)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        x = _double_spark(scol(self.source_column))
        quantiles = None
        if self.percentage is not None:
            stats = ctx.aggregate(df, {"q": F.percentile(x, self._quantiles())})
            quantiles = stats["q"]
        bounds = self._bounds(quantiles)
        if bounds is None:
            return {self.target_column: F.lit(None).cast("string")}
        result: Any = None
        last = len(self.bucket_names) - 1
        for i, name in enumerate(self.bucket_names):
            upper = (x <= F.lit(bounds[i + 1])) if i == last else (x < F.lit(bounds[i + 1]))
            inside = (x >= F.lit(bounds[i])) & upper
            result = F.when(inside, F.lit(name)) if result is None else result.when(inside, F.lit(name))
        return {self.target_column: result}


# --- BINARIZATION ------------------------------------------------------------------------------


class Binarization(Derive):
    """Write 1 where a number is above a threshold and 0 elsewhere (the other way round with flip).

    Without ``flip`` values greater than ``threshold`` give 1 and the others 0; with ``flip``
    values less than or equal to ``threshold`` give 1 and greater ones 0. The new column is an
    integer column; a null value gives null.
    """

    operation = "BINARIZATION"
    category = Category.ENCODE
    source_column: NumericColumn
    threshold: Number
    flip: Boolean = False
    examples: ClassVar = (
        Example(
            given={"level": [50.0, 100.0, 100.5, -3.0, None]},
            params={"sourceColumn": "level", "targetColumn": "bin", "threshold": "100.0", "flip": "false"},
            expect={"level": [50.0, 100.0, 100.5, -3.0, None], "bin": [0, 0, 1, 0, None]},
        ),
        Example(
            given={"n": [1, 2, 3, None]},
            params={"sourceColumn": "n", "targetColumn": "small", "threshold": 2, "flip": True},
            expect={"n": [1, 2, 3, None], "small": [1, 1, 0, None]},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_map(self, s: pd.Series) -> pd.Series:
        x = flat(arr(s))
        if not pa.types.is_floating(x.type) and not pa.types.is_integer(x.type):
            x = x.cast(pa.float64())
        above = pc.greater(x, pa.scalar(float(self.threshold), pa.float64()))
        hit = pc.invert(above) if self.flip else above
        return wrap(pc.cast(hit, pa.int64()), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        x = _double_spark(c)
        threshold = F.lit(float(self.threshold))
        hit = (x <= threshold) if self.flip else (x > threshold)
        return hit.cast("long")
