"""Functions: math. Arithmetic, rounding, logarithms and signs, each written to a new column.

Rules shared by every transform here (docs/semantics.md):

- A null input gives a null result. NaN stays a number, as in Spark: a double result of NaN
  is NaN (LN, LOG and SQUARE_ROOT included); integer results (CEILING, FLOOR, ROUND, SIGN) of
  NaN are null; IS_EVEN / IS_ODD of NaN are false.
- Decimal inputs are computed as double, except by ABSOLUTE and NEGATE, which keep the type.
- Integer arithmetic is 64-bit and wraps on overflow, the same on both engines.
- A literal ``value`` with no fractional part counts as an integer operand.
- Division by zero (DIVIDE, MOD) and out-of-domain math (LN/LOG of a number <= 0, the square
  root of a negative number) give null.
"""

from workbench.transforms.math import binary, functions, parity, rounding, unary  # noqa: F401
