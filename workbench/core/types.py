"""Logical column types and their one mapping to pandas (Arrow-backed) and Spark types."""

from __future__ import annotations

import datetime as dt
import decimal
from enum import Enum
from typing import Any

import pyarrow as pa


class LType(str, Enum):
    """The logical type of a column, the same on every engine."""

    STRING = "string"
    INTEGER = "integer"
    DOUBLE = "double"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"
    ARRAY = "array"
    STRUCT = "struct"
    MAP = "map"

    @property
    def is_numeric(self) -> bool:
        return self in NUMERIC

    @property
    def is_temporal(self) -> bool:
        return self in (LType.DATE, LType.TIMESTAMP)


NUMERIC = frozenset({LType.INTEGER, LType.DOUBLE, LType.DECIMAL})

Schema = dict[str, LType]
"""An ordered mapping of column name to logical type."""

_ARROW_OF = {
    LType.STRING: pa.large_string(),
    LType.INTEGER: pa.int64(),
    LType.DOUBLE: pa.float64(),
    LType.DECIMAL: pa.decimal128(38, 18),
    LType.BOOLEAN: pa.bool_(),
    LType.DATE: pa.date32(),
    LType.TIMESTAMP: pa.timestamp("us", tz="UTC"),
}


def arrow_type(ltype: LType) -> pa.DataType:
    """Return the Arrow type that stores ``ltype`` on the pandas engine."""
    try:
        return _ARROW_OF[ltype]
    except KeyError:
        msg = f"{ltype.value} columns have no default Arrow type; give the element type"
        raise TypeError(msg) from None


def ltype_of_arrow(t: pa.DataType) -> LType:
    """Map an Arrow type to its logical type."""
    checks = (
        (pa.types.is_string, LType.STRING),
        (pa.types.is_large_string, LType.STRING),
        (pa.types.is_string_view, LType.STRING),
        (pa.types.is_boolean, LType.BOOLEAN),
        (pa.types.is_integer, LType.INTEGER),
        (pa.types.is_floating, LType.DOUBLE),
        (pa.types.is_decimal, LType.DECIMAL),
        (pa.types.is_date, LType.DATE),
        (pa.types.is_timestamp, LType.TIMESTAMP),
        (pa.types.is_list, LType.ARRAY),
        (pa.types.is_large_list, LType.ARRAY),
        (pa.types.is_struct, LType.STRUCT),
        (pa.types.is_map, LType.MAP),
        (pa.types.is_null, LType.STRING),
        (pa.types.is_dictionary, LType.STRING),
    )
    for check, ltype in checks:
        if check(t):
            return ltype
    msg = f"unsupported Arrow type {t}"
    raise TypeError(msg)


def ltype_of_value(value: Any) -> LType | None:
    """Infer the logical type of one Python value (None for None)."""
    if value is None:
        return None
    ordered: tuple[tuple[type | tuple[type, ...], LType], ...] = (
        (bool, LType.BOOLEAN),
        (int, LType.INTEGER),
        (float, LType.DOUBLE),
        (decimal.Decimal, LType.DECIMAL),
        (str, LType.STRING),
        (dt.datetime, LType.TIMESTAMP),
        (dt.date, LType.DATE),
        ((list, tuple), LType.ARRAY),
        (dict, LType.STRUCT),
    )
    for kind, ltype in ordered:
        if isinstance(value, kind):
            return ltype
    msg = f"cannot infer a logical type for {value!r}"
    raise TypeError(msg)


def infer_schema(columns: dict[str, list[Any]]) -> Schema:
    """Infer a schema from columns of plain Python values (ints widen to doubles)."""
    schema: Schema = {}
    for name, values in columns.items():
        kinds = {k for k in (ltype_of_value(v) for v in values) if k is not None}
        if kinds == {LType.INTEGER, LType.DOUBLE}:
            kinds = {LType.DOUBLE}
        if len(kinds) > 1:
            msg = f"column {name!r} mixes types {sorted(k.value for k in kinds)}"
            raise TypeError(msg)
        schema[name] = kinds.pop() if kinds else LType.STRING
    return schema


CAST_TARGETS: dict[str, LType] = {
    "byte": LType.INTEGER,
    "short": LType.INTEGER,
    "int": LType.INTEGER,
    "integer": LType.INTEGER,
    "long": LType.INTEGER,
    "bigint": LType.INTEGER,
    "number": LType.DOUBLE,
    "float": LType.DOUBLE,
    "double": LType.DOUBLE,
    "decimal": LType.DECIMAL,
    "string": LType.STRING,
    "boolean": LType.BOOLEAN,
    "bool": LType.BOOLEAN,
    "date": LType.DATE,
    "timestamp": LType.TIMESTAMP,
}
"""DataBrew's type names (and the aliases real recipes use) mapped to logical types."""


def python_value(value: Any, ltype: LType) -> Any:
    """A plain value for a column of ``ltype``; ISO text is accepted for dates and timestamps."""
    if isinstance(value, str):
        if ltype is LType.DATE:
            return dt.date.fromisoformat(value)
        if ltype is LType.TIMESTAMP:
            return dt.datetime.fromisoformat(value)
    return value


NESTED = frozenset({LType.ARRAY, LType.STRUCT, LType.MAP})
"""Logical types whose values hold other values; their element types live in the engine's type."""

_DDL_OF = (
    (pa.types.is_boolean, "boolean"),
    (pa.types.is_integer, "bigint"),
    (pa.types.is_floating, "double"),
    (pa.types.is_date, "date"),
    (pa.types.is_timestamp, "timestamp"),
    (pa.types.is_string, "string"),
    (pa.types.is_large_string, "string"),
    (pa.types.is_string_view, "string"),
    (pa.types.is_null, "string"),
)


def spark_ddl(t: pa.DataType) -> str:
    """The Spark SQL type text of an Arrow type, nested types included (``struct<`a`:bigint>``)."""
    if pa.types.is_struct(t):
        fields = ",".join(f"`{f.name.replace('`', '``')}`:{spark_ddl(f.type)}" for f in t)
        return f"struct<{fields}>"
    if pa.types.is_map(t):
        return f"map<{spark_ddl(t.key_type)},{spark_ddl(t.item_type)}>"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"array<{spark_ddl(t.value_type)}>"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    for check, name in _DDL_OF:
        if check(t):
            return name
    msg = f"unsupported Arrow type {t}"
    raise TypeError(msg)
