"""Run history, DQDL over history, and monitoring, against outcomes computed by hand."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from workbench.cli.main import cli
from workbench.history import HistoryStore, history, history_of, record_quality, runs
from workbench.history.chart import BOTTOM, LEFT, PANEL_HEIGHT, RIGHT, TOP, WIDTH
from workbench.quality import evaluate
from workbench.quality.dynamic import StaticHistory, expected_range

SVG = "{http://www.w3.org/2000/svg}"

# Row counts of a daily dataset, and what each rule must say on each day (computed by hand):
#   day 3: history [10, 12, 11]: avg 11, 13 > 11; median 11, MAD 1 -> 11 ± 5.189
#   day 4: last 3 [12, 11, 13] avg 12, 5 fails; median 11.5, MAD 1 -> [6.311, 16.689], 5 outside
#   day 5: last 3 [11, 13, 5] avg 9.667, 40 passes; median 11, MAD 1 -> [5.811, 16.189], 40 outside
#   day 6: last 3 [13, 5, 40] avg 19.333, 12 fails; median 11.5, MAD 1.5 -> [3.716, 19.284], 12 within
ROWS = [10, 12, 11, 13, 5, 40, 12]
ABOVE_AVERAGE = ["Error", "Error", "Error", "Passed", "Failed", "Passed", "Failed"]
NOT_ANOMALOUS = ["Error", "Error", "Error", "Passed", "Failed", "Failed", "Passed"]
RULES = """Rules = [
    RowCount > avg(last(3)),
    DetectAnomalies "RowCount",
    Completeness "email" >= min(last(2))
]
Analyzers = [ Mean "n" ]"""


@pytest.fixture
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history.db"
    monkeypatch.setenv("WORKBENCH_HISTORY", str(path))
    monkeypatch.setenv("WORKBENCH_LINEAGE_FILE", str(tmp_path / "events.jsonl"))
    return path


def _day(engine_name: str, session: Any, rows: int) -> Any:
    emails = [None if i % 4 == 3 else f"u{i}@x.org" for i in range(rows)]
    if engine_name == "pandas":
        return pd.DataFrame({"n": list(range(rows)), "email": emails})
    return session.createDataFrame(list(zip(range(rows), emails, strict=True)), "n long, email string")


def test_history_rules_pass_and_fail_where_the_history_says(
    engine_name: str, session_for: Any, history_file: Path, tmp_path: Path
) -> None:
    dataset = tmp_path / "daily.parquet"
    outcomes = []
    for rows in ROWS:
        result = evaluate(_day(engine_name, session_for, rows), RULES, history=history_of(dataset))
        record_quality(result, dataset, engine=engine_name)
        outcomes.append(result.rules)
    assert [r[0].outcome for r in outcomes] == ABOVE_AVERAGE
    assert [r[1].outcome for r in outcomes] == NOT_ANOMALOUS
    assert outcomes[0][0].reason == (
        "not enough history: last(3) needs 3 earlier values, none recorded of Dataset.*.RowCount"
    )
    assert outcomes[2][1].reason == (
        "not enough history: DetectAnomalies needs 3 earlier values, 2 recorded of Dataset.*.RowCount"
    )
    assert (
        outcomes[4][0].reason
        == "RowCount is 5, expected > 12 (> avg(last(3)) over the earlier values 10, 12, 11, 13)"
    )
    assert "is 5, outside the expected range 6.311 to 16.689 (median 11.5" in (outcomes[4][1].reason or "")
    assert "is 12, within the expected range 3.7165 to 19.2835 (median 11.5" in (outcomes[6][1].reason or "")
    # Completeness 0.8 (10 rows), 0.75 (12), 0.8182 (11), 0.7692 (13), 0.8 (5), 0.75 (40), 0.75 (12)
    # against the lowest of the 2 before: -, -, 0.75, 0.75, 0.7692, 0.7692, 0.75
    completeness = [r[2].outcome for r in outcomes]
    assert completeness == ["Error", "Error", "Passed", "Passed", "Passed", "Failed", "Passed"]
    recorded = history(dataset)
    assert len(recorded) == len(ROWS)
    assert [m["Dataset.*.RowCount"] for m in recorded["metrics"][::-1]] == ROWS
    assert [m["Column.n.Mean"] for m in recorded["metrics"][::-1]] == [(r - 1) / 2 for r in ROWS]


def test_the_anomaly_model_is_median_and_mad_with_a_fallback() -> None:
    assert expected_range([10, 12, 11]).low == pytest.approx(11 - 3.5 / 0.6745)
    same = expected_range([7, 7, 7, 7])
    assert (same.low, same.high) == (7, 7)
    mostly = expected_range([7, 7, 7, 9])  # MAD 0: mean absolute deviation 0.5 / 0.7979
    assert mostly.high == pytest.approx(7 + 3.5 * 0.5 / 0.7979)
    assert expected_range(list(range(100))).points == 20


def test_history_functions_over_a_given_history() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    past = StaticHistory({"Dataset.*.RowCount": [1, 2, 6, 5], "Column.x.Mean": [1.0, 3.0]})
    result = evaluate(
        frame,
        """Rules = [
            RowCount < max(last(2)), RowCount = index(last(4), 3) + 2, RowCount > std(last(4)),
            Mean "x" between min(last(2)) and max(last(2)), RowCount > avg(last(9)),
            RowCount > avrage(last(2)), ColumnValues "x" > avg(last(2))
        ]""",
        history=past,
    )
    outcomes = [(r.outcome, r.reason) for r in result.rules]
    assert [o for o, _ in outcomes] == ["Passed", "Passed", "Passed", "Passed", "Error", "Error", "Error"]
    assert "last(9) needs 9 earlier values, 4 recorded" in (outcomes[4][1] or "")
    assert "unknown history function 'avrage' (did you mean avg?)" in (outcomes[5][1] or "")
    assert "ColumnValues does not measure one metric" in (outcomes[6][1] or "")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _invoke(*args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_runs_are_recorded_with_the_lineage_run_id_and_gate_rules(history_file: Path, tmp_path: Path) -> None:
    recipe = _write(
        tmp_path,
        "r.json",
        json.dumps([{"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "v"}}}]),
    )
    rules = _write(tmp_path, "rules.dqdl", "Rules = [ RowCount > avg(last(2)), ColumnCount = 2 ]")
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    for rows in (3, 5, 2, 6):
        source.write_text("id,v\n" + "".join(f"{i},a\n" for i in range(rows)))
        done = _invoke(
            "run",
            recipe,
            "--input",
            source,
            "--output",
            output,
            "--overwrite",
            "--ruleset",
            rules,
            "--min-score",
            "0.5",
        )
        assert done.exit_code == 0, done.output
    found = runs(output)
    assert [r["outcome"] for r in found] == ["COMPLETE"] * 4
    assert [r["rows_out"] for r in found[::-1]] == [3, 5, 2, 6]
    # last(2): run 3 compares 2 with avg(3, 5) = 4 (fails), run 4 compares 6 with avg(5, 2) = 3.5 (passes)
    assert [r["rules"][0]["outcome"] for r in found[::-1]] == ["Error", "Error", "Failed", "Passed"]
    assert [r["score"] for r in found[::-1]] == [0.5, 0.5, 0.5, 1.0]
    assert found[0]["recipe"] == "r"
    assert found[0]["digest"].startswith("sha256:")
    assert found[0]["inputs"] == [source.resolve().as_posix()]
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    completes = [e for e in events if e["eventType"] == "COMPLETE"]
    assert [e["run"]["runId"] for e in completes] == [r["run_id"] for r in found[::-1]]
    facet = completes[-1]["outputs"][0]["facets"]["dataQualityAssertions"]["assertions"]
    assert [(a["assertion"], a["success"]) for a in facet] == [
        ("RowCount > avg(last(2))", True),
        ("ColumnCount = 2", True),
    ]
    held = _invoke(
        "run",
        recipe,
        "--input",
        source,
        "--output",
        tmp_path / "other.csv",
        "--ruleset",
        _write(tmp_path, "strict.dqdl", "Rules = [ RowCount > 100 ]"),
    )
    assert held.exit_code == 3
    aborted = runs(tmp_path / "other.csv")[0]
    assert aborted["outcome"] == "ABORT"
    assert aborted["score"] == 0.0
    assert aborted["rules"][0]["reason"] == "RowCount is 6, expected > 100"


def test_two_processes_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from workbench.history import HistoryStore
        store = HistoryStore(Path(sys.argv[1]))
        for i in range(60):
            store.append({"run_id": f"{sys.argv[2]}-{i}", "kind": "quality", "dataset": "d",
                          "started_at": "2024-01-01T00:00:00", "outcome": "PASSED", "score": 1.0,
                          "rules": [{"rule": "RowCount > 0", "outcome": "Passed"}],
                          "metrics": [("Dataset.*.RowCount", None, float(i))]})
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), name]) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with HistoryStore(path) as store:
        ids = [r for (r,) in store.query("SELECT run_id FROM runs")]
        assert sorted(ids) == sorted(f"{n}-{i}" for n in "ab" for i in range(60))
        assert store.query("SELECT count(*) FROM metrics")[0][0] == 120
        assert store.query("SELECT count(*) FROM rule_outcomes")[0][0] == 120


def _record(path: Path, dataset: str, score: float, rows: int, failed: bool = False) -> None:
    rule = {"rule": "RowCount > 12", "outcome": "Failed" if failed else "Passed", "reason": "RowCount is low"}
    with HistoryStore(path) as store:
        store.append(
            {
                "run_id": f"run-{rows}",
                "kind": "quality",
                "dataset": dataset,
                "started_at": f"2024-05-{rows:02d}T10:00:00+00:00",
                "outcome": "FAILED" if failed else "PASSED",
                "score": score,
                "inputs": [dataset],
                "rules": [rule],
                "metrics": [("Dataset.*.RowCount", None, float(rows))],
            }
        )


def test_monitor_draws_the_recorded_scores_and_alerts_below_the_threshold(
    history_file: Path, tmp_path: Path
) -> None:
    dataset = (tmp_path / "sales.parquet").resolve().as_posix()
    for score, rows in ((1.0, 10), (0.5, 20), (0.75, 15)):
        _record(history_file, dataset, score, rows, failed=score < 1)
    svg, page = tmp_path / "q.svg", tmp_path / "q.html"
    done = _invoke(
        "monitor", tmp_path / "sales.parquet", "--svg", svg, "--html", page, "--alert-below", "0.8"
    )
    assert done.exit_code == 3
    assert "█▅▆" in done.output  # 1.0, 0.5, 0.75 on the 0-1 scale
    assert "alert: the latest score 0.750 is below 0.8" in done.output
    assert "Failed: RowCount > 12: RowCount is low" in done.output
    root = ET.fromstring(svg.read_text())
    panels = root.findall(f"{SVG}g")
    assert [p.get("data-series") for p in panels] == ["score", "Dataset.*.RowCount"]
    inner_w, inner_h = WIDTH - LEFT - RIGHT, PANEL_HEIGHT - TOP - BOTTOM
    score = panels[0].findall(f"{SVG}circle")
    assert [float(c.get("data-value", "")) for c in score] == [1.0, 0.5, 0.75]
    assert [float(c.get("cx", "")) for c in score] == [LEFT, LEFT + inner_w / 2, LEFT + inner_w]
    assert [float(c.get("cy", "")) for c in score] == pytest.approx(
        [TOP + TOP + inner_h * (1 - v) for v in (1.0, 0.5, 0.75)], abs=0.05
    )
    assert [c.get("class") for c in score] == ["point", "point alert", "point alert"]
    line = panels[0].find(f"{SVG}line[@class='threshold']")
    assert line is not None
    assert float(line.get("y1", "")) == pytest.approx(2 * TOP + inner_h * 0.2, abs=0.05)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert f"quality of {dataset}" in texts
    assert "alert below 0.8" in texts
    assert {"0", "0.5", "1", "10", "15", "20"} <= set(texts)  # y ticks of both panels
    assert "05-10 10:00:00" in texts
    assert texts.count("evaluation time (UTC)") == 2
    rows = panels[1].findall(f"{SVG}circle")  # RowCount 10..20 spans the whole panel
    top = TOP + PANEL_HEIGHT + TOP
    assert [float(c.get("cy", "")) for c in rows] == pytest.approx(
        [top + inner_h, top, top + inner_h / 2], abs=0.05
    )
    html_text = page.read_text()
    assert "<svg" in html_text
    assert html_text.count("<tr><td>") == 3
    assert _invoke("monitor", tmp_path / "sales.parquet", "--alert-below", "0.7").exit_code == 0


def test_cli_history_lists_runs_and_names_the_nearest_dataset(history_file: Path, tmp_path: Path) -> None:
    data = _write(tmp_path, "orders.csv", "id,qty\n1,4\n2,7\n3,\n")
    rules = _write(tmp_path, "rules.dqdl", 'Rules = [ RowCount >= max(last(1)), Completeness "qty" > 0.5 ]')
    first = _invoke("quality", data, "--ruleset", rules, "--record")
    assert first.exit_code == 1
    assert "not enough history" in first.output
    data.write_text("id,qty\n1,4\n2,7\n3,\n4,1\n")
    assert _invoke("quality", data, "--ruleset", rules, "--record").exit_code == 0
    listed = json.loads(_invoke("history", data, "--json").output)
    assert [r["outcome"] for r in listed] == ["PASSED", "FAILED"]
    assert listed[0]["metrics"] == {"Column.qty.Completeness": 0.75, "Dataset.*.RowCount": 4.0}
    assert len(json.loads(_invoke("history", "--json", "--limit", "1").output)) == 1
    table = _invoke("history", data)
    assert table.exit_code == 0
    assert listed[0]["run_id"] in table.output
    wrong = _invoke("history", tmp_path / "order.csv")
    assert wrong.exit_code == 2
    assert f"did you mean '{data.resolve().as_posix()}'?" in wrong.output
    _write(tmp_path, "r.json", "[]")
    assert _invoke("run", tmp_path / "r.json", "--input", data, "--output", tmp_path / "o.csv").exit_code == 0
    nothing = _invoke("monitor", tmp_path / "o.csv")
    assert nothing.exit_code == 2
    assert "no quality evaluation" in nothing.output


def test_a_history_that_cannot_be_written_never_changes_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = _write(tmp_path, "not-a-folder", "")
    monkeypatch.setenv("WORKBENCH_HISTORY", str(blocker / "history.db"))
    monkeypatch.setenv("WORKBENCH_LINEAGE_FILE", str(tmp_path / "events.jsonl"))
    data = _write(tmp_path, "in.csv", "id\n1\n")
    done = _invoke("run", _write(tmp_path, "r.json", "[]"), "--input", data, "--output", tmp_path / "o.csv")
    assert done.exit_code == 0
    assert "history: the run was not recorded" in done.output
    assert (tmp_path / "o.csv").exists()


def test_quality_prints_the_analyzers_and_records_them(history_file: Path, tmp_path: Path) -> None:
    data = _write(tmp_path, "m.csv", "x\n1\n2\n6\n")
    rules = _write(tmp_path, "a.dqdl", 'Rules = [ ]\nAnalyzers = [ AllStatistics "x" ]')
    done = _invoke("quality", data, "--ruleset", rules, "--record")
    assert done.exit_code == 0
    assert "Column.x.Mean" in done.output
    assert runs(data)[0]["metrics"]["Column.x.Sum"] == 9.0


def test_a_spark_run_is_recorded_and_its_gate_reads_the_history(
    spark_session: Any, history_file: Path, tmp_path: Path
) -> None:
    recipe = _write(tmp_path, "r.json", "[]")
    rules = _write(tmp_path, "rules.dqdl", "Rules = [ RowCount > max(last(1)) ]")
    source, output = tmp_path / "in.csv", tmp_path / "out.parquet"
    outcomes = []
    for rows in (2, 4, 3):
        source.write_text("id\n" + "".join(f"{i}\n" for i in range(rows)))
        args = ["run", recipe, "--input", source, "--output", output, "--overwrite", "--engine", "spark"]
        done = _invoke(*args, "--ruleset", rules, "--min-score", "0")
        assert done.exit_code == 0, done.output
        outcomes.append(runs(output)[0])
    assert [r["rules"][0]["outcome"] for r in outcomes] == ["Error", "Passed", "Failed"]
    assert [(r["engine"], r["rows_in"], r["rows_out"]) for r in outcomes] == [
        ("spark", n, n) for n in (2, 4, 3)
    ]
