"""UNNEST_STRUCT, UNNEST_STRUCT_N and EXTRACT_VALUE: struct fields and values at a path as columns."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Self

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError, nearest
from workbench.core.lazy import F, scol
from workbench.core.nesting import (
    NestedColumn,
    Shape,
    StructColumn,
    Unnest,
    check_column_choice,
    layout,
    pandas_frame,
    pandas_shape,
    refuse_clashes,
    spark_frame,
    spark_shape,
)
from workbench.core.params import Boolean, Columns, Integer, NewColumn, Regex, Text
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


# --- structs -----------------------------------------------------------------------------------

_PERSON = [
    {"name": "Ana", "address": {"city": "Zürich", "zip": "8001"}, "tags": ["a", "b"]},
    {"name": None, "address": {"city": "", "zip": None}, "tags": []},
    {"name": "李", "address": None, "tags": None},
    None,
]


class UnnestStruct(Unnest):
    """Spread the top-level fields of a struct column into columns of their own.

    Each field becomes the column ``<targetColumn><field>`` (``targetColumn`` is a prefix; without
    it the prefix is ``<sourceColumn>_``), in field order, right after the source column. A null
    struct gives nulls in every new column. Nested fields stay nested: UNNEST_STRUCT_N goes deeper.
    """

    operation = "UNNEST_STRUCT"
    category = Category.NEST
    source_column: StructColumn
    remove_source_column: Boolean = False
    target_column: Text | None = None
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3, 4], "p": _PERSON},
            params={"sourceColumn": "p"},
            expect={
                "id": [1, 2, 3, 4],
                "p": _PERSON,
                "p_name": ["Ana", None, "李", None],
                "p_address": [{"city": "Zürich", "zip": "8001"}, {"city": "", "zip": None}, None, None],
                "p_tags": [["a", "b"], [], None, None],
            },
            schema={"p": "struct"},
        ),
        Example(
            given={"s": [{"x": 1.5, "y": True}, None]},
            params={"sourceColumn": "s", "targetColumn": "point.", "removeSourceColumn": "true"},
            expect={"point.x": [1.5, None], "point.y": [True, None]},
            schema={"s": "struct"},
            title="a prefix; the source removed",
        ),
    )

    def _names(self, fields: list[str], columns: list[str]) -> list[str]:
        prefix = self.target_column if self.target_column is not None else f"{self.source_column}_"
        names = [f"{prefix}{f}" for f in fields]
        taken = [c for c in columns if not (self.remove_source_column and c == self.source_column)]
        refuse_clashes(self.operation, "targetColumn", names, taken)
        return names

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        fields = pandas_shape(df, self.source_column).fields()
        names = self._names(fields, [str(c) for c in df.columns])
        source = arr(df[self.source_column])
        new = {n: wrap(pc.struct_field(source, f), df.index) for n, f in zip(names, fields, strict=True)}
        order = layout([str(c) for c in df.columns], self.source_column, names, self.remove_source_column)
        return pandas_frame(df, order, new)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        fields = spark_shape(df, self.source_column).fields()
        names = self._names(fields, list(df.columns))
        source = scol(self.source_column)
        new = {n: source.getField(f) for n, f in zip(names, fields, strict=True)}
        order = layout(list(df.columns), self.source_column, names, self.remove_source_column)
        return spark_frame(df, order, new)


def _leaves(shape: Shape, path: list[str], level: int | None) -> list[list[str]]:
    """Field paths of a struct, ``level`` structs deep (None: all the way down)."""
    if shape.kind != "struct" or (level is not None and len(path) >= level):
        return [path]
    out: list[list[str]] = []
    for name in shape.fields():
        out.extend(_leaves(shape.field(name), [*path, name], level))
    return out


class UnnestStructN(Unnest):
    """Flatten struct columns several levels deep into columns named by their field path.

    ``user`` holding ``{"address": {"state": "WA"}}`` gives the column ``user.address.state``: the
    source column's name and the fields on the way, joined with ``delimiter`` (default ``.``).
    ``unnestLevel`` limits how many levels are opened (all by default; 1 is UNNEST_STRUCT); a
    struct below it stays one column. Columns are chosen by ``sourceColumns`` or by
    ``regexColumnSelector``, which must match a whole column name and picks only struct columns.
    Arrays and maps inside are kept as they are.
    """

    operation = "UNNEST_STRUCT_N"
    category = Category.NEST
    source_columns: Columns | None = None
    regex_column_selector: Regex | None = None
    remove_source_column: Boolean = False
    unnest_level: Integer | None = None
    delimiter: Text = "."
    examples: ClassVar = (
        Example(
            given={"p": _PERSON, "n": [1, 2, 3, None]},
            params={"sourceColumns": '["p"]', "delimiter": "_", "removeSourceColumn": "true"},
            expect={
                "p_name": ["Ana", None, "李", None],
                "p_address_city": ["Zürich", "", None, None],
                "p_address_zip": ["8001", None, None, None],
                "p_tags": [["a", "b"], [], None, None],
                "n": [1, 2, 3, None],
            },
            schema={"p": "struct"},
        ),
        Example(
            given={
                "a_1": [{"b": {"c": 1}}, {"b": None}],
                "a_2": [{"b": {"c": "é"}}, None],
                "a_3": ["not a struct", ""],
            },
            params={"regexColumnSelector": ".*_[0-9]", "unnestLevel": "1", "delimiter": "_"},
            expect={
                "a_1": [{"b": {"c": 1}}, {"b": None}],
                "a_1_b": [{"c": 1}, None],
                "a_2": [{"b": {"c": "é"}}, None],
                "a_2_b": [{"c": "é"}, None],
                "a_3": ["not a struct", ""],
            },
            schema={"a_1": "struct", "a_2": "struct"},
            title="columns chosen by a pattern, one level deep",
        ),
    )

    @model_validator(mode="after")
    def _choice(self) -> UnnestStructN:
        check_column_choice(self)
        return self

    def check(self, schema: Schema) -> None:
        super().check(schema)
        for column in self.source_columns or []:
            if schema[column] is not LType.STRUCT:
                raise ParameterError(
                    f"column {column!r} is {schema[column].value}; this needs struct",
                    operation=self.operation,
                    parameter="sourceColumns",
                    column=column,
                )

    def _chosen(self, schema: Schema) -> list[str]:
        if self.source_columns is not None:
            return list(self.source_columns)
        pattern = re.compile(self.regex_column_selector or "")
        return [c for c, t in schema.items() if t is LType.STRUCT and pattern.fullmatch(c)]

    def _plan(self, columns: list[str], shapes: dict[str, Shape]) -> tuple[list[str], dict[str, tuple]]:
        """The column order, and each new column's source and field path."""
        order = list(columns)
        paths: dict[str, tuple] = {}
        for source, shape in shapes.items():
            leaves = _leaves(shape, [], self.unnest_level)
            names = [self.delimiter.join([source, *p]) for p in leaves]
            taken = [c for c in order if not (self.remove_source_column and c == source)]
            refuse_clashes(self.operation, "delimiter", names, taken)
            order = layout(order, source, names, self.remove_source_column)
            paths.update({n: (source, p) for n, p in zip(names, leaves, strict=True)})
        return order, paths

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        chosen = self._chosen(ctx.schema_of(df))
        order, paths = self._plan([str(c) for c in df.columns], {c: pandas_shape(df, c) for c in chosen})
        new = {}
        for name, (source, path) in paths.items():
            values = arr(df[source])
            for field in path:
                values = pc.struct_field(values, field)
            new[name] = wrap(values, df.index)
        return pandas_frame(df, order, new)

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        chosen = self._chosen(ctx.schema_of(df))
        order, paths = self._plan(list(df.columns), {c: spark_shape(df, c) for c in chosen})
        new = {}
        for name, (source, path) in paths.items():
            value = scol(source)
            for field in path:
                value = value.getField(field)
            new[name] = value
        return spark_frame(df, order, new)


# --- values at a path --------------------------------------------------------------------------

_TOKEN = re.compile(r"`((?:[^`]|``)*)`|\[([0-9]+)\]|([^.`\[\]]+)")


def parse_path(path: str, operation: str) -> list[str]:
    """The segments of a key path: ``a.b.c``, `` `a`.`b c` `` (a backtick doubled inside) or ``a[0]``."""
    segments: list[str] = []
    position = 0
    text = path.strip()
    while position < len(text):
        if segments and text[position] == ".":
            position += 1
        found = _TOKEN.match(text, position)
        if not found or (segments and found.group(2) is None and text[position - 1] != "."):
            raise ParameterError(
                f"cannot read the key path {path!r} at character {position + 1}; write fields as a.b or "
                "`a`.`b`, array positions as [0]",
                operation=operation,
                parameter="path",
            )
        quoted_name, index, bare = found.groups()
        segments.append(quoted_name.replace("``", "`") if quoted_name is not None else index or bare.strip())
        position = found.end()
    if not segments:
        raise ParameterError("give a key path such as `user`.`id`", operation=operation, parameter="path")
    return segments


def _resolve(shape: Shape, segments: list[str], operation: str, column: str) -> list[tuple[str, Any]]:
    """Each step down the path (field, map key or array position), checked against the type."""
    steps: list[tuple[str, Any]] = []
    for n, segment in enumerate(segments):
        where = "`" + "`.`".join([column, *segments[:n]]) + "`"
        if shape.kind == "struct":
            if segment not in shape.fields():
                close = nearest(segment, shape.fields())
                hint = f"; did you mean {close!r}?" if close else f"; it has {shape.fields()}"
                raise ParameterError(
                    f"{where} has no field {segment!r}{hint}",
                    operation=operation,
                    parameter="path",
                    column=column,
                )
            steps.append(("field", segment))
            shape = shape.field(segment)
        elif shape.kind == "map":
            key: Any = segment
            if shape.integer_keys():
                if not segment.isdigit():
                    raise ParameterError(
                        f"{where} is a map with whole-number keys, not {segment!r}",
                        operation=operation,
                        parameter="path",
                        column=column,
                    )
                key = int(segment)
            steps.append(("key", key))
            shape = shape.element()
        elif shape.kind == "array":
            if not segment.isdigit():
                raise ParameterError(
                    f"{where} is an array; give a position such as [0], not {segment!r}",
                    operation=operation,
                    parameter="path",
                    column=column,
                )
            steps.append(("index", int(segment)))
            shape = shape.element()
        else:
            raise ParameterError(
                f"{where} holds plain values, so it has no {segment!r}",
                operation=operation,
                parameter="path",
                column=column,
            )
    return steps


def _pandas_step(values: Any, kind: str, key: Any) -> Any:
    if kind == "field":
        return pc.struct_field(values, key)
    if kind == "key":
        return pc.map_lookup(values, pa.scalar(key, values.type.key_type), "first")
    one = pc.list_slice(values, key, key + 1, return_fixed_size_list=True)
    return pc.list_element(one, 0)


def _spark_step(value: SparkColumn, kind: str, key: Any) -> SparkColumn:
    if kind == "field":
        return value.getField(key)
    return F.try_element_at(value, F.lit(key if kind == "key" else key + 1))


class ExtractValue(Unnest):
    """Write the value at a key path of a struct, map or array column to a new column.

    The path names fields and map keys from the column down, as DataBrew writes it
    (`` `user`.`address`.`city` ``, the column's own name first; a path that does not start with
    it is read from inside the column), and array positions from 0 (``tags[0]``). A missing map
    key, a position past the end or a null on the way gives null; a field the struct does not have
    is an error naming the nearest field.
    """

    operation = "EXTRACT_VALUE"
    category = Category.NEST
    source_column: NestedColumn
    target_column: NewColumn
    path: Text
    examples: ClassVar = (
        Example(
            given={"p": _PERSON},
            params={"sourceColumn": "p", "targetColumn": "city", "path": "`p`.`address`.`city`"},
            expect={"p": _PERSON, "city": ["Zürich", "", None, None]},
            schema={"p": "struct"},
        ),
        Example(
            given={"p": _PERSON},
            params={"sourceColumn": "p", "targetColumn": "second", "path": "tags[1]"},
            expect={"p": _PERSON, "second": ["b", None, None, None]},
            schema={"p": "struct"},
            title="an array position, counted from 0, inside the column",
        ),
        Example(
            given={"m": [{"k": 1, "é": 2}, {"k": None}, {}, None]},
            params={"sourceColumn": "m", "targetColumn": "e", "path": "`é`"},
            expect={"m": [{"k": 1, "é": 2}, {"k": None}, {}, None], "e": [2, None, None, None]},
            schema={"m": "map"},
            title="a map key; missing keys give null",
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        refuse_clashes(self.operation, "targetColumn", [self.target_column], list(schema))
        parse_path(self.path, self.operation)

    def rename_columns(self, mapping: dict[str, str]) -> Self:
        moved = super().rename_columns(mapping)
        segments = parse_path(self.path, self.operation)
        if segments[0] != self.source_column or moved.source_column == self.source_column:
            return moved
        names = [moved.source_column, *segments[1:]]
        path = ".".join("`" + name.replace("`", "``") + "`" for name in names)
        return moved.model_copy(update={"path": path})

    def _steps(self, shape: Shape) -> list[tuple[str, Any]]:
        segments = parse_path(self.path, self.operation)
        inside = shape.kind == "struct" and segments[0] in shape.fields()
        if len(segments) > 1 and segments[0] == self.source_column and not inside:
            segments = segments[1:]
        return _resolve(shape, segments, self.operation, self.source_column)

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        values = arr(df[self.source_column])
        for kind, key in self._steps(pandas_shape(df, self.source_column)):
            values = _pandas_step(values, kind, key)
        order = layout([str(c) for c in df.columns], self.source_column, [self.target_column], False)
        return pandas_frame(df, order, {self.target_column: wrap(values, df.index)})

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        value = scol(self.source_column)
        for kind, key in self._steps(spark_shape(df, self.source_column)):
            value = _spark_step(value, kind, key)
        order = layout(list(df.columns), self.source_column, [self.target_column], False)
        return spark_frame(df, order, {self.target_column: value})
