import type { ControlProps } from "./types";

export function TextInput({ value, onChange, id, field }: ControlProps) {
  return (
    <input
      id={id}
      type="text"
      className="wb-text"
      data-testid="wb-input"
      value={String(value)}
      placeholder={field.defaultValue != null ? String(field.defaultValue) : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
