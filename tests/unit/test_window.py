"""Window and time-series steps: bad input is refused by name; vectorised paths equal naive ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from workbench import Recipe
from workbench.core.errors import ColumnNotFoundError, RecipeError
from workbench.core.types import LType
from workbench.recipe.model import Step
from workbench.recipe.replay import replay


def _apply(operation: str, parameters: dict[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    recipe = Recipe.from_data([{"Action": {"Operation": operation, "Parameters": parameters}}])
    return recipe.apply(frame)


def _refused(operation: str, parameters: dict[str, Any], frame: pd.DataFrame) -> RecipeError:
    with pytest.raises(RecipeError) as caught:
        _apply(operation, parameters, frame)
    assert operation in str(caught.value)
    return caught.value


ROLLING = {"sourceColumn": "x", "numRowsBefore": "1", "numRowsAfter": "1", "targetColumn": "y"}


@pytest.mark.parametrize(
    ("operation", "parameters", "parameter"),
    [
        ("ROLLING_KTH_LARGEST", {**ROLLING, "value": "0"}, "value"),
        ("ROLLING_KTH_LARGEST_UNIQUE", {**ROLLING, "value": "-3"}, "value"),
        ("ROLLING_MEDIAN", {**ROLLING, "numRowsBefore": "-1"}, "numRowsBefore"),
        ("ROLLING_MODE", {**ROLLING, "numRowsAfter": "-1"}, "numRowsAfter"),
        ("ROLLING_MODE", {**ROLLING, "modeType": "MOST"}, "modeType"),
        ("LAG", {"sourceColumn": "x", "offset": "-1", "targetColumn": "y"}, "offset"),
        ("DIFFERENCE", {"sourceColumn": "x", "periods": "one", "targetColumn": "y"}, "periods"),
        ("RANK", {"sourceColumn": "x", "method": "AVERAGE", "targetColumn": "y"}, "method"),
        (
            "SESSION",
            {
                "sourceColumn": "t",
                "units": "FORTNIGHTS",
                "value": "1",
                "groupByColumns": "[]",
                "orderByColumns": "[]",
                "targetColumn": "y",
            },
            "units",
        ),
        (
            "SESSION",
            {
                "sourceColumn": "t",
                "units": "DAYS",
                "value": "-1",
                "groupByColumns": "[]",
                "orderByColumns": "[]",
                "targetColumn": "y",
            },
            "value",
        ),
    ],
)
def test_bad_parameters_are_refused_by_name(
    operation: str, parameters: dict[str, Any], parameter: str
) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "t": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    assert _refused(operation, parameters, frame).parameter == parameter


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        ("ROLLING_MEDIAN", ROLLING),
        ("ROLLING_KTH_LARGEST", {**ROLLING, "value": "1"}),
        ("CUMULATIVE_SUM", {"sourceColumn": "x", "targetColumn": "y"}),
        ("PERCENT_CHANGE", {"sourceColumn": "x", "targetColumn": "y"}),
    ],
)
def test_a_text_column_is_refused_for_a_numeric_step(operation: str, parameters: dict[str, Any]) -> None:
    error = _refused(operation, parameters, pd.DataFrame({"x": ["Zoë", None]}))
    assert error.parameter == "sourceColumn"
    assert error.column == "x"


def test_session_refuses_a_numeric_time_column() -> None:
    parameters = {
        "sourceColumn": "x",
        "units": "DAYS",
        "value": "1",
        "groupByColumns": "[]",
        "orderByColumns": "[]",
        "targetColumn": "y",
    }
    error = _refused("SESSION", parameters, pd.DataFrame({"x": [1, 2]}))
    assert error.column == "x"


@pytest.mark.parametrize(
    ("operation", "parameters", "missing"),
    [
        ("FILL_DOWN", {"sourceColumn": "x", "groupByColumns": '["gruop"]'}, "gruop"),
        ("LEAD", {"sourceColumn": "x", "orderByColumns": '["tme"]', "targetColumn": "y"}, "tme"),
        ("RANK", {"sourceColumn": "vlaue", "targetColumn": "y"}, "vlaue"),
    ],
)
def test_a_missing_column_is_refused_with_a_suggestion(
    operation: str, parameters: dict[str, Any], missing: str
) -> None:
    frame = pd.DataFrame({"x": [1, 2], "group": ["a", "b"], "time": [1, 2], "value": [3, 4]})
    with pytest.raises(ColumnNotFoundError) as caught:
        _apply(operation, parameters, frame)
    assert caught.value.column == missing
    assert caught.value.suggestion in {"group", "time", "value"}


@pytest.mark.parametrize(
    ("column", "default"),
    [("n", "seven"), ("b", "maybe"), ("d", "2024-01-01")],
)
def test_a_default_value_of_the_wrong_type_is_refused(column: str, default: str) -> None:
    frame = pd.DataFrame({"n": [1, 2], "b": [True, False], "d": pd.to_datetime(["2024-01-01", "2024-01-02"])})
    parameters = {"sourceColumn": column, "defaultValue": default, "targetColumn": "y"}
    error = _refused("LAG", parameters, frame)
    assert error.parameter == "defaultValue"
    assert error.column == column


def _rolling_values(rng: np.random.Generator, n: int) -> list[Any]:
    return [None if rng.random() < 0.15 else int(v) for v in rng.integers(-4, 5, n)]


@pytest.mark.parametrize(("before", "after"), [(0, 0), (2, 3), (7, 0), (0, 9)])
def test_rolling_order_statistics_equal_a_row_by_row_reading(before: int, after: int) -> None:
    rng = np.random.default_rng(3)
    values = _rolling_values(rng, 120)
    frame = pd.DataFrame({"x": pd.array(values, dtype="Int64")})
    windows = [
        [v for v in values[max(0, i - before) : i + after + 1] if v is not None] for i in range(len(values))
    ]
    params = {"sourceColumn": "x", "numRowsBefore": before, "numRowsAfter": after, "targetColumn": "y"}

    def found(operation: str, **extra: Any) -> list[Any]:
        out = _apply(operation, {**params, **extra}, frame)["y"]
        return [None if pd.isna(v) else v for v in out.tolist()]

    def mode(window: list[int], pick: Any) -> Any:
        if not window:
            return None
        counts = {v: window.count(v) for v in window}
        best = max(counts.values())
        return pick([v for v, c in counts.items() if c == best])

    assert found("ROLLING_MEDIAN") == [float(np.median(w)) if w else None for w in windows]
    assert found("ROLLING_KTH_LARGEST", value=2) == [sorted(w)[-2] if len(w) >= 2 else None for w in windows]
    distinct = [sorted(set(w)) for w in windows]
    assert found("ROLLING_KTH_LARGEST_UNIQUE", value=2) == [d[-2] if len(d) >= 2 else None for d in distinct]
    assert found("ROLLING_MODE") == [mode(w, min) for w in windows]
    assert found("ROLLING_MODE", modeType="MAXIMUM") == [mode(w, max) for w in windows]


def test_grouped_steps_equal_pandas_groupby() -> None:
    rng = np.random.default_rng(11)
    n = 200
    frame = pd.DataFrame(
        {
            "g": rng.choice(["a", "b", "c"], n),
            "t": rng.permutation(n),
            "x": [None if rng.random() < 0.1 else float(v) for v in rng.integers(-9, 9, n)],
        }
    )
    expected = frame.sort_values("t").groupby("g")["x"]
    grouped = {"groupByColumns": '["g"]', "orderByColumns": '["t"]', "targetColumn": "y"}

    def found(operation: str, **extra: Any) -> pd.Series:
        out = _apply(operation, {"sourceColumn": "x", **grouped, **extra}, frame)["y"]
        return out.astype("float64")

    pd.testing.assert_series_equal(found("CUMULATIVE_SUM"), expected.cumsum().sort_index(), check_names=False)
    pd.testing.assert_series_equal(found("CUMULATIVE_MAX"), expected.cummax().sort_index(), check_names=False)
    pd.testing.assert_series_equal(found("LAG", offset=2), expected.shift(2).sort_index(), check_names=False)
    pd.testing.assert_series_equal(found("DIFFERENCE"), expected.diff().sort_index(), check_names=False)
    ranked = frame.groupby("g")["x"].rank(method="dense")
    out = _apply(
        "RANK",
        {"sourceColumn": "x", "method": "DENSE", "groupByColumns": '["g"]', "targetColumn": "y"},
        frame,
    )
    pd.testing.assert_series_equal(out["y"].astype("float64"), ranked, check_names=False)


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"aggregations": '{"v": "AVG"}'}, "v"),
        ({"aggregations": '{"t": "COUNT"}'}, "t"),
        ({"aggregations": '{"s": "SUM"}'}, "s"),
        ({"value": "0"}, None),
        ({"aggregations": "{}"}, None),
    ],
)
def test_resample_refuses_bad_aggregations_by_name(changes: dict[str, Any], column: str | None) -> None:
    frame = pd.DataFrame({"t": pd.to_datetime(["2024-01-01", "2024-01-02"]), "v": [1, 2], "s": ["a", "b"]})
    parameters = {
        "sourceColumn": "t",
        "value": "1",
        "units": "DAYS",
        "aggregations": '{"v": "SUM"}',
        **changes,
    }
    error = _refused("RESAMPLE_TIME_SERIES", parameters, frame)
    assert error.parameter == ("value" if "value" in changes else "aggregations")
    assert error.column == column


def test_resample_refuses_an_unknown_unit() -> None:
    frame = pd.DataFrame({"t": pd.to_datetime(["2024-01-01"]), "v": [1]})
    parameters = {"sourceColumn": "t", "value": "1", "units": "FORTNIGHTS", "aggregations": '{"v": "SUM"}'}
    assert _refused("RESAMPLE_TIME_SERIES", parameters, frame).parameter == "units"


def test_resample_equals_pandas_resample_on_the_buckets_it_keeps() -> None:
    rng = np.random.default_rng(5)
    times = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10 * 24 * 60, 300), unit="min")
    frame = pd.DataFrame({"t": times, "v": rng.integers(0, 100, 300)})
    parameters = {"sourceColumn": "t", "value": "6", "units": "HOURS", "aggregations": '{"v": "SUM"}'}
    found = _apply("RESAMPLE_TIME_SERIES", parameters, frame)
    expected = frame.set_index("t")["v"].resample("6h").sum()
    counts = frame.set_index("t")["v"].resample("6h").count()
    expected = expected[counts > 0]
    assert [pd.Timestamp(t).tz_localize(None) for t in found["t"]] == list(expected.index)
    assert found["v"].tolist() == expected.tolist()


def test_rolling_mode_and_kth_count_infinities_as_values() -> None:
    inf = float("inf")
    values = [inf, None, inf, -inf, 1.0, -inf, -inf, None, inf]
    frame = pd.DataFrame({"x": values})
    params = {"sourceColumn": "x", "numRowsBefore": 2, "numRowsAfter": 2, "targetColumn": "y"}
    windows = [[v for v in values[max(0, i - 2) : i + 3] if v is not None] for i in range(len(values))]

    def found(operation: str, **extra: Any) -> list[Any]:
        out = _apply(operation, {**params, **extra}, frame)["y"].tolist()
        return [None if pd.isna(v) else v for v in out]

    def mode(window: list[float]) -> float:
        best = max(window.count(v) for v in window)
        return min(v for v in window if window.count(v) == best)

    assert found("ROLLING_MODE") == [mode(w) for w in windows]
    assert found("ROLLING_KTH_LARGEST", value=2) == [sorted(w)[-2] for w in windows]
    assert found("ROLLING_KTH_LARGEST_UNIQUE", value=2) == [
        sorted(set(w))[-2] if len(set(w)) > 1 else None for w in windows
    ]


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        ("ROLLING_MODE", ROLLING),
        ("ROLLING_MEDIAN", ROLLING),
        ("RANK", {"sourceColumn": "x", "method": "PERCENT", "targetColumn": "y"}),
        ("FILL_DOWN", {"sourceColumn": "x", "groupByColumns": '["g"]'}),
        ("CUMULATIVE_SUM", {"sourceColumn": "x", "groupByColumns": '["g"]', "targetColumn": "y"}),
        (
            "SESSION",
            {
                "sourceColumn": "t",
                "units": "DAYS",
                "value": "1",
                "groupByColumns": "[]",
                "orderByColumns": '["t"]',
                "targetColumn": "y",
            },
        ),
        (
            "RESAMPLE_TIME_SERIES",
            {"sourceColumn": "t", "units": "DAYS", "value": "1", "aggregations": '{"x": "LAST"}'},
        ),
    ],
)
def test_an_empty_table_gives_an_empty_result(operation: str, parameters: dict[str, Any]) -> None:
    frame = pd.DataFrame(
        {
            "g": pd.Series([], dtype="string"),
            "x": pd.Series([], dtype="float64"),
            "t": pd.Series([], dtype="datetime64[us]"),
        }
    )
    assert len(_apply(operation, parameters, frame)) == 0


# --- RESAMPLE_TIME_SERIES: rows without a time are dropped, kept or refused, as chosen ------------

UNTIMED = {"t": ["2024-01-01 10:00:00", None, "soon", "2024-01-01 10:30:00"], "v": [1, 2, 3, 4]}
RESAMPLE = {"sourceColumn": "t", "value": "1", "units": "HOURS", "aggregations": '{"v": "SUM"}'}


def _resampled(engine: Any, rows_without_time: str) -> dict[str, list[Any]]:
    step = Step("RESAMPLE_TIME_SERIES", {**RESAMPLE, "rowsWithoutTime": rows_without_time})
    frame = engine.from_records(UNTIMED, {"t": LType.STRING, "v": LType.INTEGER})
    return engine.to_records(replay(Recipe(steps=[step]), frame, engine=engine))


def test_resample_keeps_or_drops_rows_without_a_time(engine: Any) -> None:
    assert _resampled(engine, "KEEP")["v"] == [5, 5]
    assert _resampled(engine, "DROP")["v"] == [5]


def test_resample_fails_on_a_row_without_a_time_quoting_it(engine: Any) -> None:
    # pandas fails as the step runs; Spark when the plan runs, at the first row it meets.
    with pytest.raises(Exception, match="rowsWithoutTime") as caught:
        _resampled(engine, "FAIL")
    message = str(caught.value)
    for words in ("RESAMPLE_TIME_SERIES", "in column 't'", "rowsWithoutTime"):
        assert words in message
    assert "holds null" in message or "holds 'soon'" in message
    if engine.name == "pandas":
        assert "step 1" in message
        assert "2 rows have no time; the first holds null" in message


def test_resample_refuses_an_unknown_choice_for_rows_without_a_time() -> None:
    frame = pd.DataFrame({"t": pd.to_datetime(["2024-01-01"]), "v": [1]})
    error = _refused("RESAMPLE_TIME_SERIES", {**RESAMPLE, "rowsWithoutTime": "SKIP"}, frame)
    assert error.parameter == "rowsWithoutTime"


def test_resample_drops_rows_without_a_time_by_default_as_saved_recipes_expect() -> None:
    frame = pd.DataFrame({"t": pd.array(UNTIMED["t"], dtype="string[pyarrow]"), "v": UNTIMED["v"]})
    assert _apply("RESAMPLE_TIME_SERIES", RESAMPLE, frame)["v"].tolist() == [5]
