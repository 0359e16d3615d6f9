"""Functions: window and time series, one submodule per section.

Shared rules of every transform here:

- Window steps depend on row order and never reorder rows. DataBrew's steps (PREV, NEXT, FILL,
  ROLLING_*) read the rows in the table's current order (the order pandas holds; on Spark the
  order of ``SparkEngine.with_row_position``). A window ``numRowsBefore``/``numRowsAfter``
  spans that many rows before and after each row, clipped at the ends of the table.
- Grouped steps (ROW_NUMBER, SESSION, LAG, LEAD, FILL_DOWN, CUMULATIVE_*, RANK, …) read the rows
  of each group of groupByColumns in orderByColumns order: ascending, nulls last, ties in row
  order. Rows sharing a null group key form one group; empty groupByColumns use the whole table
  and empty orderByColumns the row order.
"""

from workbench.transforms.window import cumulative, fill, ranked, resample, rolling, rows, session  # noqa: F401
