import type { FormObject } from "../generate";
import { suggestAggregationTarget } from "../generate";
import { useFormContext } from "../context";
import { ColumnSelect } from "./ColumnPicker";
import { EnumSelect } from "./EnumInput";
import { Rows } from "./Rows";
import { enumOptions, newRowOf, text } from "./rowValues";
import type { ControlProps } from "./types";

/** GROUP_BY's aggregates: source column, function, the new column's name (suggested) and type. */
export function AggregationsEditor({ field, value, onChange }: ControlProps) {
  const { columns, catalogue } = useFormContext();
  return (
    <Rows<FormObject>
      rows={value as FormObject[]}
      onChange={onChange}
      newRow={() => newRowOf(field)}
      addLabel="Add an aggregate"
      renderRow={(row, update) => {
        const set = (key: string, v: string) => update({ ...row, [key]: v });
        return (
          <>
            <ColumnSelect
              testId="wb-row-input"
              dataKey="sourceColumnName"
              label="Column"
              value={text(row, "sourceColumnName")}
              columns={columns}
              onChange={(v) => set("sourceColumnName", v)}
            />
            <EnumSelect
              testId="wb-row-input"
              dataKey="functionName"
              label="Function"
              emptyLabel="Function…"
              value={text(row, "functionName")}
              options={enumOptions(field, "functionName")}
              onChange={(v) => set("functionName", v)}
            />
            <input
              type="text"
              className="wb-text"
              data-testid="wb-row-input"
              data-key="targetColumnName"
              aria-label="New column"
              placeholder={suggestAggregationTarget(row) || "new column"}
              value={text(row, "targetColumnName")}
              onChange={(e) => set("targetColumnName", e.target.value)}
            />
            <EnumSelect
              testId="wb-row-input"
              dataKey="targetColumnDataType"
              label="Type"
              emptyLabel="(type as computed)"
              value={text(row, "targetColumnDataType")}
              options={catalogue.types}
              onChange={(v) => set("targetColumnDataType", v)}
            />
          </>
        );
      }}
    />
  );
}
