"""Tables whose files are on an S3-compatible server (moto on loopback, one per test session): a
crawled s3:// table is read by name on pandas, --where fetches only the kept partitions' files,
the run command takes fsspec's environment settings, and writes over such a table are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import workbench as wb
from workbench.catalog import crawl
from workbench.catalog.tables import read_table_pandas, select, table_schema, write_table
from workbench.core.errors import DataIOError, RecipeError

WANTED = "year = 2024 and month = 1"


def put_sales(client: Any, bucket: str) -> str:
    """sales: three Hive partitions of CSV files (two files in year=2024/month=1)."""
    for year, month in ((2023, 12), (2024, 1), (2024, 2)):
        key = f"lake/sales/year={year}/month={month}/a.csv"
        client.put_object(Bucket=bucket, Key=key, Body=f"id,amount\n{month},2.5\n{month + 100},3.5\n")
    client.put_object(Bucket=bucket, Key="lake/sales/year=2024/month=1/b.csv", Body=b"id,amount\n7,1.0\n")
    return f"s3://{bucket}/lake/sales"


@pytest.fixture
def crawled(s3_bucket: tuple[Any, str], s3_options: dict[str, Any], tmp_path: Path) -> tuple[str, Any, str]:
    """A catalog file with raw.sales crawled from the bucket; the catalog, the client, the bucket."""
    client, bucket = s3_bucket
    url = put_sales(client, bucket)
    catalog = str(tmp_path / "catalog.db")
    crawl(url, database="raw", catalog=catalog, storage_options=s3_options)
    return catalog, client, bucket


def test_where_reads_only_the_kept_partitions_of_an_s3_table(
    crawled: tuple[str, Any, str], s3_options: dict[str, Any]
) -> None:
    catalog, client, bucket = crawled
    # The pruned partitions' files are gone from the store: reading one of them would fail.
    client.delete_object(Bucket=bucket, Key="lake/sales/year=2023/month=12/a.csv")
    client.delete_object(Bucket=bucket, Key="lake/sales/year=2024/month=2/a.csv")
    chosen = select("catalog:raw.sales", where=WANTED, catalog=catalog)
    assert chosen.summary() == "1 of 3 partitions, 2 files"
    assert chosen.urls == [
        f"s3://{bucket}/lake/sales/year=2024/month=1/a.csv",
        f"s3://{bucket}/lake/sales/year=2024/month=1/b.csv",
    ]
    frame = read_table_pandas("catalog:raw.sales", where=WANTED, catalog=catalog, storage_options=s3_options)
    assert list(frame.columns) == ["id", "amount", "year", "month"]
    assert sorted(frame["id"].tolist()) == [1, 7, 101]
    assert set(frame["year"].tolist()) == {2024}
    assert str(frame["year"].dtype).startswith("int")
    schema = table_schema("catalog:raw.sales", where=WANTED, catalog=catalog, storage_options=s3_options)
    assert list(schema) == ["id", "amount", "year", "month"]
    with pytest.raises(DataIOError, match="not in the store"):
        read_table_pandas("catalog:raw.sales", catalog=catalog, storage_options=s3_options)


def test_the_same_rows_as_a_local_copy_of_the_table(
    crawled: tuple[str, Any, str], s3_options: dict[str, Any], tmp_path: Path
) -> None:
    catalog, client, bucket = crawled
    local = tmp_path / "local" / "sales"
    for item in client.list_objects_v2(Bucket=bucket)["Contents"]:
        target = local / item["Key"].removeprefix("lake/sales/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
    crawl(str(local), database="copy", catalog=catalog)
    remote = read_table_pandas("catalog:raw.sales", catalog=catalog, storage_options=s3_options)
    here = read_table_pandas("catalog:copy.sales", catalog=catalog)
    order = ["year", "month", "id"]
    assert (
        remote.sort_values(order)
        .reset_index(drop=True)
        .equals(here.sort_values(order).reset_index(drop=True))
    )
    assert dict(remote.dtypes) == dict(here.dtypes)


def test_the_notebook_reads_an_s3_table_with_storage_options(
    crawled: tuple[str, Any, str], s3_options: dict[str, Any]
) -> None:
    catalog, _, _ = crawled
    frame = wb.catalog(catalog).read("raw.sales", where="month = 2", storage_options=s3_options)
    assert frame["id"].tolist() == [2, 102]


def test_a_run_reads_an_s3_table_with_fsspec_settings_from_the_environment(
    crawled: tuple[str, Any, str], s3_endpoint: str, tmp_path: Path
) -> None:
    catalog, _, _ = crawled
    recipe = tmp_path / "recipe.json"
    recipe.write_text(
        '{"steps": [{"Action": {"Operation": "NUMBER_FORMAT", "Parameters": '
        '{"sourceColumn": "amount", "decimalPlaces": "0"}}}]}'
    )
    out = tmp_path / "jan.parquet"
    env = {
        **os.environ,
        "WORKBENCH_CATALOG": catalog,
        "FSSPEC_S3_ENDPOINT_URL": s3_endpoint,
        "FSSPEC_S3_KEY": "testing",
        "FSSPEC_S3_SECRET": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "COLUMNS": "200",
    }
    args = ["run", str(recipe), "--input", "catalog:raw.sales", "--where", WANTED, "--output", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "3 rows in (1 of 3 partitions, 2 files)" in done.stderr
    assert sorted(pq.read_table(out).to_pydict()["id"]) == [1, 7, 101]


def test_writing_over_an_s3_table_is_refused_and_leaves_it_as_it_was(
    crawled: tuple[str, Any, str], s3_options: dict[str, Any]
) -> None:
    catalog, _, _ = crawled
    frame = read_table_pandas("catalog:raw.sales", catalog=catalog, storage_options=s3_options)
    with pytest.raises(RecipeError, match=r"is on an object store .* writes tables only to local folders"):
        write_table(frame, "catalog:raw.sales", overwrite=True, catalog=catalog)
    assert len(read_table_pandas("catalog:raw.sales", catalog=catalog, storage_options=s3_options)) == 7
