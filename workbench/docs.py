"""Generate docs/transforms.md, docs/recipe.schema.json and docs/profile.schema.json.

``python -m workbench.docs`` rewrites both; ``--check`` fails when the committed files are stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.core.registry import Category, Transform, transforms
from workbench.profile.model import json_schema as profile_json_schema
from workbench.recipe.schema import recipe_json_schema, schema_text

ROOT = Path(__file__).resolve().parent.parent


def _parameters(cls: type[Transform]) -> str:
    schema = cls.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    parts = []
    for name, kind in cls.param_kinds().items():
        mark = "" if name in required else "?"
        parts.append(f"`{name}{mark}` {kind.value}")
    return ", ".join(parts) or "—"


def _engines(cls: type[Transform]) -> str:
    return " ".join(f"{e} ✓" if reason is None else f"{e} ✗" for e, reason in cls.engines().items())


def _details(cls: type[Transform]) -> list[str]:
    """The operation's full docstring and its first example as a before/after table."""
    import textwrap

    doc = textwrap.dedent("\n".join((cls.__doc__ or "").strip().splitlines()[1:])).strip()
    lines = [f"### {cls.operation}", "", cls.summary(), ""]
    if doc:
        lines += [doc, ""]
    if cls.examples:
        example = cls.examples[0]
        params = ", ".join(f"`{k}`: `{v}`" for k, v in example.params.items()) or "none"
        where = " and ".join(
            f"{c['TargetColumn']} {c['Condition']}" + (f" {c['Value']}" if c.get("Value") is not None else "")
            for c in example.conditions
        )
        suffix = f", where {where}" if where else ""
        lines += [f"Example — parameters {params}{suffix}:", ""]
        lines += [*_table("before", example.given), "", *_table("after", example.expect), ""]
    return lines


def _table(label: str, columns: dict[str, list[Any]]) -> list[str]:
    names = list(columns)
    rows = len(columns[names[0]]) if names else 0
    header = [f"| {label}: " + " | ".join(f"`{n}`" for n in names) + " |", "|" + "---|" * max(len(names), 1)]
    body = ["| " + " | ".join(_cell(columns[n][i]) for n in names) + " |" for i in range(rows)]
    return header + body


def _cell(value: Any) -> str:
    if value is None:
        return "null"
    text = repr(value) if isinstance(value, str) else str(value)
    return text.replace("|", "\\|").replace("\n", "\\n")


def transforms_markdown() -> str:
    """The catalogue page: one table per menu category."""
    all_transforms = list(transforms())
    lines = [
        "# Transforms",
        "",
        "Generated from the registry by `python -m workbench.docs`; do not edit by hand.",
        f"{len(all_transforms)} operations. `?` marks an optional parameter; each parameter's kind is the",
        "form control the notebook shows. Every operation runs on pandas and Spark unless marked ✗,",
        "and its examples are the conformance tests.",
        "",
    ]
    by_category: dict[Category, list[type[Transform]]] = {}
    for cls in all_transforms:
        by_category.setdefault(cls.category, []).append(cls)
    for category, members in by_category.items():
        lines += [
            f"## {category.value}",
            "",
            "| operation | what it does | parameters | engines |",
            "|---|---|---|---|",
        ]
        for cls in members:
            flags = " (extension)" if cls.extension else ""
            lines.append(
                f"| `{cls.operation}`{flags} | {cls.summary()} | {_parameters(cls)} | {_engines(cls)} |"
            )
        lines.append("")
    lines += ["## Details", ""]
    for cls in all_transforms:
        lines += _details(cls)
    unsupported = [(c, e, r) for c in all_transforms for e, r in c.engines().items() if r]
    if unsupported:
        lines += ["## Not supported", "", "| operation | engine | why |", "|---|---|---|"]
        lines += [f"| `{c.operation}` | {e} | {r} |" for c, e, r in unsupported]
        lines.append("")
    return "\n".join(lines)


def generated() -> dict[Path, str]:
    """Every generated file and its expected content."""
    return {
        ROOT / "docs" / "transforms.md": transforms_markdown(),
        ROOT / "docs" / "recipe.schema.json": schema_text(recipe_json_schema()),
        ROOT / "docs" / "profile.schema.json": schema_text(profile_json_schema()),
    }


def main(argv: list[str] | None = None) -> Any:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a generated file is stale")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
        print(f"stale: {names}; run python -m workbench.docs", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
