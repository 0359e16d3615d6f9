"""Unicode case mapping on pandas that agrees with Spark's upper, lower and initcap.

Spark changes case with full Unicode mappings (ICU/Java: "ß" -> "SS", "ﬁ" -> "FI", a final
sigma lower-cases to "ς", "İ" -> "i̇"); pyarrow's utf8_upper/lower use simple one-to-one
mappings. The pandas engine applies the special cases first, taken from Python's own Unicode
tables, so both engines agree. (Letters whose case mappings were added in Unicode versions
newer than an engine's may still differ; they are very rare.)
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.errors import WorkbenchError
from workbench.core.lazy import F
from workbench.core.text import MAX_LENGTH, combined

if TYPE_CHECKING:
    from pyspark.sql import Column

_WORD = r"\p{L}\p{M}\p{N}"
_CASE_IGNORABLE = (
    r"\p{Mn}\p{Me}\p{Cf}\p{Lm}\p{Sk}'.:\x{00B7}\x{0387}\x{055F}\x{05F4}\x{2018}\x{2019}\x{2024}\x{2027}"
    r"\x{FE13}\x{FE52}\x{FE55}\x{FF07}\x{FF0E}\x{FF1A}"
)
_IGNORABLE_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Lm", "Sk"})


@functools.cache
def _final_sigma() -> str:
    """The context of a final capital sigma (Unicode's Final_Sigma rule) as an RE2 pattern.

    Group 1 is a cased letter plus case-ignorable characters before the sigma, group 2 what
    follows it up to and including the first character that is neither (or the end).
    """
    cased = [
        ch
        for ch in _assigned_characters()
        if (ch.islower() or ch.isupper() or ch.istitle())
        and unicodedata.category(ch) not in _IGNORABLE_CATEGORIES
    ]
    ranges: list[list[int]] = []
    for cp in sorted(ord(ch) for ch in cased):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    klass = "".join(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges)
    return f"([{klass}][{_CASE_IGNORABLE}]*)\u03a3([{_CASE_IGNORABLE}]*(?:[^{klass}{_CASE_IGNORABLE}]|\\z))"


@functools.cache
def _assigned_characters() -> list[str]:
    return [
        chr(cp)
        for cp in range(0x20000)
        if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) != "Cn"
    ]


@functools.cache
def _upper_specials() -> dict[str, str]:
    """Characters whose full upper-case form is several characters ("ß" -> "SS")."""
    return {ch: ch.upper() for ch in _assigned_characters() if len(ch.upper()) > 1}


@functools.cache
def _title_table() -> tuple[pa.Array, pa.Array]:
    """Characters whose title-case form differs from pyarrow's upper case ("ǆ" -> "ǅ")."""
    chars = _assigned_characters()
    upper = pc.utf8_upper(pa.array(chars, pa.large_string())).to_pylist()
    pairs = {ch: ch.title() for ch, up in zip(chars, upper, strict=True) if ch.title() != up}
    return pa.array(list(pairs), pa.large_string()), pa.array(list(pairs.values()), pa.large_string())


def upper_pandas(a: Any) -> pa.Array:
    """Full Unicode upper case of an Arrow string array (as Spark's upper)."""
    a = pc.cast(combined(a), pa.large_string())
    result = pc.utf8_upper(a)
    specials = _upper_specials()
    special = pc.fill_null(pc.match_substring_regex(a, "[" + "".join(specials) + "]"), False)
    if not pc.any(special).as_py():
        return result
    subset = pc.filter(a, special)
    for char, mapped in specials.items():
        subset = pc.replace_substring(subset, char, mapped)
    return pc.replace_with_mask(result, special, pc.utf8_upper(subset))


def lower_pandas(a: Any) -> pa.Array:
    """Full Unicode lower case of an Arrow string array (as Spark's lower: final sigma, "İ")."""
    a = pc.cast(combined(a), pa.large_string())
    a = pc.replace_substring(a, "\u0130", "i\u0307")
    if pc.any(pc.match_substring(a, "\u03a3")).as_py():
        a = pc.replace_substring_regex(a, _final_sigma(), "\\1\u03c2\\2")
    return pc.utf8_lower(a)


def _sentinel(a: pa.Array) -> str:
    """A Unicode noncharacter that does not occur in ``a`` (a safe internal separator)."""
    for cp in range(0xFDD0, 0xFDF0):
        if not pc.any(pc.match_substring(a, chr(cp))).as_py():
            return chr(cp)
    msg = "PROPER cannot run: the text uses every Unicode noncharacter U+FDD0..U+FDEF"
    raise WorkbenchError(msg)


def proper_pandas(a: Any) -> pa.Array:
    """Lower-case the text, then title-case the first character of every word."""
    low = lower_pandas(a)
    mark = _sentinel(low)
    # Cut each string before every word; the pieces become one flat array of tokens.
    marked = pc.replace_substring_regex(low, f"([{_WORD}]+)", mark + "\\1")
    lists = combined(pc.split_pattern(marked, mark))
    tokens = pc.cast(lists.values, pa.large_string())
    first = pc.utf8_slice_codeunits(tokens, 0, 1)
    keys, titles = _title_table()
    title = pc.coalesce(pc.take(titles, pc.index_in(first, value_set=keys)), pc.utf8_upper(first))
    empty = pa.scalar("", pa.large_string())
    titled = pc.binary_join_element_wise(title, pc.utf8_slice_codeunits(tokens, 1), empty)
    tokens = pc.if_else(pc.match_substring_regex(tokens, f"^[{_WORD}]"), titled, tokens)
    rebuilt = pa.LargeListArray.from_arrays(
        pc.cast(lists.offsets, pa.int64()), tokens, mask=pc.is_null(lists)
    )
    return pc.binary_join(rebuilt, empty)


def proper_spark(c: Column) -> Column:
    tokens = F.regexp_extract_all(F.lower(c), F.lit(f"[{_WORD}]+|[^{_WORD}]+"), 0)
    titled = F.transform(
        tokens,
        lambda t: F.when(
            t.rlike(f"^[{_WORD}]"), F.concat(F.initcap(F.substring(t, 1, 1)), F.substring(t, 2, MAX_LENGTH))
        ).otherwise(t),
    )
    return F.array_join(titled, "")
