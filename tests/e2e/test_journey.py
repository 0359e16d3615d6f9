"""An analyst's whole journey without code: ten steps built in the UI, reordered, disabled and
undone, saved as they go; the recipe resumed in a new kernel; and run on all the data on Spark."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

import workbench as wb
from tests.e2e.notebook_page import NotebookPage, notebook_json, write_notebook
from tests.e2e.servers import JupyterServer
from tests.e2e.workbench_ui import PROBE_CELL, WorkbenchUI, assert_ui_shows_kernel_recipe, operations
from workbench.widget.sample import read_frame

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("shutdown_kernels_after")]

RECIPE = "journey.json"
OPEN_WITH_RECIPE = f"""import workbench as wb

session = wb.open("../data/sales.csv", recipe="{RECIPE}")
session"""

# (operation, menu search, form fields): each picked from the menu and filled in its form.
TEN_STEPS = [
    ("CAPITAL_CASE", "capital", {"sourceColumn": "customer_name"}),
    ("RENAME", "rename", {"sourceColumn": "customer_name", "targetColumn": "customer"}),
    ("UPPER_CASE", "upper", {"sourceColumn": "city"}),
    ("LOWER_CASE", "lower", {"sourceColumn": "status"}),
    ("REMOVE_MISSING", "missing", {"sourceColumn": "unit_price"}),
    ("FILL_WITH_MEDIAN", "median", {"sourceColumn": "discount"}),
    ("DUPLICATE", "duplicate", {"sourceColumn": "email", "targetColumn": "email_raw"}),
    ("ADD_PREFIX", "prefix", {"sourceColumn": "country", "pattern": "cc-"}),
    ("MOVE_TO_START", "start", {"sourceColumn": "customer"}),
    ("DELETE_DUPLICATE_ROWS", "duplicate rows", {}),
]


def open_notebook(
    page: Page, server: JupyterServer, root: Path, name: str
) -> tuple[NotebookPage, WorkbenchUI]:
    write_notebook(root / "notebooks" / f"{name}.ipynb", notebook_json([OPEN_WITH_RECIPE, PROBE_CELL]))
    notebook = NotebookPage(page, server).open(f"notebooks/{name}.ipynb")
    notebook.run_cell(0)
    notebook.assert_no_error(0)
    ui = WorkbenchUI.in_cell(notebook, 0)
    expect(ui.by_id("wb-grid")).to_be_visible()
    return notebook, ui


def test_ten_steps_resumed_in_a_new_kernel_and_run_on_spark(
    page: Page, lab_server: JupyterServer, served_root: Path
) -> None:
    notebook, ui = open_notebook(page, lab_server, served_root, "journey-build")
    for count, (operation, search, fields) in enumerate(TEN_STEPS, start=1):
        ui.add_step(operation, search, fields, steps_after=count)
    built = [operation for operation, _, _ in TEN_STEPS]
    assert operations(assert_ui_shows_kernel_recipe(ui, notebook, 1)) == built

    # Reorder, disable, and take the disabling back.
    ui.step_action(3, "up")
    reordered = [*built[:2], built[3], built[2], *built[4:]]
    assert operations(assert_ui_shows_kernel_recipe(ui, notebook, 1)) == reordered
    ui.step_action(7, "toggle")
    expect(ui.step(7)).to_have_attribute("data-status", "skipped")
    ui.by_id("wb-undo").click()
    expect(ui.step(7)).to_have_attribute("data-status", "ok")
    saved = wb.Recipe.load(served_root / "notebooks" / RECIPE)
    assert operations(saved.to_dict()) == reordered
    assert not any(step.disabled for step in saved.steps)

    # A new notebook is a new kernel: the saved recipe comes back, step for step.
    notebook, ui = open_notebook(page, lab_server, served_root, "journey-resume")
    expect(ui.steps()).to_have_count(10)
    resumed = assert_ui_shows_kernel_recipe(ui, notebook, 1)
    assert resumed == saved.to_dict()

    # Run it on all the data on local Spark; the output equals the recipe replayed on pandas.
    ui.by_id("wb-run-button").click()
    run_panel = ui.by_id("wb-run-panel")
    run_panel.get_by_test_id("wb-run-engine").select_option("spark")
    run_panel.get_by_test_id("wb-run-output").fill("../out/journey-spark.parquet")
    run_panel.get_by_test_id("wb-run-start").click()
    status = run_panel.get_by_test_id("wb-job-status")
    expect(status).to_have_attribute("data-state", "done", timeout=240_000)
    written = pd.read_parquet(served_root / "out" / "journey-spark.parquet")
    expected = saved.apply(read_frame(served_root / "data" / "sales.csv"))
    assert list(written.columns) == list(expected.columns)
    assert len(written) == len(expected)
    for column in ["customer", "city", "status", "country", "email_raw"]:
        assert sorted(written[column].dropna()) == sorted(expected[column].dropna()), column
