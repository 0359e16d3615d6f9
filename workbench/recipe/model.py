"""Recipes: an envelope around DataBrew-shaped steps; loads DataBrew's own forms as they are."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from workbench.core.errors import ParameterError, RecipeError
from workbench.core.registry import Transform, build
from workbench.io.publish import write_text_atomic
from workbench.recipe.conditions import Condition

if TYPE_CHECKING:
    from collections.abc import Callable

FORMAT_NAME = "workbench-recipe"
FORMAT_VERSION = 1

CONSOLE_ONLY_PARAMETERS = frozenset({"functionStepType"})
"""Keys the DataBrew console writes that carry no meaning for the step; kept on export."""

_STEP_KEYS = {"Action", "ConditionExpressions", "id", "disabled", "note"}


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
        if not isinstance(data, dict) or "Action" not in data:
            raise RecipeError("a step needs an 'Action' object", step_index=index)
        unknown = set(data) - _STEP_KEYS
        if unknown:
            raise RecipeError(f"unknown step key {sorted(unknown)[0]!r}", step_index=index)
        action = data["Action"]
        if not isinstance(action, dict) or not isinstance(action.get("Operation"), str):
            raise RecipeError("'Action' needs an 'Operation' name", step_index=index)
        params = action.get("Parameters") or {}
        if not isinstance(params, dict):
            raise RecipeError(
                "'Parameters' must be an object", step_index=index, operation=action["Operation"]
            )
        step_id = data.get("id")
        try:
            conditions = [Condition.from_json(c) for c in data.get("ConditionExpressions") or []]
        except ParameterError as exc:
            raise exc.at_step(index, step_id, action["Operation"]) from None
        return cls(
            operation=action["Operation"],
            parameters=dict(params),
            conditions=conditions,
            id=str(step_id) if step_id is not None else f"s{index + 1}",
            disabled=bool(data.get("disabled", False)),
            note=data.get("note"),
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
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise RecipeError(f"cannot read recipe {str(p)!r}: {exc.strerror or exc}") from None
        suffix = p.suffix.lower()
        yaml_text = True if suffix in {".yml", ".yaml"} else False if suffix == ".json" else None
        recipe = cls.loads(text, yaml_text=yaml_text, source=str(p))
        if not recipe.name:
            recipe.name = p.stem
        return recipe

    @classmethod
    def loads(cls, text: str, *, yaml_text: bool | None = None, source: str = "recipe") -> Recipe:
        """Parse recipe text: JSON, or YAML (``yaml_text=None`` decides by the first character)."""
        if yaml_text is None:
            yaml_text = not text.lstrip().startswith(("[", "{"))
        if yaml_text:
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise RecipeError(f"{source} is not valid YAML: {exc}") from None
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                msg = f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                raise RecipeError(msg) from None
        return cls.from_data(data, source=source)

    @classmethod
    def from_data(cls, data: Any, *, source: str = "recipe") -> Recipe:
        """Build a recipe from decoded JSON/YAML data."""
        if isinstance(data, list):
            return cls(steps=[Step.from_json(s, i) for i, s in enumerate(data)])
        if not isinstance(data, dict):
            raise RecipeError(f"{source}: a recipe is a list of steps or an object with 'steps'")
        if "Steps" in data and "steps" not in data:
            return cls(
                steps=[Step.from_json(s, i) for i, s in enumerate(data["Steps"])],
                name=str(data.get("Name", "")),
            )
        _check_format(data.get("format"), source)
        steps = data.get("steps")
        if not isinstance(steps, list):
            raise RecipeError(f"{source}: 'steps' must be a list")
        tags = data.get("tags") or []
        return cls(
            steps=[Step.from_json(s, i) for i, s in enumerate(steps)],
            name=str(data.get("name", "")),
            description=str(data.get("description", "")),
            tags=[str(t) for t in tags],
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
        self, schema: Any = None, datasets: dict[str, Any] | None = None, *, secrets: Any = None
    ) -> Any:
        """Check every step without touching data; returns the final schema when one was given.

        With ``secrets`` (bindings or a ``Secrets`` object), every secret a step references must
        be available (bound, or in its ``WORKBENCH_SECRET_<NAME>`` variable) and be a usable key.
        """
        from workbench.recipe.validate import validate

        return validate(self, schema, datasets, secrets=secrets)

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


def _check_format(fmt: Any, source: str) -> None:
    if fmt is None:
        return
    name = fmt.get("name") if isinstance(fmt, dict) else None
    version = fmt.get("version") if isinstance(fmt, dict) else None
    if name != FORMAT_NAME or not isinstance(version, int):
        raise RecipeError(f'{source}: \'format\' must be {{"name": "{FORMAT_NAME}", "version": N}}')
    if version > FORMAT_VERSION:
        raise RecipeError(
            f"{source} uses recipe format {version}; this Workbench reads up to "
            f"{FORMAT_VERSION}; upgrade Workbench"
        )
