// A catalog table opened in Workbench: a main-area panel with a kernel session of its own (there is no
// file to open as a document: a table is a folder of partitions, or an object-store prefix). The
// kernel starts in the current notebook's folder and runs the code that opens the table.
import { MainAreaWidget, SessionContext, Toolbar as KernelItems } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IRenderMimeRegistry, RenderMimeRegistry } from '@jupyterlab/rendermime';
import { ServiceManager } from '@jupyterlab/services';
import { Toolbar } from '@jupyterlab/ui-components';
import { registerWidgetManager } from '@jupyter-widgets/jupyterlab-manager';
import { Signal } from '@lumino/signaling';

import { DataFileModel, IWorkbenchHost, WorkbenchView } from './panel';

/** The label (and `data-path`) of the panel showing a catalog table. */
export function catalogLabel(fullName: string): string {
  return `catalog:${fullName}`;
}

/** The widget manager's view of a panel without a document: a kernel, no saved widget state. */
function widgetContext(sessionContext: SessionContext, path: string, services: ServiceManager.IManager): unknown {
  return {
    sessionContext,
    model: new DataFileModel(),
    saveState: new Signal<unknown, string>({}),
    urlResolver: new RenderMimeRegistry.UrlResolver({ path, contents: services.contents })
  };
}

export class CatalogWorkbench extends MainAreaWidget<WorkbenchView> {
  constructor(
    readonly fullName: string,
    readonly sessionContext: SessionContext,
    content: WorkbenchView
  ) {
    super({ content });
    this.addClass('jp-WorkbenchPanel');
    this.addClass('jp-WorkbenchCatalogPanel');
    this.id = `workbench-catalog-${fullName.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    this.title.label = fullName;
    this.title.caption = `Workbench: ${catalogLabel(fullName)}`;
    this.title.closable = true;
    this.toolbar.addItem('spacer', Toolbar.createSpacerItem());
    this.toolbar.addItem('kernelName', KernelItems.createKernelNameItem(sessionContext));
    this.toolbar.addItem('kernelStatus', KernelItems.createKernelStatusItem(sessionContext));
  }

  /** Closing the panel shuts its kernel down, as closing a file's workbench does. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const session = this.sessionContext;
    super.dispose();
    void session.shutdown().finally(() => session.dispose());
  }
}

/** A panel on catalog table `fullName` whose kernel, started in folder `dir`, runs `code`. */
export function createCatalogWorkbench(
  services: ServiceManager.IManager,
  rendermime: IRenderMimeRegistry,
  fullName: string,
  dir: string,
  code: string
): CatalogWorkbench {
  const label = catalogLabel(fullName);
  // A session path inside `dir` that names the table: the server starts the kernel in `dir`.
  const sessionPath = PathExt.join(dir, label);
  const sessionContext = new SessionContext({
    sessionManager: services.sessions,
    specsManager: services.kernelspecs,
    path: sessionPath,
    name: `Workbench: ${label}`,
    type: 'workbench',
    kernelPreference: { shouldStart: true, canStart: true, autoStartDefault: true }
  });
  const host: IWorkbenchHost = {
    label,
    sessionPath,
    sessionContext,
    registerWidgets: clone =>
      registerWidgetManager(widgetContext(sessionContext, sessionPath, services) as any, clone, [][Symbol.iterator]())
  };
  const view = new WorkbenchView(host, rendermime.clone(), code);
  void sessionContext.initialize();
  return new CatalogWorkbench(fullName, sessionContext, view);
}
