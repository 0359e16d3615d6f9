/**
 * The recipe as a numbered list of steps: edit, disable, delete, move, insert, undo and redo.
 *
 * Test ids: `wb-recipe-panel` (root), `wb-step` (`data-index`, `data-status`) holding
 * `wb-step-number`, `wb-step-description`, `wb-step-error` (when it fails), `wb-step-edit`,
 * `wb-step-toggle`, `wb-step-delete`, `wb-step-up`, `wb-step-down`, `wb-step-insert` (insert a
 * new step before this one: onInsertAt(index)); `wb-undo`, `wb-redo`, `wb-recipe-empty`,
 * `wb-recipe-path`. Steps are also dragged onto another step's place (onMove).
 */
import { useState, type DragEvent } from "react";
import { IconButton } from "../forms/controls/PickList";
import type { RecipeState, StepState } from "../protocol";

export interface RecipePanelProps {
  recipe: RecipeState;
  onEdit(index: number): void;
  onToggle(index: number): void;
  onDelete(index: number): void;
  onMove(index: number, to: number): void;
  onInsertAt(index: number): void;
  onUndo(): void;
  onRedo(): void;
}

export function RecipePanel(props: RecipePanelProps) {
  const { recipe } = props;
  const drag = useStepDrag(props.onMove);
  return (
    <section className="wb-recipe-panel" data-testid="wb-recipe-panel" aria-label="Recipe">
      <header className="wb-recipe-header">
        <h3 className="wb-recipe-title">{recipe.name || "Recipe"}</h3>
        <span className="wb-recipe-count">{stepCount(recipe.steps.length)}</span>
        <button
          type="button"
          className="wb-icon-button"
          data-testid="wb-undo"
          title="Undo"
          aria-label="Undo"
          disabled={!recipe.canUndo}
          onClick={props.onUndo}
        >
          ↶
        </button>
        <button
          type="button"
          className="wb-icon-button"
          data-testid="wb-redo"
          title="Redo"
          aria-label="Redo"
          disabled={!recipe.canRedo}
          onClick={props.onRedo}
        >
          ↷
        </button>
      </header>
      {recipe.steps.length === 0 ? (
        <p className="wb-recipe-empty" data-testid="wb-recipe-empty">
          No steps yet. Pick a transform from the menu or a column header.
        </p>
      ) : (
        <ol className="wb-steps">
          {recipe.steps.map((state, index) => (
            <StepItem
              key={state.step.id ?? index}
              state={state}
              index={index}
              last={index === recipe.steps.length - 1}
              drag={drag}
              {...props}
            />
          ))}
        </ol>
      )}
      <footer className="wb-recipe-path" data-testid="wb-recipe-path" title="Saved after every edit">
        {recipe.path}
      </footer>
    </section>
  );
}

function stepCount(count: number): string {
  return count === 1 ? "1 step" : `${count} steps`;
}

interface StepItemProps extends RecipePanelProps {
  state: StepState;
  index: number;
  last: boolean;
  drag: StepDrag;
}

const STATUS_WORDS: Record<StepState["status"], string> = {
  ok: "",
  error: "fails",
  skipped: "disabled",
  blocked: "not run: an earlier step fails",
};

function StepItem({ state, index, last, drag, onEdit, onToggle, onDelete, onMove, onInsertAt }: StepItemProps) {
  const disabled = state.step.disabled === true || state.status === "skipped";
  const number = index + 1;
  const className = [
    "wb-step",
    `wb-step-is-${state.status}`,
    state.status === "skipped" || state.status === "blocked" ? "wb-step-muted" : "",
    drag.over === index ? "wb-step-drop" : "",
  ]
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return (
    <li className={className} data-testid="wb-step" data-index={index} data-status={state.status} draggable {...drag.handlers(index)}>
      <div className="wb-step-main">
        <span className="wb-step-number" data-testid="wb-step-number">
          {number}
        </span>
        <button
          type="button"
          className="wb-step-description"
          data-testid="wb-step-description"
          title={`${state.step.Action.Operation}: edit this step`}
          onClick={() => onEdit(index)}
        >
          {state.description}
        </button>
        {STATUS_WORDS[state.status] && <span className="wb-step-status">{STATUS_WORDS[state.status]}</span>}
      </div>
      {state.step.note && <div className="wb-step-note">{state.step.note}</div>}
      {state.status === "error" && state.error && (
        <div className="wb-step-error" data-testid="wb-step-error" role="alert">
          {state.error.message}
          {state.error.suggestion && ` (did you mean “${state.error.suggestion}”?)`}
        </div>
      )}
      <div className="wb-step-buttons">
        <IconButton testId="wb-step-edit" label={`Edit step ${number}`} onClick={() => onEdit(index)}>
          ✎
        </IconButton>
        <IconButton
          testId="wb-step-toggle"
          label={`${disabled ? "Enable" : "Disable"} step ${number}`}
          pressed={disabled}
          onClick={() => onToggle(index)}
        >
          {disabled ? "▶" : "⏸"}
        </IconButton>
        <IconButton testId="wb-step-up" label={`Move step ${number} up`} disabled={index === 0} onClick={() => onMove(index, index - 1)}>
          ↑
        </IconButton>
        <IconButton testId="wb-step-down" label={`Move step ${number} down`} disabled={last} onClick={() => onMove(index, index + 1)}>
          ↓
        </IconButton>
        <IconButton testId="wb-step-insert" label={`Insert a step before step ${number}`} onClick={() => onInsertAt(index)}>
          +
        </IconButton>
        <IconButton testId="wb-step-delete" label={`Delete step ${number}`} onClick={() => onDelete(index)}>
          ×
        </IconButton>
      </div>
    </li>
  );
}

interface StepDrag {
  over: number | null;
  handlers(index: number): {
    onDragStart(e: DragEvent): void;
    onDragOver(e: DragEvent): void;
    onDragLeave(): void;
    onDrop(e: DragEvent): void;
    onDragEnd(): void;
  };
}

/** Drag a step onto another's place; the dragged index is kept here, not in the browser's drag data. */
function useStepDrag(onMove: (index: number, to: number) => void): StepDrag {
  const [from, setFrom] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const reset = () => {
    setFrom(null);
    setOver(null);
  };
  return {
    over,
    handlers: (index) => ({
      onDragStart: (e) => {
        setFrom(index);
        e.dataTransfer?.setData("text/plain", String(index));
        if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
      },
      onDragOver: (e) => {
        if (from === null) return;
        e.preventDefault();
        setOver(index);
      },
      onDragLeave: () => setOver((current) => (current === index ? null : current)),
      onDrop: (e) => {
        e.preventDefault();
        if (from !== null && from !== index) onMove(from, index);
        reset();
      },
      onDragEnd: reset,
    }),
  };
}
