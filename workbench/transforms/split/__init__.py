"""Split a text column into parts, and merge several columns into one.

Every split writes its parts to new columns ``<source>_1``, ``<source>_2``, … that replace the
source column at its position. How many parts there are follows from the parameters alone, so a
recipe can refer to the generated names (DataBrew recipes rename ``Address_3`` after a split).
A part the text does not reach is null.
"""

from workbench.transforms.split import delimiters, merge, positions  # noqa: F401
