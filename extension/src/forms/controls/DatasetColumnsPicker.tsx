import { siblingValue, useFormContext } from "../context";
import { PickList } from "./PickList";
import type { ControlProps } from "./types";
import { useDatasetColumns } from "./useDatasetColumns";

/** Columns of the secondary dataset chosen in the form's dataset field (JOIN's rightColumns). */
export function DatasetColumnsPicker({ value, onChange, id }: ControlProps) {
  const context = useFormContext();
  const dataset = String(siblingValue(context, "dataset") ?? "");
  const { columns, loading, problem } = useDatasetColumns(context.rpc, dataset);
  const options = columns.map((c) => ({ value: c.name, label: `${c.name} · ${c.type}` }));
  return (
    <>
      <PickList
        id={id}
        value={value as string[]}
        options={options}
        onChange={onChange}
        addLabel={`Add a column of ${dataset || "the dataset"}…`}
      />
      <DatasetHint dataset={dataset} loading={loading} problem={problem} />
    </>
  );
}

export function DatasetHint({ dataset, loading, problem }: { dataset: string; loading: boolean; problem: string | null }) {
  if (!dataset) return <div className="wb-field-hint">Choose the dataset first.</div>;
  if (loading) return <div className="wb-field-hint">Reading the columns of {dataset}…</div>;
  if (problem) return <div className="wb-field-hint wb-warning">{problem}</div>;
  return null;
}
