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
    environment.update(env)
    config_dir = Path(environment["JUPYTER_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    enabled = {"ServerApp": {"jpserver_extensions": {"workbench.server": True}}}
    (config_dir / "jupyter_server_config.json").write_text(json.dumps({**enabled, **config}))
    server.log_file = server.log_path.open("wb")
    server.process = subprocess.Popen(
        [
            sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={server.port}", "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={server.token}",
        ],
        env=environment, cwd=root, stdout=server.log_file, stderr=subprocess.STDOUT, start_new_session=True,
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
    assert get(server, "status") == (200, {"library": str(library_dir), "librarySource": "server"})
    # The Lab setting, sent with the request, comes first.
    from_settings = {"library": "/srv/other", "librarySource": "settings"}
    assert get(server, "status", library="/srv/other")[1] == from_settings


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
        assert get(bare, "status")[1] == {"library": None, "librarySource": None}
        status, body = get(bare, "library/recipes")
        assert status == 503
        assert "WORKBENCH_LIBRARY" in body["message"]
    finally:
        stop_server(bare)
    from_env = start_jupyter_server(
        served, tmp_path_factory.mktemp("env-state"), {}, {"WORKBENCH_LIBRARY": str(served / "lib-env")}
    )
    try:
        expected = {"library": str(served / "lib-env"), "librarySource": "environment"}
        assert get(from_env, "status")[1] == expected
    finally:
        stop_server(from_env)
