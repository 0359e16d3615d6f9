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
from workbench.library.errors import LibraryError
from workbench.widget import protocol
from workbench.widget.library_link import Base, LibraryLink, open_library
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
    library = traitlets.Dict().tag(sync=True)


class Workbench:
    """An interactive data-preparation session over a sample of ``data``.

    Every method is one recipe edit and is undoable; ``recipe`` is the recipe so far and
    ``sample_frame`` the sample with it applied. Display the object to get the UI.
    """

    def __init__(self, session: Session, link: LibraryLink | None = None) -> None:
        self._session = session
        self._link = link or LibraryLink(*open_library(None))
        self._job_thread: threading.Thread | None = None
        self.widget = WorkbenchView(
            _esm=_bundle().read_text(encoding="utf-8"),
            catalogue=protocol.catalogue_payload(),
            datasets=sorted(session.dataset_names),
            job=dict(_IDLE_JOB),
        )
        self.widget.on_msg(self._on_message)
        self._refresh()
        self._check_library()

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

    # ------------------------------------------------------------------ the recipe library

    @property
    def library(self) -> Any:
        """The session's recipe library (a ``Library``), or None when none is configured."""
        return self._link.library

    @property
    def base(self) -> Base | None:
        """The published version the recipe is based on (opened from, or last published), or None."""
        return self._session.base

    def publish(self, name: str | None = None, message: str = "", *, force: bool = False) -> Any:
        """Publish the recipe as the next immutable version of ``name`` and make it the base.

        ``name`` defaults to the base's name, else the recipe's. The version records the input
        schema and the file the session reads. Returns the ``Version`` (``.version``, ``.ref``,
        ``.digest``). A newer version of the base published meanwhile is refused unless ``force``.
        """
        version = self._link.publish(self._session, name, message, force=force)
        self._refresh()
        return version

    def open_version(self, ref: str) -> Workbench:
        """Replace the recipe with the version ``ref`` names (one undoable edit); it becomes the base."""
        return self._edit(lambda: self._link.open(self._session, ref))

    def check_library(self) -> dict[str, Any]:
        """Look for a newer published version of the base; returns what the recipe panel shows."""
        self._check_library()
        return dict(self.widget.library)

    def _check_library(self) -> None:
        self.widget.library = self._link.check(self._session)

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
        self.widget.library = self._link.state(session)

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

    def _library_request(self, content: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        params = content.get("params") or {}
        try:
            result = self._library_answer(str(content.get("method")), params)
        except Exception as exc:
            return protocol.failure(content.get("id"), exc), []
        return protocol.success(content.get("id"), result), []

    def _library_answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        link, session = self._link, self._session
        if method == "library_check":
            return self.check_library()
        if method == "library_search":
            return link.search(str(params.get("query") or ""))
        if method == "library_versions":
            return link.versions(str(params["name"]))
        if method == "library_diff":
            return link.diff(session, str(params["ref"]))
        if method == "library_open":
            self.open_version(str(params["ref"]))
            return session.recipe_state()
        version = self.publish(
            params.get("name") or None, str(params.get("message") or ""), force=bool(params.get("force"))
        )
        return {"version": library_version(version)}

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
    "library_check": Workbench._library_request,
    "library_search": Workbench._library_request,
    "library_versions": Workbench._library_request,
    "library_diff": Workbench._library_request,
    "library_open": Workbench._library_request,
    "library_publish": Workbench._library_request,
}


def library_version(version: Any) -> dict[str, Any]:
    """A published version as the widget shows it."""
    from workbench.widget.library_link import version_summary

    return version_summary(version)


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
    data: Any,
    *,
    sample: Any = None,
    recipe: Any = None,
    datasets: dict[str, Any] | None = None,
    library: Any = None,
) -> Workbench:
    """Build the session over ``data`` and its widget (``wb.open``).

    ``library`` is a ``Library`` or its URL (else ``WORKBENCH_LIBRARY`` names it). Given
    explicitly, a string ``recipe`` is a ref (``NAME@REF``) into it, and that version becomes the
    session's base.
    """
    shelf, problem = open_library(library)
    base: Base | None = None
    if library is not None and isinstance(recipe, str) and shelf is not None:
        found = shelf.resolve(recipe)
        recipe = found.recipe
        base = None if found.draft else Base.of(found)
    elif library is not None and shelf is None:
        raise LibraryError(problem or "no recipe library")
    session = Session(data, sample=sample_spec(sample), recipe=recipe, datasets=datasets)
    session.set_base(base)
    return Workbench(session, LibraryLink(shelf, problem))
