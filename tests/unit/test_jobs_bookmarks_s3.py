"""Bookmarked runs over a prefix on an S3-compatible server (moto, on loopback).

A file there is its key, size and ETag: the same bytes uploaded again are skipped, other bytes
under the same key are processed again. Pandas and local Spark copy each run's new objects and
read them as local files; Spark Connect is refused with what a cluster needs instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.conftest import new_bucket, s3_client
from tests.unit.test_jobs_bookmarks import RECIPE, published_ids
from workbench.core.errors import RecipeError
from workbench.io.locations import remote_url
from workbench.jobs.bookmarks import BookmarkStore
from workbench.jobs.run import IncrementalJob, run_incremental
from workbench.recipe.model import Recipe


def csv_bytes(ids: range, scale: int = 10) -> bytes:
    rows = "".join(f"{i},n{i},{i * scale}\n" for i in ids)
    return f"id,name,amount\n{rows}".encode()


def s3_job(
    root: Path, url: str, options: dict[str, Any], engine: str = "pandas", **extra: Any
) -> IncrementalJob:
    return IncrementalJob(
        recipe=Recipe.loads(json.dumps(RECIPE)),
        input_spec=url,
        output=root / "out",
        bookmark="nightly",
        engine=engine,
        storage_options=options,
        **extra,
    )


def workbench(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command line, run in ``cwd``."""
    command = [sys.executable, "-m", "workbench", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_an_input_url_survives_the_command_lines_path() -> None:
    assert remote_url(Path("s3://bucket/raw/day=1")) == "s3://bucket/raw/day=1"
    assert remote_url("gs://b/k.csv") == "gs://b/k.csv"
    assert remote_url(Path("raw/a.csv")) is None
    assert remote_url("C:/data/a.csv") is None
    assert remote_url("file:///tmp/a.csv") is None
    assert remote_url("catalog:raw.orders") is None


def test_new_objects_are_processed_once_by_key_size_and_etag(
    engine_name: str,
    session_for: Any,
    s3_options: dict[str, Any],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    bucket = new_bucket(s3_options, "bookmark")
    client = s3_client(s3_options)
    client.put_object(Bucket=bucket, Key="raw/a.csv", Body=csv_bytes(range(0, 3)))
    client.put_object(Bucket=bucket, Key="raw/b.csv", Body=csv_bytes(range(3, 5)))
    client.put_object(Bucket=bucket, Key="raw/_SUCCESS", Body=b"")
    engine = "pandas" if engine_name == "pandas" else "spark"
    remote = request.getfixturevalue("connect_server").url if engine_name == "connect" else None
    job = s3_job(tmp_path, f"s3://{bucket}/raw", s3_options, engine, spark_remote=remote)
    store = BookmarkStore(tmp_path / "bookmarks.db")
    if remote:
        with pytest.raises(
            RecipeError, match=r"Spark Connect cluster reads object stores itself.*hadoop-aws"
        ):
            run_incremental(job, lambda _: None, store)
        assert not (tmp_path / "out").exists()
        return
    first = run_incremental(job, lambda _: None, store)
    assert (first.files_new, first.rows_in, first.rows_out) == (2, 5, 5)
    assert published_ids(tmp_path / "out") == [0, 1, 2, 3, 4]

    client.put_object(Bucket=bucket, Key="raw/a.csv", Body=csv_bytes(range(0, 3)))  # the same bytes again
    client.put_object(Bucket=bucket, Key="raw/late/c.csv", Body=csv_bytes(range(5, 7)))
    late = run_incremental(job, lambda _: None, store)
    assert (late.files_new, late.files_skipped, late.files_changed, late.rows_out) == (1, 2, 0, 2)

    logged: list[str] = []
    client.put_object(Bucket=bucket, Key="raw/b.csv", Body=csv_bytes(range(3, 5), scale=100))
    changed = run_incremental(job, logged.append, store)
    assert (changed.files_new, changed.files_changed, changed.rows_out) == (1, 1, 2)
    assert any(f"s3://{bucket}/raw/b.csv changed (size or ETag)" in line for line in logged)
    assert published_ids(tmp_path / "out") == [0, 1, 2, 3, 3, 4, 4, 5, 6]
    again = run_incremental(job, lambda _: None, store)
    assert (again.files_new, again.files_skipped, again.run_id) == (0, 3, None)
    processed = {s.path: s.etag for s in store.processed_states("nightly")}
    assert set(processed) == {f"s3://{bucket}/raw/{k}" for k in ("a.csv", "b.csv", "late/c.csv")}
    assert all(len(tag) == 32 for tag in processed.values())  # moto's ETag of a single-part upload: an MD5


def test_workbench_run_with_a_bookmark_reads_an_s3_prefix(s3_options: dict[str, Any], tmp_path: Path) -> None:
    bucket = new_bucket(s3_options, "cli")
    client = s3_client(s3_options)
    client.put_object(Bucket=bucket, Key="raw/a.csv", Body=csv_bytes(range(0, 4)))
    (tmp_path / "recipe.json").write_text(json.dumps(RECIPE), encoding="utf-8")
    env = dict(
        os.environ,
        WORKBENCH_BOOKMARKS=str(tmp_path / "bookmarks.db"),
        FSSPEC_S3=json.dumps({k: v for k, v in s3_options.items() if k != "skip_instance_cache"}),
        COLUMNS="300",
    )
    args = [
        "run",
        "recipe.json",
        "--input",
        f"s3://{bucket}/raw/",
        "--output",
        "out",
        "--bookmark",
        "nightly",
    ]

    def run() -> str:
        done = workbench(*args, cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert "bookmark nightly: 1 new files, 0 skipped; 4 rows in, 4 rows out" in run()
    client.put_object(Bucket=bucket, Key="raw/b.csv", Body=csv_bytes(range(4, 6)))
    assert "bookmark nightly: 1 new files, 1 skipped; 2 rows in, 2 rows out" in run()
    assert published_ids(tmp_path / "out") == [0, 1, 2, 3, 4, 5]
    shown = workbench("bookmark", "show", "nightly", "--json", cwd=tmp_path, env=env)
    assert json.loads(shown.stdout)["input"] == f"s3://{bucket}/raw"


def test_an_object_store_output_is_refused_before_anything_is_read(
    s3_options: dict[str, Any], tmp_path: Path
) -> None:
    import dataclasses

    job = dataclasses.replace(
        s3_job(tmp_path, "s3://nowhere/raw", s3_options), output=Path("s3://bucket/clean")
    )
    with pytest.raises(RecipeError, match=r"^output s3://bucket/clean is on an object store"):
        run_incremental(job, lambda _: None, BookmarkStore(tmp_path / "bookmarks.db"))


def test_a_prefix_without_data_files_says_so(s3_options: dict[str, Any], tmp_path: Path) -> None:
    from workbench.core.errors import DataIOError

    bucket = new_bucket(s3_options, "empty")
    s3_client(s3_options).put_object(Bucket=bucket, Key="raw/notes.txt", Body=b"not data")
    job = s3_job(tmp_path, f"s3://{bucket}/raw", s3_options)
    with pytest.raises(DataIOError, match=r"holds no \.csv, \.parquet or \.jsonl files"):
        run_incremental(job, lambda _: None, BookmarkStore(tmp_path / "bookmarks.db"))


def test_a_listing_that_fails_while_the_store_is_down_is_retried(
    s3_endpoint: str, s3_options: dict[str, Any], tmp_path: Path
) -> None:
    import threading

    from tests.unit.test_jobs_retry import ResettingProxy
    from workbench.jobs.retry import RetryPolicy

    bucket = new_bucket(s3_options, "down")
    s3_client(s3_options).put_object(Bucket=bucket, Key="raw/a.csv", Body=csv_bytes(range(0, 3)))
    host, port = s3_endpoint.removeprefix("http://").split(":")
    proxy = ResettingProxy((host, int(port)))
    through_proxy = dict(
        s3_options,
        endpoint_url=f"http://127.0.0.1:{proxy.port}",
        config_kwargs={"retries": {"max_attempts": 1, "mode": "standard"}},
    )
    logged: list[str] = []

    def log(line: str) -> None:
        logged.append(line)
        if line.startswith("attempt 1 of 3"):
            threading.Timer(0.1, lambda: setattr(proxy, "down", False)).start()

    job = s3_job(tmp_path, f"s3://{bucket}/raw", through_proxy, retry=RetryPolicy(max_retries=2, backoff=0.5))
    try:
        result = run_incremental(job, log, BookmarkStore(tmp_path / "bookmarks.db"))
    finally:
        proxy.close()
    assert proxy.resets >= 1
    assert [line for line in logged if line.startswith("attempt ")][:1], logged
    assert (result.files_new, result.rows_out) == (1, 3)
    assert published_ids(tmp_path / "out") == [0, 1, 2]


def test_a_prefix_with_a_manifest_gives_the_files_it_lists(
    s3_options: dict[str, Any], tmp_path: Path
) -> None:
    from workbench.jobs.manifest import FORMAT, MANIFEST

    bucket = new_bucket(s3_options, "manifest")
    client = s3_client(s3_options)
    client.put_object(Bucket=bucket, Key="clean/run-1.csv", Body=csv_bytes(range(0, 2)))
    client.put_object(Bucket=bucket, Key="clean/run-2/part-0.csv", Body=csv_bytes(range(2, 4)))
    client.put_object(Bucket=bucket, Key="clean/run-2/_SUCCESS", Body=b"")
    client.put_object(Bucket=bucket, Key="clean/run-3.csv", Body=csv_bytes(range(90, 99)))  # not published
    entries = [{"file": "run-1.csv", "run": "1"}, {"file": "run-2", "run": "2"}]
    manifest = json.dumps({"format": FORMAT, "entries": entries}).encode()
    client.put_object(Bucket=bucket, Key=f"clean/{MANIFEST}", Body=manifest)
    result = run_incremental(s3_job(tmp_path, f"s3://{bucket}/clean", s3_options), lambda _: None,
                             BookmarkStore(tmp_path / "bookmarks.db"))  # fmt: skip
    assert (result.files_new, result.rows_out) == (2, 4)
    assert published_ids(tmp_path / "out") == [0, 1, 2, 3]


def test_a_run_without_a_bookmark_reads_a_copy_of_the_prefix_and_names_the_url(
    s3_options: dict[str, Any], tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    bucket = new_bucket(s3_options, "once")
    client = s3_client(s3_options)
    client.put_object(Bucket=bucket, Key="raw/2024/b.csv", Body=csv_bytes(range(3, 5)))
    client.put_object(Bucket=bucket, Key="raw/2024/a.csv", Body=csv_bytes(range(0, 3)))
    (tmp_path / "recipe.json").write_text(json.dumps(RECIPE), encoding="utf-8")
    env = dict(os.environ, FSSPEC_S3=json.dumps(s3_options), COLUMNS="300")
    env.pop("WORKBENCH_HISTORY", None)
    done = workbench("run", "recipe.json", "--input", f"s3://{bucket}/raw", "--output", "clean.parquet",
                     cwd=tmp_path, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "5 rows in" in done.stderr
    # The rows in the order of the keys, as a local copy of the prefix would give them.
    assert pq.read_table(tmp_path / "clean.parquet").to_pydict()["id"] == [0, 1, 2, 3, 4]
    history = workbench("history", "--json", cwd=tmp_path, env=env)
    assert f"s3://{bucket}/raw" in history.stdout
    assert "workbench-input-" not in history.stdout


def test_a_run_to_an_object_store_is_refused_before_reading_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id\n1\n", encoding="utf-8")
    (tmp_path / "recipe.json").write_text(json.dumps(RECIPE | {"steps": []}), encoding="utf-8")
    done = workbench("run", "recipe.json", "--input", "a.csv", "--output", "s3://bucket/clean.parquet",
                     cwd=tmp_path, env=dict(os.environ, COLUMNS="300"))  # fmt: skip
    assert done.returncode != 0
    assert "output s3://bucket/clean.parquet is on an object store" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "s3:").exists()  # no local folder named after the URL


def test_a_pandas_stream_polls_an_s3_prefix_and_spark_says_what_it_would_need(
    s3_options: dict[str, Any], tmp_path: Path
) -> None:
    bucket = new_bucket(s3_options, "stream")
    client = s3_client(s3_options)
    client.put_object(Bucket=bucket, Key="incoming/a.csv", Body=csv_bytes(range(0, 3)))
    (tmp_path / "recipe.json").write_text(json.dumps(RECIPE), encoding="utf-8")
    env = dict(os.environ, FSSPEC_S3=json.dumps(s3_options), COLUMNS="300")
    stream = ["stream", "recipe.json", "--input", f"s3://{bucket}/incoming", "--output", "out"]
    stream += ["--checkpoint", "ck", "--once", "--engine", "pandas"]
    first = workbench(*stream, cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert f"streaming s3://{bucket}/incoming on pandas" in first.stderr
    client.put_object(Bucket=bucket, Key="incoming/b.csv", Body=csv_bytes(range(3, 5)))
    client.put_object(Bucket=bucket, Key="incoming/a.csv", Body=csv_bytes(range(0, 3)))  # delivered twice
    second = workbench(*stream, cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert "done: 1 batches, 2 rows out" in second.stderr
    assert published_ids(tmp_path / "out") == [0, 1, 2, 3, 4]
    on_spark = workbench(*stream[:-1], "spark", cwd=tmp_path, env=env)
    assert on_spark.returncode != 0
    assert "Spark's file source watches it through s3a://" in on_spark.stderr
    assert "Traceback" not in on_spark.stderr
