"""The recipe library in the widget, in JupyterLab and Chromium: Publish with a message, then the
version in the "Open from library" dialog with its diff against the current recipe."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.notebook_page import NotebookPage, notebook_json, write_notebook
from tests.e2e.servers import JupyterServer
from tests.e2e.workbench_ui import WorkbenchUI
from workbench.library import Library

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("shutdown_kernels_after")]

# The servers' kernels read WORKBENCH_LIBRARY (served_root/library), as a user's would.
OPEN_CELL = """import workbench as wb

session = wb.open("../data/sales.csv")
session.apply({"Action": {"Operation": "UPPER_CASE", "Parameters": {"sourceColumn": "city"}}})
session"""


def test_publish_then_see_the_version_and_its_diff_in_the_library_dialog(
    page: Page, lab_server: JupyterServer, served_root: Path
) -> None:
    name = f"sales-{uuid.uuid4().hex[:8]}"
    write_notebook(served_root / "notebooks" / "widget-library.ipynb", notebook_json([OPEN_CELL]))
    notebook = NotebookPage(page, lab_server).open("notebooks/widget-library.ipynb")
    notebook.run_cell(0)
    notebook.assert_no_error(0)
    ui = WorkbenchUI.in_cell(notebook, 0)
    expect(ui.steps()).to_have_count(1)

    ui.by_id("wb-publish").click()
    dialog = ui.by_id("wb-publish-dialog")
    dialog.get_by_test_id("wb-publish-name").fill(name)
    dialog.get_by_test_id("wb-publish-message").fill("upper-case the cities")
    dialog.get_by_test_id("wb-publish-submit").click()
    expect(dialog.get_by_test_id("wb-publish-done")).to_contain_text(f"{name}@1.0")
    dialog.locator(".wb-close").click()
    expect(ui.by_id("wb-library-base")).to_have_text(f"Based on {name} 1.0")
    published = Library(served_root / "library").resolve(f"{name}@1.0")
    assert published.record["message"] == "upper-case the cities"
    assert [s.operation for s in published.recipe.steps] == ["UPPER_CASE"]

    # One more step in the UI: the recipe is now modified against its base.
    ui.add_step("LOWER_CASE", "lower", {"sourceColumn": "status"}, steps_after=2)
    expect(ui.by_id("wb-library-modified")).to_be_visible()

    ui.by_id("wb-library-open").click()
    library = ui.by_id("wb-library-dialog")
    library.get_by_test_id("wb-library-search").fill(name)
    library.locator(f'[data-testid="wb-library-recipe"][data-name="{name}"]').click()
    version = library.locator('[data-testid="wb-library-version"][data-version="1.0"]')
    expect(version).to_contain_text("upper-case the cities")
    change = library.get_by_test_id("wb-library-diff").get_by_test_id("wb-library-change")
    expect(change).to_have_count(1)
    expect(change).to_have_attribute("data-kind", "removed")
    expect(change).to_contain_text("LOWER_CASE")
