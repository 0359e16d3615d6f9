"""``Library``: publish, find, show, diff, pull, alias and deprecate recipes at a URL.

Every answer is plain data (``to_dict``) so the CLI, ``wb.library`` and the server's REST
handlers share one implementation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.core.errors import RecipeError
from workbench.io.publish import write_text_atomic
from workbench.library import layout, records
from workbench.library.diff import RecipeDiff, diff_recipes
from workbench.library.errors import (
    ConflictError,
    InvalidNameError,
    LibraryError,
    NotFoundError,
    PinnedError,
)
from workbench.library.search import matches
from workbench.library.store import AlreadyExistsError, Store
from workbench.library.versions import (
    LATEST_PUBLISHED,
    Ref,
    draft_version,
    is_version,
    next_published,
    parse_ref,
    parse_version,
    version_key,
)
from workbench.recipe.model import Recipe

_Records = list[dict[str, Any]]

LIBRARY_ENV = "WORKBENCH_LIBRARY"
AUTHOR_ENV = "WORKBENCH_AUTHOR"
MAX_PUBLISH_ATTEMPTS = 64

_after_content_written: Callable[[], None] | None = None
"""Test hook run between writing a version's content and its record (simulates a crash there)."""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _author(author: str | None) -> str:
    if author:
        return author
    try:
        return os.environ.get(AUTHOR_ENV) or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclasses.dataclass
class Version:
    """One published version (or the draft): its record, and its recipe once read."""

    name: str
    version: str
    record: dict[str, Any]
    recipe: Recipe
    deprecated: dict[str, Any] | None = None
    draft: bool = False

    @property
    def digest(self) -> str:
        return str(self.record.get("digest", ""))

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def to_dict(self) -> dict[str, Any]:
        body = {k: v for k, v in self.record.items() if k not in {"format", "writer", records.DIGEST_KEY}}
        return {
            **body,
            "name": self.name,
            "version": self.version,
            "ref": self.ref,
            "draft": self.draft,
            "deprecated": self.deprecated,
            "steps": [s.to_json() for s in self.recipe.steps],
        }


class Library:
    """A recipe library at a URL (a folder, a shared disk, ``s3://bucket/prefix``)."""

    def __init__(
        self, url: str | os.PathLike[str] | None = None, *, storage_options: dict[str, Any] | None = None
    ) -> None:
        """``storage_options`` go to fsspec (``{"endpoint_url": ...}`` for an S3-compatible server)."""
        chosen = str(url) if url is not None else os.environ.get(LIBRARY_ENV, "").strip()
        if not chosen:
            raise LibraryError(f"no recipe library given: pass a URL or set {LIBRARY_ENV}")
        self.url = chosen
        self._store = Store(chosen, storage_options)

    def __repr__(self) -> str:
        return f"Library({self.url!r})"

    # ----------------------------------------------------------------------------- reading

    def names(self) -> list[str]:
        """Every recipe name in the library."""
        # An entry that is not a valid name is not ours (a stray file): never shown, never followed.
        return [entry for entry in self._store.list(layout.RECIPES) if _valid_name(entry)]

    def published(self, name: str) -> list[str]:
        """The published version numbers of ``name``, oldest first."""
        entries = self._store.list(layout.version_dir(name))
        numbers = [e.removesuffix(".json") for e in entries if e.endswith(".json")]
        return sorted((v for v in numbers if is_version(v)), key=version_key)

    def aliases(self, name: str) -> dict[str, str]:
        """User aliases of ``name`` and LATEST_PUBLISHED, each naming a version."""
        found: dict[str, str] = {}
        for entry in self._store.list(layout.alias_dir(name)):
            alias = entry.removesuffix(".json")
            raw = self._store.read(f"{layout.alias_dir(name)}/{entry}")
            if raw is None or not entry.endswith(".json"):
                continue
            target = json.loads(raw.decode("utf-8")).get("version")
            if isinstance(target, str) and is_version(target):
                found[alias] = target
        latest = self._latest(name)
        if latest is not None:
            found[LATEST_PUBLISHED] = latest
        return dict(sorted(found.items()))

    def resolve(self, ref: str | Ref) -> Version:
        """The version a ref names, its checksums verified (a tampered version is refused)."""
        parsed = ref if isinstance(ref, Ref) else parse_ref(ref)
        name = parsed.name
        kind = parsed.kind
        if kind == "draft":
            return self._draft(name)
        if kind == "latest":
            number = self._latest(name)
            if number is None:
                raise NotFoundError(self._nothing_published(name))
        elif kind == "version":
            number = parsed.ref
        elif kind == "digest":
            number = self._by_digest(name, parsed.ref)
        else:
            number = self._alias_target(name, parsed.ref)
        return self._version(name, number)

    def recipe(self, ref: str | Ref) -> Recipe:
        """The recipe a ref names (``wb.open(..., recipe="name@1.0", library=URL)`` uses this)."""
        return self.resolve(ref).recipe

    def show(self, ref: str) -> dict[str, Any]:
        """``NAME``: its versions, aliases and draft. ``NAME@REF``: that version with its steps."""
        parsed = parse_ref(ref)
        if "@" in ref:
            return self.resolve(parsed).to_dict()
        name = parsed.name
        numbers = self.published(name)
        has_draft = self._store.read(layout.draft_path(name)) is not None
        if not numbers and not has_draft:
            raise NotFoundError(self._unknown_recipe(name))
        versions = [self._entry(name, n) for n in numbers]
        return {
            "name": name,
            "library": self.url,
            "latest": self._latest(name),
            "draft": draft_version(numbers) if has_draft else None,
            "versions": versions,
            "aliases": self.aliases(name),
        }

    def list(self, search: str | None = None) -> list[dict[str, Any]]:
        """One summary per recipe (its latest version), filtered by ``search`` when given."""
        out = []
        for name in self.names():
            summary = self._summary(name)
            if summary is not None and (not search or matches(summary, search)):
                out.append(summary)
        return out

    def diff(self, old: str, new: str) -> RecipeDiff:
        """What changed from ``old`` to ``new``, step by step (either may be a recipe of another name)."""
        before, after = self.resolve(old), self.resolve(new)
        return diff_recipes(before.recipe, after.recipe, old_name=before.ref, new_name=after.ref)

    def pull(self, ref: str, path: str | os.PathLike[str], *, databrew: bool = False) -> Version:
        """Write the recipe a ref names to ``path`` (native JSON, or DataBrew's strict form)."""
        found = self.resolve(ref)
        found.recipe.save(path, databrew=databrew)
        return found

    # ----------------------------------------------------------------------------- writing

    def save_draft(self, recipe: Recipe | str | os.PathLike[str], name: str | None = None) -> str:
        """Replace ``name``'s draft (LATEST_WORKING); returns the draft's version number."""
        loaded = _as_recipe(recipe)
        chosen = layout.check_name(name or loaded.name)
        loaded.name = chosen
        self._check_case(chosen)
        self._store.replace(layout.draft_path(chosen), loaded.dumps().encode("utf-8"))
        return draft_version(self.published(chosen))

    def publish(
        self,
        recipe: Recipe | str | os.PathLike[str] | None = None,
        *,
        name: str | None = None,
        message: str = "",
        author: str | None = None,
        input_schema: Any = None,
        dataset: dict[str, Any] | None = None,
    ) -> Version:
        """Publish ``recipe`` (or ``name``'s draft) as the next version: 1.0, then 2.0, …

        ``input_schema`` is the schema the recipe was built against; ``dataset`` the binding and
        read options that go with it (``{"path": ..., "readOptions": {...}}``). The version is
        created exclusively: a concurrent publisher gets the next number, never the same one.
        """
        if recipe is None and name:
            loaded = self._draft(layout.check_name(name)).recipe
        else:
            loaded = _as_recipe(recipe)
        chosen = layout.check_name(name or loaded.name or "")
        loaded.name = chosen
        loaded.validate()
        self._check_case(chosen)
        content = records.recipe_bytes(loaded)
        hex_digest = records.sha256_hex(content)
        self._store.replace(layout.object_path(chosen, hex_digest), content)  # same bytes for all
        if _after_content_written is not None:
            _after_content_written()
        writer = uuid.uuid4().hex
        record = {
            "format": records.RECORD_FORMAT,
            "name": chosen,
            "digest": f"sha256:{hex_digest}",
            "author": _author(author),
            "published": _now(),
            "message": message,
            "description": loaded.description,
            "tags": list(loaded.tags),
            "workbenchVersion": _workbench_version(),
            "stepVersions": records.step_versions(loaded),
            "operations": [s.operation for s in loaded.steps],
            "columns": records.columns_touched(loaded),
            "stepCount": len(loaded.steps),
            "inputSchema": records.schema_entries(input_schema),
            "dataset": dataset,
            "writer": writer,
        }
        number = next_published(self.published(chosen))
        for _ in range(MAX_PUBLISH_ATTEMPTS):
            sealed = records.sealed({**record, "version": number})
            try:
                self._store.create(layout.version_path(chosen, number), records.canonical(sealed))
            except AlreadyExistsError:
                number = f"{parse_version(number)[0] + 1}.0"
                continue
            if self._written_by(chosen, number, writer):
                return Version(chosen, number, sealed, loaded)
            number = f"{parse_version(number)[0] + 1}.0"
        raise ConflictError(
            f"library {self.url!r}: {chosen!r} could not be published: other publishers took "
            f"{MAX_PUBLISH_ATTEMPTS} version numbers in a row; try again"
        )

    def alias(self, ref: str, alias: str) -> Version:
        """Point ``alias`` (``prod``) at the version ``ref`` names; moves it when it exists."""
        layout.check_alias(alias)
        found = self.resolve(ref)
        if found.draft:
            raise LibraryError(f"{ref}: an alias points at a published version, not the draft")
        if found.deprecated:
            raise LibraryError(f"{found.ref} is deprecated; an alias cannot point at it")
        body = {"alias": alias, "version": found.version, "digest": found.digest, "time": _now()}
        self._store.replace(layout.alias_path(found.name, alias), records.canonical(body))
        return found

    def deprecate(self, ref: str, *, reason: str = "", force: bool = False) -> Version:
        """Mark a published version deprecated (LATEST_PUBLISHED skips it; the version stays readable).

        A version a lock file pins is refused unless ``force``.
        """
        found = self.resolve(ref)
        if found.draft:
            raise LibraryError(f"{ref}: only a published version can be deprecated")
        pins = [p for p in self.pins(found.name) if p.get("version") == found.version]
        if pins and not force:
            where = ", ".join(sorted({str(p.get("lock")) for p in pins}))
            raise PinnedError(
                f"{found.ref} is pinned by {len(pins)} lock file(s) ({where}); "
                "deprecate it anyway with --force"
            )
        note = {"version": found.version, "reason": reason, "time": _now(), "author": _author(None)}
        self._store.replace(layout.deprecated_path(found.name, found.version), records.canonical(note))
        found.deprecated = note
        return found

    # ----------------------------------------------------------------------------- pins

    def pins(self, name: str) -> _Records:
        """The lock files that pin a version of ``name`` (as they registered themselves)."""
        out = []
        for entry in self._store.list(layout.pin_dir(name)):
            raw = self._store.read(f"{layout.pin_dir(name)}/{entry}")
            if raw is not None and entry.endswith(".json"):
                out.append(json.loads(raw.decode("utf-8")))
        return out

    def pin(self, name: str, version: str, lock_id: str, lock: str) -> None:
        body = {"version": version, "lock": lock, "lockId": lock_id, "time": _now()}
        self._store.replace(layout.pin_path(name, lock_id), records.canonical(body))

    def unpin(self, name: str, lock_id: str) -> None:
        self._store.remove(layout.pin_path(name, lock_id))

    # ----------------------------------------------------------------------------- helpers

    def _version(self, name: str, number: str) -> Version:
        where = f"{self.url} {name}@{number}"
        raw = self._store.read(layout.version_path(name, number))
        if raw is None:
            raise NotFoundError(self._no_version(name, number))
        record = records.verified_record(raw, where)
        if record.get("version") != number or record.get("name") != name:
            raise records.TamperedError(f"{where}: the record names another version; refusing it")
        digest = str(record.get("digest", ""))
        content = self._store.read(layout.object_path(name, digest.removeprefix("sha256:")))
        recipe = records.verified_recipe(content, digest, where)
        return Version(name, number, record, recipe, self._deprecation(name, number))

    def _draft(self, name: str) -> Version:
        raw = self._store.read(layout.draft_path(name))
        if raw is None:
            raise NotFoundError(f"{name!r} has no draft (LATEST_WORKING) in library {self.url!r}")
        recipe = Recipe.loads(raw, yaml_text=False, source=f"{self.url} {name} draft")
        number = draft_version(self.published(name))
        record = {"digest": f"sha256:{records.sha256_hex(records.recipe_bytes(recipe))}"}
        return Version(name, number, record, recipe, draft=True)

    def _latest(self, name: str) -> str | None:
        live = [n for n in self.published(name) if self._deprecation(name, n) is None]
        return live[-1] if live else None

    def _deprecation(self, name: str, number: str) -> dict[str, Any] | None:
        raw = self._store.read(layout.deprecated_path(name, number))
        return None if raw is None else dict(json.loads(raw.decode("utf-8")))

    def _alias_target(self, name: str, alias: str) -> str:
        raw = self._store.read(layout.alias_path(name, alias))
        if raw is None:
            known = sorted(a for a in self.aliases(name) if a != LATEST_PUBLISHED)
            listed = f"; its aliases are {', '.join(known)}" if known else "; it has no aliases"
            self._known(name)
            raise NotFoundError(f"{name!r} has no version or alias {alias!r}{listed}")
        return str(json.loads(raw.decode("utf-8"))["version"])

    def _by_digest(self, name: str, ref: str) -> str:
        wanted = ref.removeprefix("sha256:")
        hits = []
        for number in self.published(name):
            raw = self._store.read(layout.version_path(name, number))
            digest = "" if raw is None else str(json.loads(raw.decode("utf-8")).get("digest", ""))
            if digest.removeprefix("sha256:").startswith(wanted):
                hits.append(number)
        if not hits:
            self._known(name)
            raise NotFoundError(f"no version of {name!r} has the digest {ref}")
        return hits[0]  # the same content: the first version that published it

    def _written_by(self, name: str, number: str, writer: str) -> bool:
        """Read the record back: a store without a real exclusive create must not hide a loss."""
        raw = self._store.read(layout.version_path(name, number))
        return raw is not None and json.loads(raw.decode("utf-8")).get("writer") == writer

    def _entry(self, name: str, number: str) -> dict[str, Any]:
        raw = self._store.read(layout.version_path(name, number))
        record = {} if raw is None else json.loads(raw.decode("utf-8"))
        return {
            "version": number,
            "published": record.get("published"),
            "author": record.get("author"),
            "digest": record.get("digest"),
            "message": record.get("message", ""),
            "deprecated": self._deprecation(name, number) is not None,
        }

    def _summary(self, name: str) -> dict[str, Any] | None:
        numbers = self.published(name)
        latest = self._latest(name)
        record: dict[str, Any] = {}
        if latest is not None:
            raw = self._store.read(layout.version_path(name, latest))
            record = {} if raw is None else json.loads(raw.decode("utf-8"))
        elif self._store.read(layout.draft_path(name)) is None:
            return None
        return {
            "name": name,
            "latest": latest,
            "description": record.get("description", ""),
            "tags": record.get("tags", []),
            "operations": record.get("operations", []),
            "columns": record.get("columns", []),
            "published": record.get("published"),
            "versions": len(numbers),
            "aliases": self.aliases(name),
        }

    def _check_case(self, name: str) -> None:
        """Refuse a new name that differs from an existing one only in case (folders may fold it)."""
        for existing in self.names():
            if existing != name and existing.lower() == name.lower():
                raise InvalidNameError(f"{name!r} differs from the existing recipe {existing!r} only in case")

    def _known(self, name: str) -> None:
        if name not in self.names():
            raise NotFoundError(self._unknown_recipe(name))

    def _unknown_recipe(self, name: str) -> str:
        from workbench.core.errors import nearest

        hint = nearest(name, self.names())
        suggestion = f" (did you mean {hint!r}?)" if hint else ""
        return f"no recipe {name!r} in library {self.url!r}{suggestion}"

    def _nothing_published(self, name: str) -> str:
        self._known(name)
        return f"{name!r} has no published version in library {self.url!r} (only a draft)"

    def _no_version(self, name: str, number: str) -> str:
        self._known(name)
        published = self.published(name)
        listed = ", ".join(published) if published else "none"
        return f"{name!r} has no version {number} in library {self.url!r} (published: {listed})"


def _valid_name(entry: str) -> bool:
    try:
        layout.check_name(entry)
    except InvalidNameError:
        return False
    return True


def _as_recipe(recipe: Recipe | str | os.PathLike[str] | None) -> Recipe:
    if recipe is None:
        raise LibraryError("publish needs a recipe (a Recipe or a recipe file) or the name of a draft")
    if isinstance(recipe, Recipe):
        return Recipe.from_data(recipe.to_dict())
    path = Path(recipe)
    if not path.is_file():
        raise RecipeError(f"recipe file {str(path)!r} does not exist")
    return Recipe.load(path)


def _workbench_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workbench")
    except PackageNotFoundError:
        return "0.1.0"


def write_json(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
