"""What a transform may ask of the engine running it: one protocol per engine.

A step's pandas code receives a :class:`PandasContext`, its Spark code a :class:`SparkContext`
(the engines in ``workbench/engines`` implement them). Keeping the vocabulary this small is what
lets a step run inside a fused Spark projection and on every engine the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from workbench.core.types import LType, Schema

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


class PandasContext(Protocol):
    """The pandas engine, as a step sees it."""

    now: dt.datetime
    """The run's clock, read once when the engine was created."""

    def schema_of(self, frame: pd.DataFrame) -> Schema:
        """Logical types of a frame's columns."""
        ...

    def dataset(self, name: str, operation: str) -> pd.DataFrame:
        """A secondary input bound by name (JOIN, UNION)."""
        ...

    def as_series(self, values: Any, ltype: LType, index: pd.Index) -> pd.Series:
        """Computed values as a column of the logical type."""
        ...

    def constant(self, value: Any, ltype: LType, index: pd.Index) -> pd.Series:
        """One value repeated on every row, as a column of the logical type."""
        ...

    def cast_series(self, s: pd.Series, ltype: LType) -> pd.Series:
        """A column in the canonical dtype of the logical type."""
        ...


class SparkContext(Protocol):
    """The Spark engine (classic or Connect), as a step sees it."""

    now: dt.datetime
    """The run's clock, read once when the engine was created."""

    def schema_of(self, frame: Any) -> Schema:
        """Logical types of a frame's columns (a DataFrame, or a fused projection's view)."""
        ...

    def dataset(self, name: str, operation: str) -> SparkFrame:
        """A secondary input bound by name (JOIN, UNION)."""
        ...

    def aggregate(self, frame: SparkFrame, exprs: dict[str, SparkColumn]) -> dict[str, Any]:
        """Every statistic a step needs, computed in one Spark job."""
        ...

    def with_row_position(self, frame: SparkFrame) -> SparkFrame:
        """The frame with its row position column, for steps that depend on row order."""
        ...
