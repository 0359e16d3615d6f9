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
    """The column(s) a step reads (KeyError when it names none: the generic phrasing takes over)."""
    value = params.get("sourceColumn") or params.get("sourceColumns")
    if not value:
        raise KeyError("sourceColumn")
    return _names(value)


def _sort(p: Params) -> str:
    parts = [
        f"{k['sourceColumn']} (descending)"
        if str(k.get("ordering", "ASCENDING")).upper() == "DESCENDING"
        else str(k["sourceColumn"])
        for k in p["expressions"]
    ]
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


def _join(p: Params) -> str:
    return f"{str(p['joinType']).replace('_', ' ').capitalize()} with {p['secondaryDatasetName']}"


def _template(text: str) -> Callable[[Params], str]:
    """A phrasing filled from the parameters; ``{source}`` is the column(s) the step reads."""

    def fill(p: Params) -> str:
        words = {name: _names(value) if isinstance(value, list) else value for name, value in p.items()}
        return text.format_map({**words, "source": _source(p)} if "{source}" in text else words)

    return fill


_PHRASES: dict[str, Callable[[Params], str]] = {
    "UPPER_CASE": _template("Upper-case {source}"),
    "LOWER_CASE": _template("Lower-case {source}"),
    "CAPITAL_CASE": _template("Capitalise the words of {source}"),
    "SENTENCE_CASE": _template("Sentence-case {source}"),
    "RENAME": _template("Rename {sourceColumn} to {targetColumn}"),
    "DELETE": _delete,
    "DUPLICATE": _template("Copy {sourceColumn} to {targetColumn}"),
    "SORT": _sort,
    "CHANGE_DATA_TYPE": _template("Change {source} to {columnDataType}"),
    "FILL_WITH_AVERAGE": _template("Fill missing {source} with the average"),
    "FILL_WITH_MEDIAN": _template("Fill missing {source} with the median"),
    "FILL_WITH_SUM": _template("Fill missing {source} with the sum"),
    "FILL_WITH_MODE": _template("Fill missing {source} with the most frequent value"),
    "FILL_WITH_MOST_FREQUENT": _template("Fill missing {source} with the most frequent value"),
    "FILL_WITH_EMPTY": _template("Fill missing {source} with empty text"),
    "FILL_WITH_LAST_VALID": _template("Fill missing {source} with the value above"),
    "FILL_WITH_CUSTOM": _template("Fill missing {source} with {value!r}"),
    "FILL_WITH_NULL": _template("Set {source} to null"),
    "REMOVE_MISSING": _template("Remove rows where {source} is missing"),
    "REMOVE_VALUES": _template("Remove rows"),
    "DELETE_DUPLICATE_ROWS": _template("Remove duplicate rows"),
    "REMOVE_DUPLICATES": _template("Remove rows with a repeated {source}"),
    "SPLIT_COLUMN_SINGLE_DELIMITER": _template("Split {source} on {pattern!r}"),
    "REPLACE_TEXT": _template("Replace {pattern!r} with {value!r} in {source}"),
    "MERGE": _template("Merge {sourceColumns} into {targetColumn}"),
    "GROUP_BY": _group_by,
    "JOIN": _join,
    "UNION": _template("Append the rows of {secondaryDatasetNames}"),
    "MOVE_TO_START": _template("Move {sourceColumn} to the start"),
    "MOVE_TO_END": _template("Move {sourceColumn} to the end"),
    "MOVE_AFTER": _template("Move {sourceColumn} after {targetColumn}"),
    "MOVE_BEFORE": _template("Move {sourceColumn} before {targetColumn}"),
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
