"""The transform catalogue: one module per category, imported explicitly."""

from workbench.transforms import (  # noqa: F401
    aggregate,
    clean,
    columns,
    data_science,
    dates,
    duplicates,
    extract,
    filter,
    flags,
    math,
    missing,
    outliers,
    split,
    structure,
    text,
    text_case,
    window,
)
