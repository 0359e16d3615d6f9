"""Type conversions with one set of rules on both engines.

Text is parsed by the same patterns on pandas and Spark (a value that does not match becomes
null), so a cast never depends on an engine's own lenient parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.lazy import F
from workbench.core.types import LType, arrow_type

if TYPE_CHECKING:
    from pyspark.sql import Column

TEXT_PATTERNS = {
    LType.INTEGER: r"^\s*[+-]?[0-9]{1,18}(\.0*)?\s*$",
    LType.DOUBLE: r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$",
    LType.DECIMAL: r"^\s*[+-]?([0-9]{1,20}\.?[0-9]{0,18}|\.[0-9]{1,18})\s*$",
    LType.BOOLEAN: r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\s*$",
    LType.DATE: r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$",
    LType.TIMESTAMP: r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}:[0-9]{2})?\s*$",
}
"""What text must look like to be valid for each type (whole numbers may end in ".0")."""

INFER_INTEGER = r"^\s*[+-]?[0-9]{1,18}\s*$"
"""Reading a file, only plain digits make an integer column ("63.0" makes a double one)."""


def _arrow(s: pd.Series) -> pa.ChunkedArray:
    from workbench.engines.pandas import to_arrow_series

    return to_arrow_series(s).array._pa_array


def _wrap(array: pa.Array | pa.ChunkedArray, like: pd.Series) -> pd.Series:
    return pd.Series(array, index=like.index, dtype=pd.ArrowDtype(array.type), name=like.name)


# --- validity ----------------------------------------------------------------------------


def text_valid_pandas(s: pd.Series, ltype: LType) -> pd.Series:
    """True where a text value parses as ``ltype``; null where the value is null."""
    arr = _arrow(s)
    if ltype is LType.STRING:
        return _wrap(pc.is_valid(arr), s)
    ok = pc.match_substring_regex(arr, TEXT_PATTERNS[ltype])
    if ltype in (LType.DATE, LType.TIMESTAMP):
        ok = pc.and_kleene(ok, pc.is_valid(_parse_temporal_pandas(arr, ltype)))
    return _wrap(ok, s)


def text_valid_spark(c: Column, ltype: LType) -> Column:
    """True where a text value parses as ``ltype``; null where the value is null."""
    if ltype is LType.STRING:
        return c.isNotNull()
    ok = c.rlike(TEXT_PATTERNS[ltype])
    if ltype in (LType.DATE, LType.TIMESTAMP):
        ok = ok & _parse_temporal_spark(c, ltype).isNotNull()
    return ok


def _parse_temporal_pandas(arr: Any, ltype: LType) -> pa.Array:
    text = pc.utf8_trim_whitespace(arr)
    text = pc.replace_substring(text, "T", " ")
    if ltype is LType.DATE:
        parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
        parsed = _only_exact(parsed, text, "%Y-%m-%d")
        return pc.cast(parsed, pa.date32())
    with_time = pc.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
    date_only = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    parsed = pc.coalesce(
        _only_exact(with_time, text, "%Y-%m-%d %H:%M:%S"), _only_exact(date_only, text, "%Y-%m-%d")
    )
    return pc.assume_timezone(pc.cast(parsed, pa.timestamp("us")), "UTC")


def _only_exact(parsed: Any, text: Any, fmt: str) -> Any:
    # strptime rolls impossible dates over (Feb 30 -> Mar 2); Spark refuses them, and so do we.
    printed = pc.strftime(parsed, format=fmt, locale="C")
    same = pc.equal(pc.cast(printed, pa.large_string()), pc.cast(text, pa.large_string()))
    return pc.if_else(same, parsed, pa.scalar(None, parsed.type))


def _parse_temporal_spark(c: Column, ltype: LType) -> Column:
    text = F.regexp_replace(F.trim(c), "T", " ")
    if ltype is LType.DATE:
        return F.to_date(text, "yyyy-MM-dd")
    return F.coalesce(F.to_timestamp(text, "yyyy-MM-dd HH:mm:ss"), F.to_timestamp(text, "yyyy-MM-dd"))


# --- casts -------------------------------------------------------------------------------


def cast_pandas(s: pd.Series, source: LType, target: LType) -> pd.Series:
    """Cast a column; values that cannot be converted become null."""
    arr = _arrow(s)
    if source is target:
        return _wrap(arr, s)
    if source is LType.STRING:
        return _wrap(_from_text_pandas(arr, target), s)
    if target is LType.STRING:
        return _wrap(_to_text_pandas(arr, source), s)
    if source is LType.DOUBLE and target is LType.INTEGER:
        finite = pc.is_finite(arr)
        truncated = pc.cast(pc.trunc(arr), pa.float64())
        in_range = pc.and_(pc.less(pc.abs(truncated), 9.2e18), finite)
        safe = pc.if_else(in_range, truncated, pa.scalar(None, pa.float64()))
        return _wrap(pc.cast(safe, pa.int64()), s)
    if source is LType.TIMESTAMP and target is LType.DATE:
        return _wrap(pc.cast(pc.cast(arr, pa.timestamp("us")), pa.date32()), s)
    if source is LType.DATE and target is LType.TIMESTAMP:
        return _wrap(pc.assume_timezone(pc.cast(arr, pa.timestamp("us")), "UTC"), s)
    return _wrap(pc.cast(arr, arrow_type(target), safe=False), s)


def cast_spark(c: Column, source: LType, target: LType) -> Column:
    """Cast a column; values that cannot be converted become null."""
    from workbench.engines.spark.types import spark_type

    if source is target:
        return c
    if source is LType.STRING:
        return _from_text_spark(c, target)
    if target is LType.STRING:
        return _to_text_spark(c, source)
    if source is LType.DOUBLE and target is LType.INTEGER:
        ok = ~F.isnan(c) & (F.abs(c) < F.lit(9.2e18)) & (F.abs(c) != F.lit(float("inf")))
        return F.when(ok, c.cast("long"))
    return c.cast(spark_type(target))


def _from_text_pandas(arr: Any, target: LType) -> pa.Array:
    ok = pc.match_substring_regex(arr, TEXT_PATTERNS[target])
    text = pc.if_else(ok, pc.utf8_trim_whitespace(arr), pa.scalar(None, arr.type))
    if target is LType.BOOLEAN:
        return pc.equal(pc.utf8_lower(text), "true")
    if target in (LType.DATE, LType.TIMESTAMP):
        return _parse_temporal_pandas(text, target)
    if target is LType.INTEGER:
        text = pc.replace_substring_regex(text, r"^\+|\.0*$", "")
    return pc.cast(text, arrow_type(target))


def _from_text_spark(c: Column, target: LType) -> Column:
    from workbench.engines.spark.types import spark_type

    ok = c.rlike(TEXT_PATTERNS[target])
    text = F.when(ok, F.trim(c))
    if target is LType.INTEGER:
        text = F.regexp_replace(text, r"^\+|\.0*$", "")
    if target is LType.BOOLEAN:
        return F.lower(text) == F.lit("true")
    if target in (LType.DATE, LType.TIMESTAMP):
        return _parse_temporal_spark(text, target)
    return text.cast(spark_type(target))


def _to_text_pandas(arr: Any, source: LType) -> pa.Array:
    if source is LType.TIMESTAMP:
        seconds = pc.cast(pc.floor_temporal(arr, unit="second"), pa.timestamp("s", tz="UTC"))
        return pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S", locale="C")
    if source is LType.DOUBLE:
        return _double_text_pandas(arr)
    return pc.cast(arr, pa.large_string())


def _to_text_spark(c: Column, source: LType) -> Column:
    if source is LType.TIMESTAMP:
        return F.date_format(c, "yyyy-MM-dd HH:mm:ss")
    if source is LType.DOUBLE:
        return _double_text_spark(c)
    return c.cast("string")


def _double_text_pandas(arr: Any) -> pa.Array:
    # Whole numbers print without a fraction ("3", not "3.0"), others with up to 15 significant
    # digits, so both engines print the same text.
    whole = pc.and_(pc.equal(arr, pc.trunc(arr)), pc.less(pc.abs(arr), 1e15))
    as_int = pc.cast(pc.cast(pc.if_else(whole, arr, 0.0), pa.int64()), pa.large_string())
    rounded = pc.cast(pc.round(arr, 6), pa.large_string())
    text = pc.if_else(whole, as_int, rounded)
    # Spark's spelling of the special values.
    text = pc.if_else(pc.is_nan(arr), pa.scalar("NaN", pa.large_string()), text)
    text = pc.if_else(pc.equal(arr, float("inf")), pa.scalar("Infinity", pa.large_string()), text)
    return pc.if_else(pc.equal(arr, float("-inf")), pa.scalar("-Infinity", pa.large_string()), text)


def _double_text_spark(c: Column) -> Column:
    whole = (c == F.floor(c)) & (F.abs(c) < F.lit(1e15))
    return F.when(whole, c.cast("long").cast("string")).otherwise(F.round(c, 6).cast("string"))
