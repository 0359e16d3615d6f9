// The REST endpoints of the Workbench server extension (workbench/server), under /workbench/api/.
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

export interface IDataset {
  name: string;
  path: string;
  format: string;
  size: number;
}

export interface IDatasets {
  dir: string;
  datasets: IDataset[];
}

export interface IRecipeSummary {
  name: string;
  latest: string | null;
  description: string;
  versions: number;
  aliases: Record<string, string>;
}

export interface IVersion {
  version: string;
  published: string | null;
  digest: string | null;
  message: string;
}

export interface IRecipeDetail {
  name: string;
  versions: IVersion[];
  aliases: Record<string, string>;
}

export interface IRecipeVersion {
  name: string;
  version: string;
  ref: string;
  recipe: unknown;
}

export interface IDiff {
  name: string;
  from: string;
  to: string;
  text: string;
}

export interface IStatus {
  library: string | null;
  librarySource: string | null;
  catalog: string;
  catalogSource: string;
}

export interface IColumnType {
  name: string;
  type: string;
}

/** A catalog table as the side panel lists it. */
export interface ICatalogTable {
  database: string;
  name: string;
  fullName: string;
  location: string;
  format: string;
  classification: string;
  partitionKeys: IColumnType[];
  columnCount: number;
  rowEstimate: number | null;
  sizeBytes: number | null;
  status: string;
  description: string;
  owner: string;
  schemaVersion: number;
  updatedAt: string;
  tags: Record<string, string>;
  sensitiveColumns: string[];
}

export interface ICatalogTables {
  /** The catalog file (an absolute path on the server). */
  catalog: string;
  catalogSource: string;
  exists: boolean;
  /** How to create or configure a catalog, when there is none. */
  hint: string | null;
  tables: ICatalogTable[];
}

export interface ICatalogColumn extends IColumnType {
  tags: Record<string, string>;
  sensitive: boolean;
}

export interface ICatalogTableDetail extends ICatalogTable {
  catalog: string;
  columns: ICatalogColumn[];
  partitions: {
    count: number;
    files: number;
    sizeBytes: number;
    shown: { values: unknown[]; location: string; files: number; sizeBytes: number }[];
  };
  versions: { version: number; createdAt: string; columnCount: number; changes: string }[];
}

/** Thrown for an answer that is not 2xx; `message` is the server's own explanation. */
export class WorkbenchApiError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
  }
}

/** The endpoints; `library` (the Lab setting, when set) is sent with every library request. */
export class WorkbenchApi {
  library = '';
  /** The Lab setting's catalog URL, when set; sent with every catalog request. */
  catalog = '';
  private readonly settings = ServerConnection.makeSettings();

  status(): Promise<IStatus> {
    return this.get('status', { ...this.libraryQuery(), ...this.catalogQuery() });
  }

  catalogTables(query: string): Promise<ICatalogTables> {
    return this.get('catalog/tables', { ...this.catalogQuery(), q: query });
  }

  catalogTable(fullName: string): Promise<ICatalogTableDetail> {
    return this.get(`catalog/tables/${encodeURIComponent(fullName)}`, this.catalogQuery());
  }

  datasets(dir: string): Promise<IDatasets> {
    return this.get('datasets', { dir });
  }

  recipes(query: string): Promise<{ library: string; recipes: IRecipeSummary[] }> {
    return this.get('library/recipes', { ...this.libraryQuery(), q: query });
  }

  recipe(name: string): Promise<IRecipeDetail> {
    return this.get(`library/recipes/${encodeURIComponent(name)}`, this.libraryQuery());
  }

  version(name: string, version: string): Promise<IRecipeVersion> {
    const path = `library/recipes/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
    return this.get(path, this.libraryQuery());
  }

  diff(name: string, from: string, to: string): Promise<IDiff> {
    return this.get('library/diff', { ...this.libraryQuery(), name, from, to });
  }

  private catalogQuery(): Record<string, string> {
    return this.catalog ? { catalog: this.catalog } : {};
  }

  private libraryQuery(): Record<string, string> {
    return this.library ? { library: this.library } : {};
  }

  private async get<T>(endpoint: string, query: Record<string, string>): Promise<T> {
    const search = new URLSearchParams(query).toString();
    const url = URLExt.join(this.settings.baseUrl, 'workbench', 'api', endpoint) + (search ? `?${search}` : '');
    const response = await ServerConnection.makeRequest(url, { method: 'GET' }, this.settings);
    const text = await response.text();
    const body = text ? JSON.parse(text) : {};
    if (!response.ok) {
      throw new WorkbenchApiError(body.message || response.statusText, response.status);
    }
    return body as T;
  }
}
