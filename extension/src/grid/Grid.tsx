import { useCallback, useEffect, useMemo, useRef, useState, type UIEvent } from "react";
import type { ColumnInfo, PreviewInfo } from "../protocol";
import type { Rpc } from "../rpc";
import { ColumnHeader, type HeaderMark } from "./ColumnHeader";
import { BlockCache, toBlock, type CachedRow } from "./windowCache";
import { NestedValuePanel, nestedCellAt, type OpenedCell } from "./NestedValue";
import { useElementSize } from "./useElementSize";
import {
  HEADER_HEIGHT,
  ROW_HEIGHT,
  ROW_NUMBER_WIDTH,
  columnOffsets,
  columnViewport,
  columnWidth,
  rowViewport,
} from "./viewport";

interface GridProps {
  rpc: Rpc;
  /** Columns and rows of the frame shown: the live one, or the preview's. */
  columns: ColumnInfo[];
  rows: number;
  revision: number;
  preview: PreviewInfo | null;
  selectedColumn: string | null;
  onSelectColumn(name: string): void;
}

const FALLBACK_SIZE = { width: 960, height: 480 };

export function Grid({ rpc, columns, rows, revision, preview, selectedColumn, onSelectColumn }: GridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const size = useElementSize(scroller, FALLBACK_SIZE);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const [, setLoadedCount] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<OpenedCell | null>(null);

  const cache = useMemo(
    () =>
      new BlockCache(
        () => {
          setError(null);
          setLoadedCount((n) => n + 1);
        },
        (e) => setError(e instanceof Error ? e.message : String(e)),
      ),
    [],
  );
  useEffect(() => () => cache.dispose(), [cache]);

  const sourceKey = useSourceKey(revision, preview);
  useEffect(() => setOpened(null), [sourceKey]);
  const inPreview = preview !== null;
  cache.setSource(sourceKey, (start, stop) =>
    rpc.call("window", { start, stop, preview: inPreview }).then((reply) => toBlock(reply.result, reply.buffers)),
  );

  const [chosenWidths, setChosenWidths] = useState<Record<string, number>>({});
  const resize = useCallback((name: string, width: number) => setChosenWidths((old) => ({ ...old, [name]: width })), []);
  const widths = useMemo(() => columns.map((c) => chosenWidths[c.name] ?? columnWidth(c.type)), [columns, chosenWidths]);
  const offsets = useMemo(() => columnOffsets(widths), [widths]);
  const bodyHeight = Math.max(ROW_HEIGHT, size.height - HEADER_HEIGHT);
  const rowView = rowViewport(scroll.top, bodyHeight, rows);
  const colView = columnViewport(scroll.left, size.width - ROW_NUMBER_WIDTH, offsets);

  useEffect(() => {
    cache.request(rowView.first, rowView.last, rows);
  }, [cache, sourceKey, rowView.first, rowView.last, rows]);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const { scrollTop, scrollLeft } = event.currentTarget;
    setScroll((old) => (old.top === scrollTop && old.left === scrollLeft ? old : { top: scrollTop, left: scrollLeft }));
  };

  const visibleColumns = columns.slice(colView.first, colView.last).map((column, i) => ({
    column,
    index: colView.first + i,
  }));
  const totalWidth = ROW_NUMBER_WIDTH + offsets[offsets.length - 1];
  const added = new Set(preview?.mode === "cells" ? preview.addedColumns : []);
  const changedColumns = new Set(preview?.mode === "cells" ? preview.changedColumns : []);
  const headerMark = (name: string): HeaderMark => (added.has(name) ? "added" : changedColumns.has(name) ? "changed" : null);

  const rowElements = [];
  for (let row = rowView.first; row < rowView.last; row++) {
    rowElements.push(
      <GridRow
        key={row}
        row={row}
        top={row * ROW_HEIGHT - rowView.shift}
        width={totalWidth}
        cached={cache.rowAt(row)}
        columns={visibleColumns}
        offsets={offsets}
        widths={widths}
        addedColumns={added}
        previewMode={preview?.mode ?? null}
      />,
    );
  }

  return (
    <div className="wb-grid" data-testid="wb-grid" ref={scroller} onScroll={onScroll} role="grid" aria-rowcount={rows}>
      <div className="wb-grid-canvas" style={{ width: totalWidth, height: HEADER_HEIGHT + rowView.canvasHeight }}>
        <div className="wb-grid-header" style={{ width: totalWidth, height: HEADER_HEIGHT }}>
          <div className="wb-corner" style={{ width: ROW_NUMBER_WIDTH, height: HEADER_HEIGHT }}>
            {error ? <span className="wb-grid-error" title={error}>!</span> : null}
          </div>
          {visibleColumns.map(({ column, index }) => (
            <ColumnHeader
              key={column.name}
              column={column}
              left={ROW_NUMBER_WIDTH + offsets[index]}
              width={widths[index]}
              mark={headerMark(column.name)}
              selected={column.name === selectedColumn}
              onSelect={onSelectColumn}
              onResize={resize}
            />
          ))}
        </div>
        <div
          className="wb-grid-body"
          style={{ height: rowView.canvasHeight }}
          onClick={(event) => setOpened(nestedCellAt(event))}
        >
          {rowElements}
        </div>
        {opened ? (
          <NestedValuePanel
            cell={opened}
            top={scroll.top + HEADER_HEIGHT}
            left={scroll.left + ROW_NUMBER_WIDTH}
            onClose={() => setOpened(null)}
          />
        ) : null}
        {rows === 0 ? <div className="wb-grid-empty">No rows</div> : null}
      </div>
    </div>
  );
}

/** Changes whenever the rows on screen come from somewhere else: a new revision or another preview. */
function useSourceKey(revision: number, preview: PreviewInfo | null): string {
  const previewKey = useMemo(() => (preview ? JSON.stringify(preview) : "live"), [preview]);
  return `${revision}|${previewKey}`;
}

interface GridRowProps {
  row: number;
  top: number;
  width: number;
  cached: CachedRow | null;
  columns: { column: ColumnInfo; index: number }[];
  offsets: number[];
  widths: number[];
  addedColumns: Set<string>;
  previewMode: PreviewInfo["mode"] | null;
}

function GridRow({ row, top, width, cached, columns, offsets, widths, addedColumns, previewMode }: GridRowProps) {
  const marks = cached && !cached.stale ? cached.block : null;
  const removed = previewMode === "rows" && marks !== null && marks.removed.has(row);
  const rowClass = ["wb-grid-row", row % 2 ? "wb-grid-row-odd" : "", removed ? "wb-removed" : "", cached ? "" : "wb-loading"];
  return (
    <div className={rowClass.filter(Boolean).join(" ")} style={{ top, width, height: ROW_HEIGHT }} role="row" data-row={row}>
      <div className="wb-rownum" style={{ width: ROW_NUMBER_WIDTH }}>
        {row.toLocaleString("en-US")}
      </div>
      {cached
        ? columns.map(({ column, index }) => {
            const changed =
              previewMode === "cells" &&
              marks !== null &&
              (addedColumns.has(column.name) || marks.changed.get(column.name)?.has(row) === true);
            const readColumn = cached.block.window.column(column.name);
            const cell = readColumn ? readColumn.cell(row - cached.block.start) : { text: "", kind: "empty" as const };
            const classes = [
              "wb-cell",
              `wb-kind-${cell.kind}`,
              changed ? "wb-changed" : "",
              changed && addedColumns.has(column.name) ? "wb-added" : "",
              removed ? "wb-removed" : "",
              cached.stale ? "wb-stale" : "",
            ];
            return (
              <div
                key={column.name}
                className={classes.filter(Boolean).join(" ")}
                data-testid="wb-cell"
                data-row={row}
                data-column={column.name}
                role="gridcell"
                title={cell.text.length > 24 ? cell.text : undefined}
                style={{ left: ROW_NUMBER_WIDTH + offsets[index], width: widths[index] }}
              >
                {cell.text}
              </div>
            );
          })
        : null}
    </div>
  );
}
