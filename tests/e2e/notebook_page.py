"""Driving a notebook in JupyterLab 4 or Notebook 7 from Playwright: open it, wait for its kernel, run
cells, read their outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.servers import JupyterServer

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
KERNEL_READY_MS = 90_000
CELL_RUN_MS = 90_000
# A cell run sent before the frontend's kernel connection is up is dropped without a trace; a run
# whose prompt has not moved after this long is sent again.
DROPPED_RUN_MS = 5_000

# True once the current notebook's kernel is connected and idle. The toolbar's execution indicator
# reads "idle" before the kernel connection exists, so it cannot be trusted for this.
KERNEL_READY_JS = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  const kernel = session && session.kernel;
  return !!kernel && kernel.connectionStatus === "connected" && kernel.status === "idle";
}"""

COLLAPSE_LEFT_AREA_JS = "() => { const shell = window.jupyterapp.shell; shell.collapseLeft?.(); }"

ERROR_OUTPUT = '[data-mime-type="application/vnd.jupyter.error"]'
FINISHED_PROMPT = re.compile(r"^\[\d+\]:$")


def notebook_json(code_cells: list[str], markdown_first: str | None = None) -> dict[str, Any]:
    """A notebook of these code cells (outputs empty) with kernelspec metadata, so no kernel dialog."""
    cells: list[dict[str, Any]] = []
    if markdown_first:
        cells.append({"cell_type": "markdown", "id": "intro", "metadata": {}, "source": markdown_first})
    for number, source in enumerate(code_cells):
        cells.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"code-{number}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        )
    return {"cells": cells, "metadata": {"kernelspec": KERNELSPEC}, "nbformat": 4, "nbformat_minor": 5}


def write_notebook(path: Path, notebook: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


class NotebookPage:
    """One notebook open in a browser page."""

    def __init__(self, page: Page, server: JupyterServer) -> None:
        self.page = page
        self.server = server

    def open(self, relative_path: str) -> NotebookPage:
        self.page.goto(self.server.notebook_url(relative_path))
        self.page.locator(".jp-Notebook .jp-Cell").first.wait_for(state="visible", timeout=KERNEL_READY_MS)
        self.wait_for_kernel()
        # More room for the widget: fold JupyterLab's file browser away (Notebook 7 has none open).
        self.page.evaluate(COLLAPSE_LEFT_AREA_JS)
        return self

    def wait_for_kernel(self) -> None:
        self.page.wait_for_function(KERNEL_READY_JS, timeout=KERNEL_READY_MS)
        if self.server.app == "lab":
            # The status bar's "| Idle" appears once kernel_info has been answered.
            status_bar = self.page.locator("#jp-main-statusbar")
            expect(status_bar).to_contain_text("| Idle", timeout=KERNEL_READY_MS)

    def cell(self, index: int) -> Locator:
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def code_cell_indexes(self) -> list[int]:
        cells = self.page.locator(".jp-Notebook .jp-Cell")
        classes = [cells.nth(i).get_attribute("class") or "" for i in range(cells.count())]
        return [i for i, names in enumerate(classes) if "jp-CodeCell" in names.split()]

    def prompt(self, index: int) -> str:
        return self.cell(index).locator(".jp-InputPrompt").inner_text().strip()

    def run_cell(self, index: int) -> Locator:
        """Run one cell (Escape, then Ctrl+Enter: run and stay) and wait until it has finished."""
        cell = self.cell(index)
        before = self.prompt(index)
        self.send_run(cell)
        if not self.prompt_moves_from(index, before, DROPPED_RUN_MS):
            self.send_run(cell)
        expect(cell.locator(".jp-InputPrompt")).not_to_have_text(before, timeout=CELL_RUN_MS)
        expect(cell.locator(".jp-InputPrompt")).to_have_text(FINISHED_PROMPT, timeout=CELL_RUN_MS)
        return cell

    def send_run(self, cell: Locator) -> None:
        cell.locator(".jp-InputArea-editor").click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+Enter")

    def prompt_moves_from(self, index: int, before: str, timeout_ms: int) -> bool:
        try:
            expect(self.cell(index).locator(".jp-InputPrompt")).not_to_have_text(before, timeout=timeout_ms)
        except AssertionError:
            return False
        return True

    def run_all_code_cells(self) -> None:
        for index in self.code_cell_indexes():
            self.run_cell(index)
            self.assert_no_error(index)

    def output_text(self, index: int) -> str:
        return "\n".join(self.cell(index).locator(".jp-OutputArea-output").all_inner_texts())

    def assert_no_error(self, index: int) -> None:
        errors = self.cell(index).locator(ERROR_OUTPUT)
        if errors.count():
            raise AssertionError(f"cell {index} raised:\n{errors.first.inner_text()}")

    def run_for_json(self, index: int, marker: str) -> Any:
        """Run a cell that prints `<marker> <json>` and return the decoded JSON."""
        self.run_cell(index)
        self.assert_no_error(index)
        for line in self.output_text(index).splitlines():
            if line.startswith(marker + " "):
                return json.loads(line[len(marker) + 1 :])
        raise AssertionError(f"cell {index} printed no {marker!r} line:\n{self.output_text(index)}")
