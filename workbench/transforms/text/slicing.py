"""Functions: text — slicing and repeating (positions are 0-based code-point offsets, ranges half-open)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.lazy import F
from workbench.core.params import Integer
from workbench.core.registry import Category, Example
from workbench.core.text import (
    TextFunction,
    check_not_negative,
    check_range,
    slice_pandas,
    slice_spark,
)
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column

# --- slicing and repeating ----------------------------------------------------------------


class Left(TextFunction):
    """Write the first characters of the text (as many as ``position`` says) to a new column.

    ``position`` is a count of code points (0 or more); shorter text is copied whole.
    """

    operation = "LEFT"
    category = Category.TEXT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["Zo\u00eb", "a", None, "", "\U0001f600x"]},
            params={"sourceColumn": "t", "position": "2", "targetColumn": "first2"},
            expect={
                "t": ["Zo\u00eb", "a", None, "", "\U0001f600x"],
                "first2": ["Zo", "a", None, "", "\U0001f600x"],
            },
        ),
    )

    @model_validator(mode="after")
    def _count(self) -> Left:
        check_not_negative(self.operation, "position", self.position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(slice_pandas(arr(s), 0, self.position), s)

    def spark_map(self, c: Column) -> Column:
        return slice_spark(c, 0, self.position)


class Right(TextFunction):
    """Write the last characters of the text (as many as ``position`` says) to a new column.

    ``position`` is a count of code points (0 or more); shorter text is copied whole.
    """

    operation = "RIGHT"
    category = Category.TEXT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["Zo\u00eb", "a", None, "", "\U0001f600x"]},
            params={"sourceColumn": "t", "position": "2", "targetColumn": "last2"},
            expect={
                "t": ["Zo\u00eb", "a", None, "", "\U0001f600x"],
                "last2": ["o\u00eb", "a", None, "", "\U0001f600x"],
            },
        ),
        Example(
            given={"t": ["abc", None]},
            params={"sourceColumn": "t", "position": "0", "targetColumn": "none"},
            expect={"t": ["abc", None], "none": ["", None]},
            title="zero characters",
        ),
    )

    @model_validator(mode="after")
    def _count(self) -> Right:
        check_not_negative(self.operation, "position", self.position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        a = arr(s)
        if self.position == 0:
            return wrap(slice_pandas(a, 0, 0), s)
        return wrap(slice_pandas(a, -self.position, None), s)

    def spark_map(self, c: Column) -> Column:
        return F.right(c, F.lit(self.position))


class Substring(TextFunction):
    """Write the characters from ``startPosition`` up to (not including) ``endPosition`` to a new column.

    Positions are 0-based code-point offsets: startPosition 1, endPosition 3 of "abcdef" is
    "bc". Positions past the end of the text stop at the end (the result may be empty).
    """

    operation = "SUBSTRING"
    category = Category.TEXT
    start_position: Integer
    end_position: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["abcdef", "ab", "", None, "\u00e9\U0001f600\u00fc"]},
            params={"sourceColumn": "t", "startPosition": "1", "endPosition": "3", "targetColumn": "mid"},
            expect={
                "t": ["abcdef", "ab", "", None, "\u00e9\U0001f600\u00fc"],
                "mid": ["bc", "b", "", None, "\U0001f600\u00fc"],
            },
        ),
    )

    @model_validator(mode="after")
    def _range(self) -> Substring:
        check_range(self.operation, self.start_position, self.end_position)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(slice_pandas(arr(s), self.start_position, self.end_position), s)

    def spark_map(self, c: Column) -> Column:
        return slice_spark(c, self.start_position, self.end_position)


class RepeatString(TextFunction):
    """Write the text repeated ``count`` times to a new column.

    ``count`` is 0 or more; 0 gives an empty string.
    """

    operation = "REPEAT_STRING"
    category = Category.TEXT
    count: Integer
    examples: ClassVar = (
        Example(
            given={"t": ["ab", "", None, "\u00e9"]},
            params={"sourceColumn": "t", "count": "3", "targetColumn": "r"},
            expect={"t": ["ab", "", None, "\u00e9"], "r": ["ababab", "", None, "\u00e9\u00e9\u00e9"]},
        ),
        Example(
            given={"t": ["ab", None]},
            params={"sourceColumn": "t", "count": "0", "targetColumn": "r"},
            expect={"t": ["ab", None], "r": ["", None]},
            title="zero times",
        ),
    )

    @model_validator(mode="after")
    def _count(self) -> RepeatString:
        check_not_negative(self.operation, "count", self.count)
        return self

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(pc.binary_repeat(arr(s), self.count), s)

    def spark_map(self, c: Column) -> Column:
        return F.repeat(c, self.count)
