"""Workbench: data-preparation recipes, DataBrew-compatible, replayed on pandas and Spark.

>>> import workbench as wb
>>> step = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}
>>> recipe = wb.Recipe.from_data([step])
>>> import pandas as pd
>>> recipe.apply(pd.DataFrame({"city": ["oslo", None]}))["city"].tolist()
['OSLO', <NA>]
"""

from __future__ import annotations

from typing import Any

# Loaded before ``library``, ``catalog``, ``lineage`` and ``history`` below are defined, so the
# functions (not the subpackages) are ``wb.library``, ``wb.catalog``, ``wb.lineage``, ``wb.history``.
import workbench.catalog as _catalog_package  # noqa: F401
import workbench.history as _history_package  # noqa: F401
import workbench.library as _library_package
import workbench.lineage as _lineage_package  # noqa: F401
from workbench.core.errors import (
    ColumnNotFoundError,
    EngineNotSupportedError,
    ParameterError,
    RecipeError,
    StepRuntimeError,
    UnknownOperationError,
    WorkbenchError,
)
from workbench.profile import (
    Profile,
    merge_profiles,
    profile,  # binds the function over the subpackage of the same name
)
from workbench.recipe.model import Recipe, Step

__version__ = "0.1.0"

__all__ = [
    "ColumnNotFoundError",
    "EngineNotSupportedError",
    "ParameterError",
    "Profile",
    "Recipe",
    "RecipeError",
    "Step",
    "StepRuntimeError",
    "UnknownOperationError",
    "WorkbenchError",
    "catalog",
    "detect_pii",
    "evaluate",
    "history",
    "library",
    "lineage",
    "merge_profiles",
    "open",
    "profile",
    "transforms",
]


def detect_pii(frame: Any, columns: list[str] | None = None, **options: Any) -> dict[str, Any]:
    """Columns classified as PII: column name -> finding (entity, share, confidence, masked examples)."""
    from workbench.pii import detect_pii as detect

    return detect(frame, columns, **options)


def evaluate(frame: Any, ruleset: Any, datasets: dict[str, Any] | None = None, **options: Any) -> Any:
    """Evaluate a DQDL ruleset (text or parsed) on a pandas or Spark frame: per-rule outcomes, a score,
    row-level results."""
    from workbench.quality import evaluate as run

    return run(frame, ruleset, datasets, **options)


def open(
    data: Any,
    *,
    sample: Any = None,
    recipe: Any = None,
    datasets: dict[str, Any] | None = None,
    library: Any = None,
    where: str | None = None,
    catalog: str | None = None,
) -> Any:
    """Open data in the notebook workbench: a grid over a sample, profiled headers, transforms, a recipe.

    ``data`` is a pandas DataFrame, a path (CSV, Parquet, JSON Lines, Excel) or a Spark DataFrame.
    ``sample`` is a row count, a mode ("FIRST_N", "LAST_N", "RANDOM", "FULL") or a ``SampleSpec``;
    by default the first 50,000 rows. With ``recipe=PATH`` the session resumes that recipe and
    saves every edit back to it; otherwise it autosaves under ``.workbench/sessions/``.
    ``datasets`` binds the secondary datasets JOIN and UNION steps name. With ``library`` (a URL or
    a ``Library``), ``recipe="NAME@REF"`` is a version from that recipe library (checked against its
    checksum); the session starts from it, is based on it, and autosaves under
    ``.workbench/sessions/``. Without ``library``, the session's library (where the widget
    publishes and opens versions) is ``WORKBENCH_LIBRARY``, if set.
    ``data="catalog:DB.TABLE"`` opens a table of the catalog at ``catalog`` (default:
    ``WORKBENCH_CATALOG``), only the partitions ``where`` keeps (e.g. ``"year = 2024"``).
    """
    from workbench.widget.widget import open_workbench

    if isinstance(data, str) and data.startswith("catalog:"):
        from workbench.catalog.tables import read_table_pandas

        data = read_table_pandas(data, where=where, catalog=catalog)
    elif where is not None:
        raise RecipeError("where= prunes the partitions of a catalog:DB.TABLE; pass data='catalog:DB.TABLE'")

    return open_workbench(data, sample=sample, recipe=recipe, datasets=datasets, library=library)


def library(url: Any = None, **storage_options: Any) -> Any:
    """The recipe library at ``url`` (a folder or an fsspec URL; default: ``WORKBENCH_LIBRARY``):
    publish, list, show, diff, pull, alias and deprecate versioned recipes. ``storage_options`` go
    to fsspec (``endpoint_url=...`` for an S3-compatible server)."""
    return _library_package.Library(url, storage_options=storage_options or None)


def catalog(url: str | None = None) -> Any:
    """The data catalog at ``url`` (default: ``WORKBENCH_CATALOG``, then ``.workbench/catalog.db``):
    ``tables()`` as a pandas frame, ``show("DB.TABLE")`` with its schema versions, ``read`` and
    ``open("DB.TABLE", where=...)``."""
    from workbench.catalog.notebook import NotebookCatalog

    return NotebookCatalog(url)


def lineage(target: str, column: str | None = None, *, events: str | None = None) -> Any:
    """The recorded lineage of a dataset (a path, URL or ``catalog:DB.TABLE``) or of one of its
    columns (``"out.parquet.email"``, or ``column=``): renders as the graph in a notebook, with
    ``.upstream``, ``.downstream``, ``.steps()`` and ``.to_dict()``. Read from the events file
    (``events``, else ``WORKBENCH_LINEAGE_FILE``, else ``.workbench/lineage/events.jsonl``);
    each job's latest completed run counts."""
    from workbench.lineage.view import lineage as read

    return read(target, column, events=events)


def history(dataset: Any = None, *, limit: int | None = None, url: str | None = None) -> Any:
    """The run history (runs and recorded quality evaluations) as a pandas DataFrame, newest first.

    ``dataset`` (a path, URL or ``catalog:DB.TABLE``) keeps the runs that read, wrote or checked it;
    ``url`` is the history file (default ``WORKBENCH_HISTORY``, else ``.workbench/history.db``).
    """
    from workbench.history import history as frame

    return frame(dataset, limit=limit, url=url)


def transforms() -> list[dict[str, Any]]:
    """The catalogue: one dict per operation (name, category, summary, parameter schema, engines)."""
    from workbench.catalogue import catalogue

    return catalogue()
