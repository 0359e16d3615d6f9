"""Sensitive data — hashing, masking, random replacement, shuffling and encryption of columns.

Conventions of every transform here (recorded in docs/decisions.md, "Sensitive data"):

- Values are hashed, masked and encrypted in their **text form**: a non-text column is first
  rendered to text by Workbench's casting rules (``workbench/core/casting.py``: integers as
  digits, doubles with up to 6 decimals, dates ``yyyy-MM-dd``, timestamps
  ``yyyy-MM-dd HH:mm:ss``, booleans ``true``/``false``), and the result is a text column. Text is
  encoded as UTF-8. Array, struct and map columns are refused.
- A null stays null; an empty string is a value (it is hashed, encrypted, masked to "").
- Keys are never in a recipe: ``secretId`` / ``kmsKeyArn`` name a secret that the run binds to
  key bytes (``workbench/core/secrets.py``). A missing secret fails validation.
- Encryption is AES-256-GCM; a value's ciphertext is the base64 text of
  ``12-byte IV || ciphertext || 16-byte tag`` (the layout of Spark's ``aes_encrypt(…, 'GCM')``),
  so values encrypted on one engine decrypt on the other, and with Spark's own
  ``aes_decrypt(unbase64(value), key, 'GCM')``.
- Random values and shuffles are derived from a ``seed`` (a Workbench extension parameter,
  default 0) and each row's position with the splitmix64 integer hash, computed with the same
  64-bit wrapping arithmetic on both engines, so both engines give the same rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.casting import TEXT_PATTERNS, cast_pandas, cast_spark
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, TableTransform
from workbench.core.lazy import F, W, scol
from workbench.core.params import Boolean, Columns, Integer, Number, Text, TextList, enum_param
from workbench.core.regex import java_regex, java_replacement, noncapturing, re2_replacement, regex_problem
from workbench.core.registry import Category, Example
from workbench.core.secrets import Secrets, aes_key
from workbench.core.text import WHITESPACE, refuse_empty_matches
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

TEXT = pa.large_string()
_NOT_RENDERABLE = (LType.ARRAY, LType.STRUCT, LType.MAP)

SYMBOLS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
"""The characters alphabet SYMBOLS leaves unmasked: the 32 ASCII punctuation characters."""

# Test-only keys (never use them for real data): they let the examples below run.
_TEST_KEY = bytes(range(32))
_OTHER_TEST_KEY = bytes(range(100, 132))
_TEST_SECRETS = {"example-key": _TEST_KEY}


# --- shared helpers ------------------------------------------------------------------------------


def _secrets(ctx: Any) -> Secrets:
    found = getattr(ctx, "secrets", None)
    return found if isinstance(found, Secrets) else Secrets(found)


def _text_pandas(s: pd.Series, ltype: LType) -> pa.Array:
    a = arr(s)
    if ltype is LType.STRING:
        return pc.cast(a, TEXT)
    return arr(cast_pandas(s, ltype, LType.STRING))


def _text_spark(c: SparkColumn, ltype: LType) -> SparkColumn:
    return c if ltype is LType.STRING else cast_spark(c, ltype, LType.STRING)


def _combined(a: Any) -> pa.Array:
    return a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a


def _map_unique(a: Any, fn: Any) -> pa.Array:
    """Apply a Python function to each distinct non-null text value (nulls stay null)."""
    encoded = _combined(pc.dictionary_encode(_combined(a)))
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], TEXT)
    return pc.take(mapped, encoded.indices)


def _literal(text: str) -> str:
    """A regex matching ``text`` literally (each character as \\x{…}, read alike by RE2 and Java)."""
    return "".join(f"\\x{{{ord(ch):04X}}}" for ch in text)


def _no_entity_filter(operation: str, value: list[str] | None) -> None:
    if value:
        raise ParameterError(
            "entityTypeFilter is not supported yet (it needs PII detection inside free text); "
            "leave it empty to process whole values",
            operation=operation,
            parameter="entityTypeFilter",
        )


def _hex_lit(data: bytes) -> SparkColumn:
    return F.unhex(F.lit(data.hex()))


class _SourceColumns(ColumnFunction):
    """Rewrites each of ``sourceColumns`` in place."""

    abstract: ClassVar[bool] = True
    source_columns: Columns
    accepted: ClassVar[tuple[LType, ...] | None] = None
    """Column types this step takes (None: every type that has a text form)."""

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {c: self.result_type(schema[c]) for c in self.source_columns}

    def check(self, schema: Schema) -> None:
        if not self.source_columns:
            raise ParameterError(
                "give at least one column", operation=self.operation, parameter="sourceColumns"
            )
        super().check(schema)
        for column in self.source_columns:
            ltype = schema[column]
            bad = ltype in _NOT_RENDERABLE if self.accepted is None else ltype not in self.accepted
            if bad:
                allowed = (
                    "a column with a text form"
                    if self.accepted is None
                    else " or ".join(t.value for t in self.accepted)
                )
                raise ParameterError(
                    f"column {column!r} is {ltype.value}; this needs {allowed}",
                    operation=self.operation,
                    parameter="sourceColumns",
                    column=column,
                )

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        raise NotImplementedError

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        raise NotImplementedError

    def pandas_columns(self, df: pd.DataFrame, ctx: Any) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        return {c: self.pandas_value(df[c], schema[c], ctx, i) for i, c in enumerate(self.source_columns)}

    def spark_columns(self, df: SparkFrame, ctx: Any) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        return {c: self.spark_value(scol(c), schema[c], ctx, i) for i, c in enumerate(self.source_columns)}


# --- hashing ---------------------------------------------------------------------------------------


class HashAlgorithm(str, Enum):
    MD5 = "MD5"
    SHA1 = "SHA1"
    SHA256 = "SHA256"
    SHA512 = "SHA512"
    HMAC_MD5 = "HMAC_MD5"
    HMAC_SHA1 = "HMAC_SHA1"
    HMAC_SHA256 = "HMAC_SHA256"
    HMAC_SHA512 = "HMAC_SHA512"


_DIGESTS = {"MD5": ("md5", 64), "SHA1": ("sha1", 64), "SHA256": ("sha256", 64), "SHA512": ("sha512", 128)}
"""hashlib name and block size (bytes) of each digest."""

_MAC_LABEL = b"workbench deterministic-encrypt iv v1"
"""Derives DETERMINISTIC_ENCRYPT's IV key from the encryption key (keys are not shared across uses)."""


def _digest_spark(data: SparkColumn, digest: str) -> SparkColumn:
    """Lower-case hex digest of a binary column, with Spark's native functions."""
    if digest == "MD5":
        return F.md5(data)
    if digest == "SHA1":
        return F.sha1(data)
    return F.sha2(data, 256 if digest == "SHA256" else 512)


def hmac_pads(key: bytes, digest: str) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys (RFC 2104), computed on the driver."""
    name, block = _DIGESTS[digest]
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
    inner = F.unhex(_digest_spark(F.concat(_hex_lit(inner_pad), message), digest))
    return _digest_spark(F.concat(_hex_lit(outer_pad), inner), digest)


class CryptographicHash(_SourceColumns):
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
            secrets=_TEST_SECRETS,
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
            secrets=_TEST_SECRETS,
        ),
        Example(
            given={"name": ["ana", None]},
            params={"sourceColumns": ["name"], "algorithm": "HMAC_MD5", "secretId": "example-key"},
            expect={"name": ["adcd05ad8f6acf74dc0e419250a49e79", None]},
            secrets=_TEST_SECRETS,
        ),
        Example(
            given={"name": ["ana", None]},
            params={"sourceColumns": ["name"], "algorithm": "HMAC_SHA1", "secretId": "example-key"},
            expect={"name": ["95c11f27ef2b593cc5db5ac80613f0b0c2278fc6", None]},
            secrets=_TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> CryptographicHash:
        _no_entity_filter(self.operation, self.entity_type_filter)
        _no_version(self.operation, self.secret_version)
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
        return _secrets(ctx).require(str(self.secret_id), operation=self.operation, parameter="secretId")

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        digest, keyed = self._digest()
        name = _DIGESTS[digest][0]
        text = _text_pandas(s, ltype)
        if keyed:
            key = self._key(ctx)
            result = _map_unique(text, lambda v: hmac.new(key, v.encode("utf-8"), name).hexdigest())
        else:
            result = _map_unique(text, lambda v: hashlib.new(name, v.encode("utf-8")).hexdigest())
        return wrap(result, s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        digest, keyed = self._digest()
        data = _text_spark(c, ltype).cast("binary")
        if keyed:
            return hmac_hex_spark(data, self._key(ctx), digest, _secrets(ctx))
        return _digest_spark(data, digest)


def _no_version(operation: str, version: str | None) -> None:
    if version:
        raise ParameterError(
            "secretVersion is not supported; bind the key version you want to the secret's name",
            operation=operation,
            parameter="secretVersion",
        )


# --- encryption ------------------------------------------------------------------------------------

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
    key_column = _hex_lit(key)
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
    plain = F.try_aes_decrypt(F.unbase64(c), _hex_lit(key), F.lit("GCM")).cast("string")
    candidate = c.rlike(_BASE64) & (F.length(c) >= 4 * ((_IV_BYTES + _TAG_BYTES + 2) // 3))
    return F.when(candidate, F.coalesce(plain, c)).otherwise(c)


def _decrypt_pandas(s: pd.Series, key: bytes) -> pd.Series:
    a = pc.cast(arr(s), TEXT)
    candidate = pc.match_substring_regex(a, _BASE64)
    decrypted = _map_unique(a, lambda v: decrypt_value(key, v) if _is_base64(v) else v)
    return wrap(pc.if_else(pc.fill_null(candidate, False), decrypted, a), s)


def _is_base64(value: str) -> bool:
    return len(value) % 4 == 0 and all(ch.isascii() and (ch.isalnum() or ch in "+/=") for ch in value)


class _Crypt(_SourceColumns):
    abstract: ClassVar[bool] = True
    key_parameter: ClassVar[str] = "secretId"

    def _key_name(self) -> str:
        raise NotImplementedError

    def secrets_needed(self) -> list[tuple[str, str, str]]:
        return [(self.key_parameter, self._key_name(), "aes")]

    def _key(self, ctx: Any) -> bytes:
        return aes_key(
            _secrets(ctx), self._key_name(), operation=self.operation, parameter=self.key_parameter
        )


class _Encrypt(_Crypt):
    abstract: ClassVar[bool] = True
    deterministic: ClassVar[bool] = False

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        key = self._key(ctx)
        text = _text_pandas(s, ltype)
        if self.deterministic:
            return wrap(_map_unique(text, lambda v: encrypt_value(key, v, deterministic=True)), s)
        values = [None if v is None else encrypt_value(key, v, deterministic=False) for v in text.to_pylist()]
        return wrap(pa.array(values, TEXT), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        return _encrypt_spark(_text_spark(c, ltype), self._key(ctx), self.deterministic, _secrets(ctx))


class _Decrypt(_Crypt):
    abstract: ClassVar[bool] = True
    accepted: ClassVar[tuple[LType, ...] | None] = (LType.STRING,)

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        return _decrypt_pandas(s, self._key(ctx))

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        return _decrypt_spark(c, self._key(ctx), _secrets(ctx))


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
            secrets=_TEST_SECRETS,
        ),
        Example(
            given={"ssn": ["123-45-6789", None], "consent": ["no", "no"]},
            params={"sourceColumns": ["ssn"], "kmsKeyArn": "example-key"},
            conditions=({"Condition": "IS", "Value": '["yes"]', "TargetColumn": "consent"},),
            expect={"ssn": ["123-45-6789", None], "consent": ["no", "no"]},
            title="rows outside the conditions keep their value",
            secrets=_TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> Encrypt:
        _no_entity_filter(self.operation, self.entity_type_filter)
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
            secrets=_TEST_SECRETS,
        ),
        Example(
            given={"ssn": [_CT_OTHER_KEY, "not a ciphertext", "", _CT_ANA[:-4] + "AAA="]},
            params={"sourceColumns": ["ssn"], "kmsKeyArn": "example-key"},
            expect={"ssn": [_CT_OTHER_KEY, "not a ciphertext", "", _CT_ANA[:-4] + "AAA="]},
            title="values that do not decrypt under the key are left as they are",
            secrets=_TEST_SECRETS,
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
            secrets=_TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> DeterministicEncrypt:
        _no_entity_filter(self.operation, self.entity_type_filter)
        _no_version(self.operation, self.secret_version)
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
            secrets=_TEST_SECRETS,
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> DeterministicDecrypt:
        _no_version(self.operation, self.secret_version)
        return self

    def _key_name(self) -> str:
        return self.secret_id


# --- masking ---------------------------------------------------------------------------------------


class Alphabet(str, Enum):
    SYMBOLS = "SYMBOLS"
    WHITESPACE = "WHITESPACE"


def _check_alphabet(operation: str, alphabet: list[str] | None) -> None:
    for item in alphabet or []:
        if item.upper() not in {a.value for a in Alphabet}:
            raise ParameterError(
                f"unknown alphabet {item!r}; use SYMBOLS and/or WHITESPACE",
                operation=operation,
                parameter="alphabet",
            )


def _check_symbol(operation: str, symbol: str) -> None:
    if not symbol:
        raise ParameterError("maskSymbol cannot be empty", operation=operation, parameter="maskSymbol")


def _mask_pattern(alphabet: list[str] | None) -> str:
    """A regex matching one character that masking replaces (those not in the kept alphabet)."""
    kept = ""
    for item in {a.upper() for a in alphabet or []}:
        kept += SYMBOLS if item == Alphabet.SYMBOLS.value else WHITESPACE
    if not kept:
        return "(?s:.)"
    return "[^" + "".join(f"\\x{{{ord(ch):04X}}}" for ch in sorted(set(kept))) + "]"


def _mask_all_pandas(a: Any, symbol: str, alphabet: list[str] | None) -> Any:
    return pc.replace_substring_regex(a, _mask_pattern(alphabet), re2_replacement(symbol))


def _mask_all_spark(c: SparkColumn, symbol: str, alphabet: list[str] | None) -> SparkColumn:
    return F.regexp_replace(c, java_regex(_mask_pattern(alphabet)), java_replacement(symbol))


def _marker(a: Any) -> str:
    """A private-use character that occurs in none of the values (a separator for masking)."""
    for cp in [*range(0xE000, 0xE100), *range(0xF0000, 0xF0100)]:
        ch = chr(cp)
        if not pc.any(pc.match_substring(a, ch)).as_py():
            return ch
    msg = "every candidate marker character occurs in the data"
    raise ValueError(msg)


def mask_groups_pandas(
    a: Any, pattern: str, masked: tuple[bool, ...], symbol: str, alphabet: list[str] | None
) -> Any:
    """Mask, in every match of ``pattern``, the capture groups flagged in ``masked``.

    ``pattern`` is a sequence of capture groups covering the whole match. Each match is rewritten
    with a marker (absent from the data) around every group, the text is split at the markers,
    the flagged pieces are masked and the pieces joined again: one pass of the regex, vectorised.
    """
    a = pc.cast(_combined(a), TEXT)
    marker = _marker(a)
    groups = len(masked)
    rewrite = "".join(marker + f"\\{i + 1}" for i in range(groups)) + marker
    marked = pc.replace_substring_regex(a, pattern, rewrite)
    lists = _combined(pc.split_pattern(marked, marker))
    pieces = lists.flatten()
    offsets = lists.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
    offsets = offsets - offsets[0]
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    slot = (np.arange(len(pieces), dtype=np.int64) - offsets[parents]) % (groups + 1)
    flags = np.zeros(len(pieces), dtype=bool)
    for i, flag in enumerate(masked):
        if flag:
            flags |= slot == i + 1
    pieces = pc.if_else(pa.array(flags), _mask_all_pandas(pieces, symbol, alphabet), pieces)
    rebuilt = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pieces, mask=pc.is_null(lists))
    return pc.binary_join(rebuilt, pa.scalar("", TEXT))


def mask_groups_spark(
    c: SparkColumn, pattern: str, masked: tuple[bool, ...], symbol: str, alphabet: list[str] | None
) -> SparkColumn:
    """``mask_groups_pandas`` on Spark: the parts between matches and each group's matches."""
    java = java_regex(pattern)
    parts = F.split(c, java, -1)
    groups = [F.regexp_extract_all(c, F.lit(java), i + 1) for i in range(len(masked))]
    count = F.size(groups[0])

    def piece(k: SparkColumn) -> SparkColumn:
        out = [F.element_at(parts, k)]
        for flag, found in zip(masked, groups, strict=True):
            text = F.element_at(found, k)
            out.append(_mask_all_spark(text, symbol, alphabet) if flag else text)
        return F.concat(*out)

    rebuilt = F.concat(
        F.array_join(F.transform(F.sequence(F.lit(1), count), piece), ""), F.element_at(parts, -1)
    )
    return F.when(count > 0, rebuilt).otherwise(c)


class _Mask(_SourceColumns):
    abstract: ClassVar[bool] = True
    mask_symbol: Text = "#"

    def pandas_text(self, a: Any) -> Any:
        raise NotImplementedError

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        raise NotImplementedError

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        return wrap(self.pandas_text(_text_pandas(s, ltype)), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        return self.spark_text(_text_spark(c, ltype))


class MaskCustom(_Mask):
    """Mask every occurrence of a given text (or regex match) with the mask symbol.

    Each character of an occurrence becomes ``maskSymbol``, so lengths are kept. With ``regex``
    true, ``customValue`` is a regular expression of the supported subset (docs/semantics.md)
    that must not match empty text; otherwise it is literal text. Occurrences are found left to
    right without overlapping. Non-text columns are masked in their text form; nulls stay null.
    ``entityTypeFilter`` is not supported yet.
    """

    operation = "MASK_CUSTOM"
    category = Category.SENSITIVE
    mask_symbol: Text
    custom_value: Text
    regex: Boolean = False
    entity_type_filter: TextList | None = None
    examples: ClassVar = (
        Example(
            given={"company": ["amazon web services", "Amazon", "", None, "amazonamazon"]},
            params={"sourceColumns": ["company"], "maskSymbol": "#", "customValue": "amazon"},
            expect={"company": ["###### web services", "Amazon", "", None, "############"]},
        ),
        Example(
            given={"note": ["call 555-1234 or 555-9876", "no number", None, "ünï 12"]},
            params={"sourceColumns": ["note"], "maskSymbol": "*", "customValue": "[0-9]+", "regex": "true"},
            expect={"note": ["call ***-**** or ***-****", "no number", None, "ünï **"]},
        ),
        Example(
            given={"pin": [1234, None, 907]},
            params={"sourceColumns": ["pin"], "maskSymbol": "x", "customValue": "[0-8]{2}", "regex": True},
            expect={"pin": ["xxxx", None, "9xx"]},
            title="numbers are masked in their text form",
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskCustom:
        _no_entity_filter(self.operation, self.entity_type_filter)
        _check_symbol(self.operation, self.mask_symbol)
        if not self.custom_value:
            raise ParameterError(
                "customValue cannot be empty", operation=self.operation, parameter="customValue"
            )
        if self.regex:
            problem = regex_problem(self.custom_value)
            if problem:
                raise ParameterError(problem, operation=self.operation, parameter="customValue")
            refuse_empty_matches(self.custom_value, self.operation, "customValue")
        return self

    def _pattern(self) -> str:
        inner = noncapturing(self.custom_value) if self.regex else _literal(self.custom_value)
        return f"({inner})"

    def pandas_text(self, a: Any) -> Any:
        return mask_groups_pandas(a, self._pattern(), (True,), self.mask_symbol, None)

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        return mask_groups_spark(c, self._pattern(), (True,), self.mask_symbol, None)


class MaskDelimiter(_Mask):
    """Mask the characters between a start and an end delimiter with the mask symbol.

    A masked span runs from an occurrence of ``startDelimiter`` to the next ``endDelimiter``
    after it; every such span is masked, left to right. Without ``startDelimiter`` the span
    starts at the beginning of the value (one span, up to the first end delimiter); without
    ``endDelimiter`` it runs from the first start delimiter to the end; without both, the whole
    value is masked. A value without a complete span is left as it is. The delimiters are masked
    too unless ``preserveDelimiters`` is true. Characters of the ``alphabet`` classes stay as
    they are: SYMBOLS (ASCII punctuation) and WHITESPACE (space, tab, LF, VT, FF, CR). Each
    masked character becomes ``maskSymbol``; nulls stay null. ``entityTypeFilter`` is not
    supported yet.
    """

    operation = "MASK_DELIMITER"
    category = Category.SENSITIVE
    mask_symbol: Text
    start_delimiter: Text | None = None
    end_delimiter: Text | None = None
    preserve_delimiters: Boolean = False
    alphabet: TextList | None = None
    entity_type_filter: TextList | None = None
    examples: ClassVar = (
        Example(
            given={"v": ["id <secret> and <two words>", "no span", "<open", None, ""]},
            params={
                "sourceColumns": ["v"],
                "maskSymbol": "#",
                "startDelimiter": "<",
                "endDelimiter": ">",
                "preserveDelimiters": "true",
                "alphabet": '["WHITESPACE"]',
            },
            expect={"v": ["id <######> and <### #####>", "no span", "<open", None, ""]},
        ),
        Example(
            given={"email": ["ana.maria@example.com", "nobody", None, "é@x"]},
            params={
                "sourceColumns": ["email"],
                "maskSymbol": "*",
                "endDelimiter": "@",
                "alphabet": ["SYMBOLS"],
            },
            expect={"email": ["***.*****@example.com", "nobody", None, "*@x"]},
        ),
        Example(
            given={"v": ["a|b|c|d", "|", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "-", "startDelimiter": "|", "endDelimiter": "|"},
            expect={"v": ["a---c|d", "|", None]},
            title="the same delimiter on both ends",
        ),
        Example(
            given={"v": ["key=value", "plain", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "#", "startDelimiter": "="},
            expect={"v": ["key######", "plain", None]},
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskDelimiter:
        _no_entity_filter(self.operation, self.entity_type_filter)
        _check_symbol(self.operation, self.mask_symbol)
        _check_alphabet(self.operation, self.alphabet)
        return self

    def _pattern(self) -> str | None:
        start, end = self.start_delimiter or "", self.end_delimiter or ""
        if start and end:
            return f"({_literal(start)})((?s:.*?))({_literal(end)})"
        if start:
            return f"({_literal(start)})((?s:.*))()"
        if end:
            return f"^()((?s:.*?))({_literal(end)})"
        return None

    def _masked(self) -> tuple[bool, ...]:
        return (not self.preserve_delimiters, True, not self.preserve_delimiters)

    def pandas_text(self, a: Any) -> Any:
        pattern = self._pattern()
        if pattern is None:
            return _mask_all_pandas(a, self.mask_symbol, self.alphabet)
        return mask_groups_pandas(a, pattern, self._masked(), self.mask_symbol, self.alphabet)

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        pattern = self._pattern()
        if pattern is None:
            return _mask_all_spark(c, self.mask_symbol, self.alphabet)
        return mask_groups_spark(c, pattern, self._masked(), self.mask_symbol, self.alphabet)


class MaskRange(_Mask):
    """Mask the characters between two positions with the mask symbol (e.g. all but the last 4).

    Positions count characters (code points) from 0; ``start`` is included, ``stop`` is not,
    and negative positions count from the end (-4 is the fourth character from the end), as in
    Python slicing. Without ``start`` masking begins at the first character, without ``stop`` it
    runs to the end. Characters of the ``alphabet`` classes stay as they are: SYMBOLS (ASCII
    punctuation) and WHITESPACE. Each masked character becomes ``maskSymbol``; nulls stay null.
    ``entityTypeFilter`` is not supported yet.
    """

    operation = "MASK_RANGE"
    category = Category.SENSITIVE
    mask_symbol: Text
    start: Integer | None = None
    stop: Integer | None = None
    alphabet: TextList | None = None
    entity_type_filter: TextList | None = None
    examples: ClassVar = (
        Example(
            given={"card": ["4111-1111-1111-1234", "12", "", None, "ab😀cdé"]},
            params={"sourceColumns": ["card"], "maskSymbol": "#", "stop": "-4", "alphabet": '["SYMBOLS"]'},
            expect={"card": ["####-####-####-1234", "12", "", None, "##😀cdé"]},
        ),
        Example(
            given={"first": ["Ana", None, "Bo"], "last": ["Lima", "Reyes", None]},
            params={"sourceColumns": ["first", "last"], "maskSymbol": "*"},
            expect={"first": ["***", None, "**"], "last": ["****", "*****", None]},
        ),
        Example(
            given={"v": ["abcdefgh", "abc", "a b c d", None]},
            params={
                "sourceColumns": ["v"],
                "maskSymbol": "x",
                "start": 2,
                "stop": -2,
                "alphabet": ["WHITESPACE"],
            },
            expect={"v": ["abxxxxgh", "abc", "a x x d", None]},
        ),
        Example(
            given={"v": ["abcdef", "ab", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "#", "start": -3},
            expect={"v": ["abc###", "##", None]},
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskRange:
        _no_entity_filter(self.operation, self.entity_type_filter)
        _check_symbol(self.operation, self.mask_symbol)
        _check_alphabet(self.operation, self.alphabet)
        return self

    def pandas_text(self, a: Any) -> Any:
        a = pc.cast(_combined(a), TEXT)
        start = self.start or 0
        prefix = (
            pc.utf8_slice_codeunits(a, 0, start) if start else pc.cast(pc.utf8_slice_codeunits(a, 0, 0), TEXT)
        )
        if self.stop is None:
            middle = pc.utf8_slice_codeunits(a, start)
            suffix = pc.utf8_slice_codeunits(a, 0, 0)
        else:
            middle = pc.utf8_slice_codeunits(a, start, self.stop)
            # When the range is empty, the rest starts where the prefix ends.
            suffix = pc.if_else(
                pc.equal(pc.utf8_length(middle), 0),
                pc.utf8_slice_codeunits(a, start),
                pc.utf8_slice_codeunits(a, self.stop),
            )
        masked = _mask_all_pandas(middle, self.mask_symbol, self.alphabet)
        return pc.binary_join_element_wise(prefix, masked, suffix, pa.scalar("", TEXT))

    def spark_text(self, c: SparkColumn) -> SparkColumn:
        n = F.char_length(c)

        def position(value: int | None, default: SparkColumn) -> SparkColumn:
            if value is None:
                return default
            if value < 0:
                return F.greatest(n + F.lit(value), F.lit(0))
            return F.least(F.lit(value), n)

        start = position(self.start, F.lit(0))
        stop = F.greatest(position(self.stop, n), start)
        prefix = c.substr(F.lit(1), start)
        middle = c.substr(start + 1, stop - start)
        suffix = c.substr(stop + 1, F.greatest(n - stop, F.lit(0)))
        return F.concat(prefix, _mask_all_spark(middle, self.mask_symbol, self.alphabet), suffix)


class DatePart(str, Enum):
    YEAR = "YEAR"
    MONTH = "MONTH"
    DAY = "DAY"
    HOUR = "HOUR"
    MINUTE = "MINUTE"
    SECOND = "SECOND"
    MILLISECOND = "MILLISECOND"


_DATE_LAYOUT = (("YEAR", 0, 4), ("-", 4, 5), ("MONTH", 5, 7), ("-", 7, 8), ("DAY", 8, 10))
_TIME_LAYOUT = (
    (" ", 10, 11),
    ("HOUR", 11, 13),
    (":", 13, 14),
    ("MINUTE", 14, 16),
    (":", 16, 17),
    ("SECOND", 17, 19),
    (".", 19, 20),
    ("MILLISECOND", 20, 23),
)


class MaskDate(_SourceColumns):
    """Hide chosen parts of dates and timestamps (year, month, … millisecond) behind the mask symbol.

    The result is text: a date shows as ``yyyy-MM-dd`` and a timestamp as
    ``yyyy-MM-dd HH:mm:ss.SSS`` (UTC), with each character of every part in ``redact`` replaced
    by ``maskSymbol`` (``####-05-17``). Time parts do not apply to dates. Text columns are read by
    Workbench's text rules: ``yyyy-MM-dd`` is a date, ``yyyy-MM-dd HH:mm:ss`` (or with ``T``) a
    timestamp; text that is neither is left as it is. ``locale`` is accepted, but the output is
    always the numeric form above. Nulls stay null.
    """

    operation = "MASK_DATE"
    category = Category.SENSITIVE
    accepted = (LType.DATE, LType.TIMESTAMP, LType.STRING)
    mask_symbol: Text
    redact: TextList
    locale: Text | None = None
    examples: ClassVar = (
        Example(
            given={"birthday": ["1990-05-17", "2001-12-31", None]},
            params={"sourceColumns": ["birthday"], "maskSymbol": "#", "redact": '["YEAR"]'},
            schema={"birthday": "date"},
            expect={"birthday": ["####-05-17", "####-12-31", None]},
        ),
        Example(
            given={"seen": ["2024-05-17 23:30:15", None]},
            params={
                "sourceColumns": ["seen"],
                "maskSymbol": "*",
                "redact": ["DAY", "MINUTE", "SECOND", "MILLISECOND"],
            },
            schema={"seen": "timestamp"},
            expect={"seen": ["2024-05-** 23:**:**.***", None]},
        ),
        Example(
            given={"v": ["2024-02-29", "2024-02-29T08:05:00", "soon", "", None]},
            params={"sourceColumns": ["v"], "maskSymbol": "x", "redact": ["MONTH", "HOUR"]},
            expect={"v": ["2024-xx-29", "2024-xx-29 xx:05:00.000", "soon", "", None]},
            title="text is read as a date or a timestamp; other text is left as it is",
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskDate:
        _check_symbol(self.operation, self.mask_symbol)
        parts = {p.value for p in DatePart}
        for part in self.redact:
            if part.upper() not in parts:
                raise ParameterError(
                    f"unknown date part {part!r}; use " + ", ".join(parts),
                    operation=self.operation,
                    parameter="redact",
                )
        return self

    def _parts(self) -> set[str]:
        return {p.upper() for p in self.redact}

    def _layout(self, with_time: bool) -> list[tuple[str, int, int, bool]]:
        layout = [*_DATE_LAYOUT, *(_TIME_LAYOUT if with_time else ())]
        return [(part, start, stop, part in self._parts()) for part, start, stop in layout]

    def _masked_pandas(self, text: Any, with_time: bool) -> Any:
        pieces = []
        for _, start, stop, hide in self._layout(with_time):
            piece = pc.utf8_slice_codeunits(text, start, stop)
            pieces.append(_mask_all_pandas(piece, self.mask_symbol, None) if hide else piece)
        return pc.binary_join_element_wise(*pieces, pa.scalar("", TEXT))

    def _masked_spark(self, text: SparkColumn, with_time: bool) -> SparkColumn:
        pieces = []
        for _, start, stop, hide in self._layout(with_time):
            piece = F.substring(text, start + 1, stop - start)
            pieces.append(_mask_all_spark(piece, self.mask_symbol, None) if hide else piece)
        return F.concat(*pieces)

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        a = arr(s)
        if ltype is LType.DATE:
            return wrap(self._masked_pandas(pc.cast(pc.strftime(a, "%Y-%m-%d"), TEXT), False), s)
        if ltype is LType.TIMESTAMP:
            return wrap(self._masked_pandas(_timestamp_text_pandas(a), True), s)
        text = pc.cast(a, TEXT)
        stamp = arr(cast_pandas(s, LType.STRING, LType.TIMESTAMP))
        date_only = pc.fill_null(pc.match_substring_regex(text, TEXT_PATTERNS[LType.DATE]), False)
        as_date = self._masked_pandas(
            pc.cast(pc.strftime(pc.cast(stamp, pa.timestamp("s")), "%Y-%m-%d"), TEXT), False
        )
        as_stamp = self._masked_pandas(_timestamp_text_pandas(stamp), True)
        masked = pc.if_else(date_only, as_date, as_stamp)
        return wrap(pc.if_else(pc.is_valid(stamp), masked, text), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        if ltype is LType.DATE:
            return self._masked_spark(F.date_format(c, "yyyy-MM-dd"), False)
        if ltype is LType.TIMESTAMP:
            return self._masked_spark(F.date_format(c, "yyyy-MM-dd HH:mm:ss.SSS"), True)
        stamp = cast_spark(c, LType.STRING, LType.TIMESTAMP)
        as_date = self._masked_spark(F.date_format(stamp, "yyyy-MM-dd"), False)
        as_stamp = self._masked_spark(F.date_format(stamp, "yyyy-MM-dd HH:mm:ss.SSS"), True)
        masked = F.when(c.rlike(TEXT_PATTERNS[LType.DATE]), as_date).otherwise(as_stamp)
        return F.when(stamp.isNotNull(), masked).otherwise(c)


def _timestamp_text_pandas(a: Any) -> Any:
    seconds = pc.cast(pc.floor_temporal(a, unit="second"), pa.timestamp("s", tz="UTC"))
    text = pc.cast(pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S", locale="C"), TEXT)
    millis = pc.utf8_lpad(pc.cast(pc.millisecond(a), TEXT), 3, "0")
    return pc.binary_join_element_wise(text, millis, pa.scalar(".", TEXT))


# --- random values and shuffling -------------------------------------------------------------------
#
# Each row's random number is splitmix64(base + (position + 1) * GOLDEN), where base mixes the
# seed and the column's index, and position is the row's 0-based position in the table. Both
# engines compute it with 64-bit wrapping arithmetic (NumPy uint64; Spark longs, which wrap with
# spark.sql.ansi.enabled=false), so both give the same numbers.

_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_MASK64 = (1 << 64) - 1
_UNIT = 2.0**-53


def _signed(value: int) -> int:
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def _mix_python(z: int) -> int:
    z &= _MASK64
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK64
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK64
    return z ^ (z >> 31)


def stream_base(seed: int, stream: int) -> int:
    """The per-column starting point of the row hashes (computed on the driver)."""
    return _mix_python(seed * _GOLDEN + stream * _MIX2 + 1)


def row_hash_numpy(base: int, positions: np.ndarray) -> np.ndarray:
    """splitmix64 of each position (uint64, wrapping)."""
    z = np.uint64(base) + (positions.astype(np.uint64) + np.uint64(1)) * np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    return z ^ (z >> np.uint64(31))


def row_hash_spark(base: int, position: SparkColumn) -> SparkColumn:
    """splitmix64 of each position (Spark longs, wrapping)."""
    z = F.lit(_signed(base)) + (position + F.lit(1)) * F.lit(_signed(_GOLDEN))
    z = z.bitwiseXOR(F.shiftrightunsigned(z, 30)) * F.lit(_signed(_MIX1))
    z = z.bitwiseXOR(F.shiftrightunsigned(z, 27)) * F.lit(_signed(_MIX2))
    return z.bitwiseXOR(F.shiftrightunsigned(z, 31))


def _unit_numpy(h: np.ndarray) -> np.ndarray:
    return (h >> np.uint64(11)).astype(np.float64) * _UNIT


def _unit_spark(h: SparkColumn) -> SparkColumn:
    return F.shiftrightunsigned(h, 11).cast("double") * F.lit(_UNIT)


def _position_spark() -> SparkColumn:
    from workbench.engines.spark import ROW_POSITION

    return (F.row_number().over(W.Window.orderBy(F.col(ROW_POSITION))) - F.lit(1)).cast("long")


class _Random(_SourceColumns):
    """Row-position-seeded values: on Spark the rows are numbered first (their current order)."""

    abstract: ClassVar[bool] = True
    order_sensitive: ClassVar[bool] = True
    seed: Integer = 0

    def _units_pandas(self, n: int, index: int) -> np.ndarray:
        return _unit_numpy(row_hash_numpy(stream_base(self.seed, index), np.arange(n, dtype=np.int64)))

    def _unit_spark(self, index: int) -> SparkColumn:
        return _unit_spark(row_hash_spark(stream_base(self.seed, index), _position_spark()))

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        # The frame keeps the row-position column: the engine restores row order when needed.
        return super().apply_spark(ctx.with_row_position(df), ctx, where)


class ReplaceWithRandomBetween(_Random):
    """Replace values with random numbers between a lower and an upper bound (seeded, repeatable).

    An integer column with whole-number bounds gets whole numbers from lowerBound to upperBound,
    both included; any other column gets decimal numbers from lowerBound (included) to
    upperBound (excluded), as a double column. Nulls stay null. The numbers depend only on
    ``seed`` (a Workbench extension, default 0), the column's place in sourceColumns and the
    row's position, so a rerun, and either engine, gives the same numbers.
    """

    operation = "REPLACE_WITH_RANDOM_BETWEEN"
    category = Category.SENSITIVE
    lower_bound: Number
    upper_bound: Number
    examples: ClassVar = (
        Example(
            given={"age": [34, None, 71, 18, 50]},
            params={"sourceColumns": ["age"], "lowerBound": "20", "upperBound": "30"},
            expect={"age": [28, None, 24, 30, 22]},
        ),
        Example(
            given={"score": [0.5, None, 2.0], "salary": ["high", "low", None]},
            params={"sourceColumns": ["score", "salary"], "lowerBound": -1, "upperBound": 1, "seed": 7},
            expect={
                "score": [0.915070285676914, None, -0.37100609106465177],
                "salary": [-0.35557553431059996, -0.8572450197965884, None],
            },
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> ReplaceWithRandomBetween:
        if self.lower_bound > self.upper_bound:
            raise ParameterError(
                "upperBound must not be smaller than lowerBound",
                operation=self.operation,
                parameter="upperBound",
            )
        return self

    def _whole(self) -> bool:
        return float(self.lower_bound).is_integer() and float(self.upper_bound).is_integer()

    def result_type(self, source: LType) -> LType:
        return LType.INTEGER if source is LType.INTEGER and self._whole() else LType.DOUBLE

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        u = self._units_pandas(len(s), index)
        low, high = float(self.lower_bound), float(self.upper_bound)
        if self.result_type(ltype) is LType.INTEGER:
            values = pa.array(np.floor(u * (high - low + 1.0)).astype(np.int64) + int(low), pa.int64())
        else:
            values = pa.array(low + u * (high - low), pa.float64())
        present = pc.is_valid(arr(s))
        return wrap(pc.if_else(present, values, pa.scalar(None, values.type)), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        u = self._unit_spark(index)
        low, high = float(self.lower_bound), float(self.upper_bound)
        if self.result_type(ltype) is LType.INTEGER:
            value = F.floor(u * F.lit(high - low + 1.0)).cast("long") + F.lit(int(low))
        else:
            value = F.lit(low) + u * F.lit(high - low)
        return F.when(c.isNotNull(), value)


def _parse_moment(text: str, operation: str, parameter: str) -> dt.datetime:
    value = text.strip().replace("T", " ")
    fmt = "%Y-%m-%d %H:%M:%S" if len(value) > 10 else "%Y-%m-%d"
    try:
        return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)
    except ValueError:
        raise ParameterError(
            f"{text!r} is not a date; write yyyy-MM-dd HH:mm:ss or yyyy-MM-dd",
            operation=operation,
            parameter=parameter,
        ) from None


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class ReplaceWithRandomDateBetween(_Random):
    """Replace values with random dates and times between a start and an end date (seeded).

    startDate and endDate are ``yyyy-MM-dd HH:mm:ss`` (or ``yyyy-MM-dd``), UTC, both included.
    A timestamp column gets timestamps (whole seconds), a date column dates, and a text column
    the text ``yyyy-MM-dd HH:mm:ss``; other column types are refused. Nulls stay null. As with
    REPLACE_WITH_RANDOM_BETWEEN, the values depend only on ``seed`` (a Workbench extension,
    default 0), the column's place in sourceColumns and the row's position.
    """

    operation = "REPLACE_WITH_RANDOM_DATE_BETWEEN"
    category = Category.SENSITIVE
    accepted = (LType.DATE, LType.TIMESTAMP, LType.STRING)
    start_date: Text
    end_date: Text
    examples: ClassVar = (
        Example(
            given={"visit": ["2021-03-04 10:00:00", None, "2020-01-01 00:00:00"]},
            params={
                "sourceColumns": ["visit"],
                "startDate": "2024-01-01 00:00:00",
                "endDate": "2024-12-31 23:59:59",
            },
            schema={"visit": "timestamp"},
            expect={"visit": [dt.datetime(2024, 10, 1, 9, 47, 18), None, dt.datetime(2024, 6, 9, 9, 53, 8)]},
            expect_schema={"visit": "timestamp"},
        ),
        Example(
            given={"born": ["1980-02-03", None, "1975-12-30"], "label": ["x", None, ""]},
            params={"sourceColumns": ["born", "label"], "startDate": "2000-01-01", "endDate": "2000-01-31"},
            schema={"born": "date"},
            expect={
                "born": [dt.date(2000, 1, 24), None, dt.date(2000, 1, 14)],
                "label": ["2000-01-18 05:08:16", None, "2000-01-25 04:25:17"],
            },
            expect_schema={"born": "date", "label": "string"},
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> ReplaceWithRandomDateBetween:
        start = _parse_moment(self.start_date, self.operation, "startDate")
        end = _parse_moment(self.end_date, self.operation, "endDate")
        if end < start:
            raise ParameterError(
                "endDate must not be before startDate", operation=self.operation, parameter="endDate"
            )
        return self

    def result_type(self, source: LType) -> LType:
        return source

    def _range(self, ltype: LType) -> tuple[int, int]:
        """First value and number of values: days for dates, seconds otherwise."""
        start = _parse_moment(self.start_date, self.operation, "startDate")
        end = _parse_moment(self.end_date, self.operation, "endDate")
        if ltype is LType.DATE:
            first = (start.date() - _EPOCH.date()).days
            return first, (end.date() - start.date()).days + 1
        first = int((start - _EPOCH).total_seconds())
        return first, int((end - start).total_seconds()) + 1

    def pandas_value(self, s: pd.Series, ltype: LType, ctx: Any, index: int) -> pd.Series:
        first, count = self._range(ltype)
        offsets = np.floor(self._units_pandas(len(s), index) * float(count)).astype(np.int64) + first
        if ltype is LType.DATE:
            values = pc.cast(pa.array(offsets.astype(np.int32), pa.int32()), pa.date32())
        else:
            values = pc.cast(pa.array(offsets * 1_000_000, pa.int64()), pa.timestamp("us", tz="UTC"))
            if ltype is LType.STRING:
                values = pc.cast(
                    pc.strftime(
                        pc.cast(values, pa.timestamp("s", tz="UTC")), "%Y-%m-%d %H:%M:%S", locale="C"
                    ),
                    TEXT,
                )
        present = pc.is_valid(arr(s))
        return wrap(pc.if_else(present, values, pa.scalar(None, values.type)), s)

    def spark_value(self, c: SparkColumn, ltype: LType, ctx: Any, index: int) -> SparkColumn:
        first, count = self._range(ltype)
        offset = F.floor(self._unit_spark(index) * F.lit(float(count))).cast("long") + F.lit(first)
        if ltype is LType.DATE:
            value = F.date_from_unix_date(offset.cast("int"))
        else:
            value = F.timestamp_seconds(offset)
            if ltype is LType.STRING:
                value = F.date_format(value, "yyyy-MM-dd HH:mm:ss")
        return F.when(c.isNotNull(), value)


class ShuffleRows(TableTransform):
    """Shuffle the values of columns across rows (within groups when given), seeded and repeatable.

    The rows stay where they are; the values of sourceColumns move together to other rows, so
    a row's values in those columns no longer belong with its other columns. Within each group
    of equal groupByColumns values (nulls form a group), rows are ordered by
    splitmix64(seed, row position), ties by position, and the k-th row in that order gives its
    values to the k-th row of the group in table order. The permutation depends only on
    ``seed`` (a Workbench extension, default 0), the groups and the row order: both engines give
    the same result.
    """

    operation = "SHUFFLE_ROWS"
    category = Category.SENSITIVE
    order_sensitive = True
    keeps_row_position = True
    source_columns: Columns
    group_by_columns: Columns | None = None
    seed: Integer = 0
    examples: ClassVar = (
        Example(
            given={"id": [1, 2, 3, 4, 5], "name": ["a", "b", None, "d", ""], "age": [10, 20, 30, 40, 50]},
            params={"sourceColumns": ["name", "age"]},
            expect={"id": [1, 2, 3, 4, 5], "name": ["a", "d", "", "b", None], "age": [10, 40, 50, 20, 30]},
        ),
        Example(
            given={
                "team": ["x", "y", "x", None, "x", None, "y"],
                "salary": [1, 2, 3, 4, 5, 6, 7],
            },
            params={"sourceColumns": '["salary"]', "groupByColumns": '["team"]', "seed": "3"},
            expect={"team": ["x", "y", "x", None, "x", None, "y"], "salary": [1, 7, 3, 4, 5, 6, 2]},
        ),
    )

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def check(self, schema: Schema) -> None:
        if not self.source_columns:
            raise ParameterError(
                "give at least one column", operation=self.operation, parameter="sourceColumns"
            )
        super().check(schema)

    def _groups(self) -> list[str]:
        return list(self.group_by_columns or [])

    def apply_pandas(self, df: pd.DataFrame, ctx: Any, where: Any = None) -> pd.DataFrame:
        from workbench.transforms.structure import group_ids

        n = len(df)
        position = np.arange(n, dtype=np.int64)
        h = row_hash_numpy(stream_base(self.seed, 0), position).view(np.int64)
        gid, _ = group_ids(df, self._groups())
        in_table_order = np.lexsort((position, gid))
        in_hash_order = np.lexsort((position, h, gid))
        source_of = np.empty(n, dtype=np.int64)
        source_of[in_table_order] = in_hash_order
        indices = pa.array(source_of, pa.int64())
        out = df.copy(deep=False)
        for column in self.source_columns:
            out[column] = wrap(pc.take(arr(df[column]), indices), df[column])
        return out

    def apply_spark(self, df: SparkFrame, ctx: Any, where: Any = None) -> SparkFrame:
        from workbench.engines.spark import ROW_POSITION

        positioned = ctx.with_row_position(df)
        groups = self._groups()
        rank_in = "__wb_shuffle_rank"
        take = "__wb_shuffle_take"
        by_group = (
            W.Window.partitionBy(*[scol(g) for g in groups]) if groups else W.Window.partitionBy(F.lit(0))
        )
        h = row_hash_spark(stream_base(self.seed, 0), _position_spark())
        numbered = positioned.select(
            "*",
            F.row_number().over(by_group.orderBy(F.col(ROW_POSITION))).alias(rank_in),
            h.alias("__wb_shuffle_hash"),
        ).select(
            "*",
            F.row_number()
            .over(by_group.orderBy(F.col("__wb_shuffle_hash"), F.col(ROW_POSITION)))
            .alias(take),
        )
        keys = [f"__wb_shuffle_key{i}" for i in range(len(groups))]
        moved = [f"__wb_shuffle_value{i}" for i in range(len(self.source_columns))]
        values = numbered.select(
            *[scol(g).alias(k) for g, k in zip(groups, keys, strict=True)],
            F.col(take).alias("__wb_shuffle_slot"),
            *[scol(c).alias(m) for c, m in zip(self.source_columns, moved, strict=True)],
        )
        keep = [c for c in positioned.columns if c not in self.source_columns]
        rows = numbered.select(*[scol(c) for c in keep], F.col(rank_in))
        condition = F.col(rank_in) == F.col("__wb_shuffle_slot")
        for g, k in zip(groups, keys, strict=True):
            condition = condition & scol(g).eqNullSafe(F.col(k))
        joined = rows.join(values, on=condition, how="inner")
        mapping = dict(zip(self.source_columns, moved, strict=True))
        return joined.select(
            *[F.col(mapping[c]).alias(c) if c in mapping else scol(c) for c in positioned.columns]
        )
