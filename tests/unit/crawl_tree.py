"""The folder tree the crawler tests crawl, written through any ``put(relative path, bytes)``.

- ``retail/sales/year=Y/month=M/``: Hive partitions of a CSV with a PII column (email) and a CPF
  column a custom rule tags; ``amount`` is an integer in one partition and a double in others.
- ``retail/inventory/``: an unrelated CSV beside it (no column shared), whose ``active`` column is
  boolean in one file and text in another, plus a stray JSON Lines file (mixed formats).
- ``logs/2024/01/``: unnamed partition levels of log lines a grok classifier reads.
- ``events/``: Parquet, with one corrupt file (bad footer).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pyarrow as pa
import pyarrow.parquet as pq

Put = Callable[[str, bytes], None]

GROK = "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:message}"
CPF_RULE = {
    "name": "lgpd_cpf",
    "column": "(?i)cpf",
    "values": r"\d{3}\.\d{3}\.\d{3}-\d{2}",
    "tags": {"Compliance": "LGPD", "DataClassification": "confidential"},
}
EMAILS = ("ada@example.com", "grace@example.org", "linus@example.net")


def sales_csv(amounts: tuple[str, ...], extra: str | None = None) -> bytes:
    header = "order_id,amount,customer_email,cpf" + (f",{extra}" if extra else "")
    rows = [
        f"{i + 1},{a},{EMAILS[i % 3]},{('111.444.777-35', '529.982.247-25')[i % 2]}"
        + (",0.1" if extra else "")
        for i, a in enumerate(amounts)
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


def parquet_bytes() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"event_id": [1, 2, 3], "kind": ["click", "view", "click"]}), sink)
    return sink.getvalue()


def build(put: Put) -> None:
    put("retail/sales/year=2023/month=12/part-0.csv", sales_csv(("10", "20", "30")))
    put("retail/sales/year=2024/month=01/part-0.csv", sales_csv(("1.5", "2.25", "3")))
    put("retail/sales/year=2024/month=02/part-0.csv", sales_csv(("4.5", "5", "6.75")))
    put("retail/inventory/stock-a.csv", b"sku,warehouse,qty,active\nA-1,north,5,true\nB-2,south,0,false\n")
    put("retail/inventory/stock-b.csv", b"sku,warehouse,qty,active\nC-3,north,7,yes\nD-4,east,1,no\n")
    put("retail/inventory/notes.jsonl", b'{"note": "recount"}\n{"note": "ok"}\n')
    for month in ("01", "02"):
        lines = [f"2024-{month}-0{d} 10:00:0{d} {lvl} job {d} done" for d, lvl in ((1, "INFO"), (2, "WARN"))]
        put(f"logs/2024/{month}/app.log", ("\n".join(lines) + "\n").encode())
    put("events/part-0.parquet", parquet_bytes())
    put("events/part-1.parquet", b"PAR1 this footer is not a footer")


def crawl_settings() -> dict[str, object]:
    return {
        "classifiers": [{"name": "applog", "type": "grok", "pattern": GROK}],
        "sensitive": [CPF_RULE],
    }
