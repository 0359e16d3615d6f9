"""Invalid values: remove their rows, or replace them (null, empty, a constant, a statistic).

A value is *invalid* when it is present but does not parse as ``columnDataType`` — the same test
as the IS_INVALID condition and the profile's invalid count: only text columns can hold invalid
values; null and the empty string are missing, not invalid; text is parsed by Workbench's casting
patterns (``workbench.core.casting``), identically on both engines. On a column that already has
a type (integer, date…) nothing is invalid and these steps leave the data as it is.

Statistics (average, median, sum, mode, most frequent) are of the valid values of the whole
column, whatever the step's conditions select; on Spark all of them come from one aggregation.
Numbers are read as doubles; "NaN" is a valid number but, like a missing value, does not count
in a statistic. A statistic goes back into the text column written as Workbench casts a double
to text. When there is no valid value to compute a statistic from, the column is left as it is.
"""

from workbench.transforms.invalid import ordered, removal, statistics  # noqa: F401
