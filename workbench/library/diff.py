"""A step diff between two recipes, in words: added, removed, moved, changed parameters.

Steps pair up by their id and operation first (ids survive edits in the widget), then identical
steps pair up wherever they are; what is left was removed or added. Paired steps out of their
old relative order were moved.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from typing import Any

from workbench.recipe.model import Recipe, Step


@dataclasses.dataclass
class Change:
    """One difference: ``kind`` is added, removed, moved or changed."""

    kind: str
    operation: str
    step_id: str | None
    old_position: int | None
    new_position: int | None
    details: list[str] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        position = self.new_position if self.new_position is not None else self.old_position
        label = f"step {position} ({self.operation}" + (f", id {self.step_id!r})" if self.step_id else ")")
        if self.kind == "added":
            return f"{label}: added"
        if self.kind == "removed":
            return f"{label}: removed"
        if self.kind == "moved":
            return f"{label}: moved from position {self.old_position} to {self.new_position}"
        return f"{label}: " + "; ".join(self.details)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "text": self.text()}


@dataclasses.dataclass
class RecipeDiff:
    """The changes from ``old`` to ``new``; ``str()`` is the diff in words, one line per change."""

    old: str
    new: str
    changes: list[Change]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __str__(self) -> str:
        head = f"{self.old} -> {self.new}"
        if not self.changes:
            return f"{head}: no changes"
        return "\n".join([f"{head}: {len(self.changes)} change(s)", *(f"  {c.text()}" for c in self.changes)])

    def to_dict(self) -> dict[str, Any]:
        changes = [c.to_dict() for c in self.changes]
        return {"from": self.old, "to": self.new, "changes": changes, "text": str(self)}


def _signature(step: Step) -> str:
    body = {k: v for k, v in step.to_json().items() if k != "id"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def _pairs(old: list[Step], new: list[Step]) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    by_key: dict[tuple[str | None, str], int] = {(s.id, s.operation): j for j, s in enumerate(new) if s.id}
    for i, step in enumerate(old):
        j = by_key.get((step.id, step.operation))
        if step.id and j is not None and j not in taken_new:
            pairs.append((i, j))
            taken_old.add(i)
            taken_new.add(j)
    for i, step in enumerate(old):
        if i in taken_old:
            continue
        for j, other in enumerate(new):
            if j not in taken_new and _signature(step) == _signature(other):
                pairs.append((i, j))
                taken_old.add(i)
                taken_new.add(j)
                break
    return sorted(pairs)


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _details(a: Step, b: Step) -> list[str]:
    out: list[str] = []
    pa, pb = a.typed_parameters(), b.typed_parameters()
    for key in sorted(set(pa) | set(pb)):
        if key not in pb:
            out.append(f"parameter {key!r} removed (was {_value(pa[key])})")
        elif key not in pa:
            out.append(f"parameter {key!r} added ({_value(pb[key])})")
        elif pa[key] != pb[key]:
            out.append(f"parameter {key!r} changed from {_value(pa[key])} to {_value(pb[key])}")
    if [c.to_json() for c in a.conditions] != [c.to_json() for c in b.conditions]:
        out.append("conditions changed")
    if a.disabled != b.disabled:
        out.append("disabled" if b.disabled else "enabled")
    if (a.note or "") != (b.note or ""):
        out.append("note changed")
    return out


def diff_recipes(old: Recipe, new: Recipe, *, old_name: str = "old", new_name: str = "new") -> RecipeDiff:
    """The changes from ``old`` to ``new``; the names label the two sides in the text."""
    pairs = _pairs(old.steps, new.steps)
    new_order = [j for _, j in pairs]
    order = difflib.SequenceMatcher(a=new_order, b=sorted(new_order), autojunk=False)
    blocks = order.get_matching_blocks()
    kept = {pairs[k][0] for block in blocks for k in range(block.a, block.a + block.size)}
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    changes: list[Change] = []
    for i, step in enumerate(old.steps):
        if i not in paired_old:
            changes.append(Change("removed", step.operation, step.id, i + 1, None))
    for i, j in sorted(pairs, key=lambda p: p[1]):
        a, b = old.steps[i], new.steps[j]
        if i not in kept:
            changes.append(Change("moved", b.operation, b.id, i + 1, j + 1))
        details = _details(a, b)
        if details:
            changes.append(Change("changed", b.operation, b.id, i + 1, j + 1, details))
    for j, step in enumerate(new.steps):
        if j not in paired_new:
            changes.append(Change("added", step.operation, step.id, None, j + 1))
    return RecipeDiff(old_name, new_name, changes)
