"""The lineage graph read back from the recorded events: datasets, jobs, and column links across runs.

Every run in the events file counts, but each job (a recipe) contributes only its **latest
completed run**: a job that ran again replaces what its earlier runs said. An output of one run
that another run reads links the two, so upstream and downstream are followed transitively.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workbench.core.errors import WorkbenchError, nearest
from workbench.lineage.events import events_file
from workbench.lineage.naming import dataset_id
from workbench.lineage.steps import FACET as STEPS_FACET

DatasetKey = tuple[str, str]
"""(namespace, name), as in the events."""
ColumnKey = tuple[DatasetKey, str]


class LineageError(WorkbenchError):
    """A dataset or column the recorded lineage does not know."""

    exit_code = 2


@dataclasses.dataclass(frozen=True)
class ColumnLink:
    """An input field feeding an output column in one run, with how (as the column lineage facet says)."""

    source: ColumnKey
    target: ColumnKey
    job: str
    transformations: tuple[tuple[str, str], ...]
    """(type, subtype) pairs, direct first."""
    masking: bool

    @property
    def direct(self) -> bool:
        return any(kind == "DIRECT" for kind, _ in self.transformations)

    def label(self) -> str:
        """``TRANSFORMATION``, ``AGGREGATION + GROUP_BY``… (``masked`` appended when masked)."""
        text = " + ".join(subtype for _, subtype in self.transformations) or "?"
        return text + (" · masked" if self.masking else "")


@dataclasses.dataclass
class JobRun:
    """The latest completed run of one job: what it read, what it wrote, and its column lineage."""

    job: str
    run_id: str
    time: str
    inputs: list[DatasetKey]
    output: DatasetKey
    links: list[ColumnLink]
    rows: list[dict[str, Any]]
    """Dataset-level entries (fields that decide which rows there are or their order)."""
    steps: dict[str, Any]
    """The ``workbench_steps`` facet (``steps`` and ``columns``), empty when not recorded."""

    def chain(self, column: str) -> list[dict[str, Any]]:
        """The steps of this run that made output ``column``."""
        return list(self.steps.get("columns", {}).get(column, []))


@dataclasses.dataclass
class LineageGraph:
    """All jobs' latest completed runs, with the columns of every dataset they touch."""

    runs: dict[str, JobRun]
    columns: dict[DatasetKey, list[str]]
    _by_dataset: tuple[dict[DatasetKey, list[JobRun]], dict[DatasetKey, list[JobRun]]] | None = None

    # --- datasets ---------------------------------------------------------------------------

    @property
    def datasets(self) -> list[DatasetKey]:
        return sorted(self.columns)

    def writers(self, dataset: DatasetKey) -> list[JobRun]:
        """The runs that write ``dataset``."""
        return self._index()[0].get(dataset, [])

    def readers(self, dataset: DatasetKey) -> list[JobRun]:
        """The runs that read ``dataset``."""
        return self._index()[1].get(dataset, [])

    def _index(self) -> tuple[dict[DatasetKey, list[JobRun]], dict[DatasetKey, list[JobRun]]]:
        if self._by_dataset is None:
            writers: dict[DatasetKey, list[JobRun]] = {}
            readers: dict[DatasetKey, list[JobRun]] = {}
            for run in self.runs.values():
                writers.setdefault(run.output, []).append(run)
                for key in dict.fromkeys(run.inputs):
                    readers.setdefault(key, []).append(run)
            self._by_dataset = (writers, readers)
        return self._by_dataset

    def upstream(self, dataset: DatasetKey) -> list[DatasetKey]:
        """Every dataset ``dataset`` is made from, nearest first."""
        return _walk(dataset, lambda d: [i for r in self.writers(d) for i in r.inputs])

    def downstream(self, dataset: DatasetKey) -> list[DatasetKey]:
        """Every dataset made (transitively) from ``dataset``, nearest first."""
        return _walk(dataset, lambda d: [r.output for r in self.readers(d)])

    # --- columns ----------------------------------------------------------------------------

    def links_into(self, column: ColumnKey) -> list[ColumnLink]:
        return [k for r in self.writers(column[0]) for k in r.links if k.target == column]

    def links_out_of(self, column: ColumnKey) -> list[ColumnLink]:
        return [k for r in self.readers(column[0]) for k in r.links if k.source == column]

    def column_upstream(self, column: ColumnKey) -> list[ColumnLink]:
        """Every link on the way into ``column``, across runs, nearest first."""
        return _walk_links(column, self.links_into, lambda k: k.source)

    def column_downstream(self, column: ColumnKey) -> list[ColumnLink]:
        """Every link on the way out of ``column``, across runs, nearest first."""
        return _walk_links(column, self.links_out_of, lambda k: k.target)

    # --- names ------------------------------------------------------------------------------

    def resolve(self, text: str, column: str | None = None) -> tuple[DatasetKey, str | None]:
        """The dataset (and column) ``text`` names: a path, URL or ``catalog:DB.TABLE``, then
        optionally ``.COLUMN``; a name unknown to the recorded lineage is an error naming the nearest."""
        found = self._dataset(text)
        if found is not None:
            return found, self._column(found, column) if column else None
        if column is None:
            for cut in _dots(text):
                found = self._dataset(text[:cut])
                if found is not None:
                    return found, self._column(found, text[cut + 1 :])
        self._unknown_dataset(text)
        raise AssertionError  # not reached

    def _dataset(self, text: str) -> DatasetKey | None:
        if not text:
            return None
        try:
            key = dataset_id(text)
        except Exception:
            key = ("", text)
        if key in self.columns:
            return key
        tail = "/" + text.lstrip("./")
        matches = [d for d in self.columns if d[1].endswith(tail) or d[1] == text]
        return matches[0] if len(matches) == 1 else None

    def _column(self, dataset: DatasetKey, column: str) -> str:
        known = self.columns.get(dataset, [])
        if column in known:
            return column
        hint = nearest(column, known)
        more = f"; did you mean {hint!r}?" if hint else f"; it has {', '.join(known[:12]) or 'no columns'}"
        raise LineageError(f"dataset {label(dataset)} has no column {column!r} in the recorded lineage{more}")

    def _unknown_dataset(self, text: str) -> None:
        if not self.columns:
            raise LineageError(
                f"no lineage recorded yet for {text!r}: the events file has no completed run "
                "(runs of `workbench run` are recorded in .workbench/lineage/events.jsonl, "
                "or the file WORKBENCH_LINEAGE_FILE names)"
            )
        labels = {label(d): d for d in self.columns}
        hint = nearest(text, labels) or nearest(Path(text).name, [Path(x).name for x in labels])
        more = f"; did you mean {hint!r}?" if hint else f"; known datasets: {', '.join(sorted(labels)[:8])}"
        raise LineageError(f"no recorded lineage for dataset {text!r}{more}")


def read_graph(path: Path | None = None) -> LineageGraph:
    """The graph of the events file (``WORKBENCH_LINEAGE_FILE`` or ``.workbench/lineage/events.jsonl``)."""
    return graph_of(_completed_events(path or events_file()))


def _completed_events(path: Path) -> Iterator[dict[str, Any]]:
    """The COMPLETE events of the file; other lines are skipped before they are parsed (half of
    a file is START events, and parsing is most of the time)."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if "COMPLETE" not in line:
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(event, dict):
                yield event


def graph_of(events: Iterable[dict[str, Any]]) -> LineageGraph:
    """The graph of ``events``: each job's latest COMPLETE event, by event time then file order."""
    latest: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.get("eventType") != "COMPLETE" or not event.get("outputs"):
            continue
        job = event.get("job", {}).get("name", "?")
        old = latest.get(job)
        if old is None or str(event.get("eventTime", "")) >= str(old.get("eventTime", "")):
            latest[job] = event
    runs = {job: _job_run(job, event) for job, event in sorted(latest.items())}
    columns: dict[DatasetKey, list[str]] = {}
    for event in latest.values():
        for dataset in [*event.get("inputs", []), *event.get("outputs", [])]:
            key = (dataset["namespace"], dataset["name"])
            names = [f["name"] for f in dataset.get("facets", {}).get("schema", {}).get("fields", [])]
            known = columns.setdefault(key, [])
            known.extend(n for n in names if n not in known)
    return LineageGraph(runs, columns)


def _job_run(job: str, event: dict[str, Any]) -> JobRun:
    output = event["outputs"][0]
    target: DatasetKey = (output["namespace"], output["name"])
    facet = output.get("facets", {}).get("columnLineage", {})
    links = []
    for column, entry in facet.get("fields", {}).items():
        for item in entry.get("inputFields", []):
            moves = item.get("transformations", [])
            links.append(
                ColumnLink(
                    source=((item["namespace"], item["name"]), item["field"]),
                    target=(target, column),
                    job=job,
                    transformations=tuple((t.get("type", ""), t.get("subtype", "")) for t in moves),
                    masking=any(t.get("masking") for t in moves),
                )
            )
    return JobRun(
        job=job,
        run_id=event.get("run", {}).get("runId", ""),
        time=str(event.get("eventTime", "")),
        inputs=[(d["namespace"], d["name"]) for d in event.get("inputs", [])],
        output=target,
        links=links,
        rows=list(facet.get("dataset", [])),
        steps=dict(output.get("facets", {}).get(STEPS_FACET, {})),
    )


def label(dataset: DatasetKey) -> str:
    """How a dataset is shown: a local path relative to the working directory when under it,
    ``catalog:DB.TABLE`` for a catalog table, else the URL."""
    namespace, name = dataset
    if namespace == "file":
        try:
            relative = os.path.relpath(name)
        except ValueError:
            return name
        return name if relative.startswith("..") else relative
    if namespace.startswith("workbench://"):
        return f"catalog:{name}"
    if namespace.endswith("://") or "://" in namespace:
        return f"{namespace.rstrip('/')}/{name}"
    return f"{namespace}:{name}"


def _dots(text: str) -> list[int]:
    """Where ``text`` may split into DATASET.COLUMN, the last dot first."""
    return [i for i in range(len(text) - 1, 0, -1) if text[i] == "."]


def _walk(start: DatasetKey, step: Any) -> list[DatasetKey]:
    seen: list[DatasetKey] = []
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for found in step(node):
                if found != start and found not in seen:
                    seen.append(found)
                    nxt.append(found)
        frontier = nxt
    return seen


def _walk_links(start: ColumnKey, step: Any, far_end: Any) -> list[ColumnLink]:
    seen: list[ColumnLink] = []
    frontier = [start]
    visited = {start}
    while frontier:
        nxt = []
        for node in frontier:
            for link in step(node):
                if link not in seen:
                    seen.append(link)
                end = far_end(link)
                if end not in visited:
                    visited.add(end)
                    nxt.append(end)
        frontier = nxt
    return seen
