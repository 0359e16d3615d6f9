"""Reading and writing datasets: CSV, Parquet and JSON Lines, the same on both engines.

Formats are chosen by extension (a directory by the files in it). Text formats are read as
text and typed by Workbench's own rules (``workbench.core.casting``) from a sample of rows, so
pandas and Spark see the same schema and the same values. Writes are atomic.
"""

from workbench.io.formats import Format, detect_format, infer_text_schema, read_schema
from workbench.io.pandas_io import read_pandas
from workbench.io.writers import write_pandas

__all__ = ["Format", "detect_format", "infer_text_schema", "read_pandas", "read_schema", "write_pandas"]
