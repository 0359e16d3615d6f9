"""Column lineage of a recipe, composed step by step from each transform's declared lineage.

Computed from the recipe and the input schemas alone (never from the data), so it is the same
on every engine. A column's lineage is the set of input fields it comes from, each with how:
``DIRECT`` (IDENTITY, TRANSFORMATION, AGGREGATION) or ``INDIRECT`` (FILTER, JOIN, GROUP_BY, SORT,
WINDOW, CONDITIONAL), and whether a hash, mask or encryption step touched it on the way.

Composition: a field reached through a direct step keeps the strongest direct subtype
(IDENTITY < TRANSFORMATION < AGGREGATION, so IDENTITY∘X = X); a field reached through an
indirect link becomes indirect with that subtype; masking stays set once set.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from workbench.core.types import Schema
from workbench.lineage.rules import MAIN, StepLineage, rule_for

DIRECT_RANK = {"IDENTITY": 0, "TRANSFORMATION": 1, "AGGREGATION": 2}


@dataclasses.dataclass
class FieldTrace:
    """How one input field reaches a column."""

    direct: str | None = None
    indirect: set[str] = dataclasses.field(default_factory=set)
    masking: bool = False

    def merged(self, other: FieldTrace) -> FieldTrace:
        """Both ways of reaching the column (two paths from one field)."""
        return FieldTrace(
            _stronger(self.direct, other.direct),
            self.indirect | other.indirect,
            self.masking or other.masking,
        )

    def transformations(self) -> list[dict[str, Any]]:
        """The 1-2-0 ``transformations`` list (direct first, then indirect by name)."""
        out: list[dict[str, Any]] = []
        if self.direct is not None:
            item: dict[str, Any] = {"type": "DIRECT", "subtype": self.direct}
            if self.masking:
                item["masking"] = True
            out.append(item)
        out.extend({"type": "INDIRECT", "subtype": s} for s in sorted(self.indirect))
        return out


Field = tuple[str, str]
"""(dataset key, input column)."""


@dataclasses.dataclass
class ColumnTrace:
    """The input fields of one column and the steps that made it, in order."""

    fields: dict[Field, FieldTrace] = dataclasses.field(default_factory=dict)
    steps: list[str] = dataclasses.field(default_factory=list)

    def add(self, field: Field, trace: FieldTrace) -> None:
        old = self.fields.get(field)
        self.fields[field] = trace if old is None else old.merged(trace)

    def add_step(self, label: str) -> None:
        if label not in self.steps:
            self.steps.append(label)


@dataclasses.dataclass
class RecipeLineage:
    """Column lineage of a whole recipe: per output column, and the dataset-level indirect fields."""

    columns: dict[str, ColumnTrace]
    dataset: dict[Field, FieldTrace]
    steps: list[str]
    """Every enabled step's label (``3 CAPITAL_CASE (name-case)``), in order."""

    def facet_fields(self, namespace_of: dict[str, tuple[str, str]]) -> dict[str, Any]:
        """The facet's ``fields``; ``namespace_of`` maps dataset keys to (namespace, name)."""
        return {
            column: {"inputFields": _input_fields(trace.fields, namespace_of)}
            for column, trace in self.columns.items()
        }

    def facet_dataset(self, namespace_of: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
        """The dataset-level ``dataset`` list of the facet (fields that affect every row)."""
        return _input_fields(self.dataset, namespace_of)


def _input_fields(
    fields: dict[Field, FieldTrace], namespace_of: dict[str, tuple[str, str]]
) -> list[dict[str, Any]]:
    out = []
    for (key, column), trace in sorted(fields.items()):
        namespace, name = namespace_of.get(key, ("workbench", key or "input"))
        out.append(
            {
                "namespace": namespace,
                "name": name,
                "field": column,
                "transformations": trace.transformations(),
            }
        )
    return out


def _stronger(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return a if DIRECT_RANK[a] >= DIRECT_RANK[b] else b


def _through(trace: FieldTrace, kind: str, subtype: str, masking: bool) -> FieldTrace:
    """``trace`` carried one step further by a link of ``kind`` and ``subtype``."""
    if kind == "DIRECT":
        direct = None if trace.direct is None else _stronger(trace.direct, subtype)
        return FieldTrace(direct, set(trace.indirect), trace.masking or masking)
    indirect = set(trace.indirect) | {subtype}
    if trace.direct is not None:
        return FieldTrace(None, indirect, trace.masking)
    return FieldTrace(None, indirect, trace.masking)


def _source_trace(key: str, schema: Schema) -> dict[str, ColumnTrace]:
    return {c: ColumnTrace({(key, c): FieldTrace("IDENTITY")}) for c in schema}


def step_label(index: int, step: Any) -> str:
    """How a step is named in lineage: its position, operation and id."""
    suffix = f" ({step.id})" if step.id and step.id != str(index + 1) else ""
    return f"{index + 1} {step.operation}{suffix}"


def recipe_lineage(
    recipe: Any,
    schema: Schema,
    datasets: dict[str, Schema] | None = None,
    output_columns: list[str] | None = None,
) -> RecipeLineage:
    """The column lineage of ``recipe`` over an input of ``schema`` (secondary inputs in ``datasets``).

    ``output_columns`` names the written columns when a step's columns depend on the data
    (PIVOT, ONE_HOT_ENCODING); such columns come from everything that step read.
    """
    datasets = datasets or {}
    state = _State(_source_trace(MAIN, schema), dict(schema), {})
    labels = []
    for index, step in enumerate(recipe.steps):
        if step.disabled:
            continue
        label = step_label(index, step)
        labels.append(label)
        transform = step.transform()
        conditions = [c.target_column for c in step.conditions]
        state.apply(rule_for(transform, state.schema, datasets, conditions), label, datasets)
    if output_columns is not None:
        state.resolve(output_columns)
    return RecipeLineage(state.traces, state.dataset, labels)


@dataclasses.dataclass
class _State:
    traces: dict[str, ColumnTrace]
    schema: Schema | None
    dataset: dict[Field, FieldTrace]
    unknown: ColumnTrace | None = None
    """Where columns come from that only the data names (after PIVOT, ONE_HOT_ENCODING)."""

    def trace_of(
        self, column: str, key: str = MAIN, datasets: dict[str, Schema] | None = None
    ) -> ColumnTrace:
        if key != MAIN:
            return ColumnTrace({(key, column): FieldTrace("IDENTITY")})
        found = self.traces.get(column)
        if found is not None:
            return found
        return self.unknown or ColumnTrace()

    def apply(self, rule: StepLineage, label: str, datasets: dict[str, Schema]) -> None:
        new: dict[str, ColumnTrace] = {}
        for column, links in rule.columns.items():
            trace = ColumnTrace()
            for link in links:
                source = self.trace_of(link.column, link.dataset, datasets)
                for field, field_trace in source.fields.items():
                    trace.add(field, _through(field_trace, link.kind, link.subtype, link.masking))
                for step in source.steps:
                    trace.add_step(step)
            if not rule.is_identity(column):
                trace.add_step(label)
            new[column] = trace
        for link in rule.dataset:
            source = self.trace_of(link.column, link.dataset, datasets)
            for field, field_trace in source.fields.items():
                carried = _through(field_trace, "INDIRECT", link.subtype, False)
                old = self.dataset.get(field)
                self.dataset[field] = carried if old is None else old.merged(carried)
        if rule.unknown_from is not None:
            unknown = ColumnTrace()
            for link in rule.unknown_from:
                for field, field_trace in self.trace_of(link.column, link.dataset, datasets).fields.items():
                    unknown.add(field, _through(field_trace, link.kind, link.subtype, False))
            unknown.add_step(label)
            self.unknown = unknown
        # Before a known schema, columns the step does not name are carried as they were.
        self.traces = new if self.schema is not None else {**self.traces, **new}
        self.schema = rule.schema_after

    def resolve(self, output_columns: list[str]) -> None:
        """Keep the written columns; those only the data named come from ``unknown``."""
        self.traces = {c: self.traces.get(c) or self.unknown or ColumnTrace() for c in output_columns}
