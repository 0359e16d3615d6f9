"""DataBrew's advanced data types of a column, as the PII detectors classify it (GET_ADVANCED_DATATYPE)."""

from __future__ import annotations

from typing import Any

from workbench.pii.detect import detect_pii

ADVANCED_TYPES: dict[str, str] = {
    "EMAIL": "Email",
    "URL": "URL",
    "CREDIT_CARD": "Credit Card",
    "PHONE_NUMBER": "Phone",
    "USA_SSN": "SSN",
}
"""The PII entity types that are DataBrew advanced data types, with DataBrew's name for each."""


def advanced_datatype(frame: Any, column: str, *, sample: int = 10_000) -> str | None:
    """DataBrew's name of the advanced data type ``column`` holds (``"Email"``...), or None.

    The column is classified on a sample of rows like ``detect_pii`` does; a column whose
    entity type is not one of DataBrew's advanced types (an IBAN, a name) gives None.
    """
    finding = detect_pii(frame, [column], sample=sample).get(column)
    return None if finding is None else ADVANCED_TYPES.get(finding.entity)
