"""Step upgraders: a step saved by an older version of its transform loads as the current one.

Every transform carries a ``version`` (1 unless its parameters changed since recipes started
being saved). A saved step records the version it was written with in the Workbench step key
``version``, left out for version 1, which is also the form DataBrew's own exports are in. When
a transform's parameters change, its version goes up by one and an upgrader from the previous
version is registered here with :func:`upgrader`: a pure function from the old step's parameters
to the new ones. Loading runs the chain of upgraders from the saved version to the current one,
so a recipe from any earlier release replays as it did when it was saved.

Upgraders live in this package, one module per transform family, imported below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Parameters = dict[str, Any]
Upgrade = Callable[[Parameters], Parameters]

UPGRADERS: dict[tuple[str, int], Upgrade] = {}
"""(operation, version saved) -> the function that turns those parameters into the next version's."""


def upgrader(operation: str, saved: int) -> Callable[[Upgrade], Upgrade]:
    """Register the upgrade of ``operation``'s parameters from version ``saved`` to ``saved + 1``."""

    def register(upgrade: Upgrade) -> Upgrade:
        key = (operation, saved)
        if key in UPGRADERS:
            msg = f"{operation} already has an upgrader from version {saved}"
            raise ValueError(msg)
        UPGRADERS[key] = upgrade
        return upgrade

    return register


def missing_upgraders(operation: str, current: int) -> list[int]:
    """The versions below ``current`` that have no upgrader to the next one."""
    return [v for v in range(1, current) if (operation, v) not in UPGRADERS]


def upgrade(operation: str, saved: int, current: int, parameters: Parameters) -> Parameters:
    """``parameters`` of a step saved at version ``saved``, upgraded to version ``current``."""
    for version in range(saved, current):
        parameters = UPGRADERS[(operation, version)](dict(parameters))
    return parameters
