import {
  Bool,
  Float64,
  Int64,
  Table,
  TimestampMicrosecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from "apache-arrow";
import type { ColumnInfo, HeaderProfile, JobState, RecipeState, View } from "../../src/protocol";

/** Arrow IPC stream bytes as the DataView anywidget hands to message handlers. */
export function asDataView(table: Table): DataView {
  const bytes = tableToIPC(table, "stream");
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Rows [start, stop) of a generated frame: id, city (null every 7th), price, active, seen. */
export function peopleWindow(start: number, stop: number, extra: Record<string, (row: number) => unknown> = {}): DataView {
  const rows = Array.from({ length: Math.max(0, stop - start) }, (_, i) => start + i);
  const columns: Record<string, Vector> = {
    id: vectorFromArray(rows.map((r) => BigInt(r)), new Int64()),
    city: vectorFromArray(rows.map((r) => (r % 7 === 3 ? null : `city-${r}`)), new Utf8()),
    price: vectorFromArray(rows.map((r) => r * 1.5), new Float64()),
    active: vectorFromArray(rows.map((r) => r % 2 === 0), new Bool()),
    seen: vectorFromArray(rows.map((r) => new Date(Date.UTC(2024, 0, 1, 0, 0, r % 60))), new TimestampMicrosecond()),
  };
  for (const [name, make] of Object.entries(extra)) columns[name] = vectorFromArray(rows.map(make), new Utf8());
  return asDataView(new Table(columns));
}

export function headerProfile(overrides: Partial<HeaderProfile> = {}): HeaderProfile {
  return {
    count: 90,
    missing: 10,
    invalid: 0,
    distinct: 90,
    semanticType: null,
    histogram: null,
    topValues: null,
    pii: false,
    ...overrides,
  };
}

export const PEOPLE_COLUMNS: ColumnInfo[] = [
  { name: "id", type: "integer", profile: headerProfile({ histogram: { edges: [0, 50, 100], counts: [50, 50] } }) },
  { name: "city", type: "string", profile: headerProfile({ topValues: [{ value: "city-1", count: 3 }] }) },
  { name: "price", type: "double", profile: headerProfile({ histogram: { edges: [0, 1, 2], counts: [3, 1] } }) },
  { name: "active", type: "boolean", profile: null },
  { name: "seen", type: "timestamp", profile: null },
];

export function makeView(overrides: Partial<View> = {}): View {
  return {
    revision: 1,
    columns: PEOPLE_COLUMNS,
    rows: 1000,
    sample: { mode: "FIRST_N", size: 1000, seed: null, totalRows: 5000, label: "first 1,000 of 5,000 rows" },
    preview: null,
    recipePath: "recipe.json",
    ...overrides,
  };
}

export function makeRecipe(overrides: Partial<RecipeState> = {}): RecipeState {
  return { name: "people", steps: [], canUndo: false, canRedo: false, path: "recipe.json", ...overrides };
}

export const IDLE_JOB: JobState = { state: "idle", progress: 0, message: "", summary: null };
