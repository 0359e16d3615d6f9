"""Where PII goes: every output column a PII input column reaches, masked or not, with the steps.

The PII columns of an input are found when the report runs: by the project's PII detection
(``workbench.pii``) on the first ``sample`` rows of an input file, and by the ``pii.entity`` column
tags of a ``catalog:DB.TABLE`` input. From each such column the report follows the direct column
links of the recorded lineage (each job's latest completed run) through every run, so an output of
one run read by another is followed on. A reached column is **masked** when a hash, mask or
encryption step touched the value on some link of the way; a column reached only by indirect
links (a filter, join or group key) does not carry the value and is not listed.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from workbench.lineage.graph import ColumnKey, ColumnLink, DatasetKey, LineageGraph, label
from workbench.lineage.view import NOTE

SAMPLE = 10_000


@dataclasses.dataclass
class Reach:
    """One output column a PII column reaches, by one way through the runs."""

    column: ColumnKey
    path: list[ColumnLink]

    @property
    def masked(self) -> bool:
        return any(link.masking for link in self.path)

    @property
    def aggregated(self) -> bool:
        return any(subtype == "AGGREGATION" for k in self.path for _, subtype in k.transformations)


@dataclasses.dataclass
class PiiColumn:
    """A column an input holds PII in, and where it goes."""

    column: ColumnKey
    entity: str
    confidence: float | None
    found_by: str
    reaches: list[Reach]


@dataclasses.dataclass
class PiiReport:
    """The PII columns of the inputs, where each goes, and the inputs that could not be scanned."""

    graph: LineageGraph
    columns: list[PiiColumn]
    sources: list[dict[str, Any]]
    sample: int

    @property
    def unmasked(self) -> list[tuple[PiiColumn, Reach]]:
        """Every (PII column, reached column) pair with no masking on the way."""
        return [(c, r) for c in self.columns for r in _worst(c.reaches) if not r.masked]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (what ``--pii --json`` prints)."""
        return {
            "graph": NOTE,
            "sample": self.sample,
            "sources": self.sources,
            "columns": [_column_dict(self.graph, c) for c in self.columns],
            "unmasked": len(self.unmasked),
        }

    def text(self) -> str:
        """One block per PII column: the columns it reaches, masked or UNMASKED, with the steps."""
        lines = [f"Where PII goes ({NOTE}; detection on the first {self.sample:,} rows of each input file)"]
        lines += [f"not scanned: {s['dataset']}: {s['problem']}" for s in self.sources if s.get("problem")]
        if not self.columns:
            lines.append("no PII column found in the inputs")
        for col in self.columns:
            conf = "" if col.confidence is None else f", confidence {col.confidence:.2f}"
            lines.append(f"{_col(col.column)}  {col.entity} ({col.found_by}{conf})")
            reaches = _worst(col.reaches)
            for i, reach in enumerate(reaches):
                branch = "└── " if i == len(reaches) - 1 else "├── "
                lines.append(f"  {branch}{_col(reach.column)}  {_status(reach)}  {_via(self.graph, reach)}")
            if not reaches:
                lines.append("  └── reaches no output")
        count = len(self.unmasked)
        lines.append(f"{count} unmasked PII column{'s' if count != 1 else ''} reach an output")
        return "\n".join(lines)


def pii_report(graph: LineageGraph, dataset: DatasetKey | None = None, *, sample: int = SAMPLE) -> PiiReport:
    """Where the PII of ``dataset`` (default: every input no recorded run writes) goes."""
    written = {r.output for r in graph.runs.values()}
    read = [i for r in graph.runs.values() for i in r.inputs]
    inputs = [dataset] if dataset is not None else [d for d in dict.fromkeys(read) if d not in written]
    columns: list[PiiColumn] = []
    sources = []
    for key in inputs:
        found, how, problem = _pii_columns(key, graph.columns.get(key, []), sample)
        sources.append({"dataset": label(key), "scannedBy": how, **({"problem": problem} if problem else {})})
        for column, (entity, confidence) in found.items():
            reaches = _reaches(graph, (key, column))
            columns.append(PiiColumn((key, column), entity, confidence, how or "", reaches))
    return PiiReport(graph, columns, sources, sample)


def _pii_columns(
    key: DatasetKey, known: list[str], sample: int
) -> tuple[dict[str, tuple[str, float | None]], str | None, str | None]:
    """The PII columns of one input, how they were found, or why the input could not be scanned."""
    namespace, name = key
    try:
        if namespace.startswith("workbench://"):
            return _catalog_tags(namespace.removeprefix("workbench://"), name), "catalog tags", None
        if namespace != "file":
            return {}, None, f"only local files and catalog tables are scanned, not {namespace}"
        if not Path(name).exists():
            return {}, None, "the file is no longer there"
        return _detected(Path(name), known, sample), "detection", None
    except Exception as exc:  # one unreadable input must not hide the others
        return {}, None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _detected(path: Path, known: list[str], sample: int) -> dict[str, tuple[str, float | None]]:
    from workbench.pii import detect_pii
    from workbench.widget.sample import FileSource, SampleSpec

    frame = FileSource(path).sample(SampleSpec("FIRST_N", sample, None)).frame
    columns = [c for c in frame.columns if not known or c in known]
    return {str(c): (f.entity, f.confidence) for c, f in detect_pii(frame, columns, sample=None).items()}


def _catalog_tags(catalog: str, table: str) -> dict[str, tuple[str, float | None]]:
    from workbench.catalog.catalog import open_catalog

    database, _, name = table.partition(".")
    opened = open_catalog(catalog)
    try:
        found = opened.table(database, name)
    finally:
        opened.close()
    out: dict[str, tuple[str, float | None]] = {}
    for column, tags in found.tags.items():
        if column and tags.get("pii.entity"):
            out[column] = (tags["pii.entity"], _number(tags.get("pii.confidence")))
    return out


def _number(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


def _reaches(graph: LineageGraph, start: ColumnKey) -> list[Reach]:
    """Every column reached from ``start`` by direct links, by every way (no column twice on one way)."""
    out: list[Reach] = []

    def walk(node: ColumnKey, path: list[ColumnLink], on_way: set[ColumnKey]) -> None:
        for link in graph.links_out_of(node):
            if not link.direct or link.target in on_way:
                continue
            way = [*path, link]
            out.append(Reach(link.target, way))
            walk(link.target, way, on_way | {link.target})

    walk(start, [], {start})
    return out


def _worst(reaches: list[Reach]) -> list[Reach]:
    """One way per reached column: an unmasked one when there is one."""
    chosen: dict[ColumnKey, Reach] = {}
    for reach in reaches:
        old = chosen.get(reach.column)
        if old is None or (old.masked and not reach.masked):
            chosen[reach.column] = reach
    return list(chosen.values())


def _status(reach: Reach) -> str:
    if reach.masked:
        return "masked"
    return "UNMASKED (aggregated)" if reach.aggregated else "UNMASKED"


def _steps_on(graph: LineageGraph, reach: Reach) -> list[dict[str, Any]]:
    out = []
    for link in reach.path:
        chain = graph.runs[link.job].chain(link.target[1]) if link.job in graph.runs else []
        out.append({"job": link.job, "column": _col(link.target), "steps": chain})
    return out


def _via(graph: LineageGraph, reach: Reach) -> str:
    parts = []
    for entry in _steps_on(graph, reach):
        names = ", ".join(f"{s['step']} {s['operation']}" for s in entry["steps"]) or "copied"
        parts.append(f"{entry['job']}: {names}")
    return "via " + "; then ".join(parts)


def _column_dict(graph: LineageGraph, col: PiiColumn) -> dict[str, Any]:
    return {
        "dataset": label(col.column[0]),
        "column": col.column[1],
        "entity": col.entity,
        "confidence": col.confidence,
        "foundBy": col.found_by,
        "reaches": [
            {
                "column": _col(r.column),
                "masked": r.masked,
                "aggregated": r.aggregated,
                "path": [
                    {"from": _col(k.source), "to": _col(k.target), "job": k.job, "how": k.label()}
                    for k in r.path
                ],
                "steps": _steps_on(graph, r),
            }
            for r in _worst(col.reaches)
        ],
    }


def _col(key: ColumnKey) -> str:
    return f"{label(key[0])}.{key[1]}"
