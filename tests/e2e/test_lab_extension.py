"""The JupyterLab extension in a real JupyterLab 4 and Notebook 7, in Chromium: Open with Workbench
from the file browser's context menu shows the workbench on the file in a panel of its own, backed by
a kernel whose session is the one the UI edits; its recipe is saved and resumed from a notebook; the
side panel lists the library's recipes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPO, missing
from tests.e2e.lab_extension_ui import (
    add_step,
    kernel_state,
    open_with_workbench,
    panel,
    panel_ui,
    run_palette_command,
    server_sessions,
    side_panel,
    tree_url,
)
from tests.e2e.servers import JupyterServer

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("shutdown_kernels_after", "labextension")]

SALES_COLUMNS = ["order_id", "order_date", "customer_name", "email"]
SALES = "data/sales.csv"


@pytest.fixture(scope="session")
def labextension() -> Path:
    built = REPO / "workbench" / "labextension" / "package.json"
    if not built.exists():
        missing(f"the JupyterLab extension is not built ({built}): run `make frontend`")
    return built


def test_open_with_workbench_from_the_file_browser(
    page: Page, lab_server: JupyterServer, served_root: Path, artifacts: Path
) -> None:
    page.goto(tree_url(lab_server, "data"))
    open_with_workbench(page, "sales.csv")
    ui = panel_ui(page, SALES)

    # The file's columns, its first rows, and the room of the whole window (side areas folded).
    for column in SALES_COLUMNS:
        expect(ui.header(column)).to_be_visible()
    expect(ui.grid_cell(0, "city")).to_have_text("Lima")
    expect(page.locator("#jp-left-stack")).to_be_hidden()
    box = panel(page, SALES).bounding_box()
    assert box is not None
    assert box["width"] > 1300
    page.screenshot(path=str(artifacts / "lab-open-with-workbench.png"))

    # The panel's kernel is the server's session for the file, and it holds what the UI shows.
    kernel_id = panel(page, SALES).get_attribute("data-kernel-id")
    sessions = [s for s in server_sessions(lab_server) if s["path"] == SALES]
    assert [s["kernel"]["id"] for s in sessions] == [kernel_id]
    assert kernel_state(page, SALES)["sample_rows"] == 5_000
    add_step(ui, "UPPER_CASE", "upper", {"sourceColumn": "city"}, 1)
    expect(ui.grid_cell(0, "city")).to_have_text("LIMA")
    state = kernel_state(page, SALES)
    assert [s["Action"]["Operation"] for s in state["recipe"]["steps"]] == ["UPPER_CASE"]
    expect(ui.step(0)).to_contain_text(state["described"][0])

    # Insert into notebook: the recipe is saved beside the data, and a new notebook resumes it.
    page.get_by_test_id("wb-lab-insert-code").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.locator("input")).to_have_value("data/sales-recipe.json")
    dialog.locator(".jp-mod-accept").click()
    cell = page.locator(".jp-NotebookPanel .jp-Cell").first
    expect(cell).to_contain_text('wb.open("sales.csv", recipe="sales-recipe.json")', timeout=30_000)
    saved = json.loads((served_root / "data" / "sales-recipe.json").read_text(encoding="utf-8"))
    assert [s["Action"]["Operation"] for s in saved["steps"]] == ["UPPER_CASE"]


def test_notebook7_opens_a_file_with_workbench_in_a_tab_of_its_own(
    page: Page, notebook7_server: JupyterServer, artifacts: Path
) -> None:
    page.goto(tree_url(notebook7_server, "data"))
    with page.context.expect_page() as opened:
        open_with_workbench(page, "sales.csv")
    tab = opened.value
    tab.set_default_timeout(30_000)
    console: list[str] = []
    tab.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    try:
        check_notebook7_tab(tab, notebook7_server)
    finally:
        tab.screenshot(path=str(artifacts / "notebook7-open-with-workbench.png"))
        (artifacts / "notebook7-open-with-workbench-console.txt").write_text("\n".join(console))


def check_notebook7_tab(tab: Page, notebook7_server: JupyterServer) -> None:
    ui = panel_ui(tab, SALES)
    for column in SALES_COLUMNS:
        expect(ui.header(column)).to_be_visible()
    expect(ui.grid_cell(0, "city")).to_have_text("Lima")
    kernel_id = panel(tab, SALES).get_attribute("data-kernel-id")
    assert kernel_id in [s["kernel"]["id"] for s in server_sessions(notebook7_server) if s["path"] == SALES]
    add_step(ui, "LOWER_CASE", "lower", {"sourceColumn": "city"}, 1)
    expect(ui.grid_cell(0, "city")).to_have_text("lima")
    assert [s["Action"]["Operation"] for s in kernel_state(tab, SALES)["recipe"]["steps"]] == ["LOWER_CASE"]


UPPER = {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}}
RENAME = {"Action": {"Operation": "RENAME", "Parameters": {"sourceColumn": "city", "targetColumn": "town"}}}


def publish_two_versions(library_dir: Path) -> None:
    library_module = pytest.importorskip("workbench.library.library")
    from workbench.recipe.model import Recipe

    library = library_module.Library(str(library_dir))
    library.publish(Recipe.from_data([UPPER]), name="sales-clean", message="upper-case the city")
    library.publish(Recipe.from_data([UPPER, RENAME]), name="sales-clean", message="rename it")


def test_launcher_palette_and_side_panel(page: Page, lab_server: JupyterServer, served_root: Path) -> None:
    publish_two_versions(served_root / "library")  # the server's WORKBENCH_LIBRARY
    page.goto(tree_url(lab_server, "data"))
    # The launcher card and the palette entry both show the side panel.
    card = page.locator(".jp-Launcher .jp-LauncherCard", has_text="Workbench")
    expect(card).to_be_visible()
    card.click()
    panel_node = side_panel(page)
    expect(panel_node).to_be_visible()
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    expect(panel_node).to_be_hidden()
    run_palette_command(page, "Workbench: Recipe Library and Datasets")
    expect(panel_node).to_be_visible()

    # The library: the published recipe, its versions newest first, the diff between them, and
    # a cell that opens a version on a dataset.
    recipe = panel_node.locator('[data-testid="wb-lab-recipe"][data-name="sales-clean"]')
    expect(recipe).to_contain_text("2 versions")
    recipe.get_by_test_id("wb-lab-recipe-name").click()
    versions = panel_node.get_by_test_id("wb-lab-version")
    expect(versions).to_have_count(2)
    expect(versions.first).to_have_attribute("data-version", "2.0")
    versions.first.get_by_test_id("wb-lab-diff-button").click()
    expect(panel_node.get_by_test_id("wb-lab-diff")).to_contain_text("RENAME")
    versions.first.get_by_test_id("wb-lab-insert-cell").click()
    cell = page.locator(".jp-NotebookPanel .jp-Cell").first
    expect(cell).to_contain_text('recipe="sales-clean@2.0"', timeout=30_000)
    expect(cell).to_contain_text('wb.open("sales.csv"')
    page.evaluate("() => window.jupyterapp.commands.execute('workbench:show-panel')")

    # Open on dataset: a workbench panel on data/sales.csv whose kernel resumed version 2.0.
    versions.first.get_by_test_id("wb-lab-open-version").click()
    ui = panel_ui(page, SALES)
    expect(ui.steps()).to_have_count(2, timeout=30_000)
    steps = kernel_state(page, SALES)["recipe"]["steps"]
    assert [step["Action"]["Operation"] for step in steps] == ["UPPER_CASE", "RENAME"]
    expect(ui.header("town")).to_be_visible()
    run_palette_command(page, "Workbench: Recipe Library and Datasets")

    # The data files beside the file browser's folder; Up moves to the parent; Open opens one.
    expect(panel_node.get_by_test_id("wb-lab-dataset-dir")).to_contain_text("data")
    datasets = panel_node.get_by_test_id("wb-lab-dataset")
    expect(datasets).to_have_count(1)
    expect(datasets.first).to_have_attribute("data-path", SALES)
    panel_node.get_by_test_id("wb-lab-dataset-up").click()
    expect(panel_node.get_by_test_id("wb-lab-dataset-dir")).to_contain_text("the server root")
    datasets.first.get_by_test_id("wb-lab-dataset-open").click()
    ui = panel_ui(page, SALES)
    expect(ui.header("order_id")).to_be_visible()
