"""Sensitive data: mask the text columns that PII detection classifies as personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ColumnNotFoundError, ParameterError
from workbench.core.lazy import F, scol
from workbench.core.params import Columns, Integer, Text, TextList
from workbench.core.registry import Category, Example, nearest
from workbench.core.sensitive import TEXT, SourceColumns
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, wrap
from workbench.pii import ENTITIES, detect_pii

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame

ALL_ROWS = 0
"""The ``sampleRows`` value that classifies on every row."""

_LATE_EMAILS = ["n/a", "unknown", "", None, "ana@example.com", "bo.li@example.org", "zoe@example.net"]
_NOTES = ["Zoë ✓", "late", None, "", "x", "y", "z"]


class MaskPiiColumns(SourceColumns):
    """Mask every text column that PII detection classifies as personal data (emails, cards, …).

    The detectors of ``workbench.pii`` (docs/pii.md) classify each candidate column on its first
    ``sampleRows`` rows (10,000 by default, quick enough for a preview; 0 reads every row, for
    batch runs where personal data may start late in a column): IBAN, Brazilian CNPJ and CPF,
    credit card (issuer prefix and Luhn check), US ITIN and SSN, UK National Insurance number,
    email, URL, MAC and IP address, US passport number, date, phone number and person name,
    each value validated by its checksum or rules,
    with column-name hints lowering the share of values that must validate. ``entityTypes``
    limits masking to some of these types. In a masked column every character of a value
    becomes ``maskSymbol`` except the last ``keepLast`` ones (default 0), which stay visible
    only in values longer than that; null stays null and "" stays "". Candidates are
    ``sourceColumns`` (default: every text column); a column keeps its name and type, so the
    schema after the step is known without the data. On Spark detection is one job; with every
    row it counts each candidate column's distinct values and brings only those to the driver.
    """

    operation = "MASK_PII_COLUMNS"
    category = Category.SENSITIVE
    extension: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    accepted: ClassVar[tuple[LType, ...] | None] = (LType.STRING,)
    source_columns: Columns | None = None  # type: ignore[assignment]
    entity_types: TextList | None = None
    mask_symbol: Text = "#"
    keep_last: Integer = 0
    sample_rows: Integer = 10_000
    examples: ClassVar = (
        Example(
            title="the email and card columns are masked, the last 4 characters kept; the notes are not PII",
            given={
                "email": ["ana@example.com", "bo.li@mail.example.org", None, "", "zoe@example.net"],
                "card": ["4111 1111 1111 1111", "5500 0000 0000 0004", "4012888888881881", None, ""],
                "note": ["call me", "Zoë ✓", None, "", "late"],
            },
            params={"keepLast": "4", "maskSymbol": "*"},
            expect={
                "email": ["***********.com", "******************.org", None, "", "***********.net"],
                "card": ["***************1111", "***************0004", "************1881", None, ""],
                "note": ["call me", "Zoë ✓", None, "", "late"],
            },
        ),
        Example(
            title="only the chosen entity types, among the given columns",
            given={
                "email": ["ana@example.com", "bo@example.org", None],
                "site": ["https://example.com/a", "https://example.org/b", "www.example.net"],
                "id": [1, 2, 3],
            },
            params={"sourceColumns": '["email", "site"]', "entityTypes": '["URL"]'},
            expect={
                "email": ["ana@example.com", "bo@example.org", None],
                "site": ["#####################", "#####################", "###############"],
                "id": [1, 2, 3],
            },
        ),
        Example(
            title="emails that start after the rows read are not found; sampleRows 0 reads every row",
            given={
                "email": _LATE_EMAILS,
                "note": _NOTES,
            },
            params={"sampleRows": "2", "keepLast": 4},
            expect={
                "email": _LATE_EMAILS,
                "note": _NOTES,
            },
        ),
        Example(
            title="every row: the emails after the first rows are found and the whole column is masked",
            given={
                "email": _LATE_EMAILS,
                "note": _NOTES,
            },
            params={"sampleRows": "0", "keepLast": 4},
            expect={
                "email": [
                    "###",
                    "###nown",
                    "",
                    None,
                    "###########.com",
                    "#############.org",
                    "###########.net",
                ],
                "note": _NOTES,
            },
        ),
    )

    @model_validator(mode="after")
    def _rules(self) -> MaskPiiColumns:
        if len(self.mask_symbol) != 1:
            raise ParameterError(
                f"maskSymbol must be one character (got {self.mask_symbol!r})",
                operation=self.operation,
                parameter="maskSymbol",
            )
        if self.sample_rows < 0:
            raise ParameterError(
                f"sampleRows must be 0 (every row) or more (got {self.sample_rows})",
                operation=self.operation,
                parameter="sampleRows",
            )
        if self.keep_last < 0:
            raise ParameterError(
                f"keepLast must be 0 or more (got {self.keep_last})",
                operation=self.operation,
                parameter="keepLast",
            )
        for entity in self.entity_types or []:
            if entity not in ENTITIES:
                suggestion = nearest(entity, ENTITIES)
                raise ParameterError(
                    f"unknown entity type {entity!r}; the types are {', '.join(ENTITIES)}",
                    operation=self.operation,
                    parameter="entityTypes",
                    suggestion=suggestion,
                )
        return self

    def _candidates(self, schema: Schema) -> list[str]:
        if self.source_columns is not None:
            return list(self.source_columns)
        return [name for name, ltype in schema.items() if ltype is LType.STRING]

    def check(self, schema: Schema) -> None:
        if self.source_columns is not None and not self.source_columns:
            raise ParameterError(
                "give at least one column, or leave sourceColumns out to consider every text column",
                operation=self.operation,
                parameter="sourceColumns",
            )
        for column in self.source_columns or []:
            if column not in schema:
                raise ColumnNotFoundError(
                    f"column {column!r} does not exist at this step",
                    operation=self.operation,
                    parameter="sourceColumns",
                    column=column,
                    suggestion=nearest(column, schema),
                )
        if self.source_columns is not None:
            super().check(schema)

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {c: LType.STRING for c in self._candidates(schema)}

    def _flagged(self, frame: Any, candidates: list[str]) -> set[str]:
        if not candidates:
            return set()
        findings = detect_pii(frame, candidates, sample=self.sample_rows or None)
        wanted = set(self.entity_types) if self.entity_types else None
        return {str(c) for c, f in findings.items() if wanted is None or f.entity in wanted}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        candidates = self._candidates(ctx.schema_of(df))
        # The first rows, as Spark's detection reads them (pandas' own detection samples at random).
        rows = df[candidates] if self.sample_rows == ALL_ROWS else df[candidates].iloc[: self.sample_rows]
        flagged = self._flagged(rows, candidates)
        return {
            c: (wrap(self._mask_pandas(arr(df[c])), df[c]) if c in flagged else df[c]) for c in candidates
        }

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        candidates = self._candidates(ctx.schema_of(df))
        flagged = self._flagged(df, candidates)
        return {c: (self._mask_spark(scol(c)) if c in flagged else scol(c)) for c in candidates}

    def _mask_pandas(self, a: Any) -> Any:
        a = pc.cast(a, TEXT)
        length = pc.utf8_length(a)
        if self.keep_last:
            tail = pc.utf8_slice_codeunits(a, -self.keep_last)
            visible = pc.if_else(pc.greater(length, self.keep_last), tail, pa.scalar("", TEXT))
        else:
            visible = pc.if_else(pc.is_valid(a), pa.scalar("", TEXT), pa.scalar(None, TEXT))
        hidden = pc.subtract(pc.cast(length, pa.int64()), pc.cast(pc.utf8_length(visible), pa.int64()))
        prefix = pc.binary_repeat(pa.scalar(self.mask_symbol, TEXT), hidden)
        return pc.binary_join_element_wise(prefix, visible, pa.scalar("", TEXT))

    def _mask_spark(self, c: SparkColumn) -> SparkColumn:
        length = F.length(c)
        keep = self.keep_last
        visible = F.when(length > F.lit(keep), F.substring(c, length - F.lit(keep - 1), F.lit(keep)))
        return F.lpad(F.coalesce(visible, F.lit("")) if keep else F.lit(""), length, F.lit(self.mask_symbol))
