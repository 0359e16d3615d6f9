"""The stored documents: canonical recipe bytes, version records and their checksums.

A version is two files: the canonical recipe JSON, named by its sha256, and the version record
(who, when, why, with which Workbench and step versions, against which input). The record carries
the recipe's digest and a digest of itself, so a change to either file is found on read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Any

from workbench.library.errors import TamperedError
from workbench.recipe.model import Recipe

RECORD_FORMAT = {"name": "workbench-library-version", "version": 1}
DIGEST_KEY = "recordDigest"


def canonical(data: Any) -> bytes:
    """One byte form per document: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recipe_bytes(recipe: Recipe) -> bytes:
    """The canonical JSON of a recipe (its native document)."""
    return canonical(recipe.to_dict())


def step_versions(recipe: Recipe) -> dict[str, int]:
    """Each operation the recipe uses, with the parameter version its steps were saved with."""
    versions: dict[str, int] = {}
    for step in recipe.steps:
        versions[step.operation] = int(step.to_json().get("version", 1))
    return dict(sorted(versions.items()))


def columns_touched(recipe: Recipe) -> list[str]:
    """The columns the steps read or name as targets (for search), in order of first mention."""
    found: list[str] = []
    for step in recipe.steps:
        # A step that does not validate still names its columns in its parameters.
        with contextlib.suppress(Exception):
            found.extend(step.transform().reads())
        for key, value in step.parameters.items():
            lowered = key.lower()
            if lowered.endswith("column") and isinstance(value, str):
                found.append(value)
            elif lowered.endswith("columns") and isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
    return list(dict.fromkeys(found))


def schema_entries(schema: Any) -> list[dict[str, str]] | None:
    """An input schema as ``[{"name", "type"}]``: from a Workbench schema, a mapping or that list."""
    if schema is None:
        return None
    if isinstance(schema, dict):
        return [{"name": str(k), "type": str(getattr(v, "value", v))} for k, v in schema.items()]
    return [{"name": str(e["name"]), "type": str(e["type"])} for e in schema]


def sealed(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its own digest added (over every other key)."""
    body = {k: v for k, v in record.items() if k != DIGEST_KEY}
    return {**body, DIGEST_KEY: f"sha256:{sha256_hex(canonical(body))}"}


def verified_record(raw: bytes, where: str) -> dict[str, Any]:
    """A stored record, refused when it is not valid JSON or no longer matches its own digest."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise TamperedError(f"{where}: the version record is not valid JSON; refusing it") from None
    if not isinstance(record, dict) or sealed(record).get(DIGEST_KEY) != record.get(DIGEST_KEY):
        raise TamperedError(f"{where}: the version record does not match its checksum; refusing it")
    return record


def verified_recipe(raw: bytes | None, digest: str, where: str) -> Recipe:
    """The recipe of a version, refused when missing or when its bytes do not hash to ``digest``."""
    if raw is None:
        raise TamperedError(f"{where}: the recipe content ({digest}) is missing; refusing the version")
    actual = f"sha256:{sha256_hex(raw)}"
    if actual != digest:
        raise TamperedError(
            f"{where}: the recipe content does not match its checksum (recorded {digest}, "
            f"found {actual}); refusing the version"
        )
    return Recipe.loads(raw, yaml_text=False, source=where)
