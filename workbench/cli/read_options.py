"""The read options every command that reads an input takes, beside ``--no-header``/``--delimiter``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

_KEY = "workbench.read_options"
_TABLE_KEY = "workbench.table_options"


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_KEY, {})[param.name] = value
    return value


def _keep_table(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_TABLE_KEY, {})[param.name] = value
    if param.name == "catalog":
        from workbench.catalog.tables import use_catalog

        use_catalog(value)
    return value


_OPTIONS = (
    click.option(
        "--encoding",
        default="utf-8",
        show_default=True,
        expose_value=False,
        callback=_keep,
        help="Encoding of CSV inputs (e.g. latin-1, cp1252, utf-16); a byte-order mark overrides it.",
    ),
    click.option(
        "--on-type-mismatch",
        type=click.Choice(["widen", "fail"]),
        default="widen",
        show_default=True,
        expose_value=False,
        callback=_keep,
        help="widen: type CSV columns by all rows (nothing is lost); "
        "fail: type them by the first 10,000 rows of each file and refuse a later value that does not fit.",
    ),
    click.option(
        "--union-by-name",
        is_flag=True,
        expose_value=False,
        callback=_keep,
        help="Read a directory whose files have different columns (null where a file lacks one).",
    ),
    click.option(
        "--catalog",
        metavar="URL",
        expose_value=False,
        callback=_keep_table,
        help="The catalog catalog:DB.TABLE names resolve in "
        "(default: env WORKBENCH_CATALOG, then .workbench/catalog.db).",
    ),
    click.option(
        "--where",
        metavar="EXPR",
        expose_value=False,
        callback=_keep_table,
        help="With a catalog:DB.TABLE input: read only the partitions whose keys pass EXPR "
        '(e.g. "year = 2024 and month = 1").',
    ),
)


def read_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--encoding``, ``--on-type-mismatch``, ``--union-by-name``, ``--catalog`` and ``--where``."""
    for option in reversed(_OPTIONS):
        fn = option(fn)
    return fn


def read_settings() -> dict[str, Any]:
    """The read options given to the running command, as ``CsvOptions`` fields."""
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get(_KEY, {})) if ctx is not None else {}


def input_where() -> str | None:
    """The ``--where`` given to the running command (it prunes the main input's partitions)."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_TABLE_KEY, {}).get("where") if ctx is not None else None
