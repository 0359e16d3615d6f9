"""The pandas engine: Arrow-backed columns, vectorised transforms, no copies it can avoid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.context import PandasContext
from workbench.core.secrets import Secrets, as_secrets
from workbench.core.types import LType, Schema, arrow_type, ltype_of_arrow, python_value
from workbench.engines.base import bound_dataset
from workbench.engines.pandas.arrow import arr


def ltype_of_dtype(dtype: Any) -> LType:
    """The logical type of a pandas dtype (Arrow-backed or NumPy-backed)."""
    if isinstance(dtype, pd.ArrowDtype):
        return ltype_of_arrow(dtype.pyarrow_dtype)
    if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype):
        return LType.STRING
    if isinstance(dtype, pd.CategoricalDtype):
        return LType.STRING
    if pd.api.types.is_bool_dtype(dtype):
        return LType.BOOLEAN
    if pd.api.types.is_integer_dtype(dtype):
        return LType.INTEGER
    if pd.api.types.is_float_dtype(dtype):
        return LType.DOUBLE
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return LType.TIMESTAMP
    msg = f"unsupported pandas dtype {dtype}"
    raise TypeError(msg)


_CANONICAL: dict[LType, pa.DataType] = {
    lt: arrow_type(lt) for lt in LType if lt not in (LType.ARRAY, LType.STRUCT, LType.MAP, LType.DECIMAL)
}


def _is_canonical(dtype: Any) -> bool:
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    target = _CANONICAL.get(ltype_of_arrow(dtype.pyarrow_dtype))
    return target is None or dtype.pyarrow_dtype == target


def canonical_series(s: pd.Series) -> pd.Series:
    """The column with the one Arrow type its logical type has on the pandas engine.

    Parquet files and user frames bring narrower or wider physical types (``string``, ``int32``,
    ``float32``, nanosecond or zone-less timestamps); transforms see one type per logical type.
    """
    s = to_arrow_series(s)
    source = arr(s).type
    ltype = ltype_of_arrow(source)
    target = _CANONICAL.get(ltype)
    if target is None or source == target:
        return s
    array = arr(s)
    if ltype is LType.TIMESTAMP:
        if source.tz is None:
            array = pc.assume_timezone(array, "UTC")
        array = pc.cast(array, target, safe=False)
    else:
        array = pc.cast(array, target)
    return pd.Series(array, index=s.index, dtype=pd.ArrowDtype(target), name=s.name)


def to_arrow_series(s: pd.Series) -> pd.Series:
    """The same column with an Arrow dtype (zero-copy where pyarrow allows it)."""
    if isinstance(s.dtype, pd.ArrowDtype):
        return s
    ltype = ltype_of_dtype(s.dtype)
    if ltype is LType.TIMESTAMP:
        values = _utc_series(s)
        return pd.Series(
            pa.array(values, type=arrow_type(LType.TIMESTAMP)),
            index=s.index,
            dtype=pd.ArrowDtype(arrow_type(LType.TIMESTAMP)),
            name=s.name,
        )
    array = pa.array(s, from_pandas=True)
    if ltype is LType.STRING:
        array = (
            array.cast(pa.large_string())
            if not pa.types.is_null(array.type)
            else pa.nulls(len(s), pa.large_string())
        )
    return pd.Series(array, index=s.index, dtype=pd.ArrowDtype(array.type), name=s.name)


def _utc_series(s: pd.Series) -> pd.Series:
    """Timestamps as UTC (naive ones are read as UTC)."""
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        # pd.to_datetime would first scan the values for its parsing cache: 75 ms per 1M rows.
        return s.dt.tz_localize("UTC")
    return pd.to_datetime(s, utc=True)


class PandasEngine:
    """Runs transforms on pandas DataFrames."""

    name = "pandas"

    def __init__(
        self,
        datasets: dict[str, Any] | None = None,
        seed: int = 0,
        now: dt.datetime | None = None,
        secrets: Mapping[str, Any] | Secrets | None = None,
    ) -> None:
        self.datasets = {k: self.prepare(v) for k, v in (datasets or {}).items()}
        self.secrets = as_secrets(secrets)
        """Key bindings of the run (names to keys; see workbench/core/secrets.py)."""
        self.seed = seed
        self.now = now or dt.datetime.now(dt.UTC)
        """The run's clock: NOW and TODAY read it, so every step of a run sees the same time."""

    # --- frames ------------------------------------------------------------------------

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Accept a user frame as it is; columns are converted when a step reads them."""
        if not isinstance(frame, pd.DataFrame):
            msg = f"the pandas engine takes a pandas DataFrame, not {type(frame).__name__}"
            raise TypeError(msg)
        return frame

    def ensure_canonical(self, df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """Give just ``columns`` the canonical Arrow type of their logical type, when they lack it."""
        todo = [c for c in dict.fromkeys(columns) if c in df.columns and not _is_canonical(df[c].dtype)]
        if not todo:
            return df
        out = df.copy(deep=False)
        for c in todo:
            out[c] = canonical_series(df[c])
        return out

    def in_row_order(self, frame: pd.DataFrame) -> pd.DataFrame:
        """pandas frames are always in row order."""
        return frame

    def schema_of(self, frame: pd.DataFrame) -> Schema:
        return {str(name): ltype_of_dtype(dtype) for name, dtype in frame.dtypes.items()}

    fuse_steps = False
    """pandas runs each step on the data at once: there is no plan to fuse."""

    def fuse(self, frame: pd.DataFrame, transform: Any, conditions: list[Any]) -> None:
        return None

    def materialise(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame

    def dataset(self, name: str, operation: str) -> pd.DataFrame:
        return bound_dataset(self.datasets, name, operation)

    # --- building columns --------------------------------------------------------------

    def as_series(self, values: Any, ltype: LType, index: pd.Index) -> pd.Series:
        """``values`` as an Arrow-backed series of ``ltype`` on ``index``."""
        if isinstance(values, pd.Series):
            return self.cast_series(values, ltype)
        return self.constant(values, ltype, index)

    def constant(self, value: Any, ltype: LType, index: pd.Index) -> pd.Series:
        """A column holding ``value`` on every row."""
        atype = arrow_type(ltype)
        array = pa.nulls(len(index), atype) if value is None else pa.array([value] * len(index), atype)
        return pd.Series(array, index=index, dtype=pd.ArrowDtype(atype))

    def cast_series(self, s: pd.Series, ltype: LType) -> pd.Series:
        """Cast a column to the Arrow type of ``ltype`` (a no-op when it already is)."""
        s = to_arrow_series(s)
        target = arrow_type(ltype)
        current = arr(s).type
        if current == target or (ltype_of_arrow(current) is ltype and ltype is not LType.STRING):
            return s
        return s.astype(pd.ArrowDtype(target))

    # --- plain values ------------------------------------------------------------------

    def from_records(self, columns: dict[str, list[Any]], schema: Schema) -> pd.DataFrame:
        arrays = {}
        for name, ltype in schema.items():
            values = [python_value(v, ltype) for v in columns[name]]
            if ltype is LType.TIMESTAMP:
                values = [_utc(v) for v in values]
            if ltype in (LType.ARRAY, LType.STRUCT, LType.MAP):
                arrays[name] = pa.array(values)
            else:
                arrays[name] = pa.array(values, type=arrow_type(ltype))
        table = pa.table(arrays) if arrays else pa.table({})
        return table.to_pandas(types_mapper=pd.ArrowDtype)

    def to_records(self, frame: pd.DataFrame) -> dict[str, list[Any]]:
        return {str(name): [_plain(v) for v in arr(frame[name]).to_pylist()] for name in frame.columns}

    def to_arrow(self, frame: pd.DataFrame) -> pa.Table:
        """The frame as an Arrow table (zero-copy for Arrow-backed columns)."""
        return pa.table({str(name): arr(frame[name]) for name in frame.columns})


def _utc(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _implements_the_step_context(engine: PandasEngine) -> PandasContext:
    """Never called: mypy checks here that the engine offers what steps may ask of it."""
    return engine
