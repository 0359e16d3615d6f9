"""Consecutive row-wise steps fused into one projection of the Spark plan.

Replaying step by step builds one DataFrame per step: on classic Spark each is analysed by the
JVM, and a step that places a new column mid-table re-selects every column by reference; on
Spark Connect each step asks the server for its schema. A :class:`Projection` instead carries,
for every current column, the expression that computes it from one base DataFrame, and the
logical schema the recipe's validation already knows; steps add to it without asking Spark
anything, and :meth:`Projection.materialise` builds the one ``select``.

A step is added only if it is a column function that learns nothing from the data and does not
depend on row order. Its Spark code sees the projection through :class:`ProjectionView`, which
answers what a column function may ask of its frame (the column names, a column by name, the
logical schema) and raises :class:`NotFusable` for anything else, so a transform that needs the
real DataFrame runs on its own instead, never on a stale one. Column references made with
:func:`workbench.core.lazy.scol` resolve to the current expressions (see ``substituted``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from workbench.core.families import ColumnFunction, _spark_keep_outside, place_columns
from workbench.core.lazy import quoted, scol, substituted
from workbench.core.types import LType, Schema
from workbench.engines.spark.types import ltype_of_spark, spark_type
from workbench.recipe import conditions as cond

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame
    from pyspark.sql.types import DataType

    from workbench.core.registry import Transform
    from workbench.recipe.conditions import Condition

FUSE_DEPTH = 6
"""Steps stacked on one column before the projection is built: a step that uses its input twice
doubles the expression tree Spark analyses, so the nesting is kept bounded."""

_NOT_CANONICAL = (LType.ARRAY, LType.STRUCT, LType.MAP, LType.DECIMAL)


class NotFusable(Exception):
    """A step asked its frame for more than a projection can answer; it runs on its own."""


def fusable(transform: Transform) -> bool:
    """True for column functions that learn nothing from the data and ignore row order."""
    cls = type(transform)
    return (
        isinstance(transform, ColumnFunction)
        and cls.apply_spark is ColumnFunction.apply_spark
        and not cls.uses_statistics
        and not cls.order_sensitive
        and "spark" not in cls.not_supported
    )


@dataclasses.dataclass(frozen=True)
class Projection:
    """The current columns as expressions over ``base`` (None: the base column as it is)."""

    base: DataFrame
    columns: dict[str, Column | None]
    schema: Schema
    physical: dict[str, DataType]
    """Spark types of the base columns, for the casts to canonical types."""
    depth: dict[str, int] = dataclasses.field(default_factory=dict)
    canonical: frozenset[str] = frozenset()
    """Columns already cast to their canonical Spark type inside the projection."""

    @classmethod
    def of(cls, frame: DataFrame, hidden: str) -> Projection:
        """Start from ``frame``; ``hidden`` is a bookkeeping column kept out of the schema."""
        fields = frame.schema.fields
        return cls(
            base=frame,
            columns=dict.fromkeys(f.name for f in fields),
            schema={f.name: ltype_of_spark(f.dataType) for f in fields if f.name != hidden},
            physical={f.name: f.dataType for f in fields},
        )

    def references(self) -> dict[str, Column]:
        """The columns computed by earlier steps, by name (the others are base columns)."""
        return {name: expr for name, expr in self.columns.items() if expr is not None}

    def reference(self, name: str) -> Column:
        expr = self.columns.get(name)
        return expr if expr is not None else self.base[quoted(name)]

    def add(self, transform: Transform, conditions: list[Condition], engine: Any) -> Projection:
        """The projection with one more step (raises NotFusable when it must run on its own)."""
        assert isinstance(transform, ColumnFunction)
        reads = list(dict.fromkeys([*transform.reads(), *(c.target_column for c in conditions)]))
        if any(self.depth.get(name, 0) >= FUSE_DEPTH for name in reads):
            raise NotFusable("the expressions are nested deep enough")
        current = self._canonical(reads)
        view = ProjectionView(current)
        with substituted(current.references()):
            produced = transform.spark_columns(view, engine)  # type: ignore[arg-type]
            predicate = cond.spark_predicate(conditions, current.schema)
            if predicate is not None:
                types = transform.produced(current.schema)
                produced = {
                    name: _spark_keep_outside(expr, name, list(current.columns), predicate, types[name])
                    for name, expr in produced.items()
                }
        return current._with(
            produced, transform, 1 + max((current.depth.get(n, 0) for n in reads), default=0)
        )

    def _with(self, produced: dict[str, Column], transform: ColumnFunction, depth: int) -> Projection:
        order = place_columns(dict.fromkeys(self.columns), dict.fromkeys(produced), transform.anchor())
        columns = {name: produced[name] if name in produced else self.columns[name] for name in order}
        return dataclasses.replace(
            self,
            columns=columns,
            schema=transform.output_schema(self.schema),
            depth={**self.depth, **dict.fromkeys(produced, depth)},
            canonical=self.canonical - set(produced),
        )

    def _canonical(self, names: list[str]) -> Projection:
        """Cast the columns a step reads to the one Spark type of their logical type.

        What ``SparkEngine.ensure_canonical`` does to a DataFrame: base columns by their known
        Spark type, computed ones always (a cast to the type an expression already has is
        removed by Spark's optimizer).
        """
        casts: dict[str, Column] = {}
        for name in names:
            ltype = self.schema.get(name)
            if ltype is None or ltype in _NOT_CANONICAL or name in self.canonical:
                continue
            target = spark_type(ltype)
            expr = self.columns[name]
            if expr is not None:
                casts[name] = expr.cast(target)
            elif self.physical[name] != target:
                casts[name] = scol(name).cast(target)
        if not casts:
            return self
        return dataclasses.replace(
            self, columns={**self.columns, **casts}, canonical=self.canonical | set(casts)
        )

    def materialise(self) -> DataFrame:
        """The one DataFrame: ``withColumns`` when the base's columns keep their places."""
        changed = self.references()
        names = list(self.columns)
        base_names = list(self.physical)
        if names[: len(base_names)] == base_names:
            return self.base.withColumns(changed) if changed else self.base
        return self.base.select(
            *[
                expr.alias(name) if expr is not None else self.base[quoted(name)]
                for name, expr in self.columns.items()
            ]
        )


class ProjectionView:
    """What a fused step's Spark code sees in place of its DataFrame."""

    def __init__(self, projection: Projection) -> None:
        self._projection = projection

    @property
    def columns(self) -> list[str]:
        return list(self._projection.columns)

    @property
    def logical_schema(self) -> Schema:
        return dict(self._projection.schema)

    def __getitem__(self, key: Any) -> Column:
        if not isinstance(key, str):
            raise NotFusable(f"the step selects {type(key).__name__} from its frame")
        return self._projection.reference(_unquoted(key))

    def __getattr__(self, name: str) -> Any:
        raise NotFusable(f"the step uses DataFrame.{name}")


def _unquoted(key: str) -> str:
    if len(key) >= 2 and key.startswith("`") and key.endswith("`"):
        return key[1:-1].replace("``", "`")
    return key
