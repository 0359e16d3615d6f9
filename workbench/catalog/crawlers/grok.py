"""Grok patterns (``%{NAME:field}``) for custom log classifiers, translated to Python regular expressions.

Only the common pattern names are built in; a classifier may add its own (``custom_patterns``),
and those may refer to each other. ``%{NAME:field}`` captures a column, ``%{NAME}`` only matches.
"""

from __future__ import annotations

import re

from workbench.core.errors import nearest

BUILT_IN = {
    "WORD": r"\b\w+\b",
    "NOTSPACE": r"\S+",
    "SPACE": r"\s*",
    "DATA": r".*?",
    "GREEDYDATA": r".*",
    "INT": r"[+-]?\d+",
    "POSINT": r"\b[1-9]\d*\b",
    "NUMBER": r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)",
    "BASE10NUM": r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)",
    "QUOTEDSTRING": r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'",
    "UUID": r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    "IPV4": r"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)",
    "IP": r"(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)|[A-Fa-f0-9:]+:[A-Fa-f0-9:]*",
    "HOSTNAME": r"\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\.[0-9A-Za-z][0-9A-Za-z-]{0,62})*\.?\b",
    "EMAILADDRESS": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "LOGLEVEL": r"(?:TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL|SEVERE|EMERG|ALERT)",
    "TIMESTAMP_ISO8601": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?",
    "DATE": r"\d{4}-\d{2}-\d{2}",
    "HTTPDATE": r"\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}",
    "URIPATH": r"(?:/[^\s?#]*)+",
    "URIPARAM": r"\?[^\s#]*",
}

_REFERENCE = re.compile(r"%\{(\w+)(?::(\w+))?\}")
_MAX_DEPTH = 10


class GrokError(ValueError):
    """A grok pattern names an unknown pattern or refers to itself."""


def grok_to_regex(pattern: str, custom: dict[str, str] | None = None) -> str:
    """The regular expression a grok pattern stands for; named captures become ``(?P<field>…)``."""
    library = {**BUILT_IN, **(custom or {})}
    return _expand(pattern, library, 0)


def _expand(pattern: str, library: dict[str, str], depth: int) -> str:
    if depth > _MAX_DEPTH:
        raise GrokError(f"grok pattern {pattern!r} refers to itself more than {_MAX_DEPTH} levels deep")

    def replace(match: re.Match[str]) -> str:
        name, field = match.group(1), match.group(2)
        if name not in library:
            close = nearest(name, library)
            hint = f"; did you mean {close!r}?" if close else ""
            raise GrokError(f"unknown grok pattern %{{{name}}}{hint}")
        body = _expand(library[name], library, depth + 1)
        return f"(?P<{field}>{body})" if field else f"(?:{body})"

    return _REFERENCE.sub(replace, pattern)
