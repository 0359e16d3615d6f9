"""Bookmarked runs over a catalog table, as Glue jobs read crawled tables with bookmarks.

The catalog says which files make the table; a run reads the ones no earlier run processed, with
their partition keys, and ``--where`` narrows it to some partitions. A file appears in a run only
once the table is crawled again, the way a crawler-fed job works.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_jobs_bookmarks import RECIPE, published_ids
from workbench.catalog import crawl
from workbench.core.errors import DataIOError, RecipeError
from workbench.jobs.bookmarks import BookmarkStore
from workbench.jobs.run import IncrementalJob, run_incremental
from workbench.recipe.model import Recipe


def write_day(lake: Path, day: int, ids: range) -> None:
    folder = lake / "orders" / f"day={day}"
    folder.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"{i},n{i},{i * 10}\n" for i in ids)
    (folder / f"part-{ids.start}.csv").write_text(f"id,name,amount\n{rows}", encoding="utf-8")


@pytest.fixture
def lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    catalog = tmp_path / "catalog.db"
    monkeypatch.setenv("WORKBENCH_CATALOG", str(catalog))
    lake = tmp_path / "lake"
    write_day(lake, 1, range(0, 3))
    write_day(lake, 2, range(3, 5))
    crawl(str(lake / "orders"), database="raw", catalog=str(catalog))
    return lake


def table_job(root: Path, engine: str = "pandas", **extra: Any) -> IncrementalJob:
    return IncrementalJob(
        recipe=Recipe.loads(json.dumps(RECIPE)),
        input_spec="catalog:raw.orders",
        output=root / "out",
        bookmark="nightly",
        engine=engine,
        **extra,
    )


def published(folder: Path) -> list[tuple[int, int]]:
    from workbench.io.pandas_io import read_pandas

    frame = read_pandas(folder)
    return sorted(zip((int(v) for v in frame["id"]), (int(v) for v in frame["day"]), strict=True))


def test_new_files_of_a_crawled_table_are_read_once_with_their_partition_keys(
    engine_name: str, session_for: Any, lake: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    remote = request.getfixturevalue("connect_server").url if engine_name == "connect" else None
    engine = "pandas" if engine_name == "pandas" else "spark"
    job = table_job(tmp_path, engine, spark_remote=remote)
    store = BookmarkStore(tmp_path / "bookmarks.db")
    first = run_incremental(job, lambda _: None, store)
    assert (first.files_new, first.rows_in, first.rows_out) == (2, 5, 5)
    assert published(tmp_path / "out") == [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2)]

    write_day(lake, 3, range(5, 7))
    write_day(lake, 1, range(7, 8))  # a late file in an old partition
    unseen = run_incremental(job, lambda _: None, store)
    assert (unseen.files_new, unseen.run_id) == (0, None)  # not in the catalog until it is crawled

    crawl(str(lake / "orders"), database="raw")
    late = run_incremental(job, lambda _: None, store)
    assert (late.files_new, late.files_skipped, late.rows_out) == (2, 2, 3)
    assert published(tmp_path / "out")[-3:] == [(5, 3), (6, 3), (7, 1)]
    assert published_ids(tmp_path / "out") == list(range(8))


def test_where_narrows_a_bookmarked_run_to_some_partitions(lake: Path, tmp_path: Path) -> None:
    store = BookmarkStore(tmp_path / "bookmarks.db")
    only_two = run_incremental(table_job(tmp_path, where="day = 2"), lambda _: None, store)
    assert (only_two.files_new, only_two.rows_out) == (1, 2)
    rest = run_incremental(table_job(tmp_path), lambda _: None, store)
    assert (rest.files_new, rest.files_skipped, rest.rows_out) == (1, 1, 3)
    assert published(tmp_path / "out") == [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2)]


def test_a_file_the_catalog_lists_but_that_is_gone_asks_for_a_recrawl(lake: Path, tmp_path: Path) -> None:
    (lake / "orders" / "day=2" / "part-3.csv").unlink()
    with pytest.raises(DataIOError, match=r"part-3\.csv.*no longer there; recrawl the table"):
        run_incremental(table_job(tmp_path), lambda _: None, BookmarkStore(tmp_path / "bookmarks.db"))
    assert not list((tmp_path / "out").glob("run-*"))  # nothing published


def test_an_output_inside_the_tables_folder_is_refused(lake: Path, tmp_path: Path) -> None:
    import dataclasses

    job = dataclasses.replace(table_job(tmp_path), output=lake / "orders" / "clean")
    with pytest.raises(RecipeError, match=r"overlaps|inside"):
        run_incremental(job, lambda _: None, BookmarkStore(tmp_path / "bookmarks.db"))


def test_where_on_a_folder_input_is_refused(tmp_path: Path) -> None:
    import dataclasses

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.csv").write_text("id,name,amount\n1,a,2\n", encoding="utf-8")
    job = dataclasses.replace(table_job(tmp_path), input_spec=tmp_path / "raw", where="day = 2")
    with pytest.raises(RecipeError, match=r"--where prunes the partitions of a catalog:DB\.TABLE input"):
        run_incremental(job, lambda _: None, BookmarkStore(tmp_path / "bookmarks.db"))


def test_a_crawled_table_on_an_object_store_is_read_once_by_etag(
    s3_options: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.unit.conftest import new_bucket, s3_client

    catalog = tmp_path / "catalog.db"
    monkeypatch.setenv("WORKBENCH_CATALOG", str(catalog))
    bucket = new_bucket(s3_options, "table")
    client = s3_client(s3_options)

    def put_day(day: int, ids: range) -> None:
        rows = "".join(f"{i},n{i},{i * 10}\n" for i in ids)
        key = f"lake/orders/day={day}/part-{ids.start}.csv"
        client.put_object(Bucket=bucket, Key=key, Body=f"id,name,amount\n{rows}".encode())

    put_day(1, range(0, 3))
    put_day(2, range(3, 5))
    crawl(f"s3://{bucket}/lake/orders", database="raw", catalog=str(catalog), storage_options=s3_options)
    job = table_job(tmp_path, storage_options=s3_options)
    store = BookmarkStore(tmp_path / "bookmarks.db")
    first = run_incremental(job, lambda _: None, store)
    assert (first.files_new, first.rows_out) == (2, 5)
    put_day(3, range(5, 7))
    crawl(f"s3://{bucket}/lake/orders", database="raw", catalog=str(catalog), storage_options=s3_options)
    late = run_incremental(job, lambda _: None, store)
    assert (late.files_new, late.files_skipped, late.rows_out) == (1, 2, 2)
    assert published(tmp_path / "out") == [(0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3)]
    assert all(len(s.etag) == 32 for s in store.processed_states("nightly"))
