import { useFormContext } from "../context";
import { PickList } from "./PickList";
import type { ControlProps } from "./types";

export function DatasetsPicker({ value, onChange, id }: ControlProps) {
  const { datasets } = useFormContext();
  const options = datasets.map((name) => ({ value: name, label: name }));
  return <PickList id={id} value={value as string[]} options={options} onChange={onChange} addLabel="Add a dataset…" />;
}
