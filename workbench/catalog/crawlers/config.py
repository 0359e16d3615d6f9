"""What a crawl is told: policies, grouping thresholds, sample bounds, exclusions and classifiers.

A crawl's settings come from keyword arguments, from a YAML or JSON file (``--config``), or both
(arguments win). Every name is checked, and a misspelt one is refused with the nearest valid name.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import yaml

from workbench.core.errors import RecipeError, nearest

SCHEMA_CHANGE_POLICIES = ("LOG", "UPDATE", "FAIL")
VANISHED_POLICIES = ("LOG", "DEPRECATE", "DELETE")


class CrawlConfigError(RecipeError):
    """A crawl setting or a custom classifier is not valid."""


@dataclasses.dataclass
class CrawlConfig:
    """The settings of one crawl (see docs/catalog.md, "Crawlers")."""

    on_schema_change: str = "UPDATE"
    """LOG (report it, keep the table as it is), UPDATE (a new schema version) or FAIL (write nothing)."""
    on_vanished: str = "DEPRECATE"
    """For tables and partitions whose data is gone: LOG, DEPRECATE or DELETE."""
    similarity: float = 0.7
    """Share of columns folders must share to be merged as partitions of one table."""
    max_schemas: int = 5
    """Folders with more distinct schemas than this are kept as separate tables."""
    table_level: int | None = None
    """Make the tables at this folder depth under each crawled URL (0: the URL itself), not by schema."""
    exclude: list[str] = dataclasses.field(default_factory=list)
    """Glob patterns of paths (relative to the crawled URL) to leave out; ``**`` spans folders."""
    sample_bytes: int = 1 << 20
    """Bytes read from the start of each text file to infer its schema."""
    sample_rows: int = 1000
    """Rows of each file that decide its schema."""
    files_per_folder: int | None = None
    """Classify at most this many files of each folder (None: all of them)."""
    classifiers: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    """Custom classifiers, tried before the built-in ones (see ``classifiers.custom``)."""
    sensitive: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    """Custom sensitive-data rules: column-name pattern + value pattern -> tags."""
    pii: bool = True
    """Run the PII detection on each new table's sample."""
    workers: int = 8
    """Files read at once from object stores (mostly waiting); local files are read one at a time."""

    def __post_init__(self) -> None:
        self.on_schema_change = _choice("on_schema_change", self.on_schema_change, SCHEMA_CHANGE_POLICIES)
        self.on_vanished = _choice("on_vanished", self.on_vanished, VANISHED_POLICIES)
        if not 0.0 <= self.similarity <= 1.0:
            raise CrawlConfigError(f"similarity must be between 0 and 1, not {self.similarity}")
        for name in ("max_schemas", "sample_bytes", "sample_rows", "workers"):
            if int(getattr(self, name)) < 1:
                raise CrawlConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.table_level is not None and self.table_level < 0:
            raise CrawlConfigError(f"table_level must be 0 or more, not {self.table_level}")

    @classmethod
    def build(cls, path: str | Path | None = None, **overrides: Any) -> CrawlConfig:
        """Settings from the file at ``path`` (YAML or JSON), then ``overrides`` (None values ignored)."""
        data = load_settings(path) if path else {}
        data.update({k: v for k, v in overrides.items() if v is not None})
        known = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in known:
                close = nearest(key, known)
                hint = f"; did you mean {close!r}?" if close else ""
                raise CrawlConfigError(f"unknown crawl setting {key!r}{hint} (known: {', '.join(known)})")
        return cls(**data)


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    upper = str(value).upper()
    if upper not in allowed:
        close = nearest(upper, allowed)
        hint = f"; did you mean {close!r}?" if close else ""
        raise CrawlConfigError(f"{name} must be one of {', '.join(allowed)}, not {value!r}{hint}")
    return upper


def load_settings(path: str | Path) -> dict[str, Any]:
    """A crawl settings file: a YAML or JSON mapping."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CrawlConfigError(f"cannot read crawl settings {str(file)!r}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise CrawlConfigError(f"crawl settings {str(file)!r} are not valid: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CrawlConfigError(f"crawl settings {str(file)!r} must be a mapping of setting names to values")
    return dict(data)
