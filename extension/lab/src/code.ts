// The Python a notebook cell or a workbench panel runs. Paths and names are written as JSON string
// literals, which Python reads as the same strings (quotes, backslashes and unicode escaped).
import { PathExt } from '@jupyterlab/coreutils';

/** The file types Workbench opens, by the name JupyterLab's document registry knows them under. */
export const DATA_FILE_TYPES: { name: string; extensions: string[]; label: string; mimeTypes: string[] }[] = [
  { name: 'workbench-parquet', extensions: ['.parquet', '.pq'], label: 'Parquet', mimeTypes: ['application/vnd.apache.parquet'] },
  {
    name: 'workbench-excel',
    extensions: ['.xlsx', '.xlsm'],
    label: 'Excel workbook',
    mimeTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']
  }
];
export const OPENED_FILE_TYPES = ['csv', 'tsv', 'json', 'jsonl', 'workbench-parquet', 'workbench-excel'];
export const DATA_EXTENSIONS = ['.csv', '.tsv', '.json', '.jsonl', '.ndjson', '.parquet', '.pq', '.xlsx', '.xlsm'];

/** The variable holding the workbench in the kernel of a panel (as in the quickstart notebook). */
export const SESSION_VARIABLE = 'session';

export function pyString(text: string): string {
  return JSON.stringify(text);
}

export function isDataFile(path: string): boolean {
  return DATA_EXTENSIONS.includes(PathExt.extname(path).toLowerCase());
}

/** `path` as seen from `fromDir` (both relative to the server root), for a notebook in fromDir. */
export function relativeTo(fromDir: string, path: string): string {
  const relative = PathExt.relative(fromDir || '.', path);
  return relative || PathExt.basename(path);
}

/** The recipe file saved beside a data file: `sales.csv` -> `sales-recipe.json`. */
export function defaultRecipePath(dataPath: string): string {
  const dir = PathExt.dirname(dataPath);
  const stem = PathExt.basename(dataPath, PathExt.extname(dataPath));
  return PathExt.join(dir, `${stem}-recipe.json`);
}

/** What a panel's kernel runs: open the file (a path relative to the kernel's directory), with a
 * recipe version from the library when one is given. */
export function panelOpenCode(fileName: string, recipeRef?: { library: string; ref: string }): string {
  const recipe = recipeRef ? `, recipe=${pyString(recipeRef.ref)}, library=${pyString(recipeRef.library)}` : '';
  return ['import workbench as wb', '', `${SESSION_VARIABLE} = wb.open(${pyString(fileName)}${recipe})`, SESSION_VARIABLE].join('\n');
}

/** A notebook cell that resumes a saved recipe on its data file. */
export function resumeCellCode(dataPath: string, recipePath: string): string {
  return [
    'import workbench as wb',
    '',
    `${SESSION_VARIABLE} = wb.open(${pyString(dataPath)}, recipe=${pyString(recipePath)})`,
    SESSION_VARIABLE
  ].join('\n');
}

/** A notebook cell that opens a dataset with a recipe version from the library. */
export function libraryCellCode(library: string, ref: string, dataPath: string): string {
  return [
    'import workbench as wb',
    '',
    `${SESSION_VARIABLE} = wb.open(${pyString(dataPath)}, recipe=${pyString(ref)}, library=${pyString(library)})`,
    SESSION_VARIABLE
  ].join('\n');
}

/** What a panel's kernel runs to save the working recipe (a path relative to the kernel's directory). */
export function saveRecipeCode(fileName: string): string {
  return `${SESSION_VARIABLE}.recipe.save(${pyString(fileName)})\nprint("saved", ${pyString(fileName)})`;
}

/** A catalog table as the code that opens it needs it. */
export interface ICatalogTableRef {
  fullName: string;
  /** The catalog file (absolute, as the server answers it). */
  catalog: string;
  /** Where the table's data is (a folder, a file or an object-store prefix). */
  location: string;
}

/** What a catalog panel's kernel runs, and the cell "Insert cell" adds: open the table by name, in
 * its catalog (its partitions' files are read, with the partition keys as typed columns). */
export function catalogCellCode(table: ICatalogTableRef): string {
  const open = `wb.open(${pyString(`catalog:${table.fullName}`)}, catalog=${pyString(table.catalog)})`;
  return ['import workbench as wb', '', `${SESSION_VARIABLE} = ${open}`, SESSION_VARIABLE].join('\n');
}
