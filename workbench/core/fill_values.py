"""Literals and statistics as values of a column's own type, shared by the fill, replace and
flag steps: Arrow scalars on pandas, typed literals on Spark, and the checks that refuse a value
or a column the step cannot use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from workbench.core.casting import cast_pandas
from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.types import LType, Schema, arrow_type
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn

NESTED = frozenset({LType.ARRAY, LType.STRUCT, LType.MAP})


def pandas_scalar(value: Any, ltype: LType, atype: pa.DataType) -> pa.Scalar:
    """A statistic as an Arrow scalar of the column's Arrow type."""
    if ltype is LType.TIMESTAMP:
        scalar = pa.scalar(value, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    else:
        scalar = pa.scalar(value, arrow_type(ltype))
    return scalar if scalar.type == atype else scalar.cast(atype, safe=False)


def spark_literal(value: Any, ltype: LType) -> SparkColumn:
    """A statistic as a Spark literal of the column's logical type."""
    from workbench.engines.spark.types import spark_type

    if ltype is LType.TIMESTAMP:
        return F.timestamp_micros(F.lit(value))
    return F.lit(value).cast(spark_type(ltype))


def require_scalar(
    transform: Any, schema: Schema, column: str, parameter: str | None = "sourceColumn"
) -> None:
    """Refuse array, struct and map columns."""
    ltype = schema[column]
    if ltype in NESTED:
        raise ParameterError(
            f"column {column!r} is {ltype.value}; this needs a column of single values",
            operation=transform.operation,
            parameter=parameter,
            column=column,
        )


def _text_series(value: str) -> pd.Series:
    return pd.Series(pa.array([value], pa.large_string()), dtype=pd.ArrowDtype(pa.large_string()))


def typed_text_pandas(value: str, ltype: LType) -> pa.Scalar:
    """``value`` read as a value of ``ltype`` by Workbench's casting rules (null if it does not fit)."""
    return arr(cast_pandas(_text_series(value), LType.STRING, ltype))[0]


def check_fits(transform: Any, value: str, ltype: LType, column: str, parameter: str = "value") -> None:
    """Refuse a literal that the column's type cannot hold."""
    if ltype in NESTED or not typed_text_pandas(value, ltype).is_valid:
        raise ParameterError(
            f"{value!r} is not a valid {ltype.value} value for column {column!r}",
            operation=transform.operation,
            parameter=parameter,
            column=column,
        )
