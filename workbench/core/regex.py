"""The regular-expression subset that Python/RE2 (pandas engine) and Java (Spark) agree on.

The pandas engine evaluates patterns with RE2 through pyarrow, Spark with java.util.regex.
RE2 already refuses look-around, back-references, possessive and atomic groups; on top of
that we refuse the constructs both accept but read differently, and the patterns whose matching
can blow up in Java's backtracking engine (:mod:`workbench.core.backtracking`).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.backtracking import backtracking_problem, class_opening_end

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
    return backtracking_problem(pattern)


def _rewrite(pattern: str, *, groups: bool = False, dollar: bool = False) -> str:
    """Rewrite a regex outside escapes, ``\\Q...\\E`` quotes and character classes.

    ``groups`` turns capturing groups into non-capturing ones; ``dollar`` turns ``$`` into
    ``\\z`` (the absolute end of the text).
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if pattern.startswith("\\Q", i):
                end = pattern.find("\\E", i + 2)
                end = n if end < 0 else end + 2
                out.append(pattern[i:end])
                i = end
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            end = class_opening_end(pattern, i)
            out.append(pattern[i:end])
            i = end
            continue
        elif groups and ch == "(" and not pattern.startswith("?", i + 1):
            out.append("(?:")
            i += 1
            continue
        elif dollar and ch == "$":
            out.append("\\z")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def noncapturing(pattern: str) -> str:
    """``pattern`` with its capturing groups turned into non-capturing ones.

    Wrapping a user pattern in our own groups then never shifts our group numbers, and
    pyarrow's extract_regex (which refuses unnamed groups) accepts it.
    """
    return _rewrite(pattern, groups=True)


_MULTILINE_FLAG = re.compile(r"\(\?[a-zA-Z]*m")


def java_regex(pattern: str) -> str:
    """A regex as Spark (java.util.regex) must run it to mean what it means to RE2.

    ``(?d)`` (UNIX_LINES) makes "." and "^"/"$" treat only LF as a line break, as RE2 does
    (Java also stops "." at CR, U+0085, U+2028, U+2029); ``(?u)`` makes case-insensitive
    matching Unicode-aware as in RE2; outside multi-line mode "$" becomes "\\z", because
    RE2's "$" is the very end of the text while Java's also matches before a final line break.
    """
    if not _MULTILINE_FLAG.search(pattern):
        pattern = _rewrite(pattern, dollar=True)
    return "(?du)" + pattern


def re2_replacement(text: str) -> str:
    """Literal replacement text for pyarrow's (RE2) regex replace: only backslash is special."""
    return text.replace("\\", "\\\\")


def java_replacement(text: str) -> str:
    """Literal replacement text for Spark's (Java) regexp_replace: backslash and dollar."""
    return text.replace("\\", "\\\\").replace("$", "\\$")
