"""What is recorded: every ``workbench run`` (with its quality gate) and every recorded quality evaluation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from workbench.history.store import HistoryStore, history_path


def dataset_key(path: str | os.PathLike[str]) -> str:
    """A dataset's identity in the history: an absolute path, an object-store URL or ``catalog:DB.TABLE``.

    The same identity as the dataset's OpenLineage namespace and name (``workbench.lineage.naming``).
    """
    from workbench.io.formats import is_table_name
    from workbench.lineage.naming import dataset_id

    text = str(path)
    if is_table_name(text):
        return text
    namespace, name = dataset_id(text)
    return name if namespace == "file" else f"{namespace}/{name}"


def recipe_digest(recipe: Any) -> str | None:
    """``sha256:`` of the recipe's canonical JSON (the library's digest form)."""
    try:
        from workbench.library.records import canonical

        return "sha256:" + hashlib.sha256(canonical(recipe.to_dict())).hexdigest()
    except Exception:  # a digest is a convenience: never stop a run for it
        return None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def quality_part(result: Any) -> dict[str, Any]:
    """The rule outcomes, the measured metrics and the score of a :class:`QualityResult`."""
    if result is None:
        return {}
    return {
        "score": result.score,
        "rules": [r.to_dict() for r in result.rules],
        "metrics": [(m.metric, m.where, m.value) for m in result.measurements],
    }


@dataclasses.dataclass(frozen=True)
class DatasetHistory:
    """The earlier metric values of one dataset (a :class:`~workbench.quality.dynamic.MetricHistory`).

    Each question opens the file read-only for its query; a missing file is an empty history.
    """

    dataset: str
    url: str | None = None

    def values(self, metric: str, where: str | None = None) -> Sequence[float]:
        with HistoryStore(history_path(self.url), create=False) as store:
            rows = store.query(
                "SELECT m.value FROM metrics m JOIN runs r ON r.id = m.run "
                "WHERE r.dataset = ? AND m.name = ? AND m.scope = ? ORDER BY r.id",
                (self.dataset, metric, where or ""),
            )
        return [float(v) for (v,) in rows]


def history_of(path: str | os.PathLike[str], url: str | None = None) -> DatasetHistory:
    """The metric history of the dataset at ``path`` (for ``evaluate(..., history=...)``)."""
    return DatasetHistory(dataset_key(path), url)


def record_quality(
    result: Any,
    dataset: str | os.PathLike[str],
    *,
    engine: str,
    seconds: float | None = None,
    url: str | None = None,
    rows: int | None = None,
) -> str:
    """Append one quality evaluation of ``dataset``; its run id."""
    run_id = str(uuid.uuid4())
    key = dataset_key(dataset)
    if rows is None:
        counted = [
            m.value for m in result.measurements if m.metric == "Dataset.*.RowCount" and m.where is None
        ]
        rows = int(counted[0]) if counted else None
    record = {
        "run_id": run_id,
        "kind": "quality",
        "dataset": key,
        "started_at": _now(),
        "seconds": seconds,
        "engine": engine,
        "outcome": "PASSED" if result.passed else "FAILED",
        "rows_in": rows,
        "inputs": [key],
        **quality_part(result),
    }
    with HistoryStore(history_path(url)) as store:
        store.append(record)
    return run_id


@dataclasses.dataclass
class RunRecorder:
    """Records a ``workbench run``, whatever its end: COMPLETE, FAIL, or ABORT (a gate held the data back)."""

    url: str | None = None

    def record(self, run_id: str, info: Any, run: Callable[[], Any]) -> Any:
        """Call ``run()`` (which returns a JobResult) and append what it did under ``run_id``."""
        from workbench.cli.gate import QualityGateError

        started, clock = _now(), time.perf_counter()
        base = self._base(run_id, info, started)
        try:
            result = run()
        except QualityGateError as exc:
            quality = getattr(exc.outcome, "quality", None)
            self._append({**base, **quality_part(quality), "outcome": "ABORT", "message": str(exc)}, clock)
            raise
        except Exception as exc:
            self._append({**base, "outcome": "FAIL", "message": str(exc)}, clock)
            raise
        quality = getattr(result.gate, "quality", None)
        done = {"outcome": "COMPLETE", "rows_in": result.rows_in, "rows_out": result.rows_out}
        self._append({**base, **quality_part(quality), **done}, clock)
        return result

    def _base(self, run_id: str, info: Any, started: str) -> dict[str, Any]:
        output = dataset_key(info.output)
        recipe = info.ref or info.recipe.name or "recipe"
        return {
            "run_id": run_id,
            "kind": "run",
            "dataset": output,
            "started_at": started,
            "recipe": recipe,
            "digest": info.digest or recipe_digest(info.recipe),
            "engine": info.engine,
            "inputs": [dataset_key(p) for p in info.inputs.values()],
            "outputs": [output],
        }

    def _append(self, record: dict[str, Any], clock: float) -> None:
        record["seconds"] = time.perf_counter() - clock
        try:
            with HistoryStore(history_path(self.url)) as store:
                store.append(record)
        except Exception as exc:  # the history never changes a run's outcome
            from rich.console import Console

            Console(stderr=True).print(f"[yellow]history:[/yellow] the run was not recorded: {exc}")


def run_recorder() -> RunRecorder:
    """The recorder ``workbench run`` uses (``WORKBENCH_HISTORY``, else ``.workbench/history.db``)."""
    return RunRecorder(None)
