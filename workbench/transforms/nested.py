"""Nested data: pack columns into arrays, maps and structs, and take them apart again.

Shared rules (docs/semantics.md, "Nested types"):

- Nesting keeps every row and every source column's position: a null value becomes a null
  element, entry or field, never a missing one.
- Unnesting an empty or null array or map keeps the row, with nulls in the new columns.
- Struct fields keep their declared order; map entries keep the order they were written in.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, model_validator

from workbench.core.casting import cast_pandas, cast_spark
from workbench.core.errors import ParameterError, nearest
from workbench.core.families import ColumnFunction, TableTransform
from workbench.core.lazy import F, quoted, scol
from workbench.core.params import KIND, Boolean, Columns, Integer, NewColumn, ParamKind, Regex, Text
from workbench.core.registry import Category, Example
from workbench.core.types import NESTED, NUMERIC, LType, Schema
from workbench.engines.pandas.arrow import arr, take_rows, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _types(*names: str) -> Any:
    return Field(json_schema_extra={KIND: ParamKind.COLUMN.value, "x-wb-types": list(names)})


StructColumn = Annotated[str, _types("struct")]
ArrayColumn = Annotated[str, _types("array")]
MapColumn = Annotated[str, _types("map")]
NestedColumn = Annotated[str, _types("struct", "map", "array")]


# --- nesting -----------------------------------------------------------------------------------


def common_type(types: list[LType]) -> LType:
    """The one element type several columns share: numbers widen, anything else mixed is text."""
    kinds = set(types)
    if len(kinds) == 1:
        return types[0]
    if kinds <= NUMERIC:
        return LType.DOUBLE if LType.DOUBLE in kinds else LType.DECIMAL
    return LType.STRING


def _interleaved(arrays: list[pa.Array]) -> pa.Array:
    """The values of equal-length columns row by row: a1, b1, c1, a2, b2, c2, …"""
    n, k = len(arrays[0]), len(arrays)
    order = np.arange(n * k, dtype=np.int64).reshape(k, n).T.ravel()
    return pa.concat_arrays(arrays).take(pa.array(order))


def _offsets(n: int, k: int) -> pa.Array:
    return pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))


class _Nest(ColumnFunction):
    """Packs ``sourceColumns`` into ``targetColumn``, optionally removing the sources."""

    abstract: ClassVar[bool] = True
    supports_conditions: ClassVar[bool] = False
    result: ClassVar[LType]
    source_columns: Columns
    target_column: NewColumn
    remove_source_columns: Boolean = False

    @model_validator(mode="after")
    def _distinct_sources(self) -> _Nest:
        if not self.source_columns:
            raise ParameterError(
                "choose at least one column", operation=self.operation, parameter="sourceColumns"
            )
        twice = sorted({c for c in self.source_columns if self.source_columns.count(c) > 1})
        if twice:
            raise ParameterError(
                f"column {twice[0]!r} is chosen twice",
                operation=self.operation,
                parameter="sourceColumns",
                column=twice[0],
            )
        return self

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: self.result}

    def _removed(self) -> list[str]:
        if not self.remove_source_columns:
            return []
        return [c for c in self.source_columns if c != self.target_column]

    def output_schema(self, schema: Schema) -> Schema:
        out = super().output_schema(schema)
        return {name: t for name, t in out.items() if name not in self._removed()}

    def _elements(self, schema: Schema) -> LType:
        types = [schema[c] for c in self.source_columns]
        nested = sorted({t.value for t in types if t in NESTED})
        if nested and len(set(types)) > 1:
            raise ParameterError(
                f"{nested[0]} columns can only be packed with columns of the same type",
                operation=self.operation,
                parameter="sourceColumns",
                column=next(c for c in self.source_columns if schema[c].value == nested[0]),
            )
        return common_type(types)

    def check(self, schema: Schema) -> None:
        super().check(schema)
        self._elements(schema)

    def _pandas_values(self, df: pd.DataFrame, ctx: Any) -> list[pa.Array]:
        schema = ctx.schema_of(df)
        common = self._elements(schema)
        arrays = [arr(cast_pandas(df[c], schema[c], common)).combine_chunks() for c in self.source_columns]
        return [a.cast(arrays[0].type) for a in arrays]

    def _spark_values(self, df: SparkFrame, ctx: Any) -> list[SparkColumn]:
        schema = ctx.schema_of(df)
        common = self._elements(schema)
        return [cast_spark(scol(c), schema[c], common) for c in self.source_columns]

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        out = super().apply_pandas(df, ctx, where)
        return out.drop(columns=self._removed()) if self._removed() else out

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        out = super().apply_spark(df, ctx, where)
        return out.drop(*self._removed()) if self._removed() else out


class NestToArray(_Nest):
    """Pack the chosen columns, in order, into one array column.

    Each row's array holds one element per column, nulls included. Columns of different types
    are brought to one element type: whole and decimal numbers widen to double, any other mix
    becomes text (numbers written as CAST writes them, dates as yyyy-mm-dd).
    """

    operation = "NEST_TO_ARRAY"
    category = Category.NEST
    result = LType.ARRAY
    examples: ClassVar = (
        Example(
            given={"a": [1, None, 3], "b": [1.5, 2.0, None]},
            params={"sourceColumns": '["a","b"]', "targetColumn": "ab"},
            expect={"a": [1, None, 3], "ab": [[1.0, 1.5], [None, 2.0], [3.0, None]], "b": [1.5, 2.0, None]},
        ),
        Example(
            given={"name": ["Zoë", "", None], "n": [7, 0, None], "ok": [True, False, None]},
            params={
                "sourceColumns": '["name","n","ok"]',
                "targetColumn": "parts",
                "removeSourceColumns": "true",
            },
            expect={"parts": [["Zoë", "7", "true"], ["", "0", "false"], [None, None, None]]},
            title="mixed types become text; sources removed",
        ),
        Example(
            given={"x": ["日本", None]},
            params={"sourceColumns": '["x"]', "targetColumn": "xs", "removeSourceColumns": "true"},
            expect={"xs": [["日本"], [None]]},
            title="one column; the new one takes its place",
        ),
    )

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        arrays = self._pandas_values(df, ctx)
        values = pa.ListArray.from_arrays(_offsets(len(df), len(arrays)), _interleaved(arrays))
        return {self.target_column: wrap(values, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        return {self.target_column: F.array(*self._spark_values(df, ctx))}


class NestToMap(_Nest):
    """Pack the chosen columns into one map column keyed by the column names.

    Every row's map has one entry per column, in the order chosen, nulls kept as null values.
    Values are brought to one type as NEST_TO_ARRAY does.
    """

    operation = "NEST_TO_MAP"
    category = Category.NEST
    result = LType.MAP
    examples: ClassVar = (
        Example(
            given={"id": [1, 2], "city": ["Zürich", None], "zip": ["8001", ""]},
            params={"sourceColumns": '["city","zip"]', "targetColumn": "address"},
            expect={
                "id": [1, 2],
                "city": ["Zürich", None],
                "address": [{"city": "Zürich", "zip": "8001"}, {"city": None, "zip": ""}],
                "zip": ["8001", ""],
            },
        ),
        Example(
            given={"q1": [1, None], "q2": [2.5, 3.0]},
            params={"sourceColumns": '["q2","q1"]', "targetColumn": "q", "removeSourceColumns": "TRUE"},
            expect={"q": [{"q2": 2.5, "q1": 1.0}, {"q2": 3.0, "q1": None}]},
            title="numbers widen; keys in the order chosen",
        ),
    )

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        arrays = self._pandas_values(df, ctx)
        keys = pa.array(np.tile(np.array(self.source_columns, dtype=object), len(df)), pa.large_string())
        offsets = _offsets(len(df), len(arrays))
        values = pa.MapArray.from_arrays(offsets, keys, _interleaved(arrays))
        return {self.target_column: wrap(values, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        pairs = []
        for name, value in zip(self.source_columns, self._spark_values(df, ctx), strict=True):
            pairs.extend([F.lit(name), value])
        return {self.target_column: F.create_map(*pairs)}


class NestToStruct(_Nest):
    """Pack the chosen columns into one struct column whose fields are the columns.

    Fields keep the columns' names, types and the order chosen; a row whose values are all null
    still gets a struct (of null fields).
    """

    operation = "NEST_TO_STRUCT"
    category = Category.NEST
    result = LType.STRUCT
    examples: ClassVar = (
        Example(
            given={"name": ["Ana", "", None], "age": [31, None, 5], "vip": [True, None, False]},
            params={"sourceColumns": '["age","name","vip"]', "targetColumn": "person"},
            expect={
                "name": ["Ana", "", None],
                "age": [31, None, 5],
                "person": [
                    {"age": 31, "name": "Ana", "vip": True},
                    {"age": None, "name": "", "vip": None},
                    {"age": 5, "name": None, "vip": False},
                ],
                "vip": [True, None, False],
            },
        ),
        Example(
            given={"k": ["ß", None], "v": [[1, 2], []]},
            params={"sourceColumns": '["k","v"]', "targetColumn": "kv", "removeSourceColumns": "true"},
            expect={"kv": [{"k": "ß", "v": [1, 2]}, {"k": None, "v": []}]},
            schema={"v": "array"},
            title="fields may be arrays; sources removed",
        ),
    )

    def _elements(self, schema: Schema) -> LType:
        return LType.STRUCT

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        arrays = [arr(df[c]).combine_chunks() for c in self.source_columns]
        values = pa.StructArray.from_arrays(arrays, names=list(self.source_columns))
        return {self.target_column: wrap(values, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        return {self.target_column: F.struct(*[scol(c).alias(c) for c in self.source_columns])}


# --- nested types seen the same way on both engines -------------------------------------------


class _Shape:
    """The type of a nested column on one engine: its kind, fields and element type."""

    kind: str | None
    """``struct``, ``map``, ``array`` or None for a plain value."""

    def fields(self) -> list[str]:
        raise NotImplementedError

    def field(self, name: str) -> _Shape:
        raise NotImplementedError

    def element(self) -> _Shape:
        """The element type of an array, the value type of a map."""
        raise NotImplementedError

    def integer_keys(self) -> bool:
        raise NotImplementedError


class _ArrowShape(_Shape):
    def __init__(self, t: pa.DataType) -> None:
        self.t = t
        if pa.types.is_struct(t):
            self.kind = "struct"
        elif pa.types.is_map(t):
            self.kind = "map"
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            self.kind = "array"
        else:
            self.kind = None

    def fields(self) -> list[str]:
        return [f.name for f in self.t]

    def field(self, name: str) -> _Shape:
        return _ArrowShape(self.t.field(name).type)

    def element(self) -> _Shape:
        return _ArrowShape(self.t.item_type if self.kind == "map" else self.t.value_type)

    def integer_keys(self) -> bool:
        return bool(pa.types.is_integer(self.t.key_type))


_SPARK_KINDS = {"StructType": "struct", "MapType": "map", "ArrayType": "array"}
_SPARK_INTEGERS = {"ByteType", "ShortType", "IntegerType", "LongType"}


class _SparkShape(_Shape):
    def __init__(self, t: Any) -> None:
        self.t = t
        self.kind = _SPARK_KINDS.get(type(t).__name__)

    def fields(self) -> list[str]:
        return [f.name for f in self.t.fields]

    def field(self, name: str) -> _Shape:
        return _SparkShape(self.t[name].dataType)

    def element(self) -> _Shape:
        return _SparkShape(self.t.valueType if self.kind == "map" else self.t.elementType)

    def integer_keys(self) -> bool:
        return type(self.t.keyType).__name__ in _SPARK_INTEGERS


def _pandas_shape(df: pd.DataFrame, column: str) -> _Shape:
    return _ArrowShape(arr(df[column]).type)


def _spark_shape(df: SparkFrame, column: str) -> _Shape:
    return _SparkShape(df.schema[column].dataType)


def _layout(columns: list[str], source: str, new: list[str], remove: bool) -> list[str]:
    """Column order after writing ``new`` right after ``source`` (in its place when removed)."""
    out: list[str] = []
    for name in columns:
        if name == source:
            out.extend([] if remove else [name])
            out.extend(new)
        elif name not in new:
            out.append(name)
    return out


def _refuse_clashes(operation: str, parameter: str, new: list[str], taken: list[str]) -> None:
    for name in new:
        if name in taken or new.count(name) > 1:
            raise ParameterError(
                f"the new column {name!r} already exists; choose another {parameter}",
                operation=operation,
                parameter=parameter,
                column=name,
            )


def _pandas_frame(df: pd.DataFrame, order: list[str], new: dict[str, pd.Series]) -> pd.DataFrame:
    out = df.copy(deep=False)
    for name, values in new.items():
        out[name] = values
    return out[order]


def _spark_frame(df: SparkFrame, order: list[str], new: dict[str, SparkColumn]) -> SparkFrame:
    return df.select(*[new[n].alias(n) if n in new else df[quoted(n)] for n in order])


class _Unnest(TableTransform):
    """A step whose new columns' types are those of fields inside a column, known from the data."""

    abstract: ClassVar[bool] = True

    def output_schema(self, schema: Schema) -> Schema | None:
        return None


# --- structs -----------------------------------------------------------------------------------

_PERSON = [
    {"name": "Ana", "address": {"city": "Zürich", "zip": "8001"}, "tags": ["a", "b"]},
    {"name": None, "address": {"city": "", "zip": None}, "tags": []},
    {"name": "李", "address": None, "tags": None},
    None,
]


class UnnestStruct(_Unnest):
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
        _refuse_clashes(self.operation, "targetColumn", names, taken)
        return names

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        fields = _pandas_shape(df, self.source_column).fields()
        names = self._names(fields, [str(c) for c in df.columns])
        source = arr(df[self.source_column])
        new = {n: wrap(pc.struct_field(source, f), df.index) for n, f in zip(names, fields, strict=True)}
        order = _layout([str(c) for c in df.columns], self.source_column, names, self.remove_source_column)
        return _pandas_frame(df, order, new)

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        fields = _spark_shape(df, self.source_column).fields()
        names = self._names(fields, list(df.columns))
        source = scol(self.source_column)
        new = {n: source.getField(f) for n, f in zip(names, fields, strict=True)}
        order = _layout(list(df.columns), self.source_column, names, self.remove_source_column)
        return _spark_frame(df, order, new)


def _leaves(shape: _Shape, path: list[str], level: int | None) -> list[list[str]]:
    """Field paths of a struct, ``level`` structs deep (None: all the way down)."""
    if shape.kind != "struct" or (level is not None and len(path) >= level):
        return [path]
    out: list[list[str]] = []
    for name in shape.fields():
        out.extend(_leaves(shape.field(name), [*path, name], level))
    return out


class UnnestStructN(_Unnest):
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
        if self.source_columns is None and self.regex_column_selector is None:
            raise ParameterError(
                "choose columns with sourceColumns or regexColumnSelector",
                operation=self.operation,
                parameter="sourceColumns",
            )
        if self.unnest_level is not None and self.unnest_level < 1:
            raise ParameterError(
                "unnestLevel must be 1 or more", operation=self.operation, parameter="unnestLevel"
            )
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

    def _plan(self, columns: list[str], shapes: dict[str, _Shape]) -> tuple[list[str], dict[str, tuple]]:
        """The column order, and each new column's source and field path."""
        order = list(columns)
        paths: dict[str, tuple] = {}
        for source, shape in shapes.items():
            leaves = _leaves(shape, [], self.unnest_level)
            names = [self.delimiter.join([source, *p]) for p in leaves]
            taken = [c for c in order if not (self.remove_source_column and c == source)]
            _refuse_clashes(self.operation, "delimiter", names, taken)
            order = _layout(order, source, names, self.remove_source_column)
            paths.update({n: (source, p) for n, p in zip(names, leaves, strict=True)})
        return order, paths

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        chosen = self._chosen(ctx.schema_of(df))
        order, paths = self._plan([str(c) for c in df.columns], {c: _pandas_shape(df, c) for c in chosen})
        new = {}
        for name, (source, path) in paths.items():
            values = arr(df[source])
            for field in path:
                values = pc.struct_field(values, field)
            new[name] = wrap(values, df.index)
        return _pandas_frame(df, order, new)

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        chosen = self._chosen(ctx.schema_of(df))
        order, paths = self._plan(list(df.columns), {c: _spark_shape(df, c) for c in chosen})
        new = {}
        for name, (source, path) in paths.items():
            value = scol(source)
            for field in path:
                value = value.getField(field)
            new[name] = value
        return _spark_frame(df, order, new)


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


def _resolve(shape: _Shape, segments: list[str], operation: str, column: str) -> list[tuple[str, Any]]:
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


class ExtractValue(_Unnest):
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
        _refuse_clashes(self.operation, "targetColumn", [self.target_column], list(schema))
        parse_path(self.path, self.operation)

    def rename_columns(self, mapping: dict[str, str]) -> Self:
        moved = super().rename_columns(mapping)
        segments = parse_path(self.path, self.operation)
        if segments[0] != self.source_column or moved.source_column == self.source_column:
            return moved
        names = [moved.source_column, *segments[1:]]
        path = ".".join("`" + name.replace("`", "``") + "`" for name in names)
        return moved.model_copy(update={"path": path})

    def _steps(self, shape: _Shape) -> list[tuple[str, Any]]:
        segments = parse_path(self.path, self.operation)
        inside = shape.kind == "struct" and segments[0] in shape.fields()
        if len(segments) > 1 and segments[0] == self.source_column and not inside:
            segments = segments[1:]
        return _resolve(shape, segments, self.operation, self.source_column)

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        values = arr(df[self.source_column])
        for kind, key in self._steps(_pandas_shape(df, self.source_column)):
            values = _pandas_step(values, kind, key)
        order = _layout([str(c) for c in df.columns], self.source_column, [self.target_column], False)
        return _pandas_frame(df, order, {self.target_column: wrap(values, df.index)})

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        value = scol(self.source_column)
        for kind, key in self._steps(_spark_shape(df, self.source_column)):
            value = _spark_step(value, kind, key)
        order = _layout(list(df.columns), self.source_column, [self.target_column], False)
        return _spark_frame(df, order, {self.target_column: value})


# --- arrays and maps into rows -----------------------------------------------------------------


def _explode_pandas(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """The row each element comes from, and the elements; an empty or null list gives one null."""
    flat = pc.list_flatten(values)
    parents = np.asarray(pc.list_parent_indices(values), dtype=np.int64)
    lengths = np.asarray(pc.fill_null(pc.list_value_length(values), 0), dtype=np.int64)
    empty = np.flatnonzero(lengths == 0)
    rows = np.concatenate([parents, empty])
    order = np.argsort(rows, kind="stable")
    elements = pa.concat_arrays([flat, pa.nulls(len(empty), flat.type)]).take(pa.array(order))
    return rows[order], elements


def _entries(values: pa.Array) -> pa.Array:
    """A map column as a list of ``{key, value}`` structs (the same offsets and nulls)."""
    t = values.type
    entry = pa.struct([pa.field("key", t.key_type), pa.field("value", t.item_type)])
    return values.cast(pa.list_(entry))


def _rows_with(
    df: pd.DataFrame, rows: np.ndarray, order: list[str], new: dict[str, pa.Array]
) -> pd.DataFrame:
    taken = take_rows(df, rows)
    taken.index = pd.RangeIndex(len(taken))
    columns = {n: wrap(a, taken.index) for n, a in new.items()}
    return _pandas_frame(taken, order, columns)


class UnnestArray(_Unnest):
    """Write each element of an array column to a row of its own, in a new column.

    A row whose array has n elements becomes n rows, in element order, the other columns
    repeated. A row with an empty or null array is kept once, with null in the new column.
    """

    operation = "UNNEST_ARRAY"
    category = Category.NEST
    keeps_row_position = False
    source_column: ArrayColumn
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3, 4], "tags": [["a", "b", None], [], None, ["ü", ""]]},
            params={"sourceColumn": "tags", "targetColumn": "tag"},
            expect={
                "id": [1, 1, 1, 2, 3, 4, 4],
                "tags": [["a", "b", None]] * 3 + [[], None] + [["ü", ""]] * 2,
                "tag": ["a", "b", None, None, None, "ü", ""],
            },
            schema={"tags": "array"},
        ),
        Example(
            given={"points": [[{"x": 1}, {"x": None}], [None]]},
            params={"sourceColumn": "points", "targetColumn": "point"},
            expect={
                "points": [[{"x": 1}, {"x": None}], [{"x": 1}, {"x": None}], [None]],
                "point": [{"x": 1}, {"x": None}, None],
            },
            schema={"points": "array"},
            title="arrays of structs; one level only",
        ),
    )

    def check(self, schema: Schema) -> None:
        super().check(schema)
        _refuse_clashes(self.operation, "targetColumn", [self.target_column], list(schema))

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        rows, elements = _explode_pandas(arr(df[self.source_column]).combine_chunks())
        order = _layout([str(c) for c in df.columns], self.source_column, [self.target_column], False)
        return _rows_with(df, rows, order, {self.target_column: elements})

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        order = _layout(list(df.columns), self.source_column, [self.target_column], False)
        new = {self.target_column: F.explode_outer(scol(self.source_column))}
        return _spark_frame(df, order, new)


class UnnestMap(_Unnest):
    """Write each entry of a map column to a row of its own, as a key column and a value column.

    The new columns are ``<targetColumn>key`` and ``<targetColumn>value`` (``targetColumn`` is a
    prefix; without it the prefix is ``<sourceColumn>_``), right after the source column. A row
    with an empty or null map is kept once, with nulls in both.
    """

    operation = "UNNEST_MAP"
    category = Category.NEST
    keeps_row_position = False
    source_column: MapColumn
    remove_source_column: Boolean = False
    target_column: Text | None = None
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3], "m": [{"a": 1, "é": None}, {}, None]},
            params={"sourceColumn": "m"},
            expect={
                "id": [1, 1, 2, 3],
                "m": [{"a": 1, "é": None}, {"a": 1, "é": None}, {}, None],
                "m_key": ["a", "é", None, None],
                "m_value": [1, None, None, None],
            },
            schema={"m": "map"},
        ),
        Example(
            given={"scores": [{"x": 1.5}, {"": 2.0, "y": -0.0}]},
            params={"sourceColumn": "scores", "targetColumn": "score ", "removeSourceColumn": "true"},
            expect={"score key": ["x", "", "y"], "score value": [1.5, 2.0, -0.0]},
            schema={"scores": "map"},
            title="a prefix; the source removed",
        ),
    )

    def _names(self, columns: list[str]) -> list[str]:
        prefix = self.target_column if self.target_column is not None else f"{self.source_column}_"
        names = [f"{prefix}key", f"{prefix}value"]
        taken = [c for c in columns if not (self.remove_source_column and c == self.source_column)]
        _refuse_clashes(self.operation, "targetColumn", names, taken)
        return names

    def check(self, schema: Schema) -> None:
        super().check(schema)
        self._names(list(schema))

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        columns = [str(c) for c in df.columns]
        key, value = self._names(columns)
        rows, entries = _explode_pandas(_entries(arr(df[self.source_column]).combine_chunks()))
        order = _layout(columns, self.source_column, [key, value], self.remove_source_column)
        new = {key: pc.struct_field(entries, "key"), value: pc.struct_field(entries, "value")}
        return _rows_with(df, rows, order, new)

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        key, value = self._names(list(df.columns))
        order = _layout(list(df.columns), self.source_column, [key, value], self.remove_source_column)
        entry = F.explode_outer(scol(self.source_column)).alias(key, value)
        return df.select(*[entry if n == key else df[quoted(n)] for n in order if n != value])
