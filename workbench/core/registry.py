"""The transform registry: every operation is one class, registered when it is defined."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import (
    ColumnNotFoundError,
    ParameterError,
    UnknownOperationError,
    nearest,
)
from workbench.core.params import COLUMN_KINDS, KIND, ParamKind
from workbench.core.types import Schema

if TYPE_CHECKING:
    from typing import Self


class Category(str, Enum):
    """Menu groups, in the order the toolbar shows them (DataBrew's grouping)."""

    COLUMN = "Column"
    SORT = "Sort"
    FILTER = "Filter"
    FORMAT = "Format"
    CLEAN = "Clean"
    EXTRACT = "Extract"
    MISSING = "Missing values"
    INVALID = "Invalid values"
    DUPLICATES = "Duplicates"
    OUTLIERS = "Outliers"
    SPLIT = "Split"
    MERGE = "Merge"
    CREATE = "Create"
    MATH = "Functions: math"
    AGGREGATE = "Functions: aggregate"
    TEXT = "Functions: text"
    DATE = "Functions: date and time"
    WINDOW = "Functions: window"
    WEB = "Functions: web"
    OTHER = "Functions: other"
    NEST = "Nest and unnest"
    PIVOT = "Pivot"
    GROUP = "Group"
    JOIN = "Join"
    UNION = "Union"
    SCALE = "Scale"
    ENCODE = "Encode"
    MAPPING = "Mapping"
    SENSITIVE = "Sensitive data"


@dataclasses.dataclass(frozen=True)
class Example:
    """An input, parameters and the expected output: a conformance test and a doc table.

    ``schema`` gives logical types of input columns whose type cannot be inferred from the
    values (all-null columns, dates in text form are still strings). ``expect_schema`` does the
    same for the output. ``datasets`` binds secondary inputs by name; ``secrets`` binds
    test-only keys to the secret names a step references (``secretId``, ``kmsKeyArn``).
    """

    given: dict[str, list[Any]]
    params: dict[str, Any]
    expect: dict[str, list[Any]]
    title: str = ""
    schema: dict[str, str] | None = None
    expect_schema: dict[str, str] | None = None
    conditions: tuple[dict[str, Any], ...] = ()
    datasets: dict[str, dict[str, list[Any]]] | None = None
    dataset_schemas: dict[str, dict[str, str]] | None = None
    xfail: dict[str, str] | None = None
    """Engines on which this example's values are a declared, reasoned difference.

    The conformance suite runs it as a strict xfail that expects the comparison's AssertionError:
    an example that starts to pass, or fails any other way, fails the suite."""
    secrets: dict[str, bytes] | None = None
    """Test-only keys bound by name for this example (steps that reference secrets)."""


REGISTRY: dict[str, type[Transform]] = {}


class Transform(BaseModel):
    """Base of every transform: the class is its typed parameter model.

    Subclasses set ``operation`` (DataBrew's name), ``category`` and ``examples``, write a
    docstring whose first line is the menu tooltip, and implement the engine methods of their
    family (see ``workbench.core.families``).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_enum_values=False,
    )

    operation: ClassVar[str] = ""
    category: ClassVar[Category]
    examples: ClassVar[tuple[Example, ...]] = ()
    order_sensitive: ClassVar[bool] = False
    """True when the result depends on row order (windows, sort, fill-forward)."""
    extension: ClassVar[bool] = False
    """True for Workbench operations beyond DataBrew's catalogue."""
    supports_conditions: ClassVar[bool] = True
    not_supported: ClassVar[dict[str, str]] = {}
    """Engines that cannot run this transform, with the reason shown to the user."""
    keeps_row_position: ClassVar[bool] = False
    """True when the Spark implementation passes a carried row-position column through (row-wise
    steps, SORT); other steps get their input in row order first."""
    uses_statistics: ClassVar[bool] = False
    """True when the Spark implementation runs one aggregation to learn from the data."""
    version: ClassVar[int] = 1
    """The version of the parameters; raised by one with an upgrader in workbench/recipe/migrations."""
    abstract: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("abstract", False) or not cls.__dict__.get("operation"):
            return
        cls.abstract = False
        if cls.operation in REGISTRY:
            msg = f"operation {cls.operation} is declared twice"
            raise TypeError(msg)
        if not (cls.__doc__ or "").strip():
            msg = f"{cls.operation} needs a docstring (its first line is the tooltip)"
            raise TypeError(msg)
        REGISTRY[cls.operation] = cls

    # --- declaration helpers -------------------------------------------------------------

    @classmethod
    def summary(cls) -> str:
        """The one-line description shown as the menu tooltip."""
        return (cls.__doc__ or "").strip().splitlines()[0]

    @classmethod
    def param_kinds(cls) -> dict[str, ParamKind]:
        """Each parameter's wire name and kind."""
        kinds = {}
        for name, field in cls.model_fields.items():
            extra = _field_extra(field)
            alias = field.alias or name
            kinds[alias] = ParamKind(extra[KIND]) if KIND in extra else ParamKind.OBJECT
        return kinds

    @classmethod
    def engines(cls) -> dict[str, str | None]:
        """Engine name to None (supported) or the reason it is not."""
        return {e: cls.not_supported.get(e) for e in ("pandas", "spark")}

    # --- lineage ---------------------------------------------------------------------------

    def reads(self) -> list[str]:
        """The existing columns this step refers to, in parameter order."""
        columns: list[str] = []
        for name, field in type(self).model_fields.items():
            kind = _field_extra(field).get(KIND)
            value = getattr(self, name)
            if value is None or kind not in {k.value for k in COLUMN_KINDS}:
                continue
            columns.extend([value] if isinstance(value, str) else value)
        columns.extend(self.extra_reads())
        return list(dict.fromkeys(columns))

    def extra_reads(self) -> list[str]:
        """Columns referenced inside structured parameters (sort keys, join keys…)."""
        return []

    def output_schema(self, schema: Schema) -> Schema | None:
        """The schema after this step, given the schema before it.

        None means the output columns depend on the data (PIVOT, ONE_HOT_ENCODING); columns
        of later steps are then checked when the recipe runs.
        """
        raise NotImplementedError

    def secrets_needed(self) -> list[tuple[str, str, str]]:
        """The secrets this step references: (parameter, secret name, "aes" or "hmac")."""
        return []

    def secondary_datasets(self) -> list[str]:
        """Names of the secondary datasets this step reads (JOIN, UNION)."""
        return []

    def output_schema_with(self, schema: Schema, datasets: dict[str, Schema]) -> Schema | None:
        """The schema after this step when it also reads secondary datasets."""
        return self.output_schema(schema)

    def check_with(self, schema: Schema, datasets: dict[str, Schema]) -> None:
        """Like ``check``, also checking columns of secondary datasets."""
        self.check(schema)

    def check_conditions(self, count: int) -> None:
        """Refuse conditions on transforms that cannot honour them."""
        if count and not self.supports_conditions:
            raise ParameterError(
                f"{self.operation} does not take condition expressions",
                operation=self.operation,
                parameter="ConditionExpressions",
            )

    def check(self, schema: Schema) -> None:
        """Raise a RecipeError when this step cannot run on ``schema``."""
        for column in self.reads():
            if column not in schema:
                raise ColumnNotFoundError(
                    f"column {column!r} does not exist at this step",
                    operation=self.operation,
                    parameter=self.parameter_of(column),
                    column=column,
                    suggestion=nearest(column, schema),
                )
        self.check_types(schema)

    def check_types(self, schema: Schema) -> None:
        """Refuse input columns of a type this transform cannot use."""
        for name, field in type(self).model_fields.items():
            allowed = _field_extra(field).get("x-wb-types")
            value = getattr(self, name)
            if not allowed or not isinstance(value, str) or value not in schema:
                continue
            if schema[value].value not in allowed:
                raise ParameterError(
                    f"column {value!r} is {schema[value].value}; this needs " + " or ".join(allowed),
                    operation=self.operation,
                    parameter=field.alias or name,
                    column=value,
                )

    def parameter_of(self, column: str) -> str | None:
        """The wire name of the parameter that refers to ``column``."""
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if value == column or (isinstance(value, list) and column in value):
                return field.alias or name
        return None

    def rename_columns(self, mapping: dict[str, str]) -> Self:
        """A copy of this step with its column references renamed."""
        updates: dict[str, Any] = {}
        for name, field in type(self).model_fields.items():
            kind = _field_extra(field).get(KIND)
            value = getattr(self, name)
            if kind == ParamKind.COLUMN.value and isinstance(value, str):
                updates[name] = mapping.get(value, value)
            elif kind == ParamKind.COLUMNS.value and isinstance(value, list):
                updates[name] = [mapping.get(v, v) for v in value]
        return self.model_copy(update=updates)

    # --- engines ---------------------------------------------------------------------------

    def apply_pandas(self, df: Any, ctx: PandasContext, where: Any = None) -> Any:
        """Run on a pandas frame; ``where`` is the row mask of the step's conditions."""
        raise NotImplementedError

    def apply_spark(self, df: Any, ctx: SparkContext, where: Any = None) -> Any:
        """Build the Spark plan; ``where`` is the condition predicate, if any."""
        raise NotImplementedError

    def to_parameters(self) -> dict[str, Any]:
        """The typed parameters as they appear in a native recipe."""
        return self.model_dump(by_alias=True, exclude_unset=True, mode="json")


def _field_extra(field: Any) -> dict[str, Any]:
    """The ``x-wb-*`` tags of a field, also when it is Optional[kind]."""
    extra = field.json_schema_extra
    if isinstance(extra, dict):
        return extra
    for meta in field.metadata:
        extra = getattr(meta, "json_schema_extra", None)
        if isinstance(extra, dict):
            return extra
    return _annotation_extra(field.annotation)


def _annotation_extra(annotation: Any) -> dict[str, Any]:
    for meta in getattr(annotation, "__metadata__", ()):
        extra = getattr(meta, "json_schema_extra", None)
        if isinstance(extra, dict):
            return extra
    for arg in typing.get_args(annotation):
        found = _annotation_extra(arg)
        if found:
            return found
    return {}


def lookup(operation: str) -> type[Transform]:
    """The transform class of an operation name; suggests the nearest name when unknown."""
    _load_catalogue()
    try:
        return REGISTRY[operation]
    except KeyError:
        raise UnknownOperationError(
            f"unknown operation {operation!r}",
            suggestion=nearest(operation, REGISTRY),
        ) from None


def build(operation: str, parameters: dict[str, Any]) -> Transform:
    """Validate parameters and return the transform, raising ParameterError when they are wrong."""
    cls = lookup(operation)
    try:
        return cls.model_validate(parameters)
    except ValidationError as exc:
        raise _parameter_error(cls, exc) from None


def _parameter_error(cls: type[Transform], exc: ValidationError) -> ParameterError:
    errors = exc.errors()
    first = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0])
    loc = first.get("loc") or ()
    parameter = str(loc[0]) if loc else None
    known = list(cls.param_kinds())
    kind = first.get("type", "")
    if kind == "extra_forbidden" and parameter:
        return ParameterError(
            f"unknown parameter {parameter!r}; {cls.operation} takes " + ", ".join(known),
            operation=cls.operation,
            parameter=parameter,
            suggestion=nearest(parameter, known),
        )
    if kind == "missing":
        return ParameterError("required parameter is missing", operation=cls.operation, parameter=parameter)
    detail = first.get("msg", "invalid value")
    detail = detail.removeprefix("Value error, ")
    if len(loc) > 1:
        detail = f"at {'.'.join(str(p) for p in loc[1:])}: {detail}"
    value = first.get("input")
    if kind != "value_error" and not isinstance(value, (dict, list)):
        detail += f" (got {value!r})"
    return ParameterError(detail, operation=cls.operation, parameter=parameter)


_LOADED = False


def _load_catalogue() -> None:
    global _LOADED
    if not _LOADED:
        import workbench.transforms  # noqa: F401  (registers every transform)

        _LOADED = True


def transforms() -> Iterator[type[Transform]]:
    """Every registered transform class, by category then operation name."""
    _load_catalogue()
    order = list(Category)
    yield from sorted(REGISTRY.values(), key=lambda t: (order.index(t.category), t.operation))
