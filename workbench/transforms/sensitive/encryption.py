"""Sensitive data: AES-256-GCM encryption and decryption, randomised or deterministic."""

from __future__ import annotations

import base64
import hmac
import os
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.keyed_hash import hex_lit, hmac_hex_spark
from workbench.core.lazy import F
from workbench.core.params import Boolean, Text, TextList
from workbench.core.registry import Category, Example
from workbench.core.secrets import Secrets, aes_key
from workbench.core.sensitive import (
    TEST_SECRETS,
    TEXT,
    SourceColumns,
    map_unique,
    no_entity_filter,
    no_version,
    secrets_of,
    text_pandas,
    text_spark,
)
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


_MAC_LABEL = b"workbench deterministic-encrypt iv v1"
"""Derives DETERMINISTIC_ENCRYPT's IV key from the encryption key (keys are not shared across uses)."""


_BASE64 = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
"""Strict base64 text: what both engines accept as a ciphertext before decrypting it."""

_IV_BYTES = 12
_TAG_BYTES = 16


def _aesgcm(key: bytes) -> Any:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _deterministic_iv_key(key: bytes) -> bytes:
    return hmac.new(key, _MAC_LABEL, "sha256").digest()


def encrypt_value(key: bytes, text: str, *, deterministic: bool) -> str:
    """One value's ciphertext: base64 of IV || AES-256-GCM ciphertext || tag (pandas engine)."""
    data = text.encode("utf-8")
    if deterministic:
        iv = hmac.new(_deterministic_iv_key(key), data, "sha256").digest()[:_IV_BYTES]
    else:
        iv = os.urandom(_IV_BYTES)
    return base64.b64encode(iv + _aesgcm(key).encrypt(iv, data, None)).decode("ascii")


def decrypt_value(key: bytes, text: str) -> str:
    """A value's plaintext, or the value itself when it is not a ciphertext under ``key``."""
    from cryptography.exceptions import InvalidTag

    raw = base64.b64decode(text)
    if len(raw) < _IV_BYTES + _TAG_BYTES:
        return text
    try:
        plain = _aesgcm(key).decrypt(raw[:_IV_BYTES], raw[_IV_BYTES:], None)
    except InvalidTag:
        return text
    return plain.decode("utf-8", errors="replace")


def _encrypt_spark(text: SparkColumn, key: bytes, deterministic: bool, secrets: Secrets) -> SparkColumn:
    data = text.cast("binary")
    key_column = hex_lit(key)
    if deterministic:
        iv_key = _deterministic_iv_key(key)
        secrets.mark(key, iv_key)
        iv = F.unhex(F.substring(hmac_hex_spark(data, iv_key, "SHA256", secrets), 1, 2 * _IV_BYTES))
        encrypted = F.aes_encrypt(data, key_column, F.lit("GCM"), F.lit("DEFAULT"), iv)
    else:
        secrets.mark(key)
        encrypted = F.aes_encrypt(data, key_column, F.lit("GCM"))
    # Spark's base64 may wrap long output in MIME lines; the ciphertext is one line of text.
    return F.regexp_replace(F.base64(encrypted), "[\\r\\n]", "")


def _decrypt_spark(c: SparkColumn, key: bytes, secrets: Secrets) -> SparkColumn:
    secrets.mark(key)
    plain = F.try_aes_decrypt(F.unbase64(c), hex_lit(key), F.lit("GCM")).cast("string")
    candidate = c.rlike(_BASE64) & (F.length(c) >= 4 * ((_IV_BYTES + _TAG_BYTES + 2) // 3))
    return F.when(candidate, F.coalesce(plain, c)).otherwise(c)


def _decrypt_pandas(s: pd.Series, key: bytes) -> pd.Series:
    a = pc.cast(arr(s), TEXT)
    candidate = pc.match_substring_regex(a, _BASE64)
    decrypted = map_unique(a, lambda v: decrypt_value(key, v) if _is_base64(v) else v)
    return wrap(pc.if_else(pc.fill_null(candidate, False), decrypted, a), s)


def _is_base64(value: str) -> bool:
    return len(value) % 4 == 0 and all(ch.isascii() and (ch.isalnum() or ch in "+/=") for ch in value)


class _Crypt(SourceColumns):
    abstract: ClassVar[bool] = True
    key_parameter: ClassVar[str] = "secretId"

    def _key_name(self) -> str:
        raise NotImplementedError

    def secrets_needed(self) -> list[tuple[str, str, str]]:
        return [(self.key_parameter, self._key_name(), "aes")]

    def _key(self, ctx: Any) -> bytes:
        return aes_key(
            secrets_of(ctx), self._key_name(), operation=self.operation, parameter=self.key_parameter
        )


class _Encrypt(_Crypt):
    abstract: ClassVar[bool] = True
    deterministic: ClassVar[bool] = False

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        key = self._key(ctx)
        text = text_pandas(s, ltype)
        if self.deterministic:
            return wrap(map_unique(text, lambda v: encrypt_value(key, v, deterministic=True)), s)
        values = [None if v is None else encrypt_value(key, v, deterministic=False) for v in text.to_pylist()]
        return wrap(pa.array(values, TEXT), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        return _encrypt_spark(text_spark(c, ltype), self._key(ctx), self.deterministic, secrets_of(ctx))


class _Decrypt(_Crypt):
    abstract: ClassVar[bool] = True
    accepted: ClassVar[tuple[LType, ...] | None] = (LType.STRING,)

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: PandasContext, index: int) -> pd.Series:
        return _decrypt_pandas(s, self._key(ctx))

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: SparkContext, index: int) -> SparkColumn:
        return _decrypt_spark(c, self._key(ctx), secrets_of(ctx))


# Ciphertexts of the examples, made with the test-only keys above (pandas ENCRYPT): "ana", "" and
# "Zoë ✓" under the example key, and "ana" under another key.
_CT_ANA = "ZnxB8IKJorEWq0SesOPu4bDXpvqm3mowevajbMaGeA=="
_CT_EMPTY = "s5zUf9EZ4xtfhpYMMQzWSYjA/HgWoQSlsVFulg=="
_CT_ZOE = "JvazTTkzC6WSAxhoXQCKxkq+DcXFyDyYSO0hutNQ1ghgaE4e"
_CT_OTHER_KEY = "7xX1KYo2sL7tox9YrHLrSexReG9OrmTOjYvfp1qhuw=="
_DET_ANA = "uq+XPHvfXD56Tud58ZSXPqwmuz2I1Qqp2+bhzlMWsQ=="
_DET_BOB = "5OhYCqPxLHNQBvxkaOWOCo2WWtyQnwCL7zwFVvHQ/A=="


class Encrypt(_Encrypt):
    """Encrypt values with AES-256-GCM under a key named by kmsKeyArn (randomised, reversible).

    Each value's text form (non-text columns are rendered to text first) is encrypted with a
    fresh random 96-bit IV and written as base64 text of ``IV || ciphertext || tag``; equal
    values give different ciphertexts. ``kmsKeyArn`` is the *name* of a secret bound at run time
    (a base64-encoded 32-byte key), not a key; DECRYPT with the same name reverses the step.
    The result is always text: ``preserveDataType`` is accepted, but the original type is not
    restored by DECRYPT (use CHANGE_DATA_TYPE afterwards). Nulls stay null. The ciphertext is
    random, so the examples here show only what is fixed (nulls, conditions); DECRYPT's examples
    and the unit tests check round trips. ``entityTypeFilter`` is not supported yet.
    """

    operation = "ENCRYPT"
    category = Category.SENSITIVE
    key_parameter = "kmsKeyArn"
    kms_key_arn: Text
    entity_type_filter: TextList | None = None
    preserve_data_type: Boolean = True
    examples: ClassVar = (
        Example(
            given={"ssn": [None, None], "n": [1, 2]},
            params={"sourceColumns": ["ssn"], "kmsKeyArn": "example-key"},
            expect={"ssn": [None, None], "n": [1, 2]},
            schema={"ssn": "string"},
            secrets=TEST_SECRETS,
        ),
        Example(
            given={"ssn": ["123-45-6789", None], "consent": ["no", "no"]},
            params={"sourceColumns": ["ssn"], "kmsKeyArn": "example-key"},
            conditions=({"Condition": "IS", "Value": '["yes"]', "TargetColumn": "consent"},),
            expect={"ssn": ["123-45-6789", None], "consent": ["no", "no"]},
            title="rows outside the conditions keep their value",
            secrets=TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> Encrypt:
        no_entity_filter(self.operation, self.entity_type_filter)
        return self

    def _key_name(self) -> str:
        return self.kms_key_arn


class Decrypt(_Decrypt):
    """Decrypt values encrypted by ENCRYPT with the same key name (kmsKeyArn).

    A value that is not base64 text of ``IV || ciphertext || tag`` under this key (wrong key,
    altered text, not a ciphertext) is left as it is, on both engines; nulls stay null. The
    result is the text that was encrypted (see ENCRYPT about types).
    """

    operation = "DECRYPT"
    category = Category.SENSITIVE
    key_parameter = "kmsKeyArn"
    kms_key_arn: Text
    examples: ClassVar = (
        Example(
            given={"ssn": [_CT_ANA, _CT_EMPTY, _CT_ZOE, None]},
            params={"sourceColumns": ["ssn"], "kmsKeyArn": "example-key"},
            expect={"ssn": ["ana", "", "Zoë ✓", None]},
            secrets=TEST_SECRETS,
        ),
        Example(
            given={"ssn": [_CT_OTHER_KEY, "not a ciphertext", "", _CT_ANA[:-4] + "AAA="]},
            params={"sourceColumns": ["ssn"], "kmsKeyArn": "example-key"},
            expect={"ssn": [_CT_OTHER_KEY, "not a ciphertext", "", _CT_ANA[:-4] + "AAA="]},
            title="values that do not decrypt under the key are left as they are",
            secrets=TEST_SECRETS,
        ),
    )

    def _key_name(self) -> str:
        return self.kms_key_arn


class DeterministicEncrypt(_Encrypt):
    """Encrypt values so equal inputs give equal ciphertexts (joinable), under a secret's key.

    A SIV-style construction: the IV is the first 12 bytes of HMAC-SHA256(K', text), where K' =
    HMAC-SHA256(K, "workbench deterministic-encrypt iv v1") is derived from the secret's key K,
    and the text is then encrypted with AES-256-GCM under K. The ciphertext is base64 text of
    ``IV || ciphertext || tag``, the same layout as ENCRYPT. Equal values give equal
    ciphertexts, so equality (and frequency) of values is visible; nothing else about them is.
    ``secretId`` names a secret bound at run time (a base64-encoded 32-byte key). Nulls stay
    null. ``secretVersion`` and ``entityTypeFilter`` are not supported yet; ``createSecretIfMissing``
    is accepted, but Workbench never creates keys.
    """

    operation = "DETERMINISTIC_ENCRYPT"
    category = Category.SENSITIVE
    deterministic = True
    secret_id: Text
    secret_version: Text | None = None
    entity_type_filter: TextList | None = None
    create_secret_if_missing: Boolean = False
    examples: ClassVar = (
        Example(
            given={"name": ["ana", "bob", "ana", None]},
            params={"sourceColumns": ["name"], "secretId": "example-key"},
            expect={"name": [_DET_ANA, _DET_BOB, _DET_ANA, None]},
            secrets=TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> DeterministicEncrypt:
        no_entity_filter(self.operation, self.entity_type_filter)
        no_version(self.operation, self.secret_version)
        return self

    def _key_name(self) -> str:
        return self.secret_id


class DeterministicDecrypt(_Decrypt):
    """Decrypt values encrypted by DETERMINISTIC_ENCRYPT with the same secret.

    As DataBrew does, a value that does not decrypt under the secret's key (another key, altered
    or plain text) is left as it is; nulls stay null. ``secretVersion`` is not supported.
    """

    operation = "DETERMINISTIC_DECRYPT"
    category = Category.SENSITIVE
    secret_id: Text
    secret_version: Text | None = None
    examples: ClassVar = (
        Example(
            given={"name": [_DET_ANA, _DET_BOB, "plain", None, _CT_OTHER_KEY]},
            params={"sourceColumns": ["name"], "secretId": "example-key"},
            expect={"name": ["ana", "bob", "plain", None, _CT_OTHER_KEY]},
            secrets=TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> DeterministicDecrypt:
        no_version(self.operation, self.secret_version)
        return self

    def _key_name(self) -> str:
        return self.secret_id
