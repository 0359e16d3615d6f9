"""The steps that made each output column, recorded in a run's events as the ``workbench_steps`` facet.

The column lineage facet says which input fields an output column comes from; this facet says
how: for every output column, each step on the way (its number, id and operation), the column it
wrote there, and the columns before it that the step read, with the link's type, subtype and
masking. A link's ``from`` is the number of the step that last wrote that column (0: the input).
Steps that decide which rows there are or their order are listed with the columns they read.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import attr
from openlineage.client.generated.base import DatasetFacet

from workbench.core.types import Schema
from workbench.lineage.rules import MAIN, Link, StepLineage, rule_for

SCHEMA_URL = (
    "https://github.com/workbench-data/workbench/blob/main/docs/WorkbenchStepsDatasetFacet.json"
    "#/$defs/WorkbenchStepsDatasetFacet"
)
FACET = "workbench_steps"


@attr.define
class StepsDatasetFacet(DatasetFacet):
    """The steps of the recipe and, for every output column, the steps that made it."""

    steps: list[dict[str, Any]] = attr.field(factory=list)
    columns: dict[str, list[dict[str, Any]]] = attr.field(factory=dict)

    @staticmethod
    def _get_schema() -> str:
        return SCHEMA_URL


Node = tuple[int, str]
"""(step number, column written there); step 0 is the input."""


@dataclasses.dataclass
class _Written:
    step: int
    column: str
    links: list[tuple[Link, int]]


@dataclasses.dataclass
class _Replay:
    schema: Schema | None
    writer: dict[str, int]
    """Column -> the step that last wrote it (0: as read)."""
    nodes: dict[Node, _Written] = dataclasses.field(default_factory=dict)
    unknown: int | None = None
    """The step after which columns only the data names come (PIVOT, ONE_HOT_ENCODING)."""

    def source_of(self, link: Link) -> int:
        if link.dataset != MAIN:
            return 0
        if link.column in self.writer:
            return self.writer[link.column]
        return self.unknown or 0

    def apply(self, number: int, rule: StepLineage) -> None:
        writer: dict[str, int] = {} if self.schema is not None else dict(self.writer)
        for column, links in rule.columns.items():
            if rule.is_identity(column):
                writer[column] = self.source_of(links[0])
                continue
            self.nodes[(number, column)] = _Written(number, column, [(k, self.source_of(k)) for k in links])
            writer[column] = number
        if rule.unknown_from is not None:
            self.nodes[(number, "*")] = _Written(
                number, "*", [(k, self.source_of(k)) for k in rule.unknown_from]
            )
            self.unknown = number
        self.writer = writer
        self.schema = rule.schema_after


def steps_facet(
    recipe: Any,
    schema: Schema,
    datasets: dict[str, Schema],
    output_columns: list[str],
    dataset_names: dict[str, tuple[str, str]],
) -> StepsDatasetFacet:
    """The ``workbench_steps`` facet of a run of ``recipe`` writing ``output_columns``."""
    replay = _Replay(dict(schema), dict.fromkeys(schema, 0))
    steps: list[dict[str, Any]] = []
    for index, step in enumerate(recipe.steps):
        if step.disabled:
            continue
        conditions = [c.target_column for c in step.conditions]
        rule = rule_for(step.transform(), replay.schema, datasets, conditions)
        entry: dict[str, Any] = {"step": index + 1, "operation": step.operation}
        if step.id:
            entry["id"] = step.id
        if rule.dataset:
            entry["rows"] = [_link(k, replay.source_of(k), dataset_names) for k in rule.dataset]
        steps.append(entry)
        replay.apply(index + 1, rule)
    by_number = {s["step"]: s for s in steps}
    columns = {c: _chain(replay, c, by_number, dataset_names) for c in output_columns}
    return StepsDatasetFacet(steps=steps, columns=columns)


def _chain(
    replay: _Replay, column: str, steps: dict[int, dict[str, Any]], names: dict[str, tuple[str, str]]
) -> list[dict[str, Any]]:
    """Every step on the way to ``column``, in step order (a column only the data named is shown
    by the name it is read by)."""
    todo = [(replay.writer.get(column, replay.unknown or 0), column)]
    seen: dict[Node, tuple[_Written, str]] = {}
    while todo:
        number, name = todo.pop()
        node = (number, name if (number, name) in replay.nodes else "*")
        written = replay.nodes.get(node)
        if written is None or node in seen:
            continue
        seen[node] = (written, name)
        todo += [(src, k.column) for k, src in written.links if src and k.dataset == MAIN]
    out = []
    for (number, _), (written, name) in sorted(seen.items()):
        step = steps[number]
        out.append(
            {
                "step": number,
                "operation": step["operation"],
                **({"id": step["id"]} if "id" in step else {}),
                "column": name,
                "inputs": [_link(k, s, names) for k, s in written.links],
            }
        )
    return out


def _link(link: Link, source: int, names: dict[str, tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"column": link.column, "type": link.kind, "subtype": link.subtype, "from": source}
    if link.masking:
        out["masking"] = True
    if link.dataset != MAIN:
        namespace, name = names.get(link.dataset, ("workbench", link.dataset))
        out["dataset"] = {"namespace": namespace, "name": name}
    return out
