"""The find_clusters request: CLUSTER_AND_MERGE's review asks the kernel for clusters of a column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from workbench.widget import Session
from workbench.widget.protocol import answer


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame(
        {
            "city": ["Z\u00fcrich", "zurich", "Zurich", "Z\u00fcrich", None, "Bern", "bern.", "Basel"],
            "n": range(8),
        }
    )
    return Session(frame)


def ask(session: Session, **params: Any) -> dict[str, Any]:
    return answer(session, {"kind": "request", "id": 7, "method": "find_clusters", "params": params})[0]


def test_find_clusters_answers_with_the_clusters_of_the_live_frame(session: Session) -> None:
    response = ask(session, column="city", method="KEY_COLLISION", keyer="FINGERPRINT")
    assert response["ok"]
    assert response["id"] == 7
    assert response["result"]["clusters"] == [
        {
            "values": [
                {"value": "Z\u00fcrich", "count": 2},
                {"value": "Zurich", "count": 1},
                {"value": "zurich", "count": 1},
            ],
            "into": "Z\u00fcrich",
            "rows": 4,
        },
        {
            "values": [{"value": "Bern", "count": 1}, {"value": "bern.", "count": 1}],
            "into": "Bern",
            "rows": 2,
        },
    ]


def test_find_clusters_runs_on_the_frame_a_step_sees(session: Session) -> None:
    session.apply({"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}})
    before = ask(session, column="city", at=0)["result"]["clusters"]
    after = ask(session, column="city")["result"]["clusters"]
    assert before[0]["into"] == "Z\u00fcrich"
    assert after[0]["values"] == [{"value": "ZURICH", "count": 2}, {"value": "Z\u00dcRICH", "count": 2}]


def test_nearest_neighbour_through_the_request(session: Session) -> None:
    result = ask(session, column="city", method="NEAREST_NEIGHBOR", radius=2, blockSize=3)["result"]
    assert [c["into"] for c in result["clusters"]] == ["Z\u00fcrich", "Bern"]


def test_find_clusters_errors_name_the_column_or_parameter(session: Session) -> None:
    missing = ask(session, column="cty")
    assert not missing["ok"]
    assert missing["error"]["column"] == "cty"
    assert "city" in missing["error"]["message"]
    bad = ask(session, column="city", keyer="NOPE")
    assert not bad["ok"]
    assert bad["error"]["parameter"] == "keyer"
