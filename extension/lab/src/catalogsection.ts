// The side panel's "Catalog" section: the data catalog's tables grouped by database (search), a
// table's detail (schema with sensitive columns highlighted, partition keys, tags, schema versions),
// "Open in Workbench" and "Insert cell".
import { ICatalogColumn, ICatalogTable, ICatalogTableDetail, ICatalogTables, WorkbenchApi } from './api';
import { ICatalogTableRef } from './code';
import { button, element, formatBytes } from './dom';

/** What the section asks the rest of the extension to do with a table. */
export interface ICatalogActions {
  openCatalogTable(table: ICatalogTableRef): void;
  insertCatalogCell(table: ICatalogTableRef): void;
}

/** "parquet · partitioned by year, month · ~1,200 rows · 62 KB" */
export function tableMeta(table: ICatalogTable): string {
  const parts = [table.format || table.classification];
  if (table.partitionKeys.length) {
    parts.push(`partitioned by ${table.partitionKeys.map(key => key.name).join(', ')}`);
  }
  const size = sizeMeta(table);
  return (size ? [...parts, size] : parts).join(' · ');
}

/** "~1,200 rows · 62 KB" (what the catalog estimates; empty when it does not know). */
export function sizeMeta(table: ICatalogTable): string {
  const parts: string[] = [];
  if (table.rowEstimate !== null) {
    parts.push(`~${table.rowEstimate.toLocaleString('en-US')} rows`);
  }
  if (table.sizeBytes !== null) {
    parts.push(formatBytes(table.sizeBytes));
  }
  return parts.join(' · ');
}

/** Tables by database, in the order the server sorted them. */
export function byDatabase(tables: ICatalogTable[]): Map<string, ICatalogTable[]> {
  const groups = new Map<string, ICatalogTable[]>();
  for (const table of tables) {
    const group = groups.get(table.database) ?? [];
    group.push(table);
    groups.set(table.database, group);
  }
  return groups;
}

function tagChips(tags: Record<string, string>, testId: string): HTMLElement {
  const chips = element('span', { class: 'jp-WorkbenchSide-tags', 'data-testid': testId });
  for (const [key, value] of Object.entries(tags)) {
    chips.append(element('span', { class: 'jp-WorkbenchSide-tag', 'data-key': key }, `${key}=${value}`));
  }
  return chips;
}

function badge(text: string, kind: string, testId: string): HTMLElement {
  return element('span', { class: `jp-WorkbenchSide-badge jp-mod-${kind}`, 'data-testid': testId }, text);
}

export class CatalogSection {
  readonly node = element('section', { class: 'jp-WorkbenchSide-catalog', 'data-testid': 'wb-lab-catalog' });
  private readonly status = element('div', { class: 'jp-WorkbenchSide-status', 'data-testid': 'wb-lab-catalog-status' });
  private readonly search = element('input', {
    class: 'jp-WorkbenchSide-search',
    type: 'search',
    placeholder: 'Search tables, columns, tags',
    'data-testid': 'wb-lab-catalog-search'
  });
  private readonly list = element('ul', { class: 'jp-WorkbenchSide-list', 'data-testid': 'wb-lab-catalog-tables' });
  private readonly detail = element('div', { class: 'jp-WorkbenchSide-detail', 'data-testid': 'wb-lab-catalog-detail' });
  private catalog = '';
  private searchTimer = 0;

  constructor(
    private readonly api: WorkbenchApi,
    private readonly actions: ICatalogActions
  ) {
    this.search.addEventListener('input', () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.load(), 250);
    });
    this.node.append(element('h3', {}, 'Catalog'), this.status, this.search, this.list, this.detail);
  }

  async load(): Promise<void> {
    let answer: ICatalogTables;
    try {
      answer = await this.api.catalogTables(this.search.value.trim());
    } catch (error) {
      this.status.textContent = error instanceof Error ? error.message : String(error);
      this.list.replaceChildren();
      return;
    }
    this.catalog = answer.catalog;
    this.status.textContent = answer.exists ? `Catalog: ${answer.catalog}` : (answer.hint ?? '');
    this.node.dataset.exists = String(answer.exists);
    const groups = [...byDatabase(answer.tables)].map(([database, tables]) => this.databaseItem(database, tables));
    this.list.replaceChildren(...groups);
    if (answer.exists && !answer.tables.length) {
      this.list.append(element('li', { class: 'jp-WorkbenchSide-empty' }, 'No tables found'));
    }
  }

  private databaseItem(database: string, tables: ICatalogTable[]): HTMLLIElement {
    const item = element('li', { class: 'jp-WorkbenchSide-database', 'data-testid': 'wb-lab-catalog-database', 'data-database': database });
    const inner = element('ul', { class: 'jp-WorkbenchSide-list' });
    inner.append(...tables.map(table => this.tableItem(table)));
    item.append(element('div', { class: 'jp-WorkbenchSide-databaseName' }, database), inner);
    return item;
  }

  private tableItem(table: ICatalogTable): HTMLLIElement {
    const item = element('li', { 'data-testid': 'wb-lab-catalog-table', 'data-name': table.fullName, 'data-status': table.status });
    const name = element('button', { class: 'jp-WorkbenchSide-link', 'data-testid': 'wb-lab-catalog-table-name' }, table.name);
    name.addEventListener('click', () => void this.show(table.fullName));
    item.append(name, element('span', { class: 'jp-WorkbenchSide-meta' }, tableMeta(table)));
    if (table.status !== 'active') {
      item.append(badge(table.status, 'warn', 'wb-lab-catalog-status-badge'));
    }
    if (table.sensitiveColumns.length) {
      const title = `Sensitive columns: ${table.sensitiveColumns.join(', ')}`;
      const pii = badge('PII', 'sensitive', 'wb-lab-catalog-pii-badge');
      pii.title = title;
      item.append(pii);
    }
    return item;
  }

  /** Show one table's detail. */
  async show(fullName: string): Promise<void> {
    let detail: ICatalogTableDetail;
    try {
      detail = await this.api.catalogTable(fullName);
    } catch (error) {
      this.detail.replaceChildren(element('div', { class: 'jp-WorkbenchSide-error' }, error instanceof Error ? error.message : String(error)));
      return;
    }
    const ref: ICatalogTableRef = { fullName: detail.fullName, catalog: detail.catalog || this.catalog, location: detail.location };
    this.detail.dataset.name = detail.fullName;
    this.detail.replaceChildren(
      element('h4', {}, detail.fullName),
      this.facts(detail),
      tagChips(detail.tags, 'wb-lab-catalog-table-tags'),
      element('div', { class: 'jp-WorkbenchSide-actions' }),
      element('h5', {}, 'Schema'),
      this.schema(detail.columns),
      element('h5', {}, 'Partitions'),
      this.partitions(detail),
      element('h5', {}, 'Schema versions'),
      this.versions(detail)
    );
    this.detail.querySelector('.jp-WorkbenchSide-actions')?.append(
      button('Open in Workbench', 'wb-lab-catalog-open', () => this.actions.openCatalogTable(ref)),
      button('Insert cell', 'wb-lab-catalog-insert', () => this.actions.insertCatalogCell(ref))
    );
  }

  private facts(detail: ICatalogTableDetail): HTMLElement {
    const facts = element('dl', { class: 'jp-WorkbenchSide-facts', 'data-testid': 'wb-lab-catalog-facts' });
    const rows: [string, string][] = [
      ['Location', detail.location],
      ['Format', `${detail.format} (classified ${detail.classification})`],
      ['Status', detail.status],
      ['Size', sizeMeta(detail) || 'unknown']
    ];
    if (detail.owner) {
      rows.push(['Owner', detail.owner]);
    }
    if (detail.description) {
      rows.push(['Description', detail.description]);
    }
    for (const [term, value] of rows) {
      facts.append(element('dt', {}, term), element('dd', {}, value));
    }
    return facts;
  }

  private schema(columns: ICatalogColumn[]): HTMLElement {
    const table = element('table', { class: 'jp-WorkbenchSide-schema', 'data-testid': 'wb-lab-catalog-columns' });
    for (const column of columns) {
      const row = element('tr', {
        'data-testid': 'wb-lab-catalog-column',
        'data-column': column.name,
        'data-sensitive': String(column.sensitive)
      });
      if (column.sensitive) {
        row.classList.add('jp-mod-sensitive');
      }
      const tags = element('td');
      if (column.sensitive) {
        tags.append(badge('PII', 'sensitive', 'wb-lab-catalog-column-pii'));
      }
      tags.append(tagChips(column.tags, 'wb-lab-catalog-column-tags'));
      row.append(element('td', {}, column.name), element('td', { class: 'jp-WorkbenchSide-meta' }, column.type), tags);
      table.append(row);
    }
    return table;
  }

  private partitions(detail: ICatalogTableDetail): HTMLElement {
    const box = element('div', { 'data-testid': 'wb-lab-catalog-partitions' });
    if (!detail.partitionKeys.length) {
      box.append(element('div', { class: 'jp-WorkbenchSide-meta' }, 'Not partitioned'));
      return box;
    }
    const keys = detail.partitionKeys.map(key => `${key.name} (${key.type})`).join(', ');
    box.append(element('div', { 'data-testid': 'wb-lab-catalog-partition-keys' }, `Keys: ${keys}`));
    const { count, files, sizeBytes } = detail.partitions;
    box.append(
      element('div', { class: 'jp-WorkbenchSide-meta', 'data-testid': 'wb-lab-catalog-partition-summary' },
        `${count} partition${count === 1 ? '' : 's'}, ${files} file${files === 1 ? '' : 's'}, ${formatBytes(sizeBytes)}`)
    );
    return box;
  }

  private versions(detail: ICatalogTableDetail): HTMLElement {
    const list = element('ul', { class: 'jp-WorkbenchSide-list', 'data-testid': 'wb-lab-catalog-versions' });
    for (const version of detail.versions) {
      const item = element('li', { 'data-testid': 'wb-lab-catalog-version', 'data-version': String(version.version) });
      item.append(
        element('span', { class: 'jp-WorkbenchSide-name' }, `v${version.version} ${version.changes}`),
        element('span', { class: 'jp-WorkbenchSide-meta' }, version.createdAt)
      );
      list.append(item);
    }
    return list;
  }
}
