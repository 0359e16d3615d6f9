"""Start and stop a real Spark Connect server from the pyspark package, on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyspark


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ConnectServer:
    """A Spark Connect server process bound to 127.0.0.1."""

    def __init__(self) -> None:
        self.home = Path(pyspark.__file__).parent
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="wb-connect-"))
        self.env = {
            **os.environ,
            "SPARK_HOME": str(self.home),
            "SPARK_LOG_DIR": str(self.workdir / "logs"),
            "SPARK_PID_DIR": str(self.workdir),
            "SPARK_IDENT_STRING": f"wb{self.port}",
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_NO_DAEMONIZE": "",
            "PYSPARK_PYTHON": os.environ.get("PYSPARK_PYTHON", sys.executable),
        }
        self.env.pop("SPARK_NO_DAEMONIZE")
        self.env.pop("SPARK_REMOTE", None)
        self.env.pop("SPARK_CONNECT_MODE_ENABLED", None)

    @property
    def url(self) -> str:
        return f"sc://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180.0) -> None:
        script = self.home / "sbin" / "start-connect-server.sh"
        confs = {
            "spark.connect.grpc.binding.address": "127.0.0.1",
            "spark.connect.grpc.binding.port": str(self.port),
            "spark.master": "local[2]",
            "spark.ui.enabled": "false",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.ansi.enabled": "false",
            "spark.sql.shuffle.partitions": "4",
            "spark.driver.memory": "2g",
            # Python UDFs on the server run this interpreter, with the test environment's packages.
            "spark.pyspark.python": sys.executable,
        }
        args = ["bash", str(script)]
        for key, value in confs.items():
            args += ["--conf", f"{key}={value}"]
        subprocess.run(args, env=self.env, check=True, capture_output=True, timeout=120)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.5)
        logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in (self.workdir / "logs").glob("*"))
        self.stop()
        msg = f"Spark Connect server did not listen on {self.port} within {timeout}s\n{logs}"
        raise RuntimeError(msg)

    def stop(self) -> None:
        script = self.home / "sbin" / "stop-connect-server.sh"
        subprocess.run(["bash", str(script)], env=self.env, check=False, capture_output=True, timeout=120)
