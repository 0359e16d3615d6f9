"""The full HTML report, rendered by ydata-profiling (runs in the environment of the ``report`` extra)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import workbench as wb

pytestmark = pytest.mark.report

EMAILS = [f"customer{i}@shop.example.net" for i in range(40)]


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame({"email": EMAILS, "spend": [float(i % 9) * 3.5 for i in range(40)]})


def test_report_renders_with_masked_pii(people: pd.DataFrame, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    html = wb.profile(people).to_html(target, title="Shop customers")
    assert target.read_text() == html
    assert "Shop customers" in html
    assert "spend" in html
    assert not any(address in html for address in EMAILS)


def test_report_shows_pii_when_asked(people: pd.DataFrame) -> None:
    html = wb.profile(people, show_pii=True).to_html()
    assert any(address in html for address in EMAILS)


def test_cli_writes_json_and_html(people: pd.DataFrame, tmp_path: Path) -> None:
    data = tmp_path / "people.csv"
    people.to_csv(data, index=False)
    html, out = tmp_path / "people.html", tmp_path / "people.json"
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "profile", str(data), "--html", str(html), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "<html" in html.read_text()[:2000].lower()
    profile = json.loads(out.read_text())
    assert profile["columns"]["email"]["pii"]["entity"] == "EMAIL"
    assert not any(address in html.read_text() for address in EMAILS)
