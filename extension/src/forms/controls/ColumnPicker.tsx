import type { ColumnOption } from "../context";
import { useFormContext } from "../context";
import type { ControlProps } from "./types";

export function acceptsType(types: string[] | null, type: string): boolean {
  return !types || types.includes(type);
}

export function columnOptions(columns: ColumnOption[], types: string[] | null): ColumnOption[] {
  return columns.filter((column) => acceptsType(types, column.type));
}

interface ColumnSelectProps {
  value: string;
  onChange(name: string): void;
  columns: ColumnOption[];
  types?: string[] | null;
  id?: string;
  testId?: string;
  dataKey?: string;
  label?: string;
}

/** A single column, offered with its type; a name the data no longer has stays visible. */
export function ColumnSelect({ value, onChange, columns, types = null, id, testId = "wb-input", dataKey, label }: ColumnSelectProps) {
  const eligible = columnOptions(columns, types);
  const known = columns.some((c) => c.name === value);
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
      <option value="">{eligible.length > 0 ? "Choose a column…" : noneLabel(types)}</option>
      {eligible.map((column) => (
        <option key={column.name} value={column.name}>
          {column.name} · {column.type}
        </option>
      ))}
      {value && !known && <option value={value}>{value} (not in the data)</option>}
    </select>
  );
}

function noneLabel(types: string[] | null): string {
  return types ? `No ${types.join(" or ")} column` : "No columns";
}

export function ColumnPicker({ field, value, onChange, id }: ControlProps) {
  const { columns } = useFormContext();
  return <ColumnSelect id={id} value={String(value)} onChange={onChange} columns={columns} types={field.columnTypes} />;
}
