"""Options and inputs shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.errors import RecipeError, WorkbenchError


class InputNotFoundError(WorkbenchError):
    """A file the command line names does not exist."""

    exit_code = 2


def parse_datasets(values: tuple[str, ...]) -> dict[str, Path]:
    """``--dataset NAME=PATH`` values as a mapping from name to path."""
    bound = {}
    for item in values:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise RecipeError(f"--dataset takes NAME=PATH, got {item!r}")
        if name in bound:
            raise RecipeError(f"--dataset {name!r} is given twice; bind each name once")
        bound[name] = Path(path)
    return bound


def read_input(path: Path, engine: str, remote: str | None, csv: Any, where: str | None = None) -> Any:
    """The dataset at ``path`` (or the table ``catalog:DB.TABLE``, its partitions pruned by
    ``where``) as a pandas frame, or a lazy Spark frame with ``engine="spark"``."""
    from workbench.io.formats import check_where, is_table_name

    if not is_table_name(path) and not path.exists():
        raise InputNotFoundError(f"input {str(path)!r} does not exist")
    check_where(where, path)
    if engine == "spark":
        from workbench.engines.spark.session import get_session
        from workbench.io.spark_io import read_spark

        return read_spark(get_session(remote), path, csv, where=where)
    from workbench.io.pandas_io import read_pandas

    return read_pandas(path, csv, where=where)
