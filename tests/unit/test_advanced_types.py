"""Advanced data types: the details agree with the PII detectors' validation, unsupported ones are refused."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.core.errors import ParameterError
from workbench.core.registry import build
from workbench.core.types import LType
from workbench.pii import ENTITIES
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import replay

_VALUES = {
    "Email": (
        "EMAIL",
        [
            "ann@example.com",
            "a.b+c@mail.example.co.uk",
            "x@xn--p1ai.xn--p1ai",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "a@example",
            "a@-example.com",
            "a@exam_ple.com",
            "a@example.c",
            "a" * 65 + "@example.com",
            "ann@@example.com",
            "ann example@example.com",
        ],
    ),
    "URL": (
        "URL",
        [
            "http://example.com",
            "HTTPS://Example.com/a?b=c#d",
            "ftp://user:pw@files.example.org:2121/x",
            "www.example.com",
            "http://localhost:8000/",
            "http://192.168.0.1/",
            "http://example.com:0/",
            "http://example.com:99999/",
            "gopher://example.com",
            "http://exa_mple.com",
            "http://example",
            "http://-a.com",
        ],
    ),
    "Credit Card": (
        "CREDIT_CARD",
        [
            "4111111111111111",
            "4111 1111 1111 1111",
            "5555-5555-5555-4444",
            "378282246310005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
            "6200000000000005",
            "4111111111111112",
            "1234567812345670",
            "4111-1111-1111",
        ],
    ),
}


def _detail(kind: str, pattern: str, values: list[str]) -> list[object]:
    step = Step(
        "EXTRACT_ADVANCED_DATATYPE_DETAILS",
        {"sourceColumn": "v", "targetColumn": "d", "advancedDataType": kind, "pattern": pattern},
    )
    out = replay(Recipe(steps=[step]), pd.DataFrame({"v": pd.Series(values, dtype="string")}))
    return [None if pd.isna(x) else x for x in out["d"]]


@pytest.mark.parametrize(
    ("kind", "pattern"), [("Email", "DOMAIN"), ("URL", "DOMAIN"), ("Credit Card", "NETWORK")]
)
def test_valid_values_are_those_the_pii_detectors_validate(kind: str, pattern: str) -> None:
    entity, values = _VALUES[kind]
    details = _detail(kind, pattern, values)
    expected = [ENTITIES[entity].validate(v) for v in values]
    assert [d is not None for d in details] == expected


def test_phone_area_codes_are_valid_phone_numbers() -> None:
    values = ["(212) 555-0123", "212-555-0123", "1 212 555 0123", "+1 (212) 555-0123 x12", "212 155 0123"]
    areas = _detail("Phone", "AREA_CODE", values)
    assert areas == ["212", "212", "212", "212", None]
    assert all(ENTITIES["PHONE_NUMBER"].validate(v) for v, a in zip(values, areas, strict=True) if a)


@pytest.mark.parametrize("kind", ["Zip Code", "Date Time", "State", "SSN", "Gender"])
def test_types_without_details_are_refused_with_the_supported_list(kind: str) -> None:
    with pytest.raises(ParameterError, match="supported: Email: DOMAIN, TLD; URL") as info:
        build(
            "ADVANCED_DATATYPE_FLAG",
            {
                "sourceColumn": "v",
                "targetColumn": "f",
                "advancedDataType": kind,
                "pattern": "STATE",
                "filterValues": ["x"],
            },
        )
    assert info.value.parameter == "advancedDataType"


def test_a_detail_the_type_does_not_have_is_refused() -> None:
    with pytest.raises(ParameterError, match="NETWORK is not a detail Workbench derives from Email") as info:
        build(
            "EXTRACT_ADVANCED_DATATYPE_DETAILS",
            {"sourceColumn": "v", "targetColumn": "d", "advancedDataType": "Email", "pattern": "NETWORK"},
        )
    assert info.value.parameter == "pattern"


def test_wrong_column_types_are_refused_naming_the_column() -> None:
    step = build(
        "ADVANCED_DATATYPE_FILTER",
        {
            "sourceColumn": "v",
            "advancedDataType": "Email",
            "pattern": "DOMAIN",
            "filterValues": ["a.com"],
            "strategy": "KEEP_ROWS",
        },
    )
    with pytest.raises(ParameterError, match="'v' is integer; Email values need string") as info:
        step.check({"v": LType.INTEGER})
    assert info.value.column == "v"
    card = build(
        "ADVANCED_DATATYPE_FILTER",
        {
            "sourceColumn": "v",
            "advancedDataType": "Credit Card",
            "pattern": "NETWORK",
            "filterValues": ["Visa"],
            "strategy": "CLEAR_OTHERS",
            "clearWithEmpty": "TRUE",
        },
    )
    with pytest.raises(ParameterError, match="clearWithEmpty needs a text column"):
        card.check({"v": LType.INTEGER})


def test_databrew_spellings_load() -> None:
    step = build(
        "ADVANCED_DATATYPE_FLAG",
        {
            "sourceColumn": "v",
            "targetColumn": "f",
            "advancedDataType": "credit card",
            "pattern": "network",
            "filterValues": '["Visa"]',
        },
    )
    assert step.to_parameters()["advancedDataType"] == "Credit Card"
    assert step.to_parameters()["filterValues"] == ["Visa"]
