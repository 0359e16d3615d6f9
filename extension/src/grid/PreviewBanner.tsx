import type { PreviewInfo } from "../protocol";

const MODE_HINT: Record<PreviewInfo["mode"], string> = {
  cells: "changed cells are highlighted",
  rows: "rows that go are struck through",
  table: "showing the result",
};

export function PreviewBanner({ preview, onDismiss }: { preview: PreviewInfo; onDismiss(): void }) {
  return (
    <div className={`wb-preview-banner wb-preview-${preview.mode}`} data-testid="wb-preview-banner" role="status">
      <strong>Preview</strong>
      <span className="wb-preview-summary">{preview.summary}</span>
      <span className="wb-muted">
        {preview.rowsBefore.toLocaleString("en-US")} → {preview.rowsAfter.toLocaleString("en-US")} rows · {MODE_HINT[preview.mode]}
      </span>
      <button type="button" className="wb-banner-button" onClick={onDismiss}>
        Stop preview
      </button>
    </div>
  );
}
