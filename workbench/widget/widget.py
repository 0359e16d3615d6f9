"""The notebook workbench: a session you drive from the UI or from code, shown as an anywidget.

``Workbench`` is what ``wb.open`` returns. It owns a ``Session`` (the recipe, the sample and the
live frame) and a ``WorkbenchView`` (the anywidget the notebook displays). UI requests and Python
calls go through the same session methods, and after each one the view's traits are refreshed,
so the grid, the headers and the recipe panel always show what ``session.recipe`` says.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from workbench.core.errors import WorkbenchError
from workbench.widget import protocol
from workbench.widget.sample import SampleSpec
from workbench.widget.session import Session

STATIC = Path(__file__).parent / "static"
BUNDLE = STATIC / "widget.js"

_IDLE_JOB: dict[str, Any] = {"state": "idle", "progress": 0.0, "message": "", "summary": None}


class FrontendNotBuiltError(WorkbenchError):
    """The widget's JavaScript bundle is missing from the installed package."""


def _bundle() -> Path:
    if not BUNDLE.exists():
        msg = (
            f"the widget's frontend is not built ({BUNDLE} is missing); "
            "reinstall the package with `pip install .` or run `make install`, which build it with npm"
        )
        raise FrontendNotBuiltError(msg)
    return BUNDLE


class WorkbenchView(anywidget.AnyWidget):  # type: ignore[misc]
    """The displayed widget: mirrors the session's state in traits and forwards requests to it."""

    catalogue = traitlets.Dict().tag(sync=True)
    view = traitlets.Dict().tag(sync=True)
    recipe = traitlets.Dict().tag(sync=True)
    job = traitlets.Dict().tag(sync=True)
    datasets = traitlets.List(traitlets.Unicode()).tag(sync=True)


class Workbench:
    """An interactive data-preparation session over a sample of ``data``.

    Every method is one recipe edit and is undoable; ``recipe`` is the recipe so far and
    ``sample_frame`` the sample with it applied. Display the object to get the UI.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._job_thread: threading.Thread | None = None
        self.widget = WorkbenchView(
            _esm=_bundle().read_text(encoding="utf-8"),
            catalogue=protocol.catalogue_payload(),
            datasets=sorted(session.dataset_names),
            job=dict(_IDLE_JOB),
        )
        self.widget.on_msg(self._on_message)
        self._refresh()

    # ------------------------------------------------------------------ what a notebook reads

    @property
    def session(self) -> Session:
        """The session behind the UI (recipe, sample, per-step frames)."""
        return self._session

    @property
    def recipe(self) -> Any:
        """The working recipe: what the recipe panel shows."""
        return self._session.recipe

    @property
    def recipe_path(self) -> Path:
        """The file every edit is saved to."""
        return self._session.recipe_path

    @property
    def sample_frame(self) -> Any:
        """The sample with the recipe applied: what the grid shows."""
        return self._session.sample_frame

    def result(self, engine: str = "pandas", spark: Any = None) -> Any:
        """Replay the recipe on all of the data (pandas, or Spark with ``engine="spark"``)."""
        return self._session.result(engine=engine, spark=spark)

    # ------------------------------------------------------------------ recipe edits

    def apply(self, step: Any, at: int | None = None) -> Workbench:
        """Add a step (at the end, or before position ``at``)."""
        return self._edit(lambda: self._session.apply(step, at))

    def edit(self, index: int, step: Any) -> Workbench:
        """Replace step ``index``."""
        return self._edit(lambda: self._session.edit(index, step))

    def toggle(self, index: int) -> Workbench:
        """Disable step ``index``, or enable it again."""
        return self._edit(lambda: self._session.toggle(index))

    def delete(self, index: int) -> Workbench:
        """Remove step ``index``."""
        return self._edit(lambda: self._session.delete(index))

    def move(self, index: int, to: int) -> Workbench:
        """Move step ``index`` to position ``to``."""
        return self._edit(lambda: self._session.move(index, to))

    def undo(self) -> Workbench:
        """Take back the last edit."""
        return self._edit(self._session.undo)

    def redo(self) -> Workbench:
        """Make the last undone edit again."""
        return self._edit(self._session.redo)

    def resample(self, mode: str = "FIRST_N", size: int = 50_000, seed: int | None = 0) -> Workbench:
        """Show another sample of the source (FIRST_N, LAST_N, RANDOM or FULL)."""
        return self._edit(lambda: self._session.resample(SampleSpec(mode, size, seed)))

    def run(
        self,
        output: str | Path,
        *,
        engine: str = "pandas",
        remote: str | None = None,
        overwrite: bool = False,
    ) -> dict[str, Any]:
        """Replay the recipe on all of the data and write ``output`` atomically; returns a summary."""
        from workbench.widget.run import run_full

        return run_full(
            self._session,
            Path(output),
            engine=engine,
            remote=remote,
            overwrite=overwrite,
            on_progress=self._job_progress,
        )

    def _edit(self, action: Any) -> Workbench:
        action()
        self._refresh()
        return self

    # ------------------------------------------------------------------ the view

    def _refresh(self) -> None:
        session = self._session
        self.widget.view = {
            "revision": session.revision,
            "columns": session.columns(),
            "rows": len(session.sample_frame),
            "sample": session.sample_info,
            "preview": session.current_preview,
            "recipePath": str(session.recipe_path),
        }
        self.widget.recipe = session.recipe_state()

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("kind") != "request":
            return
        method = content.get("method")
        local = _LOCAL.get(str(method))
        response, buffers = local(self, content) if local else protocol.answer(self._session, content)
        self._after(str(method), response)
        self.widget.send(response, buffers=buffers or None)

    def _after(self, method: str, response: dict[str, Any]) -> None:
        """Bring the traits up to date with what the request changed."""
        if method in _CHANGES_VIEW:
            self._refresh()

    def _sample_request(self, content: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        params = content.get("params") or {}
        try:
            spec = SampleSpec(str(params["mode"]), int(params["size"]), params.get("seed"))
            self._session.resample(spec)
        except Exception as exc:
            return protocol.failure(content.get("id"), exc), []
        return protocol.success(content.get("id"), self._session.sample_info), []

    def _run_request(self, content: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        params = content.get("params") or {}
        if self._job_thread is not None and self._job_thread.is_alive():
            return protocol.failure(content.get("id"), WorkbenchError("a run is already in progress")), []
        self.widget.job = {"state": "running", "progress": 0.0, "message": "starting", "summary": None}
        self._job_thread = threading.Thread(target=self._run_in_background, args=(params,), daemon=True)
        self._job_thread.start()
        return protocol.success(content.get("id"), dict(self.widget.job)), []

    def _run_in_background(self, params: dict[str, Any]) -> None:
        try:
            summary = self.run(
                str(params["output"]),
                engine=str(params.get("engine") or "pandas"),
                remote=params.get("remote") or None,
                overwrite=bool(params.get("overwrite")),
            )
        except Exception as exc:
            message = protocol.error_payload(exc)["message"]
            self.widget.job = {"state": "failed", "progress": 0.0, "message": message, "summary": None}
            return
        self.widget.job = {"state": "done", "progress": 1.0, "message": "done", "summary": summary}

    def _job_progress(self, fraction: float, message: str) -> None:
        self.widget.job = {"state": "running", "progress": fraction, "message": message, "summary": None}

    # ------------------------------------------------------------------ display

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        steps = len(self._session.recipe.steps)
        return f"<Workbench: {self._session.sample_info['label']}, {steps} steps, recipe {self.recipe_path}>"


_CHANGES_VIEW = frozenset(
    {
        "preview",
        "clear_preview",
        "apply",
        "edit",
        "toggle",
        "delete",
        "move",
        "undo",
        "redo",
        "import_recipe",
        "sample",
    }
)

_LOCAL = {
    "sample": Workbench._sample_request,
    "run": Workbench._run_request,
}


def sample_spec(sample: Any) -> SampleSpec | None:
    """Read ``wb.open``'s ``sample`` argument: None, a row count, a mode name or a SampleSpec."""
    if sample is None or isinstance(sample, SampleSpec):
        return sample
    if isinstance(sample, bool):
        msg = f"sample must be a row count, a mode name or a SampleSpec, not {sample!r}"
        raise TypeError(msg)
    if isinstance(sample, int):
        return SampleSpec("FIRST_N", sample)
    if isinstance(sample, str):
        return SampleSpec(sample.upper())
    msg = f"sample must be a row count, a mode name or a SampleSpec, not {type(sample).__name__}"
    raise TypeError(msg)


def open_workbench(
    data: Any, *, sample: Any = None, recipe: Any = None, datasets: dict[str, Any] | None = None
) -> Workbench:
    """Build the session over ``data`` and its widget (``wb.open``)."""
    session = Session(data, sample=sample_spec(sample), recipe=recipe, datasets=datasets)
    return Workbench(session)
