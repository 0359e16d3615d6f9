// The JupyterLab 4 / Notebook 7 extension: "Open with Workbench" on data files (file browser context
// menu and Open With), a launcher card, command-palette entries and the side panel (recipe library,
// data catalog, datasets); a catalog table opens in a workbench panel with a kernel of its own.
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, InputDialog, Notification, Toolbar as KernelItems, WidgetTracker } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Toolbar } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { WorkbenchApi } from './api';
import { CatalogWorkbench, catalogLabel, createCatalogWorkbench } from './catalogpanel';
import {
  ICatalogTableRef,
  catalogCellCode,
  DATA_FILE_TYPES,
  OPENED_FILE_TYPES,
  defaultRecipePath,
  isDataFile,
  libraryCellCode,
  panelOpenCode,
  relativeTo,
  resumeCellCode
} from './code';
import { workbenchIcon } from './icon';
import { DataFileModelFactory, FACTORY, MODEL, WorkbenchDocument, WorkbenchFactory } from './panel';
import { WorkbenchSidePanel } from './sidepanel';

export namespace CommandIDs {
  export const open = 'workbench:open';
  export const saveRecipe = 'workbench:save-recipe';
  export const insertCode = 'workbench:insert-code';
  export const showPanel = 'workbench:show-panel';
  export const openVersion = 'workbench:open-version';
  export const insertLibraryCell = 'workbench:insert-library-cell';
  export const openCatalogTable = 'workbench:open-catalog-table';
  export const insertCatalogCell = 'workbench:insert-catalog-cell';
}

const PLUGIN_ID = 'workbench:plugin';
const CATEGORY = 'Workbench';
const KERNELSPEC = { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' };

interface IServices {
  app: JupyterFrontEnd;
  docManager: IDocumentManager;
  factory: WorkbenchFactory;
  tracker: WidgetTracker<WorkbenchDocument>;
  notebooks: INotebookTracker | null;
  fileBrowser: IDefaultFileBrowser | null;
  labShell: ILabShell | null;
  sidePanel: WorkbenchSidePanel;
  collapseSideAreas: boolean;
  rendermime: IRenderMimeRegistry;
  catalogPanels: WidgetTracker<CatalogWorkbench>;
}

function registerFileTypes(app: JupyterFrontEnd): void {
  for (const fileType of DATA_FILE_TYPES) {
    if (!app.docRegistry.getFileType(fileType.name)) {
      app.docRegistry.addFileType({ ...fileType, contentType: 'file', fileFormat: 'base64', icon: workbenchIcon });
    }
  }
}

function selectedDataFile(services: IServices): string | null {
  const browser = services.fileBrowser;
  if (!browser) {
    return null;
  }
  for (const item of browser.selectedItems()) {
    if (item.type !== 'directory' && isDataFile(item.path)) {
      return item.path;
    }
  }
  return null;
}

async function openWorkbench(services: IServices, path: string, code?: string): Promise<WorkbenchDocument> {
  const existing = services.tracker.find(widget => widget.context.path === path);
  if (existing) {
    services.app.shell.activateById(existing.id);
    if (code) {
      await existing.content.ready;
      await existing.content.open(code);
    }
    return existing;
  }
  if (code) {
    services.factory.pendingCode.set(path, code);
  }
  const widget = services.docManager.openOrReveal(path, FACTORY) as WorkbenchDocument | undefined;
  if (!widget) {
    services.factory.pendingCode.delete(path);
    throw new Error(`Workbench cannot open ${path}`);
  }
  if (services.collapseSideAreas && services.labShell) {
    services.labShell.collapseLeft();
    services.labShell.collapseRight();
  }
  return widget;
}

/** The folder a new kernel or cell belongs in: the current notebook's, else the file browser's. */
function currentDir(services: IServices): string {
  const notebook = services.notebooks?.currentWidget;
  return notebook ? PathExt.dirname(notebook.context.path) : (services.fileBrowser?.model.path ?? '');
}

/** Open (or reveal) a workbench panel on a catalog table, its kernel in the current folder. */
function openCatalogTable(services: IServices, table: ICatalogTableRef): CatalogWorkbench {
  const existing = services.catalogPanels.find(panel => panel.fullName === table.fullName && !panel.isDisposed);
  if (existing) {
    services.app.shell.activateById(existing.id);
    return existing;
  }
  const code = catalogCellCode(table);
  const panel = createCatalogWorkbench(services.app.serviceManager, services.rendermime, table.fullName, currentDir(services), code);
  services.app.shell.add(panel, 'main');
  void services.catalogPanels.add(panel);
  services.app.shell.activateById(panel.id);
  if (services.collapseSideAreas && services.labShell) {
    services.labShell.collapseLeft();
    services.labShell.collapseRight();
  }
  return panel;
}

function catalogRef(args: Record<string, unknown>): ICatalogTableRef {
  return { fullName: String(args.name), catalog: String(args.catalog), location: String(args.location) };
}

function currentWorkbench(services: IServices): WorkbenchDocument | null {
  const current = services.tracker.currentWidget;
  return current && !current.isDisposed ? current : null;
}

/** Save the panel's recipe to a file the user names (beside the data file by default). */
async function saveRecipe(panel: WorkbenchDocument): Promise<string | null> {
  const answer = await InputDialog.getText({
    title: 'Save the recipe',
    label: 'Recipe file (relative to the server root)',
    text: panel.content.savedRecipe ?? defaultRecipePath(panel.context.path)
  });
  const path = answer.button.accept ? (answer.value ?? '').trim() : '';
  if (!path) {
    return null;
  }
  await panel.content.saveRecipe(path);
  panel.content.savedRecipe = path;
  Notification.success(`Recipe saved to ${path}`, { autoClose: 4000 });
  return path;
}

/** Put `code` in a new cell below the active one of the current notebook, or in a new notebook. */
async function insertCell(services: IServices, codeFor: (notebookDir: string) => string, fallbackDir: string): Promise<void> {
  const panel = services.notebooks?.currentWidget;
  if (panel && !panel.isDisposed) {
    const notebook = panel.content;
    NotebookActions.insertBelow(notebook);
    notebook.activeCell?.model.sharedModel.setSource(codeFor(PathExt.dirname(panel.context.path)));
    services.app.shell.activateById(panel.id);
    return;
  }
  const contents = services.docManager.services.contents;
  const created = await contents.newUntitled({ path: fallbackDir, type: 'notebook' });
  const cell = { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: codeFor(fallbackDir) };
  await contents.save(created.path, {
    type: 'notebook',
    format: 'json',
    content: { cells: [cell], metadata: { kernelspec: KERNELSPEC }, nbformat: 4, nbformat_minor: 5 }
  });
  services.docManager.openOrReveal(created.path);
}

function addCommands(services: IServices): void {
  const { app } = services;
  app.commands.addCommand(CommandIDs.open, {
    label: args => (args.path ? `Open ${PathExt.basename(String(args.path))} with Workbench` : 'Open with Workbench'),
    caption: 'Open a CSV, TSV, Parquet, JSON, JSON Lines or Excel file in the workbench, with a kernel of its own',
    icon: workbenchIcon,
    execute: async args => {
      let path = typeof args.path === 'string' ? args.path : selectedDataFile(services);
      if (!path) {
        const answer = await InputDialog.getText({ title: 'Open with Workbench', label: 'Data file (relative to the server root)' });
        path = answer.button.accept ? (answer.value ?? '').trim() : '';
      }
      if (path) {
        await openWorkbench(services, path);
      }
    }
  });
  app.commands.addCommand(CommandIDs.saveRecipe, {
    label: 'Save Workbench Recipe…',
    caption: 'Save the recipe of the current workbench to a file',
    isEnabled: () => currentWorkbench(services) !== null,
    execute: async () => {
      const panel = currentWorkbench(services);
      if (panel) {
        await saveRecipe(panel);
      }
    }
  });
  app.commands.addCommand(CommandIDs.insertCode, {
    label: 'Insert Workbench Code into Notebook',
    caption: 'Save the recipe and insert the cell that resumes it into the current notebook (or a new one)',
    isEnabled: () => currentWorkbench(services) !== null,
    execute: async () => {
      const panel = currentWorkbench(services);
      if (!panel) {
        return;
      }
      const recipe = await saveRecipe(panel);
      if (recipe) {
        const data = panel.context.path;
        await insertCell(services, dir => resumeCellCode(relativeTo(dir, data), relativeTo(dir, recipe)), PathExt.dirname(data));
      }
    }
  });
  app.commands.addCommand(CommandIDs.showPanel, {
    label: args => (args.isLauncher ? 'Workbench' : 'Workbench: Recipe Library and Datasets'),
    caption: 'Show the recipe library, the data catalog and the data files beside the notebook',
    icon: workbenchIcon,
    execute: () => {
      if (!services.sidePanel.isAttached) {
        app.shell.add(services.sidePanel, 'left', { rank: 700 });
      }
      app.shell.activateById(services.sidePanel.id);
      void services.sidePanel.refresh();
    }
  });
  app.commands.addCommand(CommandIDs.openVersion, {
    label: 'Open a Library Recipe on a Dataset',
    execute: async args => {
      const ref = String(args.ref);
      const path = String(args.path);
      const library = services.sidePanel.libraryUrl;
      await openWorkbench(services, path, panelOpenCode(PathExt.basename(path), { library, ref }));
    }
  });
  app.commands.addCommand(CommandIDs.openCatalogTable, {
    label: args => (args.name ? `Open ${catalogLabel(String(args.name))} in Workbench` : 'Open a Catalog Table in Workbench'),
    caption: 'Open a table of the data catalog in the workbench, with a kernel of its own',
    execute: args => void openCatalogTable(services, catalogRef(args))
  });
  app.commands.addCommand(CommandIDs.insertCatalogCell, {
    label: 'Insert a wb.open Cell for a Catalog Table',
    execute: async args => {
      await insertCell(services, () => catalogCellCode(catalogRef(args)), currentDir(services));
    }
  });
  app.commands.addCommand(CommandIDs.insertLibraryCell, {
    label: 'Insert a wb.open Cell for a Library Recipe',
    execute: async args => {
      const ref = String(args.ref);
      const path = String(args.path);
      const library = services.sidePanel.libraryUrl;
      await insertCell(services, dir => libraryCellCode(library, ref, relativeTo(dir, path)), PathExt.dirname(path));
    }
  });
}

function addMenus(services: IServices, palette: ICommandPalette | null, launcher: ILauncher | null): void {
  const { app } = services;
  for (const fileType of OPENED_FILE_TYPES) {
    app.contextMenu.addItem({
      command: CommandIDs.open,
      selector: `.jp-DirListing-item[data-file-type="${fileType}"]`,
      rank: 2
    });
  }
  for (const command of [CommandIDs.open, CommandIDs.saveRecipe, CommandIDs.insertCode, CommandIDs.showPanel]) {
    palette?.addItem({ command, category: CATEGORY });
  }
  launcher?.add({ command: CommandIDs.showPanel, category: 'Other', rank: 1 });
}

function addToolbar(widget: WorkbenchDocument, services: IServices): void {
  const { commands } = services.app;
  const add = (name: string, label: string, command: string) => {
    const node = document.createElement('button');
    node.className = 'jp-ToolbarButtonComponent jp-Button jp-mod-minimal jp-WorkbenchPanel-button';
    node.dataset.testid = `wb-lab-${name}`;
    node.textContent = label;
    node.title = commands.caption(command);
    node.addEventListener('click', () => void commands.execute(command));
    widget.toolbar.addItem(name, new Widget({ node }));
  };
  add('save-recipe', 'Save recipe', CommandIDs.saveRecipe);
  add('insert-code', 'Insert into notebook', CommandIDs.insertCode);
  const sessionContext = widget.context.sessionContext;
  widget.toolbar.addItem('spacer', Toolbar.createSpacerItem());
  widget.toolbar.addItem('kernelName', KernelItems.createKernelNameItem(sessionContext));
  widget.toolbar.addItem('kernelStatus', KernelItems.createKernelStatusItem(sessionContext));
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Open data files with Workbench; the recipe library side panel.',
  autoStart: true,
  requires: [IRenderMimeRegistry, IDocumentManager],
  optional: [ILabShell, ICommandPalette, ILauncher, INotebookTracker, IDefaultFileBrowser, ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    docManager: IDocumentManager,
    labShell: ILabShell | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    notebooks: INotebookTracker | null,
    fileBrowser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    registerFileTypes(app);
    app.docRegistry.addModelFactory(new DataFileModelFactory());
    const factory = new WorkbenchFactory(
      {
        name: FACTORY,
        label: 'Workbench',
        modelName: MODEL,
        fileTypes: OPENED_FILE_TYPES,
        preferKernel: true,
        canStartKernel: true,
        shutdownOnClose: true
      },
      rendermime
    );
    app.docRegistry.addWidgetFactory(factory);
    const tracker = new WidgetTracker<WorkbenchDocument>({ namespace: 'workbench' });
    const api = new WorkbenchApi();
    const services: IServices = {
      app, docManager, factory, tracker, notebooks, fileBrowser, labShell,
      sidePanel: null as unknown as WorkbenchSidePanel,
      collapseSideAreas: true,
      rendermime,
      catalogPanels: new WidgetTracker<CatalogWorkbench>({ namespace: 'workbench-catalog' })
    };
    const tableArgs = (table: ICatalogTableRef) => ({ name: table.fullName, catalog: table.catalog, location: table.location });
    services.sidePanel = new WorkbenchSidePanel(api, {
      currentDir: () => currentDir(services),
      openCatalogTable: table => void app.commands.execute(CommandIDs.openCatalogTable, tableArgs(table)),
      insertCatalogCell: table => void app.commands.execute(CommandIDs.insertCatalogCell, tableArgs(table)),
      openDataset: path => void openWorkbench(services, path),
      openVersionOn: (ref, path) => void app.commands.execute(CommandIDs.openVersion, { ref, path }),
      insertLibraryCell: (ref, path) => void app.commands.execute(CommandIDs.insertLibraryCell, { ref, path })
    });
    services.sidePanel.title.icon = workbenchIcon;
    app.shell.add(services.sidePanel, 'left', { rank: 700 });
    notebooks?.currentChanged.connect(() => {
      if (services.sidePanel.isVisible) {
        services.sidePanel.followNotebook();
      }
    });
    factory.widgetCreated.connect((_, widget) => {
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      addToolbar(widget, services);
      void tracker.add(widget);
    });
    addCommands(services);
    addMenus(services, palette, launcher);
    if (settingRegistry) {
      try {
        const settings = await settingRegistry.load(PLUGIN_ID);
        const apply = () => {
          api.library = String(settings.get('libraryUrl').composite ?? '');
          api.catalog = String(settings.get('catalogUrl').composite ?? '');
          services.collapseSideAreas = Boolean(settings.get('collapseSideAreas').composite);
        };
        apply();
        settings.changed.connect(apply);
      } catch (error) {
        console.warn('Workbench settings could not be loaded', error);
      }
    }
    (window as any).__workbenchLabActivated = true;
  }
};

export default plugin;
