"""Whether a location the user named is a local path or an object-store URL."""

from __future__ import annotations

import re
from pathlib import Path

from workbench.core.errors import RecipeError

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+):/+(?P<rest>.+)$")


def remote_url(spec: Path | str) -> str | None:
    """The object-store URL an input names, or None for a local path.

    A command-line path has been through ``Path``, which reads ``s3://b/k`` as ``s3:/b/k``: both
    spellings name ``s3://b/k``. ``file://`` URLs and drive letters are local.
    """
    match = _URL.match(str(spec))
    if match is None or match["scheme"].lower() == "file":
        return None
    return f"{match['scheme']}://{match['rest']}"


def refuse_remote_output(path: Path | str, role: str = "output") -> None:
    """Refuse, before anything is read, an output on an object store, saying why and what to do."""
    url = remote_url(path)
    if url is not None:
        raise RecipeError(
            f"{role} {url} is on an object store; Workbench writes to local paths (or a shared file "
            f"system), publishing each output whole with an atomic rename, which an object store does "
            f"not offer; write to a local path and copy the result to the store"
        )
