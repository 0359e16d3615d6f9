"""A pipeline job file: stages, each a recipe from an input to an output behind a quality gate.

The file is YAML or JSON and is data, like a recipe: it names files, recipes and rulesets, and
nothing in it is ever executed. ``docs/pipeline.schema.json`` is generated from these models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from workbench.core.errors import RecipeError, nearest

STAGE_NAME = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"


class PipelineError(RecipeError):
    """A job file that cannot run as written; nothing was read or written."""


class Stage(BaseModel):
    """One stage: replay ``recipe`` over ``input``, gate the result on ``ruleset``, write ``output``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=STAGE_NAME, description="The stage's name, unique in the job.")
    input: str = Field(min_length=1, description="A file, a folder of files or catalog:DB.TABLE.")
    recipe: str = Field(min_length=1, description="A recipe file, or NAME@REF from the job's library.")
    output: str = Field(min_length=1, description="A file or catalog:DB.TABLE; replaced on each run.")
    datasets: dict[str, str] = Field(default_factory=dict, description="Secondary datasets by name.")
    where: str | None = Field(None, description="Partition pruning for a catalog:DB.TABLE input.")
    ruleset: str | None = Field(None, description="A DQDL ruleset file gating the stage's output.")
    promote: float = Field(1.0, ge=0, le=1, description="At or above this score, the output is promoted.")
    warn: float | None = Field(
        None,
        ge=0,
        le=1,
        description="At or above this score (and below promote), promoted with a warning; "
        "below it, quarantined. Default: the promote score.",
    )
    row_level: bool = Field(
        False, description="Quarantine only the rows that fail row-level rules; promote the others."
    )
    quarantine: str | None = Field(
        None, description="Where held-back data goes (default: beside the output)."
    )
    engine: Literal["pandas", "spark"] | None = Field(None, description="Default: the job's engine.")
    needs: list[str] = Field(
        default_factory=list,
        description="Stages that must be promoted first (besides those whose output this stage reads).",
    )

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> Stage:
        if self.warn is not None and self.warn > self.promote:
            raise ValueError(f"warn ({self.warn}) is above promote ({self.promote})")
        if self.ruleset is None and (self.warn is not None or self.row_level or self.quarantine):
            raise ValueError("warn, row_level and quarantine need a ruleset")
        return self

    @property
    def warn_score(self) -> float:
        """The lowest score that still promotes the output."""
        return self.promote if self.warn is None else self.warn


class Job(BaseModel):
    """A pipeline: stages run in the order their inputs and ``needs`` give."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=STAGE_NAME, description="The job's name (its run state is kept under it).")
    description: str = ""
    engine: Literal["pandas", "spark"] = "pandas"
    library: str | None = Field(None, description="The recipe library NAME@REF recipes come from.")
    stages: list[Stage] = Field(min_length=1)


def load_job(path: Path) -> Job:
    """Read and check a job file (YAML or JSON); errors name the stage and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PipelineError(f"job file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(f"cannot read job file {str(path)!r}: {exc}") from None
    data = _parse(text, path)
    try:
        job = Job.model_validate(data)
    except ValidationError as exc:
        raise PipelineError(f"job file {path.name}: {_first_problem(exc, data)}") from None
    _check_names(job, path)
    return job


def _parse(text: str, path: Path) -> Any:
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PipelineError(f"job file {path.name} is not valid {_kind(path)}: {_one_line(exc)}") from None


def _kind(path: Path) -> str:
    return "JSON" if path.suffix.lower() == ".json" else "YAML"


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _first_problem(exc: ValidationError, data: Any) -> str:
    error = exc.errors()[0]
    where = list(error["loc"])
    if len(where) >= 2 and where[0] == "stages" and isinstance(where[1], int):
        stage = _stage_label(data, where[1])
        field = ".".join(str(p) for p in where[2:])
        place = f"{stage}, field {field!r}" if field else stage
    else:
        place = "field " + repr(".".join(str(p) for p in where)) if where else "the job"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden" and where:
        known = Stage.model_fields if len(where) > 2 else Job.model_fields
        close = nearest(str(where[-1]), list(known))
        message = "is not a field" + (f"; did you mean {close!r}?" if close else "")
    return f"{place}: {message}"


def _stage_label(data: Any, index: int) -> str:
    try:
        name = data["stages"][index]["name"]
    except (KeyError, IndexError, TypeError):
        name = None
    return f"stage {index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")


def _check_names(job: Job, path: Path) -> None:
    names = [s.name for s in job.stages]
    for i, stage in enumerate(job.stages):
        if stage.name in names[:i]:
            raise PipelineError(f"job file {path.name}: stage {i + 1}: the name {stage.name!r} is taken")
        for need in stage.needs:
            if need not in names:
                close = nearest(need, names)
                hint = f"; did you mean {close!r}?" if close else ""
                raise PipelineError(
                    f"job file {path.name}: stage {stage.name!r} needs {need!r}, which is not a stage{hint}"
                )


def job_schema() -> dict[str, Any]:
    """The JSON Schema of a job file."""
    schema = Job.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Workbench pipeline job"
    return schema
