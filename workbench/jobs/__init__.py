"""Production jobs: incremental runs with bookmarks, a manifest per output folder, retries and
dead letters.

- :mod:`workbench.jobs.bookmarks`: the bookmark store (``.workbench/bookmarks.db``), the exact set
  of input files each committed run processed.
- :mod:`workbench.jobs.manifest`: ``_manifest.json``, the list of published files of an output
  folder and the input files each came from; readers go through it, never a bare listing.
- :mod:`workbench.jobs.incremental`: which steps run per batch, with a warning, and which are refused.
- :mod:`workbench.jobs.retry`: transient failures retried with exponential backoff.
- :mod:`workbench.jobs.deadletter`: rows that fail a conversion or a row-level rule, set aside.
- :mod:`workbench.jobs.run`: ``workbench run --bookmark``, tying them together.
"""

from workbench.jobs.bookmarks import BookmarkStore, FileState
from workbench.jobs.manifest import Manifest, manifest_files
from workbench.jobs.retry import RetryPolicy, is_transient, retrying

__all__ = [
    "BookmarkStore",
    "FileState",
    "Manifest",
    "RetryPolicy",
    "is_transient",
    "manifest_files",
    "retrying",
]
