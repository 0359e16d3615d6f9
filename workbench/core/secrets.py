"""Secrets: recipes name keys, the run binds the names to key bytes.

A recipe never holds a key. Steps that need one (CRYPTOGRAPHIC_HASH with an HMAC algorithm,
ENCRYPT/DECRYPT, DETERMINISTIC_ENCRYPT/DECRYPT) carry a *name* in ``secretId`` or
``kmsKeyArn``. At run time a name resolves to key bytes, in this order:

1. an explicit binding given to the engine: ``replay(..., secrets={"name": spec})``,
   ``Recipe.apply(..., secrets=...)``, or ``workbench run/validate --secret NAME=SPEC``;
2. otherwise the environment variable ``WORKBENCH_SECRET_<NAME>`` (the name upper-cased, every
   character other than A-Z and 0-9 replaced by ``_``; ``databrew!default`` reads
   ``WORKBENCH_SECRET_DATABREW_DEFAULT``).

A binding ``spec`` is ``env:VARIABLE`` (read that environment variable), ``file:PATH`` (read that
file, named by the user at run time) or, from Python only, the key itself as ``bytes``. Text
read from a variable or a file is the **base64** encoding of the key (standard alphabet,
padding required, surrounding whitespace ignored). HMAC keys may have any length of at least
one byte; encryption keys must decode to exactly 32 bytes (AES-256).

Key values are never logged, printed or put into error messages: errors name the secret and
say where Workbench looked for it.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workbench.core.errors import ParameterError, RecipeError

ENV_PREFIX = "WORKBENCH_SECRET_"

AES_KEY_BYTES = 32
"""Encryption keys are AES-256 keys."""


class SecretNotFoundError(ParameterError):
    """A step references a secret that is neither bound nor in the environment."""


class SecretFormatError(ParameterError):
    """A secret was found but its value is not a usable key (the value is never shown)."""


def env_name(name: str) -> str:
    """The environment variable that holds secret ``name`` by default."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def parse_binding(item: str) -> tuple[str, str]:
    """Split a command-line ``NAME=env:VAR`` / ``NAME=file:PATH`` binding."""
    name, sep, spec = item.partition("=")
    if not sep or not name or not spec.startswith(("env:", "file:")) or spec in {"env:", "file:"}:
        raise RecipeError(f"--secret takes NAME=env:VARIABLE or NAME=file:PATH, got {_shape(item)!r}")
    return name, spec


def _shape(item: str) -> str:
    """A command-line binding with whatever follows a literal (non env:/file:) '=' hidden."""
    name, sep, spec = item.partition("=")
    if sep and not spec.startswith(("env:", "file:")):
        return f"{name}=…"
    return item


def decode_key(text: str, where: str) -> bytes:
    """Key bytes from base64 text; the error says where the text came from, never what it is."""
    try:
        key = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise SecretFormatError(f"{where} is not base64 text (the key must be base64-encoded)") from None
    if not key:
        raise SecretFormatError(f"{where} is empty")
    return key


class Secrets:
    """The secrets of one run: explicit bindings, then the environment.

    Values are resolved when a step asks for them and cached; ``repr`` shows names only.
    """

    def __init__(
        self, bindings: Mapping[str, Any] | Secrets | None = None, environ: Mapping[str, str] | None = None
    ) -> None:
        if isinstance(bindings, Secrets):
            self._bindings: dict[str, Any] = dict(bindings._bindings)
            self._environ: Mapping[str, str] = bindings._environ if environ is None else environ
        else:
            self._bindings = dict(bindings or {})
            self._environ = os.environ if environ is None else environ
        for name, spec in self._bindings.items():
            if not isinstance(spec, (bytes, bytearray)) and not (
                isinstance(spec, str) and spec.startswith(("env:", "file:"))
            ):
                msg = f"secret {name!r} must be bound to bytes, 'env:VARIABLE' or 'file:PATH'"
                raise RecipeError(msg)
        self._cache: dict[str, bytes] = {}
        self._marked: set[bytes] = set()

    def __repr__(self) -> str:
        return f"Secrets(bound={sorted(self._bindings)})"

    def names(self) -> list[str]:
        """Names bound explicitly (the environment is consulted per name)."""
        return sorted(self._bindings)

    def source(self, name: str) -> str:
        """Where secret ``name`` is looked for, in words (for messages)."""
        spec = self._bindings.get(name)
        if isinstance(spec, str) and spec.startswith("env:"):
            return f"environment variable {spec[4:]} (bound by --secret/secrets=)"
        if isinstance(spec, str) and spec.startswith("file:"):
            return f"file {spec[5:]!r} (bound by --secret/secrets=)"
        if spec is not None:
            return "the bytes bound by secrets="
        return f"environment variable {env_name(name)}"

    def available(self, name: str) -> bool:
        """True when ``name`` is bound or its default environment variable is set."""
        if name in self._bindings:
            return True
        return bool(self._environ.get(env_name(name), "").strip())

    def get(self, name: str) -> bytes | None:
        """The key bytes of ``name``, or None when it is neither bound nor in the environment."""
        if name in self._cache:
            return self._cache[name]
        spec = self._bindings.get(name)
        key: bytes | None
        if isinstance(spec, (bytes, bytearray)):
            key = bytes(spec)
            if not key:
                raise SecretFormatError(f"secret {name!r} is bound to empty bytes")
        elif isinstance(spec, str) and spec.startswith("env:"):
            text = self._environ.get(spec[4:])
            if text is None:
                raise SecretNotFoundError(
                    f"secret {name!r} is bound to environment variable {spec[4:]}, which is not set"
                )
            key = decode_key(text, f"secret {name!r} (environment variable {spec[4:]})")
        elif isinstance(spec, str) and spec.startswith("file:"):
            path = Path(spec[5:])
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                raise SecretNotFoundError(
                    f"secret {name!r}: cannot read key file {str(path)!r}: {reason}"
                ) from None
            key = decode_key(text, f"secret {name!r} (file {str(path)!r})")
        else:
            text = self._environ.get(env_name(name), "")
            if not text.strip():
                return None
            key = decode_key(text, f"secret {name!r} (environment variable {env_name(name)})")
        self._cache[name] = key
        return key

    def mark(self, *values: bytes) -> None:
        """Remember key material placed into an engine plan, so ``redact`` can hide it."""
        self._marked.update(v for v in values if v)

    def redact(self, text: str) -> str:
        """``text`` with every known key (and marked key material) in hex or base64 form hidden."""
        for value in [*self._cache.values(), *self._marked]:
            for form in (value.hex(), value.hex().upper(), base64.b64encode(value).decode("ascii")):
                text = text.replace(form, "<redacted>")
        return text

    def require(self, name: str, *, operation: str | None = None, parameter: str | None = None) -> bytes:
        """The key bytes of ``name``, or a SecretNotFoundError saying how to provide it."""
        try:
            key = self.get(name)
        except ParameterError as exc:
            if exc.parameter is not None:
                raise
            raise type(exc)(exc.detail, operation=operation, parameter=parameter) from None
        if key is None:
            raise missing_secret(name, operation=operation, parameter=parameter)
        return key


def missing_secret(name: str, *, operation: str | None, parameter: str | None) -> SecretNotFoundError:
    """The error for a secret that is nowhere to be found, with the ways to provide it."""
    return SecretNotFoundError(
        f"secret {name!r} is not available; set environment variable {env_name(name)} to the "
        f"base64-encoded key, or bind it with --secret {name}=env:VARIABLE / --secret "
        f"{name}=file:PATH (Python: secrets={{{name!r}: ...}})",
        operation=operation,
        parameter=parameter,
    )


def aes_key(secrets: Secrets, name: str, *, operation: str, parameter: str) -> bytes:
    """An AES-256 key: exactly 32 bytes."""
    key = secrets.require(name, operation=operation, parameter=parameter)
    if len(key) != AES_KEY_BYTES:
        raise SecretFormatError(
            f"secret {name!r} decodes to {len(key)} bytes; encryption needs a {AES_KEY_BYTES}-byte "
            "(AES-256) key, base64-encoded",
            operation=operation,
            parameter=parameter,
        )
    return key


def as_secrets(value: Mapping[str, Any] | Secrets | None) -> Secrets:
    """A ``Secrets`` object from bindings (or the object itself)."""
    return value if isinstance(value, Secrets) else Secrets(value)
