/**
 * The wire contract between the kernel (workbench/widget/) and this frontend.
 *
 * State the kernel owns is mirrored in synced model traits (`catalogue`, `view`, `recipe`, `job`,
 * `datasets`, `library`). Everything else is a request with an id and exactly one response, carried as
 * anywidget custom messages; row windows travel as an Arrow IPC stream in the response's first
 * buffer. The Python side of this contract is workbench/widget/protocol.py; keep the two in step.
 */

/** A recipe step in the native JSON form (DataBrew's step plus id, disabled and note). */
export interface StepJson {
  Action: { Operation: string; Parameters?: Record<string, unknown> };
  ConditionExpressions?: ConditionJson[];
  id?: string;
  disabled?: boolean;
  note?: string;
}

/** One DataBrew condition: `{Condition, Value?, TargetColumn}`. */
export interface ConditionJson {
  Condition: string;
  Value?: string;
  TargetColumn: string;
}

// ---------------------------------------------------------------- catalogue (trait, sent once)

/** JSON Schema of one parameter; `x-wb-kind` picks the control. */
export interface ParamSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  items?: ParamSchema;
  anyOf?: ParamSchema[];
  $ref?: string;
  properties?: Record<string, ParamSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  "x-wb-kind"?: ParamKind;
  /** Logical types a column parameter accepts (e.g. ["string"]); absent means any. */
  "x-wb-types"?: string[];
  /** An expression parameter's role (BOOLEAN_OPERATION, CASE_OPERATION): checked live by the kernel. */
  "x-wb-expression"?: ExpressionRole;
}

export type ExpressionRole = "condition" | "value" | "case" | "aggregate";

export type ParamKind =
  | "column"
  | "columns"
  | "new_column"
  | "text"
  | "regex"
  | "integer"
  | "number"
  | "boolean"
  | "enum"
  | "date_format"
  | "dataset"
  | "text_list"
  | "number_list"
  | "key_value_map"
  | "sort_keys"
  | "aggregations"
  | "join_keys"
  | "pattern_options"
  | "pattern_option"
  | "column_lists"
  | "datasets"
  | "dataset_columns"
  | "object"
  | "clusters";

/** A cluster the kernel found: its members with their row counts and the suggested value to merge into. */
export interface FoundCluster {
  values: { value: string; count: number }[];
  into: string;
  rows: number;
}

/** One transform of the registry (workbench.catalogue.catalogue()). */
export interface CatalogueEntry {
  operation: string;
  category: string;
  /** First line of the docstring: the tooltip. */
  summary: string;
  description: string;
  extension: boolean;
  orderSensitive: boolean;
  usesStatistics: boolean;
  /** Whether the step accepts ConditionExpressions. */
  conditions: boolean;
  /** JSON Schema of the Parameters object, with `$defs` for structured values. */
  parameters: ParamSchema & { $defs?: Record<string, ParamSchema> };
  engines: Record<string, { supported: boolean; reason: string | null }>;
  examples: number;
}

export interface Catalogue {
  transforms: CatalogueEntry[];
  /** Category names in menu order. */
  categories: string[];
  /** The 15 DataBrew condition names, with whether each takes a Value. */
  conditions: { name: string; takesValue: boolean; summary: string }[];
  /** Logical type names CHANGE_DATA_TYPE knows (for type pickers). */
  types: string[];
}

// ---------------------------------------------------------------- view (trait)

/** What a column header draws: from the profile of the live sample. */
export interface HeaderProfile {
  count: number;
  missing: number;
  /** Values present but not valid for the column's type (e.g. text in a numeric-in-text column). */
  invalid: number;
  distinct: number | null;
  semanticType: string | null;
  /** Histogram for numbers: bin edges (n+1) and counts (n). */
  histogram: { edges: number[]; counts: number[] } | null;
  /** Most frequent values for the other types (text, dates, booleans). */
  topValues: { value: string; count: number }[] | null;
  /** True when the column is classified as PII: values in the profile are masked. */
  pii: boolean;
}

export interface ColumnInfo {
  name: string;
  /** Logical type: string, integer, double, boolean, date, timestamp, decimal, ... */
  type: string;
  profile: HeaderProfile | null;
}

export interface SampleInfo {
  mode: "FIRST_N" | "LAST_N" | "RANDOM" | "FULL";
  size: number;
  seed: number | null;
  /** Rows in the whole source, when known without a full scan. */
  totalRows: number | null;
  /** What the grid shows, in words: "random 50,000 of 12,345,678 rows". */
  label: string;
}

export interface View {
  /** Bumped on every change of the live frame; windows carry the revision they came from. */
  revision: number;
  columns: ColumnInfo[];
  rows: number;
  sample: SampleInfo;
  /** Set while a preview is shown; the grid then fetches windows with `preview: true`. */
  preview: PreviewInfo | null;
  /** Where the working recipe is saved after every edit. */
  recipePath: string;
}

/** How the grid shows a preview. */
export type PreviewMode =
  /** Rows kept their positions: show the new frame, highlight changed cells and added columns. */
  | "cells"
  /** The step only removed rows: show the old frame and strike out the rows that go. */
  | "rows"
  /** Anything else (group, pivot, join...): show the new frame as it is. */
  | "table";

export interface PreviewInfo {
  mode: PreviewMode;
  /** One line: "412 rows removed, 1 column added". */
  summary: string;
  rowsBefore: number;
  rowsAfter: number;
  addedColumns: string[];
  removedColumns: string[];
  changedColumns: string[];
  /** Columns of the frame the preview grid shows (the new one, or the old one in "rows" mode). */
  columns: ColumnInfo[];
  /** Rows of the frame the preview grid shows. */
  rows: number;
}

// ---------------------------------------------------------------- recipe (trait)

export interface StepError {
  message: string;
  parameter: string | null;
  column: string | null;
  /** Nearest existing name, when the error is about a name that does not exist. */
  suggestion: string | null;
}

export interface StepState {
  step: StepJson;
  /** The step in words: "Upper-case city". */
  description: string;
  /** ok: ran; error: fails (see error); skipped: disabled; blocked: an earlier step fails. */
  status: "ok" | "error" | "skipped" | "blocked";
  error: StepError | null;
}

export interface RecipeState {
  name: string;
  steps: StepState[];
  canUndo: boolean;
  canRedo: boolean;
  path: string;
}

// ---------------------------------------------------------------- job (trait)

export interface JobState {
  state: "idle" | "running" | "done" | "failed";
  /** 0..1 while running. */
  progress: number;
  message: string;
  /** After done: rows in/out, seconds, engine, output path. */
  summary: Record<string, unknown> | null;
}

// ---------------------------------------------------------------- library (trait)

/** A published version of a library recipe, as the widget shows it. */
export interface LibraryVersion {
  name: string;
  version: string;
  /** NAME@VERSION */
  ref: string;
  digest: string;
  author: string | null;
  published: string | null;
  message: string;
}

/** The published version a session's recipe is based on. */
export interface LibraryBase {
  name: string;
  version: string;
  digest: string;
  ref: string;
}

/** The session's recipe library and the version its recipe is based on. */
export interface LibraryState {
  configured: boolean;
  url: string | null;
  /** How to configure a library, when none is. */
  hint: string | null;
  base: LibraryBase | null;
  /** The steps differ from the base's. */
  modified: boolean;
  /** A version of the base's recipe newer than the base, found by the last check. */
  newer: LibraryVersion | null;
  /** The name a publish defaults to: the base's, else the recipe's (may be empty). */
  publishName: string;
  /** Why the last check could not read the library, if it could not. */
  problem: string | null;
}

/** One recipe of the library (its latest version), as search lists it. */
export interface LibraryRecipe {
  name: string;
  latest: string | null;
  description: string;
  tags: string[];
  operations: string[];
  columns: string[];
  published: string | null;
  versions: number;
  aliases: Record<string, string>;
}

/** One entry of a recipe's version list. */
export interface LibraryVersionEntry {
  version: string;
  published: string | null;
  author: string | null;
  digest: string | null;
  message: string;
  deprecated: boolean;
}

/** One step difference, in words (workbench/library/diff.py). */
export interface LibraryChange {
  kind: "added" | "removed" | "moved" | "changed";
  operation: string;
  step_id: string | null;
  old_position: number | null;
  new_position: number | null;
  details: string[];
  text: string;
}

// ---------------------------------------------------------------- requests

export interface Requests {
  /** Rows [start, stop) of the live frame (or of the preview frame): Arrow IPC in buffers[0]. */
  window: {
    params: { start: number; stop: number; preview?: boolean };
    result: {
      start: number;
      stop: number;
      revision: number;
      /** Preview "cells" mode: column name -> row offsets (from start) whose value changed. */
      changed?: Record<string, number[]>;
      /** Preview "rows" mode: row offsets (from start) that the step removes. */
      removed?: number[];
    };
  };
  /** The full profile entry of one column of the live frame (docs/profile.md). */
  profile: { params: { column: string }; result: Record<string, unknown> };
  /** Validate a step at a position and show what it would do; sets view.preview. */
  preview: { params: { step: StepJson; at?: number }; result: PreviewInfo };
  /** Leave preview mode. */
  clear_preview: { params: Record<string, never>; result: Record<string, never> };
  /** Field-level validation without running: errors keyed by parameter ("" for the step). */
  validate: { params: { step: StepJson; at?: number }; result: { errors: StepError[] } };
  /** Whether a pattern is inside the supported regex subset. */
  check_regex: { params: { pattern: string }; result: { problem: string | null } };
  /** Whether an expression parses (and, given the step's columns, names only existing ones). */
  check_expression: {
    params: { expression: string; role: ExpressionRole; columns?: string[] };
    result: { problem: string | null; line: number | null; column: number | null };
  };
  /** Clusters of probably-equal values of a text column (CLUSTER_AND_MERGE's review), largest first. */
  find_clusters: {
    params: { column: string; method?: string; keyer?: string; ngramSize?: number; radius?: number; blockSize?: number; at?: number };
    result: { clusters: FoundCluster[] };
  };
  /** Insert a step (at the end by default). */
  apply: { params: { step: StepJson; at?: number }; result: RecipeState };
  edit: { params: { index: number; step: StepJson }; result: RecipeState };
  toggle: { params: { index: number }; result: RecipeState };
  delete: { params: { index: number }; result: RecipeState };
  move: { params: { index: number; to: number }; result: RecipeState };
  undo: { params: Record<string, never>; result: RecipeState };
  redo: { params: Record<string, never>; result: RecipeState };
  /** Resample the source. */
  sample: { params: { mode: SampleInfo["mode"]; size: number; seed?: number | null }; result: SampleInfo };
  /** Replace the recipe with one in native or DataBrew JSON (or YAML). */
  import_recipe: { params: { text: string }; result: RecipeState };
  export_recipe: { params: { databrew: boolean }; result: { text: string } };
  /** Columns (name and type) of the frame a step at position `at` sees (before that step runs). */
  schema_at: { params: { at: number }; result: { columns: { name: string; type: string }[] } };
  /** Columns (name and type) of a secondary dataset, for JOIN and UNION pickers. */
  dataset_columns: { params: { dataset: string }; result: { columns: { name: string; type: string }[] } };
  /** Look for a newer published version of the base; also updates the `library` trait. */
  library_check: { params: Record<string, never>; result: LibraryState };
  /** The library's recipes matching a query (name, description, tag, operation, column). */
  library_search: { params: { query: string }; result: { recipes: LibraryRecipe[] } };
  /** One recipe's versions, newest first, and its aliases. */
  library_versions: {
    params: { name: string };
    result: { name: string; latest: string | null; versions: LibraryVersionEntry[]; aliases: Record<string, string> };
  };
  /** The step diff from the current recipe to a version (NAME@REF), in words. */
  library_diff: {
    params: { ref: string };
    result: { from: string; to: string; changes: LibraryChange[]; text: string; version: LibraryVersion };
  };
  /** Replace the recipe with a version (one undoable edit); it becomes the base. */
  library_open: { params: { ref: string }; result: RecipeState };
  /** Publish the recipe as the next version; `force` publishes past a newer version of the base. */
  library_publish: { params: { name?: string; message: string; force?: boolean }; result: { version: LibraryVersion } };
  /** Replay on all the data and write it; progress goes to the `job` trait. */
  run: {
    params: {
      engine: "pandas" | "spark";
      remote?: string | null;
      output: string;
      overwrite?: boolean;
    };
    result: JobState;
  };
}

export type Method = keyof Requests;

export interface RequestMessage<M extends Method = Method> {
  kind: "request";
  id: number;
  method: M;
  params: Requests[M]["params"];
}

export type ResponseMessage<M extends Method = Method> =
  | { kind: "response"; id: number; ok: true; result: Requests[M]["result"] }
  | { kind: "response"; id: number; ok: false; error: StepError };
