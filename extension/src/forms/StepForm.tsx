/**
 * The form of one step, generated from the transform's parameter schema.
 *
 * Test ids (for the shell's and the browser tests):
 * - `wb-form` (root, `data-operation`), `wb-form-error` (step-level errors at the top),
 *   `wb-preview-summary`, `wb-preview-button`, `wb-apply-button`, `wb-cancel-button`.
 * - Every parameter: `wb-field` with `data-param` (its name; "window.size" inside an object) and
 *   `data-kind`; inside it `wb-input` and, for the kernel's errors about it, `wb-field-error`.
 *   `wb-input` is the input itself for single values (column, new_column, text, regex, integer,
 *   number, boolean, enum, date_format, dataset) and the editor's root element otherwise.
 * - new_column: `wb-suggestion` (button filling in the suggested name).
 * - regex (and delimiter patterns in rows): `wb-regex-problem`, the kernel's check_regex verdict.
 * - date_format: `wb-date-preset` (select of common formats).
 * - Picked lists (columns, datasets, dataset_columns): `wb-list-item` per chosen name
 *   (`data-value`) holding `wb-list-up`, `wb-list-down`, `wb-list-remove`; `wb-list-picker` is
 *   the select that adds a name.
 * - Typed lists (text_list, number_list, a sort key's custom order, each list of column_lists,
 *   the values of IS / IS_NOT): `wb-list-item` per item holding `wb-list-input` and
 *   `wb-list-remove`; `wb-list-add` appends an item. An empty list shows one blank input.
 * - Rows (sort_keys, aggregations, join_keys, pattern_options, key_value_map, column_lists):
 *   `wb-row` (`data-index`) holding `wb-row-input` elements with `data-key` naming the property
 *   (sort_keys: sourceColumn, ordering, nullsOrdering, customOrder (a typed list),
 *   isCustomOrderCaseSensitive; aggregations: sourceColumnName, functionName, targetColumnName,
 *   targetColumnDataType; join_keys: key, value; pattern_options: pattern, includeInSplit;
 *   key_value_map: key, value), and `wb-row-remove`, `wb-row-up`, `wb-row-down` (ordered kinds);
 *   `wb-row-add` appends a row. An empty list shows one fresh row. column_lists rows hold a
 *   typed list each. pattern_option is one such row's inputs without the row buttons.
 * - object: a nested `wb-field` per property (`data-param` "<param>.<property>").
 * - Conditions: `wb-conditions` holding `wb-condition` rows (`data-index`) with
 *   `wb-condition-column`, `wb-condition-name`, and by condition `wb-condition-value` (input;
 *   select of types for IS_INVALID; a typed list for IS / IS_NOT), `wb-condition-low` and
 *   `wb-condition-high` (IS_BETWEEN); `wb-condition-remove`, `wb-condition-add`.
 */
import { useMemo, useState, type KeyboardEvent } from "react";
import type { Catalogue, CatalogueEntry, PreviewInfo, StepError, StepJson } from "../protocol";
import type { Rpc } from "../rpc";
import { ConditionEditor } from "./ConditionEditor";
import { decodeConditions, encodeConditions, type ConditionRow } from "./conditions";
import { FormContext, type FormContextValue } from "./context";
import { errorText, Field } from "./Field";
import { buildStep, fieldsOf, fromParameters, type FieldSpec, type FormValue, type FormValues } from "./generate";
import { operationLabel } from "./labels";
import { RichText } from "./RichText";

export interface StepFormProps {
  entry: CatalogueEntry;
  catalogue: Catalogue;
  columns: { name: string; type: string }[];
  datasets: string[];
  initial?: StepJson;
  /** The step's position in the recipe; undefined when it is appended at the end. */
  at?: number;
  errors: StepError[];
  preview: PreviewInfo | null;
  rpc: Rpc;
  onChange(step: StepJson): void;
  onPreview(step: StepJson): void;
  onApply(step: StepJson): void;
  onCancel(): void;
}

/** A fresh form whenever the transform or the edited step changes. */
export function StepForm(props: StepFormProps) {
  return <StepFormBody key={`${props.entry.operation}:${props.initial?.id ?? ""}`} {...props} />;
}

function StepFormBody(props: StepFormProps) {
  const { entry, catalogue, initial } = props;
  const fields = useMemo(() => fieldsOf(entry), [entry]);
  const [values, setValues] = useState<FormValues>(() => fromParameters(fields, initial?.Action.Parameters));
  const [conditions, setConditions] = useState<ConditionRow[]>(() => decodeConditions(initial?.ConditionExpressions, catalogue));
  const stepOf = (v: FormValues, c: ConditionRow[]) => buildStep(entry, fields, v, encodeConditions(c, catalogue), initial);
  const step = stepOf(values, conditions);
  const routed = routeErrors(props.errors, fields, entry.conditions);

  const setValue = (name: string, value: FormValue) => {
    const next = { ...values, [name]: value };
    setValues(next);
    props.onChange(stepOf(next, conditions));
  };
  const setConditionRows = (rows: ConditionRow[]) => {
    setConditions(rows);
    props.onChange(stepOf(values, rows));
  };
  const context: FormContextValue = {
    operation: entry.operation,
    catalogue,
    columns: props.columns,
    datasets: props.datasets,
    rpc: props.rpc,
    fields,
    values,
    at: props.at,
  };

  return (
    <form
      className="wb-form"
      data-testid="wb-form"
      data-operation={entry.operation}
      onSubmit={(e) => e.preventDefault()}
      onKeyDown={(e) => onFormKey(e, () => props.onApply(step), props.onCancel)}
    >
      <FormHeader entry={entry} editing={initial !== undefined} />
      {routed.step.length > 0 && (
        <div className="wb-form-errors" role="alert">
          {routed.step.map((error, index) => (
            <div key={index} className="wb-form-error" data-testid="wb-form-error">
              {errorText(error)}
            </div>
          ))}
        </div>
      )}
      <FormContext.Provider value={context}>
        <div className="wb-fields">
          {displayOrder(fields).map((field) => (
            <Field
              key={field.name}
              field={field}
              path={field.name}
              value={values[field.name]}
              onChange={(v) => setValue(field.name, v)}
              errors={routed.byField.get(field.name) ?? []}
            />
          ))}
        </div>
        {entry.conditions && (
          <ConditionEditor
            rows={conditions}
            onChange={setConditionRows}
            catalogue={catalogue}
            columns={props.columns}
            defaultColumn={firstColumn(fields, values)}
            errors={routed.conditions}
          />
        )}
      </FormContext.Provider>
      <div className="wb-form-buttons">
        <button type="button" className="wb-button" data-testid="wb-preview-button" onClick={() => props.onPreview(step)}>
          Preview
        </button>
        <button type="button" className="wb-button wb-button-primary" data-testid="wb-apply-button" onClick={() => props.onApply(step)}>
          {initial ? "Update step" : "Apply"}
        </button>
        <button type="button" className="wb-button" data-testid="wb-cancel-button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      {/* Below the buttons, so a debounced preview that lands never moves Apply under the pointer. */}
      {props.preview && (
        <div className="wb-preview-summary" data-testid="wb-preview-summary" role="status">
          {props.preview.summary}
        </div>
      )}
    </form>
  );
}

function FormHeader({ entry, editing }: { entry: CatalogueEntry; editing: boolean }) {
  const more = entry.description.trim() !== entry.summary.trim() ? entry.description.slice(entry.summary.length).trim() : "";
  return (
    <header className="wb-form-header">
      <h3 className="wb-form-title">
        {editing ? "Edit: " : ""}
        {operationLabel(entry.operation)}
        <code className="wb-form-operation">{entry.operation}</code>
        {entry.extension && (
          <span className="wb-badge" title="A Workbench transform beyond DataBrew's catalogue">
            workbench
          </span>
        )}
      </h3>
      <p className="wb-form-summary">
        <RichText text={entry.summary} />
      </p>
      {more && (
        <details className="wb-form-description">
          <summary>More</summary>
          <p>
            <RichText text={more} />
          </p>
        </details>
      )}
    </header>
  );
}

function onFormKey(event: KeyboardEvent, apply: () => void, cancel: () => void) {
  if (event.key === "Escape") {
    event.preventDefault();
    cancel();
  } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    apply();
  }
}

const CONDITION_PARAMETERS = new Set(["ConditionExpressions", "Condition", "Value", "TargetColumn"]);

interface RoutedErrors {
  step: StepError[];
  byField: Map<string, StepError[]>;
  conditions: StepError[];
}

/** Each error goes to the field it names ("expressions[0].ordering" → expressions), else to the top. */
export function routeErrors(errors: StepError[], fields: FieldSpec[], hasConditions: boolean): RoutedErrors {
  const routed: RoutedErrors = { step: [], byField: new Map(), conditions: [] };
  const names = new Set(fields.map((f) => f.name));
  for (const error of errors) {
    const root = (error.parameter ?? "").split(/[.[]/)[0];
    if (names.has(root)) routed.byField.set(root, [...(routed.byField.get(root) ?? []), error]);
    else if (hasConditions && CONDITION_PARAMETERS.has(root)) routed.conditions.push(error);
    else routed.step.push(error);
  }
  return routed;
}

/** Datasets come first: the columns offered by other fields depend on them. */
function displayOrder(fields: FieldSpec[]): FieldSpec[] {
  const first = (f: FieldSpec) => f.kind === "dataset" || f.kind === "datasets";
  return [...fields.filter(first), ...fields.filter((f) => !first(f))];
}

function firstColumn(fields: FieldSpec[], values: FormValues): string {
  const field = fields.find((f) => f.kind === "column");
  return field ? String(values[field.name] ?? "") : "";
}
