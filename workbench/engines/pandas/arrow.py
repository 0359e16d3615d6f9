"""Small helpers for pandas implementations written with pyarrow.compute."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arr(s: pd.Series) -> pa.ChunkedArray:
    """The Arrow data behind a column (converted when the column is NumPy-backed)."""
    if not isinstance(s.dtype, pd.ArrowDtype):
        from workbench.engines.pandas import to_arrow_series

        s = to_arrow_series(s)
    return s.array._pa_array


def wrap(array: Any, like: pd.Series | pd.Index) -> pd.Series:
    """An Arrow array or scalar as a series on the index of ``like``."""
    index = like if isinstance(like, pd.Index) else like.index
    name = None if isinstance(like, pd.Index) else like.name
    if isinstance(array, pa.Scalar):
        array = pa.array([array.as_py()] * len(index), array.type)
    return pd.Series(array, index=index, dtype=pd.ArrowDtype(array.type), name=name)


def filter_rows(df: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows where ``keep`` is true, filtering Arrow columns in Arrow (pandas' own path is slower)."""
    mask = pa.array(keep, pa.bool_())
    return _rebuild(df, lambda a: pc.filter(a, mask), lambda s: s[keep], df.index[keep])


def take_rows(df: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows at ``positions`` (0-based), in that order."""
    indices = pa.array(positions, pa.int64())
    return _rebuild(df, lambda a: pc.take(a, indices), lambda s: s.iloc[positions], df.index[positions])


def _rebuild(df: pd.DataFrame, arrow_op: Any, pandas_op: Any, index: pd.Index) -> pd.DataFrame:
    columns = {}
    for position in range(len(df.columns)):
        s = df.iloc[:, position]
        if isinstance(s.dtype, pd.ArrowDtype):
            columns[position] = pd.Series(arrow_op(arr(s)), dtype=s.dtype, index=index, copy=False)
        else:
            columns[position] = pd.Series(pandas_op(s).to_numpy(), dtype=s.dtype, index=index, copy=False)
    out = pd.DataFrame(columns, index=index, copy=False)
    out.columns = df.columns
    return out
