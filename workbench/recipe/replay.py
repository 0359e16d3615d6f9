"""Replay: run a recipe's enabled steps in order on one engine."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from workbench.core.errors import EngineNotSupportedError, RecipeError, StepRuntimeError, WorkbenchError
from workbench.core.secrets import Secrets, as_secrets
from workbench.recipe import conditions as cond

if TYPE_CHECKING:
    from workbench.engines.base import Engine
    from workbench.recipe.model import Recipe, Step


def engine_for(frame: Any, datasets: dict[str, Any] | None = None, secrets: Any = None) -> Engine:
    """The engine that runs on ``frame``: pandas for pandas, Spark for Spark DataFrames."""
    import pandas as pd

    if isinstance(frame, pd.DataFrame):
        from workbench.engines.pandas import PandasEngine

        return PandasEngine(datasets=datasets, secrets=secrets)
    from workbench.engines.spark import SparkEngine, is_spark_frame

    if is_spark_frame(frame):
        return SparkEngine(session=frame.sparkSession, datasets=datasets, secrets=secrets)
    msg = f"cannot run a recipe on {type(frame).__name__}; give a pandas or Spark DataFrame"
    raise TypeError(msg)


def replay(
    recipe: Recipe,
    frame: Any,
    *,
    datasets: dict[str, Any] | None = None,
    engine: Engine | None = None,
    progress: Callable[[int, Step], None] | None = None,
    secrets: Mapping[str, Any] | Secrets | None = None,
) -> Any:
    """Validate the recipe against the frame's schema, then run every enabled step.

    ``secrets`` binds the secret names steps reference (``{"name": b"key"}``, ``"env:VAR"`` or
    ``"file:PATH"``); unbound names are read from ``WORKBENCH_SECRET_<NAME>``.
    """
    engine = engine or engine_for(frame, datasets, secrets)
    if secrets is not None:
        engine.secrets = as_secrets(secrets)
    frame = engine.prepare(frame)
    dataset_schemas = {name: engine.schema_of(f) for name, f in engine.datasets.items()}
    recipe.validate(engine.schema_of(frame), dataset_schemas, secrets=_engine_secrets(engine))
    if not engine.fuse_steps:
        return _run_steps(engine, recipe, frame, progress, fuse=False)
    try:
        return _run_steps(engine, recipe, frame, progress, fuse=True)
    except WorkbenchError:
        raise
    except Exception:
        # Spark analyses a fused projection only when it is built: step by step names the step.
        engine.fuse_steps = False
        try:
            return _run_steps(engine, recipe, frame, progress, fuse=False)
        finally:
            engine.fuse_steps = True


def _run_steps(
    engine: Engine, recipe: Recipe, frame: Any, progress: Callable[[int, Step], None] | None, *, fuse: bool
) -> Any:
    for index, step in enumerate(recipe.steps):
        if step.disabled:
            continue
        frame = run_step(engine, frame, step, index, fuse=fuse)
        if progress is not None:
            progress(index, step)
    return engine.in_row_order(engine.materialise(frame))


def run_step(engine: Any, frame: Any, step: Step, index: int, *, fuse: bool = False) -> Any:
    """Run one step on one engine, turning engine failures into a step error.

    With ``fuse`` (Spark, inside a replay) a row-wise step may join the frame's pending
    projection instead; the result is then a projection, which ``engine.materialise`` builds.
    """
    transform = step.transform()
    reason = transform.not_supported.get(engine.name)
    if reason:
        raise _not_supported(index, step.operation, engine.name, reason)
    if fuse:
        with _step_errors(engine, step, index):
            fused = engine.fuse(frame, transform, step.conditions)
        if fused is not None:
            return fused
        frame = engine.materialise(frame)
    if not transform.keeps_row_position:
        frame = engine.in_row_order(frame)
    with _step_errors(engine, step, index):
        targets = [c.target_column for c in step.conditions]
        frame = engine.ensure_canonical(frame, [*transform.reads(), *targets])
        if engine.name == "pandas":
            mask = cond.pandas_mask(frame, step.conditions, engine.schema_of(frame))
            return transform.apply_pandas(frame, engine, mask)
        predicate = cond.spark_predicate(step.conditions, engine.schema_of(frame))
        return transform.apply_spark(frame, engine, predicate)


@contextlib.contextmanager
def _step_errors(engine: Any, step: Step, index: int) -> Iterator[None]:
    """Engine failures inside the block become a StepRuntimeError naming the step."""
    try:
        yield
    except RecipeError as exc:
        # The recipe validated against the schema; what fails now depends on the data.
        detail = f"parameter {exc.parameter!r}: {exc.detail}" if exc.parameter else exc.detail
        raise StepRuntimeError(detail, step_index=index, step_id=step.id, operation=step.operation) from exc
    except WorkbenchError:
        raise
    except Exception as exc:
        # Never let key material that an engine's message quotes (a plan literal) reach the user.
        message = _engine_secrets(engine).redact(_short(exc))
        raise StepRuntimeError(message, step_index=index, step_id=step.id, operation=step.operation) from exc


def check_engine_support(recipe: Recipe, engines: tuple[str, ...] = ("pandas", "spark")) -> None:
    """Refuse, before any data is read, an enabled step that none of ``engines`` can run.

    The error is the one replay would raise at that step, naming the step, the operation and
    the reason the transform declares.
    """
    for index, step in enumerate(recipe.steps):
        if step.disabled:
            continue
        try:
            declared = step.transform().not_supported
        except RecipeError:
            continue  # validation reports a bad step with its position
        reasons = [(e, declared[e]) for e in engines if e in declared]
        if len(reasons) == len(engines):
            names = " or ".join(engines)
            raise _not_supported(index, step.operation, names, _joined(reasons))


def _not_supported(index: int, operation: str, engines: str, reason: str) -> EngineNotSupportedError:
    return EngineNotSupportedError(f"step {index + 1}, {operation} cannot run on {engines}: {reason}")


def _joined(reasons: list[tuple[str, str]]) -> str:
    texts = list(dict.fromkeys(r for _, r in reasons))
    return texts[0] if len(texts) == 1 else "; ".join(f"{e}: {r}" for e, r in reasons)


def _engine_secrets(engine: Any) -> Secrets:
    found = getattr(engine, "secrets", None)
    if not isinstance(found, Secrets):
        found = as_secrets(found)
        engine.secrets = found
    return found


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]
