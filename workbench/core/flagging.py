"""Flag columns: boolean, or text holding trueString/falseString, the same on both engines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.lazy import F
from workbench.core.types import LType
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


def flag_ltype(true_string: str | None, false_string: str | None) -> LType:
    """Boolean without strings, text with them."""
    return LType.BOOLEAN if true_string is None and false_string is None else LType.STRING


def flag_pandas(
    hit: Any, like: pd.Series | pd.Index, true_string: str | None, false_string: str | None
) -> pd.Series:
    """A flag column from a boolean Arrow array (nulls count as false)."""
    hit = pc.fill_null(hit, False)
    if flag_ltype(true_string, false_string) is LType.BOOLEAN:
        return wrap(hit, like)
    yes = pa.scalar("True" if true_string is None else true_string, pa.large_string())
    no = pa.scalar("False" if false_string is None else false_string, pa.large_string())
    return wrap(pc.if_else(hit, yes, no), like)


def flag_spark(hit: SparkColumn, true_string: str | None, false_string: str | None) -> SparkColumn:
    """A flag column from a boolean expression (null counts as false)."""
    hit = F.coalesce(hit, F.lit(False))
    if flag_ltype(true_string, false_string) is LType.BOOLEAN:
        return hit
    yes = "True" if true_string is None else true_string
    no = "False" if false_string is None else false_string
    return F.when(hit, F.lit(yes)).otherwise(F.lit(no))
