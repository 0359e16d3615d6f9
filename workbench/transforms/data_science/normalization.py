"""Scale: NORMALIZATION."""

from __future__ import annotations

import math
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.data_science_values import (
    double_pandas,
    double_spark,
)
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction
from workbench.core.lazy import F, scol
from workbench.core.params import (
    NewColumn,
    Number,
    NumericColumn,
    enum_param,
)
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


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
        x = double_pandas(source, ctx.schema_of(df)[self.source_column])
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
        x = double_spark(scol(self.source_column))
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
