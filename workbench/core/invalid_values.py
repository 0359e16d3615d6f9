"""What an invalid value is (a present value of a text column that does not parse as the type asked
for), the same on both engines, and the base of the steps that remove or replace them.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import cast_pandas, cast_spark, text_valid_pandas, text_valid_spark
from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import InPlace
from workbench.core.lazy import F, scol
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.params import Column
from workbench.core.types import CAST_TARGETS, LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

DataType = Enum(  # type: ignore[misc]
    "DataType", {name.upper(): name for name in CAST_TARGETS}, type=str
)
"""The type names columnDataType accepts: DataBrew's, and the aliases real recipes use."""


VALUE = "__workbench_value"
"""The one column of the frames the Spark statistics are computed from."""


class NumberType(str, Enum):
    """columnDataType of the numeric replacements: DataBrew only allows ``number``."""

    NUMBER = "number"


# --- what is invalid -----------------------------------------------------------------------------


def target_type(data_type: Any) -> LType:
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


def refuse_advanced(step: Any) -> None:
    if getattr(step, "advanced_data_type", None) is not None:
        raise ParameterError(
            "advancedDataType is not supported yet; give columnDataType instead",
            operation=step.operation,
            parameter="advancedDataType",
        )


def number_text(value: float) -> str:
    """A double as Workbench writes it as text (the same on both engines)."""
    s = pd.Series(pa.array([value], pa.float64()), dtype=pd.ArrowDtype(pa.float64()))
    return str(arr(cast_pandas(s, LType.DOUBLE, LType.STRING))[0].as_py())


def numbers_pandas(s: pd.Series) -> Any:
    """The valid numbers of a text column as doubles, null elsewhere (NaN read as null)."""
    numbers = pc.cast(arr(cast_pandas(s, LType.STRING, LType.DOUBLE)), pa.float64())
    return pc.if_else(pc.is_nan(numbers), pa.scalar(None, pa.float64()), numbers)


def numbers_spark(c: SparkColumn) -> SparkColumn:
    number = cast_spark(c, LType.STRING, LType.DOUBLE).cast("double")
    return F.when(~F.isnan(number), number)


class Invalid(InPlace):
    """Rewrite the invalid values of ``sourceColumn``; other values stay as they are."""

    abstract: ClassVar[bool] = True
    source_column: Column

    @model_validator(mode="after")
    def _advanced(self) -> Invalid:
        refuse_advanced(self)
        return self

    def target(self) -> LType:
        return target_type(getattr(self, "column_data_type", None))

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
