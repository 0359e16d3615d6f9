"""Helpers of the unit tests on the S3-compatible server (its fixtures are in tests/conftest.py)."""

from __future__ import annotations

import uuid
from typing import Any


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
