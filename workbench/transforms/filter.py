"""Filter: remove the rows that match the step's conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import RowFilter
from workbench.core.params import Column
from workbench.core.registry import Category, Example


class RemoveValues(RowFilter):
    """Remove the rows where every condition of the step holds (the Filter menu's step).

    The conditions do the choosing; ``sourceColumn`` names the column the filter was built on.
    A REMOVE_VALUES step without conditions is refused rather than removing every row.
    """

    operation = "REMOVE_VALUES"
    category = Category.FILTER
    source_column: Column
    examples: ClassVar = (
        Example(
            given={"email": ["a@x.org", None, "", "b@y.com"], "n": [1, 2, 3, 4]},
            params={"sourceColumn": "email"},
            conditions=({"Condition": "IS_MISSING", "TargetColumn": "email"},),
            expect={"email": ["a@x.org", "b@y.com"], "n": [1, 4]},
        ),
        Example(
            given={"result": ["win", "draw", None, "loss"]},
            params={"sourceColumn": "result"},
            conditions=({"Condition": "IS", "Value": '["draw","loss"]', "TargetColumn": "result"},),
            expect={"result": ["win", None]},
        ),
        Example(
            given={"result": ["win", "draw", None, "loss"]},
            params={"sourceColumn": "result"},
            conditions=({"Condition": "IS_NOT", "Value": ["draw"], "TargetColumn": "result"},),
            expect={"result": ["draw"]},
        ),
        Example(
            given={"name": ["Sam", "Bob", None, "Sue"]},
            params={"sourceColumn": "name"},
            conditions=({"Condition": "NOT_STARTS_WITH", "Value": "S", "TargetColumn": "name"},),
            expect={"name": ["Sam", "Sue"]},
        ),
        Example(
            given={"name": ["Sam", "Bob", None, "Sue"]},
            params={"sourceColumn": "name"},
            conditions=({"Condition": "STARTS_WITH", "Value": "S", "TargetColumn": "name"},),
            expect={"name": ["Bob", None]},
        ),
        Example(
            given={"name": ["sample", "ample", None, "maple"]},
            params={"sourceColumn": "name"},
            conditions=({"Condition": "CONTAINS", "Value": "mpl", "TargetColumn": "name"},),
            expect={"name": [None, "maple"]},
        ),
        Example(
            given={"name": ["sample", "ample", None, "maple"]},
            params={"sourceColumn": "name"},
            conditions=({"Condition": "NOT_CONTAINS", "Value": "mpl", "TargetColumn": "name"},),
            expect={"name": ["sample", "ample"]},
        ),
        Example(
            given={"file": ["a.csv", "b.txt", None]},
            params={"sourceColumn": "file"},
            conditions=({"Condition": "ENDS_WITH", "Value": ".csv", "TargetColumn": "file"},),
            expect={"file": ["b.txt", None]},
        ),
        Example(
            given={"file": ["a.csv", "b.txt", None]},
            params={"sourceColumn": "file"},
            conditions=({"Condition": "NOT_ENDS_WITH", "Value": ".csv", "TargetColumn": "file"},),
            expect={"file": ["a.csv"]},
        ),
        Example(
            given={"year": [1750, 1800, 1900, None]},
            params={"sourceColumn": "year"},
            conditions=({"Condition": "LESS_THAN", "Value": "1800", "TargetColumn": "year"},),
            expect={"year": [1800, 1900, None]},
        ),
        Example(
            given={"year": [1750, 1800, 1900, None]},
            params={"sourceColumn": "year"},
            conditions=({"Condition": "LESS_THAN_EQUAL", "Value": "1800", "TargetColumn": "year"},),
            expect={"year": [1900, None]},
        ),
        Example(
            given={"x": [0.5, 1.5, 2.5, None]},
            params={"sourceColumn": "x"},
            conditions=({"Condition": "GREATER_THAN", "Value": "1.5", "TargetColumn": "x"},),
            expect={"x": [0.5, 1.5, None]},
        ),
        Example(
            given={"x": [0.5, 1.5, 2.5, None]},
            params={"sourceColumn": "x"},
            conditions=({"Condition": "GREATER_THAN_EQUAL", "Value": "1.5", "TargetColumn": "x"},),
            expect={"x": [0.5, None]},
        ),
        Example(
            given={"x": [1, 5, 10, 11, None]},
            params={"sourceColumn": "x"},
            conditions=(
                {
                    "Condition": "IS_BETWEEN",
                    "Value": '{"GREATER_THAN_EQUAL":"5","LESS_THAN_EQUAL":"10"}',
                    "TargetColumn": "x",
                },
            ),
            expect={"x": [1, 11, None]},
        ),
        Example(
            given={"d": ["2024-01-05", "2023-12-31", None]},
            schema={"d": "date"},
            params={"sourceColumn": "d"},
            conditions=(
                {"Condition": "IS_BETWEEN", "Value": ["2024-01-01", "2024-12-31"], "TargetColumn": "d"},
            ),
            expect={"d": [__import__("datetime").date(2023, 12, 31), None]},
        ),
        Example(
            given={"at": ["2024-01-01 11:59:59", "2024-01-01 12:00:01", None]},
            schema={"at": "timestamp"},
            params={"sourceColumn": "at"},
            conditions=({"Condition": "GREATER_THAN", "Value": "2024-01-01 12:00:00", "TargetColumn": "at"},),
            expect={"at": [dt.datetime(2024, 1, 1, 11, 59, 59), None]},
            title="timestamps compare in UTC on both engines",
        ),
        Example(
            given={"age": ["42", "x", "", None, "7"]},
            params={"sourceColumn": "age"},
            conditions=({"Condition": "IS_INVALID", "Value": "int", "TargetColumn": "age"},),
            expect={"age": ["42", "", None, "7"]},
        ),
        Example(
            given={"city": ["Oslo", "Rome", "Oslo", None], "n": [1, 20, 30, 40]},
            params={"sourceColumn": "city"},
            conditions=(
                {"Condition": "IS", "Value": '["Oslo"]', "TargetColumn": "city"},
                {"Condition": "GREATER_THAN", "Value": "10", "TargetColumn": "n"},
            ),
            expect={"city": ["Oslo", "Rome", None], "n": [1, 20, 40]},
        ),
    )

    def check_conditions(self, count: int) -> None:
        if count == 0:
            raise ParameterError(
                "REMOVE_VALUES needs at least one condition; it removes the rows where they all hold",
                operation=self.operation,
                parameter="ConditionExpressions",
            )

    def pandas_drop(self, df: Any, ctx: PandasContext) -> None:
        return None

    def spark_drop(self, df: Any, ctx: SparkContext) -> None:
        return None
