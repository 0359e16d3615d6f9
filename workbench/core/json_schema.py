"""One schema for a column of JSON text: inferred from every value, merged by fixed rules.

Both engines infer the same tree of ``JsonType`` values: pandas from the parsed values, Spark from
``schema_of_variant_agg`` (one aggregation), whose type text ``from_variant_schema`` reads.

Merge rules (the order of rows never matters):

- null, and a field missing from an object, take the other side's type;
- integer and double give double (an integer beyond 64 bits, and any number with a fraction or
  exponent, is a double);
- objects merge field by field (fields sorted by name); arrays merge their elements;
- any other mix (text and number, boolean and number, object and array) gives text.

A type that stays unknown (only nulls, an empty array's elements) and an object with no field in
any row become text. Text holding a non-text JSON value gets the value's compact JSON text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class JsonType(NamedTuple):
    """A node of an inferred JSON schema.

    ``kind`` is null, boolean, integer, double, string, object or array; ``fields`` holds an
    object's fields and ``element`` an array's element type. A tuple, so that comparing and
    hashing trees runs in C: the merge meets the same tree on almost every row.
    """

    kind: str
    fields: tuple[tuple[str, JsonType], ...] = ()
    element: JsonType | None = None


NULL = JsonType("null")
TEXT = JsonType("string")
_SCALARS = {k: JsonType(k) for k in ("boolean", "integer", "double", "string")}


def merge(a: JsonType, b: JsonType) -> JsonType:
    """The type of a column holding values of types ``a`` and ``b``."""
    if a == b or b.kind == "null":
        return a
    if a.kind == "null":
        return b
    if {a.kind, b.kind} == {"integer", "double"}:
        return _SCALARS["double"]
    if a.kind == b.kind == "object":
        names = dict(a.fields)
        for name, t in b.fields:
            names[name] = merge(names[name], t) if name in names else t
        return JsonType("object", tuple(sorted(names.items())))
    if a.kind == b.kind == "array":
        return JsonType("array", element=merge(a.element or NULL, b.element or NULL))
    return TEXT


def type_of_value(value: Any) -> JsonType:
    """The type of one parsed JSON value (``json.loads`` output)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return _SCALARS["boolean"]
    if isinstance(value, int):
        return _SCALARS["integer"] if INT64_MIN <= value <= INT64_MAX else _SCALARS["double"]
    if isinstance(value, float):
        return _SCALARS["double"]
    if isinstance(value, str):
        return TEXT
    if isinstance(value, list):
        element = NULL
        for item in value:
            element = merge(element, type_of_value(item))
        return JsonType("array", element=element)
    fields: dict[str, JsonType] = {}
    for name, item in value.items():
        fields[name] = merge(fields.get(name, NULL), type_of_value(item))
    return JsonType("object", tuple(sorted(fields.items())))


def inferred(values: list[Any]) -> JsonType:
    """The merged type of parsed JSON values (``json.loads`` output; None for null).

    Arrow's own type inference runs in C and follows the same rules wherever it succeeds (it
    unites object fields, widens integers to doubles); where a mix has no Arrow type it refuses,
    and the merge rules run value by value.
    """
    try:
        return _from_arrow(pa.array(values).type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        merged = NULL
        for value in values:
            merged = merge(merged, type_of_value(value))
        return merged


def _from_arrow(t: pa.DataType) -> JsonType:
    if pa.types.is_struct(t):
        fields = ((t.field(i).name, _from_arrow(t.field(i).type)) for i in range(t.num_fields))
        return JsonType("object", tuple(sorted(fields)))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return JsonType("array", element=_from_arrow(t.value_type))
    if pa.types.is_boolean(t):
        return _SCALARS["boolean"]
    if pa.types.is_integer(t):
        return _SCALARS["integer"]
    if pa.types.is_floating(t):
        return _SCALARS["double"]
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return TEXT
    if pa.types.is_null(t):
        return NULL
    raise pa.ArrowTypeError(f"no JSON type for {t}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def parse(text: str | None) -> tuple[bool, Any]:
    """``(valid, value)`` for one JSON text; NaN and Infinity are not JSON, so they are invalid."""
    if text is None:
        return False, None
    try:
        return True, json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return False, None


def finished(t: JsonType, levels: int | None) -> JsonType:
    """``t`` with unknown types and empty objects as text, and objects or arrays deeper than
    ``levels`` (each object or array is one level) kept as JSON text."""
    if t.kind == "null":
        return TEXT
    if t.kind not in ("object", "array"):
        return t
    if levels is not None and levels < 1:
        return TEXT
    deeper = None if levels is None else levels - 1
    if t.kind == "array":
        return JsonType("array", element=finished(t.element or NULL, deeper))
    if not t.fields:
        return TEXT
    return JsonType("object", tuple((n, finished(f, deeper)) for n, f in t.fields))


def arrow_of(t: JsonType) -> pa.DataType:
    """The Arrow type of a finished tree."""
    if t.kind == "object":
        return pa.struct([pa.field(n, arrow_of(f)) for n, f in t.fields])
    if t.kind == "array":
        return pa.large_list(arrow_of(t.element or TEXT))
    return {"boolean": pa.bool_(), "integer": pa.int64(), "double": pa.float64()}.get(
        t.kind, pa.large_string()
    )


def shaped(value: Any, t: JsonType) -> Any:
    """A parsed value in the shape of the finished type ``t`` (missing fields null)."""
    if value is None:
        return None
    if t.kind == "object":
        if not isinstance(value, dict):
            return None
        return {n: shaped(value.get(n), f) for n, f in t.fields}
    if t.kind == "array":
        if not isinstance(value, list):
            return None
        return [shaped(v, t.element or TEXT) for v in value]
    if t.kind == "string":
        return value if isinstance(value, str) else compact(value)
    if t.kind == "double":
        number = float(value)
        return None if math.isinf(number) else number
    return value


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _surrogates(match: re.Match[str]) -> str:
    code = ord(match.group()) - 0x10000
    return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"


def compact(value: Any) -> str:
    """A JSON value as compact text, as Spark writes it: keys in their order, characters as they
    are except those beyond the Basic Multilingual Plane (emoji), escaped as UTF-16 pairs, and
    doubles as Java prints them (``1.0E20``, ``1.23456785E7``)."""
    return _ASTRAL.sub(_surrogates, _json_text(value))


def _json_text(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_text(str(k))}:{_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v) for v in value) + "]"
    if isinstance(value, float):
        return java_double_text(value)
    return json.dumps(value, ensure_ascii=False)


def java_double_text(number: float) -> str:
    """``number`` as Java's ``Double.toString`` writes it: plain between 10^-3 and 10^7,
    otherwise scientific with an ``E`` and no ``+``; always a digit after the point.

    The digits are the shortest that read back as the same double, as Python's ``repr`` and
    Java 19+ choose them (Java 17 picks longer digits for a few values, such as the smallest
    subnormal, 4.9E-324 where this gives 5.0E-324).
    """
    if number == 0 or 1e-3 <= abs(number) < 1e7:
        return repr(number)
    digits, power = _shortest_scientific(number)
    return f"{digits}E{power}"


def _shortest_scientific(number: float) -> tuple[str, int]:
    """(``d.ddd``, exponent) with the shortest digits that read back as ``number``."""
    text = np.format_float_scientific(number, unique=True, trim="0")
    mantissa, exponent = text.split("e")
    return mantissa, int(exponent)


# --- Spark's variant schema text ------------------------------------------------------------------

_VARIANT_SCALARS = {
    "BOOLEAN": "boolean",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INT": "integer",
    "BIGINT": "integer",
    "FLOAT": "double",
    "DOUBLE": "double",
    "DECIMAL": "double",
    "STRING": "string",
    "VOID": "null",
}


def from_variant_schema(text: str | None) -> JsonType:
    """The tree of a ``schema_of_variant_agg`` result (``OBJECT<a: BIGINT, b: ARRAY<STRING>>``).

    Decimals are numbers with a fraction or beyond 64 bits, so doubles; VARIANT (a mix) is text.
    """
    if text is None:
        return NULL
    t, rest = _read_type(text.strip())
    if rest.strip():
        msg = f"unexpected text after a variant schema: {rest[:40]!r}"
        raise ValueError(msg)
    return t


def _read_type(text: str) -> tuple[JsonType, str]:
    if text.startswith("OBJECT<"):
        rest = text[len("OBJECT<") :]
        fields = []
        while not rest.startswith(">"):
            name, rest = _read_name(rest)
            rest = rest.lstrip()
            if not rest.startswith(":"):
                msg = f"expected ':' in a variant schema at {rest[:40]!r}"
                raise ValueError(msg)
            t, rest = _read_type(rest[1:].lstrip())
            fields.append((name, t))
            rest = rest.lstrip()
            if rest.startswith(","):
                rest = rest[1:].lstrip()
        return JsonType("object", tuple(sorted(fields))), rest[1:]
    if text.startswith("ARRAY<"):
        element, rest = _read_type(text[len("ARRAY<") :])
        return JsonType("array", element=element), rest.lstrip()[1:]
    end = 0
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    word, rest = text[:end], text[end:]
    if rest.startswith("("):
        rest = rest[rest.index(")") + 1 :]
    kind = _VARIANT_SCALARS.get(word.upper(), "string")
    return (NULL if kind == "null" else _SCALARS[kind]), rest


def _read_name(text: str) -> tuple[str, str]:
    if text.startswith("`"):
        out, i = [], 1
        while i < len(text):
            if text[i] == "`":
                if text[i + 1 : i + 2] == "`":
                    out.append("`")
                    i += 2
                    continue
                return "".join(out), text[i + 1 :]
            out.append(text[i])
            i += 1
        msg = "unclosed quoted field name in a variant schema"
        raise ValueError(msg)
    colon = text.index(":")
    return text[:colon].strip(), text[colon:]
