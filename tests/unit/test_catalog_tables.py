"""Tables by name: catalog:DB.TABLE read and written by run, profile, quality and Python; --where
pruning before any file is opened; workbench catalog list/show/history/diff/tag/search."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import workbench as wb
from workbench.catalog import CatalogError, Partition, Table, crawl, open_catalog
from workbench.catalog.tables import quote_keys, read_table_pandas, select, table_schema, write_table
from workbench.core.errors import DataIOError, RecipeError

ROOT = Path(__file__).resolve().parents[2]
YEARS, MONTHS, REGIONS = (2023, 2024), range(1, 13), ("north", "south", "east", "west", "centre")
WANTED = "year = 2024 and month = 1"


def workbench(*args: str, catalog: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKBENCH_CATALOG": str(catalog), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def make_source(root: Path, catalog: Path, *, wanted: tuple[int, int] = (2024, 1)) -> None:
    """sales.orders: 120 Parquet partitions (year/month/region), 2 files each, registered as a crawl
    would (file names relative to each partition's folder). Every file of a partition other than
    year/month ``wanted`` is corrupt, so reading it would fail."""
    partitions = []
    for year in YEARS:
        for month in MONTHS:
            for region in REGIONS:
                folder = root / f"year={year}" / f"month={month}" / f"region={region}"
                folder.mkdir(parents=True)
                for part in (0, 1):
                    path = folder / f"part-{part}.parquet"
                    if (year, month) == wanted:
                        ids = [part * 10 + i for i in range(3)]
                        pq.write_table(pa.table({"id": ids, "amount": [i * 1.5 for i in ids]}), path)
                    else:
                        path.write_bytes(b"this is not a parquet file")
                partitions.append(
                    Partition((year, month, region), str(folder), ["part-0.parquet", "part-1.parquet"])
                )
    table = Table(
        "sales",
        "orders",
        str(root),
        "parquet",
        "parquet",
        [("id", "integer"), ("amount", "double")],
        [("year", "integer"), ("month", "integer"), ("region", "string")],
    )
    with open_catalog(catalog) as cat:
        cat.save_table(table)
        cat.put_partitions("sales", "orders", partitions)


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    """The catalog file of a lake holding sales.orders (see ``make_source``)."""
    catalog = tmp_path / "catalog.db"
    make_source(tmp_path / "lake" / "orders", catalog)
    return catalog


def recipe_file(tmp_path: Path, steps: list | None = None) -> Path:
    path = tmp_path / "recipe.json"
    steps = steps or [
        {
            "Action": {
                "Operation": "UPPER_CASE",
                "Parameters": {"sourceColumn": "region"},
            }
        }
    ]
    path.write_text(json.dumps(steps))
    return path


# --- resolving and --where ---------------------------------------------------------------


def test_where_keeps_the_matching_partitions_and_says_so(lake: Path) -> None:
    chosen = select("catalog:sales.orders", where=WANTED, catalog=str(lake))
    assert chosen.summary() == "5 of 120 partitions, 10 files"
    assert {p.values[2] for p in chosen.partitions} == set(REGIONS)
    assert all("year=2024/month=1/" in str(f) for f in chosen.files)


def test_where_on_strings_ranges_and_or(lake: Path) -> None:
    cases = {
        "region = 'north'": 24,
        "`year` = 2024 and month <= 3 and region != 'west'": 12,
        "month > 11 or region = 'east' and year = 2023": 10 + 11,
        "not (year = 2024)": 60,
        "isBetween(month, 2, 4) and year = 2023 and region = 'centre'": 3,
    }
    for where, count in cases.items():
        assert len(select("catalog:sales.orders", where=where, catalog=str(lake)).partitions) == count, where


def test_bare_keys_are_quoted_but_text_and_calls_are_not() -> None:
    assert quote_keys("year = 2024 and region = 'and or'") == "`year` = 2024 and `region` = 'and or'"
    assert quote_keys('isBetween(month, 1, 3) or `a b` = "x"') == 'isBetween(`month`, 1, 3) or `a b` = "x"'


def test_where_refuses_a_name_that_is_not_a_partition_key(lake: Path) -> None:
    with pytest.raises(RecipeError, match=r"'yaer', which is not a partition key .*did you mean 'year'"):
        select("catalog:sales.orders", where="yaer = 2024", catalog=str(lake))
    with pytest.raises(RecipeError, match=r"'amount', which is not a partition key"):
        select("catalog:sales.orders", where="amount > 2", catalog=str(lake))


def test_where_must_parse_and_be_a_condition(lake: Path) -> None:
    with pytest.raises(wb.WorkbenchError, match="line 1, column"):
        select("catalog:sales.orders", where="year = = 2024", catalog=str(lake))
    with pytest.raises(wb.WorkbenchError, match="needs a condition"):
        select("catalog:sales.orders", where="year", catalog=str(lake))


def test_unknown_table_and_database_suggest_the_nearest(lake: Path) -> None:
    with pytest.raises(CatalogError, match=r"no table sales.ordres; did you mean 'sales.orders'"):
        select("catalog:sales.ordres", catalog=str(lake))
    with pytest.raises(CatalogError, match=r"no table sale.orders; did you mean 'sales.orders'"):
        select("catalog:sale.orders", catalog=str(lake))


# --- reading on pandas --------------------------------------------------------------------


def test_pandas_reads_only_the_kept_files_with_typed_partition_columns(lake: Path) -> None:
    frame = read_table_pandas("catalog:sales.orders", where=WANTED, catalog=str(lake))
    assert list(frame.columns) == ["id", "amount", "year", "month", "region"]
    assert len(frame) == 5 * 2 * 3
    assert str(frame["year"].dtype) == "int64[pyarrow]"
    assert str(frame["region"].dtype).startswith("large_string")
    assert set(frame["year"]) == {2024}
    assert set(frame["month"]) == {1}
    assert sorted(frame.loc[frame["region"] == "east", "id"]) == [0, 1, 2, 10, 11, 12]


def test_without_where_the_corrupt_files_are_read_and_refused(lake: Path) -> None:
    # The guard of the pruning tests: opening any file of another partition fails.
    with pytest.raises(DataIOError, match="cannot read"):
        read_table_pandas("catalog:sales.orders", catalog=str(lake))


def test_schema_of_a_table_is_its_files_then_its_keys(lake: Path) -> None:
    schema = table_schema("catalog:sales.orders", where=WANTED, catalog=str(lake))
    assert {k: v.value for k, v in schema.items()} == {
        "id": "integer",
        "amount": "double",
        "year": "integer",
        "month": "integer",
        "region": "string",
    }


def test_a_csv_table_uses_its_read_options_and_an_empty_selection_has_the_catalog_schema(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "events" / "day=2024-01-05"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text("kind;n\nclick;3\nview;4\n")
    catalog = str(tmp_path / "c.db")
    with open_catalog(catalog) as cat:
        cat.save_table(
            Table(
                "web",
                "events",
                str(tmp_path / "events"),
                "csv",
                "csv",
                [("kind", "string"), ("n", "integer")],
                [("day", "date")],
                {"delimiter": ";", "header": True},
            )
        )
        cat.put_partitions(
            "web", "events", [Partition(("2024-01-05",), str(folder), [str(folder / "a.csv")])]
        )
    frame = read_table_pandas("catalog:web.events", where="day = '2024-01-05'", catalog=catalog)
    assert frame.to_dict("list") == {
        "kind": ["click", "view"],
        "n": [3, 4],
        "day": [pd.Timestamp("2024-01-05").date()] * 2,
    }
    empty = read_table_pandas("catalog:web.events", where="day > '2024-02-01'", catalog=catalog)
    assert list(empty.columns) == ["kind", "n", "day"]
    assert len(empty) == 0


# --- writing -------------------------------------------------------------------------------


def test_writing_registers_partitions_and_schema_versions(tmp_path: Path) -> None:
    catalog = str(tmp_path / "c.db")
    frame = pd.DataFrame({"k": ["a", "b", "a", None], "n": [1, 2, 3, 4]})
    first = write_table(frame, "catalog:out.t", partition_by=("k",), catalog=catalog)
    assert (first.partitions, first.files, first.table.schema_version) == (3, 3, 1)
    folders = sorted(p.name for p in (tmp_path / "warehouse" / "out" / "t").iterdir())
    assert folders == ["k=__HIVE_DEFAULT_PARTITION__", "k=a", "k=b"]
    back = read_table_pandas("catalog:out.t", where="k = 'a'", catalog=catalog)
    assert back.to_dict("list") == {"n": [1, 3], "k": ["a", "a"]}
    with pytest.raises(RecipeError, match="already exists; pass --overwrite"):
        write_table(frame, "catalog:out.t", catalog=catalog)
    wider = frame.assign(x=[0.5, 1.5, 2.5, 3.5])
    second = write_table(wider, "catalog:out.t", partition_by=("k",), overwrite=True, catalog=catalog)
    assert second.table.schema_version == 2
    assert second.new_version
    same = write_table(wider, "catalog:out.t", partition_by=("k",), overwrite=True, catalog=catalog)
    assert same.table.schema_version == 2
    assert not same.new_version
    with open_catalog(catalog) as cat:
        assert cat.history("out", "t")[1].changes["added"] == [{"name": "x", "type": "double"}]
        assert cat.table("out", "t").row_estimate == 4


def test_a_failed_write_registers_nothing(tmp_path: Path) -> None:
    catalog = str(tmp_path / "c.db")
    (tmp_path / "warehouse").write_text("a file where the warehouse folder would go")
    with pytest.raises(DataIOError):
        write_table(pd.DataFrame({"n": [1]}), "catalog:out.t", catalog=catalog)
    with open_catalog(catalog) as cat:
        assert cat.find_table("out", "t") is None


def test_partition_by_names_a_column_of_the_output(tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="'kk', which is not a column of the output; did you mean 'k'"):
        write_table(
            pd.DataFrame({"k": [1], "n": [2]}),
            "catalog:o.t",
            partition_by=("kk",),
            catalog=str(tmp_path / "c.db"),
        )


# --- the command line ----------------------------------------------------------------------


def test_run_from_a_table_to_a_table_reads_only_the_matching_partitions(tmp_path: Path, lake: Path) -> None:
    recipe = recipe_file(tmp_path)
    done = workbench(
        "run", str(recipe), "--input", "catalog:sales.orders", "--where", WANTED,
        "--output", "catalog:mart.orders_jan", "--partition-by", "region", catalog=lake, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "30 rows in (5 of 120 partitions, 10 files)" in done.stderr
    assert (
        "registered mart.orders_jan in the catalog: 5 partitions, 5 files, schema version 1 (new)"
        in done.stderr
    )
    out = read_table_pandas("catalog:mart.orders_jan", where="region = 'WEST'", catalog=str(lake))
    assert set(out["region"]) == {"WEST"}
    assert len(out) == 6
    failing = workbench(
        "run",
        str(recipe),
        "--input",
        "catalog:sales.orders",
        "--output",
        "catalog:mart.all",
        catalog=lake,
        cwd=tmp_path,
    )
    assert failing.returncode == 1
    assert "Traceback" not in failing.stderr
    with open_catalog(lake) as cat:
        assert cat.find_table("mart", "all") is None


def test_run_refusals_are_clear(tmp_path: Path, lake: Path) -> None:
    recipe = recipe_file(tmp_path)
    people = tmp_path / "p.csv"
    people.write_text("region\nnorth\n")
    cases = [
        (
            ["--input", "catalog:sales.orders", "--where", "yr = 1", "--output", "o.csv"],
            "did you mean 'year'",
        ),
        (
            ["--input", str(people), "--where", "year = 1", "--output", "o.csv"],
            "--where prunes the partitions",
        ),
        (["--input", str(people), "--output", "o.csv", "--partition-by", "region"], "--partition-by applies"),
        (["--input", "catalog:sales.ordrs", "--output", "o.csv"], "did you mean 'sales.orders'"),
    ]
    for args, message in cases:
        done = workbench("run", str(recipe), *args, catalog=lake, cwd=tmp_path)
        assert done.returncode != 0, args
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_dataset_profile_and_quality_take_table_names(tmp_path: Path, lake: Path) -> None:
    profiled = tmp_path / "profile.json"
    done = workbench(
        "profile",
        "catalog:sales.orders",
        "--where",
        WANTED,
        "--json",
        str(profiled),
        catalog=lake,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(profiled.read_text())["dataset"]["rows"] == 30
    rules = tmp_path / "rules.dqdl"
    rules.write_text(
        'Rules = [ RowCount = 30, ColumnValues "region" in ["north","south","east","west","centre"] ]'
    )
    checked = workbench(
        "quality",
        "catalog:sales.orders",
        "--ruleset",
        str(rules),
        "--where",
        WANTED,
        "--catalog",
        str(lake),
        catalog=tmp_path / "other.db",
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    params = {
        "datasetsColumns": [["id", "region"], ["id", "region"]],
        "secondaryDatasetNames": ["jan"],
        "targetColumnNames": ["id", "region"],
    }
    union = recipe_file(tmp_path, [{"Action": {"Operation": "UNION", "Parameters": params}}])
    write_table(
        pd.DataFrame({"id": [99], "amount": [1.0], "year": [2024], "month": [1], "region": ["x"]}),
        "catalog:sales.extra",
        catalog=str(lake),
    )
    joined = workbench(
        "run", str(union), "--input", "catalog:sales.orders", "--where", WANTED,
        "--dataset", "jan=catalog:sales.extra", "--output", str(tmp_path / "u.parquet"),
        catalog=lake, cwd=tmp_path,
    )  # fmt: skip
    assert joined.returncode == 0, joined.stderr
    assert pq.read_table(tmp_path / "u.parquet").num_rows == 31


def test_catalog_commands(tmp_path: Path, lake: Path) -> None:
    frame = pd.DataFrame({"email": ["a@x.io"], "n": [1]})
    write_table(frame, "catalog:crm.people", catalog=str(lake))
    write_table(frame.assign(n=[1.5], city=["oslo"]), "catalog:crm.people", overwrite=True, catalog=str(lake))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return workbench("catalog", *args, catalog=lake, cwd=tmp_path)

    listed = json.loads(run("list", "--json").stdout)
    assert [(t["database"], t["name"], t["partitions"]) for t in listed] == [
        ("crm", "people", 0),
        ("sales", "orders", 120),
    ]
    assert "sales.orders" in run("list", "sales").stdout
    shown = run("show", "sales.orders").stdout
    assert "partition keys: year (integer), month (integer), region (string)" in shown
    assert "partitions: 120, 240 files" in shown
    history = run("history", "crm.people").stdout
    assert "added city (string); n integer -> double" in history
    assert run("diff", "crm.people", "1", "2", "--json").stdout
    assert json.loads(run("diff", "crm.people", "1", "2", "--json").stdout)["retyped"] == [
        {"name": "n", "from": "integer", "to": "double"}
    ]
    assert run("tag", "crm.people", "--column", "email", "DataClassification=confidential").returncode == 0
    assert run("tag", "crm.people", "Compliance=LGPD").returncode == 0
    assert json.loads(run("show", "crm.people", "--json").stdout)["tags"] == {
        "": {"Compliance": "LGPD"},
        "email": {"DataClassification": "confidential"},
    }
    assert run("tag", "crm.people", "--remove", "Compliance").returncode == 0
    assert [t["name"] for t in json.loads(run("search", "confidential", "--json").stdout)] == ["people"]
    assert "no table matches" in run("search", "nothing-like-this").stdout


def test_catalog_command_errors(tmp_path: Path, lake: Path) -> None:
    def run(*args: str, catalog: Path = lake) -> subprocess.CompletedProcess[str]:
        return workbench("catalog", *args, catalog=catalog, cwd=tmp_path)

    unknown = run("show", "sales.ordrs")
    assert unknown.returncode == 1
    assert "did you mean 'sales.orders'" in unknown.stderr
    assert "did you mean 'sales'" in run("list", "sale").stderr
    assert "has no schema version 3" in run("diff", "sales.orders", "1", "3").stderr
    assert "has no column 'nope'" in run("tag", "sales.orders", "--column", "nope", "a=b").stderr
    assert "not both" in run("tag", "sales.orders", "a=b", "--remove", "a").stderr
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"not a database at all" * 100)
    broken = run("list", catalog=corrupt)
    assert broken.returncode == 1
    assert "is not a Workbench catalog or is corrupt" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert "sqlite3" not in broken.stderr


def test_a_locked_catalog_is_a_clear_error(
    tmp_path: Path, lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.core import sqlite_files

    monkeypatch.setattr(sqlite_files, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(lake, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CatalogError, match="is locked by another process"):
            write_table(pd.DataFrame({"n": [1]}), "catalog:o.t", catalog=str(lake))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- the notebook --------------------------------------------------------------------------


def test_wb_catalog_lists_shows_and_reads(lake: Path) -> None:
    cat = wb.catalog(str(lake))
    tables = cat.tables()
    assert tables.loc[0, "table"] == "sales.orders"
    assert tables.loc[0, "partitions"] == 120
    view = cat.show("sales.orders")
    assert "3 of" not in repr(view)
    assert "120 partitions, 240 files" in repr(view)
    assert "created" in repr(view)
    assert "<table" in view._repr_html_()
    assert view.schema()["partition_key"].tolist() == [False, False, True, True, True]
    assert len(cat.read("sales.orders", where=WANTED)) == 30
    with pytest.raises(CatalogError, match=r"did you mean 'sales\.orders'"):
        cat.show("sales.order")


def test_a_crawled_table_is_read_by_name(tmp_path: Path) -> None:
    catalog = tmp_path / "crawl.db"
    for year, month in ((2023, 12), (2024, 1), (2024, 2)):
        folder = tmp_path / "lake" / "sales" / f"year={year}" / f"month={month}"
        folder.mkdir(parents=True)
        (folder / "a.csv").write_text(f"id,amount\n{month},2.5\n{month + 100},3.5\n")
    (tmp_path / "lake" / "sales" / "year=2024" / "month=1" / "b.csv").write_text("id,amount\n7,1.0\n")
    crawled = workbench(
        "crawl", str(tmp_path / "lake" / "sales"), "--database", "lake", catalog=catalog, cwd=tmp_path
    )
    assert crawled.returncode == 0, crawled.stderr
    out = tmp_path / "jan.parquet"
    done = workbench(
        "run", str(recipe_file(tmp_path, [{"Action": {"Operation": "NUMBER_FORMAT", "Parameters": {
            "sourceColumn": "amount", "decimalPlaces": "0"}}}])),
        "--input", "catalog:lake.sales", "--where", "year = 2024 and month = 1", "--output", str(out),
        catalog=catalog, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "3 rows in (1 of 3 partitions, 2 files)" in done.stderr
    table = pq.read_table(out).to_pydict()
    assert sorted(table["id"]) == [1, 7, 101]
    assert set(table["year"]) == {2024}


def test_an_unpartitioned_crawled_table_reads_the_files_the_crawl_found(tmp_path: Path) -> None:
    catalog = tmp_path / "crawl.db"
    folder = tmp_path / "lake" / "customers"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text("id,name\n1,Ada\n2,Bo\n")
    (folder / "b.csv").write_text("id,name\n3,Cy\n")
    crawl(str(folder), database="lake", catalog=str(catalog))
    # Written after the crawl: a stray, unreadable file is not part of the table until a recrawl.
    (folder / "c.csv").write_bytes(b"\xff\xfe not, a\n table")
    chosen = select("catalog:lake.customers", catalog=str(catalog))
    assert sorted(p.name for p in chosen.files) == ["a.csv", "b.csv"]
    frame = read_table_pandas("catalog:lake.customers", catalog=str(catalog))
    assert sorted(frame["id"].tolist()) == [1, 2, 3]


def test_wb_open_takes_a_table_name_and_where(
    lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.widget.widget import Workbench

    monkeypatch.chdir(tmp_path)
    opened = wb.open("catalog:sales.orders", where=WANTED, catalog=str(lake))
    assert isinstance(opened, Workbench)
    assert isinstance(wb.catalog(str(lake)).open("sales.orders", where=WANTED), Workbench)
    with pytest.raises(RecipeError, match="where= prunes the partitions"):
        wb.open(pd.DataFrame({"a": [1]}), where="a = 1")
    with pytest.raises(DataIOError, match="cannot read"):  # every partition, corrupt ones included
        wb.open("catalog:sales.orders", catalog=str(lake))


def test_a_table_output_may_not_be_an_input_or_overlap_one(lake: Path, tmp_path: Path) -> None:
    from workbench.catalog.tables import using_catalog
    from workbench.cli.jobs import check_outputs

    with using_catalog(str(lake)):
        with pytest.raises(RecipeError, match=r"'catalog:sales\.orders' is also an input"):
            check_outputs(Path("catalog:sales.orders"), [Path("catalog:sales.orders")], True)
        inside = tmp_path / "lake" / "orders" / "year=2023"
        with pytest.raises(RecipeError, match=r"output table folder .* contains the input"):
            check_outputs(Path("catalog:sales.orders"), [inside], True)
        with pytest.raises(RecipeError, match="already exists; pass --overwrite"):
            check_outputs(Path("catalog:sales.orders"), [tmp_path / "elsewhere.csv"], False)
        check_outputs(Path("catalog:mart.new"), [Path("catalog:sales.orders"), inside], False)
