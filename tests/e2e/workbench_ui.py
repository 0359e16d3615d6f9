"""The Workbench widget as the browser tests see it: its test ids, and the few gestures a user makes
with them (pick a transform, fill its form, preview, apply; act on a recipe step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from playwright.sync_api import expect

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from tests.e2e.notebook_page import NotebookPage

# Prints the kernel's view of the session for the tests to compare with the UI.
PROBE_CELL = """import json
from workbench.widget.describe import describe

print("STATE " + json.dumps({
    "recipe": session.recipe.to_dict(),
    "described": [describe(step) for step in session.recipe.steps],
    "sample_rows": len(session.sample_frame),
}))"""


class WorkbenchUI:
    """One displayed workbench: the `wb-root` inside a notebook cell's output."""

    def __init__(self, root: Locator) -> None:
        self.root = root

    @classmethod
    def in_cell(cls, notebook: NotebookPage, cell_index: int) -> WorkbenchUI:
        root = notebook.cell(cell_index).get_by_test_id("wb-root")
        expect(root).to_be_visible()
        return cls(root)

    def by_id(self, test_id: str) -> Locator:
        return self.root.get_by_test_id(test_id)

    # --- grid ------------------------------------------------------------------------------

    def header(self, column: str) -> Locator:
        return self.root.locator(f'[data-testid="wb-header"][data-column="{column}"]')

    def grid_cell(self, row: int, column: str) -> Locator:
        return self.root.locator(f'[data-testid="wb-cell"][data-row="{row}"][data-column="{column}"]')

    def changed_cells(self, column: str) -> Locator:
        return self.root.locator(f'[data-testid="wb-cell"][data-column="{column}"].wb-changed')

    def removed_marks(self) -> Locator:
        return self.by_id("wb-grid").locator(".wb-removed")

    # --- transform menu and forms ----------------------------------------------------------

    def pick_transform(self, operation: str, search: str, open_menu: bool = True) -> Locator:
        """Open the transform menu (unless already open), search it, pick an operation; return its
        form."""
        if open_menu:
            self.by_id("wb-menu-button").click()
        menu = self.by_id("wb-menu")
        expect(menu).to_be_visible()
        menu.get_by_test_id("wb-menu-search").fill(search)
        menu.locator(f'[data-testid="wb-menu-item"][data-operation="{operation}"]').click()
        return self.form(operation)

    def form(self, operation: str) -> Locator:
        form = self.root.locator(f'[data-testid="wb-form"][data-operation="{operation}"]')
        expect(form).to_be_visible()
        return form

    def set_field(self, form: Locator, param: str, value: str) -> None:
        """Choose a value in a field: an option of a <select>, or text typed into an <input>."""
        control = form.locator(f'[data-testid="wb-field"][data-param="{param}"] [data-testid="wb-input"]')
        if control.evaluate("element => element.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)

    def fill_form(self, form: Locator, params: dict[str, str]) -> None:
        for param, value in params.items():
            self.set_field(form, param, value)

    def preview(self, form: Locator) -> Locator:
        """Preview the step; return the one-line summary, once shown."""
        form.get_by_test_id("wb-preview-button").click()
        summary = self.by_id("wb-preview-summary")
        expect(summary).to_be_visible()
        expect(summary).not_to_be_empty()
        return summary

    def apply(self, form: Locator, steps_after: int) -> None:
        form.get_by_test_id("wb-apply-button").click()
        expect(form).to_be_hidden()
        expect(self.steps()).to_have_count(steps_after)

    def add_step(self, operation: str, search: str, params: dict[str, str], steps_after: int) -> None:
        form = self.pick_transform(operation, search)
        self.fill_form(form, params)
        self.apply(form, steps_after)

    # --- recipe panel ----------------------------------------------------------------------

    def steps(self) -> Locator:
        return self.by_id("wb-recipe-panel").get_by_test_id("wb-step")

    def step(self, index: int) -> Locator:
        return self.by_id("wb-recipe-panel").locator(f'[data-testid="wb-step"][data-index="{index}"]')

    def step_action(self, index: int, action: str) -> None:
        """Click a step's own button (edit, toggle, delete, up, down or insert); they show on hover."""
        step = self.step(index)
        step.hover()
        step.get_by_test_id(f"wb-step-{action}").click()

    def expect_statuses(self, statuses: list[str]) -> None:
        expect(self.steps()).to_have_count(len(statuses))
        for index, status in enumerate(statuses):
            expect(self.step(index)).to_have_attribute("data-status", status)

    def focus(self) -> None:
        """Put the keyboard focus inside the widget (its shortcuts only work there)."""
        self.by_id("wb-recipe-panel").click(position={"x": 5, "y": 5})


def operations(recipe: dict[str, Any]) -> list[str]:
    return [step["Action"]["Operation"] for step in recipe["steps"]]


def parameters(recipe: dict[str, Any], index: int) -> dict[str, Any]:
    return dict(recipe["steps"][index]["Action"].get("Parameters", {}))


def assert_ui_shows_kernel_recipe(ui: WorkbenchUI, notebook: NotebookPage, probe_cell: int) -> dict[str, Any]:
    """Ask the kernel for session.recipe (through a cell) and check the recipe panel shows exactly it:
    the same steps in the same order, each in the kernel's words, disabled ones marked skipped."""
    state = notebook.run_for_json(probe_cell, "STATE")
    steps = state["recipe"]["steps"]
    expect(ui.steps()).to_have_count(len(steps))
    for index, (step, words) in enumerate(zip(steps, state["described"], strict=True)):
        shown = ui.step(index)
        expect(shown).to_contain_text(words)
        if step.get("disabled"):
            expect(shown).to_have_attribute("data-status", "skipped")
        else:
            expect(shown).not_to_have_attribute("data-status", "skipped")
    return dict(state["recipe"])
