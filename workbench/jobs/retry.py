"""Retries of transient failures with exponential backoff; recipe errors are never retried.

Transient: an operating-system or network error while reading or writing (a reset or refused
connection, a timeout, an I/O error, a stale file handle), an object store's throttling or
server error, a lost Spark executor, a Py4J gateway or Spark Connect channel that dropped. Not
transient: anything the recipe, its parameters or the data decide (a bad step, a missing
column, a missing file, a value that does not fit, a quality gate), which would fail the same
way every time.
"""

from __future__ import annotations

import dataclasses
import errno
import time
from collections.abc import Callable
from typing import TypeVar

from workbench.core.errors import WorkbenchError

T = TypeVar("T")

_TRANSIENT_ERRNOS = {
    errno.EIO,
    errno.EAGAIN,
    errno.EBUSY,
    errno.ETIMEDOUT,
    errno.ECONNRESET,
    errno.ECONNREFUSED,
    errno.ECONNABORTED,
    errno.EPIPE,
    errno.ENETDOWN,
    errno.ENETUNREACH,
    errno.ENETRESET,
    errno.EHOSTUNREACH,
    errno.ESTALE,
}
_TRANSIENT_NAMES = {
    "ConnectionError",
    "ConnectionClosedError",
    "EndpointConnectionError",
    "ReadTimeoutError",
    "ConnectTimeoutError",
    "IncompleteReadError",
    "ResponseStreamingError",
    "ServerDisconnectedError",
    "ClientOSError",
    "FSTimeoutError",
    "Py4JNetworkError",
}
_TRANSIENT_TEXT = (
    "executorlostfailure",
    "lost executor",
    "slave lost",
    "connection reset",
    "connection refused",
    "broken pipe",
    "statuscode.unavailable",
    "status = statuscode.unavailable",
    "failed to connect to remote host",
    "slowdown",
    "serviceunavailable",
    "service unavailable",
    "internalerror",
    "requesttimeout",
)
_TEXT_CARRIERS = {
    "SparkConnectException",
    "CapturedException",
    "Py4JJavaError",
    "SparkException",
    "ClientError",
    "OSError",
}
"""Errors whose class says little and whose text says whether they are transient."""


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a run retries a transient failure."""

    max_retries: int = 0
    backoff: float = 1.0
    """Seconds before the first retry; doubled before each further one."""
    max_delay: float = 60.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return min(self.backoff * 2 ** (retry - 1), self.max_delay)


@dataclasses.dataclass
class Attempts:
    """How many attempts a call took (1 when the first succeeded)."""

    count: int = 0


def retrying(
    call: Callable[[], T],
    policy: RetryPolicy,
    log: Callable[[str], None],
    *,
    what: str = "run",
    attempts: Attempts | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``call()``, retrying transient failures as ``policy`` says, logging each attempt.

    A failure that is not transient, or the last attempt's failure, is raised as it is.
    """
    counter = attempts if attempts is not None else Attempts()
    for attempt in range(1, policy.max_retries + 2):
        counter.count = attempt
        try:
            return call()
        except BaseException as exc:
            if attempt > policy.max_retries or not is_transient(exc):
                raise
            wait = policy.delay(attempt)
            log(
                f"attempt {attempt} of {policy.max_retries + 1} of the {what} failed with a transient "
                f"error ({describe(exc)}); retrying in {wait:g} s"
            )
            sleep(wait)
    raise AssertionError("unreachable")  # the loop returns or raises


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` (or an error it was raised from) is a transient failure worth retrying."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _never_retried(current):
            return False
        if _transient_itself(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _never_retried(exc: BaseException) -> bool:
    from workbench.core.errors import DataIOError

    # Workbench's own errors describe the recipe or the data, except I/O errors, whose cause decides.
    return isinstance(exc, WorkbenchError) and not isinstance(exc, DataIOError)


def _transient_itself(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & _TRANSIENT_NAMES:
        return True
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    if isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS:
        return True
    if names & _TEXT_CARRIERS and not isinstance(exc, (FileNotFoundError, PermissionError)):
        text = str(exc).lower()
        return any(mark in text for mark in _TRANSIENT_TEXT)
    return False


def describe(exc: BaseException) -> str:
    """A failure in one short line: its type and the first line of its message."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__
