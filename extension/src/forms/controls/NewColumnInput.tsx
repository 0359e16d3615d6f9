import { siblingValue, useFormContext } from "../context";
import type { ControlProps } from "./types";

/** The name of a column the step creates, with a suggestion drawn from the source column. */
export function NewColumnInput({ value, onChange, id }: ControlProps) {
  const context = useFormContext();
  const suggestion = suggestedName(String(siblingValue(context, "column") ?? ""), context.operation);
  const name = String(value);
  return (
    <div className="wb-inline">
      <input
        id={id}
        type="text"
        className="wb-text"
        data-testid="wb-input"
        value={name}
        placeholder={suggestion || "New column name"}
        onChange={(e) => onChange(e.target.value)}
      />
      {!name && suggestion && (
        <button type="button" className="wb-link-button" data-testid="wb-suggestion" onClick={() => onChange(suggestion)}>
          Use “{suggestion}”
        </button>
      )}
    </div>
  );
}

/** DataBrew's console names new columns after the source and the operation: "price_ROUND". */
export function suggestedName(source: string, operation: string): string {
  return source ? `${source}_${operation.toLowerCase()}` : "";
}
