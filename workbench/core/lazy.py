"""Lazy access to pyspark, so that importing a transform never imports Spark."""

from __future__ import annotations

import contextlib
import contextvars
import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import Column


class LazyModule:
    """A module proxy that imports on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


F: Any = LazyModule("pyspark.sql.functions")
"""``pyspark.sql.functions``, imported when a Spark implementation first runs."""

W: Any = LazyModule("pyspark.sql.window")
T: Any = LazyModule("pyspark.sql.types")


_CURRENT: contextvars.ContextVar[Mapping[str, Column] | None] = contextvars.ContextVar(
    "workbench_current_columns", default=None
)


def scol(name: str) -> Column:
    """A Spark column reference by exact name (dots and spaces are not paths).

    Transforms refer to the columns of their input only through ``scol`` (or their frame's
    ``df[quoted(name)]``): while steps are fused into one projection, a column an earlier step
    computed is its expression, not a reference (workbench/engines/spark/projection.py).
    """
    current = _CURRENT.get()
    if current is not None:
        found = current.get(name)
        if found is not None:
            return found
    return F.col(quoted(name))


@contextlib.contextmanager
def substituted(columns: Mapping[str, Column]) -> Iterator[None]:
    """Within the block, ``scol(name)`` gives ``columns[name]`` for the names it holds."""
    token = _CURRENT.set(columns)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def quoted(name: str) -> str:
    """A column name quoted for Spark, so dots and spaces are not paths (``df[quoted(name)]``).

    A frame's own reference ``df[quoted(name)]`` is one gateway call on classic Spark; ``scol``
    goes through ``functions.col``, which may also record its Python call site.
    """
    return "`" + name.replace("`", "``") + "`"


def slit(value: Any) -> Column:
    """A Spark literal; a naive datetime is read as UTC wall-clock time.

    ``F.lit`` reads a naive datetime in the Python process's time zone; text is read in the
    session's, which Workbench pins to UTC.
    """
    import datetime as dt

    if isinstance(value, dt.datetime):
        return F.to_timestamp(F.lit(value.replace(tzinfo=None).isoformat(sep=" ")))
    return F.lit(value)
