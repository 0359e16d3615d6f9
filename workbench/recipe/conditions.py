"""DataBrew's 15 condition expressions, evaluated the same way on both engines.

A step's conditions are ANDed. Every condition yields true or false, never null: a negated
condition (IS_NOT, NOT_CONTAINS, …) is the exact complement of its positive form, so a missing
value IS_NOT anything and does NOT_CONTAIN anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.casting import text_valid_pandas, text_valid_spark
from workbench.core.errors import ColumnNotFoundError, ParameterError, nearest
from workbench.core.lazy import F, scol, slit
from workbench.core.missing import missing_pandas, missing_spark
from workbench.core.types import CAST_TARGETS, LType, Schema
from workbench.engines.pandas.arrow import arr as arrow_of

if TYPE_CHECKING:
    from pyspark.sql import Column


CONDITION_KEYS = ("Condition", "Value", "TargetColumn")
"""The keys of a DataBrew condition expression."""


@dataclasses.dataclass
class Condition:
    """One condition of a step: ``{"Condition", "Value", "TargetColumn"}``."""

    condition: str
    target_column: str
    value: Any = None

    @classmethod
    def from_json(cls, data: Any, index: int = 0) -> Condition:
        """Read condition ``index`` of a step, refusing wrong shapes and unknown keys."""
        where = f"condition {index + 1}"
        if not isinstance(data, dict):
            msg = f"{where} must be an object with 'Condition' and 'TargetColumn', not {type(data).__name__}"
            raise ParameterError(msg, parameter="ConditionExpressions")
        unknown = sorted(str(k) for k in data if k not in CONDITION_KEYS)
        if unknown:
            hint = nearest(unknown[0], CONDITION_KEYS)
            listed = "" if hint else f"; a condition takes {', '.join(CONDITION_KEYS)}"
            msg = f"{where}: unknown key {unknown[0]!r}{listed}"
            raise ParameterError(msg, parameter="ConditionExpressions", suggestion=hint)
        for key in ("Condition", "TargetColumn"):
            if not isinstance(data.get(key), str):
                got = "missing" if key not in data else f"not {type(data[key]).__name__}"
                msg = f"{where} needs {key!r} as a text ({got})"
                raise ParameterError(msg, parameter="ConditionExpressions")
        value = data.get("Value")
        if isinstance(value, str) and value.strip()[:1] in "[{":
            with contextlib.suppress(json.JSONDecodeError, RecursionError):
                value = json.loads(value)
        return cls(data["Condition"], data["TargetColumn"], value)

    def to_json(self, *, strict: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"Condition": self.condition}
        if self.value is not None:
            out["Value"] = _value_text(self.value) if strict else self.value
        out["TargetColumn"] = self.target_column
        return out


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


# --- literals ------------------------------------------------------------------------------


def _literal(value: Any, ltype: LType, condition: str) -> Any:
    try:
        if ltype.is_numeric:
            return float(value)
        if ltype is LType.BOOLEAN:
            return str(value).strip().lower() == "true"
        if ltype is LType.DATE:
            return dt.date.fromisoformat(str(value).strip()[:10])
        if ltype is LType.TIMESTAMP:
            return dt.datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
    except ValueError:
        msg = f"value {value!r} does not fit a {ltype.value} column"
        raise ParameterError(msg, operation=condition, parameter="Value") from None
    return str(value)


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _between(value: Any, condition: str) -> tuple[Any, Any]:
    if isinstance(value, dict):
        keys = {k.lower().replace("_", ""): v for k, v in value.items()}
        low = keys.get("greaterthanequal", keys.get("min", keys.get("start")))
        high = keys.get("lessthanequal", keys.get("max", keys.get("end")))
        if low is not None and high is not None:
            return low, high
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    msg = 'IS_BETWEEN takes [low, high] or {"GREATER_THAN_EQUAL": low, "LESS_THAN_EQUAL": high}'
    raise ParameterError(msg, operation=condition, parameter="Value")


# --- pandas --------------------------------------------------------------------------------


def _text_arr(s: pd.Series, ltype: LType) -> pa.ChunkedArray:
    arr = arrow_of(s)
    return arr if ltype is LType.STRING else pc.cast(arr, pa.large_string())


def _as_bool(arr: Any) -> Any:
    return pc.fill_null(arr, False)


def _scalar(value: Any, ltype: LType) -> pa.Scalar:
    if ltype is LType.TIMESTAMP:
        return pa.scalar(value.replace(tzinfo=dt.UTC), pa.timestamp("us", tz="UTC"))
    return pa.scalar(value)


def _missing_pandas(s: pd.Series, ltype: LType) -> Any:
    return missing_pandas(arrow_of(s), ltype)


PandasTest = Callable[[pd.Series, LType, Any, str], Any]


def _compare_pandas(op: str) -> PandasTest:
    def test(s: pd.Series, ltype: LType, value: Any, cond: str) -> Any:
        return _as_bool(getattr(pc, op)(arrow_of(s), _scalar(_literal(value, ltype, cond), ltype)))

    return test


def _text_pandas(fn: Callable[..., Any]) -> PandasTest:
    def test(s: pd.Series, ltype: LType, value: Any, cond: str) -> Any:
        return _as_bool(fn(_text_arr(s, ltype), pattern=str(value)))

    return test


def _is_pandas(s: pd.Series, ltype: LType, value: Any, cond: str) -> Any:
    literals = [_literal(v, ltype, cond) for v in _values(value)]
    if ltype is LType.TIMESTAMP:
        literals = [v.replace(tzinfo=dt.UTC) for v in literals]
    arr = arrow_of(s)
    return _as_bool(pc.is_in(arr, value_set=pa.array(literals, type=arr.type)))


def _between_pandas(s: pd.Series, ltype: LType, value: Any, cond: str) -> Any:
    low, high = (_scalar(_literal(v, ltype, cond), ltype) for v in _between(value, cond))
    arr = arrow_of(s)
    return _as_bool(pc.and_(pc.greater_equal(arr, low), pc.less_equal(arr, high)))


def _invalid_pandas(s: pd.Series, ltype: LType, value: Any, cond: str) -> Any:
    target = _type_name(value, cond)
    if ltype is not LType.STRING:
        return pa.array([False] * len(s))
    valid = arrow_of(text_valid_pandas(s, target))
    return pc.and_(pc.invert(_as_bool(valid)), pc.invert(_missing_pandas(s, ltype)))


def _type_name(value: Any, cond: str) -> LType:
    try:
        return CAST_TARGETS[str(value).strip().lower()]
    except KeyError:
        msg = f"unknown data type {value!r}; use one of {', '.join(sorted(CAST_TARGETS))}"
        raise ParameterError(msg, operation=cond, parameter="Value") from None


_PANDAS: dict[str, PandasTest] = {
    "IS": _is_pandas,
    "IS_BETWEEN": _between_pandas,
    "CONTAINS": _text_pandas(pc.match_substring),
    "STARTS_WITH": _text_pandas(pc.starts_with),
    "ENDS_WITH": _text_pandas(pc.ends_with),
    "LESS_THAN": _compare_pandas("less"),
    "LESS_THAN_EQUAL": _compare_pandas("less_equal"),
    "GREATER_THAN": _compare_pandas("greater"),
    "GREATER_THAN_EQUAL": _compare_pandas("greater_equal"),
    "IS_INVALID": _invalid_pandas,
    "IS_MISSING": lambda s, ltype, value, cond: _missing_pandas(s, ltype),
}

NEGATIONS = {
    "IS_NOT": "IS",
    "NOT_CONTAINS": "CONTAINS",
    "NOT_STARTS_WITH": "STARTS_WITH",
    "NOT_ENDS_WITH": "ENDS_WITH",
}

CONDITIONS = sorted([*_PANDAS, *NEGATIONS])
"""Every condition name a step may use."""

_TEXT_CONDITIONS = {"CONTAINS", "STARTS_WITH", "ENDS_WITH"}
_ORDER_CONDITIONS = {"LESS_THAN", "LESS_THAN_EQUAL", "GREATER_THAN", "GREATER_THAN_EQUAL", "IS_BETWEEN"}


def check_condition(condition: Condition, schema: Schema | None) -> None:
    """Refuse an unknown condition, a missing column or a value that cannot apply."""
    name = condition.condition
    if name not in CONDITIONS:
        msg = f"unknown condition {name!r}"
        raise ParameterError(msg, parameter="ConditionExpressions", suggestion=nearest(name, CONDITIONS))
    base = NEGATIONS.get(name, name)
    if base not in {"IS_MISSING"} and condition.value is None:
        msg = f"condition {name} needs a Value"
        raise ParameterError(msg, parameter="ConditionExpressions")
    if base == "IS_INVALID":
        _type_name(condition.value, name)
    if base == "IS_BETWEEN":
        _between(condition.value, name)
    if schema is None:
        return
    column = condition.target_column
    if column not in schema:
        msg = f"condition {name} refers to column {column!r}, which does not exist at this step"
        raise ColumnNotFoundError(
            msg, parameter="ConditionExpressions", column=column, suggestion=nearest(column, schema)
        )
    ltype = schema[column]
    if base in _TEXT_CONDITIONS and ltype not in (LType.STRING, LType.INTEGER):
        msg = f"condition {name} needs a text or integer column; {column!r} is {ltype.value}"
        raise ParameterError(msg, parameter="ConditionExpressions", column=column)
    if base in _ORDER_CONDITIONS | {"IS"}:
        for v in _between(condition.value, name) if base == "IS_BETWEEN" else _values(condition.value):
            _literal(v, ltype, name)


def pandas_mask(df: pd.DataFrame, conditions: list[Condition], schema: Schema) -> pd.Series | None:
    """The rows where every condition holds, as a boolean series (None when no conditions)."""
    if not conditions:
        return None
    mask = None
    for condition in conditions:
        base = NEGATIONS.get(condition.condition, condition.condition)
        ltype = schema[condition.target_column]
        hit = _PANDAS[base](df[condition.target_column], ltype, condition.value, condition.condition)
        if base != condition.condition:
            hit = pc.invert(hit)
        mask = hit if mask is None else pc.and_(mask, hit)
    return pd.Series(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), index=df.index, dtype=bool)


# --- spark ---------------------------------------------------------------------------------


def _any(hits: list[Column]) -> Column:
    out = hits[0]
    for hit in hits[1:]:
        out = out | hit
    return out


def _spark_test(c: Column, ltype: LType, base: str, value: Any, cond: str) -> Column:
    text = c if ltype is LType.STRING else c.cast("string")
    if base == "IS":
        hits = [c == slit(_literal(v, ltype, cond)) for v in _values(value)]
        return F.lit(False) if not hits else _any(hits)
    if base == "IS_BETWEEN":
        low, high = (_literal(v, ltype, cond) for v in _between(value, cond))
        return (c >= slit(low)) & (c <= slit(high))
    if base == "CONTAINS":
        return F.instr(text, str(value)) > 0
    if base == "STARTS_WITH":
        return text.startswith(str(value))
    if base == "ENDS_WITH":
        return text.endswith(str(value))
    if base in _ORDER_CONDITIONS:
        literal = slit(_literal(value, ltype, cond))
        ops = {
            "LESS_THAN": c < literal,
            "LESS_THAN_EQUAL": c <= literal,
            "GREATER_THAN": c > literal,
            "GREATER_THAN_EQUAL": c >= literal,
        }
        return ops[base]
    if base == "IS_INVALID":
        if ltype is not LType.STRING:
            return F.lit(False)
        valid = F.coalesce(text_valid_spark(c, _type_name(value, cond)), F.lit(False))
        return ~valid & ~missing_spark(c, ltype)
    return missing_spark(c, ltype)


_NULL_FREE_TESTS = frozenset({"IS_MISSING", "IS_INVALID"})
"""Tests that are never null on Spark: left bare, Spark can simplify them and push them into scans."""


def spark_predicate(conditions: list[Condition], schema: Schema) -> Column | None:
    """The rows where every condition holds, as a null-free Spark predicate."""
    if not conditions:
        return None
    predicate = None
    for condition in conditions:
        base = NEGATIONS.get(condition.condition, condition.condition)
        ltype = schema[condition.target_column]
        hit = _spark_test(scol(condition.target_column), ltype, base, condition.value, condition.condition)
        if base not in _NULL_FREE_TESTS:
            hit = F.coalesce(hit, F.lit(False))
        if base != condition.condition:
            hit = ~hit
        predicate = hit if predicate is None else predicate & hit
    return predicate
