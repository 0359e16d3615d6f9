import { enumLabel } from "../labels";
import type { ControlProps } from "./types";

interface EnumSelectProps {
  value: string;
  options: string[];
  onChange(value: string): void;
  /** Text of the empty choice; without it the select has none once a value is chosen. */
  emptyLabel: string;
  id?: string;
  testId?: string;
  dataKey?: string;
  label?: string;
}

export function EnumSelect({ value, options, onChange, emptyLabel, id, testId = "wb-input", dataKey, label }: EnumSelectProps) {
  return (
    <select
      id={id}
      className="wb-select"
      data-testid={testId}
      data-key={dataKey}
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      <option value="">{emptyLabel}</option>
      {options.map((option) => (
        <option key={option} value={option} title={option}>
          {enumLabel(option)}
        </option>
      ))}
      {value && !options.includes(value) && <option value={value}>{value} (unknown)</option>}
    </select>
  );
}

export function EnumInput({ field, value, onChange, id }: ControlProps) {
  return (
    <EnumSelect
      id={id}
      value={String(value)}
      options={field.enumValues ?? []}
      onChange={onChange}
      emptyLabel={field.required ? "Choose…" : "(not set)"}
    />
  );
}
