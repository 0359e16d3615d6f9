import { useCallback, useState, type KeyboardEvent } from "react";
import type { Catalogue, CatalogueEntry, JobState, LibraryState, Method, RecipeState, Requests, View } from "./protocol";
import type { Rpc } from "./rpc";
import { useTrait, type WidgetModel } from "./model";
import type { Panels } from "./panels";
import { positionOf, useStepEditor } from "./stepEditor";
import { Grid } from "./grid/Grid";
import { PreviewBanner } from "./grid/PreviewBanner";
import { ProfilePanel } from "./profile/ProfilePanel";
import { Toolbar } from "./toolbar/Toolbar";
import { RunPanel } from "./toolbar/RunPanel";
import { ImportDialog } from "./toolbar/ImportDialog";
import { ExportDialog } from "./toolbar/ExportDialog";
import { shortcutAction } from "./toolbar/shortcuts";
import type { SampleRequest } from "./toolbar/SampleControls";
import { BaseNotice, OpenDialog, PublishDialog, useLibraryWatch } from "./library";

interface AppProps {
  model: WidgetModel;
  rpc: Rpc;
  panels: Panels;
}

type Engine = "pandas" | "spark";

const IDLE_JOB: JobState = { state: "idle", progress: 0, message: "", summary: null };
const EMPTY_RECIPE: RecipeState = { name: "", steps: [], canUndo: false, canRedo: false, path: "" };
const EMPTY_CATALOGUE: Catalogue = { transforms: [], categories: [], conditions: [], types: [] };
const NO_LIBRARY: LibraryState = {
  configured: false,
  url: null,
  hint: null,
  base: null,
  modified: false,
  newer: null,
  publishName: "",
  problem: null,
};

export function App({ model, rpc, panels }: AppProps) {
  const view = useTrait<View | undefined>(model, "view");
  const recipe = useTrait<RecipeState | undefined>(model, "recipe") ?? EMPTY_RECIPE;
  const catalogue = useTrait<Catalogue | undefined>(model, "catalogue") ?? EMPTY_CATALOGUE;
  const job = useTrait<JobState | undefined>(model, "job") ?? IDLE_JOB;
  const datasets = datasetNames(useTrait<unknown>(model, "datasets"));
  const library = useTrait<LibraryState | undefined>(model, "library") ?? NO_LIBRARY;

  const [menuOpen, setMenuOpen] = useState(false);
  const [insertAt, setInsertAt] = useState<number | null>(null);
  const [profileColumn, setProfileColumn] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"import" | "export" | "publish" | "library" | null>(null);
  const [libraryPick, setLibraryPick] = useState<{ name: string; version?: string } | undefined>(undefined);
  const [runOpen, setRunOpen] = useState(false);
  const [engine, setEngine] = useState<Engine>("pandas");
  const [sampling, setSampling] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const report = useCallback((error: unknown) => setNotice(error instanceof Error ? error.message : String(error)), []);
  const call = useCallback(
    <M extends Method>(method: M, params: Requests[M]["params"]) => {
      setNotice(null);
      return rpc.call(method, params).catch(report);
    },
    [rpc, report],
  );

  const liveColumns = useCallback(() => currentView(model)?.columns.map(({ name, type }) => ({ name, type })) ?? [], [model]);
  const previewShown = useCallback(() => Boolean(currentView(model)?.preview), [model]);
  const editor = useStepEditor(rpc, liveColumns, previewShown);
  useLibraryWatch(rpc, library.base?.ref ?? null);
  const openLibrary = (pick?: { name: string; version?: string }) => {
    setLibraryPick(pick);
    setDialog("library");
  };

  const pickTransform = (entry: CatalogueEntry) => {
    setMenuOpen(false);
    const target = insertAt === null ? ({ kind: "append" } as const) : ({ kind: "insert", at: insertAt } as const);
    setInsertAt(null);
    editor.start(entry, target).catch(report);
  };
  const editStep = (index: number) => {
    const step = recipe.steps[index]?.step;
    const entry = catalogue.transforms.find((t) => t.operation === step?.Action.Operation);
    if (!step || !entry) {
      setNotice(`No form for step ${index + 1}: ${step?.Action.Operation ?? "unknown"} is not in the catalogue.`);
      return;
    }
    editor.start(entry, { kind: "edit", index }, step).catch(report);
  };
  const undo = () => void call("undo", {});
  const redo = () => void call("redo", {});
  const resample = ({ mode, size, seed }: SampleRequest) => {
    setSampling(true);
    call("sample", { mode, size, seed }).finally(() => setSampling(false));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const action = shortcutAction(event);
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    if (action === "undo" ? recipe.canUndo : recipe.canRedo) (action === "undo" ? undo : redo)();
  };

  const { TransformMenu, StepForm, RecipePanel } = panels;
  const preview = view?.preview ?? null;
  const sideOpen = editor.open !== null || profileColumn !== null;

  return (
    <div className="wb-root" data-testid="wb-root" tabIndex={-1} data-lm-suppress-shortcuts="true" onKeyDown={onKeyDown}>
      {view ? (
        <Toolbar
          sample={view.sample}
          sampling={sampling}
          onResample={resample}
          menuOpen={menuOpen}
          onOpenMenu={() => setMenuOpen((open) => !open)}
          onImport={() => setDialog("import")}
          onExport={() => setDialog("export")}
          onPublish={() => setDialog("publish")}
          onOpenLibrary={() => openLibrary()}
          library={library}
          runOpen={runOpen}
          onToggleRun={() => setRunOpen((open) => !open)}
          job={job}
        />
      ) : null}
      {menuOpen ? (
        <div className="wb-menu-popover">
          <TransformMenu
            catalogue={catalogue}
            engine={engine}
            onPick={pickTransform}
            onClose={() => {
              setMenuOpen(false);
              setInsertAt(null);
            }}
          />
        </div>
      ) : null}
      {runOpen ? <RunPanel rpc={rpc} job={job} engine={engine} onEngineChange={setEngine} onClose={() => setRunOpen(false)} /> : null}
      {notice ? (
        <div className="wb-notice" role="alert">
          <span>{notice}</span>
          <button type="button" className="wb-close" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      ) : null}
      <div className="wb-main">
        {sideOpen ? (
          <aside className="wb-side">
            {editor.open ? (
              <div className="wb-panel wb-form-panel">
                <StepForm
                  key={editor.open.session}
                  entry={editor.open.entry}
                  catalogue={catalogue}
                  columns={editor.open.columns}
                  datasets={datasets}
                  initial={editor.open.initial}
                  at={positionOf(editor.open.target)}
                  errors={editor.errors}
                  preview={editor.preview}
                  rpc={rpc}
                  onChange={editor.change}
                  onPreview={editor.requestPreview}
                  onApply={editor.apply}
                  onCancel={editor.cancel}
                />
              </div>
            ) : null}
            {profileColumn !== null && view ? (
              <ProfilePanel rpc={rpc} column={profileColumn} revision={view.revision} onClose={() => setProfileColumn(null)} />
            ) : null}
          </aside>
        ) : null}
        {/* The banner sits over the grid only: the form beside it must not move when a preview lands. */}
        <div className="wb-grid-column">
          {preview ? <PreviewBanner preview={preview} onDismiss={editor.cancel} /> : null}
          {view ? (
            <Grid
              rpc={rpc}
              columns={preview ? preview.columns : view.columns}
              rows={preview ? preview.rows : view.rows}
              revision={view.revision}
              preview={preview}
              selectedColumn={profileColumn}
              onSelectColumn={setProfileColumn}
            />
          ) : (
            <div className="wb-grid wb-muted">Loading…</div>
          )}
        </div>
        <aside className="wb-recipe-side">
          <BaseNotice
            library={library}
            onShowDiff={(name, version) => openLibrary({ name, version })}
            onOpen={(ref) => void call("library_open", { ref })}
          />
          <RecipePanel
            recipe={recipe}
            onEdit={editStep}
            onToggle={(index) => void call("toggle", { index })}
            onDelete={(index) => void call("delete", { index })}
            onMove={(index, to) => void call("move", { index, to })}
            onInsertAt={(index) => {
              setInsertAt(index);
              setMenuOpen(true);
            }}
            onUndo={undo}
            onRedo={redo}
          />
        </aside>
      </div>
      {dialog === "import" ? <ImportDialog rpc={rpc} onClose={() => setDialog(null)} /> : null}
      {dialog === "export" ? <ExportDialog rpc={rpc} recipeName={recipe.name} onClose={() => setDialog(null)} /> : null}
      {dialog === "publish" ? <PublishDialog rpc={rpc} library={library} onClose={() => setDialog(null)} /> : null}
      {dialog === "library" ? <OpenDialog rpc={rpc} library={library} initial={libraryPick} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}

function currentView(model: WidgetModel): View | undefined {
  return model.get("view") as View | undefined;
}

/** The `datasets` trait as names, whether the kernel sends a list or a mapping. */
function datasetNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((d) => (typeof d === "string" ? d : String((d as { name?: unknown })?.name ?? d)));
  if (value && typeof value === "object") return Object.keys(value);
  return [];
}
