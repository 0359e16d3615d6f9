"""The transform catalogue: one module per category, imported explicitly.

``workbench.transforms()`` lists the catalogue. This package shares that name, and importing a
submodule binds the package over the function, so the package itself is made callable.
"""

import sys
import types
from typing import Any

from workbench.transforms import (  # noqa: F401
    advanced_types,
    aggregate,
    clean,
    columns,
    conditional,
    data_science,
    dates,
    duplicates,
    encoding,
    extract,
    filter,
    flags,
    group_fill,
    interactive,
    invalid,
    math,
    missing,
    nested,
    nlp,
    number_format,
    outliers,
    phone,
    random,
    sampling,
    scalers,
    scaling,
    sensitive,
    split,
    structure,
    text,
    text_case,
    web,
    window,
)


class _CatalogueModule(types.ModuleType):
    def __call__(self) -> list[dict[str, Any]]:
        """The catalogue: one dict per operation (name, category, summary, schema, engines)."""
        from workbench.catalogue import catalogue

        return catalogue()


sys.modules[__name__].__class__ = _CatalogueModule
