"""The transform catalogue: one module per category, imported explicitly."""

from workbench.transforms import (  # noqa: F401
    text_case,
)
