"""Spark sessions: a local classic session by default, Spark Connect for a remote URL."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

from workbench.core.errors import WorkbenchError
from workbench.engines.java import java_problem

SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    # Workbench's Spark expressions are written for non-ANSI semantics (null on a bad cast or a
    # division by zero), which is also what the pandas engine does.
    "spark.sql.ansi.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
}


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
    builder = SparkSession.builder.master(os.environ.get("WORKBENCH_SPARK_MASTER", "local[2]")).appName(
        app_name
    )
    builder = builder.config("spark.ui.enabled", "false").config("spark.driver.memory", "2g")
    # Workbench prints its own progress; Spark's stage bars and warnings would garble it.
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    if "WORKBENCH_SPARK_LOG_LEVEL" not in os.environ:
        # Spark's default log profile prints a banner and startup warnings to stderr on every run.
        log_config = Path(__file__).with_name("log4j2.properties")
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j.configurationFile={log_config}")
    # PySpark records the Python call site of every DataFrame function call over the gateway
    # (several round trips each) for error contexts that would point into Workbench's transforms;
    # Workbench names the failing step itself, and building a recipe's plan gets ~3x cheaper.
    builder = builder.config("spark.python.sql.dataFrameDebugging.enabled", "false")
    # Python UDFs run in worker processes: give them this interpreter, so they import the same
    # packages (pandas, pyarrow, phonenumbers, …) as the driver rather than whatever is on PATH.
    # PySpark starts them with PYSPARK_PYTHON, "python3" on PATH when unset.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in SESSION_CONF.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel(os.environ.get("WORKBENCH_SPARK_LOG_LEVEL", "ERROR"))
    return session
