"""Function: other: DataBrew's interactive-session requests, which are not data transforms.

GET_ACTION_RESULT and GET_STEP_DATAFRAME only exist in DataBrew's project-session protocol: one
fetches the outcome of an earlier asynchronous request, the other the data after a recipe step.
GET_ADVANCED_DATATYPE asks which advanced data type a column holds: an answer, not a change to
the data. A DataBrew export that contains them still loads, so it can be inspected and edited,
but no engine runs them: validation and replay name the step and say why. In a notebook session
the data after any step is ``session.step_frame(index)`` and a column's advanced data type is
``session.advanced_datatype(column)``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from workbench.core.context import PandasContext, SparkContext
from workbench.core.families import TableTransform
from workbench.core.params import Column, Integer, Text
from workbench.core.registry import Category, Example
from workbench.core.types import Schema

_SESSION_ONLY = (
    "it is a request of DataBrew's interactive session, not a data transform; remove the step from the recipe"
)
_ANSWER_ONLY = (
    "it asks DataBrew's interactive session a question and changes no data; remove the step, and in a "
    "notebook session use session.advanced_datatype(column) or workbench.pii.advanced_datatype(frame, column)"
)


class _SessionRequest(TableTransform):
    """A session-protocol request: loads and round-trips, never runs."""

    abstract: ClassVar[bool] = True

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def apply_pandas(self, df: Any, ctx: PandasContext, where: Any = None) -> Any:
        raise NotImplementedError(self.not_supported["pandas"])

    def apply_spark(self, df: Any, ctx: SparkContext, where: Any = None) -> Any:
        raise NotImplementedError(self.not_supported["spark"])


class GetActionResult(_SessionRequest):
    """Fetch the outcome of an earlier session action (DataBrew sessions only; not run in recipes).

    Workbench runs every step synchronously, so there is no pending action to ask about: the
    result of a step is the step's output.
    """

    operation = "GET_ACTION_RESULT"
    category = Category.OTHER
    action_id: Text
    not_supported: ClassVar[dict[str, str]] = {
        "pandas": _SESSION_ONLY + "; Workbench steps run synchronously, so there is no action to wait for",
        "spark": _SESSION_ONLY + "; Workbench steps run synchronously, so there is no action to wait for",
    }
    examples: ClassVar = (
        Example(
            given={"x": ["a", None]},
            params={"actionId": "17"},
            expect={"x": ["a", None]},
            title="refused on every engine",
        ),
    )


class GetStepDataframe(_SessionRequest):
    """Fetch the data after a recipe step (DataBrew sessions only; use session.step_frame).

    ``stepIndex`` counts from 0 as in DataBrew's session protocol. In a Workbench notebook
    session, ``session.step_frame(stepIndex)`` returns that frame.
    """

    operation = "GET_STEP_DATAFRAME"
    category = Category.OTHER
    step_index: Integer
    not_supported: ClassVar[dict[str, str]] = {
        "pandas": _SESSION_ONLY + "; in a notebook session use session.step_frame(stepIndex)",
        "spark": _SESSION_ONLY + "; in a notebook session use session.step_frame(stepIndex)",
    }
    examples: ClassVar = (
        Example(
            given={"x": [1, None]},
            params={"stepIndex": 0},
            expect={"x": [1, None]},
            title="refused on every engine",
        ),
    )


class GetAdvancedDatatype(_SessionRequest):
    """Ask which advanced data type a column holds (an answer, not a step; see session.advanced_datatype).

    The answer is DataBrew's type name (Email, URL, Credit Card, Phone, SSN) as the PII detectors
    classify the column, or none.
    """

    operation = "GET_ADVANCED_DATATYPE"
    category = Category.INVALID
    source_column: Column
    not_supported: ClassVar[dict[str, str]] = {
        "pandas": _ANSWER_ONLY,
        "spark": _ANSWER_ONLY,
    }
    examples: ClassVar = (
        Example(
            given={"email": ["ann@example.com", None]},
            params={"sourceColumn": "email"},
            expect={"email": ["ann@example.com", None]},
            title="refused on every engine",
        ),
    )
