"""The error hierarchy: every message names the step, operation, parameter and column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to ``name``, or None when nothing is close."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    if name.lower() in lowered:
        return lowered[name.lower()]
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not matches:
        matches = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        matches = [lowered[m] for m in matches]
    return matches[0] if matches else None


class WorkbenchError(Exception):
    """Base class of every error Workbench raises on purpose."""

    exit_code = 1


class RecipeError(WorkbenchError):
    """The recipe (or the command line) is wrong; found before any data is touched."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        step_index: int | None = None,
        step_id: str | None = None,
        operation: str | None = None,
        parameter: str | None = None,
        column: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.detail = message
        self.step_index = step_index
        self.step_id = step_id
        self.operation = operation
        self.parameter = parameter
        self.column = column
        self.suggestion = suggestion
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.step_index is not None:
            label = f"step {self.step_index + 1}"
            if self.step_id:
                label += f" (id {self.step_id!r})"
            where.append(label)
        if self.operation:
            where.append(self.operation)
        if self.parameter:
            where.append(f"parameter {self.parameter!r}")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.detail}" if prefix else self.detail
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text

    def at_step(self, index: int, step_id: str | None, operation: str) -> RecipeError:
        """Return a copy of this error located at a recipe step."""
        return type(self)(
            self.detail,
            step_index=index,
            step_id=step_id,
            operation=self.operation or operation,
            parameter=self.parameter,
            column=self.column,
            suggestion=self.suggestion,
        )


class UnknownOperationError(RecipeError):
    """The step names an operation that is not in the catalogue."""


class ParameterError(RecipeError):
    """A parameter is missing, unknown or has a value of the wrong kind."""


class ColumnNotFoundError(RecipeError):
    """A step refers to a column that does not exist at that point of the recipe."""


class UnsupportedRegexError(ParameterError):
    """A regular expression uses syntax outside the subset both engines agree on."""


class DatasetNotBoundError(RecipeError):
    """A step names a secondary dataset that was not bound at run time."""


class EngineNotSupportedError(WorkbenchError):
    """The chosen engine cannot run this transform; the reason says why."""


class StepRuntimeError(WorkbenchError):
    """A step failed while running on data."""

    def __init__(self, message: str, *, step_index: int, step_id: str | None, operation: str):
        self.step_index = step_index
        self.step_id = step_id
        self.operation = operation
        label = f"step {step_index + 1}"
        if step_id:
            label += f" (id {step_id!r})"
        super().__init__(f"{label}, {operation}: {message}")


class DataIOError(WorkbenchError):
    """An input could not be read or an output could not be written."""
