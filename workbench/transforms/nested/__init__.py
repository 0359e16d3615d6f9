"""Nested data: pack columns into arrays, maps and structs, and take them apart again, one
submodule per section; the helpers they share live in ``workbench/core/nesting.py``.

Shared rules (docs/semantics.md, "Nested types"):

- Nesting keeps every row and every source column's position: a null value becomes a null
  element, entry or field, never a missing one.
- Unnesting an empty or null array or map keeps the row, with nulls in the new columns.
- Struct fields keep their declared order; map entries keep the order they were written in.
"""

from workbench.transforms.nested import nest, rows, structs  # noqa: F401
