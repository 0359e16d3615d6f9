"""Writing outputs from either engine, atomically, in the format the output's extension names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from workbench.core.casting import cast_pandas
from workbench.core.errors import DataIOError
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr
from workbench.io.formats import Format, format_of_name
from workbench.io.publish import publishing


def write_pandas(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a frame atomically, in the format its extension names."""
    from workbench.engines.pandas import PandasEngine

    p = Path(path)
    fmt = format_of_name(p)
    table = PandasEngine().to_arrow(frame)
    with publishing(p) as target:
        if fmt is Format.CSV:
            pacsv.write_csv(_csv_ready(frame, table), target)
        elif fmt is Format.PARQUET:
            pq.write_table(table, target)
        else:
            frame_out = table.to_pandas(types_mapper=pd.ArrowDtype)
            frame_out.to_json(target, orient="records", lines=True, date_format="iso", force_ascii=False)


def _csv_ready(frame: pd.DataFrame, table: pa.Table) -> pa.Table:
    """Timestamps as CHANGE_DATA_TYPE writes them ("2024-01-05 13:07:09"), which reads back as timestamps."""
    columns = [
        arr(cast_pandas(frame.iloc[:, i], LType.TIMESTAMP, LType.STRING))
        if pa.types.is_timestamp(column.type)
        else column
        for i, column in enumerate(table.columns)
    ]
    return pa.table(columns, names=table.column_names)


def write_spark(frame: Any, path: str | Path) -> None:
    """Write a directory of part files, atomically (local paths)."""
    p = Path(path).resolve()
    fmt = format_of_name(p)
    with publishing(p) as target:
        writer = frame.write.mode("error")
        if fmt is Format.CSV:
            writer = writer.option("header", "true").option("escape", '"')
            writer.option("timestampFormat", "yyyy-MM-dd HH:mm:ss").csv(str(target))
        elif fmt is Format.PARQUET:
            writer.parquet(str(target))
        else:
            writer.json(str(target))
        if not target.exists():
            raise DataIOError(f"Spark wrote nothing at {str(target)!r}; is the Spark server on this machine?")
