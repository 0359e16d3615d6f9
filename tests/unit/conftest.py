"""Fixtures shared by the unit tests: one S3-compatible server (moto, on loopback) per test session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def s3_options() -> Iterator[dict[str, Any]]:
    """fsspec options reaching a moto S3 server started on a free loopback port, once per session."""
    pytest.importorskip("s3fs")
    moto_server = pytest.importorskip("moto.moto_server.threaded_moto_server")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield {
        "endpoint_url": f"http://{host}:{port}",
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"region_name": "us-east-1"},
        "skip_instance_cache": True,
    }
    server.stop()


def s3_client(options: dict[str, Any]) -> Any:
    """A boto3 client of the server ``options`` reach."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["key"],
        aws_secret_access_key=options["secret"],
        region_name="us-east-1",
    )


def new_bucket(options: dict[str, Any], prefix: str) -> str:
    """Create a bucket of its own for one test and return its name."""
    bucket = f"{prefix}-{uuid.uuid4().hex[:12]}"
    s3_client(options).create_bucket(Bucket=bucket)
    return bucket
