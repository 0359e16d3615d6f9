"""JSON_TO_STRUCTS: JSON text columns parsed into struct and array columns of one inferred schema."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import TableTransform
from workbench.core.json_schema import (
    arrow_of,
    finished,
    from_variant_schema,
    inferred,
    parse,
    shaped,
)
from workbench.core.lazy import F, quoted, scol
from workbench.core.nesting import check_column_choice
from workbench.core.params import Boolean, Columns, Integer, Regex
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema, spark_ddl
from workbench.engines.pandas.arrow import arr

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

SUFFIX = "_struct"
"""The name of the parsed column, after the source's, when the source column is kept."""

_SAMPLE_LENGTH = 60
"""Characters of an invalid value an error quotes."""


class JsonToStructs(TableTransform):
    """Parse JSON text columns into struct and array columns, with one schema inferred from every value.

    The schema merges the values of all rows (``workbench/core/json_schema.py``): a field missing
    or null in some rows is null there; integers and doubles mix to double; any other mix of kinds
    (text and number, object and array, ...) gives text holding the compact JSON of each value;
    object fields are sorted by name. Only nulls, empty arrays' elements and objects that never
    hold a field give text. ``unnestLevel`` (all levels by default) is how many levels of objects
    and arrays become structs and arrays; deeper values stay JSON text. Text that is not valid
    JSON (NaN and Infinity included) gives null. A column whose values are not objects or arrays
    (numbers, text, or a mix of objects and arrays) stays text, invalid values null.
    The parsed column replaces the source with ``removeSourceColumn``; otherwise it is added
    after it as ``<column>_struct``. Removing the source would lose the text of invalid values,
    so then a column holding any (null and "" are not invalid) fails the step, naming the
    column, how many values are invalid and the first of them in text order. Columns are chosen
    by ``sourceColumns`` or by ``regexColumnSelector``, which must match a whole column name and
    picks only text columns.
    """

    operation = "JSON_TO_STRUCTS"
    category = Category.NEST
    uses_statistics = True
    source_columns: Columns | None = None
    regex_column_selector: Regex | None = None
    remove_source_column: Boolean = False
    unnest_level: Integer | None = None
    examples: ClassVar = (
        Example(
            title="one schema merged from every row; empty text gives null",
            given={
                "id": [1, 2, 3, 4, 5],
                "address": [
                    '{"city": "Zürich", "zip": 8001, "geo": {"lat": 47.4}}',
                    '{"city": "", "zip": 8002.5, "tags": ["a", null], "geo": {}}',
                    "",
                    None,
                    '{"zip": null, "geo": {"lat": 1}, "tags": []}',
                ],
            },
            params={"sourceColumns": '["address"]', "removeSourceColumn": "true"},
            expect={
                "id": [1, 2, 3, 4, 5],
                "address": [
                    {"city": "Zürich", "geo": {"lat": 47.4}, "tags": None, "zip": 8001.0},
                    {"city": "", "geo": {"lat": None}, "tags": ["a", None], "zip": 8002.5},
                    None,
                    None,
                    {"city": None, "geo": {"lat": 1.0}, "tags": [], "zip": None},
                ],
            },
        ),
        Example(
            title="one level: deeper values and mixed kinds stay JSON text; the source is kept",
            given={
                "j": [
                    '{"a": 1, "b": {"c": [1, 2.5]}, "k": true}',
                    '{"a": "x", "b": {"d": "é"}, "k": 0, "e": {}}',
                    "null",
                    "{not json",
                ]
            },
            params={"sourceColumns": ["j"], "unnestLevel": "1"},
            expect={
                "j": [
                    '{"a": 1, "b": {"c": [1, 2.5]}, "k": true}',
                    '{"a": "x", "b": {"d": "é"}, "k": 0, "e": {}}',
                    "null",
                    "{not json",
                ],
                "j_struct": [
                    {"a": "1", "b": '{"c":[1,2.5]}', "e": None, "k": "true"},
                    {"a": "x", "b": '{"d":"é"}', "e": "{}", "k": "0"},
                    None,
                    None,
                ],
            },
        ),
        Example(
            title="numbers inside JSON text are written as Spark writes doubles",
            given={
                "j": [
                    '{"v": {"big": 1e20, "tiny": [2.5e-7, 1]}}',
                    '{"v": "x"}',
                    '{"v": [12345678.5, -0.001]}',
                ]
            },
            params={"sourceColumns": ["j"], "removeSourceColumn": True},
            expect={
                "j": [
                    {"v": '{"big":1.0E20,"tiny":[2.5E-7,1]}'},
                    {"v": "x"},
                    {"v": "[1.23456785E7,-0.001]"},
                ]
            },
        ),
        Example(
            title="arrays of objects, columns chosen by a pattern; text that is not JSON objects stays text",
            given={
                "items_json": ['[{"sku": "A", "qty": 2}, {"sku": "B"}]', "[]", '[{"qty": -1}]'],
                "note_json": ['"plain"', "42", ""],
                "n": [1, 2, 3],
            },
            params={"regexColumnSelector": ".*_json", "removeSourceColumn": True},
            expect={
                "items_json": [
                    [{"qty": 2, "sku": "A"}, {"qty": None, "sku": "B"}],
                    [],
                    [{"qty": -1, "sku": None}],
                ],
                "note_json": ['"plain"', "42", None],
                "n": [1, 2, 3],
            },
        ),
    )

    @model_validator(mode="after")
    def _choice(self) -> JsonToStructs:
        check_column_choice(self)
        return self

    def output_schema(self, schema: Schema) -> Schema | None:
        return None

    def check(self, schema: Schema) -> None:
        super().check(schema)
        for column in self.source_columns or []:
            if schema[column] is not LType.STRING:
                raise ParameterError(
                    f"column {column!r} is {schema[column].value}; JSON text must be a string column",
                    operation=self.operation,
                    parameter="sourceColumns",
                    column=column,
                )
        for column in self._chosen(schema):
            target = self._target(column)
            if target != column and target in schema:
                raise ParameterError(
                    f"column {target!r} already exists; remove it or set removeSourceColumn",
                    operation=self.operation,
                    parameter="removeSourceColumn",
                    column=target,
                )

    def _chosen(self, schema: Schema) -> list[str]:
        if self.source_columns is not None:
            return list(self.source_columns)
        pattern = re.compile(self.regex_column_selector or "")
        return [c for c, t in schema.items() if t is LType.STRING and pattern.fullmatch(c)]

    def _target(self, column: str) -> str:
        return column if self.remove_source_column else f"{column}{SUFFIX}"

    def _order(self, columns: list[str], chosen: list[str]) -> list[str]:
        order = []
        for column in columns:
            if column not in chosen or not self.remove_source_column:
                order.append(column)
            if column in chosen:
                order.append(self._target(column))
        return list(dict.fromkeys(order))

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        chosen = self._chosen(ctx.schema_of(df))
        out = df.copy(deep=False)
        for column in chosen:
            out[self._target(column)] = self._parsed_pandas(column, df[column])
        return out[self._order([str(c) for c in df.columns], chosen)]

    def _refuse_lost_text(self, column: str, invalid: int, first: str | None) -> None:
        """Fail when removing the source would silently lose the text of invalid values."""
        if not self.remove_source_column or not invalid:
            return
        values = "value is" if invalid == 1 else "values are"
        sample = first if first is None or len(first) <= _SAMPLE_LENGTH else first[:_SAMPLE_LENGTH] + "…"
        raise ParameterError(
            f"{invalid} {values} not valid JSON in column {column!r} (first: {sample!r}); "
            "removing the source column would lose them: clear removeSourceColumn to keep the text "
            "beside the parsed column, or fix or remove those values first",
            operation=self.operation,
            parameter="removeSourceColumn",
            column=column,
        )

    def _parsed_pandas(self, column: str, s: pd.Series) -> pd.Series:
        # JSON parsing is per value by nature; the schema is merged over the parsed values.
        texts = arr(s).to_pylist()
        parsed = [parse(text) for text in texts]
        invalid = [text for text, (ok, _) in zip(texts, parsed, strict=True) if not ok and text]
        self._refuse_lost_text(column, len(invalid), min(invalid) if invalid else None)
        tree = finished(inferred([value for valid, value in parsed if valid]), self.unnest_level)
        if tree.kind not in ("object", "array"):
            kept = [text if valid else None for text, (valid, _) in zip(texts, parsed, strict=True)]
            values = pa.array(kept, pa.large_string())
        else:
            values = pa.array([shaped(v, tree) if ok else None for ok, v in parsed], arrow_of(tree))
        return pd.Series(values, index=s.index, dtype=pd.ArrowDtype(values.type))

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        chosen = self._chosen(ctx.schema_of(df))
        exprs = {f"s{i}": F.schema_of_variant_agg(F.try_parse_json(scol(c))) for i, c in enumerate(chosen)}
        if self.remove_source_column:
            # Counted in the schema's own job: the check costs no extra pass over the data.
            for i, column in enumerate(chosen):
                text = scol(column)
                invalid = text.isNotNull() & (text != F.lit("")) & F.try_parse_json(text).isNull()
                exprs[f"n{i}"] = F.count_if(invalid)
                exprs[f"e{i}"] = F.min(F.when(invalid, text))
        stats = ctx.aggregate(df, exprs)
        new: dict[str, SparkColumn] = {}
        for i, column in enumerate(chosen):
            self._refuse_lost_text(column, int(stats.get(f"n{i}") or 0), stats.get(f"e{i}"))
            tree = finished(from_variant_schema(stats[f"s{i}"]), self.unnest_level)
            text = scol(column)
            variant = F.try_parse_json(text)
            if tree.kind in ("object", "array"):
                # from_json reads a JSON null as a struct of nulls; the value is null.
                empty = variant.isNull() | F.is_variant_null(variant)
                parsed = F.from_json(text, spark_ddl(arrow_of(tree)))
            else:
                empty, parsed = variant.isNull(), text
            new[self._target(column)] = F.when(empty, F.lit(None)).otherwise(parsed)
        order = self._order(list(df.columns), chosen)
        return df.select(*[new[n].alias(n) if n in new else df[quoted(n)] for n in order])
