"""Profiles: hand-computed statistics on every engine, agreement between engines, pass counts."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from typing import Any

import jsonschema
import pytest

import workbench as wb
from tests.conftest import make_engine
from tests.helpers import frame_of
from workbench.core.types import LType
from workbench.profile import STABLE_COLUMN_KEYS, json_schema
from workbench.profile import raw as raw_settings


def exact_profile(frame: Any, *args: Any, **kwargs: Any) -> Any:
    """The exact profile on every engine (Spark's default is approximate: test_profile_sketch.py)."""
    return wb.profile(frame, *args, exact=True, **kwargs)


SMALL = {
    "qty": [1, 2, 2, None, 5, 2, -3, 0],
    "price": [1.5, float("nan"), 3.0, -2.0, 0.0, None, 10.0, 3.0],
    "city": ["oslo", "", "rome", "oslo", None, "lima", "oslo", "Oslo"],
    "code": ["12", "7", "x", "3.5", "12", "", None, "40"],
    "day": [dt.date(2024, 1, d) for d in (5, 1, 9, 1, 3, 2, 8, 7)],
    "flag": [True, False, None, True, True, False, True, True],
}
SMALL_TYPES = {"qty": "integer", "price": "double", "day": "date", "flag": "boolean"}


def frame_for(engine_name: str, session: Any, columns: dict[str, list[Any]], types: dict[str, str]) -> Any:
    engine = make_engine(engine_name, session)
    schema = {name: LType(types.get(name, "string")) for name in columns}
    return engine.from_records(columns, schema)


@pytest.fixture
def small(engine_name: str, session_for: Any) -> dict[str, Any]:
    return exact_profile(frame_for(engine_name, session_for, SMALL, SMALL_TYPES), show_pii=True).to_dict()


def test_integer_column_statistics(small: dict[str, Any]) -> None:
    qty = small["columns"]["qty"]
    present = [1, 2, 2, 5, 2, -3, 0]
    mean = sum(present) / 7
    assert (qty["count"], qty["missing"], qty["nulls"], qty["distinct"], qty["unique"]) == (7, 1, 1, 5, 4)
    assert (qty["min"], qty["max"], qty["sum"], qty["mode"]) == (-3, 5, 9, 2)
    assert qty["mean"] == pytest.approx(mean)
    # sorted: -3 0 1 2 2 2 5; a quantile is the mean of the lower and upper quantile
    assert (qty["q1"], qty["median"], qty["q3"]) == (0.0, 2.0, 2.0)
    assert qty["stddev"] == pytest.approx(math.sqrt(sum((x - mean) ** 2 for x in present) / 6))
    assert (qty["zeros"], qty["negatives"]) == (1, 1)
    assert qty["top_values"][:2] == [{"value": 2, "count": 3}, {"value": -3, "count": 1}]
    assert sum(qty["histogram"]["counts"]) == 7
    assert (qty["histogram"]["counts"][0], qty["histogram"]["counts"][-1]) == (1, 1)
    assert (qty["histogram"]["edges"][0], qty["histogram"]["edges"][-1]) == (-3, 5)


def test_one_median_in_the_profile_fill_with_median_and_group_by(engine_name: str, session_for: Any) -> None:
    engine = make_engine(engine_name, session_for)
    columns = {"k": ["a"] * 5, "fare": [2815.0, 2900.0, None, 2800.0, 2830.0]}
    frame = engine.from_records(columns, {"k": LType.STRING, "fare": LType.DOUBLE})
    fare = exact_profile(frame).to_dict()["columns"]["fare"]
    # The lower median would be 2815, a value of the column; the median is 2822.5. With four
    # values each quartile falls between two of them and is their mean.
    assert (fare["q1"], fare["median"], fare["q3"]) == (2807.5, 2822.5, 2865.0)
    filled = wb.Recipe.from_data(
        [{"Action": {"Operation": "FILL_WITH_MEDIAN", "Parameters": {"sourceColumn": "fare"}}}]
    ).apply(frame)
    assert engine.to_records(filled)["fare"][2] == 2822.5
    grouped = wb.Recipe.from_data(
        [
            {
                "Action": {
                    "Operation": "GROUP_BY",
                    "Parameters": {
                        "sourceColumns": ["k"],
                        "groupByAggFunctionOptions": [
                            {"sourceColumnName": "fare", "targetColumnName": "m", "functionName": "MEDIAN"}
                        ],
                    },
                }
            }
        ]
    ).apply(frame)
    assert set(engine.to_records(grouped)["m"]) == {2822.5}


def test_double_column_counts_nan_as_missing(small: dict[str, Any]) -> None:
    price = small["columns"]["price"]
    present = [1.5, 3.0, -2.0, 0.0, 10.0, 3.0]
    n, mean = len(present), sum(present) / len(present)
    m2 = sum((x - mean) ** 2 for x in present)
    m3 = sum((x - mean) ** 3 for x in present)
    m4 = sum((x - mean) ** 4 for x in present)
    assert (price["count"], price["nulls"], price["nan"], price["missing"]) == (6, 1, 1, 2)
    assert price["skewness"] == pytest.approx(math.sqrt(n) * m3 / m2**1.5)
    assert price["kurtosis"] == pytest.approx(n * m4 / m2**2 - 3)
    # sorted: -2 0 1.5 3 3 10; the median is the mean of the two middle values
    assert (price["q1"], price["median"], price["q3"]) == (0.0, 2.25, 3.0)
    assert price["outliers"] == {"zscore": 0, "iqr": 1}  # 10.0 lies above 3.0 + 1.5 * 3.0
    assert price["mode"] == 3.0


def test_text_column_statistics(small: dict[str, Any]) -> None:
    city = small["columns"]["city"]
    assert (city["count"], city["nulls"], city["empty"], city["missing"]) == (6, 1, 1, 2)
    assert (city["distinct"], city["unique"], city["mode"]) == (4, 3, "oslo")
    assert city["top_values"] == [
        {"value": "oslo", "count": 3},
        {"value": "Oslo", "count": 1},
        {"value": "lima", "count": 1},
        {"value": "rome", "count": 1},
    ]
    assert city["text_length"] == {"min": 4, "max": 4, "mean": 4.0}
    assert (city["min"], city["mean"], city["median"], city["stddev"]) == (None, None, None, None)


def test_numbers_in_text_are_flagged_as_mixed(small: dict[str, Any]) -> None:
    code = small["columns"]["code"]
    # 5 of the 6 present values are numbers: under the 90% that makes a numeric_text column
    assert code["semantic_type"] == "text"
    assert (code["valid"], code["invalid"]) == (6, 0)
    mixed = {
        "kind": "mixed_types",
        "column": "code",
        "message": "code: 83% of values are numbers, the rest text",
    }
    assert mixed in small["alerts"]


def test_dates_and_booleans(small: dict[str, Any]) -> None:
    day, flag = small["columns"]["day"], small["columns"]["flag"]
    assert (day["min"], day["max"], day["semantic_type"]) == ("2024-01-01", "2024-01-09", "datetime")
    assert day["top_values"][0] == {"value": "2024-01-01", "count": 2}
    assert (flag["count"], flag["distinct"], flag["mode"]) == (7, 2, True)
    assert flag["top_values"] == [{"value": True, "count": 5}, {"value": False, "count": 2}]


def test_dataset_level_facts(small: dict[str, Any]) -> None:
    d = small["dataset"]
    assert (d["rows"], d["columns"], d["duplicate_rows"]) == (8, 6, 0)
    assert d["missing_cells"] == sum(c["missing"] for c in small["columns"].values())
    pearson = small["correlations"]["pearson"]
    assert pearson["columns"] == ["qty", "price"]
    pairs = [(q, p) for q, p in zip(SMALL["qty"], SMALL["price"], strict=True) if _both(q, p)]
    assert pearson["matrix"][0][1] == pytest.approx(_pearson(pairs))
    assert pearson["matrix"][0][0] == 1.0


def _both(a: Any, b: Any) -> bool:
    return a is not None and b is not None and not (isinstance(b, float) and math.isnan(b))


def _pearson(pairs: list[tuple[float, float]]) -> float:
    xs, ys = zip(*pairs, strict=True)
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in pairs)
    return cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


def test_duplicate_rows_compare_stored_values(engine_name: str, session_for: Any) -> None:
    columns = {"a": ["x", "x", "", None, "", "x"], "b": [1.0, 1.0, float("nan"), None, float("nan"), 2.0]}
    frame = frame_for(engine_name, session_for, columns, {"b": "double"})
    result = exact_profile(frame)
    assert result.dataset.duplicate_rows == 2  # rows 2 and 5 repeat rows 1 and 3
    assert any(a.kind == "duplicate_rows" for a in result.alerts)


def test_alerts(engine_name: str, session_for: Any) -> None:
    n = 60
    columns = {
        "same": ["k"] * n,
        "id": [f"row-{i}" for i in range(n)],
        "gappy": [None if i % 3 else "v" for i in range(n)],
        "heavy": [1.0] * (n - 1) + [1000.0],
        "mixed": [str(i) if i % 2 else f"w{i}" for i in range(n)],
    }
    result = exact_profile(frame_for(engine_name, session_for, columns, {"heavy": "double"}))
    kinds = {(a.kind, a.column) for a in result.alerts}
    assert {
        ("constant", "same"),
        ("identifier", "id"),
        ("high_missing", "gappy"),
        ("skewed", "heavy"),
        ("mixed_types", "mixed"),
    } <= kinds
    assert result.columns["id"].semantic_type == "identifier"


def test_semantic_types_of_text(engine_name: str, session_for: Any) -> None:
    columns = {
        "email": [f"user{i}@example.org" for i in range(20)],
        "site": [f"https://example.com/p/{i}" for i in range(20)],
        "when": [f"2024-03-{i + 1:02d}" for i in range(20)],
        "amount": [f"{i}.5" for i in range(19)] + ["n/a"],
    }
    result = exact_profile(frame_for(engine_name, session_for, columns, {}), show_pii=True)
    kinds = {name: c.semantic_type for name, c in result.columns.items()}
    assert kinds == {"email": "email", "site": "url", "when": "date_text", "amount": "numeric_text"}
    amount = result.columns["amount"]
    assert (amount.valid, amount.invalid) == (19, 1)


def test_columns_argument_and_nearest_name(engine_name: str, session_for: Any) -> None:
    frame = frame_for(engine_name, session_for, SMALL, SMALL_TYPES)
    assert list(exact_profile(frame, columns=["qty", "city"]).columns) == ["qty", "city"]
    with pytest.raises(wb.ColumnNotFoundError, match="citty") as info:
        exact_profile(frame, columns=["citty"])
    assert info.value.suggestion == "city"


NESTED_COLUMNS = {
    "tags": [["a", "b"], None, [], ["ü"], ["x", "y", "z"]],
    "attrs": [{"k": 1}, {"k": 2, "j": 3}, None, {}, {"é": 4}],
    "who": [{"name": "ana", "age": 3}, None, {"name": None, "age": None}, {"name": "bo", "age": 1}, None],
}
NESTED_TYPES = {"tags": LType.ARRAY, "attrs": LType.MAP, "who": LType.STRUCT}


def test_nested_columns_get_counts_and_element_counts(engine_name: str, session_for: Any) -> None:
    frame = frame_of(make_engine(engine_name, session_for), NESTED_COLUMNS, NESTED_TYPES)
    columns = exact_profile(frame).to_dict()["columns"]
    tags, attrs, who = columns["tags"], columns["attrs"], columns["who"]
    assert (tags["count"], tags["missing"], tags["elements"]) == (4, 1, {"min": 0, "max": 3, "mean": 1.5})
    assert (attrs["count"], attrs["missing"], attrs["elements"]) == (4, 1, {"min": 0, "max": 2, "mean": 1.0})
    assert (who["count"], who["missing"], who["elements"]) == (3, 2, None)
    assert {c["semantic_type"] for c in (tags, attrs, who)} == {"nested"}


def test_profile_json_has_the_stable_keys_and_matches_its_schema(small: dict[str, Any]) -> None:
    jsonschema.validate(small, json_schema())
    assert small["format"] == {"name": "workbench-profile", "version": 1}
    for column in small["columns"].values():
        assert set(STABLE_COLUMN_KEYS) <= set(column)
    json.dumps(small, allow_nan=False)


def test_profile_round_trips_through_json(small: dict[str, Any]) -> None:
    from workbench.profile import Profile

    assert Profile.from_dict(small).to_dict() == small


# --- the engines agree --------------------------------------------------------------------


def generated(rows: int, seed: int = 7) -> tuple[dict[str, list[Any]], dict[str, str]]:
    rng = random.Random(seed)
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    columns = {
        "qty": [rng.randint(-20, 400) if rng.random() > 0.05 else None for _ in range(rows)],
        "price": [
            rng.gauss(50, 12) if rng.random() > 0.05 else rng.choice([None, float("nan")])
            for _ in range(rows)
        ],
        "ratio": [rng.random() ** 3 for _ in range(rows)],
        "city": [rng.choice(["oslo", "rome", "", None, "lima", "Łódź", "42"]) for _ in range(rows)],
        "sku": [f"SKU-{rng.randint(0, rows // 2)}" for _ in range(rows)],
        "seen": [start + dt.timedelta(minutes=rng.randint(0, 10**6)) for _ in range(rows)],
        "day": [dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 300)) for _ in range(rows)],
        "ok": [rng.random() > 0.3 for _ in range(rows)],
    }
    types = {
        "qty": "integer",
        "price": "double",
        "ratio": "double",
        "seen": "timestamp",
        "day": "date",
        "ok": "boolean",
    }
    return columns, types


APPROXIMATE = ("q1", "median", "q3", "outliers", "approximate")


def assert_same(a: Any, b: Any, path: str = "", skip: tuple[str, ...] = ()) -> None:
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for key in a:
            if key not in skip:
                assert_same(a[key], b[key], f"{path}/{key}", skip)
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]", skip)
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), path
    else:
        assert a == b, path


def test_spark_and_pandas_profiles_agree(spark_engine_name: str, spark_session_for: Any) -> None:
    columns, types = generated(2_000)
    on_pandas = exact_profile(frame_for("pandas", None, columns, types)).to_dict()
    on_spark = exact_profile(frame_for(spark_engine_name, spark_session_for, columns, types)).to_dict()
    on_spark["dataset"]["engine"] = "pandas"
    # Below percentile_approx's accuracy its quantiles are exact, so everything must be equal.
    assert_same(on_pandas, on_spark)


def test_approximate_statistics_stay_within_their_documented_error(
    spark_engine_name: str, spark_session_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(raw_settings, "QUANTILE_ACCURACY", 100)
    monkeypatch.setattr(raw_settings, "CORRELATION_SAMPLE", 3_000)
    rows = 12_000
    columns, types = generated(rows, seed=11)
    columns["twin"] = [None if q is None else q * 2 + (i % 7) for i, q in enumerate(columns["qty"])]
    types["twin"] = "integer"
    exact = exact_profile(frame_for("pandas", None, columns, types)).to_dict()
    approx = exact_profile(frame_for(spark_engine_name, spark_session_for, columns, types)).to_dict()
    assert_same(exact["columns"], approx["columns"], skip=APPROXIMATE)
    for name in ("qty", "price", "ratio", "twin"):
        values = sorted(
            v for v in columns[name] if v is not None and not (isinstance(v, float) and math.isnan(v))
        )
        n = len(values)
        for key, p in zip(("q1", "median", "q3"), raw_settings.QUARTILES, strict=True):
            got = approx["columns"][name][key]
            rank_low, rank_high = _rank_range(values, got)
            target = p * n
            assert rank_low - n / 100 <= target <= rank_high + n / 100, (name, key)
    for kind in ("pearson", "spearman"):
        e, a = exact["correlations"][kind], approx["correlations"][kind]
        assert e["columns"] == a["columns"]
        for row_e, row_a in zip(e["matrix"], a["matrix"], strict=True):
            for x, y in zip(row_e, row_a, strict=True):
                assert abs(x - y) <= 0.06, kind  # 3 standard errors at 3,000 sampled rows


def _rank_range(values: list[float], v: float) -> tuple[int, int]:
    import bisect

    return bisect.bisect_left(values, v), bisect.bisect_right(values, v)


# --- PII ----------------------------------------------------------------------------------


PEOPLE = {
    "email": [f"person{i}@mail.example.com" for i in range(30)],
    "qty": list(range(30)),
}


def test_pii_columns_never_show_raw_values_unless_asked(engine_name: str, session_for: Any) -> None:
    frame = frame_for(engine_name, session_for, PEOPLE, {"qty": "integer"})
    hidden = exact_profile(frame).to_dict()["columns"]["email"]
    assert hidden["pii"]["entity"] == "EMAIL"
    shown_anywhere = json.dumps(hidden)
    assert not any(address in shown_anywhere for address in PEOPLE["email"])
    assert hidden["top_values"]
    assert all("*" in v["value"] for v in hidden["top_values"])
    shown = exact_profile(frame, show_pii=True).to_dict()["columns"]["email"]
    assert shown["pii"]["entity"] == "EMAIL"
    assert shown["top_values"][0]["value"] in PEOPLE["email"]
    assert exact_profile(frame).to_dict()["columns"]["qty"]["pii"] is None


# --- Spark passes -------------------------------------------------------------------------


def test_spark_profile_runs_a_fixed_number_of_jobs_whatever_the_width(spark_session: Any) -> None:
    from tests.unit.test_spark_plan import jobs_while

    def jobs_for(width: int) -> int:
        columns = {f"n{i}": [j * (i + 1) % 17 for j in range(50)] for i in range(width)}
        columns.update({f"t{i}": [f"v{j % (i + 2)}" for j in range(50)] for i in range(width)})
        types = {f"n{i}": "integer" for i in range(width)}
        frame = frame_for("spark", spark_session, columns, types)
        return jobs_while(spark_session, lambda: exact_profile(frame))

    narrow, wide = jobs_for(2), jobs_for(12)
    assert narrow == wide
    # three aggregation passes (two stages each, three branches in the last) and one sample read
    assert wide <= 11


def test_html_report_without_ydata_profiling_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from workbench.profile.report import ReportUnavailableError

    monkeypatch.setitem(sys.modules, "ydata_profiling", None)  # makes the import fail
    frame = frame_for("pandas", None, {"a": [1, 2]}, {"a": "integer"})
    with pytest.raises(ReportUnavailableError, match=r"pip install 'workbench\[report\]'"):
        exact_profile(frame).to_html()
