"""Check that Java 17+ is there for Spark (``python -m workbench.engines.java``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def java_problem() -> str | None:
    """Why Spark cannot start on this machine, or None when Java 17 or newer is found."""
    home = os.environ.get("JAVA_HOME")
    java = shutil.which("java", path=os.path.join(home, "bin")) if home else None
    java = java or shutil.which("java")
    if not java:
        return (
            "Spark needs Java 17 or newer and no 'java' was found. "
            "Install OpenJDK 17 (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME."
        )
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"could not run {java} -version: {exc}"
    text = out.stderr + out.stdout
    version = text.split('"')[1] if '"' in text else ""
    parts = version.split(".")
    major = parts[1] if parts[0] == "1" and len(parts) > 1 else parts[0]
    if not major.isdigit() or int(major) < 17:
        return (
            f"Spark needs Java 17 or newer; found {version or 'an unknown version'} at {java}. "
            "Install OpenJDK 17 or set JAVA_HOME to a newer Java."
        )
    return None


def main() -> None:
    problem = java_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(1)
    print("Java for Spark: ok", file=sys.stderr)


if __name__ == "__main__":
    main()
