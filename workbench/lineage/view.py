"""Lineage of one dataset or column, read from the recorded events: as data, a text tree, SVG and HTML.

``Lineage`` is what ``workbench lineage DATASET[.COLUMN]`` prints and what ``wb.lineage(...)``
returns in a notebook (it renders itself as the graph).
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import Any

from workbench.lineage.graph import (
    ColumnKey,
    ColumnLink,
    DatasetKey,
    JobRun,
    LineageGraph,
    label,
    read_graph,
)

NOTE = "each job's latest completed run"
_JOB = "\0job"


@dataclasses.dataclass
class Lineage:
    """Upstream and downstream of a dataset (and, for a column, its column links and steps)."""

    graph: LineageGraph
    dataset: DatasetKey
    column: str | None = None

    # --- data -------------------------------------------------------------------------------

    @property
    def upstream(self) -> list[str]:
        """The datasets this one is made from (transitively), nearest first; for a column,
        the input columns (``DATASET.COLUMN``) it comes from."""
        if self.column is not None:
            return _unique(_col(k.source) for k in self.column_upstream)
        return [label(d) for d in self.graph.upstream(self.dataset)]

    @property
    def downstream(self) -> list[str]:
        """The datasets made from this one (transitively), nearest first; for a column, the
        output columns it reaches."""
        if self.column is not None:
            return _unique(_col(k.target) for k in self.column_downstream)
        return [label(d) for d in self.graph.downstream(self.dataset)]

    @property
    def column_upstream(self) -> list[ColumnLink]:
        return [] if self.column is None else self.graph.column_upstream((self.dataset, self.column))

    @property
    def column_downstream(self) -> list[ColumnLink]:
        return [] if self.column is None else self.graph.column_downstream((self.dataset, self.column))

    def jobs(self) -> list[JobRun]:
        """The runs on the way in and out of the dataset (or column)."""
        if self.column is not None:
            names = {k.job for k in [*self.column_upstream, *self.column_downstream]}
            return [r for job, r in self.graph.runs.items() if job in names]
        keys = {self.dataset, *self.graph.upstream(self.dataset), *self.graph.downstream(self.dataset)}
        up = {self.dataset, *self.graph.upstream(self.dataset)}
        down = {self.dataset, *self.graph.downstream(self.dataset)}
        return [
            r
            for r in self.graph.runs.values()
            if r.output in keys and ((r.output in up) or any(i in down for i in r.inputs))
        ]

    def steps(self) -> list[dict[str, Any]]:
        """For every column on the way (the asked one and those it comes from or reaches) that a
        run wrote: the run's steps that made it."""
        if self.column is None:
            return []
        targets = [(self.dataset, self.column)] + [k.target for k in self.column_downstream]
        targets += [k.target for k in self.column_upstream]
        out = []
        for key in _unique_keys(targets):
            for run in self.graph.writers(key[0]):
                chain = run.chain(key[1])
                if chain or any(k.target == key for k in run.links):
                    out.append({"job": run.job, "runId": run.run_id, "column": _col(key), "steps": chain})
        return out

    def to_dict(self) -> dict[str, Any]:
        """Everything above as JSON-ready data (what ``--json`` prints)."""
        out: dict[str, Any] = {
            "dataset": {"namespace": self.dataset[0], "name": self.dataset[1], "label": label(self.dataset)},
            "column": self.column,
            "graph": NOTE,
            "upstream": [_dataset_dict(d) for d in self.graph.upstream(self.dataset)],
            "downstream": [_dataset_dict(d) for d in self.graph.downstream(self.dataset)],
            "jobs": [_job_dict(r) for r in self.jobs()],
        }
        if self.column is not None:
            out["columnUpstream"] = [_link_dict(k) for k in self.column_upstream]
            out["columnDownstream"] = [_link_dict(k) for k in self.column_downstream]
            out["steps"] = self.steps()
            out["rowsDecidedBy"] = [
                {"job": r.job, "field": _field_label(item), "subtypes": _subtypes(item)}
                for r in self.graph.writers(self.dataset)
                for item in r.rows
            ]
        return out

    # --- text -------------------------------------------------------------------------------

    def text(self) -> str:
        """A readable tree: upstream, downstream and, for a column, the steps that made it."""
        title = label(self.dataset) + (f".{self.column}" if self.column else "")
        lines = [f"{title}  ({NOTE})"]
        if self.column is None:
            lines += ["upstream", *_tree(self._up_children, self.dataset)]
            lines += ["downstream", *_tree(self._down_children, self.dataset)]
            return "\n".join(lines)
        lines += ["upstream", *_tree(self._col_up_children, (self.dataset, self.column))]
        lines += ["downstream", *_tree(self._col_down_children, (self.dataset, self.column))]
        for entry in self.steps():
            lines.append(f"steps of {entry['job']} that made {entry['column']}")
            lines += [f"  {_step_line(s)}" for s in entry["steps"]] or ["  (copied unchanged)"]
        rows = self.to_dict()["rowsDecidedBy"]
        if rows:
            decided = ", ".join(f"{r['field']} ({'/'.join(r['subtypes'])})" for r in rows)
            lines.append(f"rows decided by: {decided}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _up_children(self, node: Any) -> list[tuple[str, Any]]:
        if node[0] == _JOB:
            return [(label(i), i) for i in self.graph.runs[node[1]].inputs]
        return [(_job_text(run), (_JOB, run.job)) for run in self.graph.writers(node)]

    def _down_children(self, node: Any) -> list[tuple[str, Any]]:
        if node[0] == _JOB:
            output = self.graph.runs[node[1]].output
            return [(label(output), output)]
        return [(_job_text(run), (_JOB, run.job)) for run in self.graph.readers(node)]

    def _col_up_children(self, node: ColumnKey) -> list[tuple[str, Any]]:
        return [(f"{_col(k.source)}  {k.label()}  [{k.job}]", k.source) for k in self.graph.links_into(node)]

    def _col_down_children(self, node: ColumnKey) -> list[tuple[str, Any]]:
        return [
            (f"{_col(k.target)}  {k.label()}  [{k.job}]", k.target) for k in self.graph.links_out_of(node)
        ]

    # --- pictures ---------------------------------------------------------------------------

    def svg(self) -> str:
        """The graph as an SVG document: datasets, jobs, and column nodes for a column."""
        from workbench.lineage.svg import render

        return render(self)

    def html(self) -> str:
        """A standalone HTML page: the graph and the text tree."""
        title = html.escape(label(self.dataset) + (f".{self.column}" if self.column else ""))
        return (
            "<!doctype html>\n<html><head><meta charset='utf-8'>"
            f"<title>Lineage of {title}</title>"
            "<style>body{font-family:system-ui,sans-serif;margin:24px}"
            "pre{background:#f6f8fa;padding:12px;overflow:auto}</style></head>"
            f"<body><h1>Lineage of {title}</h1>\n{self.svg()}\n"
            f"<pre>{html.escape(self.text())}</pre></body></html>\n"
        )

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_html_(self) -> str:
        return f"<div class='workbench-lineage'>{self.svg()}</div>"


def lineage(target: str, column: str | None = None, *, events: str | Path | None = None) -> Lineage:
    """The lineage of ``target`` (a path, URL or ``catalog:DB.TABLE``, optionally ``.COLUMN``)."""
    graph = read_graph(Path(events) if events is not None else None)
    dataset, found = graph.resolve(str(target), column)
    return Lineage(graph, dataset, found)


def _tree(children: Any, root: Any) -> list[str]:
    """The lines of a tree below ``root``; a node already shown is not expanded again.

    Walked with an explicit stack, so a chain of thousands of runs does not hit the recursion limit.
    """
    lines: list[str] = []
    visited = {root}
    stack = _items(children(root), "")
    while stack:
        text, key, prefix, last = stack.pop()
        lines.append(prefix + ("└── " if last else "├── ") + text)
        if key is not None and key not in visited:
            visited.add(key)
            stack += _items(children(key), prefix + ("    " if last else "│   "))
    return lines or ["(none recorded)"]


def _items(kids: list[tuple[str, Any]], prefix: str) -> list[tuple[str, Any, str, bool]]:
    """``kids`` as stack entries, last child first (so the first is popped first)."""
    return [(text, key, prefix, i == len(kids) - 1) for i, (text, key) in reversed(list(enumerate(kids)))]


def _job_text(run: JobRun) -> str:
    return f"job {run.job} (run {run.run_id[:8]}, {run.time[:19]})"


def _step_line(step: dict[str, Any]) -> str:
    number = step["step"]
    named = step.get("id") not in (None, "", str(number), f"s{number}")
    name = f"step {number} {step['operation']}" + (f" ({step['id']})" if named else "")
    sources = ", ".join(_input_text(i) for i in step["inputs"]) or "nothing"
    return f"{name}: {step['column']} ← {sources}"


def _input_text(item: dict[str, Any]) -> str:
    where = f" of step {item['from']}" if item.get("from") else ""
    if "dataset" in item:
        where = f" of {label((item['dataset']['namespace'], item['dataset']['name']))}"
    how = f"{item['type']}/{item['subtype']}" + (", masking" if item.get("masking") else "")
    return f"{item['column']}{where} ({how})"


def _col(key: ColumnKey) -> str:
    return f"{label(key[0])}.{key[1]}"


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _unique_keys(items: list[ColumnKey]) -> list[ColumnKey]:
    return list(dict.fromkeys(items))


def _dataset_dict(dataset: DatasetKey) -> dict[str, str]:
    return {"namespace": dataset[0], "name": dataset[1], "label": label(dataset)}


def _job_dict(run: JobRun) -> dict[str, Any]:
    return {
        "job": run.job,
        "runId": run.run_id,
        "time": run.time,
        "inputs": [label(i) for i in run.inputs],
        "output": label(run.output),
    }


def _link_dict(link: ColumnLink) -> dict[str, Any]:
    return {
        "from": _col(link.source),
        "to": _col(link.target),
        "job": link.job,
        "transformations": [{"type": t, "subtype": s} for t, s in link.transformations],
        "masking": link.masking,
    }


def _field_label(item: dict[str, Any]) -> str:
    return f"{label((item['namespace'], item['name']))}.{item['field']}"


def _subtypes(item: dict[str, Any]) -> list[str]:
    return [t.get("subtype", "") for t in item.get("transformations", [])]
