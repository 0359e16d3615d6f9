"""A static check for regular expressions whose matching can blow up in a backtracking engine.

Spark runs patterns with java.util.regex, which backtracks: a pattern that can match the same
text in many ways (``(a+)+``, ``(.*a){12}``, ``(\\w|\\d)+``) takes exponential or high-polynomial
time on a short text that does not match. The pattern is parsed into a tree (Python's regex
parser, which reads the supported subset as RE2 and Java do) and the tree is walked; nothing is
ever matched. Refused:

- a loop (a repetition of at most 2 or more times) whose body can split a text in more than one
  way: a variable-length part of the body (``a+``, ``.*``, ``\\s?``) can consume a character that
  what follows it can also start with, the next iteration included (``(a+)+``, ``(.*a){12}``,
  ``(\\w+\\s?)*``), or two alternatives of the body can start with the same character
  (``(a|ab)*``, ``(\\w|\\d)+``);
- two unbounded repetitions side by side over overlapping characters (``.*.*``, ``\\d+\\d+``).

A single ``.*`` on each side of a literal (``.*foo.*``) and loops whose parts are kept apart by
their characters (``([\\w-]+\\.)+``, ``(\\d{1,3}\\.){3}``) are fine.
"""

from __future__ import annotations

import functools
import itertools
import re
import warnings
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_PROBES = "".join(chr(i) for i in range(128)) + "éßĀжİ中٣\u00a0\u2028\u212a😀"
"""Characters that stand for every character class a pattern can name, when comparing classes."""

_ALL = frozenset(_PROBES)
_NONE: frozenset[str] = frozenset()
_UNBOUNDED = sre.MAXREPEAT
_NARROW = "use a character class that excludes what follows (such as [^,]*, instead of .*)"
_DISTINCT = "make the alternatives start differently, or use one character class"
_BOUNDED_CHOICES = 1000
"""A counted loop over a bounded ambiguous body is refused when it has more ways than this."""

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}
_CATEGORY_CHARS = {
    name: frozenset(p for p in _PROBES if re.match(finder, p)) for name, finder in _CATEGORIES.items()
}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


def backtracking_problem(pattern: str) -> str | None:
    """Why matching ``pattern`` can take exponential or high-polynomial time, or None when it cannot.

    ``pattern`` is already known to be in the supported subset (RE2 accepts it).
    """
    text, ignore_case = _normalised(pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = sre_parse.parse(text, re.IGNORECASE if ignore_case else 0)
    except (re.error, OverflowError, RecursionError) as exc:
        return f"the pattern cannot be checked for catastrophic backtracking ({exc})"
    walker = _Walker(bool(tree.state.flags & re.IGNORECASE))
    try:
        walker.sequence(list(tree.data), _NONE, None)
    except _Refused as refused:
        return str(refused)
    except RecursionError:
        return "the pattern is nested too deeply to be checked for catastrophic backtracking"
    return None


class _Refused(Exception):
    pass


@dataclass(frozen=True)
class _Loop:
    """The innermost repetition (at most 2 or more times) being walked."""

    low: int
    high: int

    def why(self, what: str, hint: str) -> str:
        if self.high == _UNBOUNDED:
            return f"{what} inside an unbounded repetition; matching can take exponential time; {hint}"
        return (
            f"{what} inside a group repeated up to {self.high} times; matching can take time"
            f" growing like the text length to the power {self.high}; {hint}"
        )


class _Walker:
    """Walks a parsed pattern; raises _Refused at the first construct that can blow up."""

    def __init__(self, ignore_case: bool) -> None:
        self.ignore_case = ignore_case

    # --- character sets of parts --------------------------------------------------------------

    def atom(self, op: Any, av: Any) -> frozenset[str]:
        """The probe characters one single-character item matches."""
        if op is sre.ANY:
            return _ALL
        if op is sre.LITERAL:
            return self._fold({chr(av)})
        if op is sre.NOT_LITERAL:
            return _ALL - self._fold({chr(av)})
        if op is sre.IN:
            return self._in(av)
        return _ALL

    def _fold(self, chars: set[str]) -> frozenset[str]:
        return _case_folded(frozenset(chars)) if self.ignore_case else frozenset(chars)

    def _in(self, items: list[Any]) -> frozenset[str]:
        chars: set[str] = set()
        negate = False
        for op, av in items:
            if op is sre.NEGATE:
                negate = True
            elif op is sre.LITERAL:
                chars.add(chr(av))
            elif op is sre.RANGE:
                chars.update(p for p in _PROBES if av[0] <= ord(p) <= av[1])
            elif op is sre.CATEGORY:
                chars.update(_CATEGORY_CHARS.get(str(av), _ALL))
        folded = self._fold(chars)
        return _ALL - folded if negate else folded

    def chars(self, items: list[Any]) -> frozenset[str]:
        """Every character the items can consume, anywhere."""
        found: set[str] = set()
        for op, av in items:
            for inner in _children(op, av):
                found |= self.chars(inner)
            if not _children(op, av) and op is not sre.AT:
                found |= self.atom(op, av)
        return frozenset(found)

    def first(self, items: list[Any]) -> frozenset[str]:
        """The characters a match of the items can start with."""
        found: set[str] = set()
        for op, av in items:
            found |= self.first_of(op, av)
            if _min_width(op, av) > 0:
                break
        return frozenset(found)

    def first_of(self, op: Any, av: Any) -> frozenset[str]:
        if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
            return _NONE
        if op in _REPEATS:
            return self.first(list(av[2])) if av[1] > 0 else _NONE
        if op is sre.SUBPATTERN:
            return self.first(list(av[3]))
        if op is sre.BRANCH:
            return frozenset().union(*(self.first(list(alt)) for alt in av[1]))
        return self.atom(op, av)

    # --- the walk -----------------------------------------------------------------------------

    def sequence(self, items: list[Any], follow: frozenset[str], loop: _Loop | None) -> None:
        """Check ``items``, which are followed by text starting with a character of ``follow``."""
        self._adjacent(items)
        afters: list[frozenset[str]] = []
        after = follow
        for op, av in reversed(items):
            afters.append(after)
            starts = self.first_of(op, av)
            after = starts | after if _min_width(op, av) == 0 else starts
        for (op, av), after in zip(items, reversed(afters), strict=True):
            self.item(op, av, after, loop)

    def item(self, op: Any, av: Any, follow: frozenset[str], loop: _Loop | None) -> None:
        if op in _REPEATS:
            self._repeat(av, follow, loop)
        elif op is sre.SUBPATTERN:
            self.sequence(list(av[3]), follow, loop)
        elif op is sre.BRANCH:
            self._branch([list(alt) for alt in av[1]], follow, loop)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            self.sequence(list(av[1]), _NONE, None)

    def _repeat(self, av: Any, follow: frozenset[str], loop: _Loop | None) -> None:
        low, high, body = av[0], av[1], list(av[2])
        if loop is not None and low != high and self.chars(body) & follow:
            choices = _UNBOUNDED if high == _UNBOUNDED else high - low
            what = "an unbounded part" if high == _UNBOUNDED else "a variable-length part"
            what = f"nested repetition ({what} that can also match what follows it)"
            self._ambiguous(loop, choices, what, _NARROW)
        if high >= 2 and _max_width(body) != 0:
            inner = _Loop(low, high)
            self.sequence(body, self.first(body) | follow, inner)
        else:
            self.sequence(body, follow, loop)

    def _branch(self, alternatives: list[list[Any]], follow: frozenset[str], loop: _Loop | None) -> None:
        if loop is not None:
            starts = [
                self.first(alt) | (follow if _min_width_all(alt) == 0 else _NONE) for alt in alternatives
            ]
            for i, one in enumerate(starts):
                if any(one & other for other in starts[i + 1 :]):
                    why = "alternatives that start with the same character"
                    self._ambiguous(loop, len(alternatives), why, _DISTINCT)
        for alt in alternatives:
            self.sequence(alt, follow, loop)

    def _ambiguous(self, loop: _Loop, choices: int, what: str, hint: str) -> None:
        bounded = loop.high != _UNBOUNDED and choices != _UNBOUNDED
        if bounded and (choices + 1) ** loop.high <= _BOUNDED_CHOICES:
            return
        raise _Refused(loop.why(what, hint))

    def _adjacent(self, items: list[Any]) -> None:
        for (op1, av1), (op2, av2) in itertools.pairwise(items):
            tail, head = self._unbounded_edge(op1, av1, -1), self._unbounded_edge(op2, av2, 0)
            if tail and head and tail & head:
                msg = (
                    "two unbounded repetitions side by side over overlapping characters (such as .*.*"
                    " or \\d+\\d+): matching can take time growing with a power of the text length;"
                    " merge them into one"
                )
                raise _Refused(msg)

    def _unbounded_edge(self, op: Any, av: Any, end: int) -> frozenset[str]:
        """The characters of an unbounded repetition of one character class (``.*``, ``\\d+``) at
        the start (end=0) or end (-1) of an item, or nothing."""
        if op in _REPEATS and av[1] == _UNBOUNDED:
            atom = _single_atom(list(av[2]))
            return _NONE if atom is None else self.atom(*atom)
        if op is sre.SUBPATTERN and len(av[3]):
            inner_op, inner_av = list(av[3])[end]
            return self._unbounded_edge(inner_op, inner_av, end)
        return _NONE


def _single_atom(items: list[Any]) -> tuple[Any, Any] | None:
    """The one single-character item that ``items`` consist of (through groups), or None."""
    while len(items) == 1 and items[0][0] is sre.SUBPATTERN:
        items = list(items[0][1][3])
    if len(items) == 1 and not _children(*items[0]) and items[0][0] is not sre.AT:
        return items[0][0], items[0][1]
    return None


@functools.lru_cache(maxsize=256)
def _case_folded(chars: frozenset[str]) -> frozenset[str]:
    """The probes equal to one of ``chars`` when case is ignored."""
    cased = {c for x in chars for c in (x, x.lower(), x.upper())}
    return frozenset(p for p in _PROBES if {p, p.lower(), p.upper()} & cased)


def _children(op: Any, av: Any) -> list[list[Any]]:
    if op in _REPEATS:
        return [list(av[2])]
    if op is sre.SUBPATTERN:
        return [list(av[3])]
    if op is sre.BRANCH:
        return [list(alt) for alt in av[1]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [[]]
    return []


def _min_width(op: Any, av: Any) -> int:
    if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
        return 0
    if op in _REPEATS:
        return int(av[0]) * _min_width_all(list(av[2]))
    if op is sre.SUBPATTERN:
        return _min_width_all(list(av[3]))
    if op is sre.BRANCH:
        return min(_min_width_all(list(alt)) for alt in av[1])
    return 1


def _min_width_all(items: list[Any]) -> int:
    return sum(_min_width(op, av) for op, av in items)


def _max_width(items: list[Any]) -> int:
    total = 0
    for op, av in items:
        if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
            width = 0
        elif op in _REPEATS:
            inner = _max_width(list(av[2]))
            width = 0 if inner == 0 else (_UNBOUNDED if av[1] == _UNBOUNDED else int(av[1]) * inner)
        elif op is sre.SUBPATTERN:
            width = _max_width(list(av[3]))
        elif op is sre.BRANCH:
            width = max(_max_width(list(alt)) for alt in av[1])
        else:
            width = 1
        total = min(total + width, _UNBOUNDED)
    return total


# --- reading RE2/Java syntax with Python's parser ---------------------------------------------

_POSIX = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "word": "\\w",
    "xdigit": "0-9a-fA-F",
    "punct": "!-/:-@\\[-`{-~",
}
_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-[a-zA-Z]*)?\)")
_SCOPED_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-[a-zA-Z]*)?:")
_UNICODE_CLASS = re.compile(r"\\([pP])(\{\^?\w+\}|\w)")
_HEX = re.compile(r"\\x\{([0-9a-fA-F]+)\}")


def _normalised(pattern: str) -> tuple[str, bool]:
    """``pattern`` in the syntax Python's parser reads, and whether any part ignores case.

    RE2/Java's ``\\Q…\\E``, ``\\p{…}``, ``\\x{…}``, POSIX classes and mid-pattern flags get their
    Python spelling (a Unicode class becomes a wider class, which can only make the check
    stricter), and each alternative after a ``|`` starts with an empty look-ahead, so that the
    parser keeps the alternatives as written instead of merging them (``a|ab`` into ``a(?:|b)``,
    ``\\w|\\d`` into ``[\\w\\d]``), as a backtracking engine tries them.
    """
    ignore_case = False
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            piece, i = _escape(pattern, i, in_class)
            out.append(piece)
            continue
        if not in_class and ch == "[":
            end, in_class = class_opening_end(pattern, i), True
            out.append(pattern[i:end])
            i = end
            continue
        if in_class:
            posix = re.match(r"\[:(\^?)(\w+):\]", pattern[i:])
            if posix:
                out.append(_POSIX.get(posix.group(2), "\\s\\S") if not posix.group(1) else "\\s\\S")
                i += posix.end()
                continue
            in_class = ch != "]"
        elif ch == "|":
            out.append("|(?=)")
            i += 1
            continue
        elif (flags := _FLAGS.match(pattern, i)) is not None:
            ignore_case = ignore_case or "i" in flags.group(1)
            i = flags.end()
            continue
        elif (scoped := _SCOPED_FLAGS.match(pattern, i)) is not None:
            ignore_case = ignore_case or "i" in scoped.group(1)
        out.append(ch)
        i += 1
    return "".join(out), ignore_case


def class_opening_end(pattern: str, i: int) -> int:
    """The index after the ``[`` at ``i``, its ``^`` and a leading ``]`` (a literal member)."""
    i += 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    return i


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The Python spelling of the escape at ``i`` and the index after it."""
    if pattern.startswith("\\Q", i):
        end = pattern.find("\\E", i + 2)
        stop = len(pattern) if end < 0 else end
        return re.escape(pattern[i + 2 : stop]), (len(pattern) if end < 0 else end + 2)
    unicode_class = _UNICODE_CLASS.match(pattern, i)
    if unicode_class:
        name = unicode_class.group(2).strip("{}")
        negated = (unicode_class.group(1) == "P") != name.startswith("^")
        wide = "\\w" if name.lstrip("^")[:1] in ("L", "N") and not negated else "\\s\\S"
        return (wide if in_class else f"[{wide}]"), unicode_class.end()
    hexadecimal = _HEX.match(pattern, i)
    if hexadecimal:
        return f"\\U{int(hexadecimal.group(1), 16):08x}", hexadecimal.end()
    return pattern[i : i + 2], i + 2
