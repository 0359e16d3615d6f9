"""The kernel's half of the wire contract (extension/src/protocol.ts): requests in, responses out.

Every request names a method and carries an id; the answer echoes the id with either a result
or a structured error. Row windows travel as one Arrow IPC stream in the response's buffers.
State the frontend mirrors (view, recipe, job) is pushed through synced traits by the widget,
not through responses, so a response never has to be the only copy of anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from workbench.core.errors import WorkbenchError, nearest
from workbench.core.expressions import ExpressionError, columns_of, parse, parse_aggregate, parse_value
from workbench.core.regex import regex_problem
from workbench.core.registry import Category
from workbench.core.types import CAST_TARGETS
from workbench.recipe.conditions import CONDITIONS

if TYPE_CHECKING:
    from workbench.widget.session import Session

Result = tuple[dict[str, Any], list[bytes]]
Handler = Callable[["Session", dict[str, Any]], Result]

_CONDITION_SUMMARIES = {
    "IS": "equals one of the values",
    "IS_NOT": "equals none of the values",
    "IS_BETWEEN": "lies between two values (inclusive)",
    "CONTAINS": "contains the text",
    "NOT_CONTAINS": "does not contain the text",
    "STARTS_WITH": "starts with the text",
    "NOT_STARTS_WITH": "does not start with the text",
    "ENDS_WITH": "ends with the text",
    "NOT_ENDS_WITH": "does not end with the text",
    "LESS_THAN": "is less than the value",
    "LESS_THAN_EQUAL": "is at most the value",
    "GREATER_THAN": "is greater than the value",
    "GREATER_THAN_EQUAL": "is at least the value",
    "IS_INVALID": "is not valid for the given type",
    "IS_MISSING": "is missing (null or empty)",
}


@functools.lru_cache(maxsize=1)
def catalogue_payload() -> dict[str, Any]:
    """What the menu and the forms need, sent once: transforms, categories, conditions, types.

    The registry does not change while a kernel runs, so it is built once per process; callers
    must not modify the result.
    """
    from workbench.catalogue import catalogue

    return {
        "transforms": catalogue(),
        "categories": [category.value for category in Category],
        "conditions": [
            {"name": name, "takesValue": name != "IS_MISSING", "summary": _CONDITION_SUMMARIES.get(name, "")}
            for name in CONDITIONS
        ],
        "types": sorted(CAST_TARGETS),
    }


def error_payload(exc: Exception) -> dict[str, Any]:
    """A failure as the StepError shape: readable on its own, with the parameter and column."""
    from workbench.widget.session import step_error

    payload = step_error(exc)
    if not isinstance(exc, WorkbenchError):
        payload["message"] = f"{type(exc).__name__}: {exc}"
    return payload


def ipc_bytes(table: pa.Table) -> bytes:
    """One Arrow IPC stream holding the whole table."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def _window(session: Session, params: dict[str, Any]) -> Result:
    start, stop = int(params["start"]), int(params["stop"])
    extras: dict[str, Any] = {}
    if params.get("preview"):
        table, extras = session.preview_window(start, stop)
    else:
        table = session.window(start, stop)
    stop = start + table.num_rows
    return {"start": start, "stop": stop, "revision": session.revision, **extras}, [ipc_bytes(table)]


def _recipe(action: Callable[[Session, dict[str, Any]], Any]) -> Handler:
    """A recipe edit whose answer is the new recipe state."""

    def handle(session: Session, params: dict[str, Any]) -> Result:
        action(session, params)
        return session.recipe_state(), []

    return handle


def _columns(columns: list[dict[str, Any]]) -> Result:
    return {"columns": columns}, []


def _validate(session: Session, params: dict[str, Any]) -> Result:
    return {"errors": session.validate(params["step"], params.get("at"))}, []


def _export(session: Session, params: dict[str, Any]) -> Result:
    return {"text": session.export_recipe(databrew=bool(params.get("databrew")))}, []


def _clear(session: Session, params: dict[str, Any]) -> Result:
    session.clear_preview()
    return {}, []


_EXPRESSION_READERS = {"condition": parse, "case": parse, "value": parse_value, "aggregate": parse_aggregate}


def check_expression(text: str, role: str, columns: list[str] | None = None) -> dict[str, Any]:
    """The live verdict on an expression parameter: the problem with its line and column, or none.

    With ``columns`` (the schema at the step), a reference to a missing column is a problem too,
    naming the nearest column.
    """
    reader = _EXPRESSION_READERS.get(role, parse)
    try:
        tree = reader(text)
    except ExpressionError as exc:
        return {"problem": str(exc), "line": exc.line, "column": exc.column}
    known = columns or []
    for name in columns_of(tree) if columns is not None else []:
        if name not in known:
            guess = nearest(name, known)
            tail = f" (did you mean {guess!r}?)" if guess else ""
            return {
                "problem": f"column {name!r} does not exist at this step{tail}",
                "line": None,
                "column": None,
            }
    return {"problem": None, "line": None, "column": None}


def _check_expression(session: Session, params: dict[str, Any]) -> Result:
    columns = params.get("columns")
    names = [str(c) for c in columns] if isinstance(columns, list) else None
    return check_expression(str(params["expression"]), str(params.get("role") or "condition"), names), []


def _clusters(session: Session, params: dict[str, Any]) -> list[dict[str, Any]]:
    at = params.get("at")
    return session.clusters(
        str(params["column"]),
        str(params.get("method") or "KEY_COLLISION"),
        str(params.get("keyer") or "FINGERPRINT"),
        ngram_size=int(params.get("ngramSize") or 2),
        radius=float(params.get("radius", 1.0)),
        block_size=int(params.get("blockSize") or 6),
        at=None if at is None else int(at),
    )


HANDLERS: dict[str, Handler] = {
    "window": _window,
    "profile": lambda s, p: (s.column_profile(p["column"]), []),
    "preview": lambda s, p: (s.preview(p["step"], p.get("at")), []),
    "clear_preview": _clear,
    "validate": _validate,
    "check_regex": lambda s, p: ({"problem": regex_problem(str(p["pattern"]))}, []),
    "check_expression": _check_expression,
    "find_clusters": lambda s, p: ({"clusters": _clusters(s, p)}, []),
    "apply": _recipe(lambda s, p: s.apply(p["step"], p.get("at"))),
    "edit": _recipe(lambda s, p: s.edit(int(p["index"]), p["step"])),
    "toggle": _recipe(lambda s, p: s.toggle(int(p["index"]))),
    "delete": _recipe(lambda s, p: s.delete(int(p["index"]))),
    "move": _recipe(lambda s, p: s.move(int(p["index"]), int(p["to"]))),
    "undo": _recipe(lambda s, p: s.undo()),
    "redo": _recipe(lambda s, p: s.redo()),
    "import_recipe": _recipe(lambda s, p: s.import_recipe(str(p["text"]))),
    "export_recipe": _export,
    "schema_at": lambda s, p: _columns(s.schema_at(int(p["at"]))),
    "dataset_columns": lambda s, p: _columns(s.dataset_columns(str(p["dataset"]))),
}


def success(request_id: Any, result: dict[str, Any]) -> dict[str, Any]:
    """The response carrying a request's result."""
    return {"kind": "response", "id": request_id, "ok": True, "result": result}


def failure(request_id: Any, exc: Exception) -> dict[str, Any]:
    """The response carrying why a request failed."""
    return {"kind": "response", "id": request_id, "ok": False, "error": error_payload(exc)}


class UnknownRequestError(WorkbenchError):
    """The frontend asked for a method the kernel does not have (a version mismatch)."""


def answer(session: Session, message: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
    """The response to one request message and its binary buffers."""
    request_id = message.get("id")
    method = str(message.get("method"))
    handler = HANDLERS.get(method)
    if handler is None:
        return failure(request_id, UnknownRequestError(f"unknown request {method!r}")), []
    try:
        result, buffers = handler(session, dict(message.get("params") or {}))
    except Exception as exc:
        return failure(request_id, exc), []
    return success(request_id, result), buffers
