import type { FormObject } from "../generate";
import { suggestAggregationTarget } from "../generate";
import { useFormContext } from "../context";
import { ColumnSelect } from "./ColumnPicker";
import { EnumSelect } from "./EnumInput";
import { ExpressionBox } from "./ExpressionInput";
import { Rows } from "./Rows";
import { enumOptions, newRowOf, text } from "./rowValues";
import type { ControlProps } from "./types";

/** GROUP_BY's aggregates: source column, function, the new column's name (suggested) and type. */
export function AggregationsEditor(props: ControlProps) {
  const { field, value, onChange } = props;
  const { columns, catalogue } = useFormContext();
  if (field.fields?.some((f) => f.name === "value")) return <NamedAggregatesEditor {...props} />;
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

/** BOOLEAN_OPERATION's and CASE_OPERATION's withExpressions: a name and an aggregate such as avg(`price`). */
function NamedAggregatesEditor({ field, value, onChange }: ControlProps) {
  return (
    <Rows<FormObject>
      rows={value as FormObject[]}
      onChange={onChange}
      newRow={() => ({ ...newRowOf(field), type: "aggregate" })}
      addLabel="Add an aggregate"
      renderRow={(row, update) => {
        const set = (key: string, v: string) => update({ ...row, [key]: v });
        return (
          <>
            <input
              type="text"
              className="wb-text"
              data-testid="wb-row-input"
              data-key="name"
              aria-label="Name"
              placeholder="name (refer to it as :name)"
              value={text(row, "name")}
              onChange={(e) => set("name", e.target.value)}
            />
            <ExpressionBox
              testId="wb-row-input"
              dataKey="value"
              label="Aggregate"
              role="aggregate"
              value={text(row, "value")}
              onChange={(v) => set("value", v)}
            />
          </>
        );
      }}
    />
  );
}
