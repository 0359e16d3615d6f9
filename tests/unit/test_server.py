"""The Workbench server extension's REST endpoints, against a real jupyter_server on loopback: behind
the server's authentication, the data files of a folder, the library's recipes, versions and diffs,
and refusals of folders, names and refs that would escape the server root or the library."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.servers import (
    JupyterServer,
    free_loopback_port,
    isolated_environment,
    stop_server,
    wait_until_answering,
)

API = "/workbench/api"


def start_jupyter_server(
    root: Path, state: Path, config: dict[str, Any], env: dict[str, str]
) -> JupyterServer:
    """`jupyter server` with the Workbench extension enabled through its own config directory."""
    server = JupyterServer("server", root, free_loopback_port(), "t0ken-for-tests", state / "server.log")
    environment = isolated_environment(state)
    environment.pop("WORKBENCH_LIBRARY", None)
    environment.pop("WORKBENCH_CATALOG", None)
    environment.update(env)
    config_dir = Path(environment["JUPYTER_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    enabled = {"ServerApp": {"jpserver_extensions": {"workbench.server": True}}}
    (config_dir / "jupyter_server_config.json").write_text(json.dumps({**enabled, **config}))
    server.log_file = server.log_path.open("wb")
    server.process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={server.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={server.token}",
        ],
        env=environment,
        cwd=root,
        stdout=server.log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_answering(server)
    except Exception:
        stop_server(server)
        raise
    return server


def get(server: JupyterServer, endpoint: str, token: bool = True, **query: str) -> tuple[int, Any]:
    url = f"{server.base_url}{API}/{endpoint}"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    headers = {"Authorization": f"token {server.token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, json.loads(body)
        except ValueError:
            return error.code, body.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    (root / "data" / "nested" / "deeper").mkdir(parents=True)
    (root / "data" / "sales.csv").write_text("city,amount\nLima,1\n", encoding="utf-8")
    (root / "data" / "Ünïcode data.tsv").write_text("a\tb\n1\t2\n", encoding="utf-8")
    (root / "data" / "nested" / "events.jsonl").write_text('{"a": 1}\n', encoding="utf-8")
    (root / "data" / "nested" / "deeper" / "far.parquet").write_bytes(b"PAR1")
    (root / "data" / "notes.txt").write_text("not data", encoding="utf-8")
    recipe = {"format": {"name": "workbench-recipe", "version": 1}, "name": "saved", "steps": []}
    (root / "data" / "sales-recipe.json").write_text(json.dumps(recipe), encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.csv").write_text("a\n1\n", encoding="utf-8")
    (root / "notebooks").mkdir()
    outside = tmp_path_factory.mktemp("outside")
    (outside / "elsewhere.csv").write_text("a\n1\n", encoding="utf-8")
    (root / "data" / "link-out").symlink_to(outside, target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def library_dir(served: Path) -> Path:
    return served / "library"


@pytest.fixture(scope="module")
def server(
    served: Path, library_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    config = {"WorkbenchServer": {"library_url": str(library_dir)}}
    started = start_jupyter_server(served, tmp_path_factory.mktemp("state"), config, {})
    yield started
    stop_server(started)


def test_every_endpoint_needs_the_servers_authentication(server: JupyterServer) -> None:
    for endpoint in ("status", "datasets", "library/recipes", "library/recipes/x", "library/diff"):
        status, _ = get(server, endpoint, token=False)
        assert status == 403, endpoint


def test_status_names_the_library_and_where_it_comes_from(server: JupyterServer, library_dir: Path) -> None:
    status, body = get(server, "status")
    assert status == 200
    assert (body["library"], body["librarySource"]) == (str(library_dir), "server")
    # The Lab setting, sent with the request, comes first.
    body = get(server, "status", library="/srv/other")[1]
    assert (body["library"], body["librarySource"]) == ("/srv/other", "settings")


def test_datasets_lists_the_data_files_of_a_folder_and_its_subfolders(server: JupyterServer) -> None:
    status, body = get(server, "datasets", dir="data")
    assert status == 200
    assert [d["path"] for d in body["datasets"]] == [
        "data/nested/events.jsonl",
        "data/sales.csv",
        "data/Ünïcode data.tsv",
    ]
    assert {d["format"] for d in body["datasets"]} == {"jsonl", "csv", "tsv"}
    assert body["datasets"][1] == {"name": "sales.csv", "path": "data/sales.csv", "format": "csv", "size": 19}
    # Deeper folders on request; the link that leads out of the root and hidden folders never.
    deep = [d["path"] for d in get(server, "datasets", dir="", depth="3")[1]["datasets"]]
    assert "data/nested/deeper/far.parquet" in deep
    assert not [p for p in deep if "elsewhere" in p or "secret" in p]


@pytest.mark.parametrize(
    "folder", ["..", "../..", "data/../..", "/etc", "~", ".hidden", "data/link-out", "data\\..\\.."]
)
def test_datasets_refuses_folders_that_escape_the_root(server: JupyterServer, folder: str) -> None:
    status, body = get(server, "datasets", dir=folder)
    assert status == 403
    assert "datasets:" in body["message"]
    assert repr(folder) in body["message"]


def test_datasets_of_a_missing_folder_or_a_bad_depth(server: JupyterServer) -> None:
    status, body = get(server, "datasets", dir="nowhere")
    assert status == 404
    assert "'nowhere'" in body["message"]
    assert get(server, "datasets", dir="data", depth="deep")[0] == 400


def test_without_a_library_the_library_endpoints_say_how_to_set_one(
    served: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    bare = start_jupyter_server(served, tmp_path_factory.mktemp("bare-state"), {}, {})
    try:
        body = get(bare, "status")[1]
        assert (body["library"], body["librarySource"]) == (None, None)
        status, body = get(bare, "library/recipes")
        assert status == 503
        assert "WORKBENCH_LIBRARY" in body["message"]
    finally:
        stop_server(bare)
    from_env = start_jupyter_server(
        served, tmp_path_factory.mktemp("env-state"), {}, {"WORKBENCH_LIBRARY": str(served / "lib-env")}
    )
    try:
        body = get(from_env, "status")[1]
        assert (body["library"], body["librarySource"]) == (str(served / "lib-env"), "environment")
    finally:
        stop_server(from_env)


UPPER = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}
RENAME = {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "city", "targetColumn": "town"}}}


@pytest.fixture(scope="module")
def published(library_dir: Path) -> str:
    """Two versions of `sales-clean` and one of `orders ünïcode` in the server's library."""
    library_module = pytest.importorskip("workbench.library.library")
    from workbench.recipe.model import Recipe

    library = library_module.Library(str(library_dir))
    library.publish(Recipe.from_data([UPPER]), name="sales-clean", message="upper-case the city")
    library.publish(Recipe.from_data([UPPER, RENAME]), name="sales-clean", message="rename it")
    library.publish(Recipe.from_data([RENAME]), name="orders-2026", message="orders")
    return "sales-clean"


def test_library_lists_and_searches_recipes(server: JupyterServer, library_dir: Path, published: str) -> None:
    status, body = get(server, "library/recipes")
    assert status == 200
    assert body["library"] == str(library_dir)
    assert [r["name"] for r in body["recipes"]] == ["orders-2026", "sales-clean"]
    sales = body["recipes"][1]
    assert (sales["latest"], sales["versions"]) == ("2.0", 2)
    # Search reaches operations too: only sales-clean upper-cases.
    assert [r["name"] for r in get(server, "library/recipes", q="UPPER_CASE")[1]["recipes"]] == [published]
    assert get(server, "library/recipes", q="no-such-thing")[1]["recipes"] == []


def test_library_shows_versions_newest_first_and_one_version_with_its_steps(
    server: JupyterServer, published: str
) -> None:
    status, body = get(server, f"library/recipes/{published}")
    assert status == 200
    assert [v["version"] for v in body["versions"]] == ["2.0", "1.0"]
    assert body["versions"][0]["message"] == "rename it"
    assert body["versions"][0]["digest"].startswith("sha256:")
    assert body["aliases"]["LATEST_PUBLISHED"] == "2.0"
    status, body = get(server, f"library/recipes/{published}/versions/1.0")
    assert status == 200
    assert (body["ref"], body["version"]) == ("sales-clean@1.0", "1.0")
    assert [s["Action"]["Operation"] for s in body["recipe"]["steps"]] == ["UPPER_CASE"]
    latest = get(server, f"library/recipes/{published}/versions/LATEST_PUBLISHED")[1]
    assert latest["version"] == "2.0"


def test_library_diffs_two_versions_in_words(server: JupyterServer, published: str) -> None:
    status, body = get(server, "library/diff", name=published, **{"from": "1.0", "to": "2.0"})
    assert status == 200
    assert "RENAME" in body["text"]
    assert (body["from"], body["to"]) == ("1.0", "2.0")


@pytest.mark.parametrize(
    ("endpoint", "status"),
    [
        ("library/recipes/..", 400),
        ("library/recipes/%2E%2E%2Fescape", 400),
        ("library/recipes/.hidden", 400),
        ("library/recipes/a%2Fb", 400),
        ("library/recipes/sales-clean/versions/..%2F..%2Fx", 400),
        ("library/recipes/no-such-recipe", 404),
        ("library/recipes/sales-clean/versions/9.0", 404),
    ],
)
def test_library_refuses_names_that_escape_it_and_says_what_is_missing(
    server: JupyterServer, published: str, endpoint: str, status: int
) -> None:
    answer_status, body = get(server, endpoint)
    assert answer_status == status
    assert body["message"]


def test_library_diff_refuses_a_bad_ref(server: JupyterServer, published: str) -> None:
    status, body = get(server, "library/diff", name=published, **{"from": "../1.0", "to": "2.0"})
    assert status == 400
    assert "'../1.0'" in body["message"]
