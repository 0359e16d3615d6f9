"""The regular-expression subset that Python/RE2 (pandas engine) and Java (Spark) agree on.

The pandas engine evaluates patterns with RE2 through pyarrow, Spark with java.util.regex.
RE2 already refuses look-around, back-references, possessive and atomic groups; on top of
that we refuse the constructs both accept but read differently.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

_DIFFERENT_MEANING = (
    (re.compile(r"&&"), "class intersection '&&' (Java only)"),
    (re.compile(r"(?<!\\)(?:\\\\)*\\v"), r"'\v' (vertical tab in RE2, any vertical space in Java)"),
    (re.compile(r"(?<!\\)(?:\\\\)*\\[Zz]"), r"'\Z' / '\z' (use '$')"),
    (re.compile(r"\(\?[a-zA-Z]*U"), "the (?U) flag (ungreedy in RE2, Unicode classes in Java)"),
    (re.compile(r"\(\?P?<[A-Za-z]"), "named groups (use plain groups)"),
)

_RE2_HINTS = (
    ("(?=", "look-ahead"),
    ("(?!", "negative look-ahead"),
    ("(?<=", "look-behind"),
    ("(?<!", "negative look-behind"),
    ("(?>", "atomic groups"),
    ("*+", "possessive quantifiers"),
    ("++", "possessive quantifiers"),
    ("?+", "possessive quantifiers"),
)


def regex_problem(pattern: str) -> str | None:
    """Say why ``pattern`` is outside the supported subset, or None when it is fine."""
    for finder, what in _DIFFERENT_MEANING:
        if finder.search(pattern):
            return f"{what} is not in the supported regex subset"
    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern)
    except pa.ArrowInvalid as exc:
        for token, what in _RE2_HINTS:
            if token in pattern:
                return f"{what} is not in the supported regex subset"
        if re.search(r"\\[1-9]", pattern):
            return "back-references are not in the supported regex subset"
        detail = str(exc).split(":", 1)[-1].strip()
        return f"invalid regular expression: {detail}"
    return None
