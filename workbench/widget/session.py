"""The kernel side of the notebook workbench: one recipe, one sample, and the live frame.

Every UI action is a method of :class:`Session` and every edit is one undoable recipe change.
After any action, replaying ``session.recipe`` on ``session.source_sample`` gives
``session.sample_frame`` (up to the first step that fails, when one does).

Replay is incremental: the frame before and after each step is kept, keyed by the steps up to
it, so adding a step at the end runs one step and editing step ``i`` reruns from ``i``. A step
that an upstream edit breaks does not break the session: it is marked "error", the enabled steps
after it "blocked", and the live frame is the frame before it. A new or edited step that is
itself invalid on the data is refused and the recipe stays as it was.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from workbench.core.errors import ColumnNotFoundError, RecipeError, WorkbenchError, nearest
from workbench.core.registry import Category
from workbench.core.types import Schema
from workbench.engines.pandas import PandasEngine
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import replay, run_step
from workbench.widget.describe import describe
from workbench.widget.diff import Comparison, compare
from workbench.widget.headers import HeaderProfiles, header
from workbench.widget.sample import FileSource, SampleSpec, Source, open_source, read_frame, spark_from_pandas

SESSIONS_DIR = Path(".workbench") / "sessions"
"""Where a session without a recipe file saves its recipe, under the working directory."""

_KEEP: Any = object()
"""Marks "leave the base as it is", where None means "based on nothing"."""

PREVIEW_PROFILE_CELLS = 250_000
"""A preview profiles its new columns only up to this many cells (about half a second); beyond,
those headers stay empty until the step is applied, so a sort or join previews without waiting."""


@dataclasses.dataclass
class _Run:
    """What happened to one step in the last replay."""

    key: str
    status: str
    error: Exception | None = None
    before: pd.DataFrame | None = None
    after: pd.DataFrame | None = None


@dataclasses.dataclass
class _Preview:
    comparison: Comparison
    info: dict[str, Any]


class Session:
    """A recipe being built on a sample of a source; every UI action goes through here.

    ``source`` is a pandas DataFrame, a file path (CSV, Parquet, JSON Lines, Excel) or a Spark
    DataFrame. ``recipe`` is a Recipe, or the path of a recipe file: loaded when it exists, and
    saved after every edit. Without a path the recipe is saved to ``autosave``, or by default to
    ``.workbench/sessions/session-YYYYmmdd-HHMMSS.json`` under the working directory.
    ``datasets`` binds the secondary datasets JOIN and UNION name (pandas or Spark frames, or
    paths); they are read whole, not sampled, since a lookup table cut to a sample would drop
    matches. ``secrets`` binds the secret names sensitive-data steps reference.
    """

    def __init__(
        self,
        source: Any,
        *,
        sample: SampleSpec | None = None,
        recipe: Recipe | str | Path | None = None,
        datasets: dict[str, Any] | None = None,
        autosave: Path | None = None,
        secrets: Any = None,
    ) -> None:
        self._source: Source = open_source(source)
        self._recipe, recipe_file = _initial_recipe(recipe)
        self._path = Path(autosave) if autosave is not None else recipe_file or _new_session_path()
        self._dataset_sources = dict(datasets or {})
        self._secrets = secrets
        self._engine = PandasEngine(
            datasets={name: read_frame(data) for name, data in self._dataset_sources.items()},
            secrets=secrets,
        )
        self._dataset_schemas = {name: self._engine.schema_of(f) for name, f in self._engine.datasets.items()}
        # Each undo entry is a recipe with the library version it was based on, so undoing
        # "open this version" also takes back the base it set.
        self._undo: list[tuple[Recipe, Any]] = []
        self._redo: list[tuple[Recipe, Any]] = []
        self._base: Any = None
        self._runs: list[_Run] = []
        self._live = pd.DataFrame()
        self._revision = 0
        self._preview: _Preview | None = None
        self._headers = HeaderProfiles()
        self._take_sample(sample or SampleSpec())

    # ------------------------------------------------------------------ what the UI reads

    @property
    def recipe(self) -> Recipe:
        """A copy of the working recipe (edit it through the session's methods)."""
        return copy.deepcopy(self._recipe)

    @property
    def recipe_path(self) -> Path:
        """The file the recipe is saved to after every edit."""
        return self._path

    @property
    def source_sample(self) -> pd.DataFrame:
        """The sampled rows of the source, before any step."""
        return self._sample

    @property
    def sample_frame(self) -> pd.DataFrame:
        """The live frame: the sample with the recipe applied (up to a failing step)."""
        return self._live

    def step_frame(self, index: int) -> pd.DataFrame:
        """The sample as step ``index`` (from 0) left it: what DataBrew's GET_STEP_DATAFRAME asks for.

        A disabled step leaves the frame as the step before it did; a step that failed, or comes
        after one that failed, raises the error that stopped the recipe there.
        """
        if not self._runs:
            raise RecipeError("the recipe has no steps; the sample is session.source_sample")
        run = self._runs[_position(index, len(self._runs) - 1, "index")]
        if run.after is None:
            failed = self._first_error()
            error = self._runs[failed].error if failed >= 0 else None
            if isinstance(error, WorkbenchError):
                raise error
            raise RecipeError(f"step {index + 1} did not run")
        return run.after

    def advanced_datatype(self, column: str) -> str | None:
        """DataBrew's advanced data type of a live column (what GET_ADVANCED_DATATYPE asks), or None."""
        from workbench.pii import advanced_datatype

        if column not in self._live.columns:
            raise ColumnNotFoundError(
                f"column {column!r} does not exist",
                column=column,
                suggestion=nearest(column, self._live.columns),
            )
        return advanced_datatype(self._live, column)

    def clusters(
        self,
        column: str,
        method: str = "KEY_COLLISION",
        keyer: str = "FINGERPRINT",
        *,
        ngram_size: int = 2,
        radius: float = 1.0,
        block_size: int = 6,
        at: int | None = None,
    ) -> list[dict[str, Any]]:
        """Clusters of probably-equal values of a text column, for CLUSTER_AND_MERGE's review.

        Runs on the frame a step at position ``at`` sees (the live frame when None); the methods
        and the result are those of ``workbench.core.clustering.find_clusters``.
        """
        from workbench.core.clustering import find_clusters

        frame = None if at is None else self._frame_before(_position(at, len(self._recipe.steps), "at"))
        frame = self._live if frame is None else frame
        names = [str(c) for c in frame.columns]
        if column not in names:
            raise ColumnNotFoundError(
                f"column {column!r} does not exist", column=column, suggestion=nearest(column, names)
            )
        return find_clusters(frame[column], method, keyer, ngram_size, radius, block_size)

    @property
    def sample_info(self) -> dict[str, Any]:
        """The SampleInfo dict (protocol.ts) of the current sample."""
        return dict(self._sample_info)

    @property
    def revision(self) -> int:
        """A number bumped every time the live frame changes."""
        return self._revision

    @property
    def can_undo(self) -> bool:
        """Whether there is an edit to take back."""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone edit to make again."""
        return bool(self._redo)

    @property
    def datasets(self) -> dict[str, pd.DataFrame]:
        """The secondary datasets as the pandas engine holds them, by name."""
        return dict(self._engine.datasets)

    @property
    def dataset_names(self) -> list[str]:
        """Names of the bound secondary datasets."""
        return sorted(self._engine.datasets)

    def dataset_columns(self, name: str) -> list[dict[str, str]]:
        """Columns (name and type) of a secondary dataset."""
        frame = self._engine.dataset(name, "JOIN")
        return _schema_list(self._engine.schema_of(frame))

    # ------------------------------------------------------------------ recipe edits

    def apply(self, step: Step | dict[str, Any], at: int | None = None) -> None:
        """Insert a step before position ``at`` (at the end by default); refused when it is invalid."""
        steps = self._recipe.steps
        at = len(steps) if at is None else _position(at, len(steps), "at")
        new = self._as_step(step, at)
        self._check_new(new, at)
        self._commit([*steps[:at], new, *steps[at:]], refuse_at=at)

    def edit(self, index: int, step: Step | dict[str, Any]) -> None:
        """Replace step ``index``; refused when the new step is invalid."""
        steps = self._recipe.steps
        index = _position(index, len(steps) - 1, "index")
        new = self._as_step(step, index, keep_id=steps[index].id)
        self._check_new(new, index)
        self._commit([*steps[:index], new, *steps[index + 1 :]], refuse_at=index)

    def toggle(self, index: int) -> None:
        """Disable step ``index``, or enable it again."""
        steps = copy.deepcopy(self._recipe.steps)
        index = _position(index, len(steps) - 1, "index")
        steps[index].disabled = not steps[index].disabled
        self._commit(steps)

    def delete(self, index: int) -> None:
        """Remove step ``index``."""
        steps = list(self._recipe.steps)
        index = _position(index, len(steps) - 1, "index")
        del steps[index]
        self._commit(steps)

    def move(self, index: int, to: int) -> None:
        """Move step ``index`` so that it ends up at position ``to``."""
        steps = list(self._recipe.steps)
        index = _position(index, len(steps) - 1, "index")
        to = _position(to, len(steps) - 1, "to")
        steps.insert(to, steps.pop(index))
        self._commit(steps)

    def undo(self) -> None:
        """Take back the last edit (recipe and live frame)."""
        if not self._undo:
            raise RecipeError("there is nothing to undo")
        self._redo.append((self._recipe, self._base))
        self._restore(*self._undo.pop())

    def redo(self) -> None:
        """Make the last undone edit again."""
        if not self._redo:
            raise RecipeError("there is nothing to redo")
        self._undo.append((self._recipe, self._base))
        self._restore(*self._redo.pop())

    def import_recipe(self, text: str) -> None:
        """Replace the steps with a recipe in native JSON, DataBrew JSON or YAML (one undoable edit)."""
        loaded = Recipe.loads(text, source="the imported recipe")
        recipe = copy.deepcopy(self._recipe)
        recipe.steps = []
        for step in loaded.steps:
            recipe.steps.append(_with_unique_id(step, recipe.steps, explicit=True))
        recipe.name = loaded.name or recipe.name
        recipe.description = loaded.description or recipe.description
        recipe.tags = loaded.tags or recipe.tags
        self._commit_recipe(recipe)

    def replace_recipe(self, recipe: Recipe, base: Any = None) -> None:
        """Make ``recipe`` the working recipe, based on ``base`` (one undoable edit).

        Undo brings back the previous recipe and the base it had.
        """
        replacement = copy.deepcopy(recipe)
        replacement.steps = []
        for step in recipe.steps:
            replacement.steps.append(_with_unique_id(copy.deepcopy(step), replacement.steps, explicit=True))
        self._commit_recipe(replacement, base=base)

    @property
    def base(self) -> Any:
        """The library version the recipe is based on (a ``library_link.Base``), or None."""
        return self._base

    def set_base(self, base: Any) -> None:
        """Record the library version the recipe is now based on (after a publish); not an edit."""
        self._base = base

    def input_schema(self) -> Schema:
        """The schema of the source, before any step: what the recipe is built against."""
        return self._engine.schema_of(self._sample)

    def dataset_binding(self) -> dict[str, Any] | None:
        """The file the session reads and its format, as ``library publish --input`` records it."""
        if not isinstance(self._source, FileSource):
            return None
        kind = "excel" if self._source.excel or self._source.format is None else self._source.format.value
        return {"path": str(self._source.path), "format": kind}

    def export_recipe(self, databrew: bool = False) -> str:
        """The recipe as text: the native JSON document, or DataBrew's strict JSON list."""
        return self._recipe.dumps(databrew=databrew)

    def resample(self, spec: SampleSpec) -> None:
        """Work on another sample of the source; the recipe is replayed on it."""
        self._take_sample(spec)

    # ------------------------------------------------------------------ checks and previews

    def schema_at(self, at: int) -> list[dict[str, str]]:
        """Columns (name and type) of the frame a step at position ``at`` sees.

        Past a failing step the columns are not known; the frame before that step stands in.
        """
        at = _position(at, len(self._recipe.steps), "at")
        frame = self._frame_before(at)
        return _schema_list(self._engine.schema_of(self._live if frame is None else frame))

    def validate(self, step: Step | dict[str, Any], at: int | None = None) -> list[dict[str, Any]]:
        """Problems of a step at a position, without running it: a list of StepError dicts."""
        try:
            at = len(self._recipe.steps) if at is None else _position(at, len(self._recipe.steps), "at")
            self._check_new(self._as_step(step, at), at)
        except RecipeError as exc:
            return [step_error(exc)]
        return []

    def preview(self, step: Step | dict[str, Any], at: int | None = None) -> dict[str, Any]:
        """Run a candidate step on the frame at its position, leaving the session as it is.

        Returns the PreviewInfo dict (protocol.ts) and keeps the preview for ``preview_window``.
        An invalid step raises its RecipeError; a step that fails on the data its StepRuntimeError.
        """
        steps = self._recipe.steps
        at = len(steps) if at is None else _position(at, len(steps), "at")
        candidate = self._as_step(step, at)
        candidate.disabled = False
        frame = self._frame_before(at)
        if frame is None:
            failing = self._first_error() + 1
            raise RecipeError(f"step {failing} fails; fix or disable it to preview the steps after it")
        self._check(candidate, at, frame)
        before = _by_position(frame)
        after = run_step(self._engine, before, candidate, at)
        transform = candidate.transform()
        keeps = transform.keeps_row_position or transform.category is Category.COLUMN
        comparison = compare(before, after, keeps)
        info = {
            "mode": comparison.mode,
            "summary": comparison.summary,
            "rowsBefore": comparison.rows_before,
            "rowsAfter": comparison.rows_after,
            "addedColumns": comparison.added,
            "removedColumns": comparison.removed,
            "changedColumns": comparison.changed_columns,
            "columns": self._column_infos(comparison.shown, PREVIEW_PROFILE_CELLS),
            "rows": len(comparison.shown),
        }
        self._preview = _Preview(comparison, info)
        return dict(info)

    def clear_preview(self) -> None:
        """Leave preview mode."""
        self._preview = None

    @property
    def current_preview(self) -> dict[str, Any] | None:
        """The PreviewInfo dict of the preview being shown, if any."""
        return None if self._preview is None else dict(self._preview.info)

    # ------------------------------------------------------------------ the grid

    def columns(self) -> list[dict[str, Any]]:
        """ColumnInfo dicts of the live frame, with header profiles."""
        return self._column_infos(self._live)

    def column_profile(self, name: str) -> dict[str, Any]:
        """The full profile entry of one column of the live frame (docs/profile.md)."""
        names = [str(c) for c in self._live.columns]
        if name not in names:
            raise ColumnNotFoundError(
                f"column {name!r} is not in the data", column=name, suggestion=nearest(name, names)
            )
        entry = self._headers.entries(self._live[[name]]).get(name)
        if entry is None:
            raise WorkbenchError(f"column {name!r} cannot be profiled")
        return dict(entry)

    def window(self, start: int, stop: int) -> pa.Table:
        """Rows [start, stop) of the live frame as an Arrow table (clipped to the frame)."""
        return _rows_of(self._engine, self._live, start, stop)

    def preview_window(self, start: int, stop: int) -> tuple[pa.Table, dict[str, Any]]:
        """Rows [start, stop) of the preview frame, and what changed in them.

        The extras hold ``changed`` (column -> row offsets from ``start``) in "cells" mode and
        ``removed`` (row offsets) in "rows" mode.
        """
        if self._preview is None:
            raise RecipeError("no preview is shown")
        comparison = self._preview.comparison
        table = _rows_of(self._engine, comparison.shown, start, stop)
        begin = max(0, start)
        end = begin + table.num_rows
        extras: dict[str, Any] = {}
        if comparison.mode == "cells":
            changed = {name: _offsets(mask, begin, end) for name, mask in comparison.changed.items()}
            extras["changed"] = {name: rows for name, rows in changed.items() if rows}
        elif comparison.removed_rows is not None:
            extras["removed"] = _offsets(comparison.removed_rows, begin, end)
        return table, extras

    # ------------------------------------------------------------------ recipe panel

    def step_states(self) -> list[dict[str, Any]]:
        """StepState dicts (protocol.ts): each step, in words, with its status and error."""
        return [
            {
                "step": step.to_json(),
                "description": describe(step),
                "status": run.status,
                "error": None if run.error is None else step_error(run.error),
            }
            for step, run in zip(self._recipe.steps, self._runs, strict=True)
        ]

    def recipe_state(self) -> dict[str, Any]:
        """The RecipeState dict (protocol.ts) the recipe panel shows."""
        return {
            "name": self._recipe.name or self._path.stem,
            "steps": self.step_states(),
            "canUndo": self.can_undo,
            "canRedo": self.can_redo,
            "path": str(self._path),
        }

    # ------------------------------------------------------------------ all of the data

    def result(self, engine: str = "pandas", spark: Any = None) -> Any:
        """Replay the recipe on the whole source.

        A pandas frame, or a lazy Spark frame when the source is a Spark frame or ``engine`` is
        "spark" (on ``spark``, else the source's session, else the default local session).
        """
        if engine not in ("pandas", "spark"):
            raise RecipeError(f"unknown engine {engine!r}; use pandas or spark")
        recipe = self.recipe
        if engine == "spark" or self._source.kind == "spark":
            session = spark or getattr(getattr(self._source, "frame", None), "sparkSession", None)
            if session is None:
                from workbench.engines.spark.session import get_session

                session = get_session()
            datasets = {name: _spark_dataset(session, data) for name, data in self._dataset_sources.items()}
            frame = self._source.spark_frame(session)
            return replay(recipe, frame, datasets=datasets, secrets=self._secrets)
        frame = read_frame(self._source)
        return replay(recipe, frame, datasets=self._engine.datasets, secrets=self._secrets)

    # ------------------------------------------------------------------ internals

    def _take_sample(self, spec: SampleSpec) -> None:
        taken = self._source.sample(spec)
        self._sample = taken.frame
        self._sample_info = taken.info
        self._runs = []
        self._preview = None
        self._replay()

    def _as_step(self, step: Step | dict[str, Any], index: int, keep_id: str | None = None) -> Step:
        """A copy of ``step`` (a Step or its native JSON) with an id no other step has."""
        if isinstance(step, Step):
            parsed, explicit = copy.deepcopy(step), step.id is not None
        else:
            parsed = Step.from_json(step, index)
            explicit = isinstance(step, dict) and step.get("id") is not None
        if not explicit and keep_id is not None:
            parsed.id, explicit = keep_id, True
        others = [s for s in self._recipe.steps if s.id != keep_id]
        return _with_unique_id(parsed, others, explicit=explicit)

    def _check_new(self, step: Step, at: int) -> None:
        """Refuse a step that cannot run at position ``at`` (against the frame there, when known)."""
        frame = self._frame_before(at)
        if frame is not None and not step.disabled:
            self._check(step, at, frame)
            return
        try:
            Recipe(steps=[step]).validate(None, secrets=self._engine.secrets)
        except RecipeError as exc:
            raise exc.at_step(at, step.id, step.operation) from None

    def _check(self, step: Step, index: int, frame: pd.DataFrame) -> None:
        """Validate one step against the schema of the frame before it."""
        schema = self._engine.schema_of(frame)
        try:
            Recipe(steps=[step]).validate(schema, self._dataset_schemas, secrets=self._engine.secrets)
        except ColumnNotFoundError as exc:
            raise self._explained(exc, step, index) from None
        except RecipeError as exc:
            raise exc.at_step(index, step.id, step.operation) from None

    def _explained(self, exc: ColumnNotFoundError, step: Step, index: int) -> RecipeError:
        """The missing-column error, saying which earlier step removed or renamed the column."""
        steps = [*self._recipe.steps[:index], step]
        try:
            Recipe(steps=steps).validate(self._engine.schema_of(self._sample), self._dataset_schemas)
        except ColumnNotFoundError as static:
            if static.step_index == index and static.column == exc.column:
                return static
        except RecipeError:
            pass
        return exc.at_step(index, step.id, step.operation)

    def _frame_before(self, at: int) -> pd.DataFrame | None:
        """The frame a step at position ``at`` sees; None past a failing step."""
        if at < len(self._runs):
            return self._runs[at].before
        return None if self._first_error() >= 0 else self._live

    def _first_error(self) -> int:
        return next((i for i, run in enumerate(self._runs) if run.status == "error"), -1)

    def _commit(self, steps: list[Step], refuse_at: int | None = None) -> None:
        recipe = copy.copy(self._recipe)
        recipe.steps = steps
        self._commit_recipe(recipe, refuse_at)

    def _commit_recipe(self, recipe: Recipe, refuse_at: int | None = None, base: Any = _KEEP) -> None:
        """Make ``recipe`` the working recipe as one undoable edit (or refuse it, changing nothing).

        ``base`` replaces the library version the recipe is based on; by default it stays.
        """
        saved = (self._recipe, self._runs, self._live, self._revision)
        self._recipe = recipe
        self._replay()
        failed = self._runs[refuse_at] if refuse_at is not None else None
        if failed is not None and failed.error is not None:
            self._recipe, self._runs, self._live, self._revision = saved
            raise failed.error
        self._undo.append((saved[0], self._base))
        self._redo.clear()
        if base is not _KEEP:
            self._base = base
        self._save()

    def _restore(self, recipe: Recipe, base: Any) -> None:
        self._recipe = recipe
        self._base = base
        self._replay()
        self._save()

    def _save(self) -> None:
        self._preview = None
        self._recipe.save(self._path)

    def _replay(self) -> None:
        """Bring the per-step frames up to date, rerunning from the first step that changed."""
        old = self._runs
        runs: list[_Run] = []
        frame: pd.DataFrame = self._sample
        failed = False
        for index, step in enumerate(self._recipe.steps):
            key = _key(step)
            if index < len(old) and old[index].key == key:
                run = old[index]
            else:
                old = []
                run = self._run(step, index, key, None if failed else frame)
            runs.append(run)
            failed = failed or run.status == "error"
            if not failed and run.after is not None:
                frame = run.after
        self._runs = runs
        if frame is not self._live:
            self._live = frame
            self._revision += 1
            self._preview = None

    def _run(self, step: Step, index: int, key: str, frame: pd.DataFrame | None) -> _Run:
        if frame is None:
            return _Run(key, "skipped" if step.disabled else "blocked")
        if step.disabled:
            return _Run(key, "skipped", before=frame, after=frame)
        try:
            self._check(step, index, frame)
            after = run_step(self._engine, frame, step, index)
        except WorkbenchError as exc:
            return _Run(key, "error", error=exc, before=frame)
        return _Run(key, "ok", before=frame, after=after)

    def _column_infos(self, frame: pd.DataFrame, budget: int | None = None) -> list[dict[str, Any]]:
        entries = self._headers.entries(frame, budget)
        schema = self._engine.schema_of(frame)
        return [
            {"name": name, "type": ltype.value, "profile": header(entries.get(name))}
            for name, ltype in schema.items()
        ]


def step_error(exc: Exception) -> dict[str, Any]:
    """The StepError dict (protocol.ts) of an error: a message readable on its own, and where."""
    return {
        "message": str(exc) or type(exc).__name__,
        "parameter": getattr(exc, "parameter", None),
        "column": getattr(exc, "column", None),
        "suggestion": getattr(exc, "suggestion", None),
    }


def _initial_recipe(recipe: Recipe | str | Path | None) -> tuple[Recipe, Path | None]:
    if recipe is None:
        return Recipe(), None
    if isinstance(recipe, Recipe):
        return copy.deepcopy(recipe), None
    path = Path(recipe)
    return (Recipe.load(path) if path.exists() else Recipe(name=path.stem)), path


def _new_session_path() -> Path:
    """A fresh file under .workbench/sessions/ named after the time the session started."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path.cwd() / SESSIONS_DIR
    path = folder / f"session-{stamp}.json"
    n = 2
    while path.exists():
        path = folder / f"session-{stamp}-{n}.json"
        n += 1
    return path


def _position(value: int, last: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= last:
        raise RecipeError(f"{name} must be a step position from 0 to {last}, not {value!r}")
    return value


def _with_unique_id(step: Step, others: list[Step], *, explicit: bool) -> Step:
    """``step`` with its own id, or a new "sN" one when it has none or another step has it."""
    taken = {s.id for s in others}
    if explicit and step.id and step.id not in taken:
        return step
    n = len(others) + 1
    while f"s{n}" in taken:
        n += 1
    step.id = f"s{n}"
    return step


def _key(step: Step) -> str:
    """What identifies a step's effect (its note changes nothing)."""
    data = step.to_json()
    data.pop("note", None)
    return json.dumps(data, sort_keys=True, default=str)


def _by_position(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` indexed by row position 0..n-1."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return frame
    return frame.set_axis(pd.RangeIndex(len(frame)), axis=0)


def _offsets(mask: Any, begin: int, end: int) -> list[int]:
    """Offsets from ``begin`` of the true entries of a row mask within [begin, end)."""
    return [int(i) for i in mask[begin:end].nonzero()[0]]


def _rows_of(engine: PandasEngine, frame: pd.DataFrame, start: int, stop: int) -> pa.Table:
    begin = max(0, int(start))
    end = max(begin, min(int(stop), len(frame)))
    return engine.to_arrow(frame.iloc[begin:end])


def _schema_list(schema: Schema) -> list[dict[str, str]]:
    return [{"name": name, "type": ltype.value} for name, ltype in schema.items()]


def _spark_dataset(session: Any, data: Any) -> Any:
    from workbench.engines.spark import is_spark_frame

    if is_spark_frame(data):
        return data
    if isinstance(data, pd.DataFrame):
        return spark_from_pandas(session, data)
    return FileSource(Path(data)).spark_frame(session)
