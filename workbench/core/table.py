"""Simple transforms as rows of a table.

Many operations are one expression per engine on top of their family's plumbing: LOWER is
``lower_pandas`` on Arrow and ``F.lower`` on Spark; the family already reads the source column,
checks its type, wraps the result and places the new column. Such an operation is a ``Row``:
its name, its docstring, its examples and the two expressions. ``declare`` turns the rows into
registered transform classes of the family, so each is a complete transform — a typed parameter
model, examples in the conformance suite, a page in the docs — in a few lines.

A family that takes rows names the two hooks a row fills in ``row_hooks`` (pandas first, then
Spark). The hooks take only what the expression needs (an Arrow array, a Spark column), so a
row never sees Series wrapping or casting. Anything else a row sets (``extension``, a result
type) must be an attribute the family already declares: a typo fails at import, not at run.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from workbench.core.registry import Category, Example, Transform

T = TypeVar("T", bound=Transform)


@dataclasses.dataclass(frozen=True)
class Row:
    """One simple operation: its name, docstring, examples and one expression per engine."""

    operation: str
    doc: str
    pandas: Callable[..., Any]
    spark: Callable[..., Any]
    examples: tuple[Example, ...]
    attributes: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def row(
    operation: str,
    doc: str,
    *,
    pandas: Callable[..., Any],
    spark: Callable[..., Any],
    examples: Iterable[Example],
    **attributes: Any,
) -> Row:
    """A table row; ``attributes`` become class attributes of the declared transform."""
    return Row(operation, inspect.cleandoc(doc), pandas, spark, tuple(examples), attributes)


def declare(family: type[T], category: Category, module: str, *rows: Row) -> dict[str, type[T]]:
    """One registered transform class of ``family`` per row, defined in ``module``, by operation."""
    hooks = getattr(family, "row_hooks", None)
    if not hooks:
        msg = f"{family.__name__} does not take table rows (it declares no row_hooks)"
        raise TypeError(msg)
    return {r.operation: _declare_one(family, category, r, hooks, module) for r in rows}


def class_name(operation: str) -> str:
    """``REMOVE_WHITESPACE`` -> ``RemoveWhitespace``."""
    return "".join(part.capitalize() for part in operation.split("_"))


def _declare_one(family: type[T], category: Category, r: Row, hooks: tuple[str, str], module: str) -> type[T]:
    for name in r.attributes:
        if not hasattr(family, name):
            msg = f"{r.operation}: {family.__name__} has no attribute {name!r} for a row to set"
            raise TypeError(msg)
    pandas_hook, spark_hook = hooks
    name = class_name(r.operation)
    body: dict[str, Any] = {
        "__doc__": r.doc,
        "__module__": module,
        "__qualname__": name,
        "operation": r.operation,
        "category": category,
        "examples": r.examples,
        pandas_hook: _method(r.pandas, pandas_hook),
        spark_hook: _method(r.spark, spark_hook),
        **r.attributes,
    }
    return types.new_class(name, (family,), exec_body=lambda ns: ns.update(body))


def _method(expression: Callable[..., Any], hook: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any) -> Any:
        return expression(*args)

    method.__name__ = hook
    return method
