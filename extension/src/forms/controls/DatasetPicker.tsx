import { useFormContext } from "../context";
import type { ControlProps } from "./types";

export function DatasetPicker({ value, onChange, id }: ControlProps) {
  const { datasets } = useFormContext();
  const name = String(value);
  if (datasets.length === 0) {
    return (
      <>
        <input id={id} className="wb-text" data-testid="wb-input" value={name} onChange={(e) => onChange(e.target.value)} />
        <div className="wb-field-hint">No secondary datasets are open: pass them to wb.open(..., datasets=&#123;name: frame&#125;).</div>
      </>
    );
  }
  return (
    <select id={id} className="wb-select" data-testid="wb-input" value={name} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose a dataset…</option>
      {datasets.map((dataset) => (
        <option key={dataset} value={dataset}>
          {dataset}
        </option>
      ))}
      {name && !datasets.includes(name) && <option value={name}>{name} (not open)</option>}
    </select>
  );
}
