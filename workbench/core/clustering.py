"""Finding groups of text values that are probably the same thing (OpenRefine's "Cluster and edit").

Two methods:

- key collision: values whose key is equal form a cluster. Keyers: ``FINGERPRINT`` (lower-case,
  accents removed, punctuation and symbols removed, split on whitespace, the unique tokens sorted
  and joined by one space: "Tom  Smith." and "smith, tom" collide), ``NGRAM_FINGERPRINT`` (lower-
  case, accents, punctuation, symbols and whitespace removed, then the unique character n-grams
  sorted and joined; a text shorter than n is its own key), ``SOUNDEX`` (American Soundex of the
  text without accents, as Spark's ``soundex``).
- nearest neighbour: values within a Levenshtein distance of ``radius`` are linked, and linked
  values form a cluster (linking is transitive). Only values sharing a substring of
  ``blockSize`` characters (lower-cased) are compared, which keeps it tractable; a value shorter
  than that is one block by itself, and a substring more than ``MAX_BLOCK`` values share is too
  common to be a block.

Clustering is a service run on the Python side over the DISTINCT values of one column (per-value
Python work is fine at that size). The FINGERPRINT keyer is the vectorised one the FINGERPRINT
transform runs on pandas, and ``fingerprint_spark`` is the same key on Spark.
"""

from __future__ import annotations

import itertools
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.case_mapping import lower_pandas
from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.text import WHITESPACE_CLASS, accent_table, combined, translate_pandas, translate_spark

if TYPE_CHECKING:
    from pyspark.sql import Column


class Method(str, Enum):
    KEY_COLLISION = "KEY_COLLISION"
    NEAREST_NEIGHBOR = "NEAREST_NEIGHBOR"


class Keyer(str, Enum):
    FINGERPRINT = "FINGERPRINT"
    NGRAM_FINGERPRINT = "NGRAM_FINGERPRINT"
    SOUNDEX = "SOUNDEX"


PUNCTUATION_AND_SYMBOLS = r"[\p{P}\p{S}]+"
"""What fingerprints drop: Unicode punctuation (P*) and symbols (S*), read alike by RE2 and Java."""


# --- fingerprint keys ------------------------------------------------------------------------


def _normalised_pandas(a: Any) -> pa.Array:
    lowered = lower_pandas(a)
    return pc.replace_substring_regex(translate_pandas(lowered, accent_table()), PUNCTUATION_AND_SYMBOLS, "")


def _normalised_spark(c: Column) -> Column:
    return F.regexp_replace(translate_spark(F.lower(c), accent_table()), PUNCTUATION_AND_SYMBOLS, "")


def fingerprint_pandas(a: Any) -> pa.Array:
    """The FINGERPRINT key of each text of an Arrow string array (null stays null)."""
    normalised = combined(_normalised_pandas(a))
    lists = combined(pc.split_pattern_regex(normalised, f"[{WHITESPACE_CLASS}]+"))
    n = len(lists)
    lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy(zero_copy_only=False)
    tokens = pa.table({"row": np.repeat(np.arange(n), lengths), "token": pc.list_flatten(lists)})
    tokens = tokens.filter(pc.not_equal(tokens["token"], ""))
    # Sorted by code point (Arrow compares UTF-8 bytes, as Spark's array_sort), then a token equal
    # to the one before it in the same row is a repeat.
    tokens = tokens.sort_by([("row", "ascending"), ("token", "ascending")])
    row, token = tokens["row"].combine_chunks(), tokens["token"].combine_chunks()
    if len(tokens) > 1:
        repeat = pc.and_(
            pc.equal(row.slice(1), row.slice(0, len(row) - 1)),
            pc.equal(token.slice(1), token.slice(0, len(token) - 1)),
        )
        keep = pa.concat_arrays([pa.array([True]), pc.invert(repeat)])
        row, token = pc.filter(row, keep), pc.filter(token, keep)
    counts = np.bincount(row.to_numpy(zero_copy_only=False), minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    values = pc.cast(token, pa.large_string())
    rebuilt = pa.LargeListArray.from_arrays(pa.array(offsets), values, mask=pc.is_null(normalised))
    return pc.binary_join(rebuilt, pa.scalar(" ", pa.large_string()))


def fingerprint_spark(c: Column) -> Column:
    """The FINGERPRINT key of a Spark string column, equal to ``fingerprint_pandas``."""
    tokens = F.filter(F.split(_normalised_spark(c), f"[{WHITESPACE_CLASS}]+"), lambda t: t != F.lit(""))
    return F.array_join(F.array_sort(F.array_distinct(tokens)), " ")


def _ngram_keys(values: list[str], size: int) -> list[str]:
    """NGRAM_FINGERPRINT keys: per distinct value in Python (clustering only)."""
    cleaned = _normalised_pandas(pa.array(values, pa.large_string()))
    cleaned = pc.replace_substring_regex(cleaned, f"[{WHITESPACE_CLASS}]+", "").to_pylist()
    keys = []
    for text in cleaned:
        grams = {text[i : i + size] for i in range(len(text) - size + 1)}
        keys.append("".join(sorted(grams)) if len(text) >= size else text)
    return keys


_SOUNDEX_CODES = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "01230127022455012623017202", strict=True))


def soundex(text: str) -> str:
    """American Soundex as Spark computes it: "Robert" -> "R163"; text not starting with a letter is kept."""
    data = text.encode("utf-8")
    if not data or chr(data[0]).upper() not in _SOUNDEX_CODES or data[0] >= 0x80:
        return text
    first = chr(data[0]).upper()
    code, last = [first], _SOUNDEX_CODES[first]
    for byte in data[1:]:
        letter = chr(byte).upper() if byte < 0x80 else ""
        if letter not in _SOUNDEX_CODES or not letter:
            last = "0"
            continue
        digit = _SOUNDEX_CODES[letter]
        if digit == "7":  # H and W do not separate equal codes
            continue
        if digit not in ("0", last):
            code.append(digit)
            if len(code) == 4:
                break
        last = digit
    return "".join(code).ljust(4, "0")


def _soundex_keys(values: list[str]) -> list[str]:
    plain = translate_pandas(pa.array(values, pa.large_string()), accent_table())
    trimmed = pc.utf8_trim(plain, characters=" \t\n\x0b\f\r").to_pylist()
    return [soundex(text) if text else "" for text in trimmed]


def keys_of(values: list[str], keyer: Keyer, ngram_size: int = 2) -> list[str]:
    """The key of every value under ``keyer`` (in the order given)."""
    if keyer is Keyer.FINGERPRINT:
        return fingerprint_pandas(pa.array(values, pa.large_string())).to_pylist()
    if keyer is Keyer.NGRAM_FINGERPRINT:
        return _ngram_keys(values, ngram_size)
    return _soundex_keys(values)


# --- nearest neighbour -----------------------------------------------------------------------


def levenshtein(a: str, b: str, limit: float | None = None) -> int:
    """Edit distance (insert, delete, substitute one code point).

    With a ``limit``, only the diagonal band the limit allows is computed, and any distance above
    it comes back as ``floor(limit) + 1``.
    """
    if limit is not None:
        return _banded(a, b, int(limit))
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _banded(a: str, b: str, k: int) -> int:
    """Levenshtein distance when it is at most ``k``, else ``k + 1`` (cells with |i - j| <= k only)."""
    over = k + 1
    if abs(len(a) - len(b)) > k:
        return over
    previous = {j: j for j in range(min(len(b), k) + 1)}
    for i in range(1, len(a) + 1):
        current: dict[int, int] = {}
        for j in range(max(0, i - k), min(len(b), i + k) + 1):
            if j == 0:
                cell = i
            else:
                substitute = previous.get(j - 1, over) + (a[i - 1] != b[j - 1])
                cell = min(previous.get(j, over) + 1, current.get(j - 1, over) + 1, substitute)
            current[j] = min(cell, over)
        if min(current.values()) > k:
            return over
        previous = current
    return previous.get(len(b), over)


MAX_BLOCK = 100
"""A substring shared by more distinct values than this is too common to tell them apart: its
block is not compared (it would cost MAX_BLOCK² distances); the values' other substrings still are."""


def _blocks(values: list[str], block_size: int) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = {}
    lowered = lower_pandas(pa.array(values, pa.large_string())).to_pylist()
    for index, text in enumerate(lowered):
        grams = {text[i : i + block_size] for i in range(len(text) - block_size + 1)} or {text}
        for gram in grams:
            blocks.setdefault(gram, []).append(index)
    return blocks


def _neighbour_groups(values: list[str], radius: float, block_size: int) -> list[int]:
    """A group id per value: values within ``radius`` of each other (transitively) share one."""
    parent = list(range(len(values)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    compared: set[tuple[int, int]] = set()
    for members in _blocks(values, block_size).values():
        if len(members) > MAX_BLOCK:
            continue
        for i, j in itertools.combinations(members, 2):
            if (i, j) in compared or abs(len(values[i]) - len(values[j])) > radius:
                continue
            compared.add((i, j))
            if levenshtein(values[i], values[j], radius) <= radius:
                parent[root(i)] = root(j)
    return [root(i) for i in range(len(values))]


# --- clusters --------------------------------------------------------------------------------


def check_settings(operation: str, ngram_size: int, radius: float, block_size: int) -> None:
    """The clustering settings a step or a request names must be usable."""
    if ngram_size < 1:
        raise ParameterError("ngramSize must be at least 1", operation=operation, parameter="ngramSize")
    if radius < 0:
        raise ParameterError("radius cannot be negative", operation=operation, parameter="radius")
    if block_size < 1:
        raise ParameterError("blockSize must be at least 1", operation=operation, parameter="blockSize")


def _member(enum_type: type[Any], value: Any, parameter: str) -> Any:
    text = str(getattr(value, "value", value)).strip().upper()
    try:
        return enum_type(text)
    except ValueError:
        names = ", ".join(member.value for member in enum_type)
        raise ParameterError(
            f"{value!r} is not one of {names}", operation="CLUSTER_AND_MERGE", parameter=parameter
        ) from None


def find_clusters(
    values: pd.Series,
    method: Method | str = Method.KEY_COLLISION,
    keyer: Keyer | str = Keyer.FINGERPRINT,
    ngram_size: int = 2,
    radius: float = 1.0,
    block_size: int = 6,
) -> list[dict[str, Any]]:
    """Clusters of the distinct non-null values of a text column, the largest first.

    Each cluster is ``{"values": [{"value", "count"}, ...], "into": ..., "rows": ...}``: its
    members by count (most common first, ties by value), the most common member as the suggested
    value to merge into, and how many rows it covers. Only groups of two or more distinct values
    are clusters; values whose key is empty (blank text, only punctuation) are left out.
    """
    chosen: Method = _member(Method, method, "method")
    keyed_by: Keyer = _member(Keyer, keyer, "keyer")
    check_settings("CLUSTER_AND_MERGE", ngram_size, radius, block_size)
    counts = values.dropna().astype(str).value_counts(sort=False)
    distinct = [str(v) for v in counts.index]
    if chosen is Method.KEY_COLLISION:
        groups: list[Any] = keys_of(distinct, keyed_by, ngram_size)
    else:
        groups = _neighbour_groups(distinct, radius, block_size)
    blank = keys_of(distinct, Keyer.FINGERPRINT) if chosen is Method.NEAREST_NEIGHBOR else groups
    members: dict[Any, list[tuple[str, int]]] = {}
    for value, count, group, key in zip(distinct, counts.tolist(), groups, blank, strict=True):
        if key != "":
            members.setdefault(group, []).append((value, int(count)))
    clusters: list[dict[str, Any]] = []
    for group in members.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda member: (-member[1], member[0]))
        clusters.append(
            {
                "values": [{"value": v, "count": c} for v, c in group],
                "into": group[0][0],
                "rows": sum(c for _, c in group),
            }
        )
    clusters.sort(key=lambda cluster: (-cluster["rows"], -len(cluster["values"]), cluster["into"]))
    return clusters
