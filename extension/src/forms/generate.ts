/**
 * From a transform's parameter schema to form fields, and between form values and the step's
 * Parameters. Pure: no React, no I/O.
 *
 * Form values keep what the user typed (numbers stay text until encoded, so "-" or "1." can be
 * typed); `toParameters` turns them into typed JSON, `fromParameters` reads typed JSON or
 * DataBrew's string-encoded values ("true", "3", "[\"a\",\"b\"]").
 */
import type { CatalogueEntry, ExpressionRole, ParamKind, ParamSchema, StepJson } from "../protocol";
import { labelOf } from "./labels";

export type Defs = Record<string, ParamSchema>;

export type FormValue = string | boolean | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}
export type FormValues = FormObject;

export interface FieldSpec {
  /** The parameter's wire name (or the property's name inside a structured value). */
  name: string;
  label: string;
  description: string;
  kind: ParamKind;
  required: boolean;
  defaultValue: unknown;
  enumValues: string[] | null;
  /** Logical column types a column parameter accepts; null means any. */
  columnTypes: string[] | null;
  /** The properties of one row (row kinds) or of the value (object kinds). */
  fields: FieldSpec[] | null;
  /** Whether list items may be null (UNION's datasetsColumns). */
  itemNullable: boolean;
  minimum: number | null;
  maximum: number | null;
  /** For expression parameters, the role the kernel checks the text as; null otherwise. */
  expression: ExpressionRole | null;
}

/** Kinds whose value is a list of objects edited as rows. */
export const ROW_KINDS: ReadonlySet<ParamKind> = new Set<ParamKind>(["sort_keys", "aggregations", "join_keys", "pattern_options"]);
const OBJECT_KINDS: ReadonlySet<ParamKind> = new Set<ParamKind>(["object", "pattern_option"]);
const NAME_LIST_KINDS: ReadonlySet<ParamKind> = new Set<ParamKind>(["columns", "text_list", "datasets", "dataset_columns"]);

// ---------------------------------------------------------------- schema → fields

export function fieldsOf(entry: CatalogueEntry): FieldSpec[] {
  const schema = entry.parameters;
  return objectFields(schema, schema.$defs ?? {});
}

function objectFields(schema: ParamSchema, defs: Defs): FieldSpec[] {
  const required = schema.required ?? [];
  return Object.entries(schema.properties ?? {}).map(([name, property]) => fieldOf(name, property, defs, required.includes(name)));
}

function fieldOf(name: string, property: ParamSchema, defs: Defs, listedRequired: boolean): FieldSpec {
  const { schema, nullable } = unwrapOptional(property, defs);
  const kind = kindOf(schema, defs);
  return {
    name,
    label: labelOf(name),
    description: schema.description ?? itemDescription(kind, schema, defs),
    kind,
    required: listedRequired && !nullable,
    defaultValue: schema.default ?? null,
    enumValues: schema.enum ? schema.enum.map(String) : null,
    columnTypes: schema["x-wb-types"] ?? null,
    fields: nestedFields(kind, schema, defs),
    itemNullable: itemsNullable(kind, schema, defs),
    minimum: schema.minimum ?? null,
    maximum: schema.maximum ?? null,
    expression: schema["x-wb-expression"] ?? null,
  };
}

/** Follow `$ref` into `$defs`; keys next to the `$ref` win over the definition's. */
export function resolve(schema: ParamSchema, defs: Defs): ParamSchema {
  if (!schema.$ref) return schema;
  const { $ref, ...beside } = schema;
  const target = defs[$ref.replace(/^#\/\$defs\//, "")] ?? {};
  return { ...resolve(target, defs), ...beside };
}

function isNullSchema(schema: ParamSchema): boolean {
  return schema.type === "null";
}

/** `anyOf: [X, {type: null}]` is an optional X; the outer keys (default, kind) still apply. */
export function unwrapOptional(schema: ParamSchema, defs: Defs): { schema: ParamSchema; nullable: boolean } {
  const resolved = resolve(schema, defs);
  if (!resolved.anyOf) return { schema: resolved, nullable: false };
  const { anyOf, ...outer } = resolved;
  const branches = anyOf.filter((branch) => !isNullSchema(branch));
  const inner = branches.length > 0 ? unwrapOptional(branches[0], defs).schema : {};
  return { schema: { ...inner, ...outer }, nullable: branches.length < anyOf.length };
}

/** The declared kind, or one inferred from the shape (properties inside `$defs` carry none). */
export function kindOf(schema: ParamSchema, defs: Defs): ParamKind {
  if (schema["x-wb-kind"]) return schema["x-wb-kind"];
  if (schema.enum) return "enum";
  switch (primaryType(schema)) {
    case "boolean":
      return "boolean";
    case "integer":
      return "integer";
    case "number":
      return "number";
    case "array":
      return listKind(schema, defs);
    case "object":
      return schema.properties ? "object" : "key_value_map";
    default:
      return "text";
  }
}

function primaryType(schema: ParamSchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
}

function listKind(schema: ParamSchema, defs: Defs): ParamKind {
  const item = schema.items ? unwrapOptional(schema.items, defs).schema : {};
  const itemType = primaryType(item);
  if (itemType === "array") return "column_lists";
  if (itemType === "number" || itemType === "integer") return "number_list";
  return "text_list";
}

function nestedFields(kind: ParamKind, schema: ParamSchema, defs: Defs): FieldSpec[] | null {
  if (OBJECT_KINDS.has(kind)) return objectFields(schema, defs);
  if (ROW_KINDS.has(kind) && schema.items) return objectFields(resolve(schema.items, defs), defs);
  return null;
}

/** Rows are described by their definition ("One sort key: …"). */
function itemDescription(kind: ParamKind, schema: ParamSchema, defs: Defs): string {
  return ROW_KINDS.has(kind) && schema.items ? (resolve(schema.items, defs).description ?? "") : "";
}

function itemsNullable(kind: ParamKind, schema: ParamSchema, defs: Defs): boolean {
  let item = schema.items;
  if (kind === "column_lists") item = item ? resolve(item, defs).items : undefined;
  return item ? unwrapOptional(item, defs).nullable : false;
}

// ---------------------------------------------------------------- wire values → form values

/** Form values of a step's Parameters (typed or DataBrew strings), defaults where absent. */
export function fromParameters(fields: FieldSpec[], parameters?: Record<string, unknown>): FormValues {
  return decodeObject(fields, parameters ?? {});
}

function decodeObject(fields: FieldSpec[], raw: Record<string, unknown>): FormObject {
  return Object.fromEntries(fields.map((field) => [field.name, decode(field, raw[field.name])]));
}

export function initialValue(field: FieldSpec): FormValue {
  if (field.defaultValue !== null && field.defaultValue !== undefined) return decode(field, field.defaultValue);
  return emptyValue(field);
}

export function emptyValue(field: FieldSpec): FormValue {
  if (field.kind === "boolean") return false;
  if (OBJECT_KINDS.has(field.kind)) return decodeObject(field.fields ?? [], {});
  if (isListKind(field.kind)) return [];
  return "";
}

function isListKind(kind: ParamKind): boolean {
  return (
    NAME_LIST_KINDS.has(kind) ||
    ROW_KINDS.has(kind) ||
    kind === "number_list" ||
    kind === "column_lists" ||
    kind === "key_value_map" ||
    kind === "clusters"
  );
}

export function decode(field: FieldSpec, raw: unknown): FormValue {
  if (raw === undefined || raw === null) return initialValue(field);
  const kind = field.kind;
  if (kind === "boolean") return typeof raw === "string" ? raw.trim().toLowerCase() === "true" : Boolean(raw);
  if (kind === "enum") return matchEnum(field, textOf(raw));
  if (NAME_LIST_KINDS.has(kind) || kind === "number_list") return listOf(raw).map(textOf);
  if (kind === "column_lists") return listOf(raw).map((inner) => listOf(inner).map((v) => (v === null ? "" : textOf(v))));
  if (kind === "key_value_map") return Object.entries(objectOf(raw)).map(([key, value]) => ({ key, value: textOf(value) }));
  if (kind === "clusters") return listOf(raw).map((item) => decodeCluster(objectOf(item)));
  if (ROW_KINDS.has(kind)) return listOf(raw).map((row) => decodeObject(field.fields ?? [], objectOf(row)));
  if (OBJECT_KINDS.has(kind)) return decodeObject(field.fields ?? [], objectOf(raw));
  return textOf(raw);
}

/** An accepted cluster as the form holds it: `{values: [text...], into: text}`. */
function decodeCluster(raw: Record<string, unknown>): FormObject {
  return { values: listOf(raw.values).map(textOf), into: textOf(raw.into) };
}

/** DataBrew writes lists and objects as JSON inside a string. */
function parseJsonText(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  const text = raw.trim();
  if (!text.startsWith("[") && !text.startsWith("{")) return raw;
  try {
    return JSON.parse(text);
  } catch {
    return raw;
  }
}

function listOf(raw: unknown): unknown[] {
  const value = parseJsonText(raw);
  if (Array.isArray(value)) return value;
  return value === null || value === undefined || value === "" ? [] : [value];
}

function objectOf(raw: unknown): Record<string, unknown> {
  const value = parseJsonText(raw);
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}

/** Enum values match case-insensitively, as the kernel reads them. */
function matchEnum(field: FieldSpec, text: string): string {
  const match = field.enumValues?.find((v) => v.toLowerCase() === text.trim().toLowerCase());
  return match ?? text;
}

// ---------------------------------------------------------------- form values → wire values

/** Typed Parameters of the form; empty optional values are left out. */
export function toParameters(fields: FieldSpec[], values: FormValues): Record<string, unknown> {
  return encodeObject(fields, values);
}

function encodeObject(fields: FieldSpec[], values: FormObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const encoded = encode(field, values[field.name] ?? initialValue(field));
    if (encoded !== undefined) out[field.name] = encoded;
  }
  return out;
}

/** The wire value of one field, or undefined to leave it out. */
export function encode(field: FieldSpec, value: FormValue): unknown {
  const kind = field.kind;
  if (kind === "boolean") return encodeBoolean(field, value === true);
  if (kind === "integer" || kind === "number") return emptyToOmit(encodeNumber(String(value), kind));
  if (kind === "text" || kind === "regex") return value === "" && !field.required ? undefined : value;
  if (kind === "number_list") return omitEmpty(texts(value).map((t) => encodeNumber(t, "number")));
  if (NAME_LIST_KINDS.has(kind)) return omitEmpty(texts(value));
  if (kind === "column_lists") return omitEmpty(encodeColumnLists(field, value));
  if (kind === "key_value_map") return encodeMap(value);
  if (kind === "clusters") return omitEmpty(encodeClusters(value));
  if (ROW_KINDS.has(kind)) return omitEmpty(encodeRows(field, value));
  if (OBJECT_KINDS.has(kind)) return encodeNested(field, value as FormObject);
  return emptyToOmit(value);
}

/** A flag at its default says nothing: recipes list only the flags that were set. */
function encodeBoolean(field: FieldSpec, value: boolean): boolean | undefined {
  return field.required || value !== (field.defaultValue === true) ? value : undefined;
}

function emptyToOmit(encoded: unknown): unknown {
  return encoded === "" ? undefined : encoded;
}

/** An empty list is left out, so a required one is reported as missing rather than empty. */
function omitEmpty(list: unknown[]): unknown[] | undefined {
  return list.length === 0 ? undefined : list;
}

/** The filled-in items of a list value (a space is an item: delimiters can be spaces). */
function texts(value: FormValue): string[] {
  return (Array.isArray(value) ? value : []).map(String).filter((t) => t !== "");
}

/** A number when the text is one; otherwise the text, for the kernel to refuse on the right field. */
export function encodeNumber(text: string, kind: "integer" | "number"): number | string {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  const pattern = kind === "integer" ? /^[-+]?\d+$/ : /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
  if (!pattern.test(trimmed)) return trimmed;
  const number = Number(trimmed);
  // JSON cannot carry infinities or integers past 2^53; the text goes through instead.
  return Number.isSafeInteger(number) || (kind === "number" && Number.isFinite(number)) ? number : trimmed;
}

function encodeColumnLists(field: FieldSpec, value: FormValue): (string | null)[][] {
  const rows = Array.isArray(value) ? (value as FormValue[]) : [];
  return rows
    .map((row) => (Array.isArray(row) ? row.map(String) : []))
    .filter((row) => row.some((name) => name !== ""))
    .map((row) => row.map((name) => (name === "" && field.itemNullable ? null : name)));
}

function encodeMap(value: FormValue): Record<string, string> | undefined {
  const rows = (Array.isArray(value) ? value : []) as FormObject[];
  const entries = rows.filter((row) => String(row.key ?? "") !== "").map((row) => [String(row.key), String(row.value ?? "")]);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** Accepted clusters keep every member, empty text included: merging blanks is a real choice. */
function encodeClusters(value: FormValue): { values: string[]; into: string }[] {
  const clusters = (Array.isArray(value) ? value : []) as FormObject[];
  return clusters.map((c) => ({ values: (Array.isArray(c.values) ? c.values : []).map(String), into: String(c.into ?? "") }));
}

function encodeRows(field: FieldSpec, value: FormValue): Record<string, unknown>[] {
  const fields = field.fields ?? [];
  const rows = (Array.isArray(value) ? value : []) as FormObject[];
  return rows
    .filter((row) => fields.some((f) => hasContent(f, row[f.name])))
    .map((row) => encodeObject(fields, completeRow(field.kind, row)));
}

function encodeNested(field: FieldSpec, value: FormObject): Record<string, unknown> | undefined {
  const fields = field.fields ?? [];
  if (!field.required && !fields.some((f) => hasContent(f, value[f.name]))) return undefined;
  return encodeObject(fields, value);
}

/** Whether a value says more than its default: untouched rows and optional objects are left out. */
export function hasContent(field: FieldSpec, value: FormValue | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === "boolean") return value !== (field.defaultValue === true);
  if (typeof value === "string") return value !== "" && value !== String(field.defaultValue ?? "");
  if (Array.isArray(value)) return value.length > 0;
  return (field.fields ?? []).some((f) => hasContent(f, value[f.name]));
}

/** Rows whose kind has a suggested default get it where the user left the cell empty. */
function completeRow(kind: ParamKind, row: FormObject): FormObject {
  if (kind !== "aggregations" || String(row.targetColumnName ?? "") !== "") return row;
  return { ...row, targetColumnName: suggestAggregationTarget(row) };
}

/** The default name of an aggregate's column: "price_sum". */
export function suggestAggregationTarget(row: FormObject): string {
  const source = String(row.sourceColumnName ?? "");
  const fn = String(row.functionName ?? "").toLowerCase();
  return source && fn ? `${source}_${fn}` : "";
}

// ---------------------------------------------------------------- the step

/**
 * The step the form describes. Parameters the schema does not list (console extras such as
 * `functionStepType`) and the workbench keys of an edited step are carried through unchanged.
 */
export function buildStep(
  entry: CatalogueEntry,
  fields: FieldSpec[],
  values: FormValues,
  conditions: StepJson["ConditionExpressions"],
  initial?: StepJson,
): StepJson {
  const known = new Set(fields.map((f) => f.name));
  const extras = Object.entries(initial?.Action.Parameters ?? {}).filter(([name]) => !known.has(name));
  const parameters = { ...Object.fromEntries(extras), ...toParameters(fields, values) };
  const action: StepJson["Action"] = { Operation: entry.operation };
  if (Object.keys(parameters).length > 0) action.Parameters = parameters;
  const step: StepJson = { Action: action };
  if (conditions && conditions.length > 0) step.ConditionExpressions = conditions;
  if (initial?.id !== undefined) step.id = initial.id;
  if (initial?.disabled !== undefined) step.disabled = initial.disabled;
  if (initial?.note !== undefined) step.note = initial.note;
  return step;
}
