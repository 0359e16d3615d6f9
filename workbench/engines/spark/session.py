"""Spark sessions: a local classic session by default, Spark Connect for a remote URL."""

from __future__ import annotations

import os
import shutil
import subprocess

from pyspark.sql import SparkSession

from workbench.core.errors import WorkbenchError

SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    # Workbench's Spark expressions are written for non-ANSI semantics (null on a bad cast or a
    # division by zero), which is also what the pandas engine does.
    "spark.sql.ansi.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
}


def java_problem() -> str | None:
    """Why Spark cannot start on this machine, or None when Java 17+ is there."""
    java = shutil.which("java", path=os.path.join(os.environ.get("JAVA_HOME", ""), "bin")) or shutil.which("java")
    if not java:
        return "Spark needs Java 17 or newer and no 'java' was found; install OpenJDK 17 (e.g. apt-get install openjdk-17-jre-headless)"
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not run {java} -version: {exc}"
    text = out.stderr + out.stdout
    version = text.split('"')[1] if '"' in text else ""
    major = version.split(".")[0] if version else ""
    if major == "1":
        major = version.split(".")[1]
    if not major.isdigit() or int(major) < 17:
        return f"Spark needs Java 17 or newer; found {version or 'an unknown version'} at {java}"
    return None


def get_session(remote: str | None = None, app_name: str = "workbench") -> SparkSession:
    """A Spark session: Spark Connect when ``remote`` is given, else a local classic one."""
    if remote:
        builder = SparkSession.builder.remote(remote)
        session = builder.getOrCreate()
        for key, value in SESSION_CONF.items():
            session.conf.set(key, value)
        return session
    problem = java_problem()
    if problem:
        raise WorkbenchError(problem)
    builder = SparkSession.builder.master(os.environ.get("WORKBENCH_SPARK_MASTER", "local[2]")).appName(app_name)
    builder = builder.config("spark.ui.enabled", "false").config("spark.driver.memory", "2g")
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
