// The side panel: the recipe library (search, versions, diff, open a version on a dataset, insert a
// cell), the data catalog's tables (catalogsection.ts) and the data files beside the current notebook. Plain DOM: a list that re-renders on demand.
import { PathExt } from '@jupyterlab/coreutils';
import { Widget } from '@lumino/widgets';

import { IDataset, IRecipeDetail, IRecipeSummary, WorkbenchApi } from './api';
import { CatalogSection, ICatalogActions } from './catalogsection';
import { button, element } from './dom';

/** What the panel asks the rest of the extension to do. */
export interface ISidePanelActions extends ICatalogActions {
  /** The folder whose data files are listed (the current notebook's, else the file browser's). */
  currentDir(): string;
  openDataset(path: string): void;
  openVersionOn(ref: string, datasetPath: string): void;
  insertLibraryCell(ref: string, datasetPath: string): void;
}

export class WorkbenchSidePanel extends Widget {
  private readonly status = element('div', { class: 'jp-WorkbenchSide-status', 'data-testid': 'wb-lab-status' });
  private readonly search = element('input', {
    class: 'jp-WorkbenchSide-search',
    type: 'search',
    placeholder: 'Search recipes',
    'data-testid': 'wb-lab-search'
  });
  private readonly recipeList = element('ul', { class: 'jp-WorkbenchSide-list', 'data-testid': 'wb-lab-recipes' });
  private readonly detail = element('div', { class: 'jp-WorkbenchSide-detail', 'data-testid': 'wb-lab-detail' });
  private readonly datasetDir = element('div', { class: 'jp-WorkbenchSide-dir', 'data-testid': 'wb-lab-dataset-dir' });
  private readonly datasetList = element('ul', { class: 'jp-WorkbenchSide-list', 'data-testid': 'wb-lab-datasets' });
  private datasets: IDataset[] = [];
  /** A folder the user moved to with "Up"; cleared when the current notebook changes. */
  private folder: string | null = null;
  private library = '';
  private searchTimer = 0;
  readonly catalog: CatalogSection;

  constructor(
    private readonly api: WorkbenchApi,
    private readonly actions: ISidePanelActions
  ) {
    super();
    this.id = 'workbench-side-panel';
    this.addClass('jp-WorkbenchSide');
    this.title.caption = 'Workbench: recipe library, catalog and datasets';
    this.catalog = new CatalogSection(api, actions);
    const refresh = button('Refresh', 'wb-lab-refresh', () => void this.refresh());
    const libraryHeader = element('h3', {}, 'Recipe library');
    const datasetHeader = element('h3', {}, 'Datasets');
    this.search.addEventListener('input', () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.loadRecipes(), 250);
    });
    this.node.append(
      libraryHeader, this.status, this.search, this.recipeList, this.detail,
      this.catalog.node,
      datasetHeader, this.datasetDir, this.datasetList, refresh
    );
  }

  protected onAfterShow(): void {
    void this.refresh();
  }

  async refresh(): Promise<void> {
    await Promise.all([this.loadRecipes(), this.catalog.load(), this.loadDatasets()]);
  }

  /** List the data files of the current notebook's folder again (forgetting "Up"). */
  followNotebook(): void {
    this.folder = null;
    void this.loadDatasets();
  }

  async loadDatasets(): Promise<void> {
    const dir = this.folder ?? this.actions.currentDir();
    this.datasetDir.replaceChildren(element('span', {}, `In ${dir || 'the server root'} `));
    if (dir) {
      this.datasetDir.append(
        button('Up', 'wb-lab-dataset-up', () => {
          this.folder = PathExt.dirname(dir);
          void this.loadDatasets();
        })
      );
    }
    try {
      this.datasets = (await this.api.datasets(dir)).datasets;
    } catch (error) {
      this.datasets = [];
      this.datasetList.replaceChildren(element('li', { class: 'jp-WorkbenchSide-error' }, String(error)));
      return;
    }
    this.datasetList.replaceChildren(...this.datasets.map(dataset => this.datasetItem(dataset)));
    if (!this.datasets.length) {
      this.datasetList.append(element('li', { class: 'jp-WorkbenchSide-empty' }, 'No data files here'));
    }
  }

  async loadRecipes(): Promise<void> {
    try {
      const answer = await this.api.recipes(this.search.value.trim());
      this.library = answer.library;
      this.status.textContent = `Library: ${answer.library}`;
      this.recipeList.replaceChildren(...answer.recipes.map(recipe => this.recipeItem(recipe)));
      if (!answer.recipes.length) {
        this.recipeList.append(element('li', { class: 'jp-WorkbenchSide-empty' }, 'No recipes found'));
      }
    } catch (error) {
      this.status.textContent = error instanceof Error ? error.message : String(error);
      this.recipeList.replaceChildren();
    }
  }

  private datasetItem(dataset: IDataset): HTMLLIElement {
    const item = element('li', { 'data-testid': 'wb-lab-dataset', 'data-path': dataset.path });
    item.append(
      element('span', { class: 'jp-WorkbenchSide-name' }, dataset.name),
      button('Open', 'wb-lab-dataset-open', () => this.actions.openDataset(dataset.path))
    );
    return item;
  }

  private recipeItem(recipe: IRecipeSummary): HTMLLIElement {
    const item = element('li', { 'data-testid': 'wb-lab-recipe', 'data-name': recipe.name });
    const name = element('button', { class: 'jp-WorkbenchSide-link', 'data-testid': 'wb-lab-recipe-name' }, recipe.name);
    name.addEventListener('click', () => void this.showRecipe(recipe.name));
    const latest = recipe.latest ? ` ${recipe.latest}` : '';
    item.append(name, element('span', { class: 'jp-WorkbenchSide-meta' }, `${latest} · ${recipe.versions} versions`));
    if (recipe.description) {
      item.append(element('div', { class: 'jp-WorkbenchSide-description' }, recipe.description));
    }
    return item;
  }

  private async showRecipe(name: string): Promise<void> {
    let detail: IRecipeDetail;
    try {
      detail = await this.api.recipe(name);
    } catch (error) {
      this.detail.replaceChildren(element('div', { class: 'jp-WorkbenchSide-error' }, String(error)));
      return;
    }
    const heading = element('h4', {}, detail.name);
    const picker = this.datasetPicker();
    const versions = element('ul', { class: 'jp-WorkbenchSide-list', 'data-testid': 'wb-lab-versions' });
    const diff = element('pre', { class: 'jp-WorkbenchSide-diff', 'data-testid': 'wb-lab-diff' });
    detail.versions.forEach((version, index) => {
      const ref = `${detail.name}@${version.version}`;
      const item = element('li', { 'data-testid': 'wb-lab-version', 'data-version': version.version });
      item.append(element('span', { class: 'jp-WorkbenchSide-name' }, version.version));
      if (version.published) {
        item.append(element('span', { class: 'jp-WorkbenchSide-meta' }, ` ${version.published}`));
      }
      const previous = detail.versions[index + 1];
      if (previous) {
        item.append(
          button('Diff', 'wb-lab-diff-button', () => void this.showDiff(detail.name, previous.version, version.version, diff))
        );
      }
      item.append(
        button('Open on dataset', 'wb-lab-open-version', () => this.withDataset(picker, path => this.actions.openVersionOn(ref, path))),
        button('Insert cell', 'wb-lab-insert-cell', () => this.withDataset(picker, path => this.actions.insertLibraryCell(ref, path)))
      );
      versions.append(item);
    });
    this.detail.replaceChildren(heading, element('label', {}, 'Dataset '), picker, versions, diff);
  }

  private datasetPicker(): HTMLSelectElement {
    const picker = element('select', { 'data-testid': 'wb-lab-dataset-picker' });
    for (const dataset of this.datasets) {
      picker.append(element('option', { value: dataset.path }, dataset.name));
    }
    return picker;
  }

  private withDataset(picker: HTMLSelectElement, action: (path: string) => void): void {
    if (picker.value) {
      action(picker.value);
    } else {
      this.status.textContent = 'No dataset to open the recipe on: open a folder with data files first';
    }
  }

  private async showDiff(name: string, from: string, to: string, target: HTMLElement): Promise<void> {
    try {
      target.textContent = (await this.api.diff(name, from, to)).text;
    } catch (error) {
      target.textContent = String(error);
    }
  }

  /** The library URL the last answer named (used in inserted cells). */
  get libraryUrl(): string {
    return this.library;
  }
}
