"""A real Jupyter server (JupyterLab 4 or Notebook 7) on a free loopback port, isolated from the
user's Jupyter settings, for the browser tests."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

STARTUP_SECONDS = 90
STOP_SECONDS = 5

# Settings written into the server's own settings directory before it starts.
SETTINGS = {
    # No "get notified about Jupyter news?" toast over the widget.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # Every cell stays in the DOM, so locators find cells that are scrolled out of view.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class ServerStartError(RuntimeError):
    """The Jupyter server exited or did not answer in time."""


@dataclass
class JupyterServer:
    app: str
    root: Path
    port: int
    token: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    log_file: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, relative_path: str) -> str:
        """The address that opens a notebook in this server's UI, with a fresh workspace."""
        prefix = "lab/tree" if self.app == "lab" else "notebooks"
        return f"{self.base_url}/{prefix}/{relative_path}?token={self.token}&reset"


def free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated_environment(state_dir: Path) -> dict[str, str]:
    """Environment variables that point every Jupyter and IPython state directory into state_dir."""
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(state_dir / "config"),
        JUPYTER_DATA_DIR=str(state_dir / "data"),
        JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(state_dir / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state_dir / "workspaces"),
        IPYTHONDIR=str(state_dir / "ipython"),
        # The kernel is this interpreter (the project's venv), whatever PATH says.
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return env


def write_settings(settings_dir: Path) -> None:
    for relative, values in SETTINGS.items():
        path = settings_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def server_command(app: str, server: JupyterServer) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "jupyter",
        app,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={server.port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={server.root}",
        f"--IdentityProvider.token={server.token}",
        "--allow-root",
    ]
    app_class = "LabApp" if app == "lab" else "JupyterNotebookApp"
    command.append(f"--{app_class}.expose_app_in_browser=True")
    if app == "lab":
        command += ["--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    return command


def start_server(
    app: str, root: Path, state_dir: Path, log_path: Path, extra_env: dict[str, str] | None = None
) -> JupyterServer:
    """Start `jupyter lab` or `jupyter notebook` serving root; return once it answers /api/status."""
    server = JupyterServer(app, root, free_loopback_port(), secrets.token_hex(16), log_path)
    env = isolated_environment(state_dir)
    env.update(extra_env or {})
    write_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    server.log_file = log_path.open("wb")
    server.process = subprocess.Popen(
        server_command(app, server),
        env=env,
        cwd=root,
        stdout=server.log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopping it also stops its kernels
    )
    try:
        wait_until_answering(server)
    except ServerStartError:
        stop_server(server)
        raise
    return server


def wait_until_answering(server: JupyterServer) -> None:
    assert server.process is not None
    status_url = f"{server.base_url}/api/status?token={server.token}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if server.process.poll() is not None:
            msg = f"jupyter {server.app} exited with code {server.process.returncode}; log: {server.log_path}"
            raise ServerStartError(msg)
        try:
            with urllib.request.urlopen(status_url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                msg = f"jupyter {server.app} did not answer in {STARTUP_SECONDS} s; log: {server.log_path}"
                raise ServerStartError(msg) from None
            time.sleep(0.2)


def stop_server(server: JupyterServer) -> None:
    """Stop the server and its kernels (its whole process group): SIGTERM, then SIGKILL."""
    process = server.process
    if process is not None and process.poll() is None:
        signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            signal_group(process.pid, signal.SIGKILL)
            process.wait()
    if process is not None:
        # Kernels may outlive a server that exited on its own.
        signal_group(process.pid, signal.SIGKILL)
    if server.log_file is not None:
        server.log_file.close()


def signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signum)
