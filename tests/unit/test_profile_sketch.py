"""Spark's approximate profile: every approximate number within its stated bound of pandas' exact
one, profiles of two halves merging into the whole's, bounds and sketches in the JSON, and
statistics steps that cost one Spark job each."""

from __future__ import annotations

import base64
import bisect
import math
from collections import Counter
from typing import Any

import jsonschema
import pytest

import workbench as wb
from tests.unit.test_profile import frame_for, generated
from workbench.profile import Profile, json_schema, merge_profiles, spark_sketch
from workbench.profile import raw as raw_settings

ROWS = 12_000
EXACT_EQUAL = ("count", "missing", "nulls", "empty", "nan", "min", "max", "sum", "zeros", "negatives")
CLOSE = ("mean", "stddev", "variance", "skewness", "kurtosis")


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sketches, not exact counts, for every column with more than 50 distinct values; a sample
    smaller than the data, so sampled numbers are scaled."""
    monkeypatch.setattr(spark_sketch, "EXACT_COUNTS_LIMIT", 50)
    monkeypatch.setattr(raw_settings, "CORRELATION_SAMPLE", 4_000)


def _present(values: list[Any]) -> list[Any]:
    return [v for v in values if v is not None and v != "" and not (isinstance(v, float) and math.isnan(v))]


def _within(got: float, want: float, bound: dict[str, Any], n: int) -> bool:
    if bound["unit"] == "relative":
        return abs(got - want) <= bound["error"] * max(got, want)
    return abs(got - want) <= bound["error"]


def assert_within_bounds(
    columns: dict[str, list[Any]], exact: dict[str, Any], approx: dict[str, Any]
) -> None:
    """Every number of ``approx`` equals ``exact`` or is within the bound ``approx`` states."""
    assert approx["dataset"]["mode"] == "approximate"
    assert exact["dataset"]["rows"] == approx["dataset"]["rows"]
    bound = approx["dataset"]["approximate"]["duplicate_rows"]
    assert abs(approx["dataset"]["duplicate_rows"] - exact["dataset"]["duplicate_rows"]) <= bound["error"]
    for name, e in exact["columns"].items():
        a, bounds = approx["columns"][name], approx["columns"][name]["approximate"]
        for key in EXACT_EQUAL:
            assert a[key] == (pytest.approx(e[key], rel=1e-9) if isinstance(e[key], float) else e[key]), (
                name,
                key,
            )
        for key in CLOSE:
            assert (a[key] is None) == (e[key] is None), (name, key)
            if e[key] is not None:
                assert a[key] == pytest.approx(e[key], rel=1e-6, abs=1e-9), (name, key)
        assert a["text_length"] == e["text_length"], name
        if "distinct" in bounds:
            assert _within(a["distinct"], e["distinct"], bounds["distinct"], a["count"]), name
        else:
            assert (a["distinct"], a["unique"], a["top_values"]) == (
                e["distinct"],
                e["unique"],
                e["top_values"],
            )
        _check_quantiles(name, columns[name], a)
        _check_spread(name, e, a)
        _check_sampled(name, columns[name], e, a)


def _check_quantiles(name: str, values: list[Any], a: dict[str, Any]) -> None:
    ordered = sorted(_present(values)) if a["q1"] is not None else []
    n = len(ordered)
    for key, p in zip(("q1", "median", "q3"), raw_settings.QUARTILES, strict=True):
        if not n:
            continue
        low, high = bisect.bisect_left(ordered, a[key]), bisect.bisect_right(ordered, a[key])
        slack = a["approximate"][key]["error"] * n
        assert low - slack <= p * n <= high + slack, (name, key)


def _check_spread(name: str, e: dict[str, Any], a: dict[str, Any]) -> None:
    if e["histogram"] is None:
        return
    assert a["histogram"]["edges"] == e["histogram"]["edges"], name
    assert sum(a["histogram"]["counts"]) == a["count"], name
    error = a["approximate"]["histogram"]["error"]
    for got, want in zip(a["histogram"]["counts"], e["histogram"]["counts"], strict=True):
        assert abs(got - want) <= error, name
    error = a["approximate"]["outliers"]["error"]
    for rule in ("zscore", "iqr"):
        assert abs(a["outliers"][rule] - e["outliers"][rule]) <= error, (name, rule)


def _check_sampled(name: str, values: list[Any], e: dict[str, Any], a: dict[str, Any]) -> None:
    bounds = a["approximate"]
    if "top_values" in bounds:
        counts = Counter(_present(values))
        for item in a["top_values"]:
            assert abs(item["count"] - counts[item["value"]]) <= bounds["top_values"]["error"], (name, item)
    if "valid" in bounds:
        assert abs(a["valid"] - e["valid"]) <= bounds["valid"]["error"], name
        assert a["semantic_type"] == e["semantic_type"], name


def _seeded(rows: int, seed: int) -> tuple[dict[str, list[Any]], dict[str, str]]:
    columns, types = generated(rows, seed=seed)
    # Heavy hitters in a high-cardinality column: the sample must find them.
    columns["sku"] = ["SKU-HOT" if i % 10 == 0 else v for i, v in enumerate(columns["sku"])]
    return columns, types


def test_approximate_profile_is_within_its_bounds_of_the_exact_one(
    spark_engine_name: str, spark_session_for: Any, small_limits: None
) -> None:
    columns, types = _seeded(ROWS, seed=3)
    exact = wb.profile(frame_for("pandas", None, columns, types), show_pii=True).to_dict()
    approx = wb.profile(
        frame_for(spark_engine_name, spark_session_for, columns, types), show_pii=True
    ).to_dict()
    assert_within_bounds(columns, exact, approx)
    # The sketches were used where they should: high-cardinality columns, all numbers.
    assert "distinct" in approx["columns"]["sku"]["approximate"]
    assert approx["columns"]["sku"]["top_values"][0]["value"] == "SKU-HOT"
    assert "distinct" not in approx["columns"]["city"]["approximate"]
    assert "median" in approx["columns"]["qty"]["approximate"]


def test_profiles_of_two_halves_merge_into_the_whole_within_the_bounds(
    spark_engine_name: str, spark_session_for: Any, small_limits: None
) -> None:
    columns, types = _seeded(ROWS, seed=5)
    half = ROWS // 2
    first = {k: v[:half] for k, v in columns.items()}
    second = {k: v[half:] for k, v in columns.items()}
    profiles = [
        wb.profile(frame_for(spark_engine_name, spark_session_for, part, types), show_pii=True)
        for part in (first, second)
    ]
    merged = merge_profiles(*profiles, session=spark_session_for).to_dict()
    exact = wb.profile(frame_for("pandas", None, columns, types), show_pii=True).to_dict()
    assert_within_bounds(columns, exact, merged)
    for name in ("qty", "sku", "city"):  # after a merge, distinct counts come from the union
        assert "distinct" in merged["columns"][name]["approximate"]


def test_merging_needs_sketches_and_the_same_columns(spark_session: Any) -> None:
    from workbench.profile.merge import ProfileMergeError

    one = wb.profile(frame_for("spark", spark_session, {"a": [1, 2]}, {"a": "integer"}))
    other = wb.profile(frame_for("spark", spark_session, {"b": [1, 2]}, {"b": "integer"}))
    exact = wb.profile(frame_for("spark", spark_session, {"a": [1, 2]}, {"a": "integer"}), exact=True)
    with pytest.raises(ProfileMergeError, match="different columns or types: a, b"):
        merge_profiles(one, other, session=spark_session)
    with pytest.raises(ProfileMergeError, match="without exact=True"):
        merge_profiles(one, exact, session=spark_session)


def test_json_carries_the_bounds_and_the_sketches(spark_session: Any, small_limits: None) -> None:
    columns, types = _seeded(3_000, seed=9)
    profile = wb.profile(frame_for("spark", spark_session, columns, types))
    data = profile.to_dict()
    jsonschema.validate(data, json_schema())
    qty = data["columns"]["qty"]["approximate"]
    assert qty["median"] == {
        "error": pytest.approx(spark_sketch.KLL_RANK_ERROR),
        "unit": "rank",
        "method": "kll",
        "confidence": 0.99,
    }
    assert data["columns"]["sku"]["approximate"]["distinct"]["unit"] == "relative"
    sketches = data["sketches"]
    assert (sketches["hll_lg_k"], sketches["kll_k"]) == (spark_sketch.HLL_LG_K, spark_sketch.KLL_K)
    assert base64.b64decode(sketches["columns"]["qty"]["kll"])
    assert base64.b64decode(sketches["columns"]["sku"]["hll"])
    assert Profile.from_dict(data).to_dict() == data
    on_pandas = wb.profile(frame_for("pandas", None, columns, types)).to_dict()
    assert on_pandas["dataset"]["mode"] == "exact"
    assert on_pandas["sketches"] is None
    assert all(not c["approximate"] for c in on_pandas["columns"].values())


def test_a_notebook_shows_approximate_numbers_marked_with_their_bounds(
    spark_session: Any, small_limits: None
) -> None:
    import xml.etree.ElementTree as ET

    from workbench.profile.summary_html import bound_text

    columns, types = _seeded(3_000, seed=9)
    approx = wb.profile(frame_for("spark", spark_session, columns, types))
    page = ET.fromstring(approx._repr_html_().split("</style>", 1)[1])
    header = [th.text for th in page.iter("th")]
    rows = {r[0].text: r for r in page.iter("tr") if r[0].tag == "td"}

    def mark(column: str, key: str) -> ET.Element | None:
        return rows[column][header.index(key)].find("span")

    sku = approx.columns["sku"]
    distinct = mark("sku", "distinct")
    assert distinct is not None
    assert distinct.text == f"≈ {sku.distinct:,}"
    assert distinct.get("title") == bound_text(sku.approximate["distinct"])
    assert distinct.get("title", "").startswith("HyperLogLog sketch: within ±")
    median = mark("qty", "median")
    assert median is not None
    assert median.get("title", "").startswith("KLL quantile sketch: its rank within ±")
    assert mark("city", "distinct") is None  # counted exactly: no mark
    assert mark("qty", "min") is None
    assert "approximate; ≈ marks an estimate" in "".join(page.itertext())

    exact = wb.profile(frame_for("pandas", None, columns, types))._repr_html_()
    assert "≈" not in exact
    assert "(exact)" in exact


# --- Spark jobs of statistics steps -------------------------------------------------------


DEDUPE = {"Action": {"Operation": "REMOVE_DUPLICATES", "Parameters": {"sourceColumn": "k"}}}
STATISTICS = [
    {"Action": {"Operation": "FILL_WITH_MEDIAN", "Parameters": {"sourceColumn": "x"}}},
    {"Action": {"Operation": "FILL_WITH_AVERAGE", "Parameters": {"sourceColumn": "n"}}},
    {"Action": {"Operation": "FILL_WITH_MODE", "Parameters": {"sourceColumn": "t"}}},
]


def test_each_statistics_step_costs_one_spark_job_and_the_write_no_more(
    spark_session: Any, tmp_path: Any
) -> None:
    """dedupe + FILL_WITH_MEDIAN + FILL_WITH_AVERAGE + FILL_WITH_MODE, adaptive execution on."""
    from tests.unit.test_spark_plan import jobs_while

    rows = [
        (
            i % 50,
            None if i % 7 == 0 else float(i % 13),
            None if i % 5 == 0 else i % 11,
            [None, "a", "b"][i % 3],
        )
        for i in range(2_000)
    ]
    frame = spark_session.createDataFrame(rows, "k long, x double, n long, t string")
    assert spark_session.conf.get("spark.sql.adaptive.enabled") == "true"
    holder: dict[str, Any] = {}
    recipe = wb.Recipe.from_data([DEDUPE, *STATISTICS])
    assert jobs_while(spark_session, lambda: holder.setdefault("out", recipe.apply(frame))) == len(STATISTICS)
    assert spark_session.conf.get("spark.sql.adaptive.enabled") == "true"  # restored after each
    write = jobs_while(spark_session, lambda: holder["out"].write.parquet(str(tmp_path / "with")))
    plain = wb.Recipe.from_data([DEDUPE]).apply(frame)
    assert write == jobs_while(spark_session, lambda: plain.write.parquet(str(tmp_path / "without")))
    filled = {r.k: (r.x, r.n, r.t) for r in spark_session.read.parquet(str(tmp_path / "with")).collect()}
    assert all(None not in values for values in filled.values())
