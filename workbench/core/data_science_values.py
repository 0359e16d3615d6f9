"""Numeric views of a column shared by the data-science steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from workbench.core.casting import cast_pandas
from workbench.core.pivoting import (
    flat,
)
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


def double_pandas(s: pd.Series, ltype: LType) -> Any:
    return flat(arr(cast_pandas(s, ltype, LType.DOUBLE))).cast(pa.float64())


def double_spark(c: SparkColumn) -> SparkColumn:
    return c.cast("double")
