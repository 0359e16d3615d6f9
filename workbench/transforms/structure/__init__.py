"""Structure: group, pivot and unpivot, join and union whole tables, one submodule per section.

The helpers they share with other families (aggregate functions, distinct values, type mixing)
live in ``workbench/core/pivoting.py``.
"""

from workbench.transforms.structure import group, join, pivot, union  # noqa: F401
from workbench.core.pivoting import group_ids  # noqa: F401
