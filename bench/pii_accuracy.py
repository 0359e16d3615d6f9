"""Column-level precision and recall of PII detection per entity type, on seeded generated columns.

For every entity type it builds columns of valid values (with and without name hints, as the
rules allow; some stored as integers; with 0-15 % of invalid values mixed in) and columns of
look-alike invalid values, plus ordinary non-PII columns, runs ``detect_pii`` on them and
counts, per entity: columns found (true positives), positive columns missed, and other columns
wrongly classified as it.

    python -m bench.pii_accuracy                 # print the table
    python -m bench.pii_accuracy --write         # also rewrite the table in docs/pii.md
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tests import pii_samples as samples
from workbench.pii import ENTITIES, detect_pii
from workbench.pii.checks import only_digits

DOC = Path(__file__).resolve().parent.parent / "docs" / "pii.md"
BEGIN = "<!-- pii-accuracy:begin -->"
END = "<!-- pii-accuracy:end -->"

DIRT = 0.15
"""Positive columns have from 0 up to this share of invalid look-alike values mixed in."""

INTEGER_STORED = frozenset({"BRAZIL_CPF", "BRAZIL_CNPJ", "USA_SSN", "USA_ITIN", "CREDIT_CARD"})
"""Entity types whose positive columns are sometimes stored as integers."""


@dataclass
class Score:
    """Column counts for one entity type."""

    positives: int = 0
    found: int = 0
    false_positives: int = 0

    @property
    def recall(self) -> float:
        """Share of this entity's columns classified as it."""
        return self.found / self.positives if self.positives else 1.0

    @property
    def precision(self) -> float:
        """Share of the columns classified as this entity that really are."""
        flagged = self.found + self.false_positives
        return self.found / flagged if flagged else 1.0


@dataclass
class Result:
    """Scores per entity type, and how the ordinary (non-PII) columns fared."""

    scores: dict[str, Score]
    ordinary: int
    ordinary_flagged: int
    negatives: int
    negatives_flagged: int


def labelled_frames(columns: int, rows: int, seed: int) -> Iterator[tuple[str | None, pd.DataFrame]]:
    """Frames of generated columns, each labelled with the entity all its columns hold (or None)."""
    for name, entity in ENTITIES.items():
        yield name, _frame(name, None, columns, rows, (seed, "pos"), entity.needs_hint)
        yield None, _frame(name, samples.NEGATIVE[name], columns, rows, (seed, "neg"), None)
        if name in samples.UNHINTED_NEGATIVE:
            unhinted = samples.UNHINTED_NEGATIVE[name]
            yield None, _frame(name, unhinted, columns // 2, rows, (seed, "weak"), False)
    for i in range(max(1, columns // 10)):
        yield None, pd.DataFrame(samples.ordinary_columns(rows, (seed, "ordinary", i)))


def _frame(
    entity: str,
    generator: samples.Generator | None,
    columns: int,
    rows: int,
    seed: object,
    hinted: bool | None,
) -> pd.DataFrame:
    """Columns of one generator, or (None) valid values with 0-15 % of look-alikes mixed in."""
    data = {}
    for i in range(columns):
        with_hint = bool(i % 2) if hinted is None else hinted
        source = generator or samples.dirty(entity, DIRT * i / max(1, columns - 1))
        column = samples.values(source, rows, (seed, entity, i))
        if with_hint and entity in INTEGER_STORED and i % 4 == 1 and generator is None:
            column = [None if v is None else int(only_digits(str(v))) for v in column]
            data[samples.column_name(entity, True, i)] = pd.Series(column, dtype="Int64")
        else:
            data[samples.column_name(entity, with_hint, i)] = pd.Series(column, dtype=object)
    return pd.DataFrame(data)


def measure(columns: int = 50, rows: int = 200, seed: int = 0) -> Result:
    """Run detection on every generated frame and score it per entity type."""
    scores = {name: Score() for name in ENTITIES}
    result = Result(scores, 0, 0, 0, 0)
    for label, frame in labelled_frames(columns, rows, seed):
        found = detect_pii(frame)
        for column in frame.columns:
            _count(result, label, found[column].entity if column in found else None)
    return result


def _count(result: Result, label: str | None, predicted: str | None) -> None:
    if label is not None:
        result.scores[label].positives += 1
        result.scores[label].found += predicted == label
    if predicted is not None and predicted != label:
        result.scores[predicted].false_positives += 1
    if label is None:
        result.negatives += 1
        result.negatives_flagged += predicted is not None


def table(result: Result) -> str:
    """The scores as a Markdown table."""
    lines = [
        "| entity | positive columns | recall | precision | false positives |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, score in result.scores.items():
        lines.append(
            f"| {name} | {score.positives} | {score.recall:.3f} | {score.precision:.3f} "
            f"| {score.false_positives} |"
        )
    lines.append("")
    lines.append(
        f"Non-PII columns (look-alikes and ordinary columns) classified as PII: "
        f"{result.negatives_flagged} of {result.negatives}."
    )
    return "\n".join(lines)


def timing(columns: int = 20, rows: int = 10_000, seed: int = 0) -> float:
    """Seconds ``detect_pii`` takes on a pandas frame of ``columns`` mixed columns of ``rows`` rows."""
    names = list(ENTITIES)
    data = {}
    for i in range(columns):
        entity = names[i % len(names)]
        column = samples.values(samples.POSITIVE[entity], rows, (seed, "timing", i))
        data[samples.column_name(entity, True, i)] = pd.Series(column, dtype="str")
    frame = pd.DataFrame(data)
    detect_pii(frame.head(10))  # warm up
    started = time.perf_counter()
    detect_pii(frame)
    return time.perf_counter() - started


def write_doc(text: str, doc: Path = DOC) -> None:
    """Replace the table between the markers in docs/pii.md."""
    content = doc.read_text()
    head, _, rest = content.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def main(argv: list[str] | None = None) -> None:
    """Measure, print the table, and with --write store it in docs/pii.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=50, help="columns per entity and class")
    parser.add_argument("--rows", type=int, default=200, help="values per column")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="rewrite the table in docs/pii.md")
    args = parser.parse_args(argv)
    result = measure(args.columns, args.rows, args.seed)
    text = table(result)
    settings = (
        f"Seed {args.seed}, {args.columns} columns per entity and class, {args.rows} values per column."
    )
    text = f"{settings}\n\n{text}"
    print(text)
    print(f"\ndetect_pii on 20 columns x 10,000 rows (pandas): {timing():.3f} s")
    if args.write:
        write_doc(text)


if __name__ == "__main__":
    main()
