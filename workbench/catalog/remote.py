"""Tables whose files are on an object store (``s3://…``, any fsspec URL), read on pandas.

The partitions a ``where`` keeps are decided on the catalog's rows; only their files are then
fetched, concurrently, into a private temporary folder and read there by the same readers as
local files, so a table gives the same columns, types and values wherever its files are. fsspec
takes its options from ``storage_options`` or from its own configuration (``FSSPEC_S3_*``
environment variables, fsspec's config files), as the crawler and the recipe library do.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbench.catalog.store import CatalogError
from workbench.core.errors import DataIOError, RecipeError

HADOOP_AWS = "org.apache.hadoop:hadoop-aws"
"""The package that gives Spark its ``s3a://`` file system."""


def is_remote(location: str) -> bool:
    """Whether a catalog location is on an object store rather than a local folder."""
    return "://" in location and not location.startswith("file://")


def join(folder: str, name: str) -> str:
    """A file of a remote partition: a full URL as it is, a relative name inside the folder."""
    return name if "://" in name else f"{folder.rstrip('/')}/{name.lstrip('/')}"


def filesystem(url: str, storage_options: dict[str, Any] | None) -> Any:
    """The fsspec file system of ``url`` (its options applied over fsspec's configuration)."""
    import fsspec

    try:
        fs, _ = fsspec.core.url_to_fs(url, **(storage_options or {}))
    except (ImportError, ValueError) as exc:
        raise CatalogError(f"cannot reach {url!r}: {exc}") from None
    return fs


def list_data(url: str, storage_options: dict[str, Any] | None) -> list[str]:
    """The data files under a remote folder (for a table the catalog lists no files of)."""
    fs = filesystem(url, storage_options)
    try:
        found = sorted(fs.find(url))
    except Exception as exc:
        raise store_failure(exc, url) from None
    protocol = url.split("://", 1)[0]
    names = [f if "://" in f else f"{protocol}://{f}" for f in found]
    kept = [n for n in names if is_data_url(n)]
    if not kept:
        raise DataIOError(f"{url!r} holds no .csv, .parquet or .jsonl files")
    return kept


def is_data_url(url: str) -> bool:
    """Whether an object's name is a data file's (not hidden, not ``_`` metadata, a known extension)."""
    from workbench.io.formats import format_of_name

    name = Path(url.split("://", 1)[-1]).name
    if name.startswith((".", "_")):
        return False
    try:
        format_of_name(name)
    except RecipeError:  # not a data file's extension
        return False
    return True


@contextmanager
def fetched(
    urls: list[str], storage_options: dict[str, Any] | None, listed_by: str = "the catalog"
) -> Iterator[list[Path]]:
    """Local copies of ``urls`` (in order, names kept), removed when the block ends.

    ``listed_by`` names what listed the files, for the error when one has gone from the store.
    """
    if not urls:
        yield []
        return
    fs = filesystem(urls[0], storage_options)
    with tempfile.TemporaryDirectory(prefix="workbench-table-") as folder:
        # One folder per file: two partitions may hold files of the same name.
        local = [Path(folder) / str(i) / Path(u.split("://", 1)[-1]).name for i, u in enumerate(urls)]
        for path in local:
            path.parent.mkdir()
        try:
            fs.get([fs._strip_protocol(u) for u in urls], [str(p) for p in local])
        except Exception as exc:
            raise store_failure(exc, urls[0].rsplit("/", 1)[0], listed_by) from None
        missing = [u for u, p in zip(urls, local, strict=True) if not p.is_file()]
        if missing:
            raise DataIOError(f"cannot read {missing[0]!r}: it is in {listed_by} but not in the store")
        yield local


def store_failure(exc: Exception, url: str, listed_by: str = "the catalog") -> Exception:
    """A store's error as one line naming the location; a program error as it is."""
    from workbench.library.store import _storage_errors

    if not isinstance(exc, _storage_errors()):
        return exc
    if isinstance(exc, FileNotFoundError):
        again = "; recrawl it" if listed_by == "the catalog" else ""
        return DataIOError(f"cannot read {url!r}: a file {listed_by} lists is not in the store{again}")
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return DataIOError(f"cannot read {url!r}: {reason}")


def spark_refusal(table: str, location: str) -> CatalogError:
    """Why Spark does not read a table on an object store here, and what a cluster needs for it."""
    return CatalogError(
        f"table {table} is on an object store ({location}); Spark reads such files through s3a://, "
        f"which needs the hadoop-aws jar, and this installation has none (it comes from Maven, not "
        f"PyPI). On a cluster, set spark.jars.packages {HADOOP_AWS}:<the Hadoop version of your "
        "Spark> and the store's spark.hadoop.fs.s3a.* settings (endpoint, credentials); here, read "
        "the table with --engine pandas"
    )
