"""Sensitive data: one-way hashes and keyed HMACs of values, as hex text."""

from __future__ import annotations

import hashlib
import hmac
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.keyed_hash import DIGESTS, digest_spark, hmac_hex_spark
from workbench.core.params import Boolean, Text, TextList, enum_param
from workbench.core.registry import Category, Example
from workbench.core.sensitive import (
    TEST_SECRETS,
    SourceColumns,
    map_unique,
    no_entity_filter,
    no_version,
    secrets_of,
    text_pandas,
    text_spark,
)
from workbench.core.types import LType
from workbench.engines.pandas.arrow import wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class HashAlgorithm(str, Enum):
    MD5 = "MD5"
    SHA1 = "SHA1"
    SHA256 = "SHA256"
    SHA512 = "SHA512"
    HMAC_MD5 = "HMAC_MD5"
    HMAC_SHA1 = "HMAC_SHA1"
    HMAC_SHA256 = "HMAC_SHA256"
    HMAC_SHA512 = "HMAC_SHA512"


class CryptographicHash(SourceColumns):
    """Replace values with a one-way hash (MD5, SHA, or keyed HMAC with a secret), as hex text.

    The hash is computed over the UTF-8 bytes of each value's text form (non-text columns are
    rendered to text first, by Workbench's casting rules) and written as lower-case hexadecimal
    text; nulls stay null. HMAC_* algorithms (the default is HMAC_SHA256) need ``secretId``: the
    name of a secret bound at run time (its key may have any length). Both engines give the same
    digests; Spark computes them with its native md5/sha1/sha2 functions (HMAC built from them).
    ``secretVersion`` is not supported (bind the key version you want under the name);
    ``createSecretIfMissing`` is accepted, but Workbench never creates keys. ``entityTypeFilter``
    (hashing only PII found inside free text) is not supported yet: a non-empty value is refused.
    """

    operation = "CRYPTOGRAPHIC_HASH"
    category = Category.SENSITIVE
    algorithm: enum_param(HashAlgorithm) = HashAlgorithm.HMAC_SHA256  # type: ignore[valid-type]
    secret_id: Text | None = None
    secret_version: Text | None = None
    entity_type_filter: TextList | None = None
    create_secret_if_missing: Boolean = False
    examples: ClassVar = (
        Example(
            given={"email": ["ana@example.com", "", None, "Ünïcode ✓"]},
            params={"sourceColumns": ["email"], "algorithm": "SHA256"},
            expect={
                "email": [
                    "8e43ca37701228e74983efdbd0cff5c16b3b1e5d4e29a7c05626d4d25a018e11",
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                    None,
                    "6ffff53f840f7ff31ef5e94928467245a2c079a05fecfac6e5acac8f92e6aeb4",
                ]
            },
        ),
        Example(
            given={"n": [42, -7, None], "name": ["ana", None, "ana"]},
            params={"sourceColumns": '["n","name"]', "secretId": "example-key"},
            expect={
                "n": [
                    "7df989924b2ebf8832c80802d1213a8a21a062a23877f0718effe501daee1703",
                    "54a07f6735f4f5255796d46fb6b48c4c4352513b0c9dc65de3dd0017471313df",
                    None,
                ],
                "name": [
                    "cb1dae94518c21fce558d6c91c2db6f8181938a1168a1c7ac6bb4e1b0780239b",
                    None,
                    "cb1dae94518c21fce558d6c91c2db6f8181938a1168a1c7ac6bb4e1b0780239b",
                ],
            },
            title="the default HMAC_SHA256, keyed by a secret; numbers are hashed in their text form",
            secrets=TEST_SECRETS,
        ),
        Example(
            given={"day": ["2024-05-17", None], "flag": [True, None]},
            params={"sourceColumns": ["day", "flag"], "algorithm": "MD5"},
            schema={"day": "date"},
            expect={
                "day": ["5f064c9a3e3585dd1e12985f8b4b0330", None],
                "flag": ["b326b5062b2f0e69046810717534cb09", None],
            },
        ),
        Example(
            given={"day": ["2024-05-17", None]},
            params={"sourceColumns": ["day"], "algorithm": "SHA1"},
            expect={"day": ["8bbc46c4d63bfad1ae3375e2c67aef0955f67f66", None]},
        ),
        Example(
            given={"name": ["ana", None]},
            params={"sourceColumns": ["name"], "algorithm": "HMAC_SHA512", "secretId": "example-key"},
            expect={
                "name": [
                    "1bfed7e2cbb5593d6ce1ce0b735a70738cbb44fab28c5a699de22e4fef0fc020"
                    "1295dfc1926a902053759e4ed721933307de1f306223b41467623f137c29317a",
                    None,
                ]
            },
            secrets=TEST_SECRETS,
        ),
        Example(
            given={"name": ["ana", None]},
            params={"sourceColumns": ["name"], "algorithm": "HMAC_MD5", "secretId": "example-key"},
            expect={"name": ["adcd05ad8f6acf74dc0e419250a49e79", None]},
            secrets=TEST_SECRETS,
        ),
        Example(
            given={"name": ["ana", None]},
            params={"sourceColumns": ["name"], "algorithm": "HMAC_SHA1", "secretId": "example-key"},
            expect={"name": ["95c11f27ef2b593cc5db5ac80613f0b0c2278fc6", None]},
            secrets=TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> CryptographicHash:
        no_entity_filter(self.operation, self.entity_type_filter)
        no_version(self.operation, self.secret_version)
        if self.algorithm.value.startswith("HMAC_") and not self.secret_id:
            raise ParameterError(
                f"{self.algorithm.value} is keyed: give secretId (the name of a secret bound at run time)",
                operation=self.operation,
                parameter="secretId",
            )
        return self

    def secrets_needed(self) -> list[tuple[str, str, str]]:
        if self.algorithm.value.startswith("HMAC_") and self.secret_id:
            return [("secretId", self.secret_id, "hmac")]
        return []

    def _digest(self) -> tuple[str, bool]:
        name = self.algorithm.value
        return name.removeprefix("HMAC_"), name.startswith("HMAC_")

    def _key(self, ctx: Any) -> bytes:
        return secrets_of(ctx).require(str(self.secret_id), operation=self.operation, parameter="secretId")

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        digest, keyed = self._digest()
        name = DIGESTS[digest][0]
        text = text_pandas(s, ltype)
        if keyed:
            key = self._key(ctx)
            result = map_unique(text, lambda v: hmac.new(key, v.encode("utf-8"), name).hexdigest())
        else:
            result = map_unique(text, lambda v: hashlib.new(name, v.encode("utf-8")).hexdigest())
        return wrap(result, s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        digest, keyed = self._digest()
        data = text_spark(c, ltype).cast("binary")
        if keyed:
            return hmac_hex_spark(data, self._key(ctx), digest, secrets_of(ctx))
        return digest_spark(data, digest)
