"""Recipe text to plain data, within limits: a recipe is untrusted input, never code.

Decoding refuses bytes that are not UTF-8 (a BOM is accepted). JSON and YAML are parsed into
maps, lists, strings, numbers, booleans and null only, and every document is held to
:data:`MAX_DEPTH` levels of nesting, :data:`MAX_DIGITS` digits per number, :data:`MAX_TEXT`
characters per string, and YAML aliases to :data:`MAX_ALIASES` uses adding at most
:data:`MAX_ALIAS_NODES` nodes, all checked before any value is built from the text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml import nodes

from workbench.core.errors import RecipeError

MAX_DEPTH = 100
"""Deepest nesting of lists and maps in a recipe document."""

MAX_DIGITS = 1000
"""Most digits a number written in a recipe may have (integer parameters are 64-bit anyway)."""

MAX_TEXT = 32_768
"""Longest string value, in characters: DataBrew's own limit on a parameter value."""

MAX_ALIASES = 100
"""Most YAML alias uses (``*name``) in one document."""

MAX_ALIAS_NODES = 10_000
"""Most nodes YAML aliases may add to a document once expanded."""

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Largest recipe file: DataBrew's 100 steps of 32,768-character values fit several times over."""

_BOM = "\ufeff"
_HUGE = 10**MAX_DIGITS


def read_bounded(path: Path, what: str = "recipe") -> bytes:
    """The bytes of a recipe (or ruleset) file, refusing files larger than :data:`MAX_FILE_BYTES`."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RecipeError(f"cannot read {what} {str(path)!r}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise RecipeError(f"{what} {str(path)!r} is larger than {limit} MB; that is not a {what}")
    return raw


def decode(raw: bytes, source: str, what: str = "recipe") -> str:
    """The text of a recipe (or ruleset, ``what``) file: UTF-8, with or without a BOM."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        msg = (
            f"{source} is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
            f"(line {line}) cannot be decoded; save the {what} as UTF-8"
        )
        raise RecipeError(msg) from None
    return text.removeprefix(_BOM)


# --- JSON ----------------------------------------------------------------------------------


class _Refused:
    """A JSON value the parser met but Workbench refuses; reported with its key by :func:`check_values`."""

    def __init__(self, problem: str) -> None:
        self.problem = problem


def _json_int(text: str) -> Any:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        return _Refused(f"is a number with {digits:,} digits (at most {MAX_DIGITS:,})")
    return int(text)


def _json_float(text: str) -> Any:
    if len(text) > MAX_DIGITS:
        return _Refused(f"is a number with {len(text):,} characters (at most {MAX_DIGITS:,})")
    value = float(text)
    if math.isinf(value):
        return _Refused(f"is a number too large for a double ({text[:20]}…)")
    return value


def _json_constant(name: str) -> Any:
    if name == "NaN":
        return _Refused("is NaN, which means no number; write null or leave the key out")
    return float(name)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise RecipeError(f"the key {key!r} appears twice in one object; keep one")
        out[key] = value
    return out


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _json_depth_problem(text: str) -> str | None:
    """The place where nesting passes :data:`MAX_DEPTH`, found without parsing (which would recurse)."""
    depth = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return f"lists and objects are nested more than {MAX_DEPTH} levels deep"
    return None


def parse_json(text: str, source: str) -> Any:
    """Decoded JSON (refused values stay as markers for :func:`check_values`)."""
    problem = _json_depth_problem(text)
    if problem:
        raise RecipeError(f"{source}: {problem}")
    try:
        return json.loads(
            text,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as exc:
        msg = f"{source} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise RecipeError(msg) from None
    except RecipeError as exc:
        raise RecipeError(f"{source}: {exc}") from None


# --- YAML ----------------------------------------------------------------------------------

_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
)


class _YamlProblem(yaml.YAMLError):
    """A YAML document outside the limits (raised while composing, before construction)."""


class RecipeYamlLoader(yaml.SafeLoader):
    """A safe loader that keeps dates as text and bounds nesting, aliases and tags."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _YamlProblem(f"the document uses more than {MAX_ALIASES} YAML aliases")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _YamlProblem(f"lists and maps are nested more than {MAX_DEPTH} levels deep")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None:
            _check_yaml_graph(node)
        return node


def _line(node: nodes.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _children(node: nodes.Node) -> list[nodes.Node]:
    if isinstance(node, nodes.SequenceNode):
        return list(node.value)
    if isinstance(node, nodes.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _check_yaml_graph(root: nodes.Node) -> None:
    """Refuse tags that are not plain data, cycles, and aliases that expand past the bound."""
    sizes: dict[int, int] = {}
    written: set[int] = set()
    order: list[tuple[nodes.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while order:
        node, done = order.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            continue
        if key in open_nodes:
            raise _YamlProblem(f"a YAML alias at {_line(node)} refers to a node that contains it")
        if key in sizes:
            continue
        if node.tag not in _PLAIN_TAGS:
            raise _YamlProblem(
                f"the tag {node.tag!r} at {_line(node)} is not plain data; a recipe holds only maps, "
                "lists, strings, numbers, booleans and null"
            )
        _check_keys(node)
        written.add(key)
        open_nodes.add(key)
        order.append((node, True))
        order.extend((c, False) for c in _children(node))
    added = sizes[id(root)] - len(written)
    if added > MAX_ALIAS_NODES:
        raise _YamlProblem(
            f"YAML aliases expand the document by {added:,} nodes (at most {MAX_ALIAS_NODES:,})"
        )


def _check_keys(node: nodes.Node) -> None:
    if not isinstance(node, nodes.MappingNode):
        return
    seen: set[str] = set()
    for key, _ in node.value:
        if isinstance(key, nodes.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
            if key.value in seen:
                msg = f"the key {key.value!r} at {_line(key)} appears twice in one map; keep one"
                raise _YamlProblem(msg)
            seen.add(key.value)


def parse_yaml(text: str, source: str) -> Any:
    """Decoded YAML: plain data only, checked for limits before anything is built."""
    try:
        return yaml.load(text, Loader=RecipeYamlLoader)
    except _YamlProblem as exc:
        raise RecipeError(f"{source}: {exc}") from None
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise RecipeError(f"{source} is not valid YAML: {detail}") from None


# --- values --------------------------------------------------------------------------------


def _walk(data: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    stack = [(path, data)]
    while stack:
        here, value = stack.pop()
        yield here, value
        if isinstance(value, dict):
            stack.extend(((*here, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*here, i), v) for i, v in enumerate(value))


def value_problems(data: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every (path, problem) of values outside the limits, for the caller to locate."""
    for path, value in _walk(data, ()):
        if len(path) > MAX_DEPTH:
            yield path, f"is nested more than {MAX_DEPTH} levels deep"
            return
        problem = _value_problem(value)
        if problem:
            yield path, problem
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    yield path, f"has a key that is not text ({type(key).__name__} {key!r})"


def _value_problem(value: Any) -> str | None:
    if isinstance(value, _Refused):
        return value.problem
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return f"is a text of {len(value):,} characters (at most {MAX_TEXT:,})"
    if isinstance(value, float) and math.isnan(value):
        return "is NaN, which means no number; write null or leave the key out"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _HUGE:
        return f"is a number with more than {MAX_DIGITS:,} digits"
    if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
        return f"is a {type(value).__name__}, not plain data"
    return None
