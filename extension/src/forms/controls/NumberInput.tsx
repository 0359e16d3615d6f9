import type { ControlProps } from "./types";

/** Integers and numbers; the text is kept as typed and converted when the step is built. */
export function NumberInput({ field, value, onChange, id }: ControlProps) {
  return (
    <input
      id={id}
      type="number"
      className="wb-number"
      data-testid="wb-input"
      step={field.kind === "integer" ? 1 : "any"}
      min={field.minimum ?? undefined}
      max={field.maximum ?? undefined}
      value={String(value)}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
