import type { FormObject } from "../generate";
import { useFormContext } from "../context";
import { ColumnSelect } from "./ColumnPicker";
import { EnumSelect } from "./EnumInput";
import { FreeList } from "./FreeList";
import { Rows } from "./Rows";
import { enumOptions, newRowOf, text } from "./rowValues";
import type { ControlProps } from "./types";

/** SORT's expressions: column, direction, where nulls go, and an optional custom order of values. */
export function SortKeysEditor({ field, value, onChange }: ControlProps) {
  const { columns } = useFormContext();
  return (
    <Rows<FormObject>
      rows={value as FormObject[]}
      onChange={onChange}
      newRow={() => newRowOf(field)}
      addLabel="Add a sort key"
      ordered
      renderRow={(row, update) => {
        const set = (key: string, v: FormObject[string]) => update({ ...row, [key]: v });
        const customOrder = (row.customOrder as string[] | undefined) ?? [];
        return (
          <>
            <ColumnSelect
              testId="wb-row-input"
              dataKey="sourceColumn"
              label="Column"
              value={text(row, "sourceColumn")}
              columns={columns}
              onChange={(v) => set("sourceColumn", v)}
            />
            <EnumSelect
              testId="wb-row-input"
              dataKey="ordering"
              label="Direction"
              emptyLabel="(default)"
              value={text(row, "ordering")}
              options={enumOptions(field, "ordering")}
              onChange={(v) => set("ordering", v)}
            />
            <EnumSelect
              testId="wb-row-input"
              dataKey="nullsOrdering"
              label="Nulls"
              emptyLabel="(default)"
              value={text(row, "nullsOrdering")}
              options={enumOptions(field, "nullsOrdering")}
              onChange={(v) => set("nullsOrdering", v)}
            />
            <details className="wb-row-more" open={customOrder.length > 0}>
              <summary>Custom order</summary>
              <div data-testid="wb-row-input" data-key="customOrder">
                <FreeList
                  value={customOrder}
                  onChange={(v) => set("customOrder", v)}
                  placeholder="value that comes first"
                  addLabel="Add a value"
                />
              </div>
              <label className="wb-check-label">
                <input
                  type="checkbox"
                  data-testid="wb-row-input"
                  data-key="isCustomOrderCaseSensitive"
                  checked={row.isCustomOrderCaseSensitive !== false}
                  onChange={(e) => set("isCustomOrderCaseSensitive", e.target.checked)}
                />
                Case-sensitive
              </label>
            </details>
          </>
        );
      }}
    />
  );
}
