"""The closed vocabulary of parameter kinds.

Each kind is an annotated type: it validates recipe JSON (accepting DataBrew's string-encoded
values), and it tags the JSON Schema with ``x-wb-kind`` so the widget renders one control per
kind. Column-referencing kinds are what validation and lineage follow.
"""

from __future__ import annotations

import json
import math
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from workbench.core.regex import regex_problem

KIND = "x-wb-kind"


class ParamKind(str, Enum):
    """Every parameter kind the UI knows how to render."""

    COLUMN = "column"
    COLUMNS = "columns"
    NEW_COLUMN = "new_column"
    TEXT = "text"
    REGEX = "regex"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    ENUM = "enum"
    DATE_FORMAT = "date_format"
    DATASET = "dataset"
    TEXT_LIST = "text_list"
    NUMBER_LIST = "number_list"
    KEY_VALUE_MAP = "key_value_map"
    SORT_KEYS = "sort_keys"
    AGGREGATIONS = "aggregations"
    JOIN_KEYS = "join_keys"
    PATTERN_OPTIONS = "pattern_options"
    PATTERN_OPTION = "pattern_option"
    COLUMN_LISTS = "column_lists"
    DATASETS = "datasets"
    DATASET_COLUMNS = "dataset_columns"
    OBJECT = "object"
    CLUSTERS = "clusters"


COLUMN_KINDS = frozenset({ParamKind.COLUMN, ParamKind.COLUMNS})


def _json_text(value: Any) -> Any:
    """Decode DataBrew's JSON-inside-a-string form; leave typed values alone."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "[{":
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                msg = f"is not valid JSON text: {exc.msg} at character {exc.pos}"
                raise ValueError(msg) from None
            except RecursionError:
                msg = "is JSON text nested too deeply to read"
                raise ValueError(msg) from None
    return value


def _boolean_text(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return value


def parse_boolean(value: Any) -> bool:
    """A boolean by the parameters' rules: true/false, or the text "true"/"false" in any case.

    Raises ValueError (saying what was given) for anything else, such as ``1`` or ``"no"``.
    """
    value = _boolean_text(value)
    if isinstance(value, bool):
        return value
    shown = f"{value[:40]!r}" if isinstance(value, str) else "null" if value is None else repr(value)[:40]
    msg = f'must be true or false (or the text "true"/"false"), not {shown}'
    raise ValueError(msg)


INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1
"""The range of integer parameters (positions, counts, offsets, seeds): 32-bit, the int that Spark's
string, array, date and window functions take; beyond it Spark silently answers wrongly (LEFT with
position 2**31 gives an empty text)."""


def _int32(value: int) -> int:
    if not INTEGER_MIN <= value <= INTEGER_MAX:
        size = f"{value:,}" if abs(value) < 10**30 else f"an integer of {len(str(abs(value)))} digits"
        msg = f"{size} is outside the range of integer parameters, {INTEGER_MIN:,} to {INTEGER_MAX:,}"
        raise ValueError(msg)
    return value


def _finite(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        msg = f"must be a finite number, not {value}"
        raise ValueError(msg)
    return value


def _not_nan(values: list[float]) -> list[float]:
    for n, value in enumerate(values):
        if math.isnan(value):
            msg = f"item {n + 1} is NaN; write a number"
            raise ValueError(msg)
    return values


def _number_text(value: Any) -> Any:
    if isinstance(value, bool):
        msg = f"must be a number, not the boolean {str(value).lower()}"
        raise ValueError(msg)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return value
    return value


def _regex(value: Any) -> Any:
    if isinstance(value, str):
        problem = regex_problem(value)
        if problem:
            raise ValueError(problem)
    return value


def _new_column(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        msg = "a new column needs a non-empty name"
        raise ValueError(msg)
    return value


def _kind(kind: ParamKind, **extra: Any) -> Any:
    return Field(json_schema_extra={KIND: kind.value, **extra})


Column = Annotated[str, _kind(ParamKind.COLUMN)]
"""An existing column of the dataset at this step."""

NumericColumn = Annotated[str, _kind(ParamKind.COLUMN, **{"x-wb-types": ["integer", "double", "decimal"]})]
TextColumn = Annotated[str, _kind(ParamKind.COLUMN, **{"x-wb-types": ["string"]})]
Columns = Annotated[list[str], BeforeValidator(_json_text), _kind(ParamKind.COLUMNS)]
NewColumn = Annotated[str, BeforeValidator(_new_column), _kind(ParamKind.NEW_COLUMN)]
Text = Annotated[str, _kind(ParamKind.TEXT)]
Regex = Annotated[str, BeforeValidator(_regex), _kind(ParamKind.REGEX)]
Integer = Annotated[int, BeforeValidator(_number_text), AfterValidator(_int32), _kind(ParamKind.INTEGER)]
Number = Annotated[float, BeforeValidator(_number_text), AfterValidator(_finite), _kind(ParamKind.NUMBER)]
Boolean = Annotated[bool, BeforeValidator(_boolean_text), _kind(ParamKind.BOOLEAN)]
DateFormat = Annotated[str, _kind(ParamKind.DATE_FORMAT)]
DatasetName = Annotated[str, _kind(ParamKind.DATASET)]
TextList = Annotated[list[str], BeforeValidator(_json_text), _kind(ParamKind.TEXT_LIST)]
NumberList = Annotated[
    list[float], BeforeValidator(_json_text), AfterValidator(_not_nan), _kind(ParamKind.NUMBER_LIST)
]
KeyValueMap = Annotated[dict[str, Any], BeforeValidator(_json_text), _kind(ParamKind.KEY_VALUE_MAP)]
ColumnLists = Annotated[list[list[str]], BeforeValidator(_json_text), _kind(ParamKind.COLUMN_LISTS)]
DatasetNames = Annotated[list[str], BeforeValidator(_json_text), _kind(ParamKind.DATASETS)]
DatasetColumns = Annotated[list[str], BeforeValidator(_json_text), _kind(ParamKind.DATASET_COLUMNS)]
"""Columns of a secondary dataset (JOIN's rightColumns): checked against that dataset, not this one."""


def enum_param(enum_type: type[Enum]) -> Any:
    """Annotate an Enum parameter (values are matched case-insensitively)."""

    def _match(value: Any) -> Any:
        if isinstance(value, str):
            for member in enum_type:
                if str(member.value).lower() == value.strip().lower():
                    return member
        return value

    return Annotated[enum_type, BeforeValidator(_match), _kind(ParamKind.ENUM)]


class ParamModel(BaseModel):
    """Base of structured parameter values: camelCase on the wire, strict about unknown keys."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


def structured(kind: ParamKind, inner: Any) -> Any:
    """Annotate a structured parameter whose value may arrive as JSON text."""
    return Annotated[inner, BeforeValidator(_json_text), _kind(kind)]


class PatternOption(ParamModel):
    """One delimiter of a split: the pattern and whether the delimiter stays in the part (no by default)."""

    pattern: str
    include_in_split: bool = False

    @field_validator("include_in_split", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> Any:
        return _boolean_text(value)
