"""The transform catalogue as data: what the CLI lists, the docs show and the widget loads."""

from __future__ import annotations

import inspect
from typing import Any

from workbench.core.registry import Transform, transforms


def catalogue() -> list[dict[str, Any]]:
    """One entry per operation: name, category, summary, docs, parameter schema, engines."""
    return [_entry(cls) for cls in transforms()]


def _entry(cls: type[Transform]) -> dict[str, Any]:
    return {
        "operation": cls.operation,
        "category": cls.category.value,
        "summary": cls.summary(),
        "description": inspect.cleandoc(cls.__doc__ or ""),
        "extension": cls.extension,
        "version": cls.version,
        "orderSensitive": cls.order_sensitive,
        "usesStatistics": cls.uses_statistics,
        "conditions": cls.supports_conditions,
        "parameters": cls.model_json_schema(by_alias=True),
        "engines": {
            engine: {"supported": reason is None, "reason": reason}
            for engine, reason in cls.engines().items()
        },
        "examples": len(cls.examples),
    }
