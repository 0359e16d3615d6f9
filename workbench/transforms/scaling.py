"""Scale: reshape skewed numeric columns with a log, root or square function.

The skew functions, shared by every transform here, give a double and keep a value's sign so
that they order values as the source does:

- LOG: sign(x) * log_b(1 + |x|), base ``value`` (default e): defined for every number, 0 stays 0.
- ROOT: the ``value``-th root (default 2, the square root). A negative number has a real root
  only for an odd whole degree (the cube root of -8 is -2); for any other degree it gives null.
- SQUARE: x * x (takes no ``value``).

A null gives null, NaN gives NaN, infinities give infinities (null for an even root of -inf).
Integer and decimal inputs are computed as doubles.
"""

from __future__ import annotations

import math
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.errors import ParameterError
from workbench.core.families import Derive
from workbench.core.lazy import F
from workbench.core.params import Number, NumericColumn, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class SkewFunction(str, Enum):
    """The function that reshapes the distribution."""

    ROOT = "ROOT"
    LOG = "LOG"
    SQUARE = "SQUARE"


def check_skew_value(operation: str, function: SkewFunction, value: float | None) -> None:
    """Refuse a log base or root degree that has no meaning (or a value for SQUARE)."""
    if value is None:
        return
    if function is SkewFunction.SQUARE:
        raise ParameterError("SQUARE takes no value; remove it", operation=operation, parameter="value")
    if function is SkewFunction.LOG and not (value > 0 and value != 1):
        raise ParameterError(
            f"the base of a logarithm must be positive and not 1 (got {value:g})",
            operation=operation,
            parameter="value",
        )
    if function is SkewFunction.ROOT and not value > 0:
        raise ParameterError(
            f"the degree of a root must be positive (got {value:g})", operation=operation, parameter="value"
        )


def _odd_degree(degree: float) -> bool:
    return degree.is_integer() and int(degree) % 2 == 1


def skew_pandas(x: Any, function: SkewFunction, value: float | None) -> Any:
    """The skew function of an Arrow double array."""
    if function is SkewFunction.SQUARE:
        return pc.multiply(x, x)
    negative = pc.less(x, 0.0)
    magnitude = pc.abs(x)
    if function is SkewFunction.LOG:
        shrunk = pc.log1p(magnitude)
        if value is not None and value != math.e:
            shrunk = pc.divide(shrunk, math.log(value))
        return pc.if_else(negative, pc.negate(shrunk), shrunk)
    degree = 2.0 if value is None else float(value)
    if degree == 2:
        root = pc.sqrt(magnitude)
    elif degree == 3:
        cubed = np.cbrt(magnitude.to_numpy(zero_copy_only=False))
        root = pa.array(cubed, pa.float64(), mask=pc.is_null(magnitude).to_numpy(zero_copy_only=False))
    else:
        root = pc.power(magnitude, 1.0 / degree)
    signed = pc.negate(root) if _odd_degree(degree) else pa.nulls(len(x), pa.float64())
    return pc.if_else(negative, signed, root)


def skew_spark(x: SparkColumn, function: SkewFunction, value: float | None) -> SparkColumn:
    """The skew function of a Spark double column."""
    if function is SkewFunction.SQUARE:
        return x * x
    magnitude = F.abs(x)
    if function is SkewFunction.LOG:
        shrunk = F.log1p(magnitude)
        if value is not None and value != math.e:
            shrunk = shrunk / F.lit(math.log(value))
        return F.when(x < 0, -shrunk).otherwise(shrunk)
    degree = 2.0 if value is None else float(value)
    if degree == 2:
        root = F.sqrt(magnitude)
    elif degree == 3:
        root = F.cbrt(magnitude)
    else:
        root = F.pow(magnitude, F.lit(1.0 / degree))
    signed = -root if _odd_degree(degree) else F.lit(None).cast("double")
    return F.when(x < 0, signed).otherwise(root)


def _double_pandas(s: pd.Series) -> Any:
    a = arr(s)
    return a if a.type == pa.float64() else pc.cast(a, pa.float64(), safe=False)


class Skewness(Derive):
    """Reshape a skewed numeric column with a log, root or square function, into a new column.

    LOG gives sign(x) * log(1 + |x|) in base ``value`` (default e), so zeros and negative
    numbers keep a place; ROOT gives the ``value``-th root (default 2), the real root of a
    negative number for an odd whole degree and null for any other; SQUARE gives x * x. The
    result is a double; null stays null.
    """

    operation = "SKEWNESS"
    category = Category.SCALE
    source_column: NumericColumn
    skew_function: enum_param(SkewFunction)  # type: ignore[valid-type]
    value: Number | None = None
    examples: ClassVar = (
        Example(
            title="natural log of 1 + |x|, the sign kept",
            given={"level": [0.0, math.e - 1, -(math.e**2 - 1), None, float("nan")]},
            params={"sourceColumn": "level", "targetColumn": "bin", "skewFunction": "LOG"},
            expect={
                "level": [0.0, math.e - 1, -(math.e**2 - 1), None, float("nan")],
                "bin": [0.0, 1.0, -2.0, None, float("nan")],
            },
        ),
        Example(
            given={"n": [0, 9, 99, -999, None]},
            params={"sourceColumn": "n", "targetColumn": "lg", "skewFunction": "LOG", "value": "10"},
            expect={"n": [0, 9, 99, -999, None], "lg": [0.0, 1.0, 2.0, -3.0, None]},
            expect_schema={"lg": "double"},
        ),
        Example(
            title="the square root (default degree) of a negative number is null",
            given={"x": [16, 2, 0, -4, None]},
            params={"sourceColumn": "x", "targetColumn": "r", "skewFunction": "ROOT"},
            expect={"x": [16, 2, 0, -4, None], "r": [4.0, math.sqrt(2), 0.0, None, None]},
        ),
        Example(
            title="an odd degree keeps the sign",
            given={"x": [27.0, -8.0, 0.0, float("-inf"), None]},
            params={"sourceColumn": "x", "targetColumn": "r", "skewFunction": "ROOT", "value": "3"},
            expect={"x": [27.0, -8.0, 0.0, float("-inf"), None], "r": [3.0, -2.0, 0.0, float("-inf"), None]},
        ),
        Example(
            given={"x": [16.0, -16.0, 1e-8, None]},
            params={"sourceColumn": "x", "targetColumn": "r", "skewFunction": "ROOT", "value": "4"},
            expect={"x": [16.0, -16.0, 1e-8, None], "r": [2.0, None, 0.01, None]},
        ),
        Example(
            given={"x": [-3, 0, 4, None, 3037000500]},
            params={"sourceColumn": "x", "targetColumn": "sq", "skewFunction": "SQUARE"},
            expect={"x": [-3, 0, 4, None, 3037000500], "sq": [9.0, 0.0, 16.0, None, 9.223372037e18]},
        ),
    )

    @model_validator(mode="after")
    def _value(self) -> Skewness:
        check_skew_value(self.operation, self.skew_function, self.value)
        return self

    def result_type(self, source: LType) -> LType:
        return LType.DOUBLE

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(skew_pandas(_double_pandas(s), self.skew_function, self.value), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        return skew_spark(c.cast("double"), self.skew_function, self.value)
