import type { Panels, RecipePanelProps, StepFormProps, TransformMenuProps } from "../../src/panels";
import type { CatalogueEntry, StepJson } from "../../src/protocol";

/** Stand-ins for the menu, the form and the recipe panel: buttons that call their props. */
export const UPPER: CatalogueEntry = {
  operation: "UPPER_CASE",
  category: "Format",
  summary: "Upper-case text.",
  description: "",
  extension: false,
  orderSensitive: false,
  usesStatistics: false,
  conditions: false,
  parameters: { type: "object", properties: {} },
  engines: { pandas: { supported: true, reason: null }, spark: { supported: true, reason: null } },
  examples: 1,
};

export const UPPER_STEP: StepJson = { Action: { Operation: "UPPER_CASE", Parameters: { sourceColumn: "city" } } };

function FakeMenu({ engine, onPick, onClose }: TransformMenuProps) {
  return (
    <div data-testid="fake-menu" data-engine={engine}>
      <button onClick={() => onPick(UPPER)}>pick upper</button>
      <button onClick={onClose}>close menu</button>
    </div>
  );
}

function FakeForm(props: StepFormProps) {
  return (
    <div
      data-testid="fake-form"
      data-operation={props.entry.operation}
      data-columns={props.columns.map((c) => c.name).join(",")}
      data-initial={props.initial ? JSON.stringify(props.initial) : ""}
      data-errors={props.errors.map((e) => `${e.parameter ?? ""}:${e.message}`).join("|")}
      data-preview={props.preview?.summary ?? ""}
      data-datasets={props.datasets.join(",")}
    >
      <button onClick={() => props.onChange(UPPER_STEP)}>form change</button>
      <button onClick={() => props.onPreview(UPPER_STEP)}>form preview</button>
      <button onClick={() => props.onApply(UPPER_STEP)}>form apply</button>
      <button onClick={props.onCancel}>form cancel</button>
    </div>
  );
}

function FakeRecipe(props: RecipePanelProps) {
  return (
    <div data-testid="fake-recipe" data-steps={props.recipe.steps.length}>
      <button onClick={() => props.onEdit(0)}>edit 0</button>
      <button onClick={() => props.onToggle(0)}>toggle 0</button>
      <button onClick={() => props.onDelete(0)}>delete 0</button>
      <button onClick={() => props.onMove(0, 1)}>move 0 to 1</button>
      <button onClick={() => props.onInsertAt(1)}>insert at 1</button>
      <button data-testid="wb-undo" disabled={!props.recipe.canUndo} onClick={props.onUndo}>
        undo
      </button>
      <button data-testid="wb-redo" disabled={!props.recipe.canRedo} onClick={props.onRedo}>
        redo
      </button>
    </div>
  );
}

export const FAKE_PANELS: Panels = { TransformMenu: FakeMenu, StepForm: FakeForm, RecipePanel: FakeRecipe };
