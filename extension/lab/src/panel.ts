// A data file opened in Workbench: a main-area document whose kernel runs `wb.open(file)` and whose
// output area shows the workbench widget. The file's content never travels to the browser (the
// model factory asks for no content); the kernel reads the file itself, from the file's folder.
import { ISessionContext } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import {
  ABCWidgetFactory,
  DocumentModel,
  DocumentRegistry,
  DocumentWidget,
  IDocumentWidget
} from '@jupyterlab/docregistry';
import { OutputAreaModel, SimplifiedOutputArea } from '@jupyterlab/outputarea';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Contents, KernelMessage } from '@jupyterlab/services';
import { registerWidgetManager } from '@jupyter-widgets/jupyterlab-manager';
import { PromiseDelegate } from '@lumino/coreutils';
import { Panel } from '@lumino/widgets';

import { SESSION_VARIABLE, panelOpenCode, saveRecipeCode } from './code';

export const FACTORY = 'Workbench';
export const MODEL = 'workbench-data';

/** The model of an opened data file: nothing is loaded; the widget manager finds no saved state. */
export class DataFileModel extends DocumentModel {
  getMetadata(): undefined {
    return undefined;
  }
}

export class DataFileModelFactory implements DocumentRegistry.IModelFactory<DocumentRegistry.IModel> {
  readonly name = MODEL;
  readonly contentType: Contents.ContentType = 'file';
  readonly fileFormat: Contents.FileFormat = null;
  readonly collaborative = false;
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    this.disposed = true;
  }

  preferredLanguage(): string {
    return 'python';
  }

  createNew(options: DocumentRegistry.IModelOptions<any> = {}): DocumentRegistry.IModel {
    return new DataFileModel(options);
  }
}

/** What a workbench view runs in: a document (a data file) or a catalog table's own session. */
export interface IWorkbenchHost {
  /** What the view shows (its `data-path`): a file path, or `catalog:DB.TABLE`. */
  readonly label: string;
  /** The kernel session's path, relative to the server root; its folder is the kernel's directory. */
  readonly sessionPath: string;
  readonly sessionContext: ISessionContext;
  /** Give the view's rendermime a widget manager bound to the kernel (once it is ready). */
  registerWidgets(rendermime: IRenderMimeRegistry): void;
}

/** The host of a data file opened as a document: the notebook's own widget manager for it. */
export function documentHost(context: DocumentRegistry.IContext<DocumentRegistry.IModel>): IWorkbenchHost {
  return {
    label: context.path,
    sessionPath: context.path,
    sessionContext: context.sessionContext,
    registerWidgets: rendermime => registerWidgetManager(context as any, rendermime, [][Symbol.iterator]())
  };
}

/** The panel's content: the output area the kernel's `session` widget renders into. */
export class WorkbenchView extends Panel {
  readonly outputArea: SimplifiedOutputArea;
  /** Where the recipe was last saved from this panel (relative to the server root). */
  savedRecipe: string | null = null;
  private readonly started = new PromiseDelegate<void>();

  constructor(
    readonly host: IWorkbenchHost,
    readonly rendermime: IRenderMimeRegistry,
    private readonly openCode: string
  ) {
    super();
    this.addClass('jp-WorkbenchView');
    this.outputArea = new SimplifiedOutputArea({ model: new OutputAreaModel({ trusted: true }), rendermime });
    this.outputArea.addClass('jp-WorkbenchView-output');
    this.addWidget(this.outputArea);
    this.node.dataset.path = host.label;
    void this.start();
  }

  /** Resolves once `wb.open` has run (or failed: the error is shown in the output area). */
  get ready(): Promise<void> {
    return this.started.promise;
  }

  get sessionContext(): ISessionContext {
    return this.host.sessionContext;
  }

  /** Run code in the panel's kernel; returns what it printed (stdout), or throws its error. */
  async run(code: string): Promise<string> {
    const kernel = this.sessionContext.session?.kernel;
    if (!kernel) {
      throw new Error('the workbench has no kernel');
    }
    let printed = '';
    let failure = '';
    const future = kernel.requestExecute({ code, store_history: false });
    future.onIOPub = message => {
      if (KernelMessage.isStreamMsg(message) && message.content.name === 'stdout') {
        printed += message.content.text;
      } else if (KernelMessage.isErrorMsg(message)) {
        failure = `${message.content.ename}: ${message.content.evalue}`;
      }
    };
    await future.done;
    if (failure) {
      throw new Error(failure);
    }
    return printed;
  }

  saveRecipe(path: string): Promise<string> {
    return this.run(saveRecipeCode(this.kernelRelative(path)));
  }

  /** `path` (relative to the server root) as the kernel, started in the data file's folder, sees it. */
  kernelRelative(path: string): string {
    return PathExt.relative(PathExt.dirname(this.host.sessionPath) || '.', path) || PathExt.basename(path);
  }

  /** Run `code` (which ends by displaying the workbench) in place of what the panel shows. */
  async open(code: string): Promise<void> {
    this.node.dataset.state = 'opening';
    this.outputArea.model.clear();
    const reply = await SimplifiedOutputArea.execute(code, this.outputArea, this.sessionContext);
    this.node.dataset.state = reply?.content.status === 'ok' ? 'open' : 'failed';
  }

  private async start(): Promise<void> {
    try {
      await this.sessionContext.ready;
      const kernel = this.sessionContext.session?.kernel;
      if (!kernel) {
        this.node.dataset.state = 'no-kernel';
        this.started.resolve();
        return;
      }
      this.node.dataset.kernelId = kernel.id;
      this.node.dataset.variable = SESSION_VARIABLE;
      this.host.registerWidgets(this.rendermime);
      await this.open(this.openCode);
    } catch (error) {
      this.node.dataset.state = 'failed';
      console.error('Workbench could not open', this.host.label, error);
    }
    this.started.resolve();
  }
}

export type WorkbenchDocument = IDocumentWidget<WorkbenchView>;

/** The "Workbench" entry of Open With, for the data file types. */
export class WorkbenchFactory extends ABCWidgetFactory<WorkbenchDocument, DocumentRegistry.IModel> {
  /** Code a panel about to open on a path runs instead of the plain `wb.open(file)`. */
  readonly pendingCode = new Map<string, string>();

  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<WorkbenchDocument>,
    private readonly rendermime: IRenderMimeRegistry
  ) {
    super(options);
  }

  protected createNewWidget(context: DocumentRegistry.IContext<DocumentRegistry.IModel>): WorkbenchDocument {
    const fileName = PathExt.basename(context.path);
    const code = this.pendingCode.get(context.path) ?? panelOpenCode(fileName);
    this.pendingCode.delete(context.path);
    const content = new WorkbenchView(documentHost(context), this.rendermime.clone(), code);
    const widget = new DocumentWidget({ content, context });
    widget.addClass('jp-WorkbenchPanel');
    widget.title.caption = `Workbench: ${context.path}`;
    return widget;
  }
}
