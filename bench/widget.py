"""Widget benchmark: the kernel side of the notebook workbench on a 1M x 20 frame.

    .venv/bin/python bench/widget.py [--rows 1000000] [--dtale-python /path/to/python]

Measures, in one run, what the user waits for:
- first paint: ``wb.open(frame)`` (sample, header profiles, catalogue) plus the first 100-row
  window as Arrow IPC, the way the frontend asks for it (target under 1.5 s);
- a 100-row window fetch while scrolling (target under 30 ms);
- the preview of a column-map step (UPPER_CASE) on a 100,000-row sample (target under 200 ms).

With ``--dtale-python`` (an interpreter that has D-Tale; it pins its own pandas), the same frame
is written once to Parquet and D-Tale's time from ``dtale.show`` to its first data window is
measured in that interpreter and printed beside ours.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import workbench as wb  # noqa: E402
from bench.profiling import mixed_frame  # noqa: E402

UPPER = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}

DTALE_PROBE = """
import json, sys, time, urllib.parse, urllib.request
import pandas as pd
frame = pd.read_parquet(sys.argv[1])
import dtale
start = time.perf_counter()
instance = dtale.show(frame, host="127.0.0.1", open_browser=False, ignore_duplicate=True)
base = instance._main_url.split("/dtale/")[0]
ids = urllib.parse.quote(json.dumps(["0-100"]))
url = f"{base}/dtale/data/{instance._data_id}?ids={ids}"
for _ in range(600):
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = json.load(response)
        break
    except OSError:
        time.sleep(0.05)
assert len(body["results"]) >= 100, body
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(body["results"])}))
instance.kill()
"""


def request(workbench: Any, method: str, **params: Any) -> tuple[dict[str, Any], list[bytes]]:
    """Send one request through the widget's message handler and return what it sends back."""
    sent: list[tuple[dict[str, Any], list[bytes]]] = []
    workbench.widget.send = lambda content, buffers=None: sent.append((content, list(buffers or [])))
    message = {"kind": "request", "id": 1, "method": method, "params": params}
    workbench._on_message(workbench.widget, message, [])
    content, buffers = sent[-1]
    if not content["ok"]:
        raise RuntimeError(content["error"]["message"])
    return content["result"], buffers


def first_paint(frame: Any, recipe: Path) -> float:
    start = time.perf_counter()
    workbench = wb.open(frame, recipe=recipe)
    request(workbench, "window", start=0, stop=100)
    return time.perf_counter() - start


COLD_PAINT = """
import sys, time
import pandas as pd
frame = pd.read_parquet(sys.argv[1])
start = time.perf_counter()
import workbench as wb
workbench = wb.open(frame, recipe=sys.argv[2])
sys.path.insert(0, sys.argv[3])
from bench.widget import request
request(workbench, "window", start=0, stop=100)
print(time.perf_counter() - start)
"""


def cold_first_paint(frame: Any, folder: Path) -> float:
    """First paint in a fresh interpreter: importing Workbench and building the catalogue included."""
    path = folder / "frame.parquet"
    frame.to_parquet(path)
    done = subprocess.run(
        [sys.executable, "-c", COLD_PAINT, str(path), str(folder / "cold.json"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def window_fetches(workbench: Any, count: int = 50) -> list[float]:
    rows = len(workbench.sample_frame)
    times = []
    for i in range(count):
        start_row = (i * 997) % max(rows - 100, 1)
        start = time.perf_counter()
        request(workbench, "window", start=start_row, stop=start_row + 100)
        times.append(time.perf_counter() - start)
    return times


def previews(workbench: Any, count: int = 10) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        request(workbench, "preview", step=UPPER)
        request(workbench, "window", start=0, stop=100, preview=True)
        times.append(time.perf_counter() - start)
        request(workbench, "clear_preview")
    return times


def dtale_first_window(python: str, frame: Any) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "frame.parquet"
        frame.to_parquet(path)
        done = subprocess.run(
            [python, "-c", DTALE_PROBE, str(path)], capture_output=True, text=True, timeout=600, check=False
        )
    if done.returncode != 0:
        print(f"D-Tale probe failed:\n{done.stderr[-2000:]}")
        return None
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dtale-python", help="an interpreter with dtale installed")
    args = parser.parse_args()

    frame = mixed_frame(args.rows)
    print(f"frame: {args.rows:,} rows x {frame.shape[1]} columns")
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        cold = cold_first_paint(frame, folder_path)
        first_paint(frame.head(1000), folder_path / "warm.json")  # imports and catalogue, once
        paints = [first_paint(frame, folder_path / f"paint-{i}.json") for i in range(3)]
        workbench = wb.open(frame, recipe=folder_path / "scroll.json")
        windows = window_fetches(workbench)
        preview_session = wb.open(frame, sample=100_000, recipe=folder_path / "preview.json")
        preview_times = previews(preview_session)

    paint = statistics.median(paints)
    window = statistics.median(windows)
    preview = statistics.median(preview_times)
    print(
        f"first paint (open + header profiles + first window, 50,000-row sample): {paint:.3f} s "
        f"(target < 1.5 s)"
    )
    print(f"first paint in a fresh interpreter (import workbench and the catalogue too): {cold:.3f} s")
    print(
        f"100-row window fetch: median {window * 1000:.1f} ms, max {max(windows) * 1000:.1f} ms "
        f"(target < 30 ms)"
    )
    print(f"UPPER_CASE preview on a 100,000-row sample: median {preview * 1000:.0f} ms (target < 200 ms)")
    if args.dtale_python:
        found = dtale_first_window(args.dtale_python, frame)
        if found:
            print(
                f"D-Tale dtale.show to first 100-row window: {found['seconds']:.3f} s "
                f"(ratio D-Tale / Workbench first paint: {found['seconds'] / paint:.1f}x)"
            )


if __name__ == "__main__":
    main()
