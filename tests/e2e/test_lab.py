"""The workbench in a real JupyterLab 4, in Chromium: the quickstart notebook, the grid and its
profiled headers, and every recipe edit a user makes, each checked against session.recipe in the
kernel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.notebook_page import NotebookPage, notebook_json, write_notebook
from tests.e2e.servers import JupyterServer
from tests.e2e.workbench_ui import (
    PROBE_CELL,
    WorkbenchUI,
    assert_ui_shows_kernel_recipe,
    operations,
    parameters,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("shutdown_kernels_after")]

SALES_ROWS = 5_000
MISSING_PRICES = 154  # rows of data/sales.csv without a unit_price
SALES_COLUMNS = ["order_id", "order_date", "customer_name", "email", "city", "country"]
OPEN_SALES = """import workbench as wb

session = wb.open("../data/sales.csv")
session"""


def open_session_notebook(
    page: Page, server: JupyterServer, root: Path, name: str, setup: str | None = None
) -> tuple[NotebookPage, WorkbenchUI]:
    """A notebook that opens data/sales.csv in the workbench (cell 0), optionally runs setup code
    (cell 1), and ends with the probe cell that prints the kernel's recipe."""
    cells = [OPEN_SALES] + ([setup] if setup else []) + [PROBE_CELL]
    write_notebook(root / "notebooks" / f"{name}.ipynb", notebook_json(cells))
    notebook = NotebookPage(page, server).open(f"notebooks/{name}.ipynb")
    notebook.run_cell(0)
    notebook.assert_no_error(0)
    ui = WorkbenchUI.in_cell(notebook, 0)
    expect(ui.by_id("wb-grid")).to_be_visible()
    if setup:
        notebook.run_cell(1)
        notebook.assert_no_error(1)
    return notebook, ui


def test_quickstart_runs_and_shows_a_profiled_grid(page: Page, lab_server: JupyterServer) -> None:
    notebook = NotebookPage(page, lab_server).open("notebooks/quickstart.ipynb")
    notebook.run_all_code_cells()
    first_code_cell = notebook.code_cell_indexes()[0]
    ui = WorkbenchUI.in_cell(notebook, first_code_cell)

    expect(ui.by_id("wb-sample-label")).to_contain_text("5,000")
    expect(ui.by_id("wb-grid")).to_be_visible()
    # Columns are drawn as they scroll into view; the first ones are on screen.
    for column in SALES_COLUMNS[:4]:
        expect(ui.header(column).get_by_test_id("wb-header-bar")).to_be_visible()
    expect(ui.header("order_id").get_by_test_id("wb-header-hist")).to_be_visible()
    expect(ui.grid_cell(0, "city")).to_have_text("Lima")
    expect(ui.grid_cell(2, "city")).to_have_text("oslo")

    ui.header("email").click()
    profile = ui.by_id("wb-profile-panel")
    expect(profile).to_be_visible()
    expect(profile).to_contain_text("email")
    expect(profile).to_contain_text("184")  # rows of data/sales.csv without an email

    # The last cell resumed the saved (empty) recipe in a second workbench.
    resumed = WorkbenchUI.in_cell(notebook, notebook.code_cell_indexes()[-1])
    expect(resumed.by_id("wb-recipe-path")).to_contain_text("quickstart-recipe.json")


def test_every_recipe_edit_reaches_the_kernel(
    page: Page, lab_server: JupyterServer, served_root: Path
) -> None:
    notebook, ui = open_session_notebook(page, lab_server, served_root, "editing")
    probe = 1

    # Upper-case a column: the preview highlights the changed cells and sums them up.
    form = ui.pick_transform("UPPER_CASE", "upper")
    ui.set_field(form, "sourceColumn", "city")
    ui.preview(form)
    expect(ui.by_id("wb-preview-banner")).to_be_visible()
    expect(ui.changed_cells("city").first).to_be_visible()
    ui.apply(form, steps_after=1)
    expect(ui.by_id("wb-preview-banner")).to_be_hidden()
    expect(ui.grid_cell(2, "city")).to_have_text("OSLO")
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert parameters(recipe, 0) == {"sourceColumn": "city"}

    # A rename, then a row filter whose preview marks the rows it removes.
    ui.add_step("RENAME", "rename", {"sourceColumn": "customer_name", "targetColumn": "customer"}, 2)
    expect(ui.header("customer")).to_be_visible()
    form = ui.pick_transform("REMOVE_MISSING", "missing")
    ui.set_field(form, "sourceColumn", "unit_price")
    expect(ui.preview(form)).to_contain_text(str(MISSING_PRICES))
    expect(ui.removed_marks().first).to_be_visible()
    ui.apply(form, steps_after=3)
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert operations(recipe) == ["UPPER_CASE", "RENAME", "REMOVE_MISSING"]

    # Edit the first step: its form reopens with its values; change the column.
    ui.step_action(0, "edit")
    form = ui.form("UPPER_CASE")
    ui.set_field(form, "sourceColumn", "country")
    ui.apply(form, steps_after=3)
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert parameters(recipe, 0) == {"sourceColumn": "country"}

    # Disable and enable the rename.
    ui.step_action(1, "toggle")
    expect(ui.step(1)).to_have_attribute("data-status", "skipped")
    assert assert_ui_shows_kernel_recipe(ui, notebook, probe)["steps"][1].get("disabled") is True
    ui.step_action(1, "toggle")
    expect(ui.step(1)).to_have_attribute("data-status", "ok")
    assert not assert_ui_shows_kernel_recipe(ui, notebook, probe)["steps"][1].get("disabled")

    # Move the filter up, then the first step down.
    ui.step_action(2, "up")
    expect(ui.step(1)).to_contain_text("unit_price")
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert operations(recipe) == ["UPPER_CASE", "REMOVE_MISSING", "RENAME"]
    ui.step_action(0, "down")
    expect(ui.step(0)).to_contain_text("unit_price")
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert operations(recipe) == ["REMOVE_MISSING", "UPPER_CASE", "RENAME"]

    # Insert a step before the first one (the menu opens for it), then delete the upper-casing.
    ui.step_action(0, "insert")
    form = ui.pick_transform("LOWER_CASE", "lower", open_menu=False)
    ui.set_field(form, "sourceColumn", "status")
    ui.apply(form, steps_after=4)
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert operations(recipe) == ["LOWER_CASE", "REMOVE_MISSING", "UPPER_CASE", "RENAME"]
    ui.step_action(2, "delete")
    after_delete = ["LOWER_CASE", "REMOVE_MISSING", "RENAME"]
    expect(ui.steps()).to_have_count(3)
    assert operations(assert_ui_shows_kernel_recipe(ui, notebook, probe)) == after_delete

    # Undo and redo, with the buttons and with the keyboard.
    ui.by_id("wb-undo").click()
    expect(ui.steps()).to_have_count(4)
    assert operations(assert_ui_shows_kernel_recipe(ui, notebook, probe))[2] == "UPPER_CASE"
    ui.by_id("wb-redo").click()
    expect(ui.steps()).to_have_count(3)
    assert len(assert_ui_shows_kernel_recipe(ui, notebook, probe)["steps"]) == 3
    ui.focus()
    page.keyboard.press("Control+z")
    expect(ui.steps()).to_have_count(4)
    assert len(assert_ui_shows_kernel_recipe(ui, notebook, probe)["steps"]) == 4
    ui.focus()
    page.keyboard.press("Control+Shift+z")
    expect(ui.steps()).to_have_count(3)
    assert operations(assert_ui_shows_kernel_recipe(ui, notebook, probe)) == after_delete


BROKEN_LATER = """session.apply({"Action": {"Operation": "RENAME",
                          "Parameters": {"sourceColumn": "city", "targetColumn": "town"}}})
session.apply({"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "town"}}})
session.apply({"Action": {"Operation": "LOWER_CASE", "Parameters": {"sourceColumn": "status"}}})
print("steps applied")"""


def test_an_upstream_edit_marks_a_later_step_as_failing(
    page: Page, lab_server: JupyterServer, served_root: Path
) -> None:
    notebook, ui = open_session_notebook(page, lab_server, served_root, "breaking", setup=BROKEN_LATER)
    probe = 2
    # Steps applied from Python show up in the open widget.
    ui.expect_statuses(["ok", "ok", "ok"])
    assert_ui_shows_kernel_recipe(ui, notebook, probe)

    # Rename to another name: the step that upper-cases "town" can no longer run.
    ui.step_action(0, "edit")
    form = ui.form("RENAME")
    ui.set_field(form, "targetColumn", "place")
    ui.apply(form, steps_after=3)
    ui.expect_statuses(["ok", "error", "blocked"])
    expect(ui.step(1).get_by_test_id("wb-step-error")).to_contain_text("town")
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert parameters(recipe, 0)["targetColumn"] == "place"

    # Undo the edit: everything runs again.
    ui.by_id("wb-undo").click()
    ui.expect_statuses(["ok", "ok", "ok"])
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert parameters(recipe, 0)["targetColumn"] == "town"


IMPORTED_RECIPE = {
    "format": {"name": "workbench-recipe", "version": 1},
    "name": "imported",
    "steps": [
        {"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}},
        {"Action": {"Operation": "REMOVE_MISSING", "Parameters": {"sourceColumn": "unit_price"}}},
    ],
}


def test_form_errors_import_export_and_a_run_on_all_the_data(
    page: Page, lab_server: JupyterServer, served_root: Path
) -> None:
    notebook, ui = open_session_notebook(page, lab_server, served_root, "import-run")
    probe = 1

    # A rename onto an existing name: the error sits on the field, nothing is applied; cancel.
    form = ui.pick_transform("RENAME", "rename")
    ui.fill_form(form, {"sourceColumn": "city", "targetColumn": "email"})
    form.get_by_test_id("wb-apply-button").click()
    target_field = form.locator('[data-testid="wb-field"][data-param="targetColumn"]')
    expect(target_field.get_by_test_id("wb-field-error")).to_contain_text("already exists")
    form.get_by_test_id("wb-cancel-button").click()
    expect(form).to_be_hidden()
    assert assert_ui_shows_kernel_recipe(ui, notebook, probe)["steps"] == []

    # Import a recipe: it replaces the (empty) one.
    ui.by_id("wb-import").click()
    ui.root.get_by_test_id("wb-import-text").fill(json.dumps(IMPORTED_RECIPE))
    ui.root.get_by_test_id("wb-import-submit").click()
    expect(ui.steps()).to_have_count(2)
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, probe)
    assert operations(recipe) == ["UPPER_CASE", "REMOVE_MISSING"]

    # Export it: the native text is the kernel's recipe; the DataBrew form is a list of steps.
    ui.by_id("wb-export").click()
    exported = ui.root.get_by_test_id("wb-export-text")
    expect(exported).to_have_value(re.compile("workbench-recipe"))
    assert operations(json.loads(exported.input_value())) == operations(recipe)
    ui.root.get_by_test_id("wb-export-databrew").check()
    expect(exported).to_have_value(re.compile(r"^\s*\["))  # DataBrew's recipe is a bare list of steps
    databrew = json.loads(exported.input_value())
    assert [step["Action"]["Operation"] for step in databrew] == operations(recipe)
    page.keyboard.press("Escape")
    expect(exported).to_be_hidden()

    # Run on all the data: the job finishes and the file holds the recipe's result.
    ui.by_id("wb-run-button").click()
    run_panel = ui.by_id("wb-run-panel")
    run_panel.get_by_test_id("wb-run-output").fill("../out/import-run.parquet")
    run_panel.get_by_test_id("wb-run-start").click()
    expect(run_panel.get_by_test_id("wb-job-status")).to_have_attribute("data-state", "done", timeout=90_000)
    written = pd.read_parquet(served_root / "out" / "import-run.parquet")
    assert len(written) == SALES_ROWS - MISSING_PRICES
    assert (written["city"] == written["city"].str.upper()).all()
