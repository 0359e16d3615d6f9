import type { JobState, LibraryState, SampleInfo } from "../protocol";
import { SampleControls, type SampleRequest } from "./SampleControls";

interface ToolbarProps {
  sample: SampleInfo;
  sampling: boolean;
  onResample(request: SampleRequest): void;
  menuOpen: boolean;
  onOpenMenu(): void;
  onImport(): void;
  onExport(): void;
  onPublish(): void;
  onOpenLibrary(): void;
  library: LibraryState;
  runOpen: boolean;
  onToggleRun(): void;
  job: JobState;
}

export function Toolbar(props: ToolbarProps) {
  const { sample, job } = props;
  return (
    <div className="wb-toolbar" role="toolbar" aria-label="Workbench">
      <button
        type="button"
        className="wb-primary"
        data-testid="wb-menu-button"
        aria-haspopup="menu"
        aria-expanded={props.menuOpen}
        onClick={props.onOpenMenu}
      >
        + Transform
      </button>
      <span className="wb-toolbar-group">
        <button type="button" data-testid="wb-import" onClick={props.onImport}>
          Import
        </button>
        <button type="button" data-testid="wb-export" onClick={props.onExport}>
          Export
        </button>
      </span>
      <span className="wb-toolbar-group">
        <button type="button" data-testid="wb-publish" title={libraryTitle(props.library, "Publish the recipe as a new version to")} onClick={props.onPublish}>
          Publish
        </button>
        <button type="button" data-testid="wb-library-open" title={libraryTitle(props.library, "Search and open recipes of")} onClick={props.onOpenLibrary}>
          Open from library
        </button>
      </span>
      <button type="button" data-testid="wb-run-button" aria-expanded={props.runOpen} onClick={props.onToggleRun}>
        {job.state === "running" ? `Running ${Math.round(job.progress * 100)}%` : "Run on full data"}
      </button>
      <span className="wb-toolbar-spacer" />
      <span className="wb-sample-label" data-testid="wb-sample-label" title={sampleTitle(sample)}>
        {sample.label}
      </span>
      <SampleControls sample={sample} busy={props.sampling} onResample={props.onResample} />
    </div>
  );
}

/** What a library button does, or how to configure a library when there is none. */
function libraryTitle(library: LibraryState, action: string): string {
  return library.configured ? `${action} ${library.url}` : library.hint ?? "No recipe library is configured.";
}

function sampleTitle(sample: SampleInfo): string {
  const total = sample.totalRows === null ? "an unknown number of" : sample.totalRows.toLocaleString("en-US");
  return `Previews run on this sample of ${total} rows; "Run on full data" replays the recipe on all of them.`;
}
