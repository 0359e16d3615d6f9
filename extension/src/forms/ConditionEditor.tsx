import type { Catalogue, StepError } from "../protocol";
import type { ColumnOption } from "./context";
import { newConditionRow, valueShape, type ConditionRow } from "./conditions";
import { ColumnSelect } from "./controls/ColumnPicker";
import { EnumSelect } from "./controls/EnumInput";
import { FreeList } from "./controls/FreeList";
import { IconButton } from "./controls/PickList";
import { errorText } from "./Field";
import { enumLabel } from "./labels";

interface ConditionEditorProps {
  rows: ConditionRow[];
  onChange(rows: ConditionRow[]): void;
  catalogue: Catalogue;
  columns: ColumnOption[];
  /** Column the step works on: the natural target of a new condition. */
  defaultColumn: string;
  errors: StepError[];
}

/** The rows a step acts on: conditions that must all hold (DataBrew's ConditionExpressions). */
export function ConditionEditor({ rows, onChange, catalogue, columns, defaultColumn, errors }: ConditionEditorProps) {
  const set = (index: number) => (row: ConditionRow) => onChange(rows.map((r, i) => (i === index ? row : r)));
  const add = () => onChange([...rows, newConditionRow(defaultColumn || columns[0]?.name || "", catalogue)]);
  return (
    <fieldset className="wb-conditions" data-testid="wb-conditions">
      <legend>{rows.length > 0 ? "Only rows where" : "Rows"}</legend>
      {rows.length === 0 && <div className="wb-field-hint">The step acts on every row.</div>}
      {rows.map((row, index) => (
        <div key={index} className="wb-condition" data-testid="wb-condition" data-index={index}>
          <span className="wb-condition-and">{index > 0 ? "and" : ""}</span>
          <div className="wb-condition-cells">
            <ColumnSelect
              testId="wb-condition-column"
              label="Column"
              value={row.column}
              columns={columns}
              onChange={(column) => set(index)({ ...row, column })}
            />
            <select
              className="wb-select"
              data-testid="wb-condition-name"
              aria-label="Condition"
              value={row.condition}
              onChange={(e) => set(index)({ ...row, condition: e.target.value })}
            >
              {catalogue.conditions.map((condition) => (
                <option key={condition.name} value={condition.name} title={condition.summary}>
                  {enumLabel(condition.name).toLowerCase()}
                </option>
              ))}
            </select>
            <ConditionValue row={row} onChange={set(index)} catalogue={catalogue} />
          </div>
          <IconButton testId="wb-condition-remove" label="Remove condition" onClick={() => onChange(rows.filter((_, i) => i !== index))}>
            ×
          </IconButton>
        </div>
      ))}
      <button type="button" className="wb-link-button" data-testid="wb-condition-add" onClick={add}>
        + {rows.length > 0 ? "And another condition" : "Only where…"}
      </button>
      {errors.map((error, index) => (
        <div key={index} className="wb-field-error" data-testid="wb-field-error" role="alert">
          {errorText(error)}
        </div>
      ))}
    </fieldset>
  );
}

interface ConditionValueProps {
  row: ConditionRow;
  onChange(row: ConditionRow): void;
  catalogue: Catalogue;
}

function ConditionValue({ row, onChange, catalogue }: ConditionValueProps) {
  switch (valueShape(row.condition, catalogue)) {
    case "none":
      return null;
    case "list":
      return (
        <div className="wb-condition-values" data-testid="wb-condition-value">
          <FreeList value={row.list} onChange={(list) => onChange({ ...row, list })} placeholder="value" addLabel="Or another value" />
        </div>
      );
    case "range":
      return (
        <span className="wb-inline">
          <input
            type="text"
            className="wb-text wb-short"
            data-testid="wb-condition-low"
            aria-label="From"
            placeholder="from"
            value={row.low}
            onChange={(e) => onChange({ ...row, low: e.target.value })}
          />
          <span className="wb-row-joiner">and</span>
          <input
            type="text"
            className="wb-text wb-short"
            data-testid="wb-condition-high"
            aria-label="To"
            placeholder="to"
            value={row.high}
            onChange={(e) => onChange({ ...row, high: e.target.value })}
          />
        </span>
      );
    case "type":
      return (
        <EnumSelect
          testId="wb-condition-value"
          label="Type"
          emptyLabel="Type…"
          value={row.text}
          options={catalogue.types}
          onChange={(text) => onChange({ ...row, text })}
        />
      );
    default:
      return (
        <input
          type="text"
          className="wb-text"
          data-testid="wb-condition-value"
          aria-label="Value"
          placeholder="value"
          value={row.text}
          onChange={(e) => onChange({ ...row, text: e.target.value })}
        />
      );
  }
}
