"""What the values of a column look like: the semantic type inferred from shape counts.

The patterns are plain ASCII regular expressions that RE2 (pyarrow) and Java (Spark) read the same
way, so both engines count the same matches.
"""

from __future__ import annotations

from workbench.core.types import LType

TEXT_PATTERNS: dict[str, str] = {  # in the order they decide a column's semantic type
    "email": r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$",
    "url": r"^(https?|ftp)://[^ \t\r\n/$.?#][^ \t\r\n]*$",
    "date_text": (
        r"^(\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"
        r"|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})$"
    ),
    "integer_text": r"^[+-]?\d+$",
    "numeric_text": r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$",
    "boolean_text": r"^(true|false|yes|no|y|n|t|f|TRUE|FALSE|YES|NO|Y|N|T|F|True|False|Yes|No)$",
}
"""Shapes counted over the present values of every text column."""

CONFIDENT_SHARE = 0.9
"""A text column takes a shape's semantic type when this share of its values has that shape."""

MIXED_LOW, MIXED_HIGH = 0.1, 0.9
"""A text column whose numeric share lies between these is flagged as mixing types."""

CATEGORICAL_MAX_DISTINCT = 50
CATEGORICAL_MAX_SHARE = 0.05


def semantic_type(ltype: LType, count: int, distinct: int | None, patterns: dict[str, int]) -> str:
    """The semantic type of a column from its logical type, counts and shape matches."""
    if count == 0:
        return "empty"
    if ltype in (LType.ARRAY, LType.STRUCT, LType.MAP):
        return "nested"
    if ltype is LType.BOOLEAN:
        return "boolean"
    if ltype.is_temporal:
        return "datetime"
    if ltype is LType.STRING:
        for shape in TEXT_PATTERNS:
            if patterns.get(shape, 0) >= CONFIDENT_SHARE * count:
                return shape
    if distinct is not None and _is_identifier(ltype, count, distinct):
        return "identifier"
    if distinct is not None and _is_categorical(ltype, count, distinct):
        return "categorical"
    return "text" if ltype is LType.STRING else "numeric"


def _is_identifier(ltype: LType, count: int, distinct: int) -> bool:
    return ltype in (LType.STRING, LType.INTEGER) and count >= 10 and distinct == count


def _is_categorical(ltype: LType, count: int, distinct: int) -> bool:
    if ltype not in (LType.STRING, LType.INTEGER, LType.DECIMAL):
        return False
    return distinct <= CATEGORICAL_MAX_DISTINCT and distinct <= max(2, CATEGORICAL_MAX_SHARE * count)


def valid_count(semantic: str, count: int, patterns: dict[str, int]) -> int:
    """Present values that fit the semantic type: shape matches for shaped text, else all."""
    if semantic in TEXT_PATTERNS:
        return patterns.get(semantic, 0)
    return count


def mixes_types(ltype: LType, count: int, patterns: dict[str, int]) -> bool:
    """True when a text column holds a real mix of numbers and other text."""
    if ltype is not LType.STRING or count == 0:
        return False
    share = patterns.get("numeric_text", 0) / count
    return MIXED_LOW <= share < MIXED_HIGH
