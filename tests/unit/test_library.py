"""The recipe library on a folder: numbering, aliases, search, diff, pull, lock, frozen runs,
tamper refusal, name escaping, concurrent publishers and a publisher killed mid-publish."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import workbench as wb
from workbench.cli.main import cli
from workbench.library import LIBRARY_ENV, Library, lock, resolve_pinned
from workbench.library.errors import (
    InvalidNameError,
    LockError,
    NotFoundError,
    PinnedError,
    TamperedError,
)


def recipe(column: str = "city", *, extra: bool = False) -> wb.Recipe:
    steps: list[dict[str, Any]] = [
        {"id": "up", "Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": column}}}
    ]
    if extra:
        lower = {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "név"}}
        steps.insert(0, {"id": "lo", "Action": lower})
    return wb.Recipe.from_data(
        {"name": "sales", "description": "Clean the sales export", "tags": ["finance"], "steps": steps}
    )


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    return wb.library(tmp_path / "lib")


def test_databrew_numbering_draft_and_latest(lib: Library) -> None:
    assert lib.save_draft(recipe()) == "0.1"
    assert lib.publish(name="sales", message="from the draft").version == "1.0"
    assert lib.show("sales")["draft"] == "1.1"
    assert lib.publish(recipe("town")).version == "2.0"
    info = lib.show("sales")
    assert [v["version"] for v in info["versions"]] == ["1.0", "2.0"]
    assert info["aliases"] == {"LATEST_PUBLISHED": "2.0"}
    assert lib.resolve("sales").version == "2.0"
    assert lib.resolve("sales@LATEST_WORKING").draft
    record = lib.show("sales@1.0")
    assert record["message"] == "from the draft"
    assert record["stepVersions"] == {"UPPER_CASE": 1}
    assert record["digest"].startswith("sha256:")
    assert record["steps"][0]["Action"]["Operation"] == "UPPER_CASE"


def test_aliases_digests_and_deprecation(lib: Library) -> None:
    first = lib.publish(recipe())
    lib.publish(recipe("town"))
    lib.alias("sales@1.0", "prod")
    assert lib.resolve("sales@prod").version == "1.0"
    assert lib.resolve(f"sales@{first.digest[:19]}").version == "1.0"
    lib.alias("sales@2.0", "prod")
    assert lib.aliases("sales")["prod"] == "2.0"
    lib.deprecate("sales@2.0", reason="wrong column")
    assert lib.resolve("sales").version == "1.0"  # LATEST_PUBLISHED skips deprecated versions
    assert lib.resolve("sales@2.0").deprecated["reason"] == "wrong column"
    with pytest.raises(InvalidNameError, match="kept up to date"):
        lib.alias("sales@1.0", "LATEST_PUBLISHED")
    with pytest.raises(NotFoundError, match="no version or alias 'qa'"):
        lib.resolve("sales@qa")
    with pytest.raises(NotFoundError, match="did you mean 'sales'"):
        lib.resolve("sale@1.0")
    with pytest.raises(NotFoundError, match=r"published: 1\.0, 2\.0"):
        lib.resolve("sales@7.0")


def test_search_by_name_description_tag_operation_and_column(lib: Library) -> None:
    lib.publish(recipe(extra=True))
    capital = {"Operation": "CAPITAL_CASE", "Parameters": {"sourceColumn": "x"}}
    other = wb.Recipe.from_data([{"Action": capital}])
    lib.publish(other, name="other")
    for query in ("sales", "export", "FINANCE", "lower_case", "név", "upper city"):
        assert [r["name"] for r in lib.list(search=query)] == ["sales"], query
    assert [r["name"] for r in lib.list()] == ["other", "sales"]
    assert lib.list(search="nothing-like-this") == []


def test_diff_in_words(lib: Library) -> None:
    lib.publish(recipe())
    lib.publish(recipe("town", extra=True))
    text = str(lib.diff("sales@1.0", "sales@2.0"))
    assert "step 2 (UPPER_CASE, id 'up'): parameter 'sourceColumn' changed from \"city\" to \"town\"" in text
    assert "step 1 (LOWER_CASE, id 'lo'): added" in text
    back = lib.diff("sales@2.0", "sales@1.0").to_dict()
    assert {c["kind"] for c in back["changes"]} == {"removed", "changed"}
    assert str(lib.diff("sales@1.0", "sales@1.0")).endswith("no changes")
    moved = recipe(extra=True)
    moved.steps.reverse()
    lib.publish(moved)
    kinds = [c.kind for c in lib.diff("sales@2.0", "sales@3.0").changes]
    assert "moved" in kinds


def test_pull_writes_the_version(lib: Library, tmp_path: Path) -> None:
    lib.publish(recipe())
    lib.pull("sales@1.0", tmp_path / "out.json")
    assert wb.Recipe.load(tmp_path / "out.json").to_dict() == recipe().to_dict()
    lib.pull("sales@1.0", tmp_path / "brew.json", databrew=True)
    assert isinstance(json.loads((tmp_path / "brew.json").read_text()), list)


@pytest.mark.parametrize("name", ["../escape", "/abs", "a/b", "a\\b", "..", ".hidden", "x..y", "trail "])
def test_names_that_would_escape_are_refused(lib: Library, name: str) -> None:
    with pytest.raises(InvalidNameError):
        lib.publish(recipe(), name=name)
    assert not (Path(lib.url).parent / "escape").exists()


def test_names_differing_only_in_case_are_refused(lib: Library) -> None:
    lib.publish(recipe())
    with pytest.raises(InvalidNameError, match="only in case"):
        lib.publish(recipe(), name="Sales")


def test_tampered_content_and_records_are_refused(lib: Library) -> None:
    first = lib.publish(recipe())
    folder = Path(lib.url) / "recipes" / "sales"
    content = folder / "objects" / f"{first.digest.removeprefix('sha256:')}.json"
    content.write_bytes(content.read_bytes().replace(b"city", b"town"))
    with pytest.raises(TamperedError, match="does not match its checksum"):
        lib.resolve("sales@1.0")
    second = lib.publish(recipe("zip"))
    record_path = folder / "versions" / f"{second.version}.json"
    record = json.loads(record_path.read_text())
    record["message"] = "rewritten"
    record_path.write_text(json.dumps(record))
    with pytest.raises(TamperedError, match="version record"):
        lib.resolve(f"sales@{second.version}")


def test_published_versions_are_created_exclusively(lib: Library) -> None:
    from workbench.library.store import AlreadyExistsError, Store

    lib.publish(recipe())
    store = Store(lib.url)
    with pytest.raises(AlreadyExistsError):
        store.create("recipes/sales/versions/1.0.json", b"{}")


def test_concurrent_publishers_get_distinct_versions(lib: Library) -> None:
    results: list[str] = []

    def publish(n: int) -> None:
        results.append(Library(lib.url).publish(recipe(f"c{n}"), message=str(n)).version)

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=float) == [f"{n}.0" for n in range(1, 9)]
    messages = {lib.show(f"sales@{v}")["message"] for v in results}
    assert messages == {str(n) for n in range(8)}


def test_a_publisher_killed_mid_publish_leaves_no_version(lib: Library, tmp_path: Path) -> None:
    source = tmp_path / "r.json"
    recipe().save(source)
    script = (
        "import os, signal\n"
        "from workbench.library import library\n"
        "library._after_content_written = lambda: os.kill(os.getpid(), signal.SIGKILL)\n"
        f"library.Library({lib.url!r}).publish({str(source)!r})\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], check=False)
    assert killed.returncode != 0
    assert lib.published("sales") == []
    assert list((Path(lib.url) / "recipes" / "sales" / "objects").iterdir())  # content, no record
    assert lib.publish(source).version == "1.0"


def test_lock_pins_refs_and_changes_only_on_update(lib: Library, tmp_path: Path) -> None:
    lock_file = tmp_path / "workbench.lock"
    lib.publish(recipe())
    lib.alias("sales@1.0", "prod")
    lock(lib, ["sales@prod"], lock_file)
    lib.publish(recipe("town"))
    lib.alias("sales@2.0", "prod")
    assert resolve_pinned(lib, "sales@prod", lock_file).version == "1.0"
    lock(lib, [], lock_file)
    assert resolve_pinned(lib, "sales@prod", lock_file, frozen=True).version == "1.0"
    _, changed = lock(lib, [], lock_file, update=True)
    assert changed
    assert resolve_pinned(lib, "sales@prod", lock_file).version == "2.0"
    with pytest.raises(LockError, match="not pinned"):
        resolve_pinned(lib, "sales@1.0", lock_file, frozen=True)
    with pytest.raises(PinnedError, match="--force"):
        lib.deprecate("sales@2.0")
    assert lib.deprecate("sales@1.0").deprecated  # no lock pins 1.0 any more
    assert lib.deprecate("sales@2.0", force=True).deprecated


def test_lock_refuses_a_pinned_version_whose_digest_changed(lib: Library, tmp_path: Path) -> None:
    lock_file = tmp_path / "workbench.lock"
    lib.publish(recipe())
    lock(lib, ["sales@1.0"], lock_file)
    data = json.loads(lock_file.read_text())
    data["pins"]["sales@1.0"]["digest"] = "sha256:" + "0" * 64
    lock_file.write_text(json.dumps(data))
    with pytest.raises(LockError, match="refusing to run it"):
        resolve_pinned(lib, "sales@1.0", lock_file)


def test_wb_open_takes_a_library_ref(lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    monkeypatch.chdir(tmp_path)
    lib.publish(recipe())
    workbench = wb.open(pd.DataFrame({"city": ["oslo", None, "zürich"]}), recipe="sales@1.0", library=lib.url)
    cities = workbench.result()["city"].tolist()
    assert (cities[0], cities[2]) == ("OSLO", "ZÜRICH")
    assert pd.isna(cities[1])


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_cli_journey(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = str(tmp_path / "lib")
    recipe().save(tmp_path / "sales.json")
    (tmp_path / "in.csv").write_text("city,n\noslo,1\n,2\nzürich,3\n", encoding="utf-8")
    env = {"WORKBENCH_LIBRARY": url}
    assert invoke("library", "publish", "sales.json", "-m", "first", env=env).exit_code == 0
    assert invoke("library", "publish", "sales.json", "--library", url).exit_code == 0
    listed = invoke("library", "list", "--search", "finance", "--json", env=env)
    assert [r["name"] for r in json.loads(listed.output)] == ["sales"]
    shown = json.loads(invoke("library", "show", "sales", "--json", env=env).output)
    assert [v["version"] for v in shown["versions"]] == ["1.0", "2.0"]
    assert invoke("library", "alias", "sales@1.0", "prod", env=env).exit_code == 0
    one = json.loads(invoke("library", "show", "sales@prod", "--json", env=env).output)
    assert one["version"] == "1.0"
    assert one["steps"]
    diff = json.loads(invoke("library", "diff", "sales@1.0", "sales@2.0", "--json", env=env).output)
    assert diff["changes"] == []
    assert invoke("library", "pull", "sales@prod", "-o", "pulled.json", env=env).exit_code == 0
    frozen = invoke("run", "sales@prod", "--input", "in.csv", "--output", "out.csv", "--frozen", env=env)
    assert frozen.exit_code == 2
    assert "not pinned" in frozen.output
    assert invoke("lock", "sales@prod", env=env).exit_code == 0
    ran = invoke("run", "sales@prod", "--input", "in.csv", "--output", "out.csv", "--frozen", env=env)
    assert ran.exit_code == 0, ran.output
    assert "OSLO" in (tmp_path / "out.csv").read_text(encoding="utf-8")
    refused = invoke("library", "deprecate", "sales@1.0", env=env)
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert invoke("library", "deprecate", "sales@1.0", "--force", env=env).exit_code == 0


def test_cli_errors_are_messages_with_exit_codes(tmp_path: Path) -> None:
    url = str(tmp_path / "lib")
    missing = invoke("library", "show", "nope", "--library", url)
    assert missing.exit_code == 2
    assert "no recipe 'nope'" in missing.output
    bad = invoke("library", "show", "../x", "--library", url)
    assert bad.exit_code == 2
    assert "is not a recipe name" in bad.output
    unset = invoke("library", "list", env={"WORKBENCH_LIBRARY": ""})
    assert unset.exit_code == 2
    assert "WORKBENCH_LIBRARY" in unset.output
    no_lib = invoke("run", "sales@1.0", "--input", "x.csv", "--output", "y.csv", env={LIBRARY_ENV: ""})
    assert no_lib.exit_code == 2
    assert "--library" in no_lib.output
    assert "Traceback" not in missing.output + bad.output + unset.output


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("sales@", "after '@'"),
        ("sales@0.0", "0.0 is not one"),
        ("sales@1234567.0", "is not a version"),
        ("sales@sha256:abc", "12 to 64"),
        ("sales@pr/od", "not an alias name"),
        ("../etc@1.0", "is not a recipe name"),
        ("", "NAME@REF"),
    ],
)
def test_bad_refs_are_refused_with_the_rule(ref: str, message: str) -> None:
    from workbench.library import parse_ref

    with pytest.raises(InvalidNameError, match=message):
        parse_ref(ref)


def test_an_unreadable_lock_file_is_an_error(lib: Library, tmp_path: Path) -> None:
    broken = tmp_path / "workbench.lock"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(LockError, match="unreadable"):
        resolve_pinned(lib, "sales@1.0", broken)
    with pytest.raises(LockError, match="nothing to lock"):
        lock(lib, [], tmp_path / "new.lock")


def test_publish_records_the_input_it_was_built_against(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = str(tmp_path / "lib")
    recipe().save(tmp_path / "sales.json")
    (tmp_path / "in.csv").write_text("city,n\noslo,1\n", encoding="utf-8")
    published = invoke("library", "publish", "sales.json", "--input", "in.csv", "--library", url, "--json")
    record = json.loads(published.output)
    assert record["inputSchema"] == [{"name": "city", "type": "string"}, {"name": "n", "type": "integer"}]
    assert record["dataset"] == {"path": "in.csv", "format": "csv"}
