import type { ControlProps } from "./types";

export function BooleanInput({ value, onChange, id }: ControlProps) {
  return (
    <input
      id={id}
      type="checkbox"
      className="wb-checkbox"
      data-testid="wb-input"
      checked={value === true}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}
