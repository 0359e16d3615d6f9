"""Real DataBrew console exports (../shared/reference/databrew-real) import and replay as they are.

The recipes and data are read from the shared reference folder, not copied into the project.
Spark's result must equal the pandas result, and every engine's result is checked against
facts computed independently from the raw CSV with the standard library.
"""

from __future__ import annotations

import collections
import csv
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_engine
from tests.helpers import assert_same_records
from workbench import Recipe
from workbench.io.formats import CsvOptions
from workbench.io.pandas_io import read_pandas

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "databrew-real"


def replay_on(
    engine_name: str, session: Any, recipe: Recipe, data: Path, csv_options: CsvOptions
) -> dict[str, list]:
    engine = make_engine(engine_name, session)
    if engine_name == "pandas":
        frame = read_pandas(data, csv_options)
    else:
        from workbench.io.spark_io import read_spark

        frame = read_spark(session, data, csv_options)
    from workbench.recipe.replay import replay

    return engine.to_records(replay(recipe, frame, engine=engine))


def agrees_with_pandas(
    engine_name: str, got: dict[str, list], recipe: Recipe, data: Path, csv_options: CsvOptions
) -> None:
    """Spark's result equals pandas' (pandas itself is checked against facts from the raw CSV)."""
    if engine_name != "pandas":
        want = replay_on("pandas", None, recipe, data, csv_options)
        assert_same_records(got, want, ordered=True)


def test_reference_folder_is_there() -> None:
    assert REAL.is_dir(), f"the DataBrew compatibility corpus is missing at {REAL}"


def test_heart_disease_recipe(engine_name: str, session_for: Any) -> None:
    recipe = Recipe.load(REAL / "heart-disease-recipe.json")
    assert len(recipe.steps) == 25
    data = REAL / "heart-disease.csv"
    options = CsvOptions(header=False)
    got = replay_on(engine_name, session_for, recipe, data, options)
    agrees_with_pandas(engine_name, got, recipe, data, options)

    with data.open() as handle:
        raw = list(csv.reader(handle))
    assert len(got["Age"]) == len(raw)
    assert got["Age"][:3] == [int(float(r[0])) for r in raw[:3]]
    last_fill = recipe.steps[-1].parameters["sourceColumn"]
    assert None not in got[last_fill]
    source_index = 11  # Column_12 is renamed to "ca" by the recipe
    present = [int(float(r[source_index])) for r in raw if r[source_index] != "?"]
    counts = collections.Counter(present)
    top = max(counts.values())
    most_frequent = min(v for v, c in counts.items() if c == top)
    filled = [got[last_fill][i] for i, r in enumerate(raw) if r[source_index] == "?"]
    assert filled, "the data has missing values to fill"
    assert set(filled) == {most_frequent}


def test_clean_customer_recipe(engine_name: str, session_for: Any) -> None:
    recipe = Recipe.load(REAL / "clean-customer-recipe.json")
    data = REAL / "customers.csv"
    options = CsvOptions()
    got = replay_on(engine_name, session_for, recipe, data, options)
    agrees_with_pandas(engine_name, got, recipe, data, options)

    with data.open() as handle:
        raw = list(csv.DictReader(handle))
    assert "Middle_Name" not in got
    assert "Suffix" not in got
    assert {"Zip", "City", "Country", "Name"} <= set(got)
    first = raw[0]
    month, day, year = first["DoB"].split("/")
    assert got["DoB"][0] == f"{int(month):02d}-{int(day):02d}-{year}"
    parts = first["Address"].split(";")
    assert got["Country"][0].strip() == parts[-1].strip()
    assert "<" not in (got["Zip"][0] or "")
    assert got["Name"][0] == " ".join([first["Prefix"], first["First_Name"], first["Last_Name"]]).upper()


def test_green_taxi_yaml_export_validates_and_runs(
    engine_name: str, session_for: Any, tmp_path: Path
) -> None:
    recipe = Recipe.load(REAL / "green-taxi-recipe.yml")
    assert [s.operation for s in recipe.steps][:2] == ["JOIN", "RENAME"]
    trips = tmp_path / "trips.csv"
    trips.write_text(
        "VendorID,lpep_pickup_datetime,lpep_dropoff_datetime,PULocationID,DOLocationID,passenger_count,trip_distance,total_amount\n"
        "2,2024-01-01 10:00:00,2024-01-01 10:12:00,1,2,1,2.5,14.0\n"
        "1,2024-01-01 11:00:00,2024-01-01 11:30:00,2,9,2,7.1,31.5\n"
    )
    lookup = tmp_path / "zones.csv"
    lookup.write_text("LocationID,Borough,Zone\n1,EWR,Newark Airport\n2,Queens,Jamaica Bay\n")
    engine = make_engine(engine_name, session_for)
    if engine_name == "pandas":
        frame, zones = read_pandas(trips), read_pandas(lookup)
    else:
        from workbench.io.spark_io import read_spark

        frame, zones = read_spark(session_for, trips), read_spark(session_for, lookup)
    engine.datasets = {"ny-taxi-lookup": zones}
    from workbench.recipe.replay import replay

    got = engine.to_records(replay(recipe, frame, engine=engine))
    assert got["pickup_zone"] == ["Newark Airport", "Jamaica Bay"]
    assert got["dropoff_zone"] == ["Jamaica Bay", None]
    assert "pickup_datetime" in got
    assert len(set(got["partition_column"])) == 1


def test_fill_narrowed_by_is_invalid(engine_name: str, session_for: Any) -> None:
    recipe = Recipe.load(REAL / "testing-usecase-recipe.json")
    engine = make_engine(engine_name, session_for)
    from tests.helpers import example_schema
    from workbench.recipe.replay import replay

    columns = {"Firstname": ["Ann", None, ""], "Lastname": [None, "Lee", "Roy"], "ScoreValue": [3, None, 5]}
    frame = engine.from_records(columns, example_schema(columns, None))
    got = engine.to_records(replay(recipe, frame, engine=engine))
    # Text is never invalid as "string", so the narrowed fills change nothing; the last, unconditioned
    # step fills the missing score.
    assert got == {"Firstname": ["Ann", None, ""], "Lastname": [None, "Lee", "Roy"], "ScoreValue": [3, 0, 5]}


@pytest.mark.parametrize(
    "name",
    [
        "heart-disease-recipe.json",
        "clean-customer-recipe.json",
        "green-taxi-recipe.yml",
        "testing-usecase-recipe.json",
    ],
)
def test_import_export_import_is_identity(name: str) -> None:
    recipe = Recipe.load(REAL / name)
    exported = recipe.dumps(databrew=True)
    again = Recipe.loads(exported)
    assert again.to_dict()["steps"] == recipe.to_dict()["steps"]
    assert Recipe.loads(again.dumps(databrew=True)).to_dict()["steps"] == recipe.to_dict()["steps"]
