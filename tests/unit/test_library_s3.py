"""The recipe library on an S3-compatible server (moto on loopback, started once per session):
conditional writes, tamper refusal, 8 concurrent publishers, a failed publish, lock and search."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("s3fs")
pytest.importorskip("moto.moto_server.threaded_moto_server")

import workbench as wb
from tests.unit.conftest import new_bucket
from workbench.library import Library, library, lock, resolve_pinned
from workbench.library.errors import TamperedError
from workbench.library.store import AlreadyExistsError, Store


@pytest.fixture
def options(s3_options: dict[str, Any]) -> dict[str, Any]:
    return s3_options


@pytest.fixture
def url(options: dict[str, Any]) -> str:
    return f"s3://{new_bucket(options, 'lib')}/team/recipes"


def open_lib(url: str, options: dict[str, Any]) -> Library:
    return Library(url, storage_options=options)


def recipe(column: str = "city") -> wb.Recipe:
    step = {"id": "up", "Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": column}}}
    document = {"name": "sales", "description": "Clean sales", "tags": ["s3"], "steps": [step]}
    return wb.Recipe.from_data(document)


def test_publish_show_search_diff_and_pull(url: str, options: dict[str, Any], tmp_path: Path) -> None:
    lib = open_lib(url, options)
    assert lib.publish(recipe(), message="first").version == "1.0"
    assert lib.publish(recipe("town")).version == "2.0"
    lib.alias("sales@1.0", "prod")
    assert lib.resolve("sales@prod").version == "1.0"
    assert [r["name"] for r in lib.list(search="town")] == ["sales"]
    assert 'changed from "city" to "town"' in str(lib.diff("sales@prod", "sales@2.0"))
    lib.pull("sales@2.0", tmp_path / "pulled.json")
    assert wb.Recipe.load(tmp_path / "pulled.json").steps[0].parameters["sourceColumn"] == "town"


def test_the_conditional_write_refuses_an_existing_version(url: str, options: dict[str, Any]) -> None:
    lib = open_lib(url, options)
    lib.publish(recipe())
    store = Store(url, options)
    with pytest.raises(AlreadyExistsError):
        store.create("recipes/sales/versions/1.0.json", b"{}")
    assert lib.resolve("sales@1.0").recipe.steps[0].parameters["sourceColumn"] == "city"


def test_tampered_object_is_refused(url: str, options: dict[str, Any]) -> None:
    lib = open_lib(url, options)
    first = lib.publish(recipe())
    store = Store(url, options)
    path = f"recipes/sales/objects/{first.digest.removeprefix('sha256:')}.json"
    store.replace(path, (store.read(path) or b"").replace(b"city", b"evil"))
    with pytest.raises(TamperedError, match="does not match its checksum"):
        lib.resolve("sales@1.0")


def test_eight_concurrent_publishers_lose_nothing(url: str, options: dict[str, Any]) -> None:
    versions: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def publish(n: int) -> None:
        try:
            start.wait()
            versions.append(open_lib(url, options).publish(recipe(f"c{n}"), message=str(n)).version)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(versions, key=float) == [f"{n}.0" for n in range(1, 9)]
    lib = open_lib(url, options)
    assert lib.published("sales") == [f"{n}.0" for n in range(1, 9)]
    messages = {lib.show(f"sales@{v}")["message"] for v in versions}
    assert messages == {str(n) for n in range(8)}


def test_a_publish_failing_after_the_content_leaves_no_version(
    url: str, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(library, "_after_content_written", crash)
    with pytest.raises(KeyboardInterrupt):
        open_lib(url, options).publish(recipe())
    monkeypatch.setattr(library, "_after_content_written", None)
    lib = open_lib(url, options)
    assert lib.published("sales") == []
    assert lib.publish(recipe()).version == "1.0"


def test_lock_and_frozen_resolution(url: str, options: dict[str, Any], tmp_path: Path) -> None:
    lib = open_lib(url, options)
    lib.publish(recipe())
    lock_file = tmp_path / "workbench.lock"
    lock(lib, ["sales"], lock_file)
    lib.publish(recipe("town"))
    assert resolve_pinned(lib, "sales", lock_file, frozen=True).version == "1.0"
    pins = json.loads(lock_file.read_text())["pins"]
    assert pins["sales"]["library"] == url
    assert [p["version"] for p in lib.pins("sales")] == ["1.0"]


def test_cli_publishes_locks_and_runs_a_job_by_reference(
    url: str, options: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fsspec.config
    from click.testing import CliRunner

    from workbench.cli.main import cli

    # What FSSPEC_S3_ENDPOINT_URL and the key variables set for a command run from a shell.
    shell = {k: v for k, v in options.items() if k != "skip_instance_cache"}
    monkeypatch.setitem(fsspec.config.conf, "s3", shell)
    monkeypatch.chdir(tmp_path)
    recipe().save(tmp_path / "sales.json")
    (tmp_path / "in.csv").write_text("city\noslo\n\nzürich\n", encoding="utf-8")
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(cli, [*args], env={"WORKBENCH_LIBRARY": url}, catch_exceptions=False)

    assert invoke("library", "publish", "sales.json", "-m", "from the widget").exit_code == 0
    found = json.loads(invoke("library", "list", "--search", "upper_case", "--json").output)
    assert [r["name"] for r in found] == ["sales"]
    assert invoke("lock", "sales@1.0").exit_code == 0
    ran = invoke("run", "sales@1.0", "--input", "in.csv", "--output", "out.csv", "--frozen")
    assert ran.exit_code == 0, ran.output
    assert "ZÜRICH" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_an_unreachable_endpoint_is_one_line_naming_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import fsspec.config
    from click.testing import CliRunner

    from workbench.cli.main import cli

    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setitem(
        fsspec.config.conf,
        "s3",
        {
            "endpoint_url": f"http://127.0.0.1:{closed}",
            "key": "k",
            "secret": "s",
            "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 2},
        },
    )
    recipe().save(tmp_path / "sales.json")
    runner = CliRunner()
    for args in (["library", "list"], ["library", "publish", str(tmp_path / "sales.json")]):
        result = runner.invoke(cli, [*args, "--library", "s3://nobody/lib"], catch_exceptions=False)
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert "library 's3://nobody/lib'" in lines[0]
