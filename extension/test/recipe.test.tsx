/** The recipe panel: steps with their status, per-step actions, undo and redo, drag and drop. */
import { fireEvent, render, within } from "@testing-library/react";
import type { RecipeState, StepState } from "../src/protocol";
import { RecipePanel } from "../src/recipe/RecipePanel";

function step(operation: string, description: string, status: StepState["status"], extra: Partial<StepState> = {}): StepState {
  return { step: { Action: { Operation: operation }, id: description }, description, status, error: null, ...extra };
}

const RECIPE: RecipeState = {
  name: "orders",
  path: "/home/me/orders.recipe.json",
  canUndo: true,
  canRedo: false,
  steps: [
    step("UPPER_CASE", "Upper-case city", "ok"),
    step("RENAME", "Rename cty to town", "error", {
      error: { message: "no column 'cty'", parameter: "sourceColumn", column: "cty", suggestion: "city" },
    }),
    step("DELETE", "Delete price", "skipped", { step: { Action: { Operation: "DELETE" }, disabled: true, id: "d" } }),
    step("SORT", "Sort by town", "blocked"),
  ],
};

function renderPanel(recipe: RecipeState = RECIPE) {
  const callbacks = {
    onEdit: vi.fn(),
    onToggle: vi.fn(),
    onDelete: vi.fn(),
    onMove: vi.fn(),
    onInsertAt: vi.fn(),
    onUndo: vi.fn(),
    onRedo: vi.fn(),
  };
  const view = render(<RecipePanel recipe={recipe} {...callbacks} />);
  const steps = () => view.getAllByTestId("wb-step");
  const button = (index: number, testId: string) => within(steps()[index]).getByTestId(testId);
  return { ...view, ...callbacks, steps, button };
}

test("each step shows its number, description and status; failing steps their error", () => {
  const panel = renderPanel();
  expect(panel.steps().map((s) => [s.dataset.index, s.dataset.status])).toEqual([
    ["0", "ok"],
    ["1", "error"],
    ["2", "skipped"],
    ["3", "blocked"],
  ]);
  expect(within(panel.steps()[0]).getByTestId("wb-step-number").textContent).toBe("1");
  expect(panel.steps()[0].textContent).toContain("Upper-case city");
  expect(within(panel.steps()[1]).getByTestId("wb-step-error").textContent).toContain("no column 'cty'");
  expect(within(panel.steps()[1]).getByTestId("wb-step-error").textContent).toContain("city");
  expect(within(panel.steps()[0]).queryByTestId("wb-step-error")).toBeNull();
  expect(panel.steps()[2].className).toContain("wb-step-muted");
  expect(panel.steps()[3].className).toContain("wb-step-muted");
  expect(panel.steps()[0].className).not.toContain("wb-step-muted");
});

test("per-step buttons call back with the step's index", () => {
  const panel = renderPanel();
  fireEvent.click(panel.button(1, "wb-step-edit"));
  expect(panel.onEdit).toHaveBeenCalledWith(1);
  fireEvent.click(panel.button(2, "wb-step-toggle"));
  expect(panel.onToggle).toHaveBeenCalledWith(2);
  fireEvent.click(panel.button(3, "wb-step-delete"));
  expect(panel.onDelete).toHaveBeenCalledWith(3);
  fireEvent.click(panel.button(1, "wb-step-up"));
  expect(panel.onMove).toHaveBeenLastCalledWith(1, 0);
  fireEvent.click(panel.button(1, "wb-step-down"));
  expect(panel.onMove).toHaveBeenLastCalledWith(1, 2);
  fireEvent.click(panel.button(2, "wb-step-insert"));
  expect(panel.onInsertAt).toHaveBeenCalledWith(2);
});

test("the first step cannot move up, the last cannot move down; a disabled step offers Enable", () => {
  const panel = renderPanel();
  expect(panel.button(0, "wb-step-up")).toHaveProperty("disabled", true);
  expect(panel.button(3, "wb-step-down")).toHaveProperty("disabled", true);
  expect(panel.button(1, "wb-step-up")).toHaveProperty("disabled", false);
  expect(panel.button(2, "wb-step-toggle").getAttribute("aria-label")).toContain("Enable");
  expect(panel.button(0, "wb-step-toggle").getAttribute("aria-label")).toContain("Disable");
});

test("undo and redo follow canUndo and canRedo; the recipe's path is shown", () => {
  const panel = renderPanel();
  expect(panel.getByTestId("wb-undo")).toHaveProperty("disabled", false);
  expect(panel.getByTestId("wb-redo")).toHaveProperty("disabled", true);
  fireEvent.click(panel.getByTestId("wb-undo"));
  expect(panel.onUndo).toHaveBeenCalledTimes(1);
  expect(panel.getByTestId("wb-recipe-path").textContent).toBe("/home/me/orders.recipe.json");
  panel.rerender(<RecipePanel recipe={{ ...RECIPE, canUndo: false, canRedo: true }} {...panel} />);
  expect(panel.getByTestId("wb-undo")).toHaveProperty("disabled", true);
  fireEvent.click(panel.getByTestId("wb-redo"));
  expect(panel.onRedo).toHaveBeenCalledTimes(1);
});

test("dragging a step onto another moves it there", () => {
  const panel = renderPanel();
  fireEvent.dragStart(panel.steps()[0]);
  fireEvent.dragOver(panel.steps()[2]);
  expect(panel.steps()[2].className).toContain("wb-step-drop");
  fireEvent.drop(panel.steps()[2]);
  expect(panel.onMove).toHaveBeenCalledWith(0, 2);
  fireEvent.dragStart(panel.steps()[1]);
  fireEvent.drop(panel.steps()[1]);
  expect(panel.onMove).toHaveBeenCalledTimes(1); // dropped on itself: nothing moves
});

test("an empty recipe says how to start", () => {
  const panel = renderPanel({ ...RECIPE, steps: [], canUndo: false });
  expect(panel.getByTestId("wb-recipe-empty")).toBeTruthy();
  expect(panel.queryAllByTestId("wb-step")).toEqual([]);
});
