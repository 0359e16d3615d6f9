import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from "react";

/** The nested cell a user opened: where it is and its value as the grid's JSON text. */
export interface OpenedCell {
  row: number;
  column: string;
  text: string;
}

/** The opened cell when a click landed on a nested cell (list, struct, map) whose text is JSON. */
export function nestedCellAt(event: MouseEvent<HTMLElement>): OpenedCell | null {
  const cell = (event.target as HTMLElement).closest<HTMLElement>(".wb-cell.wb-kind-nested");
  if (!cell) return null;
  const text = cell.textContent ?? "";
  if (parsed(text) === undefined) return null;
  return { row: Number(cell.dataset.row), column: cell.dataset.column ?? "", text };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Levels open from the start; deeper ones open on a click. */
const OPEN_DEPTH = 2;

/** A value as an indented tree: objects and arrays fold, scalars show their JSON type. */
export function NestedTree({ value, label, depth = 0 }: { value: unknown; label?: string; depth?: number }) {
  const key = label === undefined ? null : <span className="wb-tree-key">{label}: </span>;
  if (value === null || typeof value !== "object") {
    return (
      <div className="wb-tree-leaf">
        {key}
        <span className={`wb-tree-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const summary = Array.isArray(value) ? `[${entries.length} ${entries.length === 1 ? "item" : "items"}]` : `{${entries.length} ${entries.length === 1 ? "field" : "fields"}}`;
  return (
    <details className="wb-tree-node" open={depth < OPEN_DEPTH}>
      <summary>
        {key}
        <span className="wb-tree-summary">{summary}</span>
      </summary>
      {entries.map(([k, v]) => (
        <NestedTree key={k} value={v} label={k} depth={depth + 1} />
      ))}
    </details>
  );
}

/** A panel over the grid showing one nested value in full; Escape or the close button dismisses it. */
export function NestedValuePanel({ cell, top, left, onClose }: { cell: OpenedCell; top: number; left: number; onClose(): void }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), [cell]);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
    }
  };
  return (
    <div
      ref={panel}
      className="wb-nested-panel"
      data-testid="wb-nested-panel"
      role="dialog"
      aria-label={`${cell.column}, row ${cell.row}`}
      tabIndex={-1}
      style={{ top, left }}
      onKeyDown={onKeyDown}
      onClick={(event) => event.stopPropagation()}
    >
      <div className="wb-nested-title">
        <span>
          {cell.column} · row {cell.row.toLocaleString("en-US")}
        </span>
        <button type="button" className="wb-nested-close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="wb-nested-body">
        <NestedTree value={parsed(cell.text)} />
      </div>
    </div>
  );
}
