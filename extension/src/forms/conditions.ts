/**
 * Condition rows of the form and DataBrew's ConditionExpressions. Pure.
 *
 * The Value of a condition is always a string on the wire, shaped by the condition: IS and
 * IS_NOT take a JSON array of accepted values, IS_BETWEEN a JSON pair [low, high], IS_INVALID
 * a type name, the comparisons and text tests a plain value, IS_MISSING nothing.
 */
import type { Catalogue, ConditionJson } from "../protocol";
import { encodeNumber } from "./generate";

export type ValueShape = "none" | "list" | "range" | "type" | "text";

/** One condition as the editor holds it: every shape's inputs, so switching condition keeps them. */
export interface ConditionRow {
  condition: string;
  column: string;
  text: string;
  list: string[];
  low: string;
  high: string;
}

export function valueShape(condition: string, catalogue: Catalogue): ValueShape {
  const known = catalogue.conditions.find((c) => c.name === condition);
  if (known && !known.takesValue) return "none";
  if (condition === "IS" || condition === "IS_NOT") return "list";
  if (condition === "IS_BETWEEN") return "range";
  if (condition === "IS_INVALID") return "type";
  return "text";
}

export function newConditionRow(column: string, catalogue: Catalogue): ConditionRow {
  const first = catalogue.conditions[0]?.name ?? "IS";
  const condition = catalogue.conditions.some((c) => c.name === "IS") ? "IS" : first;
  return { condition, column, text: "", list: [], low: "", high: "" };
}

export function encodeCondition(row: ConditionRow, catalogue: Catalogue): ConditionJson {
  const json: ConditionJson = { Condition: row.condition, TargetColumn: row.column };
  const value = conditionValue(row, valueShape(row.condition, catalogue));
  if (value !== undefined) json.Value = value;
  return json;
}

function conditionValue(row: ConditionRow, shape: ValueShape): string | undefined {
  switch (shape) {
    case "none":
      return undefined;
    case "list":
      return JSON.stringify(row.list.filter((v) => v !== ""));
    case "range":
      return JSON.stringify([encodeNumber(row.low, "number"), encodeNumber(row.high, "number")]);
    default:
      return row.text;
  }
}

export function encodeConditions(rows: ConditionRow[], catalogue: Catalogue): ConditionJson[] {
  return rows.map((row) => encodeCondition(row, catalogue));
}

/** Rows of a step's conditions; Value may be DataBrew's string or an already typed value. */
export function decodeConditions(conditions: ConditionJson[] | undefined, catalogue: Catalogue): ConditionRow[] {
  return (conditions ?? []).map((json) => decodeCondition(json, catalogue));
}

function decodeCondition(json: ConditionJson, catalogue: Catalogue): ConditionRow {
  const row: ConditionRow = { condition: json.Condition, column: json.TargetColumn, text: "", list: [], low: "", high: "" };
  const value = parsed(json.Value as unknown);
  switch (valueShape(json.Condition, catalogue)) {
    case "list":
      return { ...row, list: (Array.isArray(value) ? value : [value]).filter(isPresent).map(String) };
    case "range":
      return { ...row, ...bounds(value) };
    case "none":
      return row;
    default:
      return { ...row, text: isPresent(value) ? String(json.Value) : "" };
  }
}

function parsed(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined && value !== "";
}

/** IS_BETWEEN bounds from [low, high] or {GREATER_THAN_EQUAL, LESS_THAN_EQUAL}, as the kernel reads them. */
function bounds(value: unknown): { low: string; high: string } {
  if (Array.isArray(value) && value.length === 2) return { low: String(value[0] ?? ""), high: String(value[1] ?? "") };
  if (value && typeof value === "object") {
    const keyed = Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.toLowerCase().replace(/_/g, ""), v]),
    );
    const low = keyed.greaterthanequal ?? keyed.min ?? keyed.start;
    const high = keyed.lessthanequal ?? keyed.max ?? keyed.end;
    return { low: isPresent(low) ? String(low) : "", high: isPresent(high) ? String(high) : "" };
  }
  return { low: "", high: "" };
}
