"""Tables by name on Spark, classic and Spark Connect: the resolved file list is all Spark reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console

from tests.unit.test_catalog_tables import REGIONS, WANTED, make_source, recipe_file
from workbench.catalog import open_catalog
from workbench.catalog.tables import read_table_pandas, read_table_spark, using_catalog, write_table
from workbench.recipe.model import Recipe


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    catalog = tmp_path / "catalog.db"
    make_source(tmp_path / "lake" / "orders", catalog)
    return catalog


def test_spark_reads_only_the_kept_files_with_typed_partition_columns(
    spark_session_for: Any, lake: Path
) -> None:
    from pyspark.sql import functions as F

    frame = read_table_spark(spark_session_for, "catalog:sales.orders", where=WANTED, catalog=str(lake))
    assert frame.columns == ["id", "amount", "year", "month", "region"]
    types = dict(frame.dtypes)
    assert types["year"] == "bigint"
    assert types["region"] == "string"
    rows = frame.collect()
    assert len(rows) == 30
    assert {(r["year"], r["month"]) for r in rows} == {(2024, 1)}
    assert {r["region"] for r in rows} == set(REGIONS)
    east = sorted(r["id"] for r in rows if r["region"] == "east")
    assert east == [0, 1, 2, 10, 11, 12]
    opened = {r[0] for r in frame.select(F.input_file_name()).distinct().collect()}
    assert len(opened) == 10
    assert all("/year=2024/month=1/" in name for name in opened)


def test_spark_without_where_meets_the_corrupt_files(spark_session_for: Any, lake: Path) -> None:
    # The guard of the pruning test: the other partitions' files cannot be read.
    from workbench.core.errors import DataIOError

    with pytest.raises(DataIOError, match="is not a readable Parquet file"):
        read_table_spark(spark_session_for, "catalog:sales.orders", catalog=str(lake)).collect()


def test_run_on_spark_from_a_table_to_a_partitioned_table(
    request: pytest.FixtureRequest, spark_engine_name: str, spark_session_for: Any, tmp_path: Path, lake: Path
) -> None:
    from workbench.cli.jobs import run_job

    remote = request.getfixturevalue("connect_server").url if spark_engine_name == "connect" else None
    recipe = Recipe.load(recipe_file(tmp_path))
    with using_catalog(str(lake)):
        result = run_job(
            recipe,
            Path("catalog:sales.orders"),
            Path("catalog:mart.orders_jan"),
            engine="spark",
            spark_remote=remote,
            console=Console(file=open(tmp_path / "log.txt", "w")),  # noqa: SIM115
            where=WANTED,
            partition_by=("region",),
        )
    assert result.read == "5 of 120 partitions, 10 files"
    assert result.written.partitions == 5
    assert result.rows_out == 30
    with open_catalog(lake) as cat:
        table = cat.table("mart", "orders_jan")
    assert table.partition_keys == [("region", "string")]
    assert [n for n, _ in table.columns] == ["id", "amount", "year", "month"]
    back = read_table_pandas("catalog:mart.orders_jan", where="region = 'WEST'", catalog=str(lake))
    assert len(back) == 6


def test_spark_writes_null_keys_as_hive_does(spark_session_for: Any, tmp_path: Path) -> None:
    catalog = str(tmp_path / "c.db")
    frame = spark_session_for.createDataFrame(pd.DataFrame({"k": ["a", None, "a"], "n": [1, 2, 3]}))
    written = write_table(frame, "catalog:out.t", partition_by=("k",), catalog=catalog)
    assert written.partitions == 2
    folders = sorted(p.name for p in (tmp_path / "warehouse" / "out" / "t").iterdir() if p.is_dir())
    assert folders == ["k=__HIVE_DEFAULT_PARTITION__", "k=a"]
    nulls = read_table_spark(spark_session_for, "catalog:out.t", where="isMissing(k)", catalog=catalog)
    assert [r["n"] for r in nulls.collect()] == [2]


def test_spark_matches_files_whose_folders_hold_escaped_values(
    spark_session_for: Any, tmp_path: Path
) -> None:
    catalog = str(tmp_path / "c.db")
    frame = pd.DataFrame({"k": ["x y=z", "50% off", "plain"], "n": [1, 2, 3]})
    write_table(frame, "catalog:out.odd", partition_by=("k",), catalog=catalog)
    back = read_table_spark(spark_session_for, "catalog:out.odd", catalog=catalog)
    assert sorted((r["k"], r["n"]) for r in back.collect()) == [("50% off", 2), ("plain", 3), ("x y=z", 1)]
