"""Split: at positions and intervals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.params import (
    Integer,
)
from workbench.core.registry import Category, Example
from workbench.core.splitting import (
    MAX_SPLITS,
    Split,
)

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


# --- positions -------------------------------------------------------------------------------


def _pandas_between(a: Any, start: int, stop: int | None) -> Any:
    """Characters ``start`` (0-based) up to ``stop``; null when the text ends at ``start``."""
    part = pc.utf8_slice_codeunits(a, start, stop) if stop is not None else pc.utf8_slice_codeunits(a, start)
    if start == 0:
        return part
    return pc.if_else(pc.greater(pc.utf8_length(a), start), part, pa.scalar(None, part.type))


def _spark_between(c: SparkColumn, start: int, stop: int | None) -> SparkColumn:
    length = (stop - start) if stop is not None else 2**31 - 1 - start
    part = F.substring(c, start + 1, length)
    if start == 0:
        return F.when(c.isNotNull(), part)
    return F.when(F.length(c) > start, part)


class _PositionSplit(Split):
    """Cuts at fixed character offsets (an offset counts the characters before the cut)."""

    abstract: ClassVar[bool] = True

    def cuts(self) -> list[int]:
        raise NotImplementedError

    def part_count(self) -> int:
        return len(self.cuts()) + 1

    def _bounds(self) -> list[tuple[int, int | None]]:
        cuts = self.cuts()
        return list(zip([0, *cuts], [*cuts, None], strict=True))

    def pandas_parts(self, a: pa.ChunkedArray) -> list[Any]:
        return [_pandas_between(a, start, stop) for start, stop in self._bounds()]

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        return [_spark_between(c, start, stop) for start, stop in self._bounds()]


class SplitColumnFromStart(_PositionSplit):
    """Split a text column into two new columns after the first ``position`` characters.

    ``<source>_1`` holds the first ``position`` characters (all of a shorter text) and
    ``<source>_2`` the rest, null when the text has no characters past ``position``.
    Characters are code points. ``position`` is at least 1.
    """

    operation = "SPLIT_COLUMN_FROM_START"
    category = Category.SPLIT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"first_name": ["Jane", "Zoë", "J", "", None]},
            params={"position": "1", "sourceColumn": "first_name"},
            expect={
                "first_name_1": ["J", "Z", "J", "", None],
                "first_name_2": ["ane", "oë", None, None, None],
            },
        ),
        Example(
            given={"code": ["AB-123", "ABC"], "n": [1, None]},
            params={"position": 3, "sourceColumn": "code"},
            expect={"code_1": ["AB-", "ABC"], "code_2": ["123", None], "n": [1, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnFromStart:
        if self.position < 1:
            raise ParameterError("position must be 1 or more", operation=self.operation, parameter="position")
        return self

    def cuts(self) -> list[int]:
        return [self.position]


class SplitColumnFromEnd(Split):
    """Split a text column into two new columns before the last ``position`` characters.

    ``<source>_2`` holds the last ``position`` characters (all of a shorter text) and
    ``<source>_1`` what comes before them, null when there is nothing before them.
    Characters are code points. ``position`` is at least 1.
    """

    operation = "SPLIT_COLUMN_FROM_END"
    category = Category.SPLIT
    position: Integer
    examples: ClassVar = (
        Example(
            given={"zip": ["NO-0150", "0150", "150", "", None]},
            params={"position": "4", "sourceColumn": "zip"},
            expect={"zip_1": ["NO-", None, None, None, None], "zip_2": ["0150", "0150", "150", "", None]},
        ),
        Example(
            given={"w": ["naïve", "ab"]},
            params={"position": 1, "sourceColumn": "w"},
            expect={"w_1": ["naïv", "a"], "w_2": ["e", "b"]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnFromEnd:
        if self.position < 1:
            raise ParameterError("position must be 1 or more", operation=self.operation, parameter="position")
        return self

    def part_count(self) -> int:
        return 2

    def pandas_parts(self, a: pa.ChunkedArray) -> list[Any]:
        p = self.position
        head = pc.utf8_slice_codeunits(a, 0, -p)
        head = pc.if_else(pc.greater(pc.utf8_length(a), p), head, pa.scalar(None, head.type))
        return [head, pc.utf8_slice_codeunits(a, -p)]

    def spark_parts(self, c: SparkColumn) -> list[SparkColumn]:
        p = self.position
        length = F.length(c)
        cut = F.greatest(length - F.lit(p), F.lit(0))
        head = F.when(length > p, c.substr(F.lit(1), length - F.lit(p)))
        return [head, c.substr(cut + F.lit(1), F.lit(p))]


class SplitColumnBetweenPositions(_PositionSplit):
    """Split a text column into three new columns at two character offsets.

    ``<source>_1`` holds the characters before ``startPosition``, ``<source>_2`` those from
    ``startPosition`` up to ``endPosition`` and ``<source>_3`` the rest. Offsets count the
    characters (code points) before the cut, so 0 is the start of the text; a part the text does
    not reach is null. ``endPosition`` must be greater than ``startPosition``.
    """

    operation = "SPLIT_COLUMN_BETWEEN_POSITIONS"
    category = Category.SPLIT
    start_position: Integer
    end_position: Integer
    examples: ClassVar = (
        Example(
            given={"last_name": ["Fitzgerald", "Lee", "Ng", None, "Müller-Lüdenscheidt"]},
            params={"endPosition": "5", "sourceColumn": "last_name", "startPosition": "2"},
            expect={
                "last_name_1": ["Fi", "Le", "Ng", None, "Mü"],
                "last_name_2": ["tzg", "e", None, None, "lle"],
                "last_name_3": ["erald", None, None, None, "r-Lüdenscheidt"],
            },
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnBetweenPositions:
        if self.start_position < 0:
            raise ParameterError(
                "startPosition must be 0 or more", operation=self.operation, parameter="startPosition"
            )
        if self.end_position <= self.start_position:
            raise ParameterError(
                "endPosition must be greater than startPosition",
                operation=self.operation,
                parameter="endPosition",
            )
        return self

    def cuts(self) -> list[int]:
        return [self.start_position, self.end_position]


class SplitColumnWithIntervals(_PositionSplit):
    """Split a text column into fixed-width pieces of ``interval`` characters from ``startPosition``.

    The text is cut at ``startPosition`` and then every ``interval`` characters (offsets count
    the code points before a cut; a cut at 0 is skipped), ``limit`` cuts in all, giving
    ``limit + 1`` columns ``<source>_1`` …; the last one keeps the rest of the text. DataBrew
    sizes this from the data; here ``limit`` (a Workbench parameter, 1 to 20, default 20,
    DataBrew's largest number of splits) fixes the number of columns so later steps can name
    them. A piece the text does not reach is null.
    """

    operation = "SPLIT_COLUMN_WITH_INTERVALS"
    category = Category.SPLIT
    start_position: Integer
    interval: Integer
    limit: Integer = MAX_SPLITS
    examples: ClassVar = (
        Example(
            given={"nationality": ["abcdefghij", "abc", "", None]},
            params={"interval": "4", "sourceColumn": "nationality", "startPosition": "1", "limit": "3"},
            expect={
                "nationality_1": ["a", "a", "", None],
                "nationality_2": ["bcde", "bc", None, None],
                "nationality_3": ["fghi", None, None, None],
                "nationality_4": ["j", None, None, None],
            },
        ),
        Example(
            title="from the first character, two cuts",
            given={"s": ["ĀĒĪŌŪxy", "ab", None]},
            params={"interval": 2, "sourceColumn": "s", "startPosition": 0, "limit": 2},
            expect={"s_1": ["ĀĒ", "ab", None], "s_2": ["ĪŌ", None, None], "s_3": ["Ūxy", None, None]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> SplitColumnWithIntervals:
        if self.start_position < 0:
            raise ParameterError(
                "startPosition must be 0 or more", operation=self.operation, parameter="startPosition"
            )
        if self.interval < 1:
            raise ParameterError("interval must be 1 or more", operation=self.operation, parameter="interval")
        if not 1 <= self.limit <= MAX_SPLITS:
            raise ParameterError(
                f"limit must be between 1 and {MAX_SPLITS}", operation=self.operation, parameter="limit"
            )
        return self

    def cuts(self) -> list[int]:
        first = self.start_position if self.start_position > 0 else self.interval
        return [first + k * self.interval for k in range(self.limit)]
