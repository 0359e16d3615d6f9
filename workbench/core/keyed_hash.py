"""Digests and HMAC as hex text: hashlib on pandas, Spark's native md5/sha1/sha2 on Spark.

Spark has no HMAC function; ``hmac_hex_spark`` builds RFC 2104's H((K ^ opad) || H((K ^ ipad) || m))
from its digest functions, with the padded keys computed on the driver, so both engines agree.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from workbench.core.lazy import F
from workbench.core.secrets import Secrets

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


def hex_lit(data: bytes) -> SparkColumn:
    """Bytes as a Spark binary literal."""
    return F.unhex(F.lit(data.hex()))


DIGESTS = {"MD5": ("md5", 64), "SHA1": ("sha1", 64), "SHA256": ("sha256", 64), "SHA512": ("sha512", 128)}
"""hashlib name and block size (bytes) of each digest."""


def digest_spark(data: SparkColumn, digest: str) -> SparkColumn:
    """Lower-case hex digest of a binary column, with Spark's native functions."""
    if digest == "MD5":
        return F.md5(data)
    if digest == "SHA1":
        return F.sha1(data)
    return F.sha2(data, 256 if digest == "SHA256" else 512)


def hmac_pads(key: bytes, digest: str) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys (RFC 2104), computed on the driver."""
    name, block = DIGESTS[digest]
    if len(key) > block:
        key = hashlib.new(name, key).digest()
    key = key.ljust(block, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_hex_spark(
    message: SparkColumn, key: bytes, digest: str, secrets: Secrets | None = None
) -> SparkColumn:
    """HMAC of a binary column as lower-case hex: H((K ^ opad) || H((K ^ ipad) || m)), natively."""
    inner_pad, outer_pad = hmac_pads(key, digest)
    if secrets is not None:
        secrets.mark(inner_pad, outer_pad)
    inner = F.unhex(digest_spark(F.concat(hex_lit(inner_pad), message), digest))
    return digest_spark(F.concat(hex_lit(outer_pad), inner), digest)
