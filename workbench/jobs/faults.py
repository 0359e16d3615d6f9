"""Fault points for the crash tests: inert unless ``WORKBENCH_FAULT_POINT`` names one.

A bookmarked run passes these named points in order; when the environment variable names the
point being passed, the process kills itself with SIGKILL there (no clean-up, no ``finally``),
which is how the tests prove that a run dying at any point and run again processes every input
row exactly once. Nothing else reads the variable; it has no effect on a run that does not set
it.
"""

from __future__ import annotations

import os
import signal

ENV = "WORKBENCH_FAULT_POINT"
POINTS = (
    "before-read",
    "before-publish",
    "during-publish",
    "after-publish",
    "after-manifest",
    "after-commit",
)
"""The points of a bookmarked run, in the order it passes them."""

WITHDRAW_POINT = "withdraw-after-manifest"
"""A rewind or reset killed after taking runs out of the manifest, before forgetting them."""


def fault_point(name: str) -> None:
    """Kill this process with SIGKILL if ``WORKBENCH_FAULT_POINT`` is ``name``."""
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
