import type { MouseEvent as ReactMouseEvent } from "react";
import type { ColumnInfo, HeaderProfile } from "../protocol";
import { barTitle, headerBarShares } from "./headerBar";
import { MiniHistogram, TopValueBars } from "./MiniCharts";

export type HeaderMark = "added" | "changed" | null;

interface ColumnHeaderProps {
  column: ColumnInfo;
  left: number;
  width: number;
  mark: HeaderMark;
  selected: boolean;
  onSelect(name: string): void;
  onResize(name: string, width: number): void;
}

export function ColumnHeader({ column, left, width, mark, selected, onSelect, onResize }: ColumnHeaderProps) {
  const { profile } = column;
  const classes = ["wb-header", mark ? `wb-header-${mark}` : "", selected ? "wb-selected" : ""];
  return (
    <div
      className={classes.filter(Boolean).join(" ")}
      data-testid="wb-header"
      data-column={column.name}
      style={{ left, width }}
      role="columnheader"
      title={`${column.name} (${column.type}) — click for the full profile`}
      onClick={() => onSelect(column.name)}
    >
      <div className="wb-header-title">
        <span className="wb-header-name">{column.name}</span>
        {profile?.pii ? <PiiBadge /> : null}
      </div>
      <div className="wb-header-meta">
        <span className={`wb-type-badge wb-type-${typeFamily(column.type)}`}>{column.type}</span>
        {profile?.semanticType ? <span className="wb-semantic">{profile.semanticType}</span> : null}
      </div>
      {profile ? <QualityBar profile={profile} /> : <div className="wb-header-bar wb-header-bar-empty" />}
      {profile ? <HeaderChart profile={profile} /> : null}
      <ResizeHandle width={width} onResize={(w) => onResize(column.name, w)} />
    </div>
  );
}

function PiiBadge() {
  return (
    <span className="wb-pii-badge" data-testid="wb-pii-badge" title="Personal data: its values are masked in the profile">
      <svg viewBox="0 0 12 14" width="10" height="12" aria-hidden="true">
        <rect x="1" y="6" width="10" height="7" rx="1.5" fill="currentColor" />
        <path d="M3.5 6V4a2.5 2.5 0 0 1 5 0v2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      PII
    </span>
  );
}

function QualityBar({ profile }: { profile: HeaderProfile }) {
  const shares = headerBarShares(profile);
  return (
    <div className="wb-header-bar" data-testid="wb-header-bar" title={barTitle(profile)}>
      <span className="wb-bar-valid" style={{ width: `${shares.valid * 100}%` }} />
      <span className="wb-bar-invalid" style={{ width: `${shares.invalid * 100}%` }} />
      <span className="wb-bar-missing" style={{ width: `${shares.missing * 100}%` }} />
    </div>
  );
}

function HeaderChart({ profile }: { profile: HeaderProfile }) {
  if (profile.histogram && profile.histogram.counts.length > 0) {
    return <MiniHistogram histogram={profile.histogram} testId="wb-header-hist" className="wb-header-hist" />;
  }
  if (profile.topValues && profile.topValues.length > 0) {
    return (
      <TopValueBars
        values={profile.topValues.slice(0, 3)}
        total={profile.count}
        testId="wb-header-hist"
        className="wb-header-hist wb-header-top"
      />
    );
  }
  return <div className="wb-header-hist wb-header-hist-empty" />;
}

/** Colour family of a logical type for its badge. */
export function typeFamily(type: string): "number" | "text" | "temporal" | "boolean" | "nested" {
  if (/int|long|short|byte|double|float|decimal/.test(type)) return "number";
  if (/date|time/.test(type)) return "temporal";
  if (type === "boolean") return "boolean";
  if (/array|struct|map|list|binary/.test(type)) return "nested";
  return "text";
}

export const MIN_COLUMN_WIDTH = 56;
export const MAX_COLUMN_WIDTH = 900;

/** The drag handle on a header's right edge; listens on the window so fast drags are not lost. */
function ResizeHandle({ width, onResize }: { width: number; onResize(width: number): void }) {
  const start = (event: ReactMouseEvent) => {
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    const move = (e: MouseEvent) =>
      onResize(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, Math.round(width + e.clientX - startX))));
    const stop = () => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", stop);
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", stop);
  };
  return (
    <span
      className="wb-resize-handle"
      data-testid="wb-header-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize column"
      onMouseDown={start}
      onClick={(e) => e.stopPropagation()}
    />
  );
}
