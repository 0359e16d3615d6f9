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
from workbench.engines.pandas.arrow import arr as arrow_of
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column

TEXT_PATTERNS = {
    LType.INTEGER: r"^\s*[+-]?[0-9]{1,18}(\.0*)?\s*$",
    LType.DOUBLE: (
        r"^\s*([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?"
        r"|[+-]?[Ii][Nn][Ff]([Ii][Nn][Ii][Tt][Yy])?|[Nn][Aa][Nn])\s*$"
    ),
    LType.DECIMAL: r"^\s*[+-]?([0-9]{1,20}\.?[0-9]{0,18}|\.[0-9]{1,18})\s*$",
    LType.BOOLEAN: r"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\s*$",
    LType.DATE: r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$",
    LType.TIMESTAMP: r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}:[0-9]{2})?\s*$",
}
"""What text must look like to be valid for each type (whole numbers may end in ".0";
doubles may be ``NaN``, ``inf``, ``Infinity`` with a sign, in any case)."""

INFER_INTEGER = r"^\s*[+-]?[0-9]{1,18}\s*$"
"""Reading a file, only plain digits make an integer column ("63.0" makes a double one)."""

LONG_WHOLE = r"^\s*[+-]?[0-9]{19,}\s*$"
"""A whole number too long for an integer: a double would lose its digits, so it stays text."""

FINITE_NUMBER = r"[0-9]"
"""A double-looking value with a digit is a real number (not only ``NaN`` or ``inf``)."""


# --- validity ----------------------------------------------------------------------------


def text_valid_pandas(s: pd.Series, ltype: LType) -> pd.Series:
    """True where a text value parses as ``ltype``; null where the value is null."""
    arr = arrow_of(s)
    if ltype is LType.STRING:
        return wrap(pc.is_valid(arr), s)
    ok = pc.match_substring_regex(arr, TEXT_PATTERNS[ltype])
    if ltype in (LType.DATE, LType.TIMESTAMP):
        ok = pc.and_kleene(ok, pc.is_valid(_parse_temporal_pandas(arr, ltype)))
    return wrap(ok, s)


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


_FIELDS = {
    "%Y-%m-%d": (("day", 8),),
    "%Y-%m-%d %H:%M:%S": (("day", 8), ("hour", 11), ("minute", 14), ("second", 17)),
}


def _only_exact(parsed: Any, text: Any, fmt: str) -> Any:
    # strptime rolls impossible dates over (Feb 30 -> Mar 2); Spark refuses them, and so do we.
    # The text has a fixed layout here, so comparing its fields with the parsed ones finds a roll-over.
    text = pc.if_else(pc.is_valid(parsed), text, pa.scalar(None, text.type))
    same = None
    for field, start in _FIELDS[fmt]:
        written = pc.cast(pc.utf8_slice_codeunits(text, start, start + 2), pa.int64(), safe=False)
        check = pc.equal(getattr(pc, field)(parsed), written)
        same = check if same is None else pc.and_(same, check)
    return pc.if_else(same, parsed, pa.scalar(None, parsed.type))


def _parse_temporal_spark(c: Column, ltype: LType) -> Column:
    # Only called on text that matched TEXT_PATTERNS[ltype]: for that fixed layout Spark's cast
    # reads exactly what strptime reads (impossible dates become null, ASCII whitespace around
    # the value is ignored), and it is several times faster than a formatted to_date.
    return c.cast("date" if ltype is LType.DATE else "timestamp")


# --- casts -------------------------------------------------------------------------------


def cast_pandas(s: pd.Series, source: LType, target: LType) -> pd.Series:
    """Cast a column; values that cannot be converted become null."""
    arr = arrow_of(s)
    if source is target:
        return wrap(arr, s)
    if source is LType.STRING:
        return wrap(_from_text_pandas(arr, target), s)
    if target is LType.STRING:
        return wrap(_to_text_pandas(arr, source), s)
    if source is LType.DOUBLE and target is LType.INTEGER:
        finite = pc.is_finite(arr)
        truncated = pc.cast(pc.trunc(arr), pa.float64())
        in_range = pc.and_(pc.less(pc.abs(truncated), 9.2e18), finite)
        safe = pc.if_else(in_range, truncated, pa.scalar(None, pa.float64()))
        return wrap(pc.cast(safe, pa.int64()), s)
    if source is LType.TIMESTAMP and target is LType.DATE:
        return wrap(pc.cast(pc.cast(arr, pa.timestamp("us")), pa.date32()), s)
    if source is LType.DATE and target is LType.TIMESTAMP:
        return wrap(pc.assume_timezone(pc.cast(arr, pa.timestamp("us")), "UTC"), s)
    return wrap(pc.cast(arr, arrow_type(target), safe=False), s)


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
    # Arrow's cast reads "inf", "+Infinity", "NaN" in any case, as Spark's does.
    return pc.cast(text, arrow_type(target))


def _from_text_spark(c: Column, target: LType) -> Column:
    from workbench.engines.spark.types import spark_type

    ok = c.rlike(TEXT_PATTERNS[target])
    if target in (LType.DATE, LType.TIMESTAMP):
        return F.when(ok, _parse_temporal_spark(c, target))
    text = F.when(ok, F.trim(c))
    if target is LType.INTEGER:
        # The pattern admitted only digits with an optional sign and zero fraction, which
        # Spark's non-ANSI cast reads exactly ("+3" -> 3, "63.0" -> 63).
        return text.cast("long")
    if target is LType.BOOLEAN:
        return F.lower(text) == F.lit("true")
    # Spark's cast reads "inf", "+Infinity", "NaN" in any case itself, as the pattern admits them.
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


# Numbers print the same on both engines because both build the text with the same integer
# arithmetic: up to 6 decimal places (rounded half away from zero), no trailing zeros, no
# exponent below 9.2e12; larger magnitudes print whole (below 9.2e18) or as mantissa "E" exponent.
# The engines' own double-to-text differs (Java writes "1.0E-4" where Arrow writes "0.0001").
_FIXED_LIMIT = 9.2e12
_WHOLE_LIMIT = 9.2e18
_SCALE = 1_000_000


def _double_text_pandas(arr: Any) -> pa.Array:
    text_type = pa.large_string()
    finite = pc.is_finite(arr)
    mag = pc.abs(pc.if_else(finite, arr, 0.0))
    fixed = _fixed_text_pandas(pc.if_else(pc.less(mag, _FIXED_LIMIT), mag, 0.0))
    whole = pc.cast(
        pc.cast(pc.round(pc.if_else(pc.less(mag, _WHOLE_LIMIT), mag, 0.0)), pa.int64()), text_type
    )
    exponent = pc.floor(pc.log10(pc.if_else(pc.greater(mag, 0.0), mag, 1.0)))
    mantissa = _fixed_text_pandas(pc.divide(mag, pc.power(10.0, exponent)))
    scientific = pc.binary_join_element_wise(
        mantissa, pc.cast(pc.cast(exponent, pa.int64()), text_type), pa.scalar("E", text_type)
    )
    body = pc.if_else(
        pc.less(mag, _FIXED_LIMIT), fixed, pc.if_else(pc.less(mag, _WHOLE_LIMIT), whole, scientific)
    )
    negative = pc.and_(pc.less(arr, 0.0), pc.not_equal(body, "0"))
    minus = pa.scalar("-", text_type)
    text = pc.if_else(negative, pc.binary_join_element_wise(minus, body, pa.scalar("", text_type)), body)
    text = pc.if_else(pc.is_nan(arr), pa.scalar("NaN", text_type), text)
    text = pc.if_else(pc.equal(arr, float("inf")), pa.scalar("Infinity", text_type), text)
    return pc.if_else(pc.equal(arr, float("-inf")), pa.scalar("-Infinity", text_type), text)


def _fixed_text_pandas(mag: Any) -> Any:
    text_type = pa.large_string()
    scaled = pc.cast(
        pc.round(pc.multiply(mag, float(_SCALE)), round_mode="half_towards_infinity"), pa.int64()
    )
    whole = pc.divide(scaled, _SCALE)
    fraction = pc.subtract(scaled, pc.multiply(whole, _SCALE))
    digits = pc.replace_substring_regex(pc.utf8_lpad(pc.cast(fraction, text_type), _DIGITS, "0"), "0+$", "")
    whole_text = pc.cast(whole, text_type)
    with_fraction = pc.binary_join_element_wise(whole_text, digits, pa.scalar(".", text_type))
    return pc.if_else(pc.equal(fraction, 0), whole_text, with_fraction)


def _double_text_spark(c: Column) -> Column:
    mag = F.abs(c)
    fixed = _fixed_text_spark(mag)
    whole = F.round(mag, 0).cast("long").cast("string")
    exponent = F.floor(F.log10(F.when(mag > 0, mag).otherwise(F.lit(1.0))))
    scientific = F.concat(
        _fixed_text_spark(mag / F.pow(F.lit(10.0), exponent)), F.lit("E"), exponent.cast("string")
    )
    body = F.when(mag < _FIXED_LIMIT, fixed).when(mag < _WHOLE_LIMIT, whole).otherwise(scientific)
    text = F.when((c < 0) & (body != "0"), F.concat(F.lit("-"), body)).otherwise(body)
    infinite = F.lit(float("inf"))
    return (
        F.when(F.isnan(c), F.lit("NaN"))
        .when(c == infinite, F.lit("Infinity"))
        .when(c == -infinite, F.lit("-Infinity"))
        .otherwise(text)
    )


def _fixed_text_spark(mag: Column) -> Column:
    scaled = F.round(mag * F.lit(float(_SCALE)), 0).cast("long")
    fraction = scaled % F.lit(_SCALE)
    whole = ((scaled - fraction) / F.lit(_SCALE)).cast("long").cast("string")
    digits = F.regexp_replace(F.lpad(fraction.cast("string"), _DIGITS, "0"), "0+$", "")
    return F.when(fraction == 0, whole).otherwise(F.concat(whole, F.lit("."), digits))


_DIGITS = 6
