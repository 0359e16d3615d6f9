import { initialValue, type FieldSpec, type FormObject } from "../generate";

/** A fresh row of a structured kind: each property at its default. */
export function newRowOf(field: FieldSpec): FormObject {
  return Object.fromEntries((field.fields ?? []).map((f) => [f.name, initialValue(f)]));
}

export function enumOptions(field: FieldSpec, property: string): string[] {
  return field.fields?.find((f) => f.name === property)?.enumValues ?? [];
}

export function text(row: FormObject, property: string): string {
  return String(row[property] ?? "");
}
