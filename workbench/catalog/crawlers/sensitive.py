"""Sensitive-data tags for a new table's columns: the PII detection, and the user's own rules.

The PII detection (workbench.pii) runs on the sampled values and tags each PII column with
``pii.entity`` and ``pii.confidence``. A user rule (a column-name pattern, an optional value
pattern and the share of sampled values that must match it) adds its own tags, e.g.
``Compliance=LGPD``. Only tags reach the catalog, never a sampled value.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pyarrow as pa

from workbench.catalog.crawlers.config import CrawlConfigError
from workbench.core.errors import nearest
from workbench.pii.detect import classify_column

_RULE_KEYS = ("name", "column", "values", "share", "tags")


@dataclasses.dataclass(frozen=True)
class SensitiveRule:
    """Columns whose name matches ``column`` and whose values match ``values`` get ``tags``."""

    name: str
    column: re.Pattern[str]
    values: re.Pattern[str] | None
    share: float
    tags: dict[str, str]

    def matches(self, column: str, values: list[Any]) -> bool:
        if not self.column.search(column):
            return False
        if self.values is None:
            return True
        present = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if not present:
            return False
        hits = sum(1 for v in present if self.values.fullmatch(v))
        return hits / len(present) >= self.share


def rule(spec: dict[str, Any]) -> SensitiveRule:
    """A rule from ``{"name", "column": regex, "values": regex, "share": 0.8, "tags": {K: V}}``."""
    name = str(spec.get("name") or "")
    if not name:
        raise CrawlConfigError("a sensitive-data rule needs a name")
    for key in spec:
        if key not in _RULE_KEYS:
            close = nearest(key, _RULE_KEYS)
            hint = f"; did you mean {close!r}?" if close else ""
            raise CrawlConfigError(f"sensitive-data rule {name!r}: unknown setting {key!r}{hint}")
    share = float(spec.get("share", 0.8))
    if not 0 < share <= 1:
        raise CrawlConfigError(f"sensitive-data rule {name!r}: share must be in (0, 1], not {share}")
    tags = spec.get("tags") or {"classification": name}
    if not isinstance(tags, dict) or not all(isinstance(k, str) and k for k in tags):
        raise CrawlConfigError(f"sensitive-data rule {name!r}: tags must map names to values")
    return SensitiveRule(
        name,
        _compile(name, "column", spec.get("column") or ".*"),
        _compile(name, "values", spec["values"]) if spec.get("values") else None,
        share,
        {str(k): str(v) for k, v in tags.items()},
    )


def _compile(name: str, what: str, text: Any) -> re.Pattern[str]:
    try:
        return re.compile(str(text))
    except re.error as exc:
        raise CrawlConfigError(f"sensitive-data rule {name!r}: {what} pattern {text!r}: {exc}") from None


def column_tags(
    sample: dict[str, list[Any]], rules: list[SensitiveRule], pii: bool
) -> dict[str, dict[str, str]]:
    """Tags by column for a table's sampled values (columns without tags are left out)."""
    out: dict[str, dict[str, str]] = {}
    for column, values in sample.items():
        tags: dict[str, str] = {}
        if pii:
            finding = classify_column(column, _arrow(values))
            if finding is not None:
                tags["pii.entity"] = finding.entity
                tags["pii.confidence"] = f"{finding.confidence:.2f}"
        for found in rules:
            if found.matches(column, values):
                tags.update(found.tags)
        if tags:
            out[column] = tags
    return out


def _arrow(values: list[Any]) -> pa.Array:
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values if v is not None):
        return pa.array(values, pa.int64())
    return pa.array([None if v is None else str(v) for v in values], pa.large_string())
