"""The JSON Schema of the native recipe format, generated from the registry."""

from __future__ import annotations

import json
from typing import Any

from workbench.core.registry import transforms
from workbench.recipe.conditions import CONDITIONS
from workbench.recipe.model import FORMAT_NAME, FORMAT_VERSION

SCHEMA_ID = "urn:workbench:recipe:1"


def _hoisted(node: Any, prefix: str) -> Any:
    """Rewrite local ``$ref``s so a model's definitions can live in the root ``$defs``."""
    if isinstance(node, dict):
        out = {k: _hoisted(v, prefix) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = "#/$defs/" + prefix + ref.removeprefix("#/$defs/")
        return out
    if isinstance(node, list):
        return [_hoisted(v, prefix) for v in node]
    return node


def _step_schema(cls: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    params = _hoisted(cls.model_json_schema(by_alias=True, mode="validation"), f"{cls.operation}.")
    for name, definition in params.pop("$defs", {}).items():
        definitions[f"{cls.operation}.{name}"] = definition
    return {
        "title": cls.operation,
        "description": cls.summary(),
        "type": "object",
        "properties": {
            "Action": {
                "type": "object",
                "properties": {"Operation": {"const": cls.operation}, "Parameters": params},
                "required": ["Operation"],
                "additionalProperties": False,
            },
        },
    }


def recipe_json_schema() -> dict[str, Any]:
    """A JSON Schema (2020-12) that every valid native recipe satisfies."""
    condition = {
        "type": "object",
        "properties": {
            "Condition": {"enum": CONDITIONS},
            "Value": {},
            "TargetColumn": {"type": "string", "minLength": 1},
        },
        "required": ["Condition", "TargetColumn"],
        "additionalProperties": False,
    }
    step_common = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "Action": {"type": "object"},
            "ConditionExpressions": {"type": "array", "items": condition},
            "disabled": {"type": "boolean"},
            "note": {"type": "string"},
            "version": {"type": "integer", "minimum": 1},
        },
        "required": ["Action"],
        "additionalProperties": False,
    }
    definitions: dict[str, Any] = {}
    steps = [_step_schema(cls, definitions) for cls in transforms()]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Workbench recipe",
        "type": "object",
        "properties": {
            "format": {
                "type": "object",
                "properties": {"name": {"const": FORMAT_NAME}, "version": {"const": FORMAT_VERSION}},
                "required": ["name", "version"],
            },
            "name": {"type": "string"},
            "description": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "steps": {
                "type": "array",
                "items": {"allOf": [step_common, {"oneOf": steps}]},
            },
        },
        "required": ["format", "steps"],
        "additionalProperties": False,
        "$defs": definitions,
    }


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
