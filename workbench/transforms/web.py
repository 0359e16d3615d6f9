"""Functions: web (IPv4 addresses and their 32-bit integer form).

Shared rules (docs/decisions.md, "Web and date/time functions"):

- IPv4 only. An address is four decimal numbers 0-255 joined by dots, with no leading zeros
  (``010`` could be read as octal or decimal, so it is refused rather than guessed); spaces,
  tabs and line breaks around the whole address are ignored, anywhere else they make it invalid.
- Anything that is not such an address, and integers outside 0 to 2**32 - 1, give null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from workbench.core.context import SparkContext
from workbench.core.families import ColumnOrValue
from workbench.core.lazy import F
from workbench.core.params import KIND, ParamKind, TextColumn
from workbench.core.registry import Category, Example
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_SPACE = "[ \t\r\n]*"
_ADDRESS = f"^{_SPACE}{_OCTET}\\.{_OCTET}\\.{_OCTET}\\.{_OCTET}{_SPACE}$"
"""A dotted IPv4 address; the same text on RE2 (pandas) and Java (Spark)."""

_WHOLE = f"^{_SPACE}[0-9]{{1,10}}{_SPACE}$"
"""Text holding a whole number that may be an address (at most 10 digits, no sign)."""

_MAX = 2**32 - 1

IntegerOrTextColumn = Annotated[
    str, Field(json_schema_extra={KIND: ParamKind.COLUMN.value, "x-wb-types": ["integer", "string"]})
]
"""An existing column of integers, or of text holding whole numbers."""


_IP_IN = [
    "192.168.0.1",
    "0.0.0.0",
    "255.255.255.255",
    " 10.0.0.1\t",
    "256.1.1.1",
    "010.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "-1.2.3.4",
    "1. 2.3.4",
    "::1",
    "\u0661.\u0662.\u0663.\u0664",
    "",
    None,
]


class IpToInt(ColumnOrValue):
    """Write dotted IPv4 addresses as 32-bit integers to a new column.

    ``192.168.0.1`` becomes 3232235521. Text that is not an IPv4 address (a part above 255,
    leading zeros such as ``010``, fewer or more than four parts, IPv6) gives null; spaces around
    the address are ignored.
    """

    operation = "IP_TO_INT"
    category = Category.WEB
    source_column: TextColumn | None = None
    examples: ClassVar = (
        ColumnOrValue.column_example("ip", _IP_IN, "n", [3232235521, 0, 4294967295, 167772161, *[None] * 10]),
        ColumnOrValue.literal_example("8.8.4.4", "n", 134743044),
    )

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER

    def pandas_map(self, s: pd.Series) -> pd.Series:
        text = arr(s)
        found = pc.extract_regex(text, _named_address())
        total = None
        for shift, name in zip((24, 16, 8, 0), "abcd", strict=True):
            octet = pc.cast(pc.struct_field(found, name), pa.int64())
            part = pc.shift_left(octet, shift)
            total = part if total is None else pc.add(total, part)
        return wrap(total, s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        total = None
        for index, shift in enumerate((24, 16, 8, 0), start=1):
            octet = F.nullif(F.regexp_extract(c, _ADDRESS, index), F.lit(""))
            part = F.shiftleft(octet.cast("long"), shift)
            total = part if total is None else total + part
        return F.when(c.rlike(_ADDRESS), total)


def _named_address() -> str:
    octets = [f"(?P<{name}>{_OCTET[1:-1]})" for name in "abcd"]
    return f"^{_SPACE}" + "\\.".join(octets) + f"{_SPACE}$"


class IntToIp(ColumnOrValue):
    """Write 32-bit integers as dotted IPv4 addresses to a new text column.

    3232235521 becomes ``192.168.0.1``. A text column or ``value`` may hold the number as
    digits. Negative numbers, numbers from 2**32 up, and text that is not a whole number give null.
    """

    operation = "INT_TO_IP"
    category = Category.WEB
    source_column: IntegerOrTextColumn | None = None
    examples: ClassVar = (
        Example(
            given={"n": [3232235521, 0, 4294967295, 4294967296, -1, 167772161, None]},
            params={"sourceColumn": "n", "targetColumn": "ip"},
            expect={
                "n": [3232235521, 0, 4294967295, 4294967296, -1, 167772161, None],
                "ip": ["192.168.0.1", "0.0.0.0", "255.255.255.255", None, None, "10.0.0.1", None],
            },
        ),
        Example(
            given={"s": ["3232235521", " 16777216 ", "00000000001", "1.5", "-1", "", "\u0663", None]},
            params={"sourceColumn": "s", "targetColumn": "ip"},
            expect={
                "s": ["3232235521", " 16777216 ", "00000000001", "1.5", "-1", "", "\u0663", None],
                "ip": ["192.168.0.1", "1.0.0.0", None, None, None, None, None, None],
            },
            title="numbers written as text",
        ),
        ColumnOrValue.literal_example("134743044", "ip", "8.8.4.4"),
    )

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def pandas_map(self, s: pd.Series) -> pd.Series:
        values = arr(s)
        if not pa.types.is_integer(values.type):
            ok = pc.match_substring_regex(values, _WHOLE)
            digits = pc.if_else(ok, pc.utf8_trim(values, " \t\r\n"), pa.scalar(None, values.type))
            values = digits
        n = pc.cast(values, pa.int64())
        n = pc.if_else(
            pc.and_(pc.greater_equal(n, 0), pc.less_equal(n, _MAX)), n, pa.scalar(None, pa.int64())
        )
        octets = [pc.bit_wise_and(pc.shift_right(n, shift), 255) for shift in (24, 16, 8, 0)]
        return wrap(_concat(octets[0], ".", octets[1], ".", octets[2], ".", octets[3]), s)

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        ltype = self.input_type(ctx.schema_of(df))
        source = self.spark_source()
        if ltype is LType.STRING:
            n = F.when(source.rlike(_WHOLE), F.regexp_replace(source, _SPACE, "")).cast("long")
        else:
            n = source.cast("long")
        octets = [F.shiftright(n, shift).bitwiseAND(F.lit(255)).cast("string") for shift in (24, 16, 8, 0)]
        ok = (n >= F.lit(0)) & (n <= F.lit(_MAX))
        return {self.target_column: F.when(ok, F.concat_ws(".", *octets))}


# --- URL query parameters ----------------------------------------------------------------------

_QUERY = r"^[^?#]*\?([^#]*)"
"""The query of a URL: after the first ``?``, up to a ``#``."""

_PAIR = r"(?s)^(?P<k>[^=]*)(?:=(?P<v>.*))?$"
_ESCAPE = "%[0-9A-Fa-f]{2}"
_REPLACEMENT = "\ufffd"
_COMMA = pa.scalar(",", pa.large_string())
_JSON_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


_URL_IN = [
    "https://example.com/p?a=1&b=2&a=3#a=9",
    "http://x.com/?q=caf%C3%A9+au+lait&empty=&flag",
    "http://x.com/?b=%zz&c=%FF&d=%41%42&e=%+1",
    "https://例え.jp/検索?語=日本&語=%E6%97%A5&😀=%F0%9F%98%80",
    "http://x.com/?k%3D1=v%26w&&K=",
    "http://x.com/?s=%22hi%22%5C%0A%09%01",
    "http://x.com/no-query",
    "http://x.com/#frag?a=1",
    "http://x.com/?",
    "a=1",
    "",
    None,
]


class UrlParams(ColumnOrValue):
    """Write the query parameters of a URL as JSON text to a new column: each name with its list of values.

    ``https://a.com/?x=1&y=2&x=3`` gives ``{"x":["1","3"],"y":["2"]}``: names in the order they
    first appear, values in the order written. The query is the text after the first ``?`` up to
    a ``#``; pairs are split on ``&`` (empty pairs skipped) and at the first ``=`` (no ``=``: the
    value is empty). Names and values are percent-decoded as UTF-8, ``+`` is a space; a name or
    value with a broken escape (``%zz``) or bytes that are not UTF-8 (``%FF``) is kept as
    written. No query gives ``{}``; null gives null.
    """

    operation = "URL_PARAMS"
    category = Category.WEB
    source_column: TextColumn | None = None
    examples: ClassVar = (
        ColumnOrValue.column_example(
            "url",
            _URL_IN,
            "params",
            [
                '{"a":["1","3"],"b":["2"]}',
                '{"q":["café au lait"],"empty":[""],"flag":[""]}',
                '{"b":["%zz"],"c":["%FF"],"d":["AB"],"e":["%+1"]}',
                '{"語":["日本","日"],"😀":["😀"]}',
                '{"k=1":["v&w"],"K":[""]}',
                '{"s":["\\"hi\\"\\\\\\n\\t\\u0001"]}',
                "{}",
                "{}",
                "{}",
                "{}",
                "{}",
                None,
            ],
        ),
        ColumnOrValue.literal_example("https://x.com/?id=7&id=8&id=7", "p", '{"id":["7","8","7"]}'),
    )

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def pandas_map(self, s: pd.Series) -> pd.Series:
        text = pc.cast(arr(s), pa.large_string()).combine_chunks()
        found = pc.extract_regex(text, _QUERY.replace("(", "(?P<q>", 1))
        query = pc.fill_null(pc.struct_field(found, "q"), "")
        pieces = pc.split_pattern(query, "&")
        rows = pc.list_parent_indices(pieces)
        flat = pc.list_flatten(pieces)
        nonempty = pc.not_equal(flat, "")
        rows, flat = pc.filter(rows, nonempty), pc.filter(flat, nonempty)
        pair = pc.extract_regex(flat, _PAIR)
        names = _json_text(_percent_decode(pc.struct_field(pair, "k")))
        values = _json_text(_percent_decode(pc.struct_field(pair, "v")))
        table = pa.table({"row": pc.cast(rows, pa.int64()), "k": names, "v": values})
        grouped = table.group_by(["row", "k"], use_threads=False).aggregate([("v", "list")])
        entries = _concat(grouped["k"], ":[", pc.binary_join(grouped["v_list"], _COMMA), "]")
        per_row = pa.table({"row": grouped["row"], "e": entries})
        joined = per_row.group_by(["row"], use_threads=False).aggregate([("e", "list")])
        objects = pc.binary_join(joined["e_list"], _COMMA)
        positions = np.full(len(text), -1, dtype=np.int64)
        positions[joined["row"].to_numpy()] = np.arange(len(joined), dtype=np.int64)
        taken = pc.take(objects, pa.array(positions, mask=positions < 0))
        body = _concat("{", pc.fill_null(taken, ""), "}")
        result = pc.if_else(pc.is_null(text), pa.scalar(None, pa.large_string()), body)
        return wrap(result, s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        query = F.regexp_extract(c, _QUERY, 1)
        pieces = F.filter(F.split(query, "&"), lambda p: p != F.lit(""))

        def pair(p: SparkColumn) -> SparkColumn:
            at = F.instr(p, "=")
            name = F.when(at > 0, F.substring(p, 1, at - 1)).otherwise(p)
            value = F.when(at > 0, F.substring(p, at + 1, 2**31 - 1)).otherwise(F.lit(""))
            return F.struct(_decode_spark(name).alias("k"), _decode_spark(value).alias("v"))

        pairs = F.transform(pieces, pair)
        names = F.array_distinct(F.transform(pairs, lambda x: x["k"]))
        values = F.transform(
            names, lambda k: F.transform(F.filter(pairs, lambda x: x["k"] == k), lambda x: x["v"])
        )
        return F.to_json(F.map_from_arrays(names, values))


def _decode_spark(p: SparkColumn) -> SparkColumn:
    decoded = F.try_url_decode(p)

    def replacements(x: SparkColumn) -> SparkColumn:
        return F.length(x) - F.length(F.regexp_replace(x, _REPLACEMENT, ""))

    written = (F.length(p) - F.length(F.regexp_replace(p, "(?i)%EF%BF%BD", ""))) / F.lit(9)
    broken = F.regexp_replace(p, _ESCAPE, "").contains("%")
    ok = ~broken & decoded.isNotNull() & (replacements(decoded) == replacements(p) + written)
    return F.when(ok, decoded).otherwise(p)


_HEX = np.full(256, -1, dtype=np.int16)
_HEX[48:58] = np.arange(10)
_HEX[65:71] = np.arange(10, 16)
_HEX[97:103] = np.arange(10, 16)


def _percent_decode(text: Any) -> Any:
    """Percent-decode each value (``+`` is a space); values with a broken escape or non-UTF-8
    bytes are kept as written. Vectorised over the bytes of the whole array."""
    text = pc.cast(text, pa.large_string())
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    count = len(text)
    if count == 0 or not pc.any(pc.match_substring_regex(text, "[%+]")).as_py():
        return text
    buffers = text.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[text.offset : text.offset + count + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.empty(0, np.uint8)
    data = data[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    row = np.repeat(np.arange(count), np.diff(offsets))
    padded = np.concatenate([data, np.zeros(2, dtype=np.uint8)])
    at = np.nonzero(data == 0x25)[0]
    high, low = _HEX[padded[at + 1]], _HEX[padded[at + 2]]
    good = (at + 2 < offsets[row[at] + 1]) & (high >= 0) & (low >= 0)
    broken = np.bincount(row[at[~good]], minlength=count) > 0
    out = data.copy()
    out[data == 0x2B] = 0x20
    escapes = at[good]
    out[escapes] = (high[good] * 16 + low[good]).astype(np.uint8)
    keep = np.ones(len(data), dtype=bool)
    keep[escapes + 1] = False
    keep[escapes + 2] = False
    out, row = out[keep], row[keep]
    new_offsets = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=count))]).astype(np.int64)
    invalid = broken | _not_utf8(out, row, count)
    decoded = pa.LargeStringArray.from_buffers(count, pa.py_buffer(new_offsets), pa.py_buffer(out.tobytes()))
    return pc.if_else(pa.array(invalid), text, decoded)


def _not_utf8(data: np.ndarray, row: np.ndarray, count: int) -> np.ndarray:
    """Per value, True when its bytes are not well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF)."""
    need = np.zeros(len(data), dtype=np.int64)
    need[(data >= 0xC2) & (data <= 0xDF)] = 1
    need[(data >= 0xE0) & (data <= 0xEF)] = 2
    need[(data >= 0xF0) & (data <= 0xF4)] = 3
    cont = (data & 0xC0) == 0x80
    bad = (data == 0xC0) | (data == 0xC1) | (data >= 0xF5)
    padded = np.concatenate([data, np.zeros(3, dtype=np.uint8)])
    padded_row = np.concatenate([row, np.full(3, -1, dtype=row.dtype)])
    leads = np.nonzero(need > 0)[0]
    for step in (1, 2, 3):
        lead = leads[need[leads] >= step]
        follows = ((padded[lead + step] & 0xC0) == 0x80) & (padded_row[lead + step] == row[lead])
        bad[lead[~follows]] = True
    second = padded[leads + 1]
    first = data[leads]
    wrong = (
        ((first == 0xE0) & (second < 0xA0))
        | ((first == 0xED) & (second > 0x9F))
        | ((first == 0xF0) & (second < 0x90))
        | ((first == 0xF4) & (second > 0x8F))
    )
    bad[leads[wrong]] = True
    invalid = np.bincount(row[bad], minlength=count) > 0
    covered = np.bincount(row, weights=need, minlength=count) != np.bincount(
        row, weights=cont, minlength=count
    )
    return invalid | covered


def _json_text(text: Any) -> Any:
    """Each value as a JSON string literal, escaped as Spark's to_json (Jackson) writes it."""
    text = pc.replace_substring(text, "\\", "\\\\")
    text = pc.replace_substring(text, '"', '\\"')
    if len(text) and pc.any(pc.match_substring_regex(text, "[\\x00-\\x1f]")).as_py():
        for code in range(32):
            char = chr(code)
            text = pc.replace_substring(text, char, _JSON_SHORT.get(char, f"\\u{code:04X}"))
    return _concat('"', text, '"')


def _concat(*parts: Any) -> Any:
    """Join text arrays and literals element-wise, as large strings."""
    typed = [
        pa.scalar(p, pa.large_string()) if isinstance(p, str) else pc.cast(p, pa.large_string())
        for p in parts
    ]
    return pc.binary_join_element_wise(*typed, pa.scalar("", pa.large_string()))
