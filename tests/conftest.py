"""Engine fixtures: pandas, a local classic Spark session, and a real Spark Connect server.

One pytest process runs either the in-process engines (pandas and classic Spark) or Spark
Connect: pyspark switches every ``functions`` call to Spark Connect once a remote session
exists in a process, so the two Spark flavours cannot share one.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest

ALL_ENGINES = ("pandas", "spark", "connect")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engines",
        default=os.environ.get("WORKBENCH_ENGINES", "pandas,spark"),
        help="comma-separated engines: pandas, spark, connect (connect runs alone)",
    )


def selected_engines(config: pytest.Config) -> list[str]:
    names = [e.strip() for e in config.getoption("--engines").split(",") if e.strip()]
    unknown = set(names) - set(ALL_ENGINES)
    if unknown:
        raise pytest.UsageError(f"unknown engines {sorted(unknown)}")
    if "connect" in names and "spark" in names:
        raise pytest.UsageError("run --engines=connect in its own pytest process")
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_name" in metafunc.fixturenames:
        metafunc.parametrize("engine_name", selected_engines(metafunc.config), scope="session")
    if "spark_engine_name" in metafunc.fixturenames:
        # Tests that compare a Spark engine with pandas run once per selected Spark engine.
        spark_kinds = [e for e in selected_engines(metafunc.config) if e != "pandas"]
        metafunc.parametrize("spark_engine_name", spark_kinds, scope="session")


def _runs_on_engines(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "engine_name" in names or "spark_engine_name" in names


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    engines = selected_engines(config)
    if engines == ["connect"]:
        keep = [i for i in items if _runs_on_engines(i)]
    elif "spark" not in engines:
        keep = [i for i in items if "spark_session" not in getattr(i, "fixturenames", ())]
    else:
        return
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    from workbench.engines.spark.session import get_session

    session = get_session()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def connect_server() -> Iterator[Any]:
    """A real Spark Connect server on a free loopback port, for this test session."""
    from tests.spark_connect import ConnectServer

    server = ConnectServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def connect_session(connect_server: Any) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = SparkSession.builder.remote(connect_server.url).getOrCreate()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def session_for(request: pytest.FixtureRequest, engine_name: str) -> Any:
    if engine_name == "spark":
        return request.getfixturevalue("spark_session")
    if engine_name == "connect":
        return request.getfixturevalue("connect_session")
    return None


@pytest.fixture(scope="session")
def spark_session_for(request: pytest.FixtureRequest, spark_engine_name: str) -> Any:
    """The Spark session (classic or Connect) of a test that compares a Spark engine with pandas."""
    fixture = "spark_session" if spark_engine_name == "spark" else "connect_session"
    return request.getfixturevalue(fixture)


@pytest.fixture
def engine(engine_name: str, session_for: Any) -> Any:
    """A fresh engine object of the selected kind (no datasets bound)."""
    return make_engine(engine_name, session_for)


FIXED_NOW = dt.datetime(2024, 5, 17, 23, 30, 15, tzinfo=dt.UTC)
"""The clock every test engine reads (NOW, TODAY), so their examples are deterministic."""


def make_engine(engine_name: str, session: Any, datasets: dict[str, Any] | None = None) -> Any:
    if engine_name == "pandas":
        from workbench.engines.pandas import PandasEngine

        return PandasEngine(datasets=datasets, now=FIXED_NOW)
    from workbench.engines.spark import SparkEngine

    return SparkEngine(session=session, datasets=datasets, now=FIXED_NOW)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server (moto) on a free loopback port, for this test session."""
    pytest.importorskip("s3fs")
    moto_server = pytest.importorskip("moto.moto_server.threaded_moto_server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_options(s3_endpoint: str) -> dict[str, Any]:
    """fsspec storage options that reach ``s3_endpoint``."""
    return {
        "endpoint_url": s3_endpoint,
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"region_name": "us-east-1"},
        "skip_instance_cache": True,
    }


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> tuple[Any, str]:
    """A new, empty bucket on ``s3_endpoint``: a boto3 client and the bucket's name."""
    import uuid

    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return client, bucket
