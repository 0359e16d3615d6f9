"""Where a run's input files are: a local file, folder or glob, or a prefix on an object store.

On an object store (``s3://bucket/prefix``, any fsspec URL) a file is its key, size and ETag: an
object uploaded again with the same bytes keeps its ETag and is not processed twice, one
uploaded with other bytes is processed again. An attempt copies the batch's new objects into a
private temporary folder and reads them there with the same readers as local files, so an
object-store batch gives the same rows and types as a local one; a retried attempt copies them
again. fsspec takes its options from ``storage_options`` or from its own configuration
(``FSSPEC_S3_*`` environment variables), as the catalog and the recipe library do.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.core.errors import DataIOError, RecipeError
from workbench.jobs.bookmarks import FileState

LISTED_BY = "the input's listing"


def remote_states(url: str, storage_options: dict[str, Any] | None) -> list[FileState]:
    """The data objects under ``url`` (or the object it names), each with its size and ETag."""
    from workbench.catalog.remote import filesystem, is_data_url, store_failure

    fs = filesystem(url, storage_options)
    try:
        found = fs.find(url, detail=True) or {url: fs.info(url)}
    except Exception as exc:
        raise store_failure(exc, url, LISTED_BY) from None
    protocol = url.split("://", 1)[0]
    states = []
    for key, info in sorted(found.items()):
        full = key if "://" in key else f"{protocol}://{key}"
        if info.get("type", "file") == "file" and is_data_url(full):
            states.append(FileState(full, int(info.get("size") or 0), 0, _etag(info)))
    listed = _manifest_listing(fs, url, found)
    if listed is not None:
        # A bookmarked output folder copied to the store is read as locally: through its manifest.
        states = [s for s in states if any(s.path == f or s.path.startswith(f"{f}/") for f in listed)]
        if not states:
            raise DataIOError(f"{url!r} has a manifest that lists no files yet")
    if not states:
        raise DataIOError(f"{url!r} holds no .csv, .parquet or .jsonl files")
    return states


def _manifest_listing(fs: Any, url: str, found: dict[str, Any]) -> list[str] | None:
    """The URLs a prefix's ``_manifest.json`` lists, or None when it has none."""
    from workbench.jobs.manifest import FORMAT, MANIFEST, Entry

    folder = url.rstrip("/")
    key = fs._strip_protocol(f"{folder}/{MANIFEST}")
    if key not in found:
        return None
    try:
        data = json.loads(fs.cat_file(key))
    except (OSError, ValueError) as exc:
        raise DataIOError(f"cannot read the manifest {folder}/{MANIFEST}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataIOError(f"{folder}/{MANIFEST} is not a Workbench manifest (format {FORMAT!r})")
    return [f"{folder}/{Entry.from_json(e).file}" for e in data.get("entries", [])]


def _etag(info: dict[str, Any]) -> str:
    tag = info.get("ETag") or info.get("etag") or info.get("md5Hash") or ""
    return str(tag).strip('"')


@contextmanager
def staged(urls: list[str], storage_options: dict[str, Any] | None) -> Iterator[list[Path]]:
    """Local copies of ``urls`` for one attempt, removed when it ends."""
    from workbench.catalog.remote import fetched

    with fetched(urls, storage_options, LISTED_BY) as local:
        yield local


@contextmanager
def staged_input(url: str, storage_options: dict[str, Any] | None) -> Iterator[Path]:
    """A local copy of the data objects ``url`` names, for a run over all of them.

    A prefix becomes a folder with the objects' paths below the prefix kept, so it is read in the
    order, and with the types, a local copy of the prefix would be; a single object becomes a file.
    """
    from workbench.catalog.remote import filesystem, store_failure

    states = remote_states(url, storage_options)
    root = url.rstrip("/")
    fs = filesystem(url, storage_options)
    with tempfile.TemporaryDirectory(prefix="workbench-input-") as folder:
        if [s.path for s in states] == [root]:
            local = Path(folder) / Path(root.split("://", 1)[1]).name
            targets = [local]
        else:
            local = Path(folder) / "input"
            targets = [local / s.path[len(root) + 1 :] for s in states]
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fs.get([fs._strip_protocol(s.path) for s in states], [str(t) for t in targets])
        except Exception as exc:
            raise store_failure(exc, url, LISTED_BY) from None
        yield local


def table_states(
    name: str, where: str | None, storage_options: dict[str, Any] | None
) -> tuple[Any, list[FileState]]:
    """A catalog table's files (of the partitions ``where`` keeps), and each one's state now.

    The catalog says which files make the table (a crawl records them); a file it lists that is
    gone is an error that asks for a recrawl, never a silently smaller batch.
    """
    from workbench.catalog.tables import select

    chosen = select(name, where=where, storage_options=storage_options)
    if chosen.remote:
        found = {s.path: s for s in remote_states(chosen.table.location, storage_options)}
        missing = [u for u in chosen.urls if u not in found]
        states = [found[u] for u in chosen.urls if u in found]
    else:
        missing = [str(f) for f in chosen.files if not f.is_file()]
        states = [FileState.of(f) for f in chosen.files if f.is_file()]
    if missing:
        raise DataIOError(
            f"cannot read {missing[0]!r}: it is in table {chosen.table.full_name} of the catalog but "
            f"no longer there; recrawl the table"
        )
    return chosen, states


def refuse_on_connect(url: str, spark_remote: str | None) -> None:
    """A Spark Connect cluster cannot read the client's copies; say what it needs instead."""
    if spark_remote:
        raise RecipeError(
            f"--input {url} is on an object store, and a Spark Connect cluster reads object stores "
            f"itself, through s3a:// with the hadoop-aws jar and spark.hadoop.fs.s3a.* settings, "
            f"which this installation cannot give it; run with --engine pandas or local "
            f"--engine spark (they copy each run's new objects), or point the cluster at the data"
        )
