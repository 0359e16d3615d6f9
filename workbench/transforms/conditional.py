"""Create: conditional columns, BOOLEAN_OPERATION (if / else) and CASE_OPERATION (case when … end).

Both take expressions of the language in ``workbench.core.expressions`` (docs/semantics.md,
"Expressions"): parsed when the step is loaded (a malformed expression is refused with its line
and column), typed against the schema when the recipe is validated (an unknown column names the
nearest one), then compiled to Arrow compute on pandas and to one Spark Column. Aggregates
declared in ``withExpressions`` are computed first, all in one Spark job, and enter the
expression as values.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, ClassVar

import pandas as pd
from pydantic import AfterValidator, Field, field_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.expressions import (
    Call,
    Case,
    Compiler,
    ExpressionError,
    Node,
    PandasBackend,
    SparkBackend,
    Typer,
    aggregate_type,
    aggregates_of,
    aggregates_pandas,
    aggregates_spark,
    check_aggregate,
    columns_of,
    parse,
    parse_aggregate,
    parse_value,
    rename_in,
)
from workbench.core.families import ColumnFunction
from workbench.core.params import KIND, NewColumn, ParamKind, ParamModel, structured
from workbench.core.registry import Category, Example
from workbench.core.types import LType, Schema

if TYPE_CHECKING:
    from typing import Self

    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


def _syntax(reader: Any) -> Any:
    def check(text: str) -> str:
        reader(text)
        return text

    return AfterValidator(check)


def _expression_kind(role: str) -> Any:
    return Field(json_schema_extra={KIND: ParamKind.TEXT.value, "x-wb-expression": role})


ConditionExpression = Annotated[str, _syntax(parse), _expression_kind("condition")]
"""A condition such as ``\u0060price\u0060 > 10 and contains(\u0060name\u0060, 'x')``."""

ValueExpression = Annotated[str, _syntax(parse_value), _expression_kind("value")]
"""A value: a constant, a ``\u0060column\u0060`` or an ``:aggregate`` (a bare word is text)."""

CaseExpression = Annotated[str, _syntax(parse), _expression_kind("case")]
"""``case when … then … [when … then …] [else …] end``."""


class WithExpression(ParamModel):
    """One aggregate of a column, referred to in the expressions as ``:name``."""

    name: str
    value: str
    type: str = "aggregate"

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = value.removeprefix(":")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            msg = f"aggregate name {value!r} must be letters, digits and _ (not starting with a digit)"
            raise ValueError(msg)
        return name

    @field_validator("value")
    @classmethod
    def _value(cls, value: str) -> str:
        parse_aggregate(value)
        return value

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value.strip().lower() != "aggregate":
            msg = f"type {value!r} is not supported; withExpressions hold aggregates (type 'aggregate')"
            raise ValueError(msg)
        return value


class _Conditional(ColumnFunction):
    """Shared machinery: the expressions' columns, renaming, typing and compiling."""

    abstract: ClassVar[bool] = True
    uses_statistics: ClassVar[bool] = True
    category: ClassVar[Category] = Category.CREATE
    if TYPE_CHECKING:  # fields of each operation, declared there in DataBrew's order
        with_expressions: list[WithExpression] | None
        target_column: str

    # --- declared by each operation

    def _texts(self) -> dict[str, tuple[str, Node]]:
        """Parameter name to (text, tree) of every expression parameter."""
        raise NotImplementedError

    def _tree(self) -> Node:
        """The whole step as one expression."""
        raise NotImplementedError

    # --- lineage

    def _aggregates(self) -> dict[str, Call]:
        declared: list[WithExpression] = self.with_expressions or []
        return {w.name: parse_aggregate(w.value) for w in declared}

    def extra_reads(self) -> list[str]:
        columns = [c for _, tree in self._texts().values() for c in columns_of(tree)]
        columns += [c for agg in self._aggregates().values() for c in columns_of(agg)]
        return columns

    def parameter_of(self, column: str) -> str | None:
        for parameter, (_, tree) in self._texts().items():
            if column in columns_of(tree):
                return parameter
        if any(column in columns_of(agg) for agg in self._aggregates().values()):
            return "withExpressions"
        return super().parameter_of(column)

    def rename_columns(self, mapping: dict[str, str]) -> Self:
        updates: dict[str, Any] = {}
        for name, field in type(self).model_fields.items():
            if (field.alias or name) in self._texts():
                updates[name] = rename_in(getattr(self, name), mapping)
        declared: list[WithExpression] = self.with_expressions or []
        if declared:
            updates["with_expressions"] = [
                w.model_copy(update={"value": rename_in(w.value, mapping)}) for w in declared
            ]
        return self.model_copy(update=updates)

    # --- types

    def _typer(self, schema: Schema, parameter: str = "valueExpression") -> Typer:
        aggregates = self._aggregates()
        known = {name: agg for name, agg in aggregates.items() if columns_of(agg)[0] in schema}
        types = {name: aggregate_type(agg, schema) for name, agg in known.items()}
        return Typer(schema, types, parameter, self.operation)

    def check(self, schema: Schema) -> None:
        super().check(schema)
        declared = self._aggregates()
        for agg in declared.values():
            check_aggregate(agg, schema, "withExpressions", self.operation)
        for parameter, (_, tree) in self._texts().items():
            typer = self._typer(schema, parameter)
            typer.of(tree)
            if parameter == "valueExpression" and self.operation == "BOOLEAN_OPERATION":
                typer.condition(tree, "valueExpression")
        used = {name for _, tree in self._texts().values() for name in aggregates_of(tree)}
        unused = [name for name in declared if name not in used]
        if unused:
            raise ParameterError(
                f"aggregate :{unused[0]} is declared but not used; refer to it as :{unused[0]} or remove it",
                operation=self.operation,
                parameter="withExpressions",
            )

    def produced(self, schema: Schema) -> dict[str, LType]:
        ltype = self._typer(schema).of(self._tree())
        return {self.target_column: ltype or LType.STRING}

    # --- engines

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        schema = ctx.schema_of(df)
        values = aggregates_pandas(df, self._aggregates(), schema)
        compiler = Compiler(PandasBackend(df, ctx), self._typer(schema), values)
        return {self.target_column: compiler.value(self._tree())}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        schema = ctx.schema_of(df)
        values = aggregates_spark(df, self._aggregates(), ctx)
        compiler = Compiler(SparkBackend(), self._typer(schema), values)
        return {self.target_column: compiler.value(self._tree())}


def _reader(text: str, reader: Any, parameter: str, operation: str) -> Node:
    try:
        return reader(text)  # type: ignore[no-any-return]
    except ExpressionError as exc:  # pragma: no cover - refused when the step was built
        raise ParameterError(str(exc), operation=operation, parameter=parameter) from None


_NAMES = ["Ana", "", None, "Łukasz", "bob", "ŁAD"]


class BooleanOperation(_Conditional):
    """Write one value where a condition holds and another where it does not (if / else).

    ``valueExpression`` is a condition of the expression language; ``trueValueExpression`` and
    ``falseValueExpression`` are values: a constant (``TRUE``, ``10``, ``'text'``; a bare word is
    text), a column in backticks or an ``:aggregate`` declared in ``withExpressions``. A condition
    that is null (unknown, by SQL's three-valued logic) takes the false value. The new column's
    type is the branches' common type (integer and double make double; different kinds make text).
    """

    operation = "BOOLEAN_OPERATION"
    value_expression: ConditionExpression
    true_value_expression: ValueExpression
    false_value_expression: ValueExpression
    with_expressions: structured(ParamKind.AGGREGATIONS, list[WithExpression]) | None = None  # type: ignore[valid-type]
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            title="two comparisons; a null makes the condition unknown, which takes the false value",
            given={"price": [60000, 40000, None, 70000, 50001], "qty": [500, 2000, 10, None, 999]},
            params={
                "valueExpression": "`price` > 50000 and `qty` < 1000",
                "trueValueExpression": "TRUE",
                "falseValueExpression": "FALSE",
                "targetColumn": "big_order",
            },
            expect={
                "price": [60000, 40000, None, 70000, 50001],
                "big_order": [True, False, False, False, True],
                "qty": [500, 2000, 10, None, 999],
            },
        ),
        Example(
            title="text functions, isMissing (null or empty) and a column as a value",
            given={"name": _NAMES},
            params={
                "valueExpression": "isMissing(`name`) or startsWith(`name`, 'Ł')",
                "trueValueExpression": "'check'",
                "falseValueExpression": "`name`",
                "targetColumn": "name_or_check",
            },
            expect={"name": _NAMES, "name_or_check": ["Ana", "check", "check", "check", "bob", "check"]},
        ),
        Example(
            title="an aggregate of the whole column (the mean of 1, 2, 3, 6 is 3)",
            given={"score": [1, 2, 3, 6, None]},
            params={
                "valueExpression": "`score` >= :mean",
                "trueValueExpression": "above",
                "falseValueExpression": "below",
                "withExpressions": '[{"name":"mean","value":"avg(`score`)","type":"aggregate"}]',
                "targetColumn": "vs_mean",
            },
            expect={"score": [1, 2, 3, 6, None], "vs_mean": ["below", "below", "above", "above", "below"]},
        ),
        Example(
            title="three-valued logic: null or true is true, null and false is false, not null is null",
            given={"flag": [None, None, True, False, None], "n": [5, 0, None, None, None]},
            params={
                "valueExpression": "(`flag` or `n` > 1) and !(`flag` and `n` = 0)",
                "trueValueExpression": "1",
                "falseValueExpression": "2.5",
                "targetColumn": "y",
            },
            expect={
                "flag": [None, None, True, False, None],
                "y": [1.0, 2.5, 2.5, 2.5, 2.5],
                "n": [5, 0, None, None, None],
            },
        ),
        Example(
            title="text compared with a number is read as a number; text that is not one is unknown",
            given={"code": ["9", "11", "x", "", None, " 12.5 ", "١٢"]},
            params={
                "valueExpression": "`code` > 10",
                "trueValueExpression": "`code`",
                "falseValueExpression": "null",
                "targetColumn": "big_code",
            },
            expect={
                "code": ["9", "11", "x", "", None, " 12.5 ", "١٢"],
                "big_code": [None, "11", None, None, None, " 12.5 ", None],
            },
        ),
        Example(
            title="aggregates as results: NaN is missing to an aggregate and unknown to a comparison",
            given={"x": [1.0, 2.0, float("nan"), 4.0, None]},
            params={
                "valueExpression": "`x` < :top",
                "trueValueExpression": ":low",
                "falseValueExpression": "`:top`",
                "withExpressions": [
                    {"name": "top", "value": "max(`x`)", "type": "aggregate"},
                    {"name": "low", "value": "count(`x`)", "type": "aggregate"},
                ],
                "targetColumn": "y",
            },
            expect={"x": [1.0, 2.0, float("nan"), 4.0, None], "y": [3.0, 3.0, 4.0, 4.0, 4.0]},
        ),
    )

    def _texts(self) -> dict[str, tuple[str, Node]]:
        op = self.operation
        return {
            "valueExpression": (
                self.value_expression,
                _reader(self.value_expression, parse, "valueExpression", op),
            ),
            "trueValueExpression": (
                self.true_value_expression,
                _reader(self.true_value_expression, parse_value, "trueValueExpression", op),
            ),
            "falseValueExpression": (
                self.false_value_expression,
                _reader(self.false_value_expression, parse_value, "falseValueExpression", op),
            ),
        }

    def _tree(self) -> Node:
        texts = self._texts()
        condition = texts["valueExpression"][1]
        when_true, when_false = texts["trueValueExpression"][1], texts["falseValueExpression"][1]
        return Case(condition.line, condition.column, ((condition, when_true),), when_false)


class CaseOperation(_Conditional):
    """Write the value of the first matching ``case when … then …`` branch, else the default.

    ``valueExpression`` is ``case when <condition> then <value> [when …] [else <value>] end`` in
    the expression language. A branch whose condition is null (unknown) does not match; without
    ``else`` a row that matches no branch gets null. The new column's type is the branches'
    common type (integer and double make double; different kinds make text).
    """

    operation = "CASE_OPERATION"
    value_expression: CaseExpression
    with_expressions: structured(ParamKind.AGGREGATIONS, list[WithExpression]) | None = None  # type: ignore[valid-type]
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            title="age bands; a null age matches no branch and takes the else value",
            given={"age": [10, 30, 70, None, 18, 65]},
            params={
                "valueExpression": (
                    "case when `age` < 18 then 'minor' when `age` < 65 then 'adult' else 'senior' end"
                ),
                "targetColumn": "band",
            },
            expect={
                "age": [10, 30, 70, None, 18, 65],
                "band": ["minor", "adult", "senior", "senior", "adult", "senior"],
            },
        ),
        Example(
            title="no else gives null; columns and functions in branches; unicode and empty text",
            given={"a": ["x", "", None, "ÿ", "X"], "b": ["bee", "sea", "dee", "é", None]},
            params={
                "valueExpression": (
                    "CASE WHEN `a` = 'x' THEN `b` WHEN isMissing(`a`) THEN 'none' "
                    "WHEN endsWith(`a`, 'ÿ') or contains(`b`, 'é') THEN 'accent' END"
                ),
                "targetColumn": "c",
            },
            expect={
                "a": ["x", "", None, "ÿ", "X"],
                "c": ["bee", "none", "none", "accent", None],
                "b": ["bee", "sea", "dee", "é", None],
            },
        ),
        Example(
            title="isValid, matches and a date compared with text",
            given={"d": ["2024-02-29", "2023-02-29", "123", "abc", None, "2020-01-01"]},
            params={
                "valueExpression": (
                    "case when isValid(`d`, 'date') and `d` >= '2021-01-01' then 'recent date' "
                    "when isValid(`d`, 'date') then 'old date' "
                    "when matches(`d`, '^[0-9]+$') then 'digits' else 'other' end"
                ),
                "targetColumn": "kind",
            },
            expect={
                "d": ["2024-02-29", "2023-02-29", "123", "abc", None, "2020-01-01"],
                "kind": ["recent date", "other", "digits", "other", "other", "old date"],
            },
        ),
        Example(
            title="dates and booleans as typed columns; isBetween is inclusive",
            given={
                "day": ["2024-01-01", "2023-12-31", None, "2024-06-30"],
                "ok": [True, False, True, None],
            },
            schema={"day": "date"},
            params={
                "valueExpression": (
                    "case when isBetween(`day`, '2024-01-01', '2024-06-30') and `ok` = true then 1 "
                    "when not `ok` then 0 else null end"
                ),
                "targetColumn": "score",
            },
            expect={
                "day": [dt.date(2024, 1, 1), dt.date(2023, 12, 31), None, dt.date(2024, 6, 30)],
                "score": [1, 0, None, None],
                "ok": [True, False, True, None],
            },
        ),
        Example(
            title="statistics of the column: median, sample variance, distinct count, kurtosis, sum",
            given={"v": [2, 4, 4, 4, 5, 5, 7, 9, None]},
            params={
                "valueExpression": (
                    "case when `v` > :med and :n = 5 then :var when `v` = :lo then :kurt "
                    "when `v` < :med then :mad else :total end"
                ),
                "withExpressions": [
                    {"name": "med", "value": "median(`v`)", "type": "aggregate"},
                    {"name": "var", "value": "variance(`v`)", "type": "aggregate"},
                    {"name": "n", "value": "count(distinct `v`)", "type": "aggregate"},
                    {"name": "mad", "value": "mean_absolute_deviation(`v`)", "type": "aggregate"},
                    {"name": "lo", "value": "min(`v`)", "type": "aggregate"},
                    {"name": "kurt", "value": "kurtosis(`v`)", "type": "aggregate"},
                    {"name": "total", "value": "sum(`v`)", "type": "aggregate"},
                ],
                "targetColumn": "stat",
            },
            expect={
                "v": [2, 4, 4, 4, 5, 5, 7, 9, None],
                "stat": [-0.21875, 1.5, 1.5, 1.5, 32 / 7, 32 / 7, 32 / 7, 32 / 7, 40.0],
            },
        ),
    )

    def _texts(self) -> dict[str, tuple[str, Node]]:
        tree = _reader(self.value_expression, parse, "valueExpression", self.operation)
        return {"valueExpression": (self.value_expression, tree)}

    def _tree(self) -> Node:
        return self._texts()["valueExpression"][1]
