"""Crawlers over local folders: classifiers, inference, partitions, grouping explained, policies,
recrawls of changed folders only, sensitive tags, bad input, the CLI, and concurrent processes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.unit import crawl_tree
from workbench.catalog import CatalogError, crawl, open_catalog
from workbench.catalog.crawlers import CrawlConfigError, CrawlReport
from workbench.catalog.crawlers.classifiers import Head, build_classifiers, classify
from workbench.catalog.crawlers.grok import GrokError, grok_to_regex
from workbench.catalog.crawlers.listing import glob_pattern
from workbench.core.types import LType


def write_tree(root: Path) -> Path:
    def put(rel: str, data: bytes) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    crawl_tree.build(put)
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "lake")


@pytest.fixture
def cat(tmp_path: Path) -> str:
    return str(tmp_path / "catalog.db")


def run(tree: Path, cat: str, **settings: Any) -> CrawlReport:
    return crawl(str(tree), database="raw", catalog=cat, **{**crawl_tree.crawl_settings(), **settings})


def head(name: str, text: str | bytes, rows: int = 1000) -> Head:
    data = text.encode() if isinstance(text, str) else text
    return Head(name, len(data), data, lambda: None, rows)


# --- the done-when tree ----------------------------------------------------------------------


def test_first_crawl_finds_the_tables_partitions_and_types(tree: Path, cat: str) -> None:
    report = run(tree, cat)
    assert sorted(t.name for t in report.by_action("added")) == ["events", "inventory", "logs", "sales"]
    with open_catalog(cat) as c:
        sales = c.table("raw", "sales")
        assert sales.columns == [
            ("order_id", "integer"),
            ("amount", "double"),
            ("customer_email", "string"),
            ("cpf", "string"),
        ]
        assert sales.partition_keys == [("year", "integer"), ("month", "string")]
        assert [p.values for p in c.partitions("raw", "sales")] == [
            ("2023", "12"),
            ("2024", "01"),
            ("2024", "02"),
        ]
        assert sales.location == str(tree / "retail" / "sales")
        assert sales.read_options["delimiter"] == ","
        assert sales.read_options["header"] is True
        logs = c.table("raw", "logs")
        assert logs.classification == "applog"
        assert logs.format == "regex"
        assert logs.partition_keys == [("partition_0", "integer"), ("partition_1", "string")]
        assert logs.columns == [("ts", "timestamp"), ("level", "string"), ("message", "string")]
        assert [p.location for p in c.partitions("raw", "logs")] == [
            str(tree / "logs" / "2024" / "01"),
            str(tree / "logs" / "2024" / "02"),
        ]


def test_every_grouping_decision_is_explained(tree: Path, cat: str) -> None:
    decisions = run(tree, cat).decisions
    assert (
        "`inventory` and `sales` kept apart: 0 % of columns shared (0 of 8; merging needs 70%)" in decisions
    )
    assert any(
        d.startswith("3 folders merged as partitions of `sales` (keys year, month): 100 %") for d in decisions
    )
    assert any(
        d.startswith("2 folders merged as partitions of `logs` (keys partition_0, partition_1)")
        for d in decisions
    )
    assert "`events`, `logs`, `retail` kept apart: different formats (applog, csv, parquet)" in decisions


def test_bad_files_are_reported_and_do_not_stop_the_crawl(tree: Path, cat: str) -> None:
    (tree / "empty" / "nothing").mkdir(parents=True)
    (tree / "events" / "zero.parquet").write_bytes(b"")
    report = run(tree, cat)
    problems = {Path(p.path).relative_to(tree).as_posix(): p.message for p in report.problems}
    assert problems["events/part-1.parquet"].startswith("corrupt Parquet footer")
    assert problems["retail/inventory/notes.jsonl"].startswith(
        "mixed formats in one folder: this file is jsonl"
    )
    assert problems["empty"] == "empty folder: no data files"
    assert problems["events/zero.parquet"] == "empty file (0 bytes): left out"
    with open_catalog(cat) as c:
        events = c.table("raw", "events")
        assert events.columns == [("event_id", "integer"), ("kind", "string")]
        assert events.row_estimate == 3


def without_file_override() -> list[str]:
    """A command prefix under which file permissions hold, also for root.

    Root reads any file through CAP_DAC_OVERRIDE; util-linux's setpriv drops it (and
    CAP_DAC_READ_SEARCH) from the bounding set, so the crawl meets the permission error a user would.
    """
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs util-linux's setpriv to test permission errors")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def test_an_unreadable_file_is_reported(tree: Path, tmp_path: Path) -> None:
    locked = tree / "retail" / "inventory" / "stock-b.csv"
    locked.chmod(0)
    try:
        done = subprocess.run(
            [
                *without_file_override(),
                sys.executable,
                "-m",
                "workbench",
                "crawl",
                str(tree),
                "--database",
                "raw",
                "--catalog",
                str(tmp_path / "perm.db"),
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        locked.chmod(0o644)
    assert done.returncode == 0, done.stderr
    problems = {p["path"]: p["message"] for p in json.loads(done.stdout)["problems"]}
    assert problems[str(locked)].startswith("cannot read"), problems
    with open_catalog(tmp_path / "perm.db") as c:
        assert c.find_table("raw", "inventory") is not None


def test_types_conflicting_across_files_become_string_and_are_recorded(tree: Path, cat: str) -> None:
    report = run(tree, cat)
    assert any(
        "column 'active'" in c
        and "boolean in stock-a.csv" in c
        and "string in stock-b.csv" in c
        and c.endswith("-> string")
        for c in report.type_conflicts
    )
    with open_catalog(cat) as c:
        assert dict(c.table("raw", "inventory").columns)["active"] == "string"


def test_pii_and_custom_rules_tag_columns_and_no_sample_value_is_stored(tree: Path, cat: str) -> None:
    report = run(tree, cat)
    with open_catalog(cat) as c:
        tags = c.table("raw", "sales").tags
    assert tags["customer_email"]["pii.entity"] == "EMAIL"
    assert float(tags["customer_email"]["pii.confidence"]) >= 0.8
    assert tags["cpf"]["pii.entity"] == "BRAZIL_CPF"
    assert tags["cpf"]["Compliance"] == "LGPD"
    assert tags["cpf"]["DataClassification"] == "confidential"
    assert "order_id" not in tags
    assert report.table("sales").tags == tags
    stored = b"".join(p.read_bytes() for p in Path(cat).parent.glob("catalog.db*"))
    for value in (*crawl_tree.EMAILS, "111.444.777-35", "529.982.247-25"):
        assert value.encode() not in stored


# --- recrawls and policies -------------------------------------------------------------------


def add_march(tree: Path) -> Path:
    folder = tree / "retail" / "sales" / "year=2024" / "month=03"
    folder.mkdir(parents=True)
    (folder / "part-0.csv").write_bytes(crawl_tree.sales_csv(("7", "8"), extra="discount"))
    return folder


def test_a_recrawl_reads_only_changed_folders(tree: Path, cat: str) -> None:
    first = run(tree, cat)
    assert len(first.folders_visited) == 7
    again = run(tree, cat)
    assert again.folders_visited == []
    assert again.files_read == 0
    assert again.folders_unchanged == 7
    assert [t.action for t in again.tables] == ["unchanged"] * 4
    assert any(p.message.startswith("corrupt Parquet footer") for p in again.problems)
    march = add_march(tree)
    third = run(tree, cat)
    assert third.folders_visited == [str(march)]
    assert third.files_read == 1


def test_a_schema_change_becomes_a_new_version_under_update(tree: Path, cat: str) -> None:
    run(tree, cat)
    add_march(tree)
    report = run(tree, cat)
    sales = report.table("sales")
    assert sales.action == "updated"
    assert sales.schema_version == 2
    assert sales.partitions_added == [["2024", "03"]]
    assert sales.schema_change is not None
    assert sales.schema_change["applied"] is True
    assert sales.schema_change["added"] == [{"name": "discount", "type": "double"}]
    assert any(
        d.startswith(
            "4 folders merged as partitions of `sales` (keys year, month): "
            "80 % of columns shared (4 of 5), 2 distinct schemas"
        )
        for d in report.decisions
    )
    with open_catalog(cat) as c:
        history = c.history("raw", "sales")
        assert [v.version for v in history] == [1, 2]
        assert history[1].changes["added"] == [{"name": "discount", "type": "double"}]
        assert ("discount", "double") in c.table("raw", "sales").columns
        assert len(c.partitions("raw", "sales")) == 4


def test_log_keeps_the_schema_and_still_adds_the_partition(tree: Path, cat: str) -> None:
    run(tree, cat)
    add_march(tree)
    report = run(tree, cat, on_schema_change="LOG")
    sales = report.table("sales")
    assert sales.schema_change is not None
    assert sales.schema_change["applied"] is False
    assert sales.partitions_added == [["2024", "03"]]
    assert sales.schema_version == 1
    with open_catalog(cat) as c:
        assert "discount" not in dict(c.table("raw", "sales").columns)
        assert len(c.history("raw", "sales")) == 1


def test_fail_writes_nothing_and_the_next_crawl_reads_the_folder_again(tree: Path, cat: str) -> None:
    run(tree, cat)
    march = add_march(tree)
    report = run(tree, cat, on_schema_change="FAIL")
    assert report.failed
    assert report.table("sales").action == "failed"
    with open_catalog(cat) as c:
        assert len(c.partitions("raw", "sales")) == 3
        assert len(c.history("raw", "sales")) == 1
    assert run(tree, cat).folders_visited == [str(march)]


def test_vanished_partitions_and_tables_follow_the_policy(tree: Path, cat: str) -> None:
    run(tree, cat)
    shutil.rmtree(tree / "logs" / "2024" / "01")
    shutil.rmtree(tree / "events")
    report = run(tree, cat)
    assert report.table("logs").partitions_vanished == [["2024", "01"]]
    assert report.table("events").action == "deprecated"
    with open_catalog(cat) as c:
        assert [p.values for p in c.partitions("raw", "logs")] == [("2024", "02")]
        gone = c.partitions("raw", "logs", include_deprecated=True)
        assert [p.status for p in gone] == ["deprecated", "active"]
        assert c.table("raw", "events").status == "deprecated"
    shutil.rmtree(tree / "logs" / "2024" / "02")
    assert run(tree, cat, on_vanished="DELETE").table("logs").action == "deleted"
    with open_catalog(cat) as c:
        assert c.find_table("raw", "logs") is None


def test_exclusion_globs_and_the_table_level_override(tree: Path, cat: str) -> None:
    report = run(tree, cat, exclude=["**/inventory/**", "events"], table_level=1)
    assert report.files_excluded == 5
    names = sorted(t.name for t in report.tables)
    assert names == ["logs", "retail"]
    assert (
        "`retail` made a table at level 1 (the table_level setting): 3 folder(s), 3 files, csv"
        in report.decisions
    )
    with open_catalog(cat) as c:
        retail = c.table("raw", "retail")
        assert [n for n, _ in retail.partition_keys] == ["partition_0", "year", "month"]


# --- classifiers and inference ------------------------------------------------------------------


def test_csv_sniffing_delimiter_quotes_and_header() -> None:
    builtin = build_classifiers([], 1000)
    found = classify(head("x.txt", 'name;note\n"Ada";"a;b"\n"Bob";"c"\n'), builtin)
    assert found is not None
    assert found.classification == "csv"
    assert found.read_options["delimiter"] == ";"
    assert found.read_options["header"] is True
    tsv = classify(head("x.tsv", "a\tb\n1\t2.5\n3\t4\n"), builtin)
    assert tsv is not None
    assert tsv.classification == "tsv"
    assert tsv.schema == {"a": LType.INTEGER, "b": LType.DOUBLE}
    bare = classify(head("x.csv", "1,2024-01-02\n2,2024-01-03\n"), builtin)
    assert bare is not None
    assert bare.read_options["header"] is False
    assert bare.schema == {"Column_1": LType.INTEGER, "Column_2": LType.DATE}
    single = classify(head("x.csv", "id,name\n'1','Ada, Lovelace'\n'2','Bob'\n"), builtin)
    assert single is not None
    assert single.read_options["quote"] == "'"
    assert list(single.schema) == ["id", "name"]


def test_json_documents_json_lines_and_parquet_are_told_apart() -> None:
    builtin = build_classifiers([], 1000)
    lines = classify(head("a.json", '{"a": 1, "b": "x"}\n{"a": 2.5, "b": null}\n'), builtin)
    assert lines is not None
    assert lines.classification == "jsonl"
    assert lines.schema == {"a": LType.DOUBLE, "b": LType.STRING}
    document = classify(head("a.json", '[\n  {"a": 1, "tags": [1]},\n  {"a": 2, "tags": []}\n]'), builtin)
    assert document is not None
    assert document.classification == "json"
    assert document.schema == {"a": LType.INTEGER, "tags": LType.ARRAY}
    data = crawl_tree.parquet_bytes()
    parquet = build_classifiers([], 1000)[0]
    import io

    found = parquet.classify(Head("p.bin", len(data), data[:4], lambda: io.BytesIO(data), 1000))
    assert found is not None
    assert found.rows_estimate == 3
    assert found.schema["kind"] is LType.STRING


def test_the_first_sure_custom_classifier_wins() -> None:
    mine = build_classifiers([{"name": "pipes", "type": "csv", "delimiter": "|", "header": True}], 1000)
    found = classify(head("a.txt", "a|b,c\n1|2,3\n"), mine)
    assert found is not None
    assert found.classification == "pipes"
    assert found.schema == {"a": LType.INTEGER, "b,c": LType.STRING}
    regex = build_classifiers(
        [{"name": "kv", "type": "regex", "pattern": r"(?P<key>\w+)=(?P<value>\d+)"}], 1000
    )
    kv = classify(head("a.log", "a=1\nb=2\n"), regex)
    assert kv is not None
    assert kv.classification == "kv"
    assert kv.schema == {"key": LType.STRING, "value": LType.INTEGER}
    partial = classify(head("a.log", "a=1\nnot a pair\n"), regex)
    # Not sure (half the lines match), yet still the most certain answer.
    assert partial is not None
    assert (partial.classification, partial.certainty) == ("kv", 0.5)


def test_inference_reads_a_bounded_sample(tmp_path: Path, cat: str) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    rows = "".join(f"{i},{i * 2}\n" for i in range(5000))
    (folder / "data.csv").write_text("a,b\n" + rows + "oops,tail\n")
    report = crawl(str(folder), database="raw", catalog=cat, sample_bytes=4096, pii=False)
    assert report.tables[0].action == "added"
    with open_catalog(cat) as c:
        table = c.table("raw", "big")
    assert table.columns == [("a", "integer"), ("b", "integer")]
    assert table.row_estimate is not None
    assert 4000 < table.row_estimate < 7000


def test_grok_patterns_translate_and_refuse_unknown_names() -> None:
    assert grok_to_regex("%{INT:n} %{WORD}") == r"(?P<n>[+-]?\d+) (?:\b\w+\b)"
    assert grok_to_regex("%{MINE:x}", {"MINE": "%{INT}-%{INT}"}) == r"(?P<x>(?:[+-]?\d+)-(?:[+-]?\d+))"
    with pytest.raises(GrokError, match="did you mean 'LOGLEVEL'"):
        grok_to_regex("%{LOGLEVL:level}")


def test_settings_are_checked_with_the_nearest_name(tree: Path, cat: str) -> None:
    with pytest.raises(CrawlConfigError, match="did you mean 'on_schema_change'"):
        run(tree, cat, on_schema_chnage="LOG")
    with pytest.raises(CrawlConfigError, match="did you mean 'UPDATE'"):
        run(tree, cat, on_schema_change="UPDTE")
    with pytest.raises(CrawlConfigError, match="no named groups"):
        run(tree, cat, classifiers=[{"name": "x", "type": "regex", "pattern": r"\d+"}])


def test_glob_patterns() -> None:
    assert glob_pattern("**/tmp/**").match("a/b/tmp/c.csv")
    assert glob_pattern("*.bak").match("x.bak")
    assert not glob_pattern("*.bak").match("a/x.bak")
    assert glob_pattern("**/*.bak").match("a/x.bak")


# --- the catalog file ------------------------------------------------------------------------


def test_a_corrupt_catalog_gets_a_clear_error_and_is_left_alone(tree: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CatalogError, match="is not a Workbench catalog or is corrupt"):
        run(tree, str(bad))
    assert bad.read_bytes() == b"this is not sqlite" * 100


def test_a_locked_catalog_gets_a_clear_error_and_nothing_is_half_written(
    tree: Path, cat: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_catalog(cat).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, sys, time
            db = sqlite3.connect({cat!r}, isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        from workbench.core import sqlite_files

        monkeypatch.setattr(sqlite_files, "BUSY_TIMEOUT_MS", 300)
        with pytest.raises(CatalogError, match="is locked by another process"):
            run(tree, cat)
    finally:
        holder.kill()
        holder.wait()
    monkeypatch.undo()
    with open_catalog(cat) as c:
        assert c.tables() == []
        assert c.folder_states("raw") == {}


# --- the command line ------------------------------------------------------------------------


def test_cli_crawls_prints_json_and_fails_on_a_refused_schema_change(tree: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from workbench.cli.main import cli

    settings = tmp_path / "crawl.yaml"
    settings.write_text(
        "sensitive:\n  - name: lgpd_cpf\n    column: '(?i)cpf'\n    tags: {Compliance: LGPD}\n"
        "exclude: ['*/tmp/*']\n",
        encoding="utf-8",
    )
    (tree / "retail" / "tmp").mkdir()
    (tree / "retail" / "tmp" / "scratch.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    cat = str(tmp_path / "cli.db")
    base = ["crawl", str(tree), "--database", "raw", "--catalog", cat, "--config", str(settings)]
    base += ["--grok", f"applog={crawl_tree.GROK}"]
    runner = CliRunner()
    result = runner.invoke(cli, [*base, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"]["added"] == 4
    assert data["files_excluded"] == 1
    assert data["counts"]["partitions_added"] == 5
    tags = {t["name"]: t["tags"] for t in data["tables"]}
    assert tags["sales"]["cpf"]["Compliance"] == "LGPD"
    printed = runner.invoke(cli, base, catch_exceptions=False)
    assert printed.exit_code == 0
    assert "kept apart: 0 % of columns shared" in printed.stdout
    add_march(tree)
    refused = runner.invoke(cli, [*base, "--on-schema-change", "fail"], catch_exceptions=False)
    assert refused.exit_code == 1
    assert "nothing was written" in refused.stdout


# --- two crawlers and a reader at once ---------------------------------------------------------

_CRAWLER = """
import sys
from workbench.catalog import crawl
cat, *roots = sys.argv[1:]
for root in roots:
    report = crawl(root, database="raw", catalog=cat, pii=False)
    assert not report.failed, report
print("done", flush=True)
"""

_READER = """
import sys, time
from workbench.catalog import open_catalog
cat, stop = sys.argv[1:]
reads, errors = 0, []
import os
while not os.path.exists(stop):
    try:
        with open_catalog(cat) as c:
            for t in c.tables("raw"):
                c.partitions("raw", t.name)
                c.history("raw", t.name)
        reads += 1
    except Exception as exc:
        errors.append(repr(exc))
print(reads, len(errors), errors[:3], flush=True)
"""


def test_two_crawlers_and_a_reader_at_once_lose_nothing(tmp_path: Path) -> None:
    roots: list[list[str]] = [[], []]
    for n in range(9):
        root = tmp_path / f"set{n}" / f"data{n}"
        for p in range(6):
            folder = root / f"day={p}"
            folder.mkdir(parents=True)
            (folder / "part.csv").write_text(f"id,v{n}\n1,2\n3,4\n")
        if n < 8:
            roots[n % 2].append(str(root))
    # Both crawlers also crawl one shared root, at about the same time.
    for mine in roots:
        mine.insert(2, str(tmp_path / "set8" / "data8"))
    cat = str(tmp_path / "shared.db")
    open_catalog(cat).close()
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, cat, str(stop)], stdout=subprocess.PIPE, text=True, env=env
    )
    crawlers = [
        subprocess.Popen(
            [sys.executable, "-c", _CRAWLER, cat, *mine], stdout=subprocess.PIPE, text=True, env=env
        )
        for mine in roots
    ]
    outputs = [c.communicate(timeout=240)[0] for c in crawlers]
    stop.write_text("")
    reads, errors, _ = reader.communicate(timeout=60)[0].split(" ", 2)
    assert [c.returncode for c in crawlers] == [0, 0]
    assert all("done" in o for o in outputs)
    assert int(reads) > 0
    assert int(errors) == 0
    with open_catalog(cat) as c:
        tables = {t.name: t for t in c.tables("raw")}
        assert sorted(tables) == [f"data{n}" for n in range(9)]
        for name in tables:
            assert len(c.partitions("raw", name)) == 6
        assert len(c.folder_states("raw")) == 54
        assert len(c.history("raw", "data8")) == 1
    connection = sqlite3.connect(cat)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_progress_is_reported_per_file_read(tree: Path, cat: str) -> None:
    seen: list[tuple[int, int]] = []
    crawl(str(tree), database="raw", catalog=cat, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (10, 10)
    assert [d for d, _ in seen] == list(range(1, 11))


def test_files_per_folder_bounds_the_files_read(tree: Path, cat: str) -> None:
    report = run(tree, cat, files_per_folder=1)
    # One file of each extension per folder: inventory's notes.jsonl and stock-a.csv, not stock-b.csv.
    assert report.files_read == 8
    with open_catalog(cat) as c:
        assert c.table("raw", "inventory").columns[0] == ("sku", "string")
        assert report.table("inventory").files == 2


def test_a_folder_crawled_alone_is_a_table_named_after_it_and_names_stay_unique(tree: Path, cat: str) -> None:
    run(tree / "retail" / "inventory", cat)
    other = tree.parent / "elsewhere" / "inventory"
    other.mkdir(parents=True)
    (other / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    report = run(other, cat)
    assert [t.name for t in report.tables] == ["inventory_2"]
    with open_catalog(cat) as c:
        assert c.table("raw", "inventory").location == str(tree / "retail" / "inventory")
        assert c.table("raw", "inventory_2").location == str(other)


def test_a_table_dropped_from_the_catalog_comes_back_with_its_tags(tree: Path, cat: str) -> None:
    run(tree, cat)
    with open_catalog(cat) as c:
        c.delete_table("raw", "sales")
    report = run(tree, cat)
    assert report.folders_visited == []
    assert report.table("sales").action == "added"
    assert report.table("sales").tags["customer_email"]["pii.entity"] == "EMAIL"


def test_a_new_file_in_a_known_partition_updates_it_and_a_key_type_change_is_shown(
    tree: Path, cat: str
) -> None:
    run(tree, cat)
    extra = tree / "retail" / "sales" / "year=2024" / "month=02" / "part-1.csv"
    extra.write_bytes(crawl_tree.sales_csv(("9",)))
    report = run(tree, cat)
    assert report.table("sales").action == "updated"
    assert report.table("sales").partitions_added == []
    with open_catalog(cat) as c:
        files = c.partitions("raw", "sales")[-1].files
    assert files[-1] == str(extra)
    folder = tree / "logs" / "archive" / "01"
    folder.mkdir(parents=True)
    (folder / "app.log").write_text("2023-01-01 10:00:00 INFO job 3 done\n", encoding="utf-8")
    report = run(tree, cat, on_schema_change="LOG")
    changed = report.table("logs").schema_change
    assert changed is not None
    assert changed["partition_keys"]["to"][0] == {"name": "partition_0", "type": "string"}
    from rich.console import Console

    console = Console(record=True, width=300)
    report.print(console)
    assert (
        "logs: partition keys partition_0 (integer), partition_1 (string) -> partition_0 (string), "
        "partition_1 (string) (not applied: LOG)"
    ) in console.export_text()
    with open_catalog(cat) as c:
        assert c.table("raw", "logs").partition_keys[0] == ("partition_0", "integer")


def test_a_table_without_keys_records_the_files_it_kept(tree: Path, cat: str) -> None:
    run(tree, cat)
    with open_catalog(cat) as c:
        (whole,) = c.partitions("raw", "inventory")
        (events,) = c.partitions("raw", "events")
    assert whole.values == ()
    assert whole.files == [str(tree / "retail" / "inventory" / n) for n in ("stock-a.csv", "stock-b.csv")]
    assert events.files == [str(tree / "events" / "part-0.parquet")]


_KILLED_MID_WRITE = """
import os, signal, sys
from workbench.catalog import crawl
from workbench.catalog.crawlers import policies

written = []
apply_table = policies._apply_table


def then_die(*args, **kwargs):
    written.append(apply_table(*args, **kwargs))
    if len(written) == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # the writer dies inside its transaction
    return written[-1]


policies._apply_table = then_die
crawl(sys.argv[1], database="raw", catalog=sys.argv[2], pii=False)
"""


def test_a_crawler_killed_while_writing_leaves_the_catalog_as_it_was(tree: Path, cat: str) -> None:
    run(tree / "events", cat)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(tree), cat], env=env, timeout=120)
    assert killed.returncode == -9
    with open_catalog(cat) as c:
        assert [t.name for t in c.tables()] == ["events"]
        assert list(c.folder_states("raw")) == [str(tree / "events")]
    assert run(tree, cat).counts()["added"] == 3


@pytest.mark.parametrize(
    "values",
    [
        ["1", "2"],
        ["01", "2"],
        ["0"],
        ["-0"],
        [" 7 "],
        ["1.5", "2"],
        ["true", "FALSE"],
        ["2024-01-01"],
        ["2024-02-30"],
        ["nan"],
        ["1e3"],
        ["", "3"],
        [""],
        ["+5"],
        ["1234567890123456789"],
        ["12\n"],
        ["00"],
        ["0.5", "-.5", "5."],
        ["01.5"],
        ["1.5", "x"],
        ["12345678901234567890.5"],
        ["1.", "."],
        ["+"],
        ["2024-01-01 10:00:00", "2024-01-02"],
        ["١٢"],
        ["1\u00a0"],
        ["inf", "2"],
    ],
)
def test_the_fast_type_paths_agree_with_the_readers_rules(values: list[str]) -> None:
    import pyarrow as pa

    from workbench.catalog.crawlers.classifiers import text_type
    from workbench.io.csv_scan import ColumnState, observe

    state = ColumnState()
    observe(state, pa.array(values, pa.large_string()))
    assert text_type(values) == (None if state.fits is None else state.ltype())
