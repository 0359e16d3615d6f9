"""Functions: text — fingerprint keys and merging clusters of near-identical values (OpenRefine's
"Cluster and edit").

Finding clusters is a review service (``workbench.core.clustering.find_clusters``,
``session.clusters``); the step records the clusters the user accepted, so its replay is a fixed
mapping of values, identical on every engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.clustering import Keyer, Method, check_settings, fingerprint_pandas, fingerprint_spark
from workbench.core.errors import ParameterError
from workbench.core.families import Derive, InPlace
from workbench.core.lazy import F
from workbench.core.params import Integer, Number, ParamKind, ParamModel, TextColumn, enum_param, structured
from workbench.core.registry import Category, Example
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column


class Fingerprint(Derive):
    """Write the fingerprint key of the text to a new column: equal keys mark probable duplicates.

    The key is OpenRefine's fingerprint: the text lower-cased (full Unicode case mapping),
    accents removed (the REMOVE_ACCENTS table), Unicode punctuation and symbols removed, split
    on whitespace, and the distinct words sorted by code point and joined by one space. So
    "Smith, Tom" and "tom  SMITH." both give "smith tom". Text with no words gives "".
    """

    operation = "FINGERPRINT"
    extension: ClassVar[bool] = True
    category = Category.TEXT
    source_column: TextColumn
    examples: ClassVar = (
        Example(
            given={
                "name": [
                    "Smith, Tom",
                    "tom  SMITH.",
                    "Caf\u00e9 caf\u00e9\tCAFE",
                    "\u039f\u0394\u039f\u03a3 b a",
                    "e\u0301t\u00e9 \U0001f600",
                    "!!",
                    "",
                    None,
                ]
            },
            params={"sourceColumn": "name", "targetColumn": "key"},
            expect={
                "name": [
                    "Smith, Tom",
                    "tom  SMITH.",
                    "Caf\u00e9 caf\u00e9\tCAFE",
                    "\u039f\u0394\u039f\u03a3 b a",
                    "e\u0301t\u00e9 \U0001f600",
                    "!!",
                    "",
                    None,
                ],
                "key": [
                    "smith tom",
                    "smith tom",
                    "cafe",
                    "a b \u03bf\u03b4\u03bf\u03c2",
                    "ete",
                    "",
                    "",
                    None,
                ],
            },
        ),
        Example(
            given={"t": ["b-a a_b", "Stra\u00dfe STRASSE", "\u0130z iz", "x\u00a0y x"]},
            params={"sourceColumn": "t", "targetColumn": "key"},
            expect={
                "t": ["b-a a_b", "Stra\u00dfe STRASSE", "\u0130z iz", "x\u00a0y x"],
                "key": ["ab ba", "strasse stra\u00dfe", "iz", "x x\u00a0y"],
            },
            title="punctuation joins, sharp s, dotted capital I, no-break space",
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def pandas_map(self, s: pd.Series) -> pd.Series:
        return wrap(fingerprint_pandas(arr(s)), s)

    def spark_map(self, c: Column) -> Column:
        return fingerprint_spark(c)


class Cluster(ParamModel):
    """One accepted cluster: the member values and the value they all become."""

    values: list[str]
    into: str


class ClusterAndMerge(InPlace):
    """Merge clusters of near-identical text values (reviewed in the form) into one value each.

    ``clusters`` lists the reviewed result: each cluster's member ``values`` and the value it
    becomes (``into``). Replay is a fixed mapping: a value listed in a cluster is replaced by that
    cluster's ``into``; other values and nulls are unchanged; matching is exact (case, spaces and
    accents count). ``method``, ``keyer``, ``ngramSize``, ``radius`` and ``blockSize`` record how
    the clusters were found (the form's "find clusters" uses them); replay does not read them.
    """

    operation = "CLUSTER_AND_MERGE"
    extension: ClassVar[bool] = True
    category = Category.CLEAN
    source_column: TextColumn
    clusters: structured(ParamKind.CLUSTERS, list[Cluster])  # type: ignore[valid-type]
    method: enum_param(Method) = Method.KEY_COLLISION  # type: ignore[valid-type]
    keyer: enum_param(Keyer) = Keyer.FINGERPRINT  # type: ignore[valid-type]
    ngram_size: Integer = 2
    radius: Number = 1.0
    block_size: Integer = 6
    examples: ClassVar = (
        Example(
            given={
                "city": [
                    "New York",
                    "new york",
                    "NY",
                    "New York.",
                    None,
                    "",
                    "Z\u00fcrich",
                    "Zurich",
                    "Boston",
                ]
            },
            params={
                "sourceColumn": "city",
                "method": "KEY_COLLISION",
                "keyer": "FINGERPRINT",
                "clusters": [
                    {"values": ["new york", "New York."], "into": "New York"},
                    {"values": ["Zurich", "Z\u00fcrich"], "into": "Z\u00fcrich"},
                ],
            },
            expect={
                "city": [
                    "New York",
                    "New York",
                    "NY",
                    "New York",
                    None,
                    "",
                    "Z\u00fcrich",
                    "Z\u00fcrich",
                    "Boston",
                ]
            },
        ),
        Example(
            given={"t": ["", " ", "n/a", "\U0001f600", "x"]},
            params={
                "sourceColumn": "t",
                "method": "NEAREST_NEIGHBOR",
                "radius": "1",
                "blockSize": "2",
                "clusters": '[{"values": ["", " ", "n/a"], "into": "\U0001f600"}]',
            },
            expect={"t": ["\U0001f600", "\U0001f600", "\U0001f600", "\U0001f600", "x"]},
            title="empty text as a member, clusters given as JSON text",
        ),
    )

    @model_validator(mode="after")
    def _reviewed(self) -> ClusterAndMerge:
        if not self.clusters:
            raise ParameterError(
                "list at least one cluster to merge", operation=self.operation, parameter="clusters"
            )
        seen: dict[str, int] = {}
        for number, cluster in enumerate(self.clusters, 1):
            if not cluster.values:
                raise ParameterError(
                    f"cluster {number} has no values", operation=self.operation, parameter="clusters"
                )
            for value in cluster.values:
                if value in seen and seen[value] != number:
                    raise ParameterError(
                        f"the value {value!r} is in cluster {seen[value]} and in cluster {number}",
                        operation=self.operation,
                        parameter="clusters",
                    )
                seen[value] = number
        check_settings(self.operation, self.ngram_size, self.radius, self.block_size)
        return self

    def mapping(self) -> dict[str, str]:
        """Member value -> the value it becomes (members already equal to it are left out)."""
        return {value: c.into for c in self.clusters for value in c.values if value != c.into}

    def pandas_map(self, s: pd.Series) -> pd.Series:
        mapping = self.mapping()
        a = pc.cast(arr(s), pa.large_string())
        keys = pa.array(list(mapping), pa.large_string())
        position = pc.index_in(a, value_set=keys)
        merged = pc.take(pa.array(list(mapping.values()), pa.large_string()), position)
        return wrap(pc.coalesce(merged, a), s)

    def spark_map(self, c: Column) -> Column:
        mapping = self.mapping()
        if not mapping:
            return c
        pairs = [F.lit(part) for pair in mapping.items() for part in pair]
        return F.coalesce(F.create_map(*pairs)[c], c)
