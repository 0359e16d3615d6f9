import type { FormObject } from "../generate";
import { siblingValue, useFormContext } from "../context";
import { ColumnSelect } from "./ColumnPicker";
import { DatasetHint } from "./DatasetColumnsPicker";
import { Rows } from "./Rows";
import { newRowOf, text } from "./rowValues";
import type { ControlProps } from "./types";
import { useDatasetColumns } from "./useDatasetColumns";

/** JOIN's keys: a column of this data (key) equal to a column of the secondary dataset (value). */
export function JoinKeysEditor({ field, value, onChange }: ControlProps) {
  const context = useFormContext();
  const dataset = String(siblingValue(context, "dataset") ?? "");
  const right = useDatasetColumns(context.rpc, dataset);
  return (
    <>
      <Rows<FormObject>
        rows={value as FormObject[]}
        onChange={onChange}
        newRow={() => newRowOf(field)}
        addLabel="Add a key pair"
        renderRow={(row, update) => (
          <>
            <ColumnSelect
              testId="wb-row-input"
              dataKey="key"
              label="Column of this data"
              value={text(row, "key")}
              columns={context.columns}
              onChange={(v) => update({ ...row, key: v })}
            />
            <span className="wb-row-joiner" aria-hidden>
              =
            </span>
            <ColumnSelect
              testId="wb-row-input"
              dataKey="value"
              label={`Column of ${dataset || "the dataset"}`}
              value={text(row, "value")}
              columns={right.columns}
              onChange={(v) => update({ ...row, value: v })}
            />
          </>
        )}
      />
      <DatasetHint dataset={dataset} loading={right.loading} problem={right.problem} />
    </>
  );
}
