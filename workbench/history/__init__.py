"""Run history: every ``workbench run`` and every recorded quality evaluation, in ``.workbench/history.db``.

``history(dataset)`` gives the runs as a pandas frame; ``history_of(path)`` the earlier metric values of
a dataset, which DQDL's ``last(k)`` and ``DetectAnomalies`` read (``evaluate(..., history=...)``).
"""

from __future__ import annotations

from workbench.history.query import UnknownDatasetError, datasets, evaluations, history, runs
from workbench.history.record import (
    DatasetHistory,
    RunRecorder,
    dataset_key,
    history_of,
    record_quality,
    run_recorder,
)
from workbench.history.store import HistoryError, HistoryStore, history_path

__all__ = [
    "DatasetHistory",
    "HistoryError",
    "HistoryStore",
    "RunRecorder",
    "UnknownDatasetError",
    "dataset_key",
    "datasets",
    "evaluations",
    "history",
    "history_of",
    "history_path",
    "record_quality",
    "run_recorder",
    "runs",
]
