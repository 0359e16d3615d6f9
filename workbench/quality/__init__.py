"""Data quality: AWS Glue's DQDL rule language.

``parse_ruleset(text)`` turns a DQDL document into a typed, immutable :class:`Ruleset`; an invalid
document raises :class:`DqdlSyntaxError` with the line, the column and what was expected there.
"""

from __future__ import annotations

from workbench.quality.ast import (
    Analyzer,
    Argument,
    BinaryOp,
    Composite,
    Condition,
    DataSources,
    Duration,
    Entry,
    Expr,
    FunctionCall,
    Metadata,
    Negation,
    Now,
    Number,
    Rule,
    Ruleset,
    Size,
    Special,
    String,
    Tag,
    ValueList,
    Variable,
    VariableRef,
)
from workbench.quality.parser import RULE_TYPES, DqdlSyntaxError, RuleTypeSpec, parse_ruleset

__all__ = [
    "RULE_TYPES",
    "Analyzer",
    "Argument",
    "BinaryOp",
    "Composite",
    "Condition",
    "DataSources",
    "DqdlSyntaxError",
    "Duration",
    "Entry",
    "Expr",
    "FunctionCall",
    "Metadata",
    "Negation",
    "Now",
    "Number",
    "Rule",
    "RuleTypeSpec",
    "Ruleset",
    "Size",
    "Special",
    "String",
    "Tag",
    "ValueList",
    "Variable",
    "VariableRef",
    "parse_ruleset",
]
