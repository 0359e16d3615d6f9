import { useId } from "react";
import type { ColumnOption } from "../context";
import { siblingValue, useFormContext } from "../context";
import { FreeList } from "./FreeList";
import { Rows } from "./Rows";
import type { ControlProps } from "./types";
import { useDatasetColumns } from "./useDatasetColumns";

/**
 * A list of column lists: UNION's datasetsColumns, one list per input (this data first, then
 * each secondary dataset in order), each naming the column that feeds each output column.
 * An empty name means that input has no such column.
 */
export function ColumnListsEditor({ value, onChange }: ControlProps) {
  const context = useFormContext();
  const secondary = (siblingValue(context, "datasets") as string[] | undefined) ?? [];
  const inputs = ["", ...secondary];
  return (
    <Rows<string[]>
      rows={value as string[][]}
      onChange={onChange}
      newRow={() => []}
      addLabel="Add a list"
      renderRow={(row, update, index) => <ColumnListRow dataset={inputs[index] ?? null} index={index} row={row} update={update} />}
    />
  );
}

interface ColumnListRowProps {
  /** "" for this data, a dataset name, or null when the row has no dataset yet. */
  dataset: string | null;
  index: number;
  row: string[];
  update(row: string[]): void;
}

function ColumnListRow({ dataset, index, row, update }: ColumnListRowProps) {
  const context = useFormContext();
  const listId = useId();
  const fetched = useDatasetColumns(context.rpc, dataset ?? "");
  const names: ColumnOption[] = dataset === "" ? context.columns : fetched.columns;
  return (
    <div className="wb-column-list">
      <div className="wb-row-label">{rowLabel(dataset, index)}</div>
      <FreeList value={row} onChange={update} suggestions={listId} placeholder="column" addLabel="Add a column" />
      <datalist id={listId}>
        {names.map((column) => (
          <option key={column.name} value={column.name} />
        ))}
      </datalist>
    </div>
  );
}

function rowLabel(dataset: string | null, index: number): string {
  if (dataset === "") return "This data";
  return dataset ?? `List ${index + 1}`;
}
