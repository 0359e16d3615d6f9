"""UNION: the rows of secondary datasets stacked under the data."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import pandas as pd
import pyarrow as pa
from pydantic import BeforeValidator, Field, model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.lazy import F, scol
from workbench.core.params import KIND, DatasetNames, ParamKind, TextList, structured
from workbench.core.pivoting import cast_to_pandas, cast_to_spark, common_type, frame_of, missing_column
from workbench.core.registry import Category, Example
from workbench.core.types import Schema, arrow_type

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame


def _json_text(value: Any) -> Any:
    import json

    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


SecondaryInputs = Annotated[
    str, BeforeValidator(_json_text), Field(json_schema_extra={KIND: ParamKind.TEXT.value})
]
"""DataBrew's S3 locations of the secondary datasets, kept as JSON text and never read."""


class UnionRows(TableTransform):
    """Stack the rows of one or more secondary datasets under the data, matching columns by position.

    ``datasetsColumns`` lists, for the current data and then for each dataset of
    ``secondaryDatasetNames`` (bound by name when the recipe runs), the column that feeds each
    output column of ``targetColumnNames``; null means that dataset has no such column and
    gives nulls. Columns not listed are dropped. ``secondaryInputs`` (DataBrew's S3 locations)
    is kept but never read. An output column of one type keeps it; numeric types mix to double,
    other mixes to text (CHANGE_DATA_TYPE rules). Rows keep their order, dataset by dataset.
    """

    operation = "UNION"
    category = Category.UNION
    datasets_columns: structured(ParamKind.COLUMN_LISTS, list[list[str | None]])  # type: ignore[valid-type]
    secondary_dataset_names: DatasetNames
    secondary_inputs: SecondaryInputs | None = None
    target_column_names: TextList
    examples: ClassVar = (
        Example(
            given={"session": [1, 2], "state": ["NO", None], "year": [2020, 2021]},
            datasets={"votes": {"sess": [3.5], "code": ["SE"], "vote": ["yes"]}},
            params={
                "datasetsColumns": '[["session","state","year"],["sess","code",null]]',
                "secondaryDatasetNames": '["votes"]',
                "secondaryInputs": '[{"S3InputDefinition":{"Bucket":"b","Key":"votes.csv"}}]',
                "targetColumnNames": '["session","state_code","year"]',
            },
            expect={"session": [1.0, 2.0, 3.5], "state_code": ["NO", None, "SE"], "year": [2020, 2021, None]},
        ),
        Example(
            title="two secondary datasets; a text and number mix becomes text",
            given={"a": ["x", None]},
            datasets={"d1": {"b": [1]}, "d2": {"c": ["é"]}},
            params={
                "datasetsColumns": [["a"], ["b"], ["c"]],
                "secondaryDatasetNames": ["d1", "d2"],
                "targetColumnNames": ["v"],
            },
            expect={"v": ["x", None, "1", "é"]},
        ),
    )

    @model_validator(mode="after")
    def _valid(self) -> UnionRows:
        if not self.secondary_dataset_names:
            raise ParameterError(
                "give at least one secondary dataset",
                operation=self.operation,
                parameter="secondaryDatasetNames",
            )
        if len(self.datasets_columns) != len(self.secondary_dataset_names) + 1:
            raise ParameterError(
                f"datasetsColumns needs {len(self.secondary_dataset_names) + 1} lists: the current data's, "
                "then one per secondary dataset",
                operation=self.operation,
                parameter="datasetsColumns",
            )
        width = len(self.target_column_names)
        if width == 0 or any(len(columns) != width for columns in self.datasets_columns):
            raise ParameterError(
                f"every list of datasetsColumns needs {width} entries, one per target column",
                operation=self.operation,
                parameter="datasetsColumns",
            )
        if len(set(self.target_column_names)) != width or not all(
            n.strip() for n in self.target_column_names
        ):
            raise ParameterError(
                "targetColumnNames must be distinct, non-empty names",
                operation=self.operation,
                parameter="targetColumnNames",
            )
        return self

    def secondary_datasets(self) -> list[str]:
        return list(self.secondary_dataset_names)

    def extra_reads(self) -> list[str]:
        return [c for c in self.datasets_columns[0] if c is not None]

    def rename_columns(self, mapping: dict[str, str]) -> UnionRows:
        first = [mapping.get(c, c) if c is not None else None for c in self.datasets_columns[0]]
        return self.model_copy(update={"datasets_columns": [first, *self.datasets_columns[1:]]})

    def _sources(
        self, schema: Schema, datasets: dict[str, Schema]
    ) -> list[tuple[str, Schema, list[str | None]]]:
        named = [("the current data", schema)] + [
            (f"dataset {n!r}", datasets[n]) for n in self.secondary_dataset_names
        ]
        return [(label, s, cols) for (label, s), cols in zip(named, self.datasets_columns, strict=True)]

    def check(self, schema: Schema) -> None:
        for column in self.datasets_columns[0]:
            if column is not None and column not in schema:
                raise missing_column(column, schema, self.operation, "datasetsColumns")

    def check_with(self, schema: Schema, datasets: dict[str, Schema]) -> None:
        self.check(schema)
        for label, s, columns in self._sources(schema, datasets):
            for column in columns:
                if column is not None and column not in s:
                    raise missing_column(column, s, self.operation, "datasetsColumns", f" in {label}")
        self.output_schema_with(schema, datasets)

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def output_schema_with(self, schema: Schema, datasets: dict[str, Schema]) -> Schema:
        sources = self._sources(schema, datasets)
        out = {}
        for i, target in enumerate(self.target_column_names):
            types = [s[column] for _, s, cols in sources if (column := cols[i]) is not None]
            out[target] = common_type(types, f"target column {target!r}", self.operation, "datasetsColumns")
        return out

    def _frames(self, df: Any, ctx: Any) -> list[Any]:
        return [df] + [ctx.dataset(name, self.operation) for name in self.secondary_dataset_names]

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        frames = self._frames(df, ctx)
        schemas = [ctx.schema_of(f) for f in frames]
        target = self.output_schema_with(
            schemas[0], dict(zip(self.secondary_dataset_names, schemas[1:], strict=True))
        )
        out = {}
        for i, (name, ltype) in enumerate(target.items()):
            pieces = []
            for frame, schema, columns in zip(frames, schemas, self.datasets_columns, strict=True):
                column = columns[i]
                if column is None:
                    pieces.append(pa.nulls(len(frame), arrow_type(ltype)))
                else:
                    pieces.append(cast_to_pandas(frame[column], schema[column], ltype))
            out[name] = pa.chunked_array(pieces)
        return frame_of(out)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        from workbench.engines.spark.types import spark_type

        frames = self._frames(df, ctx)
        schemas = [ctx.schema_of(f) for f in frames]
        target = self.output_schema_with(
            schemas[0], dict(zip(self.secondary_dataset_names, schemas[1:], strict=True))
        )
        parts = []
        for frame, schema, columns in zip(frames, schemas, self.datasets_columns, strict=True):
            selected = []
            for (name, ltype), column in zip(target.items(), columns, strict=True):
                if column is None:
                    selected.append(F.lit(None).cast(spark_type(ltype)).alias(name))
                else:
                    selected.append(cast_to_spark(scol(column), schema[column], ltype).alias(name))
            parts.append(frame.select(*selected))
        return functools.reduce(lambda a, b: a.union(b), parts)
