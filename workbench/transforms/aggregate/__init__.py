"""Functions: aggregate. A statistic across the listed columns within each row, in a new column.

These are row-wise: each row's result comes from that row's values in ``sourceColumns`` only
(aggregation down a column is GROUP_BY). Rules shared by every transform here
(docs/semantics.md):

- Missing values are skipped: null, NaN, and the empty string in text columns.
- The numeric aggregates (all but ANY, COUNT and COUNT_DISTINCT) take integer, double, decimal
  and text columns. Text is read as a number by the shared text rules (``casting.py``); text
  that is not a number is skipped, as DataBrew says "any non-number is ignored". Boolean, date
  and timestamp columns are refused.
- A row with no value to aggregate gives null, except SUM (0: DataBrew counts non-numbers as 0),
  COUNT and COUNT_DISTINCT (0).
- Where a result keeps the input type, integer columns give an integer; a mix of integer and
  double (or decimal, or text) columns gives a double.
"""

from workbench.transforms.aggregate import extremes, order, sums  # noqa: F401
