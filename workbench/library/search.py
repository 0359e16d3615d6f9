"""Search over recipe summaries: name, description, tag, operation used, column touched."""

from __future__ import annotations

from typing import Any

SEARCHED = ("name", "description", "tags", "operations", "columns")


def matches(summary: dict[str, Any], query: str) -> bool:
    """Every word of ``query`` is found (case-insensitively) in one of the searched fields."""
    words = query.lower().split()
    haystack = [str(v).lower() for v in _values(summary)]
    return all(any(word in text for text in haystack) for word in words)


def _values(summary: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    for key in SEARCHED:
        value = summary.get(key)
        out.extend(value if isinstance(value, list) else [value or ""])
    return out
