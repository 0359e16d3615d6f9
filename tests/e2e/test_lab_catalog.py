"""The data catalog in the JupyterLab side panel, in a real JupyterLab 4 in Chromium: a table registered
through the Catalog API (in the server's default catalog, .workbench/catalog.db under its root) is
listed under its database, found by search, shown with its schema, PII-tagged column, partition keys
and schema versions, and opened in a workbench panel whose own kernel holds exactly the table's rows;
Insert cell puts the code that opens it into a notebook; closing the panel ends its kernel."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.lab_extension_ui import (
    panel,
    panel_ui,
    run_palette_command,
    server_sessions,
    side_panel,
    tree_url,
)
from tests.e2e.servers import JupyterServer
from tests.e2e.test_lab_extension import labextension  # noqa: F401  (the built-extension fixture)
from workbench.catalog import Partition, Table, open_catalog

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("shutdown_kernels_after", "labextension")]

TABLE = "sales_e2e.orders"
LABEL = f"catalog:{TABLE}"
ROWS = {
    2024: "order_id,email,amount\n1,ana@example.com,10.5\n2,bo@example.com,3.25\n",
    2025: "order_id,email,amount\n3,cy@example.com,7.0\n",
}

# Runs code in the kernel of the workbench panel showing `label` and returns what it printed.
RUN_IN_PANEL_JS = """async ([label, code]) => {
  for (const widget of window.jupyterapp.shell.widgets('main')) {
    const view = widget.content;
    if (widget.hasClass('jp-WorkbenchPanel') && view && view.node.dataset.path === label) {
      return await view.run(code);
    }
  }
  throw new Error('no workbench panel on ' + label);
}"""

PROBE = """import json
frame = session.sample_frame
rows = [[str(v) for v in row] for row in frame.astype(object).values.tolist()]
print("FRAME " + json.dumps({"columns": [str(c) for c in frame.columns], "rows": rows}))"""


def register(root: Path) -> Path:
    """sales_e2e.orders (CSV, Hive partitions by year, email tagged as PII, two schema versions) and
    logs_e2e.events, in the catalog the Lab server reads by default."""
    folder = root / "warehouse" / "orders"
    partitions = []
    for year, text in ROWS.items():
        part = folder / f"year={year}"
        part.mkdir(parents=True, exist_ok=True)
        (part / "part-0.csv").write_text(text, encoding="utf-8")
        partitions.append(Partition((year,), str(part), ["part-0.csv"], len(text)))
    path = root / ".workbench" / "catalog.db"
    with open_catalog(path) as catalog:
        orders = Table(
            "sales_e2e",
            "orders",
            str(folder),
            "csv",
            "csv",
            [("order_id", "integer"), ("email", "string")],
            [("year", "integer")],
            read_options={"header": True},
            row_estimate=3,
            size_bytes=120,
            tags={"": {"DataClassification": "confidential"}, "email": {"pii": "EMAIL"}},
        )
        catalog.save_table(orders)
        orders.columns = [("order_id", "integer"), ("email", "string"), ("amount", "double")]
        catalog.save_table(orders)
        catalog.put_partitions("sales_e2e", "orders", partitions)
        events = root / "data" / "sales.csv"
        catalog.save_table(Table("logs_e2e", "events", str(events), "csv", "csv", [("order_id", "integer")]))
    return path


def panel_frame(page: Page) -> dict[str, Any]:
    printed = str(page.evaluate(RUN_IN_PANEL_JS, [LABEL, PROBE]))
    for line in printed.splitlines():
        if line.startswith("FRAME "):
            return dict(json.loads(line[len("FRAME ") :]))
    raise AssertionError(f"the panel's kernel printed no frame:\n{printed}")


def table_sessions(server: JupyterServer) -> list[dict[str, Any]]:
    return [s for s in server_sessions(server) if s["path"].endswith(LABEL)]


def test_side_panel_lists_a_catalog_table_shows_it_and_opens_it_in_the_workbench(
    page: Page, lab_server: JupyterServer, served_root: Path, artifacts: Path
) -> None:
    catalog_file = register(served_root)
    page.goto(tree_url(lab_server, "notebooks"))
    expect(page.locator(".jp-Launcher")).to_be_visible()
    run_palette_command(page, "Workbench: Recipe Library and Datasets")
    section = side_panel(page).get_by_test_id("wb-lab-catalog")
    expect(section).to_be_visible()
    expect(section.get_by_test_id("wb-lab-catalog-status")).to_contain_text(str(catalog_file))

    # Tables grouped by database, with what they are and a PII badge.
    databases = section.get_by_test_id("wb-lab-catalog-database")
    expect(databases).to_have_count(2)
    expect(databases.first).to_have_attribute("data-database", "logs_e2e")
    orders = section.locator(f'[data-testid="wb-lab-catalog-table"][data-name="{TABLE}"]')
    expect(orders).to_contain_text("partitioned by year")
    expect(orders).to_contain_text("~3 rows")
    expect(orders.get_by_test_id("wb-lab-catalog-pii-badge")).to_be_visible()

    # Search by a tag keeps only the tagged table.
    section.get_by_test_id("wb-lab-catalog-search").fill("confidential")
    expect(section.get_by_test_id("wb-lab-catalog-table")).to_have_count(1)
    section.get_by_test_id("wb-lab-catalog-search").fill("")
    expect(section.get_by_test_id("wb-lab-catalog-table")).to_have_count(2)

    # The table's detail: schema with the PII column highlighted, partition keys, versions in words.
    orders.get_by_test_id("wb-lab-catalog-table-name").click()
    detail = section.get_by_test_id("wb-lab-catalog-detail")
    expect(detail.locator("h4")).to_have_text(TABLE)
    columns = detail.get_by_test_id("wb-lab-catalog-column")
    expect(columns).to_have_count(3)
    email = detail.locator('[data-testid="wb-lab-catalog-column"][data-column="email"]')
    expect(email).to_have_attribute("data-sensitive", "true")
    expect(email.get_by_test_id("wb-lab-catalog-column-pii")).to_be_visible()
    expect(email).to_contain_text("pii=EMAIL")
    expect(detail.get_by_test_id("wb-lab-catalog-table-tags")).to_contain_text(
        "DataClassification=confidential"
    )
    expect(detail.get_by_test_id("wb-lab-catalog-partition-keys")).to_have_text("Keys: year (integer)")
    expect(detail.get_by_test_id("wb-lab-catalog-partition-summary")).to_contain_text("2 partitions, 2 files")
    versions = detail.get_by_test_id("wb-lab-catalog-version")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("v2 added amount (double)")
    expect(versions.last).to_contain_text("v1 created with 2 columns")
    page.screenshot(path=str(artifacts / "lab-catalog-detail.png"))

    # Open in Workbench: a panel on the table whose own kernel holds exactly the table's rows.
    detail.get_by_test_id("wb-lab-catalog-open").click()
    ui = panel_ui(page, LABEL)
    for column in ("order_id", "email", "amount", "year"):
        expect(ui.header(column)).to_be_visible()
    kernel_id = panel(page, LABEL).get_attribute("data-kernel-id")
    assert [s["kernel"]["id"] for s in table_sessions(lab_server)] == [kernel_id]
    from workbench.catalog.tables import read_table_pandas

    expected = read_table_pandas(LABEL, catalog=str(catalog_file))
    seen = panel_frame(page)
    assert seen["columns"] == [str(c) for c in expected.columns] == ["order_id", "email", "amount", "year"]
    assert sorted(seen["rows"]) == sorted(
        [str(v) for v in row] for row in expected.astype(object).values.tolist()
    )
    assert len(seen["rows"]) == 3
    page.screenshot(path=str(artifacts / "lab-catalog-open.png"))

    # Insert cell: the code that opens the table by name in that catalog, in a notebook.
    page.evaluate("() => window.jupyterapp.commands.execute('workbench:show-panel')")
    detail.get_by_test_id("wb-lab-catalog-insert").click()
    cell = page.locator(".jp-NotebookPanel .jp-Cell").first
    code = f'session = wb.open("{LABEL}", catalog={json.dumps(str(catalog_file))})'
    expect(cell).to_contain_text(code, timeout=30_000)

    # Closing the panel shuts its kernel down.
    page.evaluate(
        """(label) => { for (const w of window.jupyterapp.shell.widgets('main')) {
             if (w.content && w.content.node.dataset.path === label) { w.close(); } } }""",
        LABEL,
    )
    deadline = time.monotonic() + 30
    while table_sessions(lab_server) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert table_sessions(lab_server) == []
