"""The JupyterLab extension as the browser tests drive it: the file browser's context menu, the
workbench panel it opens, and the panel's own kernel."""

from __future__ import annotations

import json
import urllib.request
from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

from tests.e2e.workbench_ui import PROBE_CELL, WorkbenchUI

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.e2e.servers import JupyterServer

OPEN_MS = 90_000

# Runs code in the kernel of the workbench panel showing `path` and returns what it printed.
RUN_IN_PANEL_JS = """async ([path, code]) => {
  const app = window.jupyterapp;
  for (const widget of app.shell.widgets('main')) {
    if (widget.hasClass('jp-WorkbenchPanel') && widget.context.path === path) {
      return await widget.content.run(code);
    }
  }
  throw new Error('no workbench panel on ' + path);
}"""


def file_item(page: Page, name: str) -> Locator:
    return page.locator(".jp-DirListing-item", has=page.locator(".jp-DirListing-itemText", has_text=name))


def open_with_workbench(page: Page, name: str) -> None:
    """Right-click a file in the file browser and choose Open with Workbench."""
    item = file_item(page, name)
    expect(item).to_be_visible()
    item.click(button="right")
    page.locator(".lm-Menu-item", has_text="Open with Workbench").click()


def panel(page: Page, path: str) -> Locator:
    return page.locator(f'.jp-WorkbenchPanel .jp-WorkbenchView[data-path="{path}"]')


def panel_ui(page: Page, path: str) -> WorkbenchUI:
    view = panel(page, path)
    expect(view).to_have_attribute("data-state", "open", timeout=OPEN_MS)
    root = view.get_by_test_id("wb-root")
    expect(root).to_be_visible(timeout=OPEN_MS)
    return WorkbenchUI(root)


def kernel_state(page: Page, path: str) -> dict[str, Any]:
    """The panel kernel's own view of its `session` (recipe, described steps, sample size)."""
    printed = page.evaluate(RUN_IN_PANEL_JS, [path, PROBE_CELL])
    for line in str(printed).splitlines():
        if line.startswith("STATE "):
            return dict(json.loads(line[len("STATE ") :]))
    raise AssertionError(f"the panel's kernel printed no state:\n{printed}")


def server_sessions(server: JupyterServer) -> list[dict[str, Any]]:
    request = urllib.request.Request(
        f"{server.base_url}/api/sessions", headers={"Authorization": f"token {server.token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return list(json.load(answer))


def tree_url(server: JupyterServer, folder: str) -> str:
    prefix = "lab/tree" if server.app == "lab" else "tree"
    return f"{server.base_url}/{prefix}/{folder}?token={server.token}&reset"


def side_panel(page: Page) -> Locator:
    return page.locator("#workbench-side-panel")


def run_palette_command(page: Page, label: str) -> None:
    page.keyboard.press("Control+Shift+C")
    palette = page.locator(".lm-CommandPalette")
    palette.locator("input").fill(label)
    palette.locator(".lm-CommandPalette-item", has_text=label).first.click()


STEP_MS = 30_000


def add_step(ui: WorkbenchUI, operation: str, search: str, params: dict[str, str], steps_after: int) -> None:
    """Add a step from the transform menu, waiting as long as a busy machine may need for it."""
    form = ui.pick_transform(operation, search)
    ui.fill_form(form, params)
    form.get_by_test_id("wb-apply-button").click()
    expect(form).to_be_hidden(timeout=STEP_MS)
    expect(ui.steps()).to_have_count(steps_after, timeout=STEP_MS)
