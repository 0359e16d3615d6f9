"""Invalid values and extract: details of advanced data types (email, URL, payment card, phone).

One submodule per step: extracting a detail to a new column, flagging rows by it, filtering or
clearing rows by it. An advanced data type is a semantic type a text column holds, validated
value by value with the rules of the PII detectors (``workbench.pii``); a detail (``pattern``) is
derived from each valid value (``workbench.core.advanced_values``). Values that are not valid
instances have no detail (null).

Both engines derive details with the same regular expressions and digit arithmetic: Arrow
compute (RE2) on pandas, Spark SQL expressions on Spark. Types and details that need reference
tables (time zones, cities, states of zip codes) are refused when the recipe is validated, with
the list of what Workbench supports.
"""

from workbench.transforms.advanced_types import details, filtering, flag  # noqa: F401
