"""Deterministic, realistically messy sales data for the demo, the tests and the benchmarks."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

FIRST = ["jane", "JOHN", "Ana", "li", "Omar", "zoë", "Pierre", "María", "kenji", "Ada"]
LAST = ["doe", "SMITH", "García", "nguyen", "O'Brien", "müller", "Okafor", "rossi", "Kim", "Lovelace"]
CITIES = ["oslo", "Paris", "NEW YORK", "São Paulo", "tokyo", "Lagos", "berlin", "Lima"]
COUNTRIES = ["no", "FR", "us", "Br", "JP", "ng", "DE", "pe"]
PRODUCTS = ["widget", "gadget", "gizmo", "doohickey", "sprocket"]
STATUSES = ["shipped", "SHIPPED ", " pending", "cancelled", "Delivered"]


def _pick(rng: np.random.Generator, values: list[str], n: int) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.integers(0, len(values), n)]


def _blank(rng: np.random.Generator, values: np.ndarray, share: float) -> list:
    out = values.tolist()
    for i in np.flatnonzero(rng.random(len(out)) < share):
        out[i] = None
    return out


def sales_table(rows: int, seed: int = 7) -> pa.Table:
    """``rows`` orders with duplicates, stray whitespace, mixed case, bad numbers and gaps."""
    rng = np.random.default_rng(seed)
    order_id = np.arange(1, rows + 1)
    dupes = rng.random(rows) < 0.02
    order_id[dupes] = np.maximum(order_id[dupes] - 1, 1)
    days = rng.integers(0, 730, rows).astype("timedelta64[D]")
    dates = (np.datetime64("2023-01-01") + days).astype(str).astype(object)
    names = np.char.add(
        np.char.add(_pick(rng, FIRST, rows).astype(str), "  "), _pick(rng, LAST, rows).astype(str)
    )
    names = np.char.add(np.where(rng.random(rows) < 0.1, " ", ""), names).astype(object)
    emails = np.char.add(np.char.lower(_pick(rng, LAST, rows).astype(str)), order_id.astype(str))
    emails = np.char.add(emails, np.where(rng.random(rows) < 0.05, "_at_example.org", "@Example.ORG")).astype(
        object
    )
    quantity = rng.integers(1, 20, rows).astype(str).astype(object)
    quantity[rng.random(rows) < 0.03] = "n/a"
    price = np.round(rng.gamma(2.0, 15.0, rows), 2)
    discount = np.round(rng.choice([0.0, 0.05, 0.1, 0.2], rows), 2)
    return pa.table(
        {
            "order_id": pa.array(order_id, pa.int64()),
            "order_date": pa.array(_blank(rng, dates, 0.01), pa.string()),
            "customer_name": pa.array(names.tolist(), pa.string()),
            "email": pa.array(_blank(rng, emails, 0.04), pa.string()),
            "city": pa.array(_pick(rng, CITIES, rows).tolist(), pa.string()),
            "country": pa.array(_pick(rng, COUNTRIES, rows).tolist(), pa.string()),
            "product": pa.array(_pick(rng, PRODUCTS, rows).tolist(), pa.string()),
            "quantity": pa.array(quantity.tolist(), pa.string()),
            "unit_price": pa.array(_blank(rng, price.astype(object), 0.03), pa.float64()),
            "discount": pa.array(_blank(rng, discount.astype(object), 0.2), pa.float64()),
            "status": pa.array(_pick(rng, STATUSES, rows).tolist(), pa.string()),
        }
    )


def write_sales_csv(path: Path, rows: int, seed: int = 7) -> Path:
    """Write the sales data as CSV (used by the demo data and the benchmarks)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(sales_table(rows, seed), path)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_sales_csv(args.output, args.rows, args.seed)
