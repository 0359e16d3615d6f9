import { useFormContext } from "../context";
import { columnOptions } from "./ColumnPicker";
import { PickList } from "./PickList";
import type { ControlProps } from "./types";

export function ColumnList({ field, value, onChange, id }: ControlProps) {
  const { columns } = useFormContext();
  const options = columnOptions(columns, field.columnTypes).map((c) => ({ value: c.name, label: `${c.name} · ${c.type}` }));
  return <PickList id={id} value={value as string[]} options={options} onChange={onChange} addLabel="Add a column…" />;
}
