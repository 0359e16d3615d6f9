"""Errors of the recipe library; each names the library, the recipe and the version concerned."""

from __future__ import annotations

from workbench.core.errors import WorkbenchError


class LibraryError(WorkbenchError):
    """A library request that cannot be served (a bad name or ref, a refused change)."""

    exit_code = 2


class InvalidNameError(LibraryError):
    """A recipe name, alias or ref the library could not hold (it would escape the library)."""


class NotFoundError(LibraryError):
    """No such recipe, version, alias or digest in the library."""


class PinnedError(LibraryError):
    """A version a lock file pins was asked to be deprecated without ``force``."""


class LockError(LibraryError):
    """A lock file that is unreadable, or a ref that ``--frozen`` finds unpinned or changed."""


class TamperedError(LibraryError):
    """A stored version whose content no longer matches its checksum."""

    exit_code = 1


class ConflictError(LibraryError):
    """Concurrent writers kept taking the version numbers this publish tried."""

    exit_code = 1


class UnreachableError(LibraryError):
    """The library's storage could not be read or written."""

    exit_code = 1
