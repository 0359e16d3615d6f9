"""The Spark engine: each recipe becomes one lazy plan on a classic or Spark Connect session."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from workbench.core.context import SparkContext
from workbench.core.lazy import scol
from workbench.core.secrets import Secrets, as_secrets
from workbench.core.types import LType, Schema, python_value
from workbench.engines.base import bound_dataset
from workbench.engines.spark.projection import NotFusable, Projection, ProjectionView, fusable
from workbench.engines.spark.types import ltype_of_spark, spark_type, struct_of


def is_spark_frame(frame: Any) -> bool:
    """True for classic and Spark Connect DataFrames."""
    if isinstance(frame, DataFrame):
        return True
    module = type(frame).__module__
    return module.startswith("pyspark.sql") and type(frame).__name__ == "DataFrame"


ROW_POSITION = "__workbench_row_position"


class SparkEngine:
    """Builds lazy Spark plans; runs one aggregation only for steps that learn from the data."""

    name = "spark"

    def __init__(
        self,
        session: SparkSession | None = None,
        datasets: dict[str, Any] | None = None,
        seed: int = 0,
        now: dt.datetime | None = None,
        secrets: Mapping[str, Any] | Secrets | None = None,
        fuse_steps: bool = True,
    ) -> None:
        self._session = session
        self.fuse_steps = fuse_steps
        """Consecutive row-wise steps of a replay build one projection (see projection.py)."""
        self.datasets = dict(datasets or {})
        self.secrets = as_secrets(secrets)
        """Key bindings of the run (names to keys; see workbench/core/secrets.py)."""
        self.seed = seed
        self.now = now or dt.datetime.now(dt.UTC)
        """The run's clock: NOW and TODAY read it, so every step of a run sees the same time."""

    @property
    def session(self) -> SparkSession:
        if self._session is None:
            from workbench.engines.spark.session import get_session

            self._session = get_session()
        return self._session

    def prepare(self, frame: DataFrame) -> DataFrame:
        """Check the frame and pin the session settings Workbench's semantics rely on."""
        if not is_spark_frame(frame):
            msg = f"the Spark engine takes a Spark DataFrame, not {type(frame).__name__}"
            raise TypeError(msg)
        from workbench.engines.spark.session import SESSION_CONF

        conf = frame.sparkSession.conf
        for key in ("spark.sql.session.timeZone", "spark.sql.ansi.enabled"):
            if conf.get(key) != SESSION_CONF[key]:
                conf.set(key, SESSION_CONF[key])
        return frame

    def ensure_canonical(self, frame: DataFrame, columns: list[str]) -> DataFrame:
        """Cast just ``columns`` to the one Spark type of their logical type (int to long…)."""
        fields = {f.name: f.dataType for f in frame.schema.fields}
        casts = {}
        for name in dict.fromkeys(columns):
            if name not in fields:
                continue
            ltype = ltype_of_spark(fields[name])
            if ltype in (LType.ARRAY, LType.STRUCT, LType.MAP, LType.DECIMAL):
                continue
            target = spark_type(ltype)
            if fields[name] != target:
                casts[name] = scol(name).cast(target)
        return frame.withColumns(casts) if casts else frame

    def schema_of(self, frame: DataFrame | ProjectionView) -> Schema:
        if isinstance(frame, ProjectionView):
            return frame.logical_schema
        return {f.name: ltype_of_spark(f.dataType) for f in frame.schema.fields if f.name != ROW_POSITION}

    def fuse(self, frame: DataFrame | Projection, transform: Any, conditions: list[Any]) -> Projection | None:
        """The step added to the frame's projection, or None when it must run on its own."""
        if not self.fuse_steps or not fusable(transform):
            return None
        projection = frame if isinstance(frame, Projection) else Projection.of(frame, ROW_POSITION)
        try:
            return projection.add(transform, conditions, self)
        except NotFusable:
            return None

    def materialise(self, frame: DataFrame | Projection) -> DataFrame:
        """A DataFrame for the frame (a projection becomes its one select)."""
        return frame.materialise() if isinstance(frame, Projection) else frame

    def dataset(self, name: str, operation: str) -> DataFrame:
        return bound_dataset(self.datasets, name, operation)

    def aggregate(self, frame: DataFrame, exprs: dict[str, Column]) -> dict[str, Any]:
        """Evaluate several aggregate expressions in one Spark job.

        Adaptive execution runs every shuffle of a plan as a job of its own and a broadcast join
        as one more, so a statistic over a deduplicated frame would cost three or four jobs; a
        one-row result gains nothing from re-planning, so it runs as one static plan.
        """
        with one_job(frame.sparkSession):
            row = frame.agg(*[e.alias(n) for n, e in exprs.items()]).collect()[0]
        return row.asDict()

    def with_row_position(self, frame: DataFrame) -> DataFrame:
        """Add ``ROW_POSITION``: the current row order, for transforms that depend on it.

        Spark has no row order of its own; the position follows the partitions of the plan
        (file order for a file, insertion order for local data), which is the order pandas sees.
        A frame that already carries the column keeps it: its rows may have been shuffled since,
        and the column, not the partitions, then holds their order.
        """
        if ROW_POSITION in frame.columns:
            return frame
        return frame.withColumn(ROW_POSITION, F.monotonically_increasing_id())

    def in_row_order(self, frame: DataFrame) -> DataFrame:
        """Sort a frame that carries ``ROW_POSITION`` back into that order and drop the column.

        Steps that shuffle rows (duplicate removal) keep the column instead of sorting at once;
        the sort happens here, only when a later step or the output needs the order, and a later
        SORT step makes it unnecessary.
        """
        if ROW_POSITION not in frame.columns:
            return frame
        return frame.orderBy(F.col(ROW_POSITION)).drop(ROW_POSITION)

    # --- plain values ------------------------------------------------------------------

    def from_records(self, columns: dict[str, list[Any]], schema: Schema) -> DataFrame:
        names = list(schema)
        n = len(columns[names[0]]) if names else 0
        rows = [tuple(_spark_value(columns[c][i], schema[c]) for c in names) for i in range(n)]
        return self.session.createDataFrame(rows, schema=struct_of(schema))

    def to_records(self, frame: DataFrame) -> dict[str, list[Any]]:
        frame = self.in_row_order(frame)
        schema = self.schema_of(frame)
        selected = [
            F.unix_micros(scol(c)).alias(c) if lt is LType.TIMESTAMP else scol(c) for c, lt in schema.items()
        ]
        rows = frame.select(*selected).collect() if schema else []
        out: dict[str, list[Any]] = {c: [] for c in schema}
        for row in rows:
            for i, (c, lt) in enumerate(schema.items()):
                out[c].append(_python_value(row[i], lt))
        return out


STATIC_PLAN_CONF = {"spark.sql.adaptive.enabled": "false", "spark.sql.autoBroadcastJoinThreshold": "-1"}
"""What runs a plan as one job: no adaptive stages, no broadcast (a one-row side joins in place)."""


@contextmanager
def one_job(session: Any) -> Iterator[None]:
    """Plan the queries started inside as one static job each, then restore the settings."""
    conf = session.conf
    before = {key: conf.get(key, None) for key in STATIC_PLAN_CONF}
    for key, value in STATIC_PLAN_CONF.items():
        conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                conf.unset(key)
            else:
                conf.set(key, value)


_EPOCH = dt.datetime(1970, 1, 1)


def _spark_value(value: Any, ltype: LType) -> Any:
    value = python_value(value, ltype)
    if value is None:
        return None
    if ltype is LType.TIMESTAMP and isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if ltype is LType.DECIMAL and not isinstance(value, decimal.Decimal):
        return decimal.Decimal(str(value))
    return value


def _python_value(value: Any, ltype: LType) -> Any:
    if value is None:
        return None
    if ltype is LType.TIMESTAMP:
        return _EPOCH + dt.timedelta(microseconds=value)
    if hasattr(value, "asDict"):
        return value.asDict(recursive=True)
    return value


def _implements_the_step_context(engine: SparkEngine) -> SparkContext:
    """Never called: mypy checks here that the engine offers what steps may ask of it."""
    return engine
