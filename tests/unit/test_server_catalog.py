"""The catalog endpoints of the Workbench server extension, against a real jupyter_server on loopback
and a real catalog file written through the Catalog API: tables listed and searched, one table's
schema, tags, partitions and schema versions in words, the catalog URL's precedence, a missing
catalog answered as an empty one with a hint (and never created), refused names and bad catalogs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.servers import JupyterServer, stop_server
from tests.unit.test_server import get, start_jupyter_server
from workbench.catalog import Partition, Table, open_catalog

ORDERS_V1 = [("order_id", "integer"), ("email", "string"), ("amount", "integer")]
ORDERS_V2 = [("order_id", "integer"), ("email", "string"), ("amount", "double"), ("city", "string")]
KEYS = [("year", "integer"), ("month", "integer")]


def register_tables(path: Path) -> None:
    """sales.orders (partitioned, PII-tagged email, two schema versions), sales.customers, logs.events."""
    with open_catalog(path) as catalog:
        orders = Table(
            "sales",
            "orders",
            "/data/sales/orders",
            "parquet",
            "parquet",
            ORDERS_V1,
            KEYS,
            row_estimate=1200,
            size_bytes=64_000,
            description="Orders by day",
            owner="ana",
            tags={"": {"DataClassification": "confidential"}, "email": {"pii": "EMAIL"}},
        )
        catalog.save_table(orders)
        orders.columns = ORDERS_V2
        catalog.save_table(orders, note="crawl 2")
        catalog.put_partitions(
            "sales",
            "orders",
            [
                Partition((2024, 1), "/data/sales/orders/year=2024/month=1", ["a.parquet", "b.parquet"], 100),
                Partition((2024, 2), "/data/sales/orders/year=2024/month=2", ["c.parquet"], 50),
            ],
        )
        catalog.save_table(
            Table("sales", "customers", "/data/customers.csv", "csv", "csv", [("id", "integer")])
        )
        catalog.save_table(
            Table(
                "logs", "events", "/data/events", "jsonl", "json", [("ts", "timestamp")], status="deprecated"
            )
        )


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    served = tmp_path_factory.mktemp("catalog-root")
    register_tables(served / "catalogs" / "main.db")
    return served


@pytest.fixture(scope="module")
def server(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    # A relative catalog_url is a file under the server root.
    config = {"WorkbenchServer": {"catalog_url": "catalogs/main.db"}}
    started = start_jupyter_server(root, tmp_path_factory.mktemp("catalog-state"), config, {})
    yield started
    stop_server(started)


def test_catalog_endpoints_need_the_servers_authentication(server: JupyterServer) -> None:
    for endpoint in ("catalog/tables", "catalog/tables/sales.orders"):
        assert get(server, endpoint, token=False)[0] == 403, endpoint


def test_tables_are_listed_by_database_with_what_the_panel_shows(server: JupyterServer, root: Path) -> None:
    status, body = get(server, "catalog/tables")
    assert status == 200
    assert (body["catalog"], body["exists"], body["catalogSource"]) == (
        str(root / "catalogs" / "main.db"),
        True,
        "server",
    )
    assert [t["fullName"] for t in body["tables"]] == ["logs.events", "sales.customers", "sales.orders"]
    orders = body["tables"][2]
    assert orders["partitionKeys"] == [
        {"name": "year", "type": "integer"},
        {"name": "month", "type": "integer"},
    ]
    assert (orders["format"], orders["classification"], orders["status"]) == ("parquet", "parquet", "active")
    assert (orders["rowEstimate"], orders["sizeBytes"], orders["schemaVersion"]) == (1200, 64_000, 2)
    assert orders["tags"] == {"DataClassification": "confidential"}
    assert orders["sensitiveColumns"] == ["email"]
    assert body["tables"][0]["status"] == "deprecated"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("orders", ["sales.orders"]),
        ("city", ["sales.orders"]),  # a column name
        ("confidential", ["sales.orders"]),  # a tag
        ("sales", ["sales.customers", "sales.orders"]),
        ("nothing-like-this", []),
    ],
)
def test_tables_are_searched(server: JupyterServer, query: str, expected: list[str]) -> None:
    status, body = get(server, "catalog/tables", q=query)
    assert status == 200
    assert [t["fullName"] for t in body["tables"]] == expected


def test_one_table_has_its_schema_tags_partitions_and_versions_in_words(server: JupyterServer) -> None:
    status, body = get(server, "catalog/tables/sales.orders")
    assert status == 200
    assert [(c["name"], c["type"]) for c in body["columns"]] == ORDERS_V2
    email = body["columns"][1]
    assert (email["tags"], email["sensitive"]) == ({"pii": "EMAIL"}, True)
    assert body["columns"][0]["sensitive"] is False
    partitions = body["partitions"]
    assert (partitions["count"], partitions["files"], partitions["sizeBytes"]) == (2, 3, 150)
    assert partitions["shown"][0]["values"] == [2024, 1]
    assert [v["version"] for v in body["versions"]] == [2, 1]
    assert body["versions"][0]["changes"] == "added city (string); amount integer -> double (crawl 2)"
    assert body["versions"][1]["changes"] == "created with 3 columns"
    # catalog: prefix accepted, as everywhere a table is named.
    assert get(server, "catalog/tables/catalog:sales.customers")[1]["partitions"]["count"] == 0


def test_an_unknown_table_is_404_with_the_nearest_name(server: JupyterServer) -> None:
    status, body = get(server, "catalog/tables/sales.order")
    assert status == 404
    assert "did you mean 'sales.orders'" in body["message"]


@pytest.mark.parametrize(
    "name",
    [
        "orders",
        "sales.orders.x",
        "1sales.orders",
        "..",
        "sales.%2E%2E",
        "a%2Fb.c",
        "sales.or%20ders",
        "sales.orders%3Bdrop",
    ],
)
def test_a_name_that_is_not_db_table_is_refused(server: JupyterServer, name: str) -> None:
    status, body = get(server, f"catalog/tables/{name}")
    assert status == 400
    assert "DB.TABLE" in body["message"]


def test_the_lab_setting_comes_first_and_a_missing_catalog_is_empty_with_a_hint(
    server: JupyterServer, root: Path
) -> None:
    status, body = get(server, "catalog/tables", catalog="other/none.db")
    assert status == 200
    assert (body["exists"], body["tables"], body["catalogSource"]) == (False, [], "settings")
    assert "workbench crawl" in body["hint"]
    assert str(root / "other" / "none.db") in body["hint"]
    status, body = get(server, "catalog/tables/sales.orders", catalog="other/none.db")
    assert status == 404
    assert "no catalog at" in body["message"]
    assert not (root / "other").exists()  # reading never creates the catalog
    status_body = get(server, "status", catalog="sqlite:///" + str(root / "catalogs" / "main.db"))[1]
    assert (status_body["catalog"], status_body["catalogSource"]) == (
        str(root / "catalogs" / "main.db"),
        "settings",
    )


def test_a_corrupt_catalog_or_an_unsupported_url_is_said_clearly(server: JupyterServer, root: Path) -> None:
    (root / "broken.db").write_bytes(b"this is not a sqlite file at all" * 64)
    status, body = get(server, "catalog/tables", catalog="broken.db")
    assert status == 503
    assert "not a Workbench catalog or is corrupt" in body["message"]
    status, body = get(server, "catalog/tables", catalog="s3://bucket/catalog.db")
    assert status == 400
    assert "only a local SQLite file" in body["message"]


def test_the_default_catalog_and_the_environment(
    root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    bare = start_jupyter_server(root, tmp_path_factory.mktemp("bare-catalog-state"), {}, {})
    try:
        body = get(bare, "status")[1]
        assert (body["catalog"], body["catalogSource"]) == (
            str(root / ".workbench" / "catalog.db"),
            "default",
        )
        listing = get(bare, "catalog/tables")[1]
        assert (listing["exists"], listing["tables"]) == (False, [])
        assert not (root / ".workbench" / "catalog.db").exists()
    finally:
        stop_server(bare)
    env = {"WORKBENCH_CATALOG": str(root / "catalogs" / "main.db")}
    from_env = start_jupyter_server(root, tmp_path_factory.mktemp("env-catalog-state"), {}, env)
    try:
        body = get(from_env, "catalog/tables")[1]
        assert body["catalogSource"] == "environment"
        assert len(body["tables"]) == 3
    finally:
        stop_server(from_env)
