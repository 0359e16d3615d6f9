"""Mapping: CATEGORICAL_MAPPING."""

from __future__ import annotations

import math
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import (
    Boolean,
    Column,
    KeyValueMap,
    NewColumn,
    Text,
    enum_param,
)
from workbench.core.pivoting import (
    flat,
    value_label,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


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
