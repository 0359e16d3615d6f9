"""Simple transforms declared as table rows (workbench/core/table.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.core.families import Derive
from workbench.core.registry import REGISTRY, Category
from workbench.core.table import class_name, declare, row
from workbench.core.text import TextFunction
from workbench.transforms.text.case import LENGTH_AND_CASE


def _row(**attributes: object):
    return row("NOT_AN_OPERATION", "A tooltip.", pandas=abs, spark=abs, examples=(), **attributes)


def test_rows_become_registered_transforms_of_their_module() -> None:
    lower = LENGTH_AND_CASE["LOWER"]
    assert REGISTRY["LOWER"] is lower
    assert lower.__name__ == "Lower"
    assert lower.__module__ == "workbench.transforms.text.case"
    assert issubclass(lower, TextFunction)
    assert lower.summary() == "Write a lower-case copy of the text to a new column."
    assert lower.examples, "the row's examples are the conformance tests"


def test_a_row_attribute_sets_the_family_attribute() -> None:
    assert LENGTH_AND_CASE["LEN"].result.value == "integer"
    assert LENGTH_AND_CASE["LOWER"].result.value == "string"


def test_a_row_expression_fills_the_family_hook() -> None:
    step = REGISTRY["UPPER"](source_column="t", target_column="u")
    out = step.pandas_map(pd.Series(["stra\u00dfe", None], dtype="string[pyarrow]"))
    assert out.tolist()[0] == "STRASSE"
    assert pd.isna(out.tolist()[1])


def test_an_attribute_the_family_does_not_declare_is_refused() -> None:
    with pytest.raises(TypeError, match="has no attribute 'reslt'"):
        declare(TextFunction, Category.TEXT, __name__, _row(reslt="integer"))
    assert "NOT_AN_OPERATION" not in REGISTRY


def test_a_family_without_row_hooks_takes_no_rows() -> None:
    with pytest.raises(TypeError, match="declares no row_hooks"):
        declare(Derive, Category.TEXT, __name__, _row())


def test_class_names_follow_the_operation() -> None:
    assert class_name("REMOVE_WHITESPACE") == "RemoveWhitespace"
    assert class_name("LEN") == "Len"
