"""What "missing" means (DataBrew's sense), the same on both engines.

Null is missing; so is NaN in a double column and the empty string in a text column. IS_MISSING,
the FILL_WITH_* family, REMOVE_MISSING and FILL all use these two functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow.compute as pc

from workbench.core.lazy import F
from workbench.core.types import LType

if TYPE_CHECKING:
    from pyspark.sql import Column


def missing_pandas(values: Any, ltype: LType) -> Any:
    """True where an Arrow value is missing; never null."""
    missing = pc.is_null(values, nan_is_null=True)
    if ltype is LType.STRING:
        missing = pc.or_(missing, pc.fill_null(pc.equal(values, ""), False))
    return missing


def missing_spark(c: Column, ltype: LType) -> Column:
    """True where a Spark value is missing; never null."""
    missing = c.isNull()
    if ltype is LType.STRING:
        missing = missing | (c == F.lit(""))
    if ltype is LType.DOUBLE:
        missing = missing | F.isnan(c)
    return missing
