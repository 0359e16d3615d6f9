"""The revenue-by-region recipe the lineage tests run: a join, a hash of a PII column and a
GROUP_BY, so that column lineage has to follow a column through all three."""

from __future__ import annotations

from typing import Any


def revenue_by_region(price: str) -> dict[str, Any]:
    """The recipe's JSON, summing the ``price`` column of the orders into ``revenue``."""
    aggregations = [
        {"sourceColumnName": price, "targetColumnName": "revenue", "functionName": "SUM"},
        {"sourceColumnName": "email", "targetColumnName": "buyers", "functionName": "COUNT_DISTINCT"},
    ]
    join = {
        "joinType": "INNER_JOIN",
        "joinKeys": [{"key": "country", "value": "code"}],
        "leftColumns": ["order_id", "email", "country", price],
        "rightColumns": ["region"],
        "secondaryDatasetName": "countries",
    }
    return {
        "name": "revenue-by-region",
        "steps": [
            {"Action": {"Operation": "JOIN", "Parameters": join}},
            {
                "Action": {
                    "Operation": "CRYPTOGRAPHIC_HASH",
                    "Parameters": {"sourceColumns": ["email"], "algorithm": "SHA256"},
                }
            },
            {
                "Action": {
                    "Operation": "GROUP_BY",
                    "Parameters": {
                        "sourceColumns": ["region"],
                        "useNewDataFrame": True,
                        "groupByAggFunctionOptions": aggregations,
                    },
                }
            },
        ],
    }
