import type { ReactNode } from "react";
import { IconButton, moved } from "./PickList";

interface RowsProps<Row> {
  rows: Row[];
  onChange(rows: Row[]): void;
  newRow(): Row;
  renderRow(row: Row, update: (row: Row) => void, index: number): ReactNode;
  addLabel: string;
  /** Whether the order of the rows means something (sort keys, delimiters). */
  ordered?: boolean;
  header?: ReactNode;
}

/**
 * Rows with add, remove and (when order matters) move buttons. An empty list shows one fresh
 * row, so the first one is filled without a click; untouched rows are left out of the step.
 */
export function Rows<Row>({ rows, onChange, newRow, renderRow, addLabel, ordered = false, header }: RowsProps<Row>) {
  const shown = rows.length > 0 ? rows : [newRow()];
  const update = (index: number) => (row: Row) => onChange(shown.map((r, i) => (i === index ? row : r)));
  return (
    <div className="wb-rows" data-testid="wb-input">
      {header}
      {shown.map((row, index) => (
        <div key={index} className="wb-row" data-testid="wb-row" data-index={index}>
          <div className="wb-row-cells">{renderRow(row, update(index), index)}</div>
          <div className="wb-row-buttons">
            {ordered && (
              <>
                <IconButton
                  testId="wb-row-up"
                  label="Move up"
                  disabled={index === 0}
                  onClick={() => onChange(moved(shown, index, index - 1))}
                >
                  ↑
                </IconButton>
                <IconButton
                  testId="wb-row-down"
                  label="Move down"
                  disabled={index === shown.length - 1}
                  onClick={() => onChange(moved(shown, index, index + 1))}
                >
                  ↓
                </IconButton>
              </>
            )}
            <IconButton
              testId="wb-row-remove"
              label="Remove"
              disabled={rows.length === 0}
              onClick={() => onChange(shown.filter((_, i) => i !== index))}
            >
              ×
            </IconButton>
          </div>
        </div>
      ))}
      <button type="button" className="wb-link-button" data-testid="wb-row-add" onClick={() => onChange([...shown, newRow()])}>
        + {addLabel}
      </button>
    </div>
  );
}
