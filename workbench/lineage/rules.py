"""The lineage rule of every transform: for each column after a step, the columns before it that made it.

Families give the defaults (a column function writes its produced columns from what it reads, a
row filter keeps every column and filters the dataset, a table step keeps the columns it does not
name); structural steps whose shape the defaults cannot see (RENAME, SORT, GROUP_BY, JOIN, UNION,
FILL_WITH_GROUP_STATISTIC, filters by type) have their own rule in ``OVERRIDES``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from workbench.core.families import ColumnFunction, RowFilter, TableTransform
from workbench.core.params import KIND, ParamKind
from workbench.core.registry import Category, Transform, _field_extra
from workbench.core.types import LType, Schema

MAIN = ""

MASKING = frozenset(
    {
        "CRYPTOGRAPHIC_HASH",
        "DETERMINISTIC_ENCRYPT",
        "ENCRYPT",
        "MASK_CUSTOM",
        "MASK_DATE",
        "MASK_DELIMITER",
        "MASK_PII_COLUMNS",
        "MASK_RANGE",
        "REPLACE_WITH_RANDOM_BETWEEN",
        "REPLACE_WITH_RANDOM_DATE_BETWEEN",
    }
)
"""Operations whose output hides its input: their lineage carries ``masking: true``."""

IDENTITY_COLUMN = frozenset({"DUPLICATE"})
"""Column functions that copy their input unchanged."""

CONDITIONAL = frozenset({"BOOLEAN_OPERATION", "CASE_OPERATION"})
"""Column functions whose value is chosen by conditions on the columns they read."""

ROW_SELECTION = frozenset({"SAMPLE_ROWS", "SHUFFLE_ROWS", "TRAIN_TEST_SPLIT"})
"""Table steps that move or select rows without looking at any column's value."""


@dataclasses.dataclass(frozen=True)
class Link:
    """A column before the step (of ``dataset``, the main input when empty) feeding a column after it."""

    column: str
    kind: str = "DIRECT"
    subtype: str = "IDENTITY"
    masking: bool = False
    dataset: str = MAIN


@dataclasses.dataclass
class StepLineage:
    """The lineage of one step: every column after it, with its links to columns before it."""

    columns: dict[str, list[Link]]
    dataset: list[Link] = dataclasses.field(default_factory=list)
    """Columns that decide which rows there are or their order (FILTER, SORT, JOIN, GROUP_BY)."""
    schema_after: Schema | None = None
    unknown_from: list[Link] | None = None
    """For steps whose columns only the data names: what every such column comes from."""

    def is_identity(self, column: str) -> bool:
        """True when the step passes ``column`` through unchanged (it is then not in its chain)."""
        links = self.columns.get(column, [])
        return len(links) == 1 and links[0] == Link(column)


Rule = Callable[[Any, "Context"], StepLineage]


@dataclasses.dataclass
class Context:
    """What a rule sees: the schema before the step, secondary schemas, the condition columns."""

    before: Schema
    known: bool
    datasets: dict[str, Schema]
    conditions: list[str]

    def after(self, transform: Transform) -> Schema | None:
        if not self.known:
            return None
        try:
            return transform.output_schema_with(self.before, self.datasets)
        except Exception:
            return None


def _kept(ctx: Context, after: Schema | None, skip: set[str] = frozenset()) -> dict[str, list[Link]]:  # type: ignore[assignment]
    names = list(after) if after is not None else list(ctx.before)
    return {c: [Link(c)] for c in names if c in ctx.before and c not in skip}


# --- family defaults ---------------------------------------------------------------------


def column_function(t: Any, ctx: Context) -> StepLineage:
    """Produced columns come from the columns read; the others pass through."""
    after = ctx.after(t)
    produced = _produced(t, ctx, after)
    reads = t.reads()
    subtype = _direct_subtype(t)
    masking = t.operation in MASKING
    columns = _kept(ctx, after, set(produced))
    for name in produced:
        links = [Link(r, "DIRECT", subtype, masking) for r in reads]
        if t.category is Category.WINDOW:
            links += [Link(r, "INDIRECT", "WINDOW") for r in reads]
        if t.operation in CONDITIONAL:
            links += [Link(r, "INDIRECT", "CONDITIONAL") for r in reads]
        if ctx.conditions and name in ctx.before and name not in reads:
            links.append(Link(name))  # rows outside the conditions keep the old value
        links += [Link(c, "INDIRECT", "CONDITIONAL") for c in ctx.conditions]
        columns[name] = list(dict.fromkeys(links))
    ordered = list(after) if after is not None else list(columns)
    return StepLineage({c: columns[c] for c in ordered if c in columns}, schema_after=after)


def row_filter(t: Any, ctx: Context) -> StepLineage:
    """Every column passes through; the columns the filter reads decide which rows remain."""
    after = ctx.after(t)
    decide = list(dict.fromkeys([*t.reads(), *ctx.conditions]))
    return StepLineage(_kept(ctx, after), [Link(c, "INDIRECT", "FILTER") for c in decide], after)


def table_transform(t: Any, ctx: Context) -> StepLineage:
    """Columns not named pass through; named and new columns come from what the step reads."""
    after = ctx.after(t)
    reads = t.reads()
    sources = reads or list(ctx.before)
    columns: dict[str, list[Link]] = {}
    if after is None:
        columns = {c: [Link(c)] for c in ctx.before if c not in reads}
        unknown = [Link(r, "DIRECT", "TRANSFORMATION") for r in sources]
        return StepLineage(columns, schema_after=None, unknown_from=unknown)
    for name in after:
        if name in ctx.before and name not in reads:
            columns[name] = [Link(name)]
        else:
            columns[name] = [Link(r, "DIRECT", "TRANSFORMATION") for r in sources]
    return StepLineage(columns, schema_after=after)


# --- per-transform rules -----------------------------------------------------------------


def reorder(t: Any, ctx: Context) -> StepLineage:
    """Columns removed or moved; those left are unchanged."""
    after = ctx.after(t)
    return StepLineage(_kept(ctx, after), schema_after=after)


def row_selection(t: Any, ctx: Context) -> StepLineage:
    """Rows moved or sampled without reading values; new columns (a split label) come from no field."""
    after = ctx.after(t)
    columns = _kept(ctx, after)
    for name in after or {}:
        columns.setdefault(name, [])
    return StepLineage({c: columns[c] for c in (after or columns)}, schema_after=after)


def rename(t: Any, ctx: Context) -> StepLineage:
    """The new name is the old column, unchanged."""
    after = ctx.after(t)
    columns = _kept(ctx, after, {t.source_column})
    columns[t.target_column] = [Link(t.source_column)]
    ordered = list(after) if after is not None else list(columns)
    return StepLineage({c: columns[c] for c in ordered if c in columns}, schema_after=after)


def sort(t: Any, ctx: Context) -> StepLineage:
    """Every column passes through; the sort keys decide the order of the rows."""
    after = ctx.after(t)
    return StepLineage(_kept(ctx, after), [Link(c, "INDIRECT", "SORT") for c in t.reads()], after)


def type_filter(t: Any, ctx: Context) -> StepLineage:
    """Rows whose value is not of the type are removed; the column decides."""
    return row_filter(t, ctx)


def group_by(t: Any, ctx: Context) -> StepLineage:
    """Aggregates come from their source column within groups of the keys; the keys pass through."""
    after = ctx.after(t)
    keys = list(t.source_columns)
    columns = _kept(ctx, after)
    for agg in t.group_by_agg_function_options:
        links = (
            [Link(agg.source_column_name, "DIRECT", "AGGREGATION")]
            if agg.source_column_name in ctx.before
            else []
        )
        columns[agg.target_column_name] = links + [Link(k, "INDIRECT", "GROUP_BY") for k in keys]
    ordered = list(after) if after is not None else list(columns)
    dataset = [Link(k, "INDIRECT", "GROUP_BY") for k in keys]
    return StepLineage({c: columns[c] for c in ordered if c in columns}, dataset, after)


def join(t: Any, ctx: Context) -> StepLineage:
    """Columns of both sides pass through; the keys of both sides decide which rows meet."""
    after = ctx.after(t)
    other = t.secondary_dataset_name
    columns = {c: [Link(c)] for c in ctx.before}
    for column, name in zip(t.right_columns, t._right_names(ctx.before), strict=True):
        columns[name] = [Link(column, dataset=other)]
    dataset = [Link(k.key, "INDIRECT", "JOIN") for k in t.join_keys]
    dataset += [Link(k.value, "INDIRECT", "JOIN", dataset=other) for k in t.join_keys]
    ordered = list(after) if after is not None else list(columns)
    return StepLineage({c: columns[c] for c in ordered if c in columns}, dataset, after)


def union(t: Any, ctx: Context) -> StepLineage:
    """Each target column is the matching column of every dataset, unchanged."""
    after = ctx.after(t)
    keys = [MAIN, *t.secondary_dataset_names]
    columns: dict[str, list[Link]] = {}
    for i, target in enumerate(t.target_column_names):
        columns[target] = [
            Link(cols[i], dataset=key)
            for key, cols in zip(keys, t.datasets_columns, strict=True)
            if cols[i] is not None
        ]
    return StepLineage(columns, schema_after=after)


def group_statistic(t: Any, ctx: Context) -> StepLineage:
    """Missing values are filled from a statistic of the column within groups of the key columns."""
    after = ctx.after(t)
    columns = _kept(ctx, after, {t.source_column})
    columns[t.source_column] = [Link(t.source_column, "DIRECT", "AGGREGATION")] + [
        Link(g, "INDIRECT", "GROUP_BY") for g in t.group_by_columns
    ]
    ordered = list(after) if after is not None else list(columns)
    return StepLineage({c: columns[c] for c in ordered if c in columns}, schema_after=after)


OVERRIDES: dict[str, Rule] = {
    "RENAME": rename,
    "DELETE": reorder,
    "MOVE_AFTER": reorder,
    "MOVE_BEFORE": reorder,
    "MOVE_TO_END": reorder,
    "MOVE_TO_INDEX": reorder,
    "MOVE_TO_START": reorder,
    "REMOVE_CONSTANT_COLUMNS": reorder,
    "REMOVE_EMPTY_COLUMNS": reorder,
    "SORT": sort,
    "SAMPLE_ROWS": row_selection,
    "SHUFFLE_ROWS": row_selection,
    "TRAIN_TEST_SPLIT": row_selection,
    "ADVANCED_DATATYPE_FILTER": type_filter,
    "GROUP_BY": group_by,
    "JOIN": join,
    "UNION": union,
    "FILL_WITH_GROUP_STATISTIC": group_statistic,
}
"""Per-transform rules where the family default would be less exact."""


def rule_of(cls: type[Transform]) -> Rule | None:
    """The lineage rule of a transform class (its own, else its family's); None when it has none."""
    if cls.operation in OVERRIDES:
        return OVERRIDES[cls.operation]
    if issubclass(cls, ColumnFunction):
        return column_function
    if issubclass(cls, RowFilter):
        return row_filter
    if issubclass(cls, TableTransform):
        return table_transform
    return None


def rule_for(
    transform: Transform, schema: Schema | None, datasets: dict[str, Schema], conditions: list[str]
) -> StepLineage:
    """The lineage of one step over ``schema`` (None when an earlier step's columns depend on the data)."""
    rule = rule_of(type(transform))
    if rule is None:
        msg = f"{transform.operation} has no lineage rule"
        raise TypeError(msg)
    known = schema is not None
    before = dict(schema) if schema is not None else dict.fromkeys(transform.reads(), LType.STRING)
    return rule(transform, Context(before, known, datasets, conditions))


def _direct_subtype(t: Transform) -> str:
    if t.operation in IDENTITY_COLUMN:
        return "IDENTITY"
    if t.category is Category.AGGREGATE:
        return "AGGREGATION"
    return "TRANSFORMATION"


def _produced(t: Any, ctx: Context, after: Schema | None) -> list[str]:
    """Names of the columns a column function writes."""
    try:
        return list(t.produced(ctx.before))
    except Exception:
        pass
    names = []
    for name, field in type(t).model_fields.items():
        if _field_extra(field).get(KIND) == ParamKind.NEW_COLUMN.value and isinstance(getattr(t, name), str):
            names.append(getattr(t, name))
    if names:
        return names
    if after is not None:
        return [c for c in after if c not in ctx.before]
    return list(t.reads()[:1])
