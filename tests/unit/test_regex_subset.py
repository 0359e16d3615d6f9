"""The regex subset both engines read the same way; everything else is refused up front."""

from __future__ import annotations

import pytest

from workbench.core.regex import regex_problem


@pytest.mark.parametrize(
    "pattern", [r"^[0-9]{5}$", r"(a|b)+c?", r"\d+\.\d*", r"[A-Za-z_]\w*", r"(?i)abc", r"\s+$"]
)
def test_common_patterns_pass(pattern: str) -> None:
    assert regex_problem(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"foo(?=bar)", "look-ahead"),
        (r"(?<!x)y", "negative look-behind"),
        (r"(a)\1", "back-references"),
        (r"a++", "possessive"),
        (r"[a-z&&[^e]]", "intersection"),
        (r"x\Z", r"\Z"),
        (r"(?P<year>\d{4})", "named groups"),
        (r"(unclosed", "invalid regular expression"),
    ],
)
def test_outside_the_subset_is_refused_with_a_reason(pattern: str, why: str) -> None:
    problem = regex_problem(pattern)
    assert problem is not None
    assert why in problem
