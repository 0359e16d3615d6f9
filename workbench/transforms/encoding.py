"""Encode: categories as ordinal codes or as their frequency, and numbers into equal-width bins.

Workbench extensions answering scikit-learn's OrdinalEncoder and KBinsDiscretizer(strategy
"uniform") and the frequency-encoding idiom ``s.map(s.value_counts())``. On Spark the
statistics a step learns (distinct values, minimum and maximum) come from one job; frequencies
are window counts, so they need no job of their own.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, W, scol
from workbench.core.params import Column, Integer, NewColumn, NumericColumn, TextColumn, TextList, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

TEXT = pa.large_string()
_SHOWN = 5
"""How many unlisted values an error names."""


def _combined(a: Any) -> Any:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


# --- ORDINAL_ENCODING ------------------------------------------------------------------------------


class OrdinalEncoding(ColumnFunction):
    """Replace each category of a text column by its position in a sorted or given order (0, 1, 2, …).

    Without ``categories`` the order is the column's distinct values sorted by code point (as
    scikit-learn's OrdinalEncoder sorts them); with ``categories`` it is that list, exactly as
    written (case and spaces count). A value not in the list gets ``unknownValue``; when
    ``unknownValue`` is not given such a value is an error that names the missing categories, as
    scikit-learn refuses unknown categories by default. Null stays null; the empty string is a
    category like any other. The result is an integer column.
    """

    operation = "ORDINAL_ENCODING"
    category = Category.ENCODE
    extension: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    source_column: TextColumn
    target_column: NewColumn
    categories: TextList | None = None
    unknown_value: Integer | None = None
    examples: ClassVar = (
        Example(
            title="categories sorted by code point: upper case before lower case, the empty text first",
            given={"size": ["small", "Large", "medium", None, "small", "", "élan"]},
            params={"sourceColumn": "size", "targetColumn": "size_code"},
            expect={
                "size": ["small", "Large", "medium", None, "small", "", "élan"],
                "size_code": [3, 1, 2, None, 3, 0, 4],
            },
            expect_schema={"size_code": "integer"},
        ),
        Example(
            title="a given order; a value outside it gets unknownValue",
            given={"size": ["small", "large", "medium", None, "huge"]},
            params={
                "sourceColumn": "size",
                "targetColumn": "rank",
                "categories": '["small", "medium", "large"]',
                "unknownValue": "-1",
            },
            expect={"size": ["small", "large", "medium", None, "huge"], "rank": [0, 2, 1, None, -1]},
        ),
        Example(
            given={"s": [None, None]},
            params={"sourceColumn": "s", "targetColumn": "code"},
            schema={"s": "string"},
            expect={"s": [None, None], "code": [None, None]},
            expect_schema={"code": "integer"},
        ),
    )

    @model_validator(mode="after")
    def _categories(self) -> OrdinalEncoding:
        if self.categories is None:
            if self.unknown_value is not None:
                raise ParameterError(
                    "unknownValue applies only with categories (sorted categories cover every value)",
                    operation=self.operation,
                    parameter="unknownValue",
                )
            return self
        if not self.categories:
            raise ParameterError(
                "give at least one category, or leave categories out to sort the values",
                operation=self.operation,
                parameter="categories",
            )
        seen: set[str] = set()
        for value in self.categories:
            if value in seen:
                raise ParameterError(
                    f"category {value!r} is listed twice", operation=self.operation, parameter="categories"
                )
            seen.add(value)
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.INTEGER}

    def _refuse_unknown(self, unknown: list[str], total: int) -> None:
        if not unknown:
            return
        shown = ", ".join(repr(v) for v in sorted(unknown)[:_SHOWN])
        more = f" and {total - _SHOWN} more" if total > _SHOWN else ""
        raise ParameterError(
            f"column {self.source_column!r} holds values that are not in categories: {shown}{more}; "
            "add them to categories or give unknownValue",
            operation=self.operation,
            parameter="categories",
            column=self.source_column,
        )

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        a = pc.cast(_combined(arr(source)), TEXT)
        if self.categories is None:
            distinct = pc.drop_null(pc.unique(a))
            order = pc.take(distinct, pc.sort_indices(distinct))
        else:
            order = pa.array(self.categories, TEXT)
        codes = pc.cast(pc.index_in(a, value_set=order), pa.int64())
        unknown = pc.and_(pc.is_valid(a), pc.is_null(codes))
        if self.categories is not None and pc.any(unknown).as_py():
            if self.unknown_value is None:
                missing = pc.unique(pc.filter(a, unknown))
                self._refuse_unknown(missing.to_pylist()[: 100 * _SHOWN], len(missing))
            codes = pc.if_else(unknown, pa.scalar(self.unknown_value, pa.int64()), codes)
        return {self.target_column: wrap(codes, source)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        if self.categories is None:
            row = ctx.aggregate(df, {"values": F.array_sort(F.collect_set(c))})
            order = list(row["values"] or [])
        else:
            order = list(self.categories)
        position = F.array_position(F.array(*[F.lit(v) for v in order]), c) if order else F.lit(0)
        if self.categories is not None and self.unknown_value is None:
            outside = F.when(c.isNotNull() & (position == 0), c)
            row = ctx.aggregate(
                df,
                {
                    "unknown": F.slice(F.array_sort(F.collect_set(outside)), 1, 100 * _SHOWN),
                    "count": F.count_distinct(outside),
                },
            )
            self._refuse_unknown(list(row["unknown"] or []), row["count"] or 0)
        code = (position - F.lit(1)).cast("long")
        if self.unknown_value is not None:
            code = F.when(position == 0, F.lit(self.unknown_value).cast("long")).otherwise(code)
        return {self.target_column: F.when(c.isNotNull(), code)}


# --- FREQUENCY_ENCODING ----------------------------------------------------------------------------


class FrequencyMeasure(str, Enum):
    COUNT = "COUNT"
    SHARE = "SHARE"


class FrequencyEncoding(ColumnFunction):
    """Write how often each row's value occurs in the column: a count, or a share of the values.

    COUNT gives the number of rows holding the same value (an integer); SHARE gives that count
    divided by the number of non-missing values (a double), as ``s.map(s.value_counts(
    normalize=True))``. Missing values (null, and NaN in a double column) get null and are not
    counted; the empty string is a value; 0.0 and -0.0 are one value. Any column type except
    arrays, structs and maps.
    """

    operation = "FREQUENCY_ENCODING"
    category = Category.ENCODE
    extension: ClassVar[bool] = True
    source_column: Column
    target_column: NewColumn
    measure: enum_param(FrequencyMeasure) = FrequencyMeasure.COUNT  # type: ignore[valid-type]
    examples: ClassVar = (
        Example(
            given={"city": ["Oslo", "Bergen", "Oslo", None, "", "Oslo", "", "Zürich"]},
            params={"sourceColumn": "city", "targetColumn": "city_count"},
            expect={
                "city": ["Oslo", "Bergen", "Oslo", None, "", "Oslo", "", "Zürich"],
                "city_count": [3, 1, 3, None, 2, 3, 2, 1],
            },
            expect_schema={"city_count": "integer"},
        ),
        Example(
            title="shares of the non-missing values; NaN is missing, -0.0 is 0.0",
            given={"x": [0.0, -0.0, 1.5, float("nan"), None, 1.5, 2.0, 0.0]},
            params={"sourceColumn": "x", "targetColumn": "share", "measure": "SHARE"},
            expect={
                "x": [0.0, -0.0, 1.5, float("nan"), None, 1.5, 2.0, 0.0],
                "share": [0.5, 0.5, 2 / 6, None, None, 2 / 6, 1 / 6, 0.5],
            },
        ),
        Example(
            given={"flag": [True, False, True, None]},
            params={"sourceColumn": "flag", "targetColumn": "n", "measure": "count"},
            expect={"flag": [True, False, True, None], "n": [2, 1, 2, None]},
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        ltype = schema[self.source_column]
        if ltype in (LType.ARRAY, LType.STRUCT, LType.MAP):
            raise ParameterError(
                f"column {self.source_column!r} is {ltype.value}; values of this type are not counted",
                operation=self.operation,
                parameter="sourceColumn",
                column=self.source_column,
            )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.INTEGER if self.measure is FrequencyMeasure.COUNT else LType.DOUBLE}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        a = _combined(arr(source))
        if ctx.schema_of(df)[self.source_column] is LType.DOUBLE:
            a = pc.add(pc.if_else(pc.fill_null(pc.is_nan(a), False), pa.scalar(None, a.type), a), 0.0)
        encoded = _combined(pc.dictionary_encode(a))
        indices = encoded.indices
        valid = pc.drop_null(indices).to_numpy(zero_copy_only=False).astype(np.int64)
        counts = np.bincount(valid, minlength=len(encoded.dictionary))
        per_row = pc.take(pa.array(counts, pa.int64()), indices)
        if self.measure is FrequencyMeasure.SHARE:
            per_row = pc.divide(pc.cast(per_row, pa.float64()), float(len(valid))) if len(valid) else per_row
            per_row = pc.cast(per_row, pa.float64())
        return {self.target_column: wrap(per_row, source)}

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        # Window counts move rows between partitions: the row-position column keeps their order.
        return super().apply_spark(ctx.with_row_position(df), ctx, where)

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        c = scol(self.source_column)
        if ctx.schema_of(df)[self.source_column] is LType.DOUBLE:
            c = F.when(~F.isnan(c), c + F.lit(0.0))
        count = F.count(F.lit(1)).over(W.Window.partitionBy(c))
        if self.measure is FrequencyMeasure.SHARE:
            total = F.count(c).over(W.Window.partitionBy(F.lit(0)))
            return {self.target_column: F.when(c.isNotNull(), count / total)}
        return {self.target_column: F.when(c.isNotNull(), count.cast("long"))}


# --- EQUAL_WIDTH_BINNING ---------------------------------------------------------------------------

_MAX_BINS = 10_000


class EqualWidthBinning(ColumnFunction):
    """Put numbers into n bins of equal width between the column's minimum and maximum.

    The range from the smallest to the largest finite value is cut into ``numberOfBins`` equal
    parts (scikit-learn's KBinsDiscretizer with the uniform strategy; DataBrew's BUCKETIZATION
    takes explicit splits or percentiles instead): bin i holds min + i * w <= x < min + (i + 1)
    * w, the last bin also the maximum, -Infinity the first bin and Infinity the last. The result
    is the bin's 0-based index (an integer), or its name from ``binNames`` (text). A column whose
    values are all equal puts them in bin 0. Null and NaN give null.
    """

    operation = "EQUAL_WIDTH_BINNING"
    category = Category.ENCODE
    extension: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    source_column: NumericColumn
    target_column: NewColumn
    number_of_bins: Integer = 5
    bin_names: TextList | None = None
    examples: ClassVar = (
        Example(
            title="0 to 10 in 4 bins of width 2.5; the maximum is in the last bin",
            given={"x": [0.0, 2.4, 2.5, 7.5, 10.0, None, float("nan"), float("inf")]},
            params={"sourceColumn": "x", "targetColumn": "bin", "numberOfBins": "4"},
            expect={
                "x": [0.0, 2.4, 2.5, 7.5, 10.0, None, float("nan"), float("inf")],
                "bin": [0, 0, 1, 3, 3, None, None, 3],
            },
            expect_schema={"bin": "integer"},
        ),
        Example(
            title="named bins",
            given={"age": [18, 30, 45, 60, None, 90]},
            params={
                "sourceColumn": "age",
                "targetColumn": "band",
                "numberOfBins": 3,
                "binNames": '["young", "middle", "senior"]',
            },
            expect={
                "age": [18, 30, 45, 60, None, 90],
                "band": ["young", "young", "middle", "middle", None, "senior"],
            },
        ),
        Example(
            title="one distinct value: bin 0",
            given={"x": [4, 4, None]},
            params={"sourceColumn": "x", "targetColumn": "b", "numberOfBins": 3},
            expect={"x": [4, 4, None], "b": [0, 0, None]},
        ),
    )

    @model_validator(mode="after")
    def _bins(self) -> EqualWidthBinning:
        if not 1 <= self.number_of_bins <= _MAX_BINS:
            raise ParameterError(
                f"numberOfBins must be from 1 to {_MAX_BINS:,} (got {self.number_of_bins})",
                operation=self.operation,
                parameter="numberOfBins",
            )
        if self.bin_names is not None and len(self.bin_names) != self.number_of_bins:
            raise ParameterError(
                f"binNames has {len(self.bin_names)} names for {self.number_of_bins} bins; give one per bin",
                operation=self.operation,
                parameter="binNames",
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.INTEGER if self.bin_names is None else LType.STRING}

    def _edges(self, low: Any, high: Any) -> tuple[float, float, float] | None:
        """Minimum, maximum and bin width (0 when every value is equal); None without values."""
        if low is None or high is None:
            return None
        low, high = float(low), float(high)
        return low, high, (high - low) / self.number_of_bins

    def _names_pandas(self, index: Any) -> Any:
        if self.bin_names is None:
            return index
        return pc.take(pa.array(self.bin_names, TEXT), index)

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        source = df[self.source_column]
        a = arr(source)
        x = a if a.type == pa.float64() else pc.cast(a, pa.float64(), safe=False)
        finite = pc.filter(x, pc.fill_null(pc.is_finite(x), False))
        bounds = pc.min_max(finite)
        edges = self._edges(bounds["min"].as_py(), bounds["max"].as_py())
        if edges is None:
            return {self.target_column: wrap(pa.nulls(len(x), self.produced_arrow()), source)}
        low, high, width = edges
        last = self.number_of_bins - 1
        inner = pc.floor(pc.divide(pc.subtract(x, low), width)) if width else pc.multiply(x, 0.0)
        index = pc.if_else(
            pc.less_equal(x, low),
            0.0,
            pc.if_else(pc.greater_equal(x, high), float(last), inner),
        )
        index = pc.if_else(
            pc.is_nan(x), pa.scalar(None, pa.float64()), pc.min_element_wise(index, float(last))
        )
        result = self._names_pandas(pc.cast(index, pa.int64()))
        return {self.target_column: wrap(result, source)}

    def produced_arrow(self) -> pa.DataType:
        return pa.int64() if self.bin_names is None else TEXT

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        x = scol(self.source_column).cast("double")
        finite = F.when(~F.isnan(x) & (F.abs(x) != F.lit(float("inf"))), x)
        row = ctx.aggregate(df, {"low": F.min(finite), "high": F.max(finite)})
        edges = self._edges(row["low"], row["high"])
        if edges is None:
            return {self.target_column: F.lit(None).cast("long" if self.bin_names is None else "string")}
        low, high, width = edges
        last = self.number_of_bins - 1
        inner = F.floor((x - F.lit(low)) / F.lit(width)) if width else F.lit(0)
        index = (
            F.when(x.isNull() | F.isnan(x), F.lit(None))
            .when(x <= F.lit(low), F.lit(0))
            .when(x >= F.lit(high), F.lit(last))
            .otherwise(F.least(inner.cast("long"), F.lit(last)))
            .cast("long")
        )
        if self.bin_names is None:
            return {self.target_column: index}
        names = F.array(*[F.lit(name) for name in self.bin_names])
        return {self.target_column: F.element_at(names, (index + F.lit(1)).cast("int"))}
