"""Recipe steps in words, for the recipe panel: "Upper-case city", "Sort by date (descending)".

The common operations have a phrasing of their own; every other one is described from its
operation name and the columns its parameters name (the ``x-wb-kind`` column, columns and
new_column parameters of the catalogue). Describing never fails: an operation the catalogue does
not know, or parameters that do not validate, still give a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.core.errors import RecipeError
from workbench.core.params import ParamKind
from workbench.core.registry import lookup
from workbench.recipe.model import Step

Params = dict[str, Any]


def describe(step: Step) -> str:
    """One line saying what ``step`` does, naming its columns and conditions."""
    params = step.typed_parameters()
    phrase = _PHRASES.get(step.operation)
    text = None
    if phrase is not None:
        try:
            text = phrase(params)
        except (KeyError, TypeError, ValueError, AttributeError):
            text = None
    if text is None:
        text = _generic(step.operation, params)
    return text + _conditions(step)


def _label(operation: str) -> str:
    return operation.replace("_", " ").strip().capitalize() or "Step"


def _names(value: Any) -> str:
    """Column names as a comma-separated list."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _generic(operation: str, params: Params) -> str:
    """The operation in words plus the columns it reads and the ones it writes."""
    try:
        kinds = lookup(operation).param_kinds()
    except RecipeError:
        return _label(operation)
    named = {name: kind for name, kind in kinds.items() if params.get(name)}
    reads = [params[name] for name, kind in named.items() if kind in _READ_KINDS]
    writes = [params[name] for name, kind in named.items() if kind is ParamKind.NEW_COLUMN]
    text = _label(operation)
    if reads:
        text += " " + ", ".join(_names(r) for r in reads)
    if writes:
        text += " into " + ", ".join(_names(w) for w in writes)
    return text


_READ_KINDS = frozenset({ParamKind.COLUMN, ParamKind.COLUMNS})


def _source(params: Params) -> str:
    return _names(params.get("sourceColumn") or params.get("sourceColumns"))


def _case(verb: str) -> Callable[[Params], str]:
    return lambda p: f"{verb} {_source(p)}"


def _fill(what: str) -> Callable[[Params], str]:
    return lambda p: f"Fill missing {_source(p)} with {what}"


def _sort(p: Params) -> str:
    keys = p["expressions"]
    names = ", ".join(str(k["sourceColumn"]) for k in keys)
    descending = [k for k in keys if str(k.get("ordering", "ASCENDING")).upper() == "DESCENDING"]
    if not descending:
        return f"Sort by {names}"
    if len(descending) == len(keys):
        return f"Sort by {names} (descending)"
    parts = [f"{k['sourceColumn']} (descending)" if k in descending else str(k["sourceColumn"]) for k in keys]
    return "Sort by " + ", ".join(parts)


def _delete(p: Params) -> str:
    columns = p.get("sourceColumns") or [p["sourceColumn"]]
    noun = "column" if len(columns) == 1 else "columns"
    return f"Delete {noun} {_names(columns)}"


def _group_by(p: Params) -> str:
    aggregates = ", ".join(
        f"{str(a['functionName']).lower()} of {a['sourceColumnName']}" for a in p["groupByAggFunctionOptions"]
    )
    text = f"Group by {_names(p['sourceColumns'])}: {aggregates}"
    return text if p.get("useNewDataFrame") else text + " on every row"


def _custom_fill(p: Params) -> str:
    return f"Fill missing {_source(p)} with {p['value']!r}"


def _change_type(p: Params) -> str:
    return f"Change {_source(p)} to {str(p['columnDataType']).lower()}"


def _split(p: Params) -> str:
    return f"Split {_source(p)} on {p['pattern']!r}"


def _replace(p: Params) -> str:
    return f"Replace {p['pattern']!r} with {p.get('value', '')!r} in {_source(p)}"


def _merge(p: Params) -> str:
    return f"Merge {_names(p['sourceColumns'])} into {p['targetColumn']}"


def _join(p: Params) -> str:
    return f"{str(p['joinType']).replace('_', ' ').capitalize()} with {p['secondaryDatasetName']}"


def _union(p: Params) -> str:
    return f"Append the rows of {_names(p['secondaryDatasetNames'])}"


_PHRASES: dict[str, Callable[[Params], str]] = {
    "UPPER_CASE": _case("Upper-case"),
    "LOWER_CASE": _case("Lower-case"),
    "CAPITAL_CASE": _case("Capitalise the words of"),
    "SENTENCE_CASE": _case("Sentence-case"),
    "RENAME": lambda p: f"Rename {p['sourceColumn']} to {p['targetColumn']}",
    "DELETE": _delete,
    "DUPLICATE": lambda p: f"Copy {p['sourceColumn']} to {p['targetColumn']}",
    "SORT": _sort,
    "CHANGE_DATA_TYPE": _change_type,
    "FILL_WITH_AVERAGE": _fill("the average"),
    "FILL_WITH_MEDIAN": _fill("the median"),
    "FILL_WITH_SUM": _fill("the sum"),
    "FILL_WITH_MODE": _fill("the most frequent value"),
    "FILL_WITH_MOST_FREQUENT": _fill("the most frequent value"),
    "FILL_WITH_EMPTY": _fill("empty text"),
    "FILL_WITH_LAST_VALID": _fill("the value above"),
    "FILL_WITH_CUSTOM": _custom_fill,
    "FILL_WITH_NULL": lambda p: f"Set {_source(p)} to null",
    "REMOVE_MISSING": lambda p: f"Remove rows where {_source(p)} is missing",
    "REMOVE_VALUES": lambda p: "Remove rows",
    "DELETE_DUPLICATE_ROWS": lambda p: "Remove duplicate rows",
    "REMOVE_DUPLICATES": lambda p: f"Remove rows with a repeated {_source(p)}",
    "SPLIT_COLUMN_SINGLE_DELIMITER": _split,
    "REPLACE_TEXT": _replace,
    "MERGE": _merge,
    "GROUP_BY": _group_by,
    "JOIN": _join,
    "UNION": _union,
    "MOVE_TO_START": lambda p: f"Move {p['sourceColumn']} to the start",
    "MOVE_TO_END": lambda p: f"Move {p['sourceColumn']} to the end",
    "MOVE_AFTER": lambda p: f"Move {p['sourceColumn']} after {p['targetColumn']}",
    "MOVE_BEFORE": lambda p: f"Move {p['sourceColumn']} before {p['targetColumn']}",
}

_CONDITION_WORDS = {
    "IS": "is",
    "IS_NOT": "is not",
    "IS_BETWEEN": "is between",
    "CONTAINS": "contains",
    "NOT_CONTAINS": "does not contain",
    "STARTS_WITH": "starts with",
    "NOT_STARTS_WITH": "does not start with",
    "ENDS_WITH": "ends with",
    "NOT_ENDS_WITH": "does not end with",
    "LESS_THAN": "<",
    "LESS_THAN_EQUAL": "<=",
    "GREATER_THAN": ">",
    "GREATER_THAN_EQUAL": ">=",
    "IS_INVALID": "is invalid",
    "IS_MISSING": "is missing",
}


def _conditions(step: Step) -> str:
    """The conditions in words: "where city is 'Oslo'", or "where 3 conditions" for several."""
    if not step.conditions:
        return ""
    if len(step.conditions) > 1:
        return f" where {len(step.conditions)} conditions"
    condition = step.conditions[0]
    words = _CONDITION_WORDS.get(condition.condition, condition.condition.replace("_", " ").lower())
    text = f" where {condition.target_column} {words}"
    if condition.value is not None:
        text += " " + _value_words(condition.value)
    return text


def _value_words(value: Any) -> str:
    if isinstance(value, list):
        shown = [_value_words(v.get("value") if isinstance(v, dict) else v) for v in value]
        return " or ".join(shown) if len(shown) < 4 else f"one of {len(shown)} values"
    if isinstance(value, str):
        return repr(value)
    return str(value)
