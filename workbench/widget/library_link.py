"""The session's recipe library: publish the recipe, find and open versions, and watch for newer ones.

A session knows its library (``wb.open(..., library=URL)``, else ``WORKBENCH_LIBRARY``, else none)
and the published version its recipe is based on (``Base``): the one it was opened from, or the
one it last published. The recipe panel shows that base, whether the steps still match it, and
when the library has published a newer version of it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from workbench.core.errors import WorkbenchError
from workbench.library import LIBRARY_ENV, Library, Version, diff_recipes
from workbench.library.errors import ConflictError, LibraryError, UnreachableError
from workbench.library.versions import parse_ref, version_key

if TYPE_CHECKING:
    from workbench.widget.session import Session

NO_LIBRARY_HINT = (
    f"No recipe library is configured: open the data with wb.open(data, library=URL) "
    f"(a folder or s3://bucket/prefix), or set {LIBRARY_ENV} before starting the kernel."
)


class StaleBaseError(ConflictError):
    """A newer version of the base was published since the session's base; publishing would skip it."""

    parameter = "force"
    """The parameter that publishes anyway (the widget offers it as a button)."""


@dataclasses.dataclass(frozen=True)
class Base:
    """The published version a session's recipe is based on, and that version's steps."""

    name: str
    version: str
    digest: str
    steps: tuple[str, ...]

    @classmethod
    def of(cls, version: Version) -> Base:
        return cls(version.name, version.version, version.digest, _step_keys(version.recipe.steps))

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "digest": self.digest, "ref": self.ref}


def open_library(library: Any) -> tuple[Library | None, str | None]:
    """The library ``wb.open`` was given (a Library, a URL) or ``WORKBENCH_LIBRARY`` names; with
    None, why there is none."""
    if isinstance(library, Library):
        return library, None
    chosen = library if library is not None else os.environ.get(LIBRARY_ENV, "").strip() or None
    if chosen is None:
        return None, NO_LIBRARY_HINT
    try:
        return Library(os.fspath(chosen)), None
    except LibraryError as exc:
        return None, str(exc)


def version_summary(version: Version) -> dict[str, Any]:
    """What the widget shows of one version: its ref and who published it, when and why."""
    record = version.record
    return {
        "name": version.name,
        "version": version.version,
        "ref": version.ref,
        "digest": version.digest,
        "author": record.get("author"),
        "published": record.get("published"),
        "message": record.get("message", ""),
    }


class LibraryLink:
    """One session's view of its library; every method answers one widget request."""

    def __init__(self, library: Library | None, problem: str | None = None) -> None:
        self.library = library
        self._hint = problem
        self._newer: dict[str, Any] | None = None
        self._problem: str | None = None

    def state(self, session: Session) -> dict[str, Any]:
        """The LibraryState dict (protocol.ts); reads nothing from the library."""
        base: Base | None = session.base
        newer = self._newer if _is_newer(self._newer, base) else None
        recipe = session.recipe
        return {
            "configured": self.library is not None,
            "url": None if self.library is None else self.library.url,
            "hint": self._hint,
            "base": None if base is None else base.to_dict(),
            "modified": base is not None and _step_keys(recipe.steps) != base.steps,
            "newer": newer,
            "publishName": base.name if base is not None else recipe.name,
            "problem": self._problem,
        }

    def check(self, session: Session) -> dict[str, Any]:
        """Look for a version of the base newer than it (one listing when there is none)."""
        base: Base | None = session.base
        self._newer, self._problem = None, None
        if base is not None and self.library is not None:
            try:
                self._newer = self._latest_after(base)
            except LibraryError as exc:
                self._problem = str(exc)
        return self.state(session)

    def search(self, query: str) -> dict[str, Any]:
        """The library's recipes matching ``query`` (name, description, tag, operation, column)."""
        with self._reaching() as library:
            return {"recipes": library.list(search=query.strip() or None)}

    def versions(self, name: str) -> dict[str, Any]:
        """A recipe's published versions, newest first, with its aliases."""
        with self._reaching() as library:
            shown = library.show(parse_ref(name).name)
        return {**shown, "versions": list(reversed(shown["versions"]))}

    def diff(self, session: Session, ref: str) -> dict[str, Any]:
        """The step diff from the current recipe to the version ``ref`` names, in words."""
        with self._reaching() as library:
            found = library.resolve(ref)
        current = session.recipe
        changes = diff_recipes(current, found.recipe, old_name="the current recipe", new_name=found.ref)
        return {**changes.to_dict(), "version": version_summary(found)}

    def open(self, session: Session, ref: str) -> Base:
        """Replace the session's recipe with a version and make it the base (one undoable edit)."""
        with self._reaching() as library:
            found = library.resolve(ref)
        if found.draft:
            raise LibraryError(f"{ref}: open a published version, not the draft")
        base = Base.of(found)
        session.replace_recipe(found.recipe, base)
        self.check(session)
        return base

    def publish(
        self, session: Session, name: str | None = None, message: str = "", *, force: bool = False
    ) -> Version:
        """Publish the session's recipe as the next version of ``name`` and make it the base.

        ``name`` defaults to the base's name, else the recipe's. A version of the base published
        since the session's base would be skipped by this one: that is refused unless ``force``.
        """
        base: Base | None = session.base
        chosen = (name or "").strip() or (base.name if base is not None else "") or session.recipe.name
        if not chosen:
            raise LibraryError("the recipe has no name: give one (publish(name=...)) to publish it")
        if base is not None and base.name == chosen and not force:
            newer = self._latest_after(base)
            if newer is not None:
                raise StaleBaseError(
                    f"{newer['ref']} was published by {newer['author']} at {newer['published']} after "
                    f"{base.ref}, which this recipe is based on; open {newer['ref']} to build on it, "
                    "or publish anyway"
                )
        with self._reaching() as library:
            version = library.publish(
                session.recipe,
                name=chosen,
                message=message,
                input_schema=session.input_schema(),
                dataset=session.dataset_binding(),
            )
        session.set_base(Base.of(version))
        self._newer, self._problem = None, None
        return version

    def _library(self) -> Library:
        if self.library is None:
            raise LibraryError(self._hint or NO_LIBRARY_HINT)
        return self.library

    def _latest_after(self, base: Base) -> dict[str, Any] | None:
        """The newest live version of the base's recipe above the base, or None."""
        with self._reaching() as library:
            later = [n for n in library.published(base.name) if version_key(n) > version_key(base.version)]
            for number in reversed(later):
                found = library.resolve(f"{base.name}@{number}")
                if not found.deprecated:
                    return version_summary(found)
        return None

    @contextlib.contextmanager
    def _reaching(self) -> Iterator[Library]:
        """The library, with a failure of its storage client (e.g. botocore's connection errors,
        which are not OSErrors) turned into an UnreachableError naming the library."""
        library = self._library()
        try:
            yield library
        except WorkbenchError:
            raise
        except Exception as exc:
            reason = str(exc) or type(exc).__name__
            raise UnreachableError(f"library {library.url!r} could not be reached: {reason}") from None


def _is_newer(found: dict[str, Any] | None, base: Base | None) -> bool:
    """Whether a version found by a check is still newer than the (possibly changed) base."""
    if found is None or base is None or found["name"] != base.name:
        return False
    return version_key(found["version"]) > version_key(base.version)


def _step_keys(steps: Any) -> tuple[str, ...]:
    """The steps as comparable text (what "modified" compares)."""
    return tuple(json.dumps(step.to_json(), sort_keys=True, default=str) for step in steps)
