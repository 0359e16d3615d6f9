"""data_science transforms."""

from __future__ import annotations
