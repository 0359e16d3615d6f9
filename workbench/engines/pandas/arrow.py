"""Small helpers for pandas implementations written with pyarrow.compute."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa


def arr(s: pd.Series) -> pa.ChunkedArray:
    """The Arrow data behind a column (converted when the column is NumPy-backed)."""
    if not isinstance(s.dtype, pd.ArrowDtype):
        from workbench.engines.pandas import to_arrow_series

        s = to_arrow_series(s)
    return s.array._pa_array


def wrap(array: Any, like: pd.Series | pd.Index) -> pd.Series:
    """An Arrow array or scalar as a series on the index of ``like``."""
    index = like if isinstance(like, pd.Index) else like.index
    if isinstance(array, pa.Scalar):
        array = pa.array([array.as_py()] * len(index), array.type)
    return pd.Series(array, index=index, dtype=pd.ArrowDtype(array.type))
