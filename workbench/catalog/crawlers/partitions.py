"""Partition levels of a table: Hive-style ``key=value`` folders, and unnamed ones named as Glue does.

A level whose folders all read ``key=value`` with one key is named by that key; any other level is
``partition_N`` (0 for the first level under the table), with the folder names as its values.
A key's type is the narrowest type all of its values parse as (``01`` stays a string).
"""

from __future__ import annotations

from urllib.parse import unquote

import pyarrow as pa

from workbench.core.types import LType
from workbench.io.csv_scan import infer_text_column

HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


def split_level(part: str) -> tuple[str | None, str]:
    """``year=2024`` as ("year", "2024"); ``2024`` as (None, "2024"). Values are URL-unquoted."""
    key, eq, value = part.partition("=")
    if eq and key:
        return unquote(key), unquote(value)
    return None, unquote(part)


def key_names(levels: list[list[str]]) -> list[str]:
    """The name of each partition level, from the folder names found at that level."""
    names = []
    for index, parts in enumerate(levels):
        keys = {split_level(p)[0] for p in parts}
        only = next(iter(keys)) if len(keys) == 1 else None
        names.append(only if only else f"partition_{index}")
    return names


def level_value(part: str, named: bool) -> str | None:
    """A folder's value at its level: the part after ``=`` for a named level, else the folder name."""
    value = split_level(part)[1] if named else unquote(part)
    return None if value == HIVE_NULL else value


def key_type(values: list[str | None]) -> LType:
    """The type of a partition key: the narrowest type every value parses as, else string."""
    present = [v for v in values if v is not None]
    if not present:
        return LType.STRING
    return infer_text_column(pa.array(present, pa.large_string()))
