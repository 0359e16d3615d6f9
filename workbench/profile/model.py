"""The profile document: what a profile says about a dataset and each of its columns.

The JSON form is versioned (``format``) and other tools read it: the keys of a column's entry
named in :data:`STABLE_COLUMN_KEYS` are always present, null where they do not apply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_NAME: Final = "workbench-profile"
FORMAT_VERSION: Final = 1

STABLE_COLUMN_KEYS = ("count", "missing", "distinct", "min", "max", "mean", "median", "stddev")
"""Keys every column entry carries, whatever its type."""

Scalar = str | int | float | bool | None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ValueCount(_Model):
    """One of a column's most frequent values and how often it occurs."""

    value: Scalar
    count: int


class Histogram(_Model):
    """Equal-width bins between the column's minimum and maximum; the last bin includes the maximum."""

    edges: list[float] = Field(description="bins + 1 bin edges, ascending")
    counts: list[int]


class TextLength(_Model):
    """Length in characters (Unicode code points) of the present text values."""

    min: int
    max: int
    mean: float


class ElementCount(_Model):
    """Elements per present array value (entries per map value); an empty array counts 0."""

    min: int
    max: int
    mean: float


class Outliers(_Model):
    """Counts of values far from the rest, by two common rules."""

    zscore: int = Field(description="values more than 3 standard deviations from the mean")
    iqr: int = Field(description="values below Q1 - 1.5 IQR or above Q3 + 1.5 IQR")


class PiiMark(_Model):
    """The PII entity a column was classified as; its raw values are hidden unless asked."""

    entity: str
    confidence: float


class Bound(_Model):
    """How far an approximate number may be from the exact one."""

    error: float = Field(description="the size of the bound, in ``unit``")
    unit: Literal["relative", "rank", "count"] = Field(
        description="relative: the exact value is within error x the estimate; rank: the value's "
        "rank among the present values is within error x count of the rank asked for; count: "
        "within error values of the exact count (for a list of counts, of each)"
    )
    method: Literal["hll", "kll", "sample", "percentile_approx"] = Field(
        description="hll: HyperLogLog sketch; kll: KLL quantile sketch; sample: measured on the "
        "seeded sample and scaled to all rows; percentile_approx: Spark's deterministic quantiles"
    )
    confidence: float = Field(description="probability that the exact value is within the bound")


class ColumnProfile(_Model):
    """Everything the profile says about one column."""

    name: str
    logical_type: str = Field(description="the column's logical type: string, integer, double, ...")
    semantic_type: str = Field(
        description="what the values look like: email, url, date_text, integer_text, numeric_text, "
        "boolean_text, categorical, identifier, text, numeric, datetime, boolean, nested, empty"
    )
    rows: int
    count: int = Field(description="present values: not null, not empty text, not NaN")
    missing: int = Field(description="nulls + empty texts + NaN")
    nulls: int
    empty: int = Field(description="empty texts (text columns only; 0 otherwise)")
    nan: int = Field(description="NaN values (double columns only; 0 otherwise)")
    valid: int = Field(description="present values that fit the column's semantic type")
    invalid: int = Field(description="present values that do not")
    distinct: int | None
    unique: int | None = Field(description="values that occur exactly once")
    min: Scalar
    max: Scalar
    mean: float | None
    median: Scalar
    q1: Scalar
    q3: Scalar
    mode: Scalar
    stddev: float | None = Field(description="sample standard deviation (n - 1)")
    variance: float | None
    sum: float | None
    skewness: float | None = Field(description="population skewness g1, as Spark's skewness")
    kurtosis: float | None = Field(description="population excess kurtosis, as Spark's kurtosis")
    zeros: int | None
    negatives: int | None
    outliers: Outliers | None
    top_values: list[ValueCount]
    histogram: Histogram | None
    text_length: TextLength | None
    elements: ElementCount | None = Field(
        default=None, description="elements per array value or entries per map value (arrays and maps only)"
    )
    pii: PiiMark | None
    approximate: dict[str, Bound] = Field(
        default_factory=dict,
        description="the keys of this entry that are approximate, each with its error bound; "
        "empty when every number is exact",
    )


class Correlation(_Model):
    """A symmetric correlation matrix over the numeric columns."""

    columns: list[str]
    matrix: list[list[float | None]]


class Alert(_Model):
    """Something about the data worth a look before cleaning it."""

    kind: Literal[
        "constant",
        "high_missing",
        "high_cardinality",
        "skewed",
        "duplicate_rows",
        "mixed_types",
        "identifier",
    ]
    column: str | None
    message: str


class DatasetProfile(_Model):
    """Dataset-wide facts."""

    rows: int
    columns: int
    duplicate_rows: int = Field(description="rows equal to an earlier row")
    missing_cells: int
    size_bytes: int = Field(description="estimated in-memory (Arrow) size of the profiled data")
    engine: Literal["pandas", "spark"]
    sample: int | None = Field(description="rows sampled before profiling, or null for all rows")
    mode: Literal["exact", "approximate"] = Field(
        default="exact", description="approximate: distinct counts, quantiles and histograms from sketches"
    )
    approximate: dict[str, Bound] = Field(
        default_factory=dict, description="approximate dataset-wide numbers (duplicate_rows) and their bounds"
    )


class ColumnSketch(_Model):
    """What merging needs of a column beyond its profile entry (sketches in base64)."""

    hll: str | None = Field(description="DataSketches HLL sketch of the present values' hashes")
    kll: str | None = Field(
        default=None, description="DataSketches KLL doubles sketch of the present numbers"
    )
    length_sum: int | None = None
    text_bytes: int = 0
    elements_sum: int | None = None
    patterns: dict[str, int] = Field(default_factory=dict, description="present texts matching each shape")
    exact_counts: bool = Field(
        default=True, description="distinct, unique and top values were counted exactly"
    )


class Sketches(_Model):
    """The profile's mergeable state: profiles of parts of a dataset merge into the whole's."""

    hll_lg_k: int
    kll_k: int
    rows: str | None = Field(description="HLL sketch of whole rows (duplicate rows)")
    columns: dict[str, ColumnSketch]


class ProfileFormat(_Model):
    name: Literal["workbench-profile"] = FORMAT_NAME
    version: Literal[1] = FORMAT_VERSION


class ProfileDocument(_Model):
    """The versioned JSON document ``Profile.to_dict()`` and ``workbench profile --json`` produce."""

    format: ProfileFormat = ProfileFormat()
    dataset: DatasetProfile
    columns: dict[str, ColumnProfile]
    correlations: dict[Literal["pearson", "spearman"], Correlation]
    alerts: list[Alert]
    sketches: Sketches | None = Field(
        default=None, description="sketches for merging profiles (Spark's approximate mode only)"
    )


class Profile:
    """A dataset's profile: per-column statistics, correlations and alerts.

    ``profile.columns["price"]`` is a :class:`ColumnProfile`; ``profile.to_dict()`` is the JSON
    form; ``profile.to_html()`` renders the full report with ydata-profiling.
    """

    def __init__(self, document: ProfileDocument, source: Any = None, *, show_pii: bool = False) -> None:
        self.document = document
        self.show_pii = show_pii
        self._source = source

    @property
    def dataset(self) -> DatasetProfile:
        return self.document.dataset

    @property
    def columns(self) -> dict[str, ColumnProfile]:
        return self.document.columns

    @property
    def alerts(self) -> list[Alert]:
        return self.document.alerts

    @property
    def correlations(self) -> dict[str, Correlation]:
        return {str(kind): matrix for kind, matrix in self.document.correlations.items()}

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain JSON-ready data (the documented, versioned shape)."""
        return self.document.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        """The profile as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        """Read a profile back from its JSON form (checks the format and version)."""
        return cls(ProfileDocument.model_validate(data))

    def save(self, path: str | Path) -> Path:
        """Write the JSON form atomically."""
        from workbench.io.publish import write_text_atomic

        target = Path(path)
        write_text_atomic(target, self.to_json() + "\n")
        return target

    def to_html(self, path: str | Path | None = None, *, title: str | None = None) -> str:
        """The full HTML report, rendered by ydata-profiling (the ``report`` extra).

        Columns classified as PII are masked in the report unless the profile was made with
        ``show_pii=True``. With ``path``, the report is also written there atomically.
        """
        from workbench.profile.report import render_html

        html = render_html(self, self._source, title=title, show_pii=self.show_pii)
        if path is not None:
            from workbench.io.publish import write_text_atomic

            write_text_atomic(Path(path), html)
        return html

    def _repr_html_(self) -> str:
        """A table of the columns in a notebook; approximate numbers are marked ``≈`` with their bound."""
        from workbench.profile.summary_html import profile_html

        return profile_html(self)

    def __repr__(self) -> str:
        d = self.dataset
        return f"<Profile {d.rows:,} rows x {d.columns} columns, {len(self.alerts)} alerts ({d.engine})>"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the profile document."""
    schema = ProfileDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Workbench profile"
    return schema
