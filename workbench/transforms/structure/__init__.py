"""Structure: group, pivot and unpivot, join and union whole tables, one submodule per section.

The helpers they share with other families (aggregate functions, distinct values, type mixing)
live in ``workbench/core/pivoting.py``.
"""

from workbench.transforms.structure import (  # noqa: F401
    cleanup,
    group,
    join,
    json_text,
    multivalued,
    pivot,
    union,
)
