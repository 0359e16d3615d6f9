"""Crawlers over an S3-compatible server (moto on loopback, started once per session): the same tree
as the local tests gives the same tables, partitions, explanations and tags, and a recrawl reads
only the prefix that changed."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("s3fs")
pytest.importorskip("moto.moto_server.threaded_moto_server")

from tests.unit import crawl_tree
from tests.unit.conftest import s3_client
from workbench.catalog import crawl, open_catalog
from workbench.catalog.crawlers import CrawlReport


@pytest.fixture
def options(s3_options: dict[str, Any]) -> dict[str, Any]:
    return s3_options


@pytest.fixture
def client(options: dict[str, Any]) -> Any:
    return s3_client(options)


@pytest.fixture
def lake(client: Any) -> tuple[str, str]:
    bucket = f"lake-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    crawl_tree.build(lambda rel, data: client.put_object(Bucket=bucket, Key=f"lake/{rel}", Body=data))
    return bucket, f"s3://{bucket}/lake"


def run(url: str, cat: str, options: dict[str, Any], **settings: Any) -> CrawlReport:
    merged = {**crawl_tree.crawl_settings(), **settings}
    return crawl(url, database="raw", catalog=cat, storage_options=options, **merged)


def test_the_tree_on_s3_gives_the_same_tables_and_explanations(
    lake: tuple[str, str], options: dict[str, Any], tmp_path: Path
) -> None:
    _, url = lake
    cat = str(tmp_path / "catalog.db")
    report = run(url, cat, options)
    assert sorted(t.name for t in report.by_action("added")) == ["events", "inventory", "logs", "sales"]
    assert (
        "`inventory` and `sales` kept apart: 0 % of columns shared (0 of 8; merging needs 70%)"
        in report.decisions
    )
    assert any(
        d.startswith("3 folders merged as partitions of `sales` (keys year, month)") for d in report.decisions
    )
    problems = {p.path: p.message for p in report.problems}
    assert problems[f"{url}/events/part-1.parquet"].startswith("corrupt Parquet footer")
    assert problems[f"{url}/retail/inventory/notes.jsonl"].startswith("mixed formats in one folder")
    with open_catalog(cat) as c:
        sales = c.table("raw", "sales")
        assert sales.location == f"{url}/retail/sales"
        assert sales.partition_keys == [("year", "integer"), ("month", "string")]
        assert ("amount", "double") in sales.columns
        assert sales.tags["customer_email"]["pii.entity"] == "EMAIL"
        assert sales.tags["cpf"]["Compliance"] == "LGPD"
        parts = c.partitions("raw", "sales")
        assert parts[0].location == f"{url}/retail/sales/year=2023/month=12"
        assert parts[0].files == [f"{url}/retail/sales/year=2023/month=12/part-0.csv"]
        logs = c.table("raw", "logs")
        assert logs.partition_keys == [("partition_0", "integer"), ("partition_1", "string")]
        assert c.table("raw", "events").row_estimate == 3


def test_a_recrawl_on_s3_reads_only_the_changed_prefix_and_versions_the_schema(
    lake: tuple[str, str], client: Any, options: dict[str, Any], tmp_path: Path
) -> None:
    bucket, url = lake
    cat = str(tmp_path / "catalog.db")
    run(url, cat, options)
    again = run(url, cat, options)
    assert again.folders_visited == []
    assert again.files_read == 0
    body = crawl_tree.sales_csv(("7", "8"), extra="discount")
    client.put_object(Bucket=bucket, Key="lake/retail/sales/year=2024/month=03/part-0.csv", Body=body)
    client.delete_object(Bucket=bucket, Key="lake/logs/2024/01/app.log")
    third = run(url, cat, options)
    assert third.folders_visited == [f"{url}/retail/sales/year=2024/month=03"]
    sales = third.table("sales")
    assert sales.schema_version == 2
    assert sales.partitions_added == [["2024", "03"]]
    assert third.table("logs").partitions_vanished == [["2024", "01"]]
    with open_catalog(cat) as c:
        assert c.history("raw", "sales")[1].changes["added"] == [{"name": "discount", "type": "double"}]
        assert [p.values for p in c.partitions("raw", "logs")] == [("2024", "02")]
