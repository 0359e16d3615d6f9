"""Reading the run history: runs touching a dataset, their rule outcomes, and metrics over time."""

from __future__ import annotations

import json
import os
from typing import Any

from workbench.core.errors import RecipeError, nearest
from workbench.history.record import dataset_key
from workbench.history.store import HistoryStore, history_path

COLUMNS = (
    "run_id",
    "kind",
    "dataset",
    "started_at",
    "seconds",
    "recipe",
    "digest",
    "engine",
    "outcome",
    "rows_in",
    "rows_out",
    "score",
    "message",
    "inputs",
    "outputs",
)


class UnknownDatasetError(RecipeError):
    """No recorded run touched the dataset named; the message names the nearest recorded one."""


def datasets(url: str | None = None) -> list[str]:
    """Every dataset the history knows (read, written or checked), sorted."""
    with HistoryStore(history_path(url), create=False) as store:
        return [d for (d,) in store.query("SELECT DISTINCT dataset FROM run_datasets ORDER BY dataset")]


def resolve(dataset: str | os.PathLike[str], url: str | None = None) -> str:
    """The recorded identity of ``dataset``; :class:`UnknownDatasetError` (nearest name) when none."""
    known = datasets(url)
    key = dataset_key(dataset)
    if key in known:
        return key
    for candidate in known:  # a recorded name given as written (``s3://b/k``, ``catalog:db.t``)
        if candidate == str(dataset):
            return candidate
    guess = nearest(key, known) or nearest(str(dataset), known)
    where = str(history_path(url))
    if not known:
        raise UnknownDatasetError(f"no runs are recorded in {where} yet")
    hint = f"; did you mean {guess!r}?" if guess else f"; recorded: {', '.join(known[:5])}"
    raise UnknownDatasetError(f"no recorded run touched {str(dataset)!r} (in {where}){hint}")


def runs(
    dataset: str | os.PathLike[str] | None = None, *, limit: int | None = None, url: str | None = None
) -> list[dict[str, Any]]:
    """Recorded runs and evaluations, newest first, each with its rule outcomes and metrics.

    With ``dataset``: only those that read, wrote or checked it (an unknown one raises
    :class:`UnknownDatasetError` naming the nearest recorded dataset).
    """
    key = resolve(dataset, url) if dataset is not None else None
    sql = f"SELECT id, {', '.join(COLUMNS)} FROM runs"
    params: list[Any] = []
    if key is not None:
        sql += " WHERE id IN (SELECT run FROM run_datasets WHERE dataset = ?)"
        params.append(key)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    with HistoryStore(history_path(url), create=False) as store:
        found = [_run(store, row) for row in store.query(sql, params)]
    return found


def _run(store: HistoryStore, row: tuple[Any, ...]) -> dict[str, Any]:
    run, *values = row
    out = dict(zip(COLUMNS, values, strict=True))
    out["inputs"] = json.loads(out["inputs"])
    out["outputs"] = json.loads(out["outputs"])
    out["rules"] = [
        {"rule": r, "outcome": o, "reason": why, "metrics": json.loads(m)}
        for r, o, why, m in store.query(
            "SELECT rule, outcome, reason, metrics FROM rule_outcomes WHERE run = ? ORDER BY position", (run,)
        )
    ]
    out["metrics"] = {
        name + (f" where {scope}" if scope else ""): value
        for name, scope, value in store.query(
            "SELECT name, scope, value FROM metrics WHERE run = ? ORDER BY name, scope", (run,)
        )
    }
    return out


def history(
    dataset: str | os.PathLike[str] | None = None, *, limit: int | None = None, url: str | None = None
) -> Any:
    """The run history as a pandas DataFrame, newest first (``wb.history(...)``).

    One row per run or quality evaluation: its run id (the run's OpenLineage run id), kind (``run``
    or ``quality``), the dataset checked, time, duration, recipe and digest, engine, outcome, rows
    in and out, score, and ``rules`` / ``metrics`` (the per-rule outcomes and the measured values).
    """
    import pandas as pd

    found = runs(dataset, limit=limit, url=url)
    frame = pd.DataFrame(found, columns=[*COLUMNS, "rules", "metrics"])
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True, format="ISO8601")
    return frame


def evaluations(dataset: str | os.PathLike[str], *, url: str | None = None) -> list[dict[str, Any]]:
    """The quality evaluations that checked ``dataset`` (with a score), oldest first."""
    key = resolve(dataset, url)
    with HistoryStore(history_path(url), create=False) as store:
        rows = store.query(
            f"SELECT id, {', '.join(COLUMNS)} FROM runs WHERE dataset = ? AND score IS NOT NULL ORDER BY id",
            (key,),
        )
        return [_run(store, row) for row in rows]
