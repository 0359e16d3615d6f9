"""Retries: a real transient failure (an S3-compatible server behind a proxy that resets every
connection while it is "down") is retried with backoff and each attempt logged; recipe errors
never are."""

from __future__ import annotations

import contextlib
import errno
import json
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.core.errors import ColumnNotFoundError, DataIOError, RecipeError
from workbench.jobs.retry import RetryPolicy, is_transient, retrying


class ResettingProxy:
    """A TCP proxy on loopback that resets every connection while ``down``, else relays."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.down = True
        self.resets = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.down:
                self.resets += 1
                # SO_LINGER 0: close sends a TCP reset, the client sees "connection reset by peer".
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
                continue
            upstream = socket.create_connection(self.upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        self.server.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


@pytest.fixture
def proxied(s3_endpoint: str, s3_bucket: tuple[Any, str]) -> Iterator[tuple[Any, str, ResettingProxy]]:
    client, bucket = s3_bucket
    client.put_object(Bucket=bucket, Key="raw/a.jsonl", Body=b'{"id": 1}\n{"id": 2}\n')
    host, port = s3_endpoint.removeprefix("http://").split(":")
    proxy = ResettingProxy((host, int(port)))
    yield client, bucket, proxy
    proxy.close()


def _filesystem(port: int) -> Any:
    import s3fs

    # The client's own retries are off, so the failures reach Workbench's retry loop.
    fs = s3fs.S3FileSystem(
        endpoint_url=f"http://127.0.0.1:{port}",
        key="testing",
        secret="testing",
        client_kwargs={"region_name": "us-east-1"},
        config_kwargs={"retries": {"max_attempts": 1, "mode": "standard"}},
        skip_instance_cache=True,
    )
    fs.retries = 1
    return fs


def test_a_connection_reset_by_the_object_store_is_retried_with_backoff(
    proxied: tuple[Any, str, ResettingProxy],
) -> None:
    _, bucket, proxy = proxied
    fs = _filesystem(proxy.port)
    logged: list[str] = []
    waits: list[float] = []

    def wait(seconds: float) -> None:  # the store comes back during the second wait
        waits.append(seconds)
        proxy.down = len(waits) < 2

    body = retrying(
        lambda: fs.cat_file(f"{bucket}/raw/a.jsonl"),
        RetryPolicy(max_retries=3, backoff=0.5),
        logged.append,
        what="read",
        sleep=wait,
    )
    assert proxy.resets >= 2
    assert body == b'{"id": 1}\n{"id": 2}\n'
    assert waits == [0.5, 1.0]  # exponential: the backoff, then twice it
    assert len(logged) == 2
    assert logged[0].startswith("attempt 1 of 4 of the read failed with a transient error (")
    assert "retrying in 0.5 s" in logged[0]
    assert "attempt 2 of 4" in logged[1]


def test_without_retries_the_transient_failure_is_raised(proxied: tuple[Any, str, ResettingProxy]) -> None:
    _, bucket, proxy = proxied
    fs = _filesystem(proxy.port)
    with pytest.raises(Exception, match=r"(?i)connect|reset|closed") as raised:
        retrying(
            lambda: fs.cat_file(f"{bucket}/raw/a.jsonl"), RetryPolicy(), lambda _: None, sleep=lambda _: None
        )
    assert is_transient(raised.value)


def test_recipe_errors_and_missing_files_are_never_retried() -> None:
    calls: list[int] = []

    def bad_step() -> None:
        calls.append(1)
        raise ColumnNotFoundError("step 1 (id 's1'), UPPER_CASE: no column 'nmae'; did you mean 'name'?")

    with pytest.raises(ColumnNotFoundError):
        retrying(bad_step, RetryPolicy(max_retries=5), lambda _: None, sleep=lambda _: None)
    assert calls == [1]
    assert not is_transient(RecipeError("bad"))
    assert not is_transient(FileNotFoundError(errno.ENOENT, "no such file"))
    assert is_transient(ConnectionResetError(errno.ECONNRESET, "reset"))
    wrapped = DataIOError("cannot read 'x'")
    wrapped.__context__ = OSError(errno.EIO, "input/output error")
    assert is_transient(wrapped)


def test_spark_failures_are_transient_when_an_executor_or_the_connection_was_lost() -> None:
    from py4j.protocol import Py4JNetworkError
    from pyspark.errors.exceptions.connect import AnalysisException, SparkConnectGrpcException, SparkException

    lost = SparkException(message="Job aborted due to stage failure: ExecutorLostFailure (executor 1 exited)")
    assert is_transient(lost)
    written = DataIOError("Spark could not write 'out': the job failed")
    written.__cause__ = lost
    assert is_transient(written)
    assert is_transient(
        SparkConnectGrpcException(message="RPC terminated with: status = StatusCode.UNAVAILABLE")
    )
    assert is_transient(Py4JNetworkError("Answer from Java side is empty"))
    assert not is_transient(AnalysisException(message="[UNRESOLVED_COLUMN] `nmae` cannot be resolved"))
    assert not is_transient(Exception("ExecutorLostFailure in a plain Exception is not a Spark error"))


def test_a_bookmarked_run_with_a_recipe_error_makes_one_attempt(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.unit.test_jobs_bookmarks import RECIPE, write_csv

    steps = [{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "nmae"}}}]
    (tmp_path / "recipe.json").write_text(json.dumps(dict(RECIPE, steps=steps)), encoding="utf-8")
    write_csv(tmp_path / "raw" / "a.csv", range(3))
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "run", "recipe.json", "--input", "raw", "--output", "out",
         "--bookmark", "b", "--max-retries", "3", "--retry-backoff", "0"],
        cwd=tmp_path, env={"WORKBENCH_BOOKMARKS": str(tmp_path / "b.db"), "PATH": ""},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2
    assert "did you mean 'name'?" in done.stderr
    assert "attempt" not in done.stderr


def test_workbench_run_retries_an_object_store_that_is_down_and_then_back(
    proxied: tuple[Any, str, ResettingProxy], s3_options: dict[str, Any], tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    import pyarrow.parquet as pq

    from workbench.catalog import crawl

    client, bucket, proxy = proxied
    client.put_object(Bucket=bucket, Key="lake/t/a.csv", Body=b"id,amount\n1,2.5\n2,3.5\n")
    catalog = str(tmp_path / "catalog.db")
    crawl(f"s3://{bucket}/lake/t", database="raw", catalog=catalog, storage_options=s3_options)
    recipe = {"format": {"name": "workbench-recipe", "version": 1}, "name": "r", "steps": []}
    (tmp_path / "recipe.json").write_text(json.dumps(recipe), encoding="utf-8")
    store = {
        "endpoint_url": f"http://127.0.0.1:{proxy.port}",
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"region_name": "us-east-1"},
        "config_kwargs": {"retries": {"max_attempts": 1}},
    }
    env = dict(os.environ, FSSPEC_S3=json.dumps(store), WORKBENCH_CATALOG=catalog, COLUMNS="300")
    args = ["run", "recipe.json", "--input", "catalog:raw.t", "--output", "out.parquet"]
    process = subprocess.Popen(
        [sys.executable, "-m", "workbench", *args, "--max-retries", "2", "--retry-backoff", "2"],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("attempt 1 of 3 of the run failed with a transient error"):
            proxy.down = False  # the store is back before the retry
    assert process.wait(timeout=300) == 0, "".join(seen)
    assert proxy.resets >= 1
    assert sum(line.startswith("attempt ") for line in seen) == 1, "".join(seen)
    assert sorted(pq.read_table(tmp_path / "out.parquet").to_pydict()["id"]) == [1, 2]
