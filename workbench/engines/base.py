"""What every engine offers the framework and the transforms."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from workbench.core.errors import DatasetNotBoundError
from workbench.core.secrets import Secrets
from workbench.core.types import Schema


class Engine(Protocol):
    """The engine interface the replay loop and the conformance suite use."""

    name: str
    datasets: dict[str, Any]
    secrets: Secrets
    now: dt.datetime
    fuse_steps: bool
    """True when consecutive row-wise steps of a replay may build one projection (Spark)."""

    def prepare(self, frame: Any) -> Any: ...

    def ensure_canonical(self, frame: Any, columns: list[str]) -> Any: ...

    def in_row_order(self, frame: Any) -> Any: ...

    def schema_of(self, frame: Any) -> Schema: ...

    def fuse(self, frame: Any, transform: Any, conditions: list[Any]) -> Any | None: ...

    def materialise(self, frame: Any) -> Any: ...

    def dataset(self, name: str, operation: str) -> Any: ...

    def from_records(self, columns: dict[str, list[Any]], schema: Schema) -> Any: ...

    def to_records(self, frame: Any) -> dict[str, list[Any]]: ...


def bound_dataset(datasets: dict[str, Any], name: str, operation: str) -> Any:
    """The frame bound to a secondary dataset name, or a clear error."""
    try:
        return datasets[name]
    except KeyError:
        known = ", ".join(sorted(datasets)) or "none"
        raise DatasetNotBoundError(
            f"dataset {name!r} is not bound (bound: {known}); pass --dataset {name}=PATH or datasets={{...}}",
            operation=operation,
        ) from None
