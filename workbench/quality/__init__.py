"""Data quality: AWS Glue's DQDL rule language.

``parse_ruleset(text)`` turns a DQDL document into a typed, immutable :class:`Ruleset`; an invalid
document raises :class:`DqdlSyntaxError` with the line, the column and what was expected there.
``evaluate(frame, ruleset, datasets)`` runs the rules on a pandas or Spark DataFrame and returns a
:class:`QualityResult` (per-rule outcomes, metrics, score, row-level outcomes).
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
from workbench.quality.evaluate import QualityResult, RuleResult, evaluate
from workbench.quality.parser import RULE_TYPES, DqdlSyntaxError, RuleTypeSpec, parse_ruleset
from workbench.quality.sql import UnsafeSqlError

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
    "QualityResult",
    "Rule",
    "RuleResult",
    "RuleTypeSpec",
    "Ruleset",
    "Size",
    "Special",
    "String",
    "Tag",
    "UnsafeSqlError",
    "ValueList",
    "Variable",
    "VariableRef",
    "evaluate",
    "parse_ruleset",
]
