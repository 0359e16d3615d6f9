"""The workbench in a real Notebook 7, in Chromium: it opens, shows the grid, and a step applied from
the menu lands in session.recipe."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.notebook_page import NotebookPage, notebook_json, write_notebook
from tests.e2e.servers import JupyterServer
from tests.e2e.workbench_ui import PROBE_CELL, WorkbenchUI, assert_ui_shows_kernel_recipe, parameters

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("shutdown_kernels_after")]


def test_notebook7_opens_the_workbench_and_applies_a_step(
    page: Page, notebook7_server: JupyterServer, served_root: Path
) -> None:
    open_cell = 'import workbench as wb\n\nsession = wb.open("../data/sales.csv")\nsession'
    write_notebook(served_root / "notebooks" / "notebook7.ipynb", notebook_json([open_cell, PROBE_CELL]))
    notebook = NotebookPage(page, notebook7_server).open("notebooks/notebook7.ipynb")
    notebook.run_cell(0)
    notebook.assert_no_error(0)
    ui = WorkbenchUI.in_cell(notebook, 0)
    expect(ui.by_id("wb-grid")).to_be_visible()
    expect(ui.grid_cell(0, "city")).to_have_text("Lima")

    form = ui.pick_transform("UPPER_CASE", "upper")
    ui.set_field(form, "sourceColumn", "city")
    ui.preview(form)
    ui.apply(form, steps_after=1)
    expect(ui.grid_cell(0, "city")).to_have_text("LIMA")
    recipe = assert_ui_shows_kernel_recipe(ui, notebook, 1)
    assert parameters(recipe, 0) == {"sourceColumn": "city"}
