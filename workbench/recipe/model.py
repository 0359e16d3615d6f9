"""Recipes: an envelope around DataBrew-shaped steps; loads DataBrew's own forms as they are."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.errors import ParameterError, RecipeError, nearest
from workbench.core.params import parse_boolean
from workbench.core.registry import REGISTRY, Transform, build
from workbench.io.publish import write_text_atomic
from workbench.recipe import loading, migrations
from workbench.recipe.conditions import Condition

if TYPE_CHECKING:
    from collections.abc import Callable

FORMAT_NAME = "workbench-recipe"
FORMAT_VERSION = 1

CONSOLE_ONLY_PARAMETERS = frozenset({"functionStepType"})
"""Keys the DataBrew console writes that carry no meaning for the step; kept on export."""

RECIPE_KEYS = ("format", "name", "description", "tags", "steps")
"""The keys of Workbench's own recipe envelope."""

DATABREW_RECIPE_FIELDS = (
    "Name",
    "Description",
    "Steps",
    "Tags",
    "RecipeVersion",
    "CreateDate",
    "CreatedBy",
    "LastModifiedDate",
    "LastModifiedBy",
    "ProjectName",
    "PublishedDate",
    "PublishedBy",
    "ResourceArn",
)
"""DataBrew's recipe fields (CreateRecipe, DescribeRecipe, CloudFormation's AWS::DataBrew::Recipe).

``Steps``, ``Name`` and ``Description`` are read; the others describe DataBrew's copy of the
recipe (who published it, when) and are accepted and ignored."""

STEP_KEYS = ("Action", "ConditionExpressions", "id", "disabled", "note", "version")
"""DataBrew's step keys and Workbench's own (``id``, ``disabled``, ``note``, ``version``)."""

ACTION_KEYS = ("Operation", "Parameters")


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def unknown_key_error(
    data: dict[Any, Any], known: tuple[str, ...], where: str, prefix: str = "", **location: Any
) -> RecipeError | None:
    """The error for the first key of ``data`` that is not ``known`` (None when all are)."""
    unknown = sorted(str(k) for k in data if k not in known)
    if not unknown:
        return None
    key = unknown[0]
    hint = nearest(key, known)
    listed = "" if hint else f"; {where} takes {', '.join(known)}"
    return RecipeError(f"{prefix}unknown key {key!r} in {where}{listed}", suggestion=hint, **location)


def _text_field(data: dict[str, Any], key: str, where: str, **location: Any) -> str | None:
    value = data.get(key)
    if value is None:  # absent, or null as JSON writers put it for an unset optional key
        return None
    if not isinstance(value, str):
        raise RecipeError(f"{where} {key!r} must be a text, not {_kind_of(value)}", **location)
    return value


def _step_id(data: dict[str, Any], index: int) -> str:
    value = data.get("id")
    if value is None:
        return f"s{index + 1}"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise RecipeError(
            f"the step key 'id' must be a non-empty text or an integer, not {_kind_of(value)}",
            step_index=index,
        )
    return value


@dataclasses.dataclass
class Step:
    """One recipe step: a DataBrew action, its conditions, and Workbench's own keys."""

    operation: str
    parameters: dict[str, Any] = dataclasses.field(default_factory=dict)
    conditions: list[Condition] = dataclasses.field(default_factory=list)
    id: str | None = None
    disabled: bool = False
    note: str | None = None

    def transform(self) -> Transform:
        """The validated transform this step runs (raises ParameterError)."""
        meaningful = {k: v for k, v in self.parameters.items() if k not in CONSOLE_ONLY_PARAMETERS}
        return build(self.operation, meaningful)

    @classmethod
    def from_json(cls, data: Any, index: int) -> Step:
        """Read one step, refusing wrong shapes and unknown keys with the step named."""
        if not isinstance(data, dict):
            raise RecipeError(
                f"a step must be an object with an 'Action', not {_kind_of(data)}", step_index=index
            )
        step_id = _step_id(data, index)
        at: dict[str, Any] = {"step_index": index, "step_id": step_id}
        problem = unknown_key_error(data, STEP_KEYS, "a step", **at)
        if problem:
            raise problem
        operation, params = _action(data.get("Action"), at)
        at["operation"] = operation
        params = _upgraded(operation, _saved_version(data, at), params, at)
        try:
            conditions = [Condition.from_json(c, n) for n, c in enumerate(_conditions(data, at))]
        except ParameterError as exc:
            raise exc.at_step(index, step_id, operation) from None
        return cls(
            operation=operation,
            parameters=params,
            conditions=conditions,
            id=step_id,
            disabled=_disabled(data, at),
            note=_text_field(data, "note", "the step key", **at),
        )

    def typed_parameters(self) -> dict[str, Any]:
        """Parameters with typed values (the raw ones when the step does not validate)."""
        try:
            typed = self.transform().to_parameters()
        except RecipeError:
            return dict(self.parameters)
        extras = {k: v for k, v in self.parameters.items() if k in CONSOLE_ONLY_PARAMETERS}
        return {**typed, **extras}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id} if self.id else {}
        action: dict[str, Any] = {"Operation": self.operation}
        params = self.typed_parameters()
        if params:
            action["Parameters"] = params
        out["Action"] = action
        if self.conditions:
            out["ConditionExpressions"] = [c.to_json() for c in self.conditions]
        if self.disabled:
            out["disabled"] = True
        if self.note:
            out["note"] = self.note
        version = _current_version(self.operation)
        if version > 1:
            out["version"] = version
        return out

    def to_databrew(self) -> dict[str, Any]:
        params = {k: databrew_text(v) for k, v in self.typed_parameters().items()}
        action: dict[str, Any] = {"Operation": self.operation}
        if params:
            action["Parameters"] = params
        out: dict[str, Any] = {"Action": action}
        if self.conditions:
            out["ConditionExpressions"] = [c.to_json(strict=True) for c in self.conditions]
        return out


def databrew_text(value: Any) -> str:
    """A typed parameter value in DataBrew's all-strings encoding."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _action(action: Any, at: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if not isinstance(action, dict):
        got = "no 'Action'" if action is None else _kind_of(action)
        raise RecipeError(f"a step needs an 'Action' object with an 'Operation', got {got}", **at)
    operation = action.get("Operation")
    if not isinstance(operation, str) or not operation.strip():
        raise RecipeError(f"'Action' needs an 'Operation' name (a text), got {_kind_of(operation)}", **at)
    at = {**at, "operation": operation}
    problem = unknown_key_error(action, ACTION_KEYS, "'Action'", **at)
    if problem:
        raise problem
    params = action.get("Parameters", {})
    if not isinstance(params, dict):
        raise RecipeError(f"'Parameters' must be an object, not {_kind_of(params)}", **at)
    return operation, dict(params)


def _conditions(data: dict[str, Any], at: dict[str, Any]) -> list[Any]:
    conditions = data.get("ConditionExpressions", [])
    if not isinstance(conditions, list):
        raise RecipeError(
            f"'ConditionExpressions' must be a list of conditions, not {_kind_of(conditions)}", **at
        )
    return conditions


def _saved_version(data: dict[str, Any], at: dict[str, Any]) -> int:
    """The transform version a step was saved with (1 when the step does not say: DataBrew's form)."""
    version = data.get("version", 1)
    if isinstance(version, str) and version.isdigit():
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise RecipeError(f"the step key 'version' must be a whole number from 1, not {version!r}", **at)
    return version


def _current_version(operation: str) -> int:
    cls = REGISTRY.get(operation)
    return cls.version if cls is not None else 1


def _upgraded(operation: str, saved: int, params: dict[str, Any], at: dict[str, Any]) -> dict[str, Any]:
    """A step's parameters as the current version of its transform reads them."""
    current = _current_version(operation)
    if saved > current:
        raise RecipeError(
            f"this step was saved by a newer Workbench ({operation} version {saved}; this one reads "
            f"up to version {current}): upgrade Workbench to run it",
            **at,
        )
    if saved == current:
        return params
    try:
        return migrations.upgrade(operation, saved, current, params)
    except (KeyError, TypeError, ValueError) as exc:
        raise RecipeError(
            f"cannot upgrade this step from {operation} version {saved} to {current}: {exc}", **at
        ) from None


def _disabled(data: dict[str, Any], at: dict[str, Any]) -> bool:
    try:
        return parse_boolean(data.get("disabled", False))
    except ValueError as exc:
        raise RecipeError(f"the step key 'disabled' {exc}", **at) from None


@dataclasses.dataclass
class Recipe:
    """An ordered list of steps with a name, a description and tags."""

    steps: list[Step] = dataclasses.field(default_factory=list)
    name: str = ""
    description: str = ""
    tags: list[str] = dataclasses.field(default_factory=list)

    # --- loading -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Recipe:
        """Read a recipe file: native JSON, a DataBrew JSON export, or a DataBrew YAML export."""
        p = Path(path)
        raw = loading.read_bounded(p)
        suffix = p.suffix.lower()
        yaml_text = True if suffix in {".yml", ".yaml"} else False if suffix == ".json" else None
        recipe = cls.loads(loading.decode(raw, str(p)), yaml_text=yaml_text, source=str(p))
        if not recipe.name:
            recipe.name = p.stem
        return recipe

    @classmethod
    def loads(cls, text: str | bytes, *, yaml_text: bool | None = None, source: str = "recipe") -> Recipe:
        """Parse recipe text: JSON, or YAML (``yaml_text=None`` decides by the first character).

        Bytes must be UTF-8. Documents beyond the limits of :mod:`workbench.recipe.loading`
        (nesting, YAML aliases, number and text sizes) are refused before they are built.
        """
        if isinstance(text, bytes):
            text = loading.decode(text, source)
        text = text.removeprefix("\ufeff")
        if yaml_text is None:
            yaml_text = not text.lstrip().startswith(("[", "{"))
        data = loading.parse_yaml(text, source) if yaml_text else loading.parse_json(text, source)
        return cls.from_data(data, source=source)

    @classmethod
    def from_data(cls, data: Any, *, source: str = "recipe") -> Recipe:
        """Build a recipe from decoded JSON/YAML data (wrong shapes and unknown keys are refused)."""
        _check_values(data, source)
        if isinstance(data, list):
            return cls(steps=_steps(data))
        if not isinstance(data, dict):
            raise RecipeError(
                f"{source}: a recipe is a list of steps or an object with 'steps', not {_kind_of(data)}"
            )
        if "steps" not in data and ("Steps" in data or any(k in DATABREW_RECIPE_FIELDS for k in data)):
            return cls._from_databrew(data, source)
        problem = unknown_key_error(data, RECIPE_KEYS, "a recipe", f"{source}: ")
        if problem:
            raise problem
        _check_format(data, source)
        return cls(
            steps=_steps(_list_field(data, "steps", source, required=True)),
            name=_text_field(data, "name", f"{source}: the recipe key") or "",
            description=_text_field(data, "description", f"{source}: the recipe key") or "",
            tags=_tags(_list_field(data, "tags", source), source),
        )

    @classmethod
    def _from_databrew(cls, data: dict[str, Any], source: str) -> Recipe:
        """DataBrew's API form: ``Steps`` plus the fields of :data:`DATABREW_RECIPE_FIELDS`."""
        problem = unknown_key_error(data, DATABREW_RECIPE_FIELDS, "a DataBrew recipe", f"{source}: ")
        if problem:
            raise problem
        where = f"{source}: the DataBrew field"
        return cls(
            steps=_steps(_list_field(data, "Steps", source, required=True)),
            name=_text_field(data, "Name", where) or "",
            description=_text_field(data, "Description", where) or "",
        )

    # --- writing -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The native JSON document."""
        return {
            "format": {"name": FORMAT_NAME, "version": FORMAT_VERSION},
            "name": self.name,
            "description": self.description,
            "tags": list(self.tags),
            "steps": [s.to_json() for s in self.steps],
        }

    def to_databrew(self) -> list[dict[str, Any]]:
        """The strict DataBrew form: a bare list of steps with every parameter a string."""
        return [s.to_databrew() for s in self.steps if not s.disabled]

    def dumps(self, *, databrew: bool = False) -> str:
        data: Any = self.to_databrew() if databrew else self.to_dict()
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | os.PathLike[str], *, databrew: bool = False) -> None:
        """Write the recipe atomically (native form unless ``databrew``)."""
        write_text_atomic(Path(path), self.dumps(databrew=databrew))

    # --- running -------------------------------------------------------------------------

    def validate(
        self,
        schema: Any = None,
        datasets: dict[str, Any] | None = None,
        *,
        secrets: Any = None,
        bound_only: bool = False,
    ) -> Any:
        """Check every step without touching data; returns the final schema when one was given.

        With ``secrets`` (bindings or a ``Secrets`` object), every secret a step references must
        be available (bound, or in its ``WORKBENCH_SECRET_<NAME>`` variable) and be a usable key.
        With ``bound_only``, a secondary dataset that is not in ``datasets`` is refused.
        """
        from workbench.recipe.validate import validate

        return validate(self, schema, datasets, secrets=secrets, bound_only=bound_only)

    def apply(
        self,
        frame: Any,
        *,
        datasets: dict[str, Any] | None = None,
        progress: Callable[[int, Step], None] | None = None,
        secrets: Any = None,
    ) -> Any:
        """Replay on a pandas DataFrame (returns pandas) or a Spark DataFrame (returns a lazy plan).

        ``secrets`` binds secret names to keys (see ``workbench.core.secrets``).
        """
        from workbench.recipe.replay import replay

        return replay(self, frame, datasets=datasets, progress=progress, secrets=secrets)


def _steps(data: list[Any]) -> list[Step]:
    return [Step.from_json(s, i) for i, s in enumerate(data)]


def _list_field(data: dict[str, Any], key: str, source: str, *, required: bool = False) -> list[Any]:
    if key not in data and not required:
        return []
    value = data.get(key)
    if not isinstance(value, list):
        got = "missing" if key not in data else _kind_of(value)
        raise RecipeError(f"{source}: the recipe key {key!r} must be a list, not {got}")
    return value


def _tags(tags: list[Any], source: str) -> list[str]:
    for n, tag in enumerate(tags):
        if not isinstance(tag, str):
            raise RecipeError(f"{source}: tag {n + 1} of 'tags' must be a text, not {_kind_of(tag)}")
    return list(tags)


def _check_values(data: Any, source: str) -> None:
    """Refuse the first value beyond the loading limits, naming where it is."""
    for path, problem in loading.value_problems(data):
        raise _value_error(data, path, problem, source)


def _value_error(data: Any, path: tuple[Any, ...], problem: str, source: str) -> RecipeError:
    steps = data.get("steps", data.get("Steps")) if isinstance(data, dict) else data
    in_steps = isinstance(data, list) or (bool(path) and path[0] in {"steps", "Steps"})
    rest = path if isinstance(data, list) else path[1:]
    if not in_steps or not rest or not isinstance(steps, list):
        return RecipeError(f"{source}: {_dotted(path)} {problem}")
    index = rest[0]
    step = _as_dict(steps[index])
    at = {
        "step_index": index,
        "step_id": _as_text(step.get("id")) or f"s{index + 1}",
        "operation": _as_text(_as_dict(step.get("Action")).get("Operation")),
    }
    if len(rest) >= 4 and rest[1:3] == ("Action", "Parameters"):
        return RecipeError(f"the value {problem}", parameter=str(rest[3]), **at)
    return RecipeError(f"{_dotted(rest[1:])} {problem}", **at)


def _as_dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dotted(path: tuple[Any, ...]) -> str:
    if not path:
        return "the document"
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return f"the key {text!r}"


def _check_format(data: dict[str, Any], source: str) -> None:
    if "format" not in data:
        return
    fmt = data["format"]
    name = fmt.get("name") if isinstance(fmt, dict) else None
    version = fmt.get("version") if isinstance(fmt, dict) else None
    valid = isinstance(version, int) and not isinstance(version, bool) and version >= 1
    if name != FORMAT_NAME or not valid or set(fmt) != {"name", "version"} or version is None:
        raise RecipeError(
            f'{source}: \'format\' must be {{"name": "{FORMAT_NAME}", "version": N}}, not {_kind_of(fmt)}'
        )
    if version > FORMAT_VERSION:
        raise RecipeError(
            f"{source} uses recipe format {version}; this Workbench reads up to "
            f"{FORMAT_VERSION}; upgrade Workbench"
        )
