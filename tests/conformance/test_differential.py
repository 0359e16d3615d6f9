"""Differential test: random frames through pandas and Spark must give the same result.

For every row-wise transform (column functions and row filters), hypothesis generates frames
with the columns and types of the transform's first example — with nulls, empty strings,
unicode, whitespace and extreme numbers — and both engines must agree on every one of them.
Derandomised, so CI sees the same cases every run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_engine
from tests.helpers import assert_same_records, example_schema, plain_records
from workbench.core.families import ColumnFunction, RowFilter
from workbench.core.registry import Transform, transforms
from workbench.core.secrets import Secrets
from workbench.core.types import LType
from workbench.recipe.conditions import Condition
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import replay

ROWS = 12

KNOWN_DIFFERENCES: dict[str, str] = {}
"""Operation -> why pandas and Spark legitimately differ on some random input (a strict xfail)."""

EXPECTED_ERRORS: dict[str, tuple[str, str]] = {}
"""Operation -> (the exception both engines raise on some random input, why that is right).

Both engines failing alike is agreement only when it is declared here: otherwise a transform
that fails on every input would pass this test."""

_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "a",
            "A b",
            "  padded  ",
            "ÉCOLE",
            "straße",
            "日本語",
            "x,y;z",
            "42",
            "-3.5",
            "2024-02-29",
            "true",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
)
_VALUES: dict[LType, st.SearchStrategy[Any]] = {
    LType.STRING: _TEXT,
    LType.INTEGER: st.one_of(st.integers(-1000, 1000), st.sampled_from([0, 1, -1, 2**40, -(2**40)])),
    LType.DOUBLE: st.one_of(
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3)),
        st.sampled_from([0.0, -0.0, 0.5, -2.5, 1e12, 1e-7]),
    ),
    LType.BOOLEAN: st.booleans(),
    LType.DATE: st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    LType.TIMESTAMP: st.datetimes(dt.datetime(1970, 1, 2), dt.datetime(2100, 1, 1)).map(
        lambda t: t.replace(microsecond=0)
    ),
}


RANDOMISED = {"ENCRYPT"}
"""Fresh random output on every run: tests/unit/test_sensitive.py decrypts it on the other engine."""


def _row_wise(cls: type[Transform]) -> bool:
    if cls.operation in RANDOMISED:
        return False
    return issubclass(cls, (ColumnFunction, RowFilter)) and not cls.order_sensitive and not cls.not_supported


CANDIDATES = [
    pytest.param(
        cls,
        id=cls.operation,
        marks=[pytest.mark.xfail(reason=KNOWN_DIFFERENCES[cls.operation], strict=True, raises=AssertionError)]
        if cls.operation in KNOWN_DIFFERENCES
        else [],
    )
    for cls in transforms()
    if _row_wise(cls) and cls.examples and not cls.examples[0].datasets
]


def frames_like(schema: dict[str, LType]) -> st.SearchStrategy[dict[str, list[Any]]]:
    columns = {
        name: st.lists(st.one_of(st.none(), _VALUES.get(lt, st.none())), min_size=ROWS, max_size=ROWS)
        for name, lt in schema.items()
    }
    return st.fixed_dictionaries(columns)


@pytest.fixture(scope="module")
def engines(spark_session: Any) -> tuple[Any, Any]:
    return make_engine("pandas", None), make_engine("spark", spark_session)


@pytest.mark.parametrize("cls", CANDIDATES)
def test_pandas_and_spark_agree(cls: type[Transform], engines: tuple[Any, Any], spark_session: Any) -> None:
    example = cls.examples[0]
    schema = example_schema(example.given, example.schema)
    pandas_engine, spark_engine = engines
    for engine in engines:
        engine.secrets = Secrets(example.secrets, environ={})
    recipe = Recipe(
        steps=[
            Step(cls.operation, dict(example.params), [Condition.from_json(c) for c in example.conditions])
        ]
    )

    @settings(
        max_examples=6,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(frames_like(schema))
    def check(columns: dict[str, list[Any]]) -> None:
        outcomes = []
        for engine in (pandas_engine, spark_engine):
            frame = engine.from_records(columns, schema)
            try:
                outcomes.append(plain_records(engine, replay(recipe, frame, engine=engine)))
            except Exception as exc:
                outcomes.append(type(exc).__name__)
        pandas_out, spark_out = outcomes
        if isinstance(pandas_out, str) or isinstance(spark_out, str):
            assert pandas_out == spark_out, f"pandas: {pandas_out!r}, spark: {spark_out!r}"
            expected, why = EXPECTED_ERRORS.get(cls.operation, ("", ""))
            assert pandas_out == expected, f"both engines raised {pandas_out} on {columns!r}; {why}"
            return
        assert_same_records(spark_out, pandas_out, ordered=True)

    check()
