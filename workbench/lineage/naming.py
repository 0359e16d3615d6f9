"""Dataset namespace and name, following the OpenLineage naming conventions.

- a local file or folder: namespace ``file``, name its absolute path;
- an object store: namespace ``s3://BUCKET`` (``gs://``, ``abfss://`` alike), name the key;
- a catalog table ``catalog:DB.TABLE``: namespace ``workbench://`` + the catalog file's absolute
  path (a catalog is located by its file, as a metastore is by its host), name ``DB.TABLE``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from workbench.io.formats import TABLE_PREFIX, is_table_name

_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*):/{1,2}(?P<authority>[^/]+)/?(?P<key>.*)$")


def dataset_id(path: str | os.PathLike[str]) -> tuple[str, str]:
    """(namespace, name) of a run's input or output."""
    text = str(path)
    if is_table_name(text):
        from workbench.catalog.store import catalog_path

        catalog = catalog_path(None).resolve()
        return f"workbench://{catalog.as_posix()}", text[len(TABLE_PREFIX) :]
    match = _URL.match(text)
    if match and match["scheme"] != "file":
        return f"{match['scheme']}://{match['authority']}", match["key"].rstrip("/")
    local = text.removeprefix("file://")
    return "file", Path(local).resolve().as_posix()


def output_size(path: str | os.PathLike[str]) -> int | None:
    """Bytes written at a local output (all files of a folder); None elsewhere."""
    text = str(path)
    if is_table_name(text) or _URL.match(text):
        return None
    target = Path(text)
    if target.is_file():
        return target.stat().st_size
    if target.is_dir():
        return sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return None
